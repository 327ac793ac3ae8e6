// Container format v1 (docs/FORMAT.md). Internal to the library.
#pragma once

#include <cstddef>
#include <cstdint>

#include "lmzip.h"

namespace lmzip::format {

constexpr uint8_t kMagic[3] = {'L', 'M', 'Z'};
constexpr size_t kHeaderSize = 6;        // magic, version, level, flags
constexpr size_t kModelIdSize = 4;       // present when flags & kFlagModelId
constexpr uint8_t kFlagModelId = 0x01;
constexpr uint8_t kKnownFlags = kFlagModelId;

// Block header: 3 bytes little-endian: bit 0 last, bits 1-2 type,
// bits 3-23 raw length. Coded blocks add 3 bytes of payload length.
constexpr size_t kBlockHeaderSize = 3;
constexpr size_t kCodedLengthSize = 3;
constexpr uint32_t kMaxBlockSize = 1u << 20;
enum BlockType : uint32_t { kStored = 0, kCoded = 1 };

constexpr size_t kMaxVarintSize = 10;
constexpr size_t kChecksumSize = 4;

// Longest input a coded byte may need: up to 4 bytes per bit (the range can
// collapse to one value) — never exceeded by a valid stream.
constexpr size_t kMaxCodedBytesPerByte = 32;

inline void put_le(uint8_t* p, uint64_t v, size_t n) {
  for (size_t i = 0; i < n; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
inline uint64_t get_le(const uint8_t* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v |= uint64_t{p[i]} << (8 * i);
  return v;
}
// LEB128; returns the number of bytes written (1..10).
size_t put_varint(uint8_t* p, uint64_t v);

}  // namespace lmzip::format
