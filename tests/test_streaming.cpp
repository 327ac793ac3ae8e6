// The streaming Encoder/Decoder: any chunking gives the one-shot bytes, the
// Status contract, trailing input, argument errors, output limits, names.
#include <doctest/doctest.h>

#include <climits>
#include <set>
#include <string>

#include "test_util.h"

using namespace lmzt;

namespace {

struct Sample {
  std::string name;
  Bytes data;
};

std::vector<Sample> samples() {
  Bytes text = to_bytes(kEnglish);
  append(text, pseudo_text(3500, 61));
  Bytes mix = pseudo_text(20000, 62);
  append(mix, random_bytes(10000, 63));
  append(mix, to_bytes(kChinese));
  return {{"empty", {}},
          {"one byte", {0x5A}},
          {"text 4 KB (coded block)", text},
          {"random 3 KB (stored block)", random_bytes(3000, 64)},
          {"mixed 30 KB", mix}};
}

const Chunking kChunkings[] = {
    {1, 1, 0},          // byte by byte
    {1, 1, 30},         // byte by byte with many empty calls
    {7, 3, 10},         //
    {1 << 16, 1, 0},    // big input, 1-byte output buffer
    {1, 1 << 16, 0},    // 1-byte input, big output
    {4096, 4096, 5},    //
    {1 << 16, 1 << 16, 20},
};

}  // namespace

TEST_CASE("streaming: encoder chunking never changes the bytes") {
  uint64_t seed = 1;
  for (const Sample& s : samples()) {
    Bytes one_shot = compress_ok(s.data, 1);
    for (const Chunking& ch : kChunkings) {
      INFO(s.name << ", chunks in<=" << ch.max_in << " out<=" << ch.max_out << " zero%="
                  << ch.zero_percent);
      Bytes streamed = stream_compress(s.data, 1, seed++, ch);
      std::string diff = describe_mismatch(streamed, one_shot);
      CHECK_MESSAGE(diff.empty(), diff);
    }
  }
}

TEST_CASE("streaming: decoder chunking never changes the output") {
  uint64_t seed = 100;
  for (const Sample& s : samples()) {
    Bytes c = compress_ok(s.data, 1);
    for (const Chunking& ch : kChunkings) {
      INFO(s.name << ", chunks in<=" << ch.max_in << " out<=" << ch.max_out << " zero%="
                  << ch.zero_percent);
      DecodeResult r = stream_decompress(c, seed++, ch);
      REQUIRE_MESSAGE(r.status == lmzip::Status::done, err(r.error));
      CHECK(r.consumed == c.size());
      std::string diff = describe_mismatch(r.out, s.data);
      CHECK_MESSAGE(diff.empty(), diff);
    }
  }
}

TEST_CASE("streaming: a stream of several blocks, chunked") {
  // Big enough for two blocks; the encoder may hold back up to one block.
  const size_t n = kBlock + (quick_mode() ? 1000 : 300000);
  Bytes in = pseudo_text(n, 71);
  for (size_t i = 200000; i < 300000 && i < n; ++i) in[i] = static_cast<uint8_t>(i * 2654435761u >> 24);
  Bytes one_shot = compress_ok(in, 1);
  REQUIRE(check_container(one_shot, in, 1).size() == 2);
  Bytes streamed = stream_compress(in, 1, 5, {1 << 16, 1 << 15, 5});
  CHECK(describe_mismatch(streamed, one_shot) == "");
  DecodeResult r = stream_decompress(one_shot, 6, {1 << 14, 1 << 16, 5});
  REQUIRE(r.status == lmzip::Status::done);
  CHECK(r.consumed == one_shot.size());
  CHECK(describe_mismatch(r.out, in) == "");
  if (!quick_mode()) {
    DecodeResult tiny = stream_decompress(one_shot, 7, {3, 2, 10});
    REQUIRE(tiny.status == lmzip::Status::done);
    CHECK(describe_mismatch(tiny.out, in) == "");
  }

  {
    // Output lags the input by at most one block.
    lmzip::Encoder enc(sized(1, in.size()));
    Bytes buf(4 * kBlock);
    lmzip::InBuffer ib{in.data(), in.size(), 0};
    lmzip::OutBuffer ob{buf.data(), buf.size(), 0};
    CHECK(enc.compress(ib, ob, false) == lmzip::Status::needs_input);
    CHECK(ib.pos == in.size());
    // The first (full) block must be out: only the open block may lag.
    std::vector<BlockInfo> blocks = check_container(one_shot, in, 1);
    size_t first_block_bytes = 6 + 3 + (blocks[0].type == 1 ? 3u : 0u) + blocks[0].payload_length;
    CHECK(ob.pos >= first_block_bytes);
    CHECK(std::equal(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(ob.pos), one_shot.begin()));
    lmzip::InBuffer empty{};
    CHECK(enc.compress(empty, ob, true) == lmzip::Status::done);
    buf.resize(ob.pos);
    CHECK(buf == one_shot);
  }
}

