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

inline int32_t row_dot_ref(const int8_t* w, const int16_t* h, int n) {
  int32_t sum = 0;
  matvec_ref(w, h, 1, n, &sum);
  return sum;
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

// The rounding shift of the matvec sums to Q8.
inline int64_t scale_ref(int32_t acc, int32_t mult) {
  return (static_cast<int64_t>(acc) * mult + (int64_t{1} << (kMultShift - 1))) >> kMultShift;
}

inline int lut_index_ref(int64_t v) {
  return static_cast<int>(v < -kLutSize / 2 ? -kLutSize / 2 : (v > kLutSize / 2 - 1 ? kLutSize / 2 - 1 : v)) +
         kLutSize / 2;
}

inline void gates_ref(const GruGates& a, int H, int16_t* h) {
  for (int i = 0; i < H; ++i) {
    int64_t r = a.sigmoid[lut_index_ref(a.g[i] + scale_ref(a.acc[i], a.mult[i]))];
    int64_t z = a.sigmoid[lut_index_ref(a.g[H + i] + scale_ref(a.acc[H + i], a.mult[H + i]))];
    int64_t v = scale_ref(a.acc[2 * H + i], a.mult[2 * H + i]) + a.c[i];
    int64_t n = a.tanh[lut_index_ref(a.g[2 * H + i] + ((r * v + kQ14 / 2) >> 14))];
    h[i] = static_cast<int16_t>(n + ((z * (h[i] - n) + kQ14 / 2) >> 14));
  }
}

inline void add_scaled_ref(const int16_t* base, const int32_t* acc, const int32_t* mult, int n, int16_t* out) {
  for (int i = 0; i < n; ++i) {
    int64_t v = base[i] + scale_ref(acc[i], mult[i]);
    out[i] = static_cast<int16_t>(v < -32767 ? -32767 : (v > 32767 ? 32767 : v));
  }
}

inline void softmax_ref(const int32_t* acc, const int32_t* mult, const int16_t* d, const uint32_t* exp,
                        uint32_t* cum) {
  int64_t logit[kSymbols];
  int64_t top = INT64_MIN;
  for (int k = 0; k < kSymbols; ++k) {
    logit[k] = scale_ref(acc[k], mult[k]) + d[k];
    top = logit[k] > top ? logit[k] : top;
  }
  cum[0] = 0;
  for (int k = 0; k < kSymbols; ++k) {
    int64_t distance = top - logit[k];
    cum[k + 1] = cum[k] + exp[distance < kLutSize - 1 ? distance : kLutSize - 1];
  }
}

}  // namespace lmzip::kernels
