// WebAssembly SIMD128 variants (built with -msimd128, see CMakeLists.txt).
#pragma once

#if !defined(LMZIP_SCALAR_ONLY) && defined(__wasm_simd128__)
#define LMZIP_KERNELS_WASM 1

#include <wasm_simd128.h>

#include <cstdint>

#include "kernels/kernels.h"

namespace lmzip::kernels::wasm {

// An engine without SIMD128 rejects the whole module when it compiles it, so
// code that runs at all has it.
inline bool has_simd128() { return true; }

inline void matvec_simd128(const int8_t* W, const int16_t* h, int rows, int n, int32_t* acc) {
  for (int i = 0; i < rows; i += 4) {
    const int8_t* w = W + static_cast<long>(i) * n;
    v128_t s0 = wasm_i32x4_splat(0), s1 = s0, s2 = s0, s3 = s0;
    for (int j = 0; j < n; j += 8) {
      v128_t x = wasm_v128_load(h + j);
      s0 = wasm_i32x4_add(s0, wasm_i32x4_dot_i16x8(wasm_i16x8_load8x8(w + j), x));
      s1 = wasm_i32x4_add(s1, wasm_i32x4_dot_i16x8(wasm_i16x8_load8x8(w + n + j), x));
      s2 = wasm_i32x4_add(s2, wasm_i32x4_dot_i16x8(wasm_i16x8_load8x8(w + 2 * n + j), x));
      s3 = wasm_i32x4_add(s3, wasm_i32x4_dot_i16x8(wasm_i16x8_load8x8(w + 3 * n + j), x));
    }
    // Transpose-and-add: lane k = the sum of row i + k.
    v128_t a = wasm_i32x4_add(wasm_i32x4_shuffle(s0, s1, 0, 4, 1, 5), wasm_i32x4_shuffle(s0, s1, 2, 6, 3, 7));
    v128_t b = wasm_i32x4_add(wasm_i32x4_shuffle(s2, s3, 0, 4, 1, 5), wasm_i32x4_shuffle(s2, s3, 2, 6, 3, 7));
    v128_t s = wasm_i32x4_add(wasm_i32x4_shuffle(a, b, 0, 1, 4, 5), wasm_i32x4_shuffle(a, b, 2, 3, 6, 7));
    wasm_v128_store(acc + i, s);
  }
}

inline int32_t dot_simd128(const int32_t* x, const int32_t* w, int n) {
  v128_t sum = wasm_i32x4_splat(0);
  for (int i = 0; i < n; i += 4)
    sum = wasm_i32x4_add(sum, wasm_i32x4_mul(wasm_v128_load(x + i), wasm_v128_load(w + i)));
  return wasm_i32x4_extract_lane(sum, 0) + wasm_i32x4_extract_lane(sum, 1) +
         wasm_i32x4_extract_lane(sum, 2) + wasm_i32x4_extract_lane(sum, 3);
}

inline void train_simd128(const int32_t* x, int32_t* w, int n, int32_t err) {
  const v128_t e = wasm_i32x4_splat(err);
  const v128_t hi = wasm_i32x4_splat(kWeightLimit), lo = wasm_i32x4_splat(-kWeightLimit);
  for (int i = 0; i < n; i += 4) {
    v128_t wv = wasm_v128_load(w + i);
    wv = wasm_i32x4_add(wv, wasm_i32x4_shr(wasm_i32x4_mul(wasm_v128_load(x + i), e), 16));
    wasm_v128_store(w + i, wasm_i32x4_max(wasm_i32x4_min(wv, hi), lo));
  }
}

}  // namespace lmzip::kernels::wasm

#endif