TEST_CASE("streaming: Status contract, step by step") {
  Bytes text = pseudo_text(4000, 81);
  Bytes expected = compress_ok(text, 1);

  SUBCASE("encoder") {
    lmzip::Encoder enc(sized(1, text.size()));
    Bytes out(expected.size() + 100);
    lmzip::InBuffer ib{text.data(), text.size(), 0};
    lmzip::OutBuffer ob{out.data(), out.size(), 0};
    // Without finish: input consumed, more wanted.
    CHECK(enc.compress(ib, ob, false) == lmzip::Status::needs_input);
    CHECK(ib.pos == text.size());
    CHECK(enc.bytes_in() == text.size());
    // A call with nothing at all.
    lmzip::InBuffer none{};
    lmzip::OutBuffer no_room{};
    CHECK(enc.compress(none, no_room, false) == lmzip::Status::needs_input);
    // Finish with no room: needs_output, nothing written.
    CHECK(enc.compress(none, no_room, true) == lmzip::Status::needs_output);
    // One byte of room at a time: needs_output until the last byte.
    size_t written = ob.pos;
    lmzip::Status st = lmzip::Status::needs_output;
    while (st == lmzip::Status::needs_output) {
      lmzip::OutBuffer one{out.data() + written, 1, 0};
      st = enc.compress(none, one, true);
      CHECK(one.pos == 1);
      written += one.pos;
      REQUIRE(written <= expected.size());
    }
    CHECK(st == lmzip::Status::done);
    out.resize(written);
    CHECK(out == expected);
    CHECK(enc.bytes_out() == expected.size());
    // Done stays done, with or without finish.
    lmzip::OutBuffer room{out.data(), out.size(), 0};
    CHECK(enc.compress(none, room, false) == lmzip::Status::done);
    CHECK(enc.compress(none, room, true) == lmzip::Status::done);
    CHECK(room.pos == 0);
  }

  SUBCASE("decoder") {
    lmzip::Decoder dec;
    CHECK(dec.level() == 0);
    Bytes out(text.size() + 100);
    lmzip::InBuffer none{};
    lmzip::OutBuffer no_room{};
    CHECK(dec.decompress(none, no_room, false) == lmzip::Status::needs_input);
    // Half the stream: needs_input, all of it consumed.
    size_t half = expected.size() / 2;
    lmzip::InBuffer ib{expected.data(), half, 0};
    lmzip::OutBuffer ob{out.data(), out.size(), 0};
    CHECK(dec.decompress(ib, ob, false) == lmzip::Status::needs_input);
    CHECK(ib.pos == half);
    CHECK(dec.level() == 1);
    // The rest with a full output buffer: needs_output.
    lmzip::InBuffer rest{expected.data() + half, expected.size() - half, 0};
    lmzip::OutBuffer full{out.data() + ob.pos, 0, 0};
    CHECK(dec.decompress(rest, full, false) == lmzip::Status::needs_output);
    // Then everything: whether another file follows is not known before
    // the end of the input.
    lmzip::OutBuffer room{out.data() + ob.pos, out.size() - ob.pos, 0};
    CHECK(dec.decompress(rest, room, false) == lmzip::Status::needs_input);
    CHECK(rest.pos == rest.size);
    CHECK(dec.decompress(none, room, true) == lmzip::Status::done);
    out.resize(ob.pos + room.pos);
    CHECK(out == text);
    CHECK(dec.bytes_in() == expected.size());
    CHECK(dec.bytes_out() == text.size());
    for (bool eoi : {false, true}) {
      lmzip::OutBuffer more{out.data(), out.size(), 0};
      CHECK(dec.decompress(none, more, eoi) == lmzip::Status::done);
      CHECK(more.pos == 0);
    }
  }

  SUBCASE("decoder: end_of_input on an incomplete stream is truncated") {
    for (size_t cut : {size_t{0}, size_t{3}, size_t{6}, expected.size() / 2, expected.size() - 1}) {
      lmzip::Decoder dec;
      Bytes out(text.size());
      lmzip::InBuffer ib{expected.data(), cut, 0};
      lmzip::OutBuffer ob{out.data(), out.size(), 0};
      CHECK(dec.decompress(ib, ob, false) == lmzip::Status::needs_input);
      lmzip::InBuffer none{};
      CHECK(dec.decompress(none, ob, true) == lmzip::Status::error);
      CHECK(dec.error() == lmzip::Error::truncated);
    }
  }
}

