// Mixer kernels: a scalar reference and SIMD versions that must equal it
// bit for bit (tests/test_kernels.cpp). All integer: results do not depend on
// lane width or summation order because nothing overflows (bounds below).
//
//   dot:   sum_i x[i] * w[i]                    |x| <= 2047, |w| <= 65535,
//                                               n <= 16  =>  |sum| < 2^31
//   train: w[i] = clamp(w[i] + ((x[i] * err) >> 16), -65535, 65535)
//                                               |x * err| <= 2047 * 4095 * 32
#pragma once

#include <cstdint>

#if defined(LMZIP_SCALAR_ONLY)
#define LMZIP_KERNELS "scalar"
#elif defined(__SSE4_1__)
#include <smmintrin.h>
#define LMZIP_KERNELS "sse4.1"
#elif defined(__wasm_simd128__)
#include <wasm_simd128.h>
#define LMZIP_KERNELS "simd128"
#else
#define LMZIP_KERNELS "scalar"
#endif

namespace lmzip::kernels {

constexpr int32_t kWeightLimit = 65535;
constexpr int kMaxLearningRate = 32;

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

#if !defined(LMZIP_SCALAR_ONLY) && defined(__SSE4_1__)
// n must be a multiple of 4.
inline int32_t dot_simd(const int32_t* x, const int32_t* w, int n) {
  __m128i sum = _mm_setzero_si128();
  for (int i = 0; i < n; i += 4) {
    __m128i xv = _mm_loadu_si128(reinterpret_cast<const __m128i*>(x + i));
    __m128i wv = _mm_loadu_si128(reinterpret_cast<const __m128i*>(w + i));
    sum = _mm_add_epi32(sum, _mm_mullo_epi32(xv, wv));
  }
  sum = _mm_add_epi32(sum, _mm_shuffle_epi32(sum, _MM_SHUFFLE(1, 0, 3, 2)));
  sum = _mm_add_epi32(sum, _mm_shuffle_epi32(sum, _MM_SHUFFLE(2, 3, 0, 1)));
  return _mm_cvtsi128_si32(sum);
}

inline void train_simd(const int32_t* x, int32_t* w, int n, int32_t err) {
  const __m128i e = _mm_set1_epi32(err);
  const __m128i hi = _mm_set1_epi32(kWeightLimit), lo = _mm_set1_epi32(-kWeightLimit);
  for (int i = 0; i < n; i += 4) {
    __m128i xv = _mm_loadu_si128(reinterpret_cast<const __m128i*>(x + i));
    __m128i wv = _mm_loadu_si128(reinterpret_cast<__m128i*>(w + i));
    wv = _mm_add_epi32(wv, _mm_srai_epi32(_mm_mullo_epi32(xv, e), 16));
    wv = _mm_max_epi32(_mm_min_epi32(wv, hi), lo);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(w + i), wv);
  }
}
#elif !defined(LMZIP_SCALAR_ONLY) && defined(__wasm_simd128__)
inline int32_t dot_simd(const int32_t* x, const int32_t* w, int n) {
  v128_t sum = wasm_i32x4_splat(0);
  for (int i = 0; i < n; i += 4)
    sum = wasm_i32x4_add(sum, wasm_i32x4_mul(wasm_v128_load(x + i), wasm_v128_load(w + i)));
  return wasm_i32x4_extract_lane(sum, 0) + wasm_i32x4_extract_lane(sum, 1) +
         wasm_i32x4_extract_lane(sum, 2) + wasm_i32x4_extract_lane(sum, 3);
}

inline void train_simd(const int32_t* x, int32_t* w, int n, int32_t err) {
  const v128_t e = wasm_i32x4_splat(err);
  const v128_t hi = wasm_i32x4_splat(kWeightLimit), lo = wasm_i32x4_splat(-kWeightLimit);
  for (int i = 0; i < n; i += 4) {
    v128_t wv = wasm_v128_load(w + i);
    wv = wasm_i32x4_add(wv, wasm_i32x4_shr(wasm_i32x4_mul(wasm_v128_load(x + i), e), 16));
    wasm_v128_store(w + i, wasm_i32x4_max(wasm_i32x4_min(wv, hi), lo));
  }
}
#else
inline int32_t dot_simd(const int32_t* x, const int32_t* w, int n) { return dot_ref(x, w, n); }
inline void train_simd(const int32_t* x, int32_t* w, int n, int32_t err) { train_ref(x, w, n, err); }
#endif

}  // namespace lmzip::kernels
