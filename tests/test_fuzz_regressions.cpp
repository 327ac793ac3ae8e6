// Fuzz regressions (docs/FUZZING.md): every input in tests/fuzz_regressions/
// — findings of the fuzz targets in fuzz/ and hand-made nasty inputs — is
// run the way its fuzz target runs it, and must end in the outcome that
// tests/fuzz_regressions/expected.txt lists for it (an error name, or LMZ_OK
// for a stream that decodes / a round trip that must succeed).
//   decode-*     fuzz_decode input: chunk-size byte + stream; decoded with
//                its own chunk sizes and three others, all with the Decoder's
//                streaming promises checked after every call
//   roundtrip-*  fuzz_roundtrip input: level/flags byte + chunk-size byte +
//                data; compressed and decompressed streaming, must give the
//                data back
// Under the ASan+UBSan build (make test-asan) a memory error in any of them
// fails the run as well.
#include <map>
#include <sstream>

#include "../fuzz/fuzz_common.h"
#include "test_util.h"

namespace {

namespace fs = std::filesystem;
using lmzt::Bytes;

fs::path regressions_dir() { return lmzt::source_dir() / "tests" / "fuzz_regressions"; }

std::map<std::string, std::string> read_expected() {
  std::map<std::string, std::string> expected;
  std::ifstream f(regressions_dir() / "expected.txt");
  std::string line;
  while (std::getline(f, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string name, outcome;
    if (fields >> name >> outcome) expected[name] = outcome;
  }
  return expected;
}

struct Outcome {
  lmzip::Error error = lmzip::Error::ok;
  Bytes out;
  size_t consumed = 0;
};

// The streaming loop of fuzz/stream_decode.h with doctest checks instead of
// abort(), and a bound on the number of calls so that a hang fails.
Outcome stream_decode(const uint8_t* data, size_t size, size_t in_chunk, size_t out_chunk,
                      uint64_t max_output) {
  lmzip::DecoderOptions options;
  options.max_output = max_output;
  lmzip::Decoder decoder(options);
  Bytes buf(out_chunk);
  lmzip::InBuffer in{data, 0, 0};
  Outcome r;
  const uint64_t max_calls = 2 * (size + max_output) + 16;
  for (uint64_t calls = 0;; ++calls) {
    REQUIRE(calls < max_calls);
    if (in.pos == in.size && in.size < size) in.size = std::min(size, in.size + in_chunk);
    const bool end = in.size == size;
    lmzip::OutBuffer ob{buf.data(), buf.size(), 0};
    lmzip::Status st = decoder.decompress(in, ob, end);
    REQUIRE(in.pos <= in.size);
    REQUIRE(ob.pos <= ob.size);
    r.out.insert(r.out.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(ob.pos));
    CHECK(decoder.bytes_in() == in.pos);
    CHECK(decoder.bytes_out() == r.out.size());
    REQUIRE(r.out.size() <= max_output);
    if (st == lmzip::Status::done || st == lmzip::Status::error) {
      r.error = decoder.error();
      CHECK((st == lmzip::Status::done) == (r.error == lmzip::Error::ok));
      r.consumed = in.pos;
      return r;
    }
    if (st == lmzip::Status::needs_input) {
      REQUIRE(!end);
      REQUIRE(in.pos == in.size);
    } else {
      REQUIRE(st == lmzip::Status::needs_output);
      REQUIRE(ob.pos == ob.size);
    }
  }
}

void check_decode_input(const Bytes& file, const std::string& expected) {
  // The file's own chunk sizes first, then all at once, byte by byte, and
  // 4 bytes in / 13 bytes out.
  const uint8_t selectors[] = {file.empty() ? uint8_t{0} : file[0], 0xFF, 0x00, 0x73};
  Bytes first_out;
  for (size_t i = 0; i < std::size(selectors); ++i) {
    Bytes input = file;
    if (input.empty()) input.push_back(0);
    input[0] = selectors[i];
    lmzip_fuzz::DecodeInput d;
    REQUIRE(lmzip_fuzz::parse_decode_input(input.data(), input.size(), d));
    INFO("chunk-size byte 0x" << std::hex << int{selectors[i]});
    Outcome r = stream_decode(d.stream, d.size, d.in_chunk, d.out_chunk, d.max_output);
    CHECK(std::string(lmzip::error_name(r.error)) == expected);
    if (r.error != lmzip::Error::ok) continue;
    if (i == 0) first_out = r.out;
    CHECK(r.out == first_out);
    // The one-shot helper agrees on the stream itself.
    lmzip::DecoderOptions options;
    options.max_output = d.max_output;
    Bytes once;
    CHECK(lmzip::decompress(d.stream, r.consumed, once, options) == lmzip::Error::ok);
    CHECK(once == r.out);
  }
}

void check_roundtrip_input(const Bytes& file, const std::string& expected) {
  CHECK(expected == "LMZ_OK");
  lmzip_fuzz::RoundtripInput rt;
  if (!lmzip_fuzz::parse_roundtrip_input(file.data(), file.size(), rt)) return;
  Bytes packed;
  {
    lmzip::Encoder encoder(lmzip_fuzz::encoder_options(rt));
    REQUIRE(encoder.error() == lmzip::Error::ok);
    Bytes buf(rt.out_chunk);
    lmzip::InBuffer in{rt.data, 0, 0};
    for (size_t calls = 0;; ++calls) {
      REQUIRE(calls < 4 * (rt.size + (size_t{1} << 20)));
      if (in.pos == in.size && in.size < rt.size) in.size = std::min(rt.size, in.size + rt.in_chunk);
      lmzip::OutBuffer ob{buf.data(), buf.size(), 0};
      lmzip::Status st = encoder.compress(in, ob, in.size == rt.size);
      packed.insert(packed.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(ob.pos));
      REQUIRE(st != lmzip::Status::error);
      if (st == lmzip::Status::done) break;
    }
  }
  CHECK(packed.size() <= rt.size + lmzip_fuzz::max_growth(rt.size, rt.frame_size));
  if (rt.size_known) {
    Bytes once;
    lmzip::EncoderOptions one = lmzip_fuzz::encoder_options(rt);
    one.threads = 1;
    REQUIRE(lmzip::compress(rt.data, rt.size, once, one) == lmzip::Error::ok);
    CHECK(once == packed);
  }
  Outcome r = stream_decode(packed.data(), packed.size(),
                            lmzip_fuzz::chunk_size(rt.sizes >> 4, packed.size()),
                            lmzip_fuzz::chunk_size(rt.sizes & 15, size_t{1} << 20), rt.size);
  CHECK(lmzip::error_name(r.error) == std::string("LMZ_OK"));
  CHECK(r.consumed == packed.size());
  CHECK(r.out == Bytes(rt.data, rt.data + rt.size));
}

}  // namespace

TEST_CASE("fuzz regressions: every input ends as expected.txt says") {
  const auto expected = read_expected();
  REQUIRE(!expected.empty());
  size_t seen = 0;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(regressions_dir()))
    if (entry.is_regular_file()) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  for (const fs::path& path : files) {
    const std::string name = path.filename().string();
    if (name == "expected.txt" || name == "README.md") continue;
    INFO("tests/fuzz_regressions/" << name);
    auto it = expected.find(name);
    CHECK_MESSAGE(it != expected.end(), "no line in expected.txt");
    if (it == expected.end()) continue;
    Bytes file;
    REQUIRE(lmzt::read_file(path, file));
    if (name.rfind("decode-", 0) == 0) {
      check_decode_input(file, it->second);
    } else if (name.rfind("roundtrip-", 0) == 0) {
      check_roundtrip_input(file, it->second);
    } else {
      FAIL_CHECK("file name must start with decode- or roundtrip-");
    }
    ++seen;
  }
  // Every listed input exists.
  CHECK(seen == expected.size());
}

