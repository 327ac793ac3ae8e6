// x86-64 variants. SSE4.1 is the build's baseline (-msse4.1, see
// CMakeLists.txt); wider ones carry __attribute__((target)) so that the rest
// of the binary still runs on CPUs without them, and the tables offer them
// only where the CPU reports them.
#pragma once

#if !defined(LMZIP_SCALAR_ONLY) && defined(__SSE4_1__)
#define LMZIP_KERNELS_X86 1

#include <immintrin.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "kernels/kernels.h"

namespace lmzip::kernels::x86 {

inline bool has_sse41() { return __builtin_cpu_supports("sse4.1"); }
inline bool has_avx2() { return __builtin_cpu_supports("avx2"); }
inline bool has_avx512bw() {
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl");
}
inline bool has_avx512dq() { return has_avx512bw() && __builtin_cpu_supports("avx512dq"); }
inline bool has_avx512vnni() { return has_avx512bw() && __builtin_cpu_supports("avx512vnni"); }

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

inline int32_t row_dot_sse41(const int8_t* w, const int16_t* h, int n) {
  __m128i s = _mm_setzero_si128();
  for (int j = 0; j < n; j += 8)
    s = _mm_add_epi32(s, _mm_madd_epi16(widen8(w + j), _mm_loadu_si128(reinterpret_cast<const __m128i*>(h + j))));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(1, 0, 3, 2)));
  return _mm_cvtsi128_si32(_mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(2, 3, 0, 1))));
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

__attribute__((target("avx2"))) inline int32_t row_dot_avx2(const int8_t* w, const int16_t* h, int n) {
  __m256i s = _mm256_setzero_si256();
  for (int j = 0; j < n; j += 16)
    s = _mm256_add_epi32(s, _mm256_madd_epi16(widen16(w + j), _mm256_loadu_si256(reinterpret_cast<const __m256i*>(h + j))));
  __m128i t = _mm_add_epi32(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));
  t = _mm_add_epi32(t, _mm_shuffle_epi32(t, _MM_SHUFFLE(1, 0, 3, 2)));
  return _mm_cvtsi128_si32(_mm_add_epi32(t, _mm_shuffle_epi32(t, _MM_SHUFFLE(2, 3, 0, 1))));
}

#define LMZIP_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl")))
#define LMZIP_AVX512VNNI __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni")))

// (Helpers are functions, not lambdas: a lambda does not inherit the
// target attribute of the function it is written in.)
LMZIP_AVX512 inline __m256i fold256(__m512i s) {
  return _mm256_add_epi32(_mm512_castsi512_si256(s), _mm512_extracti64x4_epi64(s, 1));
}
// The sums of four rows' accumulators, lane k = row k.
LMZIP_AVX512 inline __m128i sum_rows4(__m512i s0, __m512i s1, __m512i s2, __m512i s3) {
  __m256i s = _mm256_hadd_epi32(_mm256_hadd_epi32(fold256(s0), fold256(s1)),
                                _mm256_hadd_epi32(fold256(s2), fold256(s3)));
  return _mm_add_epi32(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));
}

LMZIP_AVX512 inline __m512i widen32(__mmask32 m, const int8_t* p) {
  return _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(m, p));
}
// AVX-512BW: the AVX2 loop at twice the width; a 16-column tail (n % 32)
// is read through a mask.
LMZIP_AVX512 inline void matvec_avx512bw(const int8_t* W, const int16_t* h, int rows, int n, int32_t* acc) {
  for (int i = 0; i < rows; i += 4) {
    const int8_t* w = W + static_cast<long>(i) * n;
    __m512i s0 = _mm512_setzero_si512(), s1 = s0, s2 = s0, s3 = s0;
    for (int j = 0; j < n; j += 32) {
      const __mmask32 m = n - j >= 32 ? ~__mmask32{0} : (__mmask32{1} << (n - j)) - 1;
      __m512i x = _mm512_maskz_loadu_epi16(m, h + j);
      s0 = _mm512_add_epi32(s0, _mm512_madd_epi16(widen32(m, w + j), x));
      s1 = _mm512_add_epi32(s1, _mm512_madd_epi16(widen32(m, w + n + j), x));
      s2 = _mm512_add_epi32(s2, _mm512_madd_epi16(widen32(m, w + 2 * n + j), x));
      s3 = _mm512_add_epi32(s3, _mm512_madd_epi16(widen32(m, w + 3 * n + j), x));
    }
    _mm_storeu_si128(reinterpret_cast<__m128i*>(acc + i), sum_rows4(s0, s1, s2, s3));
  }
}