TEST_CASE("streaming: bytes after a complete stream stay unconsumed") {
  Bytes text = pseudo_text(3000, 91);
  Bytes s = compress_ok(text, 1);
  Bytes junk = to_bytes("TRAILING GARBAGE");
  Bytes with_junk = s;
  append(with_junk, junk);

  SUBCASE("all at once") {
    lmzip::Decoder dec;
    Bytes out(text.size() * 2);
    lmzip::InBuffer ib{with_junk.data(), with_junk.size(), 0};
    lmzip::OutBuffer ob{out.data(), out.size(), 0};
    CHECK(dec.decompress(ib, ob, true) == lmzip::Status::done);
    CHECK(ib.pos == s.size());
    CHECK(dec.bytes_in() == s.size());
    out.resize(ob.pos);
    CHECK(out == text);
  }
  SUBCASE("byte by byte") {
    lmzip::Decoder dec;
    Bytes out(text.size());
    lmzip::OutBuffer ob{out.data(), out.size(), 0};
    for (size_t pos = 0; pos < with_junk.size(); ++pos) {
      lmzip::InBuffer ib{with_junk.data() + pos, 1, 0};
      lmzip::Status st = dec.decompress(ib, ob, false);
      if (pos + 1 < s.size()) {
        REQUIRE(st == lmzip::Status::needs_input);
        CHECK(ib.pos == 1);
      } else if (pos + 1 == s.size()) {
        REQUIRE(st == lmzip::Status::needs_input);  // the last byte: another file may follow
        CHECK(ib.pos == 1);
      } else {
        CHECK(st == lmzip::Status::done);
        CHECK(ib.pos == 0);  // after the stream: left alone
      }
    }
    CHECK(ob.pos == text.size());
    CHECK(out == text);
  }
  SUBCASE("random chunks") {
    for (uint64_t seed = 0; seed < 10; ++seed) {
      DecodeResult r = stream_decompress(with_junk, seed, {64, 64, 10});
      CHECK(r.status == lmzip::Status::done);
      CHECK(r.consumed == s.size());
      CHECK(r.out == text);
    }
  }
  SUBCASE("two concatenated files decode as one, in every chunking") {
    Bytes other = to_bytes(kChinese);
    Bytes both = s;
    append(both, compress_ok(other, 2));
    Bytes want = text;
    append(want, other);
    CHECK(decompress_ok(both) == want);
    for (uint64_t seed = 0; seed < 6; ++seed) {
      DecodeResult r = stream_decompress(both, seed, {seed < 3 ? size_t{7} : size_t{4096}, 61, 10});
      REQUIRE(r.status == lmzip::Status::done);
      CHECK(r.consumed == both.size());
      CHECK(r.out == want);
    }
    lmzip::Decoder dec;
    Bytes out(want.size());
    lmzip::InBuffer ib{both.data(), both.size(), 0};
    lmzip::OutBuffer ob{out.data(), out.size(), 0};
    CHECK(dec.decompress(ib, ob, true) == lmzip::Status::done);
    CHECK(dec.level() == 2);  // the frame decoded last
    CHECK(dec.bytes_in() == both.size());
    // Junk after the second file stays unconsumed; a file cut short is truncated.
    Bytes tail = both;
    append(tail, junk);
    lmzip::Decoder dec2;
    lmzip::InBuffer ib2{tail.data(), tail.size(), 0};
    lmzip::OutBuffer ob2{out.data(), out.size(), 0};
    CHECK(dec2.decompress(ib2, ob2, true) == lmzip::Status::done);
    CHECK(ib2.pos == both.size());
    Bytes cut(both.begin(), both.end() - 1);
    Bytes ignored;
    CHECK(lmzip::decompress(cut.data(), cut.size(), ignored) == lmzip::Error::truncated);
  }
  SUBCASE("the one-shot helper rejects trailing bytes") {
    Bytes out;
    CHECK(lmzip::decompress(with_junk.data(), with_junk.size(), out) == lmzip::Error::corrupt_data);
  }
}

