// libFuzzer target: compress arbitrary bytes with lmzip::Encoder and
// decompress them with lmzip::Decoder, both through the streaming API with
// chunk sizes taken from the input; abort() unless the output equals the
// input.
//
// Input (parse_roundtrip_input in fuzz_common.h): byte 0 picks the level
// (1 + (byte & 15) % 9) and two flags (bit 4: Encoder::record_costs, bit 5:
// compare with the one-shot lmzip::compress), byte 1 the chunk sizes, the
// rest is the data (cut to 4 KiB at the neural levels, 64 KiB otherwise).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "fuzz_common.h"
#include "lmzip.h"
#include "stream_decode.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  lmzip_fuzz::use_small_pages();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  lmzip_fuzz::RoundtripInput r;
  if (!lmzip_fuzz::parse_roundtrip_input(data, size, r)) return 0;
  const size_t n = r.size;

  // Compress, streaming.
  std::vector<uint8_t> packed;
  std::vector<uint16_t> cost_list;
  {
    lmzip::Encoder encoder(lmzip_fuzz::encoder_options(r));
    FUZZ_CHECK(encoder.error() == lmzip::Error::ok);
    if (r.record_costs) encoder.record_costs();
    std::vector<uint8_t> buf(r.out_chunk);
    lmzip::InBuffer in{r.data, 0, 0};
    for (;;) {
      if (in.pos == in.size && in.size < n) in.size = std::min(n, in.size + r.in_chunk);
      bool finish = in.size == n;
      lmzip::OutBuffer ob{buf.data(), buf.size(), 0};
      lmzip::Status st = encoder.compress(in, ob, finish);
      FUZZ_CHECK(ob.pos <= ob.size && in.pos <= in.size);
      packed.insert(packed.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(ob.pos));
      FUZZ_CHECK(encoder.bytes_out() == packed.size());
      if (r.record_costs) encoder.take_costs(cost_list);
      if (st == lmzip::Status::done) break;
      FUZZ_CHECK(st != lmzip::Status::error);
      if (st == lmzip::Status::needs_input) FUZZ_CHECK(!finish && in.pos == in.size);
      if (st == lmzip::Status::needs_output) FUZZ_CHECK(ob.pos == ob.size);
    }
    FUZZ_CHECK(encoder.bytes_in() == n);
    if (r.record_costs) FUZZ_CHECK(cost_list.size() == n);
  }
  // Never expands by more than the container's bytes.
  FUZZ_CHECK(packed.size() <= n + lmzip_fuzz::max_growth(n, r.frame_size));

  // Chunking and threads must not matter: the one-shot helper on one
  // thread gives the same bytes.
  if (r.one_shot && r.size_known) {
    std::vector<uint8_t> once;
    lmzip::EncoderOptions one = lmzip_fuzz::encoder_options(r);
    one.threads = 1;
    FUZZ_CHECK(lmzip::compress(r.data, n, once, one) == lmzip::Error::ok);
    FUZZ_CHECK(once == packed);
  }

  // Decompress, streaming (chunk sizes swapped), with the limit exactly at
  // the input size.
  std::vector<uint8_t> out;
  size_t consumed = 0;
  lmzip::Error e = lmzip_fuzz::stream_decode(
      packed.data(), packed.size(), lmzip_fuzz::chunk_size(r.sizes >> 4, packed.size()),
      lmzip_fuzz::chunk_size(r.sizes & 15, size_t{1} << 20), n, out, consumed);
  FUZZ_CHECK(e == lmzip::Error::ok);
  FUZZ_CHECK(consumed == packed.size());
  FUZZ_CHECK(out.size() == n);
  FUZZ_CHECK(std::equal(out.begin(), out.end(), r.data));

  // The header and the structure say what was written.
  lmzip::StreamHeader header;
  FUZZ_CHECK(lmzip::peek_header(packed.data(), packed.size(), header) == lmzip::Error::ok);
  FUZZ_CHECK(header.level == r.level);
  lmzip::StreamInfo info;
  size_t scanned = 0;
  FUZZ_CHECK(lmzip_fuzz::stream_scan(packed.data(), packed.size(), lmzip_fuzz::chunk_size(r.sizes >> 4, packed.size()),
                                     info, scanned) == lmzip::Error::ok);
  FUZZ_CHECK(scanned == packed.size() && info.original_size == n && info.header.model_id == header.model_id);
  return 0;
}
