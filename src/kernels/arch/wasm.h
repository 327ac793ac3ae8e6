// WebAssembly SIMD128 variants (built with -msimd128, see CMakeLists.txt).
#pragma once

#if !defined(LMZIP_SCALAR_ONLY) && defined(__wasm_simd128__)
#define LMZIP_KERNELS_WASM 1

#include <wasm_simd128.h>

#include <cstdint>
#include <cstring>

#include "kernels/kernels.h"

namespace lmzip::kernels::wasm {

// An engine without SIMD128 rejects the whole module when it compiles it, so
// code that runs at all has it.
inline bool has_simd128() { return true; }

// matvec: four rows at a time, eight columns per i32x4.dot_i16x8_s. W is
// widened to int16 once, when the model is parsed, and laid out in the order
// the loop reads it: per block of four rows, per eight columns, the four
// rows' eight values (64 bytes). Widening bytes at every step instead (a
// load8x8 per dot) made the model alone 12-23 % slower in Node (x86-64).
inline WeightBytes pack_simd128(const int8_t* W, int rows, int n) {
  std::vector<int16_t> wide;
  wide.reserve(static_cast<size_t>(rows) * n);
  for (int i = 0; i < rows; i += 4)
    for (int j = 0; j < n; j += 8)
      for (int r = 0; r < 4; ++r)
        for (int k = 0; k < 8; ++k) wide.push_back(W[static_cast<long>(i + r) * n + j + k]);
  WeightBytes out(wide.size() * 2);
  std::memcpy(out.data(), wide.data(), out.size());
  return out;
}

inline void matvec_simd128(const int8_t* packed, const int16_t* h, int rows, int n, int32_t* acc) {
  const auto* p = reinterpret_cast<const int16_t*>(packed);
  for (int i = 0; i < rows; i += 4) {
    v128_t s0 = wasm_i32x4_splat(0), s1 = s0, s2 = s0, s3 = s0;
    for (int j = 0; j < n; j += 8, p += 32) {
      v128_t x = wasm_v128_load(h + j);
      s0 = wasm_i32x4_add(s0, wasm_i32x4_dot_i16x8(wasm_v128_load(p), x));
      s1 = wasm_i32x4_add(s1, wasm_i32x4_dot_i16x8(wasm_v128_load(p + 8), x));
      s2 = wasm_i32x4_add(s2, wasm_i32x4_dot_i16x8(wasm_v128_load(p + 16), x));
      s3 = wasm_i32x4_add(s3, wasm_i32x4_dot_i16x8(wasm_v128_load(p + 24), x));
    }
    // Transpose-and-add: lane k = the sum of row i + k.
    v128_t a = wasm_i32x4_add(wasm_i32x4_shuffle(s0, s1, 0, 4, 1, 5), wasm_i32x4_shuffle(s0, s1, 2, 6, 3, 7));
    v128_t b = wasm_i32x4_add(wasm_i32x4_shuffle(s2, s3, 0, 4, 1, 5), wasm_i32x4_shuffle(s2, s3, 2, 6, 3, 7));
    v128_t s = wasm_i32x4_add(wasm_i32x4_shuffle(a, b, 0, 1, 4, 5), wasm_i32x4_shuffle(a, b, 2, 3, 6, 7));
    wasm_v128_store(acc + i, s);
  }
}

// row_dot: a row is read once per coded bit, so it is widened as it is
// loaded (no packed copy).
inline int32_t row_dot_simd128(const int8_t* w, const int16_t* h, int n) {
  v128_t s = wasm_i32x4_splat(0);
  for (int j = 0; j < n; j += 8)
    s = wasm_i32x4_add(s, wasm_i32x4_dot_i16x8(wasm_i16x8_load8x8(w + j), wasm_v128_load(h + j)));
  return wasm_i32x4_extract_lane(s, 0) + wasm_i32x4_extract_lane(s, 1) + wasm_i32x4_extract_lane(s, 2) +
         wasm_i32x4_extract_lane(s, 3);
}

// gates: four values per vector. The 64-bit steps use i64x2 (extmul for the
// 32 x 32 -> 64 products); results are then clamped to +-2^30 and narrowed
// to 32 bits, which leaves every table index unchanged: an index clamps
// g + x (|g| <= 2^15) to [-2048, 2047], so any |x| >= 2^30 - 2^15 lands on
// the end of its sign either way; for r * (a_n + c) with r in [0, 16384],
// r = 0 gives 0 and r >= 1 keeps |r * v| >> 14 >= 2^16 - 3 whenever
// |v| >= 2^30 - 2^15, clamped or not. The lookups are scalar loads (SIMD128
// has no gather).
constexpr int64_t kNarrowLimit = int64_t{1} << 30;

inline v128_t clamp64(v128_t v, v128_t lo, v128_t hi) {
  v = wasm_v128_bitselect(lo, v, wasm_i64x2_lt(v, lo));
  return wasm_v128_bitselect(hi, v, wasm_i64x2_gt(v, hi));
}
// (x[k] * y[k] + 2^(shift-1)) >> shift for the four lanes, clamped to
// +-2^30 and narrowed to 32 bits.
inline v128_t product_narrowed(v128_t x, v128_t y, int shift) {
  const v128_t round = wasm_i64x2_splat(int64_t{1} << (shift - 1));
  const v128_t lo = wasm_i64x2_splat(-kNarrowLimit), hi = wasm_i64x2_splat(kNarrowLimit);
  const v128_t a = clamp64(wasm_i64x2_shr(wasm_i64x2_add(wasm_i64x2_extmul_low_i32x4(x, y), round), shift), lo, hi);
  const v128_t b = clamp64(wasm_i64x2_shr(wasm_i64x2_add(wasm_i64x2_extmul_high_i32x4(x, y), round), shift), lo, hi);
  return wasm_i32x4_shuffle(a, b, 0, 2, 4, 6);
}
inline v128_t lookup4(const int32_t* lut, v128_t v) {
  v = wasm_i32x4_min(wasm_i32x4_max(v, wasm_i32x4_splat(-kLutSize / 2)), wasm_i32x4_splat(kLutSize / 2 - 1));
  v = wasm_i32x4_add(v, wasm_i32x4_splat(kLutSize / 2));
  return wasm_i32x4_make(lut[wasm_i32x4_extract_lane(v, 0)], lut[wasm_i32x4_extract_lane(v, 1)],
                         lut[wasm_i32x4_extract_lane(v, 2)], lut[wasm_i32x4_extract_lane(v, 3)]);
}
inline v128_t gates4(const GruGates& a, int H, int i, const int16_t* h) {
  const v128_t r = lookup4(a.sigmoid, wasm_i32x4_add(wasm_i32x4_load16x4(a.g + i),
                                                     product_narrowed(wasm_v128_load(a.acc + i), wasm_v128_load(a.mult + i), kMultShift)));
  const v128_t z = lookup4(a.sigmoid, wasm_i32x4_add(wasm_i32x4_load16x4(a.g + H + i),
                                                     product_narrowed(wasm_v128_load(a.acc + H + i), wasm_v128_load(a.mult + H + i), kMultShift)));
  const v128_t v = wasm_i32x4_add(product_narrowed(wasm_v128_load(a.acc + 2 * H + i), wasm_v128_load(a.mult + 2 * H + i), kMultShift),
                                  wasm_i32x4_load16x4(a.c + i));
  const v128_t n = lookup4(a.tanh, wasm_i32x4_add(wasm_i32x4_load16x4(a.g + 2 * H + i), product_narrowed(r, v, 14)));
  // |z * (h - n)| <= 16384 * 32768: 32 bits suffice.
  const v128_t d = wasm_i32x4_mul(z, wasm_i32x4_sub(wasm_i32x4_load16x4(h + i), n));
  return wasm_i32x4_add(n, wasm_i32x4_shr(wasm_i32x4_add(d, wasm_i32x4_splat(kQ14 / 2)), 14));
}
inline void gates_simd128(const GruGates& a, int H, int16_t* h) {
  for (int i = 0; i < H; i += 8) {
    const v128_t lo = gates4(a, H, i, h), hi = gates4(a, H, i + 4, h);
    wasm_v128_store(h + i, wasm_i16x8_narrow_i32x4(lo, hi));  // |h| <= 16384: no saturation
  }
}

// add_scaled: product_narrowed's clamp to +-2^30 cannot change the result,
// which clamps base + x (|base| <= 2^15) to +-32767 anyway.
inline void add_scaled_simd128(const int16_t* base, const int32_t* acc, const int32_t* mult, int n, int16_t* out) {
  for (int i = 0; i < n; i += 8) {
    const v128_t lo = wasm_i32x4_add(wasm_i32x4_load16x4(base + i),
                                     product_narrowed(wasm_v128_load(acc + i), wasm_v128_load(mult + i), kMultShift));
    const v128_t hi = wasm_i32x4_add(wasm_i32x4_load16x4(base + i + 4),
                                     product_narrowed(wasm_v128_load(acc + i + 4), wasm_v128_load(mult + i + 4), kMultShift));
    // The saturating narrow clamps to [-32768, 32767]; the max makes it +-32767.
    wasm_v128_store(out + i, wasm_i16x8_max(wasm_i16x8_narrow_i32x4(lo, hi), wasm_i16x8_splat(-32767)));
  }
}

// softmax: the logits stay 64-bit (i64x2), since their differences matter up
// to 4095 at any magnitude; the exp lookups and the prefix sums are scalar.
inline v128_t max64(v128_t a, v128_t b) { return wasm_v128_bitselect(a, b, wasm_i64x2_gt(a, b)); }
inline void softmax_simd128(const int32_t* acc, const int32_t* mult, const int16_t* d, const uint32_t* exp,
                            uint32_t* cum) {
  v128_t logit[kSymbols / 2];
  const v128_t round = wasm_i64x2_splat(int64_t{1} << (kMultShift - 1));
  v128_t top = wasm_i64x2_splat(INT64_MIN);
  for (int q = 0; q < kSymbols / 4; ++q) {
    const v128_t a = wasm_v128_load(acc + 4 * q), m = wasm_v128_load(mult + 4 * q);
    const v128_t bias = wasm_i32x4_load16x4(d + 4 * q);
    logit[2 * q] = wasm_i64x2_add(wasm_i64x2_shr(wasm_i64x2_add(wasm_i64x2_extmul_low_i32x4(a, m), round), kMultShift),
                                  wasm_i64x2_extend_low_i32x4(bias));
    logit[2 * q + 1] = wasm_i64x2_add(wasm_i64x2_shr(wasm_i64x2_add(wasm_i64x2_extmul_high_i32x4(a, m), round), kMultShift),
                                      wasm_i64x2_extend_high_i32x4(bias));
    top = max64(max64(top, logit[2 * q]), logit[2 * q + 1]);
  }
  const int64_t a = wasm_i64x2_extract_lane(top, 0), b = wasm_i64x2_extract_lane(top, 1);
  const v128_t top_all = wasm_i64x2_splat(a > b ? a : b), last = wasm_i64x2_splat(kLutSize - 1);
  uint32_t sum = 0;
  cum[0] = 0;
  for (int q = 0; q < kSymbols / 4; ++q) {
    v128_t lo = wasm_i64x2_sub(top_all, logit[2 * q]), hi = wasm_i64x2_sub(top_all, logit[2 * q + 1]);
    lo = wasm_v128_bitselect(last, lo, wasm_i64x2_gt(lo, last));
    hi = wasm_v128_bitselect(last, hi, wasm_i64x2_gt(hi, last));
    const v128_t distance = wasm_i32x4_shuffle(lo, hi, 0, 2, 4, 6);  // each in [0, 4095]
    cum[4 * q + 1] = sum += exp[wasm_i32x4_extract_lane(distance, 0)];
    cum[4 * q + 2] = sum += exp[wasm_i32x4_extract_lane(distance, 1)];
    cum[4 * q + 3] = sum += exp[wasm_i32x4_extract_lane(distance, 2)];
    cum[4 * q + 4] = sum += exp[wasm_i32x4_extract_lane(distance, 3)];
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

// WebAssembly without SIMD128 (the fallback module): there the reference
// matvec runs one multiply per weight, as nothing vectorizes it. This
// variant does two per 64-bit multiply: a row pair's weights are packed as
// one word u = w0 + w1 * 2^32 (mod 2^64), so h * u = h w0 + h w1 * 2^32, and
// a sum S of such products over a row holds A = sum h w0 in its low half
// and B = sum h w1 above it. Both fit in 32 bits (kernels.h), so
// A = (int32) S and B = (S - A) >> 32, exactly, although S wraps. Natively
// and with SIMD the compilers vectorize the reference, which is faster, so
// only this module offers it.
#if defined(__wasm__) && !defined(__wasm_simd128__)
#define LMZIP_KERNELS_WASM_SCALAR 1

#include <cstdint>
#include <vector>

#include "kernels/kernels.h"

namespace lmzip::kernels::wasm {

// Row pair (2k, 2k + 1): n words, column by column.
inline WeightBytes pack_swar64(const int8_t* W, int rows, int n) {
  WeightBytes packed(static_cast<size_t>(rows) * n * 4);  // on a cache line, so aligned for uint64_t
  uint64_t* word = reinterpret_cast<uint64_t*>(packed.data());
  for (int i = 0; i < rows; i += 2)
    for (int j = 0; j < n; ++j)
      *word++ = static_cast<uint64_t>(static_cast<int64_t>(W[static_cast<size_t>(i) * n + j])) +
                (static_cast<uint64_t>(static_cast<int64_t>(W[static_cast<size_t>(i + 1) * n + j])) << 32);
  return packed;
}

inline void split_sum(uint64_t sum, int32_t* acc) {
  const int32_t low = static_cast<int32_t>(static_cast<uint32_t>(sum));
  acc[0] = low;
  acc[1] = static_cast<int32_t>(static_cast<uint32_t>((sum - static_cast<uint64_t>(static_cast<int64_t>(low))) >> 32));
}

// Four rows (two words) per pass share each h[j].
inline void matvec_swar64(const int8_t* packed, const int16_t* h, int rows, int n, int32_t* acc) {
  const uint64_t* word = reinterpret_cast<const uint64_t*>(packed);
  for (int i = 0; i < rows; i += 4, word += 2 * n) {
    const uint64_t* next = word + n;
    uint64_t s0 = 0, s1 = 0;
    for (int j = 0; j < n; ++j) {
      const uint64_t x = static_cast<uint64_t>(static_cast<int64_t>(h[j]));
      s0 += x * word[j];
      s1 += x * next[j];
    }
    split_sum(s0, acc + i);
    split_sum(s1, acc + i + 2);
  }
}

}  // namespace lmzip::kernels::wasm

#endif
