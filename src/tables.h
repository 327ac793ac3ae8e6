// Integer lookup tables shared by the models: logistic squash/stretch, the
// bit-history state machine and CRC-32. All are built from integers at start
// (no libm), so every platform holds identical tables.
#pragma once

#include <cstddef>
#include <cstdint>

namespace lmzip {

// Probabilities are 12-bit: 0..4095 means 0..1. The logistic domain
// ("stretch") is fixed point with 8 fractional bits, clamped to ±2047.
constexpr int kProbBits = 12;
constexpr int kProbOne = 1 << kProbBits;
constexpr int kStretchMax = 2047;

struct Tables {
  int16_t stretch[kProbOne];         // ln(p/(1-p)) * 256
  int16_t squash[2 * kStretchMax + 1];  // inverse, index d + 2047
  // Bit-history states: counts of zeros and ones seen in a context, bounded
  // and discounted so that recent bits dominate.
  uint8_t next_state[256][2];
  uint8_t state_n0[256];
  uint8_t state_n1[256];
  int num_states;
  uint32_t crc[256];  // CRC-32 (IEEE) by byte
  // Adaptation rate 2/(2n+3) in 16-bit fixed point after n observations.
  int32_t rate[1024];
  // -log2(p / 4096) in 1/256 bits: what coding a bit of probability p costs.
  uint16_t cost[kProbOne];
};

// Built at compile time (constexpr), so usable from static initialisers too.
extern const Tables kTables;
inline const Tables& tables() { return kTables; }

inline int squash(int d) {
  if (d > kStretchMax) d = kStretchMax;
  if (d < -kStretchMax) d = -kStretchMax;
  return kTables.squash[d + kStretchMax];
}
inline int stretch(int p) { return kTables.stretch[p]; }

uint32_t crc32_update(uint32_t crc, const uint8_t* data, size_t size);

}  // namespace lmzip
