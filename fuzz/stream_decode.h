// Streaming decode loop shared by the fuzz targets, with the invariants the
// Decoder promises (src/lmzip.h) checked after every call.
#pragma once

#include <algorithm>
#include <vector>

#include "fuzz_common.h"
#include "lmzip.h"

namespace lmzip_fuzz {

// Decodes data[0..size) handing the decoder at most `in_chunk` new input
// bytes and `out_chunk` bytes of output room per call; end_of_input is set
// once the last input byte has been handed over. Appends the output to `out`
// and returns the decoder's error (ok when it reached done); `consumed` is
// where the stream ended.
inline lmzip::Error stream_decode(const uint8_t* data, size_t size, size_t in_chunk,
                                  size_t out_chunk, uint64_t max_output,
                                  std::vector<uint8_t>& out, size_t& consumed) {
  lmzip::DecoderOptions options;
  options.max_output = max_output;
  lmzip::Decoder decoder(options);
  std::vector<uint8_t> buf(out_chunk);
  lmzip::InBuffer in{data, 0, 0};
  out.clear();
  consumed = 0;
  for (;;) {
    if (in.pos == in.size && in.size < size) in.size = std::min(size, in.size + in_chunk);
    bool end = in.size == size;
    lmzip::OutBuffer ob{buf.data(), buf.size(), 0};
    size_t in_before = in.pos;
    lmzip::Status st = decoder.decompress(in, ob, end);
    FUZZ_CHECK(in.pos >= in_before && in.pos <= in.size);
    FUZZ_CHECK(ob.pos <= ob.size);
    out.insert(out.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(ob.pos));
    FUZZ_CHECK(decoder.bytes_in() == in.pos);
    FUZZ_CHECK(decoder.bytes_out() == out.size());
    FUZZ_CHECK(out.size() <= max_output);
    switch (st) {
      case lmzip::Status::done:
        FUZZ_CHECK(decoder.error() == lmzip::Error::ok);
        FUZZ_CHECK(decoder.level() >= lmzip::kMinLevel && decoder.level() <= lmzip::kMaxLevel);
        consumed = in.pos;
        {
          // Done is final: a further call produces and consumes nothing.
          lmzip::OutBuffer again{buf.data(), buf.size(), 0};
          size_t pos = in.pos;
          FUZZ_CHECK(decoder.decompress(in, again, end) == lmzip::Status::done);
          FUZZ_CHECK(again.pos == 0 && in.pos == pos);
        }
        return lmzip::Error::ok;
      case lmzip::Status::error: {
        lmzip::Error e = decoder.error();
        FUZZ_CHECK(e != lmzip::Error::ok);
        FUZZ_CHECK(lmzip::error_name(e) != nullptr && lmzip::error_message(e) != nullptr);
        // Errors are sticky.
        lmzip::OutBuffer again{buf.data(), buf.size(), 0};
        FUZZ_CHECK(decoder.decompress(in, again, end) == lmzip::Status::error);
        FUZZ_CHECK(decoder.error() == e && again.pos == 0);
        consumed = in.pos;
        return e;
      }
      case lmzip::Status::needs_input:
        // Only when everything handed over is consumed and more may come.
        FUZZ_CHECK(!end);
        FUZZ_CHECK(in.pos == in.size);
        break;
      case lmzip::Status::needs_output:
        // Only when the output room is used up (else it would hang).
        FUZZ_CHECK(ob.pos == ob.size);
        break;
      default:
        FUZZ_CHECK(!"unknown status");
    }
  }
}

// Scans data[0..size) with lmzip::StreamScanner, `in_chunk` new bytes per
// call; returns its error (ok when it reached done), the stream's info and
// where it ended.
inline lmzip::Error stream_scan(const uint8_t* data, size_t size, size_t in_chunk, lmzip::StreamInfo& info,
                                size_t& consumed) {
  lmzip::StreamScanner scanner;
  lmzip::InBuffer in{data, 0, 0};
  consumed = 0;
  for (;;) {
    if (in.pos == in.size && in.size < size) in.size = std::min(size, in.size + in_chunk);
    bool end = in.size == size;
    size_t in_before = in.pos;
    lmzip::Status st = scanner.scan(in, end);
    FUZZ_CHECK(in.pos >= in_before && in.pos <= in.size);
    consumed = in.pos;
    if (st == lmzip::Status::done) {
      info = scanner.info();
      FUZZ_CHECK(info.compressed_size == in.pos);
      return lmzip::Error::ok;
    }
    if (st == lmzip::Status::error) {
      FUZZ_CHECK(scanner.error() != lmzip::Error::ok);
      return scanner.error();
    }
    FUZZ_CHECK(st == lmzip::Status::needs_input && !end && in.pos == in.size);
  }
}

}  // namespace lmzip_fuzz