LMZIP_AVX512 inline int32_t row_dot_avx512bw(const int8_t* w, const int16_t* h, int n) {
  __m512i s = _mm512_setzero_si512();
  for (int j = 0; j < n; j += 32) {
    const __mmask32 m = n - j >= 32 ? ~__mmask32{0} : (__mmask32{1} << (n - j)) - 1;
    s = _mm512_add_epi32(s, _mm512_madd_epi16(widen32(m, w + j), _mm512_maskz_loadu_epi16(m, h + j)));
  }
  return _mm512_reduce_add_epi32(s);
}

// AVX-512 VNNI: vpdpbusd multiplies unsigned by signed bytes, four per lane,
// so both operands stay bytes and nothing is widened. Each h[j] is split
// into two signed bytes, h = 256 * hi + lo (lo in -128..127, hi in -64..64),
// and each weight is stored as the unsigned byte w + 128. Then
//   sum_j w h = 256 * sum (w + 128) hi + sum (w + 128) lo - 128 * sum_j h.
// The left side fits in 32 bits (kernels.h); the terms on the right may not,
// but every step is an addition or multiplication modulo 2^32, so the
// result is exact.
//
// The packed layout puts 16 rows in the 16 lanes, so that no sum crosses
// lanes: block b (rows 16b..16b+15, the last one padded with zero weights)
// holds, for each column quad q, 64 bytes: row 16b + l's columns 4q..4q+3
// in lane l. A quad of hi (or lo) bytes is broadcast to every lane.
constexpr int kVnniRows = 16;
// acc += u (unsigned bytes) . x (signed bytes) in place. GCC 12 copies the
// accumulators between registers around the intrinsic's tied operand (a
// third slower in this loop); the one instruction in asm keeps them put.
LMZIP_AVX512VNNI inline void dpbusd(__m512i& acc, __m512i u, __m512i x) {
#if defined(__GNUC__) && !defined(__clang__)
  __asm__("vpdpbusd %2, %1, %0" : "+v"(acc) : "v"(u), "v"(x));
#else
  acc = _mm512_dpbusd_epi32(acc, u, x);
#endif
}
inline WeightBytes pack_avx512vnni(const int8_t* W, int rows, int n) {
  const int blocks = (rows + kVnniRows - 1) / kVnniRows;
  WeightBytes packed(static_cast<size_t>(blocks) * kVnniRows * n, static_cast<int8_t>(-128));
  for (int row = 0; row < rows; ++row)
    for (int col = 0; col < n; ++col) {
      const size_t at = (static_cast<size_t>(row / kVnniRows) * (n / 4) + col / 4) * 64 + (row % kVnniRows) * 4 + col % 4;
      packed[at] = static_cast<int8_t>(W[static_cast<size_t>(row) * n + col] ^ 0x80);  // w + 128 as a byte
    }
  return packed;
}

// Splits h into its hi and lo bytes (as above); returns sum_j h[j].
LMZIP_AVX512 inline int32_t split_bytes(const int16_t* h, int n, int8_t* hi, int8_t* lo) {
  __m512i sum = _mm512_setzero_si512();
  for (int j = 0; j < n; j += 32) {
    const __mmask32 m = n - j >= 32 ? ~__mmask32{0} : (__mmask32{1} << (n - j)) - 1;
    const __m512i x = _mm512_maskz_loadu_epi16(m, h + j);
    const __m512i low = _mm512_srai_epi16(_mm512_slli_epi16(x, 8), 8);  // the low byte, signed
    _mm256_mask_storeu_epi8(lo + j, m, _mm512_cvtepi16_epi8(low));
    _mm256_mask_storeu_epi8(hi + j, m, _mm512_cvtepi16_epi8(_mm512_srai_epi16(_mm512_sub_epi16(x, low), 8)));
    sum = _mm512_add_epi32(sum, _mm512_madd_epi16(x, _mm512_set1_epi16(1)));
  }
  return _mm512_reduce_add_epi32(sum);
}

