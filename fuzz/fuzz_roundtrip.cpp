// libFuzzer target: compress arbitrary bytes with lmzip::Encoder and
// decompress them with lmzip::Decoder, both through the streaming API with
// chunk sizes taken from the input; abort() unless the output equals the
// input.
//
// Input: byte 0 picks the level (1 + byte % 9; bit 7 also turns on
// Encoder::record_costs), byte 1 the chunk sizes (low nibble: input per
// call, high nibble: output room per call; see kChunkSizes), the rest is the
// data. Levels with the neural model run one GRU step per byte, so their data
// is cut to kMaxLmInput bytes.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "fuzz_common.h"
#include "lmzip.h"
#include "stream_decode.h"

namespace {
constexpr size_t kMaxInput = 256u << 10;
constexpr size_t kMaxLmInput = 4u << 10;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const int level = 1 + data[0] % 9;
  const bool costs = (data[0] & 0x80) != 0;
  const unsigned sizes = data[1];
  const uint8_t* input = data + 2;
  size_t n = size - 2;
  n = std::min(n, lmzip::level_uses_model(level) ? kMaxLmInput : kMaxInput);
  const size_t in_chunk = lmzip_fuzz::chunk_size(sizes & 15, n);
  const size_t out_chunk = lmzip_fuzz::chunk_size(sizes >> 4, 1u << 20);

  // Compress, streaming.
  std::vector<uint8_t> packed;
  std::vector<uint16_t> cost_list;
  {
    lmzip::Encoder encoder(level);
    FUZZ_CHECK(encoder.error() == lmzip::Error::ok);
    if (costs) encoder.record_costs();
    std::vector<uint8_t> buf(out_chunk);
    lmzip::InBuffer in{input, 0, 0};
    for (;;) {
      if (in.pos == in.size && in.size < n) in.size = std::min(n, in.size + in_chunk);
      bool finish = in.size == n;
      lmzip::OutBuffer ob{buf.data(), buf.size(), 0};
      lmzip::Status st = encoder.compress(in, ob, finish);
      FUZZ_CHECK(ob.pos <= ob.size && in.pos <= in.size);
      packed.insert(packed.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(ob.pos));
      FUZZ_CHECK(encoder.bytes_out() == packed.size());
      if (costs) encoder.take_costs(cost_list);
      if (st == lmzip::Status::done) break;
      FUZZ_CHECK(st != lmzip::Status::error);
      if (st == lmzip::Status::needs_input) FUZZ_CHECK(!finish && in.pos == in.size);
      if (st == lmzip::Status::needs_output) FUZZ_CHECK(ob.pos == ob.size);
    }
    FUZZ_CHECK(encoder.bytes_in() == n);
    if (costs) FUZZ_CHECK(cost_list.size() == n);
  }
  // Never expands by more than a small constant (a stored block per MiB,
  // header, model id, trailer).
  FUZZ_CHECK(packed.size() <= n + 3 * (n / (1u << 20) + 1) + 32);

  // Chunking must not matter: the one-shot helper gives the same bytes.
  std::vector<uint8_t> once;
  FUZZ_CHECK(lmzip::compress(input, n, once, level) == lmzip::Error::ok);
  FUZZ_CHECK(once == packed);

  // Decompress, streaming, with the limit exactly at the input size.
  std::vector<uint8_t> out;
  size_t consumed = 0;
  const size_t dec_in_chunk = lmzip_fuzz::chunk_size(sizes >> 4, packed.size());
  const size_t dec_out_chunk = lmzip_fuzz::chunk_size(sizes & 15, 1u << 20);
  lmzip::Error e = lmzip_fuzz::stream_decode(packed.data(), packed.size(), dec_in_chunk,
                                             dec_out_chunk, n, out, consumed);
  FUZZ_CHECK(e == lmzip::Error::ok);
  FUZZ_CHECK(consumed == packed.size());
  FUZZ_CHECK(out.size() == n);
  FUZZ_CHECK(std::equal(out.begin(), out.end(), input));
  return 0;
}