TEST_CASE("streaming: invalid level") {
  for (int level : {0, 10, -1, 255, 256, INT_MAX, INT_MIN}) {
    INFO("level " << level);
    lmzip::Encoder enc(level);
    CHECK(enc.error() == lmzip::Error::invalid_argument);
    Bytes in = to_bytes("hello"), out(100);
    lmzip::InBuffer ib{in.data(), in.size(), 0};
    lmzip::OutBuffer ob{out.data(), out.size(), 0};
    CHECK(enc.compress(ib, ob, true) == lmzip::Status::error);
    CHECK(enc.error() == lmzip::Error::invalid_argument);
    CHECK(ob.pos == 0);
    Bytes c;
    CHECK(lmzip::compress(in.data(), in.size(), c, level) == lmzip::Error::invalid_argument);
    CHECK(lmzip::memory_for_level(level) == 0);
  }
}

TEST_CASE("streaming: invalid buffers are invalid_argument, and errors are sticky") {
  Bytes in = to_bytes("hello, world"), out(100);
  SUBCASE("encoder: null input with a size") {
    lmzip::Encoder enc(1);
    lmzip::InBuffer ib{nullptr, 5, 0};
    lmzip::OutBuffer ob{out.data(), out.size(), 0};
    CHECK(enc.compress(ib, ob, true) == lmzip::Status::error);
    CHECK(enc.error() == lmzip::Error::invalid_argument);
    lmzip::InBuffer good{in.data(), in.size(), 0};
    CHECK(enc.compress(good, ob, true) == lmzip::Status::error);  // sticky
  }
  SUBCASE("encoder: pos beyond size, null output with room") {
    lmzip::Encoder enc(1);
    lmzip::InBuffer ib{in.data(), 3, 4};
    lmzip::OutBuffer ob{out.data(), out.size(), 0};
    CHECK(enc.compress(ib, ob, false) == lmzip::Status::error);
    CHECK(enc.error() == lmzip::Error::invalid_argument);
    lmzip::Encoder enc2(1);
    lmzip::InBuffer ib2{in.data(), in.size(), 0};
    lmzip::OutBuffer null_out{nullptr, 10, 0};
    CHECK(enc2.compress(ib2, null_out, true) == lmzip::Status::error);
    CHECK(enc2.error() == lmzip::Error::invalid_argument);
    lmzip::OutBuffer bad_pos{out.data(), 10, 11};
    lmzip::Encoder enc3(1);
    CHECK(enc3.compress(ib2, bad_pos, true) == lmzip::Status::error);
    CHECK(enc3.error() == lmzip::Error::invalid_argument);
  }
  SUBCASE("decoder") {
    Bytes s = compress_ok(in, 1);
    lmzip::Decoder dec;
    lmzip::InBuffer ib{nullptr, 5, 0};
    lmzip::OutBuffer ob{out.data(), out.size(), 0};
    CHECK(dec.decompress(ib, ob, true) == lmzip::Status::error);
    CHECK(dec.error() == lmzip::Error::invalid_argument);
    lmzip::InBuffer good{s.data(), s.size(), 0};
    CHECK(dec.decompress(good, ob, true) == lmzip::Status::error);  // sticky
    CHECK(dec.error() == lmzip::Error::invalid_argument);
    lmzip::Decoder dec2;
    lmzip::InBuffer bad_pos{s.data(), 2, 3};
    CHECK(dec2.decompress(bad_pos, ob, true) == lmzip::Status::error);
    CHECK(dec2.error() == lmzip::Error::invalid_argument);
    lmzip::Decoder dec3;
    lmzip::OutBuffer null_out{nullptr, 10, 0};
    CHECK(dec3.decompress(good, null_out, true) == lmzip::Status::error);
    CHECK(dec3.error() == lmzip::Error::invalid_argument);
  }
  SUBCASE("null pointers with size 0 are fine") {
    lmzip::Encoder enc(sized(1, 0));
    lmzip::InBuffer ib{nullptr, 0, 0};
    lmzip::OutBuffer ob{nullptr, 0, 0};
    // The header is waiting and there is no room: needs_output either way.
    CHECK(enc.compress(ib, ob, false) == lmzip::Status::needs_output);
    CHECK(enc.compress(ib, ob, true) == lmzip::Status::needs_output);
    CHECK(enc.error() == lmzip::Error::ok);
    lmzip::Decoder dec;
    CHECK(dec.decompress(ib, ob, false) == lmzip::Status::needs_input);
    CHECK(dec.decompress(ib, ob, true) == lmzip::Status::error);
    CHECK(dec.error() == lmzip::Error::truncated);
  }
}

