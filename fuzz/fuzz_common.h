// Helpers shared by the lmzip libFuzzer targets (fuzz/README.md).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "lmzip.h"

#if defined(__linux__)
#include <sys/prctl.h>
#endif

namespace lmzip_fuzz {

// The tables are mmap'd with MADV_HUGEPAGE (src/memory.h): right for long
// inputs, but a fuzz input touches a few bytes of each 2 MiB page, which the
// kernel then zeroes whole: with transparent huge pages a short input at a
// level's full table size spent more time in page faults than decoding.
// Both targets turn them off for their process (LLVMFuzzerInitialize).
inline void use_small_pages() {
#if defined(__linux__) && defined(PR_SET_THP_DISABLE)
  prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
#endif
}

// Chunk sizes a nibble of the fuzz input selects (as brotli's decode fuzzer
// takes its buffer sizes from the input): tiny ones exercise every resume
// point of the streaming state machines, large ones the fast paths.
// 0 means "everything at once".
constexpr size_t kChunkSizes[16] = {1,  2,  3,   4,   5,    7,    8,     13,
                                    16, 31, 64, 255, 1024, 4096, 65536, 0};

inline size_t chunk_size(unsigned nibble, size_t whole) {
  size_t c = kChunkSizes[nibble & 15];
  return c == 0 || c > whole ? (whole == 0 ? 1 : whole) : c;
}

// Decode target input: byte 0 picks the chunk sizes (low nibble: input
// bytes handed over per call, high nibble: output room per call), the rest is
// the stream. tests/test_fuzz_regressions.cpp reads its files the same way.
struct DecodeInput {
  const uint8_t* stream = nullptr;
  size_t size = 0;
  size_t in_chunk = 1, out_chunk = 1;
  uint64_t max_output = 0;
};

// Bombs stop at max_output with Error::output_limit, so that an input's
// decoding time is bounded by its own size: at the adaptive levels 8 times
// the stream's size plus 1 KiB, at most 64 KiB; at the levels with the
// neural model (one GRU step per byte) 1 KiB. The seeds' valid streams
// (make_seeds.sh) decode whole within them, but for the two neural ones
// longer than 1 KiB (three 1 KiB frames; the 4 KiB golden stream).
constexpr uint64_t kMaxOutput = 64u << 10;
constexpr uint64_t kMaxOutputLm = 1u << 10;
inline uint64_t max_output_for(size_t stream_size, bool neural) {
  if (neural) return kMaxOutputLm;
  uint64_t limit = 8 * uint64_t{stream_size} + 1024;
  return limit < kMaxOutput ? limit : kMaxOutput;
}

inline bool parse_decode_input(const uint8_t* data, size_t size, DecodeInput& d) {
  if (size < 1) return false;
  d.stream = data + 1;
  d.size = size - 1;
  d.in_chunk = chunk_size(data[0] & 15, d.size);
  d.out_chunk = chunk_size(data[0] >> 4, kMaxOutput);
  lmzip::StreamHeader header;
  bool neural = lmzip::peek_header(d.stream, d.size, header) == lmzip::Error::ok &&
                lmzip::level_uses_model(header.level);
  d.max_output = max_output_for(d.size, neural);
  return true;
}

// Round-trip target input: byte 0 picks the level (kMinLevel + (byte & 15) %
// the number of levels),
// turns on Encoder::record_costs (bit 4) and the comparison with the
// one-shot lmzip::compress (bit 5; it costs a third encode), and with bits
// 6-7 the framing: the default, 1 KiB frames, 1 KiB frames on 2 threads,
// 4 KiB frames of an input whose size the encoder is not told; byte 1 the
// chunk sizes (low nibble: input per call, high nibble: output room per
// call; the decoder gets them the other way round), the rest is the data.
// Levels with the neural model run one GRU step per byte, so their data is
// cut to kMaxLmInput bytes.
struct RoundtripInput {
  int level = lmzip::kMinLevel;
  bool record_costs = false, one_shot = false;
  uint64_t frame_size = lmzip::kDefaultFrameSize;
  int threads = 1;
  bool size_known = true;
  const uint8_t* data = nullptr;
  size_t size = 0;
  size_t in_chunk = 1, out_chunk = 1;  // of the encoder
  unsigned sizes = 0;
};

constexpr size_t kMaxInput = 64u << 10;
constexpr size_t kMaxLmInput = 4u << 10;

inline bool parse_roundtrip_input(const uint8_t* data, size_t size, RoundtripInput& r) {
  if (size < 2) return false;
  r.level = lmzip::kMinLevel + (data[0] & 15) % (lmzip::kMaxLevel - lmzip::kMinLevel + 1);
  r.record_costs = (data[0] & 0x10) != 0;
  r.one_shot = (data[0] & 0x20) != 0;
  switch (data[0] >> 6) {
    case 1: r.frame_size = 1024; break;
    case 2: r.frame_size = 1024; r.threads = 2; break;
    case 3: r.frame_size = 4096; r.size_known = false; break;
    default: break;
  }
  r.sizes = data[1];
  r.data = data + 2;
  r.size = size - 2;
  if (r.size > (lmzip::level_uses_model(r.level) ? kMaxLmInput : kMaxInput))
    r.size = lmzip::level_uses_model(r.level) ? kMaxLmInput : kMaxInput;
  r.in_chunk = chunk_size(r.sizes & 15, r.size);
  r.out_chunk = chunk_size(r.sizes >> 4, size_t{1} << 20);
  return true;
}

// The encoder's options for `r` (the one-shot compress() passes the size).
inline lmzip::EncoderOptions encoder_options(const RoundtripInput& r) {
  lmzip::EncoderOptions o;
  o.level = r.level;
  o.frame_size = r.frame_size;
  o.threads = r.threads;
  if (r.size_known) o.size_hint = r.size;
  return o;
}

// The most a round trip of `n` bytes may grow (docs/FORMAT.md, "Size
// bound"): per frame a header with the model id, 3 bytes per 1 MiB block
// and the trailer; with several frames, the seek table.
inline size_t max_growth(size_t n, uint64_t frame_size) {
  size_t frames = frame_size == 0 || n <= frame_size ? 1 : static_cast<size_t>((n + frame_size - 1) / frame_size);
  size_t per_frame = 10 + 3 * (static_cast<size_t>(std::min<uint64_t>(frame_size ? frame_size : n, n)) / (1u << 20) + 1) + 10 + 4;
  return frames * per_frame + (frames > 1 ? 16 + 8 * frames : 0);
}

// A failed property: print why and abort so that libFuzzer keeps the input.
[[noreturn]] inline void fail(const char* what, const char* file, int line) {
  std::fprintf(stderr, "lmzip fuzz check failed: %s (%s:%d)\n", what, file, line);
  std::abort();
}

}  // namespace lmzip_fuzz

#define FUZZ_CHECK(cond) \
  ((cond) ? (void)0 : ::lmzip_fuzz::fail(#cond, __FILE__, __LINE__))
