// Helpers shared by the lmzip libFuzzer targets (fuzz/README.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace lmzip_fuzz {

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

// A failed property: print why and abort so that libFuzzer keeps the input.
[[noreturn]] inline void fail(const char* what, const char* file, int line) {
  std::fprintf(stderr, "lmzip fuzz check failed: %s (%s:%d)\n", what, file, line);
  std::abort();
}

}  // namespace lmzip_fuzz

#define FUZZ_CHECK(cond) \
  ((cond) ? (void)0 : ::lmzip_fuzz::fail(#cond, __FILE__, __LINE__))
