// Neural-model kernels: a scalar reference and SIMD versions that must equal
// it bit for bit (tests/test_lm.cpp). Integer only, so the sum does not
// depend on lane width or order as long as nothing overflows:
//
//   matvec: acc[i] = sum_j W[i][j] * h[j]     W int8 in [-127, 127] (widened
//           to 16 bits in registers), h int16 in [-16384, 16384],
//           n <= 1024, n % 16 == 0, rows % 4 == 0
//           => |acc| <= 1024 * 127 * 16384 < 2^31, and every partial sum of
//           pmaddwd / dot_i16x8 lanes is smaller still.
#pragma once

#include <cstdint>

#if !defined(LMZIP_SCALAR_ONLY) && defined(__SSE4_1__)
#include <immintrin.h>
#define LMZIP_NN_AVX2 1
#elif !defined(LMZIP_SCALAR_ONLY) && defined(__wasm_simd128__)
#include <wasm_simd128.h>
#endif

namespace lmzip::nn {

constexpr int kMaxHidden = 1024;

// W: rows x n, row-major.
inline void matvec_ref(const int8_t* W, const int16_t* h, int rows, int n, int32_t* acc) {
  for (int i = 0; i < rows; ++i) {
    const int8_t* w = W + static_cast<long>(i) * n;
    int32_t sum = 0;
    for (int j = 0; j < n; ++j) sum += static_cast<int32_t>(w[j]) * h[j];
    acc[i] = sum;
  }
}

#if !defined(LMZIP_SCALAR_ONLY) && defined(__SSE4_1__)
// Four rows at a time share each load of h; int8 weights halve the memory
// traffic, which bounds this loop.
inline __m128i widen8(const int8_t* p) {
  return _mm_cvtepi8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
}
inline void matvec_simd(const int8_t* W, const int16_t* h, int rows, int n, int32_t* acc) {
  for (int i = 0; i < rows; i += 4) {
    const int8_t* w = W + static_cast<long>(i) * n;
    __m128i s0 = _mm_setzero_si128(), s1 = s0, s2 = s0, s3 = s0;
    for (int j = 0; j < n; j += 8) {
      __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(h + j));
      s0 = _mm_add_epi32(s0, _mm_madd_epi16(widen8(w + j), x));
      s1 = _mm_add_epi32(s1, _mm_madd_epi16(widen8(w + n + j), x));
      s2 = _mm_add_epi32(s2, _mm_madd_epi16(widen8(w + 2 * n + j), x));
      s3 = _mm_add_epi32(s3, _mm_madd_epi16(widen8(w + 3 * n + j), x));
    }
    // hadd twice: lane k = the sum of row i + k.
    __m128i s = _mm_hadd_epi32(_mm_hadd_epi32(s0, s1), _mm_hadd_epi32(s2, s3));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(acc + i), s);
  }
}

// The same with 256-bit vectors; chosen at run time where the CPU has AVX2.
__attribute__((target("avx2"))) inline __m256i widen16(const int8_t* p) {
  return _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}
__attribute__((target("avx2"))) inline void matvec_avx2(const int8_t* W, const int16_t* h,
                                                        int rows, int n, int32_t* acc) {
  for (int i = 0; i < rows; i += 4) {
    const int8_t* w = W + static_cast<long>(i) * n;
    __m256i s0 = _mm256_setzero_si256(), s1 = s0, s2 = s0, s3 = s0;
    for (int j = 0; j < n; j += 16) {
      __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(h + j));
      s0 = _mm256_add_epi32(s0, _mm256_madd_epi16(widen16(w + j), x));
      s1 = _mm256_add_epi32(s1, _mm256_madd_epi16(widen16(w + n + j), x));
      s2 = _mm256_add_epi32(s2, _mm256_madd_epi16(widen16(w + 2 * n + j), x));
      s3 = _mm256_add_epi32(s3, _mm256_madd_epi16(widen16(w + 3 * n + j), x));
    }
    __m256i s = _mm256_hadd_epi32(_mm256_hadd_epi32(s0, s1), _mm256_hadd_epi32(s2, s3));
    __m128i sum = _mm_add_epi32(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(acc + i), sum);
  }
}

inline bool cpu_has_avx2() { return __builtin_cpu_supports("avx2"); }
#elif !defined(LMZIP_SCALAR_ONLY) && defined(__wasm_simd128__)
inline void matvec_simd(const int8_t* W, const int16_t* h, int rows, int n, int32_t* acc) {
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
#else
inline void matvec_simd(const int8_t* W, const int16_t* h, int rows, int n, int32_t* acc) {
  matvec_ref(W, h, rows, n, acc);
}
#endif

}  // namespace lmzip::nn
