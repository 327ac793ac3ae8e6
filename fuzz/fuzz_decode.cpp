// libFuzzer target: decode arbitrary bytes with lmzip::Decoder through the
// streaming API. It must never crash, hang, leak or write out of bounds;
// errors are expected and fine.
//
// Input (parse_decode_input in fuzz_common.h): byte 0 picks the chunk sizes
// (low nibble: input bytes handed over per call, high nibble: output room per
// call; see kChunkSizes), the rest is the stream. Output stops at 256 KiB
// (16 KiB at the neural levels) with Error::output_limit. stream_decode
// checks the Decoder's promises after every call; a stream that decodes must
// decode to the same bytes through the one-shot lmzip::decompress, and scan
// (StreamScanner) to the same sizes.
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
  lmzip_fuzz::DecodeInput d;
  if (!lmzip_fuzz::parse_decode_input(data, size, d)) return 0;
  std::vector<uint8_t> out;
  size_t consumed = 0;
  lmzip::Error e = lmzip_fuzz::stream_decode(d.stream, d.size, d.in_chunk, d.out_chunk,
                                             d.max_output, out, consumed);
  if (e == lmzip::Error::ok) {
    // Chunking must not matter: the one-shot helper on the same stream gives
    // the same bytes.
    lmzip::DecoderOptions options;
    options.max_output = d.max_output;
    std::vector<uint8_t> once;
    FUZZ_CHECK(lmzip::decompress(d.stream, consumed, once, options) == lmzip::Error::ok);
    FUZZ_CHECK(once == out);
  }
  // The scanner reads the same structure without decoding: wherever the
  // decoder got through it, so does the scanner, to the same end.
  lmzip::StreamInfo info;
  size_t scanned = 0;
  lmzip::Error scan_error = lmzip_fuzz::stream_scan(d.stream, d.size, d.in_chunk, info, scanned);
  if (e == lmzip::Error::ok) {
    FUZZ_CHECK(scan_error == lmzip::Error::ok);
    FUZZ_CHECK(scanned == consumed && info.compressed_size == consumed);
    FUZZ_CHECK(info.original_size == out.size());
  }
  return 0;
}
