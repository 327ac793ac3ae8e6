#include "tables.h"

#include <algorithm>
#include <iterator>

namespace lmzip {
namespace {

// 4096 / (1 + e^(-x/256)) at x = -2048, -1920, ..., 2048 (rounded; the last
// entry clamped to 4095). Squash interpolates linearly between these knots.
constexpr int kSquashKnots[33] = {
    1,    2,    4,    6,    10,   17,   27,   45,   74,   120,  194,
    311,  488,  747,  1102, 1546, 2048, 2550, 2994, 3349, 3608, 3785,
    3902, 3976, 4022, 4051, 4069, 4079, 4086, 4090, 4092, 4094, 4095};

constexpr int squash_interpolated(int d) {
  int i = (d + 2048) >> 7;
  int w = (d + 2048) & 127;
  if (i >= 32) return kSquashKnots[32];
  return (kSquashKnots[i] * (128 - w) + kSquashKnots[i + 1] * w + 64) >> 7;
}

// Bit-history states are pairs (n0, n1). The set is bounded: the more
// evidence for both bits, the smaller the counts may grow, which keeps the
// number of states under 256 and makes the state forget stale evidence.
constexpr int kMaxHi[] = {40, 24, 12, 8, 6, 5};
constexpr bool state_allowed(int n0, int n1) {
  int lo = n0 < n1 ? n0 : n1, hi = n0 < n1 ? n1 : n0;
  return lo < 6 && hi <= kMaxHi[lo];
}

constexpr void build_states(Tables& t) {
  int index[64][64] = {};
  for (auto& row : index)
    for (int& v : row) v = -1;
  int n = 0;
  // Enumerate in order of total count so that state 0 is (0,0).
  for (int total = 0; total < 128; ++total)
    for (int n0 = 0; n0 <= total; ++n0) {
      int n1 = total - n0;
      if (n0 < 64 && n1 < 64 && state_allowed(n0, n1)) {
        index[n0][n1] = n;
        t.state_n0[n] = static_cast<uint8_t>(n0);
        t.state_n1[n] = static_cast<uint8_t>(n1);
        ++n;
      }
    }
  t.num_states = n;
  for (int s = 0; s < n; ++s)
    for (int bit = 0; bit < 2; ++bit) {
      int c[2] = {t.state_n0[s], t.state_n1[s]};
      c[bit] += 1;
      int& other = c[1 - bit];
      if (other > 2) other = other / 2 + 1;
      while (!state_allowed(c[0], c[1])) {
        if (other > 0)
          --other;
        else
          --c[bit];
      }
      t.next_state[s][bit] = static_cast<uint8_t>(index[c[0]][c[1]]);
    }
  for (int s = n; s < 256; ++s) {
    t.next_state[s][0] = t.next_state[s][1] = 0;
    t.state_n0[s] = t.state_n1[s] = 0;
  }
}

// log2(x) in Q12 for 1 <= x < 2^31, by repeated squaring of the mantissa
// (integer only, so every platform gets the same table).
constexpr int64_t log2_q12(uint32_t x) {
  int k = 0;
  while ((x >> (k + 1)) != 0) ++k;
  uint64_t m = static_cast<uint64_t>(x) << (30 - k);  // [2^30, 2^31): 1.0 .. 2.0
  int64_t result = static_cast<int64_t>(k) << 12;
  for (int bit = 11; bit >= 0; --bit) {
    m = (m * m) >> 30;
    if (m >= (uint64_t{1} << 31)) {
      m >>= 1;
      result |= int64_t{1} << bit;
    }
  }
  return result;
}

constexpr Tables build_tables() {
  Tables t{};
  for (int d = -kStretchMax; d <= kStretchMax; ++d)
    t.squash[d + kStretchMax] = static_cast<int16_t>(squash_interpolated(d));
  // stretch(p) = the smallest d with squash(d) >= p, so squash(stretch(p))
  // is the nearest representable probability.
  int p = 0;
  for (int d = -kStretchMax; d <= kStretchMax; ++d) {
    int v = squash_interpolated(d);
    for (; p <= v && p < kProbOne; ++p) t.stretch[p] = static_cast<int16_t>(d);
  }
  for (; p < kProbOne; ++p) t.stretch[p] = kStretchMax;
  build_states(t);
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    t.crc[i] = c;
  }
  for (int n = 0; n < 1024; ++n) t.rate[n] = 131072 / (2 * n + 3);
  t.cost[0] = 12 * 256;
  for (uint32_t q = 1; q < kProbOne; ++q)
    t.cost[q] = static_cast<uint16_t>(((12 << 12) - log2_q12(q) + 8) >> 4);
  return t;
}

}  // namespace

// Evaluated by the compiler: the tables exist before any static initialiser
// runs (a model loaded during static initialisation needs the CRC table).
constexpr Tables kTables = build_tables();

namespace {
// t[k] advances a byte followed by k zero bytes: eight bytes per step
// (slicing-by-8). Built on first use rather than at compile time: the
// WebAssembly module would carry 7 KB more data.
struct CrcSlices {
  uint32_t t[8][256];
  CrcSlices() {
    std::copy(std::begin(kTables.crc), std::end(kTables.crc), t[0]);
    for (int k = 1; k < 8; ++k)
      for (int i = 0; i < 256; ++i) t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 255];
  }
};
}  // namespace

uint32_t crc32_update(uint32_t crc, const uint8_t* data, size_t size) {
  static const CrcSlices slices;
  const auto& t = slices.t;
  crc = ~crc;
  for (; size >= 8; size -= 8, data += 8) {
    // Bytes assembled one by one: the same on either byte order.
    uint32_t lo = crc ^ (uint32_t{data[0]} | uint32_t{data[1]} << 8 | uint32_t{data[2]} << 16 |
                         uint32_t{data[3]} << 24);
    crc = t[7][lo & 255] ^ t[6][(lo >> 8) & 255] ^ t[5][(lo >> 16) & 255] ^ t[4][lo >> 24] ^ t[3][data[4]] ^
          t[2][data[5]] ^ t[1][data[6]] ^ t[0][data[7]];
  }
  for (; size > 0; --size, ++data) crc = t[0][(crc ^ *data) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

}  // namespace lmzip
