// The scalar references: the definition of each operation's result (bounds
// in kernels.h). Every other variant must equal these bit for bit.
#pragma once

#include <cstdint>

#include "kernels/kernels.h"

namespace lmzip::kernels {

inline void matvec_ref(const int8_t* W, const int16_t* h, int rows, int n, int32_t* acc) {
  for (int i = 0; i < rows; ++i) {
    const int8_t* w = W + static_cast<long>(i) * n;
    int32_t sum = 0;
    for (int j = 0; j < n; ++j) sum += static_cast<int32_t>(w[j]) * h[j];
    acc[i] = sum;
  }
}

inline int32_t dot_ref(const int32_t* x, const int32_t* w, int n) {
  int32_t sum = 0;
  for (int i = 0; i < n; ++i) sum += x[i] * w[i];
  return sum;
}

inline void train_ref(const int32_t* x, int32_t* w, int n, int32_t err) {
  for (int i = 0; i < n; ++i) {
    int32_t v = w[i] + ((x[i] * err) >> 16);
    w[i] = v < -kWeightLimit ? -kWeightLimit : (v > kWeightLimit ? kWeightLimit : v);
  }
}

}  // namespace lmzip::kernels
