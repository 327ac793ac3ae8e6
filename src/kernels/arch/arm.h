// AArch64 NEON variants. NEON (Advanced SIMD) is part of every AArch64 CPU,
// so these need no run-time check.
#pragma once

#if !defined(LMZIP_SCALAR_ONLY) && defined(__aarch64__) && defined(__ARM_NEON)
#define LMZIP_KERNELS_NEON 1

#include <arm_neon.h>

#include <algorithm>
#include <cstdint>

#include "kernels/kernels.h"

namespace lmzip::kernels::neon {

inline bool has_neon() { return true; }

// matvec: four rows at a time share each load of h; smlal widens the
// int16 products into int32 lanes, which hold every partial sum (kernels.h).
inline int32x4_t row_step(int32x4_t s, const int8_t* w, int16x8_t x) {
  const int16x8_t wv = vmovl_s8(vld1_s8(w));
  return vmlal_high_s16(vmlal_s16(s, vget_low_s16(wv), vget_low_s16(x)), wv, x);
}
inline void matvec_neon(const int8_t* W, const int16_t* h, int rows, int n, int32_t* acc) {
  for (int i = 0; i < rows; i += 4) {
    const int8_t* w = W + static_cast<long>(i) * n;
    int32x4_t s0 = vdupq_n_s32(0), s1 = s0, s2 = s0, s3 = s0;
    for (int j = 0; j < n; j += 8) {
      const int16x8_t x = vld1q_s16(h + j);
      s0 = row_step(s0, w + j, x);
      s1 = row_step(s1, w + n + j, x);
      s2 = row_step(s2, w + 2 * n + j, x);
      s3 = row_step(s3, w + 3 * n + j, x);
    }
    // Pairwise adds twice: lane k = the sum of row i + k.
    vst1q_s32(acc + i, vpaddq_s32(vpaddq_s32(s0, s1), vpaddq_s32(s2, s3)));
  }
}

inline int32_t row_dot_neon(const int8_t* w, const int16_t* h, int n) {
  int32x4_t s = vdupq_n_s32(0);
  for (int j = 0; j < n; j += 8) s = row_step(s, w + j, vld1q_s16(h + j));
  return vaddvq_s32(s);
}

inline int32_t dot_neon(const int32_t* x, const int32_t* w, int n) {
  int32x4_t sum = vdupq_n_s32(0);
  for (int i = 0; i < n; i += 4) sum = vmlaq_s32(sum, vld1q_s32(x + i), vld1q_s32(w + i));
  return vaddvq_s32(sum);
}

inline void train_neon(const int32_t* x, int32_t* w, int n, int32_t err) {
  const int32x4_t e = vdupq_n_s32(err);
  const int32x4_t hi = vdupq_n_s32(kWeightLimit), lo = vdupq_n_s32(-kWeightLimit);
  for (int i = 0; i < n; i += 4) {
    int32x4_t wv = vaddq_s32(vld1q_s32(w + i), vshrq_n_s32(vmulq_s32(vld1q_s32(x + i), e), 16));
    vst1q_s32(w + i, vmaxq_s32(vminq_s32(wv, hi), lo));
  }
}

// gates, add_scaled and softmax: the products that can exceed 32 bits are
// exact in 64-bit lanes (smull; srshr is the reference's rounding shift,
// (x + 2^(k-1)) >> k, without its overflow), then narrowed to int32 with
// saturation and added with saturation. That leaves every result unchanged:
// a value that saturates is at least 2^31 - 1 in magnitude, and what it
// feeds is clamped far inside that (a table index to [-2048, 2047] after
// adding |g| <= 2^15; an int16 after adding |base| <= 2^15), so both end at
// the same bound. For r * (a_n + c) with r in [0, 16384]: r = 0 gives 0
// either way, and r >= 1 keeps |r * v| >> 14 >= 2^17 - 2 whenever a_n + c
// saturated. The lookups are scalar loads (NEON has no gather).
template <int kShift>
inline int32x4_t product_narrowed(int32x4_t x, int32x4_t y) {
  const int64x2_t lo = vrshrq_n_s64(vmull_s32(vget_low_s32(x), vget_low_s32(y)), kShift);
  const int64x2_t hi = vrshrq_n_s64(vmull_high_s32(x, y), kShift);
  return vcombine_s32(vqmovn_s64(lo), vqmovn_s64(hi));
}
inline int32x4_t scaled(const int32_t* acc, const int32_t* mult) {
  return product_narrowed<kMultShift>(vld1q_s32(acc), vld1q_s32(mult));
}
inline int32x4_t widen4(const int16_t* p) { return vmovl_s16(vld1_s16(p)); }
inline int32x4_t lookup4(const int32_t* lut, int32x4_t v) {
  v = vaddq_s32(vminq_s32(vmaxq_s32(v, vdupq_n_s32(-kLutSize / 2)), vdupq_n_s32(kLutSize / 2 - 1)),
                vdupq_n_s32(kLutSize / 2));
  int32_t index[4], value[4];
  vst1q_s32(index, v);
  for (int k = 0; k < 4; ++k) value[k] = lut[index[k]];
  return vld1q_s32(value);
}

inline void gates_neon(const GruGates& a, int H, int16_t* h) {
  for (int i = 0; i < H; i += 4) {
    const int32x4_t r = lookup4(a.sigmoid, vqaddq_s32(widen4(a.g + i), scaled(a.acc + i, a.mult + i)));
    const int32x4_t z = lookup4(a.sigmoid, vqaddq_s32(widen4(a.g + H + i), scaled(a.acc + H + i, a.mult + H + i)));
    const int32x4_t v = vqaddq_s32(scaled(a.acc + 2 * H + i, a.mult + 2 * H + i), widen4(a.c + i));
    const int32x4_t n = lookup4(a.tanh, vqaddq_s32(widen4(a.g + 2 * H + i), product_narrowed<14>(r, v)));
    // |z * (h - n)| <= 16384 * 32768: 32 bits suffice; |h| <= 16384 after.
    const int32x4_t d = vmulq_s32(z, vsubq_s32(widen4(h + i), n));
    vst1_s16(h + i, vmovn_s32(vaddq_s32(n, vrshrq_n_s32(d, 14))));
  }
}

inline void add_scaled_neon(const int16_t* base, const int32_t* acc, const int32_t* mult, int n, int16_t* out) {
  for (int i = 0; i < n; i += 8) {
    const int32x4_t lo = vqaddq_s32(widen4(base + i), scaled(acc + i, mult + i));
    const int32x4_t hi = vqaddq_s32(widen4(base + i + 4), scaled(acc + i + 4, mult + i + 4));
    vst1q_s16(out + i, vmaxq_s16(vcombine_s16(vqmovn_s32(lo), vqmovn_s32(hi)), vdupq_n_s16(-32767)));
  }
}

// softmax: the logits stay 64-bit (their differences matter up to 4095).
inline int64x2_t max64(int64x2_t a, int64x2_t b) { return vbslq_s64(vcgtq_s64(a, b), a, b); }
inline void softmax_neon(const int32_t* acc, const int32_t* mult, const int16_t* d, const uint32_t* exp,
                         uint32_t* cum) {
  int64x2_t logit[kSymbols / 2];
  int64x2_t top = vdupq_n_s64(INT64_MIN);
  for (int q = 0; q < kSymbols / 4; ++q) {
    const int32x4_t a = vld1q_s32(acc + 4 * q), m = vld1q_s32(mult + 4 * q), bias = widen4(d + 4 * q);
    logit[2 * q] = vaddq_s64(vrshrq_n_s64(vmull_s32(vget_low_s32(a), vget_low_s32(m)), kMultShift),
                             vmovl_s32(vget_low_s32(bias)));
    logit[2 * q + 1] = vaddq_s64(vrshrq_n_s64(vmull_high_s32(a, m), kMultShift), vmovl_high_s32(bias));
    top = max64(max64(top, logit[2 * q]), logit[2 * q + 1]);
  }
  const int64_t best = std::max(vgetq_lane_s64(top, 0), vgetq_lane_s64(top, 1));
  const int64x2_t top_all = vdupq_n_s64(best), last = vdupq_n_s64(kLutSize - 1);
  cum[0] = 0;
  uint32_t sum = 0;
  for (int q = 0; q < kSymbols / 2; ++q) {
    const int64x2_t distance = vsubq_s64(top_all, logit[q]);
    const int64x2_t clamped = vbslq_s64(vcgtq_s64(distance, last), last, distance);
    cum[2 * q + 1] = sum += exp[vgetq_lane_s64(clamped, 0)];
    cum[2 * q + 2] = sum += exp[vgetq_lane_s64(clamped, 1)];
  }
}

}  // namespace lmzip::kernels::neon

#endif
