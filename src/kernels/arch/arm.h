// AArch64 NEON variants. NEON (Advanced SIMD) is part of every AArch64 CPU,
// so these need no run-time check.
#pragma once

#if !defined(LMZIP_SCALAR_ONLY) && defined(__aarch64__) && defined(__ARM_NEON)
#define LMZIP_KERNELS_NEON 1

#include <arm_neon.h>

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

}  // namespace lmzip::kernels::neon

#endif