LMZIP_AVX512 inline __m512i hi_lo(__m512i with_hi, __m512i with_lo, __m512i correction) {
  return _mm512_add_epi32(_mm512_add_epi32(_mm512_slli_epi32(with_hi, 8), with_lo), correction);
}
LMZIP_AVX512 inline void store_rows(int32_t* acc, int rows_left, __m512i v) {
  const __mmask16 m = rows_left >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << rows_left) - 1);
  _mm512_mask_storeu_epi32(acc, m, v);
}

LMZIP_AVX512VNNI inline void matvec_avx512vnni(const int8_t* packed, const int16_t* h, int rows, int n,
                                               int32_t* acc) {
  alignas(64) int8_t hi[kMatvecMaxN], lo[kMatvecMaxN];
  // -128 * sum_j h, modulo 2^32 like the vector sums (it can exceed int32).
  const __m512i correction =
      _mm512_set1_epi32(static_cast<int32_t>(0u - 128u * static_cast<uint32_t>(split_bytes(h, n, hi, lo))));
  const int blocks = (rows + kVnniRows - 1) / kVnniRows;
  const long block_bytes = static_cast<long>(kVnniRows) * n;
  int b = 0;
  // Four blocks at a time share each broadcast quad.
  for (; b + 4 <= blocks; b += 4) {
    const int8_t* w = packed + b * block_bytes;
    __m512i a0 = _mm512_setzero_si512(), a1 = a0, a2 = a0, a3 = a0;  // sums with hi
    __m512i c0 = a0, c1 = a0, c2 = a0, c3 = a0;                      // sums with lo
    for (int q = 0; q < n / 4; ++q, w += 64) {
      int32_t hq, lq;
      std::memcpy(&hq, hi + 4 * q, 4);
      std::memcpy(&lq, lo + 4 * q, 4);
      const __m512i x_hi = _mm512_set1_epi32(hq), x_lo = _mm512_set1_epi32(lq);
      __m512i u = _mm512_loadu_si512(w);
      dpbusd(a0, u, x_hi), dpbusd(c0, u, x_lo);
      u = _mm512_loadu_si512(w + block_bytes);
      dpbusd(a1, u, x_hi), dpbusd(c1, u, x_lo);
      u = _mm512_loadu_si512(w + 2 * block_bytes);
      dpbusd(a2, u, x_hi), dpbusd(c2, u, x_lo);
      u = _mm512_loadu_si512(w + 3 * block_bytes);
      dpbusd(a3, u, x_hi), dpbusd(c3, u, x_lo);
    }
    int32_t* out = acc + b * kVnniRows;
    store_rows(out, rows - b * kVnniRows, hi_lo(a0, c0, correction));
    store_rows(out + 16, rows - (b + 1) * kVnniRows, hi_lo(a1, c1, correction));
    store_rows(out + 32, rows - (b + 2) * kVnniRows, hi_lo(a2, c2, correction));
    store_rows(out + 48, rows - (b + 3) * kVnniRows, hi_lo(a3, c3, correction));
  }
  for (; b < blocks; ++b) {
    const int8_t* w = packed + b * block_bytes;
    __m512i a = _mm512_setzero_si512(), c = a;
    for (int q = 0; q < n / 4; ++q, w += 64) {
      int32_t hq, lq;
      std::memcpy(&hq, hi + 4 * q, 4);
      std::memcpy(&lq, lo + 4 * q, 4);
      const __m512i u = _mm512_loadu_si512(w);
      dpbusd(a, u, _mm512_set1_epi32(hq));
      dpbusd(c, u, _mm512_set1_epi32(lq));
    }
    store_rows(acc + b * kVnniRows, rows - b * kVnniRows, hi_lo(a, c, correction));
  }
}

// gates and softmax: eight values per vector in 64-bit lanes, where the
// products that can exceed 32 bits stay exact, and the lookups are gathers.
#define LMZIP_AVX512DQ __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq")))