TEST_CASE("fuzz regressions: a stored-block bomb stops at max_output") {
  // Level 1, two full stored blocks of zeros and an empty last one: the
  // decoder must stop at the limit, whatever the chunk sizes.
  Bytes stream = {'L', 'M', 'Z', 1, 1, 0};
  const uint32_t full = (lmzip_fuzz::kMaxOutput << 3);  // stored, not last
  for (int b = 0; b < 2; ++b) {
    for (int i = 0; i < 3; ++i) stream.push_back(static_cast<uint8_t>(full >> (8 * i)));
    stream.insert(stream.end(), lmzip_fuzz::kMaxOutput, 0);
  }
  for (uint8_t v : {uint8_t{1}, uint8_t{0}, uint8_t{0}}) stream.push_back(v);  // empty last block
  for (size_t out_chunk : {size_t{1} << 20, size_t{4096}, size_t{1000}}) {
    Outcome r = stream_decode(stream.data(), stream.size(), 65536, out_chunk, lmzip_fuzz::kMaxOutput);
    CHECK(r.error == lmzip::Error::output_limit);
    CHECK(r.out.size() <= lmzip_fuzz::kMaxOutput);
  }
  // With room for both blocks it runs into the missing trailer instead.
  Outcome r = stream_decode(stream.data(), stream.size(), 65536, 65536, 2 * lmzip_fuzz::kMaxOutput);
  CHECK(r.error == lmzip::Error::truncated);
  CHECK(r.out.size() == 2 * lmzip_fuzz::kMaxOutput);
}