TEST_CASE("streaming: empty calls with null pointers in every stage") {
  // {nullptr, 0, 0} is a valid InBuffer / OutBuffer (only a null pointer
  // with bytes to read or room to write is invalid_argument). Passing one
  // must be harmless in every stage of the stream: under UBSan this also
  // catches memcpy(dst, nullptr, 0).
  Bytes text = pseudo_text(4000, 121);
  Bytes s = compress_ok(text, 1);
  REQUIRE(check_container(s, text, 1)[0].type == 1);  // header, coded block, trailer
  SUBCASE("decoder") {
    lmzip::Decoder dec;
    Bytes out(text.size());
    lmzip::OutBuffer ob{out.data(), out.size(), 0};
    lmzip::Status st = lmzip::Status::needs_input;
    for (size_t pos = 0; pos < s.size(); ++pos) {
      lmzip::InBuffer null_in{nullptr, 0, 0};
      lmzip::OutBuffer null_out{nullptr, 0, 0};
      st = dec.decompress(null_in, null_out, false);
      LMZT_REQUIRE(st != lmzip::Status::error);
      st = dec.decompress(null_in, ob, false);
      LMZT_REQUIRE(st == lmzip::Status::needs_input);
      lmzip::InBuffer one{s.data() + pos, 1, 0};
      st = dec.decompress(one, ob, false);
      LMZT_REQUIRE(st == lmzip::Status::needs_input);  // another file may follow
    }
    lmzip::InBuffer null_in{nullptr, 0, 0};
    CHECK(dec.decompress(null_in, ob, true) == lmzip::Status::done);
    CHECK(out == text);
  }
  SUBCASE("encoder") {
    lmzip::Encoder enc(sized(1, text.size()));
    Bytes out(s.size());
    lmzip::OutBuffer ob{out.data(), out.size(), 0};
    for (size_t pos = 0; pos < text.size(); ++pos) {
      lmzip::InBuffer null_in{nullptr, 0, 0};
      lmzip::OutBuffer null_out{nullptr, 0, 0};
      LMZT_REQUIRE(enc.compress(null_in, null_out, false) != lmzip::Status::error);
      LMZT_REQUIRE(enc.compress(null_in, ob, false) == lmzip::Status::needs_input);
      lmzip::InBuffer one{text.data() + pos, 1, 0};
      LMZT_REQUIRE(enc.compress(one, ob, false) == lmzip::Status::needs_input);
    }
    lmzip::InBuffer null_in{nullptr, 0, 0};
    CHECK(enc.compress(null_in, ob, true) == lmzip::Status::done);
    out.resize(ob.pos);
    CHECK(out == s);
  }
}