LMZIP_AVX512DQ inline __m512i widen8x16(const int16_t* p) {
  return _mm512_cvtepi16_epi64(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}
// (acc * mult + 2^27) >> 28 for eight lanes; mul_epi32 multiplies the low,
// sign-extended halves, i.e. the int32 values themselves.
LMZIP_AVX512DQ inline __m512i scale8(const int32_t* acc, const int32_t* mult) {
  const __m512i a = _mm512_cvtepi32_epi64(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(acc)));
  const __m512i m = _mm512_cvtepi32_epi64(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(mult)));
  const __m512i p = _mm512_add_epi64(_mm512_mul_epi32(a, m), _mm512_set1_epi64(int64_t{1} << (kMultShift - 1)));
  return _mm512_srai_epi64(p, kMultShift);
}
LMZIP_AVX512DQ inline __m512i lookup8(const int32_t* lut, __m512i v) {
  v = _mm512_min_epi64(_mm512_max_epi64(v, _mm512_set1_epi64(-kLutSize / 2)), _mm512_set1_epi64(kLutSize / 2 - 1));
  v = _mm512_add_epi64(v, _mm512_set1_epi64(kLutSize / 2));
  return _mm512_cvtepi32_epi64(_mm512_i64gather_epi32(v, lut, 4));
}
// (x * y + 2^13) >> 14
LMZIP_AVX512DQ inline __m512i q14_product(__m512i x, __m512i y) {
  return _mm512_srai_epi64(_mm512_add_epi64(_mm512_mullo_epi64(x, y), _mm512_set1_epi64(kQ14 / 2)), 14);
}

// In two passes, the gates r and z of every unit first, so that no gather
// waits for another's result (one pass, each tanh lookup waited for the
// sigmoid before it: the gathers' latency bounded the loop).
LMZIP_AVX512DQ inline void gates_avx512(const GruGates& a, int H, int16_t* h) {
  alignas(64) int32_t r_all[kMatvecMaxN], z_all[kMatvecMaxN];  // in [0, 16384]
  for (int i = 0; i < H; i += 8) {
    const __m512i r = lookup8(a.sigmoid, _mm512_add_epi64(widen8x16(a.g + i), scale8(a.acc + i, a.mult + i)));
    const __m512i z =
        lookup8(a.sigmoid, _mm512_add_epi64(widen8x16(a.g + H + i), scale8(a.acc + H + i, a.mult + H + i)));
    _mm256_store_si256(reinterpret_cast<__m256i*>(r_all + i), _mm512_cvtepi64_epi32(r));
    _mm256_store_si256(reinterpret_cast<__m256i*>(z_all + i), _mm512_cvtepi64_epi32(z));
  }
  for (int i = 0; i < H; i += 8) {
    const __m512i r = _mm512_cvtepi32_epi64(_mm256_load_si256(reinterpret_cast<const __m256i*>(r_all + i)));
    const __m512i z = _mm512_cvtepi32_epi64(_mm256_load_si256(reinterpret_cast<const __m256i*>(z_all + i)));
    const __m512i v = _mm512_add_epi64(scale8(a.acc + 2 * H + i, a.mult + 2 * H + i), widen8x16(a.c + i));
    const __m512i n = lookup8(a.tanh, _mm512_add_epi64(widen8x16(a.g + 2 * H + i), q14_product(r, v)));
    const __m512i old = widen8x16(h + i);
    const __m512i next = _mm512_add_epi64(n, q14_product(z, _mm512_sub_epi64(old, n)));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(h + i), _mm512_cvtepi64_epi16(next));
  }
}

LMZIP_AVX512DQ inline void add_scaled_avx512(const int16_t* base, const int32_t* acc, const int32_t* mult, int n,
                                             int16_t* out) {
  const __m512i lo = _mm512_set1_epi64(-32767), hi = _mm512_set1_epi64(32767);
  for (int i = 0; i < n; i += 8) {
    const __m512i v = _mm512_add_epi64(widen8x16(base + i), scale8(acc + i, mult + i));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), _mm512_cvtepi64_epi16(_mm512_min_epi64(_mm512_max_epi64(v, lo), hi)));
  }
}

