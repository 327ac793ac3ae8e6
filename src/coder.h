// Binary arithmetic coder: 32-bit, carry-less (the range shrinks until its
// top byte is settled, then that byte is emitted), 12-bit probabilities.
// The encoder writes exactly 4 bytes at flush and the decoder reads exactly 4
// bytes ahead, so a coded block is self-delimiting.
#pragma once

#include <cstdint>

#include "tables.h"

namespace lmzip {

inline uint32_t split_range(uint32_t x1, uint32_t x2, int p1) {
  // p1 = P(bit=1) in 1..4095; bit 1 takes [x1, xmid], bit 0 (xmid, x2].
  return x1 + ((x2 - x1) >> kProbBits) * static_cast<uint32_t>(p1);
}

// Sink: any callable taking one uint8_t.
template <class Sink>
class ArithmeticEncoder {
 public:
  explicit ArithmeticEncoder(Sink sink) : sink_(sink) {}
  void encode(int bit, int p1) {
    uint32_t xmid = split_range(x1_, x2_, p1);
    if (bit)
      x2_ = xmid;
    else
      x1_ = xmid + 1;
    while (((x1_ ^ x2_) & 0xFF000000u) == 0) {
      sink_(static_cast<uint8_t>(x2_ >> 24));
      x1_ <<= 8;
      x2_ = (x2_ << 8) | 0xFF;
    }
  }
  void flush() {
    for (int shift = 24; shift >= 0; shift -= 8) sink_(static_cast<uint8_t>(x1_ >> shift));
    x1_ = 0;
    x2_ = 0xFFFFFFFFu;
  }

 private:
  Sink sink_;
  uint32_t x1_ = 0, x2_ = 0xFFFFFFFFu;
};

// Source: any callable returning the next uint8_t.
template <class Source>
class ArithmeticDecoder {
 public:
  explicit ArithmeticDecoder(Source source) : source_(source) {}
  void start() {
    x1_ = 0;
    x2_ = 0xFFFFFFFFu;
    x_ = 0;
    for (int i = 0; i < 4; ++i) x_ = (x_ << 8) | source_();
  }
  int decode(int p1) {
    uint32_t xmid = split_range(x1_, x2_, p1);
    int bit = x_ <= xmid;
    if (bit)
      x2_ = xmid;
    else
      x1_ = xmid + 1;
    while (((x1_ ^ x2_) & 0xFF000000u) == 0) {
      x1_ <<= 8;
      x2_ = (x2_ << 8) | 0xFF;
      x_ = (x_ << 8) | source_();
    }
    return bit;
  }

 private:
  Source source_;
  uint32_t x1_ = 0, x2_ = 0xFFFFFFFFu, x_ = 0;
};

}  // namespace lmzip