TEST_CASE("streaming: DecoderOptions::max_output") {
  const Sample cases[] = {{"coded", pseudo_text(5000, 111)},
                          {"stored", random_bytes(3000, 112)},
                          {"one byte", Bytes{7}}};
  for (const Sample& s : cases) {
    INFO(s.name);
    Bytes c = compress_ok(s.data, 1);
    const uint64_t n = s.data.size();
    for (uint64_t limit : {n - 1, n, n + 1, uint64_t{0}}) {
      INFO("max_output " << limit);
      lmzip::DecoderOptions opt;
      opt.max_output = limit;
      Bytes out;
      lmzip::Error e = lmzip::decompress(c.data(), c.size(), out, opt);
      DecodeResult r = stream_decompress(c, limit, {257, 129, 5}, opt);
      if (limit >= n) {
        CHECK(e == lmzip::Error::ok);
        CHECK(out == s.data);
        CHECK(r.status == lmzip::Status::done);
        CHECK(r.out == s.data);
      } else {
        CHECK(e == lmzip::Error::output_limit);
        CHECK(r.status == lmzip::Status::error);
        CHECK(r.error == lmzip::Error::output_limit);
        CHECK(r.out.size() <= limit);
      }
    }
  }
  // An empty stream fits in max_output 0.
  Bytes c = compress_ok({}, 1), out;
  lmzip::DecoderOptions zero;
  zero.max_output = 0;
  CHECK(lmzip::decompress(c.data(), c.size(), out, zero) == lmzip::Error::ok);
  CHECK(out.empty());
}

TEST_CASE("streaming: Decoder::level() reports the header's level") {
  Bytes in = to_bytes("level check");
  for (int level : {1, 4, 9}) {
    Bytes c = compress_ok(in, level);
    DecodeResult r = stream_decompress(c, static_cast<uint64_t>(level), {1, 1, 0});
    CHECK(r.status == lmzip::Status::done);
    lmzip::Decoder dec;
    Bytes out(100);
    lmzip::InBuffer ib{c.data(), 5, 0};  // header not complete yet
    lmzip::OutBuffer ob{out.data(), out.size(), 0};
    CHECK(dec.decompress(ib, ob, false) == lmzip::Status::needs_input);
    CHECK(dec.level() == 0);
    lmzip::InBuffer rest{c.data(), c.size(), 5};
    CHECK(dec.decompress(rest, ob, true) == lmzip::Status::done);
    CHECK(dec.level() == level);
  }
}

TEST_CASE("errors: every Error has a distinct LMZ_ name and a message") {
  std::set<std::string> names, messages;
  for (int i = 0; i <= static_cast<int>(lmzip::Error::out_of_memory); ++i) {
    auto e = static_cast<lmzip::Error>(i);
    const char* name = lmzip::error_name(e);
    const char* message = lmzip::error_message(e);
    REQUIRE(name != nullptr);
    REQUIRE(message != nullptr);
    INFO("error " << i << ": " << std::string(name));
    CHECK(std::string(name).rfind("LMZ_", 0) == 0);
    CHECK(std::string(name).find("UNKNOWN") == std::string::npos);
    CHECK(std::string(message).size() > 3);
    CHECK(names.insert(name).second);
    CHECK(messages.insert(message).second);
  }
  CHECK(std::string(lmzip::error_name(lmzip::Error::ok)) == "LMZ_OK");
  CHECK(std::string(lmzip::error_name(lmzip::Error::corrupt_data)) == "LMZ_ERR_CORRUPT_DATA");
  CHECK(std::string(lmzip::error_name(lmzip::Error::truncated)) == "LMZ_ERR_TRUNCATED");
  // Values outside the enum still give a string.
  CHECK(lmzip::error_name(static_cast<lmzip::Error>(99)) != nullptr);
  CHECK(lmzip::error_message(static_cast<lmzip::Error>(-1)) != nullptr);
}