LMZIP_AVX512DQ inline void softmax_avx512(const int32_t* acc, const int32_t* mult, const int16_t* d,
                                          const uint32_t* exp, uint32_t* cum) {
  __m512i logit[kSymbols / 8];
  __m512i top = _mm512_set1_epi64(INT64_MIN);
  for (int q = 0; q < kSymbols / 8; ++q) {
    logit[q] = _mm512_add_epi64(scale8(acc + 8 * q, mult + 8 * q), widen8x16(d + 8 * q));
    top = _mm512_max_epi64(top, logit[q]);
  }
  top = _mm512_set1_epi64(_mm512_reduce_max_epi64(top));
  const __m512i last = _mm512_set1_epi64(kLutSize - 1), zero = _mm512_setzero_si512();
  __m512i carry = zero;
  for (int q = 0; q < kSymbols / 16; ++q) {
    const __m512i d0 = _mm512_min_epi64(_mm512_sub_epi64(top, logit[2 * q]), last);
    const __m512i d1 = _mm512_min_epi64(_mm512_sub_epi64(top, logit[2 * q + 1]), last);
    __m512i e = _mm512_inserti64x4(_mm512_castsi256_si512(_mm512_i64gather_epi32(d0, exp, 4)),
                                   _mm512_i64gather_epi32(d1, exp, 4), 1);
    // Prefix sums of the 16 lanes: add the lanes 1, 2, 4, 8 places before.
    e = _mm512_add_epi32(e, _mm512_alignr_epi32(e, zero, 15));
    e = _mm512_add_epi32(e, _mm512_alignr_epi32(e, zero, 14));
    e = _mm512_add_epi32(e, _mm512_alignr_epi32(e, zero, 12));
    e = _mm512_add_epi32(e, _mm512_alignr_epi32(e, zero, 8));
    e = _mm512_add_epi32(e, carry);
    _mm512_storeu_si512(cum + 1 + 16 * q, e);
    carry = _mm512_permutexvar_epi32(_mm512_set1_epi32(15), e);
  }
  cum[0] = 0;
}

// gates and softmax with AVX2: four values per vector in 64-bit lanes.
// AVX2 lacks the 64-bit arithmetic shift, min and max and the full 64-bit
// multiply, so the first two are built from compares, and r * (a_n + c)
// multiplies 32-bit halves: a_n + c is first clamped to the int32 range,
// which leaves the result unchanged (r in [0, 16384]: r = 0 gives 0 either
// way; for r >= 1 and |a_n + c| >= 2^31 the product >> 14 exceeds 2^17 in
// magnitude on the same side as the unclamped one, and g adds at most
// 2^15, so the table index clamps to the same end).
#define LMZIP_AVX2 __attribute__((target("avx2")))

LMZIP_AVX2 inline __m256i srai64_avx2(__m256i v, int k) {
  const __m256i negative = _mm256_cmpgt_epi64(_mm256_setzero_si256(), v);
  return _mm256_or_si256(_mm256_srli_epi64(v, k), _mm256_slli_epi64(negative, 64 - k));
}
LMZIP_AVX2 inline __m256i clamp64_avx2(__m256i v, int64_t lo, int64_t hi) {
  const __m256i l = _mm256_set1_epi64x(lo), h = _mm256_set1_epi64x(hi);
  v = _mm256_blendv_epi8(v, l, _mm256_cmpgt_epi64(l, v));
  return _mm256_blendv_epi8(v, h, _mm256_cmpgt_epi64(v, h));
}
LMZIP_AVX2 inline __m256i widen4x16(const int16_t* p) {
  return _mm256_cvtepi16_epi64(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
}
LMZIP_AVX2 inline __m256i scale4(const int32_t* acc, const int32_t* mult) {
  const __m256i a = _mm256_cvtepi32_epi64(_mm_loadu_si128(reinterpret_cast<const __m128i*>(acc)));
  const __m256i m = _mm256_cvtepi32_epi64(_mm_loadu_si128(reinterpret_cast<const __m128i*>(mult)));
  const __m256i p = _mm256_add_epi64(_mm256_mul_epi32(a, m), _mm256_set1_epi64x(int64_t{1} << (kMultShift - 1)));
  return srai64_avx2(p, kMultShift);
}
// The low 32 bits of the four 64-bit lanes.
LMZIP_AVX2 inline __m128i low_halves(__m256i v) {
  return _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(v, _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6)));
}
LMZIP_AVX2 inline __m256i lookup4(const int32_t* lut, __m256i v) {
  const __m256i index = _mm256_add_epi64(clamp64_avx2(v, -kLutSize / 2, kLutSize / 2 - 1), _mm256_set1_epi64x(kLutSize / 2));
  return _mm256_cvtepi32_epi64(_mm_i32gather_epi32(lut, low_halves(index), 4));
}
// (x * y + 2^13) >> 14 for x and y in the int32 range.
LMZIP_AVX2 inline __m256i q14_product_avx2(__m256i x, __m256i y) {
  return srai64_avx2(_mm256_add_epi64(_mm256_mul_epi32(x, y), _mm256_set1_epi64x(kQ14 / 2)), 14);
}

