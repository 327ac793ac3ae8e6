// libFuzzer target: decode arbitrary bytes with lmzip::Decoder through the
// streaming API. It must never crash, hang, leak or write out of bounds;
// errors are expected and fine.
//
// Input: byte 0 picks the chunk sizes (low nibble: input bytes handed over
// per call, high nibble: output room per call; see kChunkSizes), the rest is
// the stream. A stream that decodes must decode to the same bytes through the
// one-shot lmzip::decompress, and its length must match what the decoder
// reports.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "fuzz_common.h"
#include "lmzip.h"
#include "stream_decode.h"

namespace {
// Bombs stop here with Error::output_limit. Levels with the neural model
// decode far slower (one GRU step per byte), so their limit is smaller to
// keep every input well under the per-input timeout.
constexpr uint64_t kMaxOutput = 1u << 20;
constexpr uint64_t kMaxOutputLm = 64u << 10;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const unsigned sizes = data[0];
  const uint8_t* stream = data + 1;
  const size_t n = size - 1;
  const size_t in_chunk = lmzip_fuzz::chunk_size(sizes & 15, n);
  const size_t out_chunk = lmzip_fuzz::chunk_size(sizes >> 4, 1u << 20);
  // Byte 4 of the header is the level.
  const uint64_t max_output = n > 4 && lmzip::level_uses_model(stream[4]) ? kMaxOutputLm : kMaxOutput;

  std::vector<uint8_t> out;
  size_t consumed = 0;
  lmzip::Error e = lmzip_fuzz::stream_decode(stream, n, in_chunk, out_chunk, max_output, out, consumed);
  if (e == lmzip::Error::ok) {
    // Chunking must not matter: the one-shot helper on the same stream gives
    // the same bytes.
    lmzip::DecoderOptions options;
    options.max_output = max_output;
    std::vector<uint8_t> once;
    FUZZ_CHECK(lmzip::decompress(stream, consumed, once, options) == lmzip::Error::ok);
    FUZZ_CHECK(once == out);
  }
  return 0;
}
