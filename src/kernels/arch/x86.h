// x86-64 variants. SSE4.1 is the build's baseline (-msse4.1, see
// CMakeLists.txt); wider ones carry __attribute__((target)) so that the rest
// of the binary still runs on CPUs without them, and the tables offer them
// only where the CPU reports them.
#pragma once

#if !defined(LMZIP_SCALAR_ONLY) && defined(__SSE4_1__)
#define LMZIP_KERNELS_X86 1

#include <immintrin.h>

#include <cstdint>

#include "kernels/kernels.h"

namespace lmzip::kernels::x86 {

inline bool has_sse41() { return __builtin_cpu_supports("sse4.1"); }
inline bool has_avx2() { return __builtin_cpu_supports("avx2"); }

// matvec: four rows at a time share each load of h; int8 weights halve the
// memory traffic, which bounds this loop.
inline __m128i widen8(const int8_t* p) {
  return _mm_cvtepi8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
}
inline void matvec_sse41(const int8_t* W, const int16_t* h, int rows, int n, int32_t* acc) {
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

inline int32_t dot_sse41(const int32_t* x, const int32_t* w, int n) {
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

inline void train_sse41(const int32_t* x, int32_t* w, int n, int32_t err) {
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

}  // namespace lmzip::kernels::x86

#endif