LMZIP_AVX2 inline void gates_avx2(const GruGates& a, int H, int16_t* h) {
  for (int i = 0; i < H; i += 4) {
    const __m256i r = lookup4(a.sigmoid, _mm256_add_epi64(widen4x16(a.g + i), scale4(a.acc + i, a.mult + i)));
    const __m256i z =
        lookup4(a.sigmoid, _mm256_add_epi64(widen4x16(a.g + H + i), scale4(a.acc + H + i, a.mult + H + i)));
    const __m256i v = clamp64_avx2(_mm256_add_epi64(scale4(a.acc + 2 * H + i, a.mult + 2 * H + i), widen4x16(a.c + i)),
                                   INT32_MIN, INT32_MAX);
    const __m256i n = lookup4(a.tanh, _mm256_add_epi64(widen4x16(a.g + 2 * H + i), q14_product_avx2(r, v)));
    const __m256i next = _mm256_add_epi64(n, q14_product_avx2(z, _mm256_sub_epi64(widen4x16(h + i), n)));
    // |next| <= 16384, so the saturating pack changes nothing.
    _mm_storel_epi64(reinterpret_cast<__m128i*>(h + i), _mm_packs_epi32(low_halves(next), _mm_setzero_si128()));
  }
}

LMZIP_AVX2 inline void add_scaled_avx2(const int16_t* base, const int32_t* acc, const int32_t* mult, int n,
                                       int16_t* out) {
  for (int i = 0; i < n; i += 4) {
    const __m256i v = clamp64_avx2(_mm256_add_epi64(widen4x16(base + i), scale4(acc + i, mult + i)), -32767, 32767);
    _mm_storel_epi64(reinterpret_cast<__m128i*>(out + i), _mm_packs_epi32(low_halves(v), _mm_setzero_si128()));
  }
}

LMZIP_AVX2 inline void softmax_avx2(const int32_t* acc, const int32_t* mult, const int16_t* d, const uint32_t* exp,
                                    uint32_t* cum) {
  __m256i logit[kSymbols / 4];
  __m256i top = _mm256_set1_epi64x(INT64_MIN);
  for (int q = 0; q < kSymbols / 4; ++q) {
    logit[q] = _mm256_add_epi64(scale4(acc + 4 * q, mult + 4 * q), widen4x16(d + 4 * q));
    top = _mm256_blendv_epi8(top, logit[q], _mm256_cmpgt_epi64(logit[q], top));
  }
  alignas(32) int64_t lanes[4];
  _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), top);
  const int64_t best = std::max(std::max(lanes[0], lanes[1]), std::max(lanes[2], lanes[3]));
  const __m256i top_all = _mm256_set1_epi64x(best);
  alignas(16) uint32_t e[kSymbols];
  for (int q = 0; q < kSymbols / 4; ++q) {
    const __m256i distance = clamp64_avx2(_mm256_sub_epi64(top_all, logit[q]), 0, kLutSize - 1);
    _mm_store_si128(reinterpret_cast<__m128i*>(e + 4 * q),
                    _mm_i32gather_epi32(reinterpret_cast<const int*>(exp), low_halves(distance), 4));
  }
  cum[0] = 0;
  for (int k = 0; k < kSymbols; ++k) cum[k + 1] = cum[k] + e[k];
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
