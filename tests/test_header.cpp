// The header as the library packs and parses it, the public peek and the
// structure scanner (lmzip -l), on the golden streams and on streams made
// here.
#include <doctest/doctest.h>

#include <cctype>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "format.h"
#include "levels.h"
#include "lmzip.h"
#include "tables.h"
#include "test_util.h"

using lmzip::Error;
using lmzt::Bytes;

namespace {

Bytes compressed(const Bytes& data, int level) {
  Bytes out;
  REQUIRE(lmzip::compress(data.data(), data.size(), out, level) == Error::ok);
  return out;
}

// Scans `s` fed `step` bytes at a time.
Error scan(const Bytes& s, size_t step, lmzip::StreamInfo& info, size_t* consumed = nullptr) {
  lmzip::StreamScanner scanner;
  size_t pos = 0;
  for (;;) {
    size_t n = std::min(step, s.size() - pos);
    lmzip::InBuffer in{s.data() + pos, n, 0};
    lmzip::Status st = scanner.scan(in, pos + n == s.size());
    pos += in.pos;
    if (st == lmzip::Status::error) return scanner.error();
    if (st == lmzip::Status::done) {
      info = scanner.info();
      if (consumed) *consumed = pos;
      return Error::ok;
    }
    REQUIRE(in.pos == n);  // needs_input: everything given was taken
  }
}

}  // namespace

TEST_CASE("header: pack and parse agree, and peek reads what the encoder wrote") {
  const Bytes text = lmzt::to_bytes("a header names the level and, at neural levels, the model");
  for (int level = lmzip::kMinLevel; level <= lmzip::kMaxLevel; ++level) {
    INFO("level " << level);
    Bytes s = compressed(text, level);
    lmzip::StreamHeader h;
    REQUIRE(lmzip::peek_header(s.data(), s.size(), h) == Error::ok);
    CHECK(h.format_version == lmzip::kFormatVersion);
    CHECK(h.level == level);
    auto model = lmzip::default_model(level);
    CHECK(h.model_id == (model ? model->id() : 0u));
    CHECK(h.header_size == (model ? 10u : 6u));
    // pack(make_header) is what the stream starts with.
    uint8_t packed[lmzip::format::kMaxHeaderSize];
    int table_log = lmzip::table_log_for(*lmzip::level_config(level), text.size());
    CHECK(table_log == lmzip::kMinTableLog);  // the smallest tables
    CHECK(h.table_log == table_log);
    CHECK(!h.framed);
    size_t n = lmzip::format::pack_header(lmzip::format::make_header(level, model.get(), false, table_log), packed);
    CHECK(n == h.header_size);
    CHECK(Bytes(packed, packed + n) == Bytes(s.begin(), s.begin() + static_cast<long>(n)));
    // Every prefix shorter than the header is truncated, never misread.
    for (size_t cut = 0; cut < h.header_size; ++cut) {
      lmzip::StreamHeader p;
      CHECK(lmzip::peek_header(s.data(), cut, p) == Error::truncated);
    }
  }
  lmzip::StreamHeader h;
  const Bytes not_lmzip = lmzt::to_bytes("PK\x03\x04 zip");
  CHECK(lmzip::peek_header(not_lmzip.data(), not_lmzip.size(), h) == Error::not_lmzip);
  CHECK(lmzip::peek_header(not_lmzip.data(), 1, h) == Error::not_lmzip);  // judged on what is there
  Bytes newer = compressed(text, 1);
  newer[3] = lmzip::kFormatVersion + 1;
  CHECK(lmzip::peek_header(newer.data(), newer.size(), h) == Error::unsupported_version);
  Bytes bad_level = compressed(text, 1);
  bad_level[4] = 0;
  CHECK(lmzip::peek_header(bad_level.data(), bad_level.size(), h) == Error::corrupt_header);
}

TEST_CASE("header: the scanner reads the structure of the golden streams") {
  for (const char* name : {"english-1", "chinese-6", "random4k-9"}) {
    INFO(name);
    Bytes s;
    REQUIRE(lmzt::read_file(lmzt::source_dir() / "tests" / "golden" / (std::string(name) + ".lmz"), s));
    Bytes decoded;
    REQUIRE(lmzip::decompress(s.data(), s.size(), decoded) == Error::ok);
    lmzip::StreamInfo whole, bytewise;
    REQUIRE(scan(s, s.size(), whole) == Error::ok);
    REQUIRE(scan(s, 1, bytewise) == Error::ok);
    CHECK(whole.compressed_size == s.size());
    CHECK(whole.original_size == decoded.size());
    CHECK(whole.checksum == lmzip::crc32_update(0, decoded.data(), decoded.size()));
    CHECK(whole.blocks == 1);
    CHECK(bytewise.original_size == whole.original_size);
    CHECK(bytewise.compressed_size == whole.compressed_size);
    lmzip::StreamHeader h;
    REQUIRE(lmzip::peek_header(s.data(), s.size(), h) == Error::ok);
    CHECK(whole.header.level == h.level);
    CHECK(whole.header.model_id == h.model_id);
    // Every truncation is reported as such.
    for (size_t cut = 0; cut < s.size(); cut += 1 + s.size() / 64) {
      lmzip::StreamInfo info;
      CHECK(scan(Bytes(s.begin(), s.begin() + static_cast<long>(cut)), 7, info) == Error::truncated);
    }
  }
}

TEST_CASE("header: the scanner counts blocks, stops at the stream's end and checks the length") {
  // Three blocks of 1 MiB: incompressible, then text.
  Bytes data = lmzt::random_bytes((size_t{1} << 20) + 1000, 5);
  lmzt::append(data, lmzt::repeat_to(lmzt::to_bytes("blocks of text. "), size_t{1} << 20));
  Bytes s = compressed(data, 1);
  Bytes with_tail = s;
  with_tail.push_back(0x42);
  lmzip::StreamInfo info;
  size_t consumed = 0;
  REQUIRE(scan(with_tail, 4096, info, &consumed) == Error::ok);
  CHECK(consumed == s.size());  // the byte after the stream stays unread
  CHECK(info.blocks == 3);
  CHECK(info.stored_blocks == 1);
  CHECK(info.original_size == data.size());
  // A trailer length that disagrees with the blocks.
  Bytes wrong = s;
  wrong[wrong.size() - 5] ^= 1;  // the varint's last byte (length < 2^21 fits 3 bytes)
  CHECK(scan(wrong, wrong.size(), info) == Error::length_mismatch);
}

TEST_CASE("header: a stream naming model id 0 is a corrupt header") {
  // Level 6 (neural), flags: a model id follows, id 0; an empty stored last
  // block and the trailer of an empty input. Hand-built: no model needed.
  const Bytes s = {'L', 'M', 'Z', 2, 6, 0x01, 0, 0, 0, 0, 0x01, 0, 0, 0x00, 0, 0, 0, 0};
  lmzip::StreamHeader h;
  CHECK(lmzip::peek_header(s.data(), s.size(), h) == Error::corrupt_header);
  lmzip::StreamInfo info;
  CHECK(scan(s, 1, info) == Error::corrupt_header);
  lmzip::StreamScanner scanner;
  lmzip::InBuffer in{s.data(), s.size(), 0};
  CHECK(scanner.scan(in, true) == lmzip::Status::error);
  CHECK(scanner.info().header.level == 6);  // what the CLI's message names
  CHECK(scanner.info().header.model_id == 0);
  Bytes out(64);
  for (size_t step : {size_t{1}, s.size()}) {
    lmzip::Decoder d;
    size_t pos = 0;
    lmzip::Status st = lmzip::Status::needs_input;
    while (st == lmzip::Status::needs_input && pos < s.size()) {
      lmzip::InBuffer piece{s.data() + pos, std::min(step, s.size() - pos), 0};
      lmzip::OutBuffer ob{out.data(), out.size(), 0};
      st = d.decompress(piece, ob, pos + piece.size == s.size());
      pos += piece.pos;
    }
    CHECK(st == lmzip::Status::error);
    CHECK(d.error() == Error::corrupt_header);
    CHECK(d.level() == 6);
    CHECK(d.model_id() == 0);
  }
  CHECK(lmzip::decompress(s.data(), s.size(), out) == Error::corrupt_header);
  // The same with a nonzero id is a model the decoder lacks, not corruption.
  Bytes other = s;
  other[6] = 1;
  CHECK(lmzip::peek_header(other.data(), other.size(), h) == Error::ok);
  Error e = lmzip::decompress(other.data(), other.size(), out);
  CHECK((e == Error::model_mismatch || e == Error::model_not_loaded));
}

TEST_CASE("header: docs/FORMAT.md's error table is the core's error list") {
  std::ifstream doc(lmzt::source_dir() / "docs" / "FORMAT.md");
  REQUIRE(doc);
  std::string line;
  bool in_table = false;
  std::vector<std::pair<int, std::string>> rows;
  while (std::getline(doc, line)) {
    if (line == "## Error codes") in_table = true;
    else if (in_table && line.rfind("| ", 0) == 0 && std::isdigit(static_cast<unsigned char>(line[2]))) {
      int code = std::stoi(line.substr(2));
      size_t a = line.find('`'), b = line.find('`', a + 1);
      REQUIRE(b != std::string::npos);
      rows.emplace_back(code, line.substr(a + 1, b - a - 1));
    } else if (in_table && line.rfind("## ", 0) == 0) {
      break;
    }
  }
  std::vector<std::pair<int, std::string>> core;
  for (Error e : lmzip::kErrors)
    if (e != Error::ok) core.emplace_back(static_cast<int>(e), lmzip::error_name(e));
  CHECK(rows == core);
}
