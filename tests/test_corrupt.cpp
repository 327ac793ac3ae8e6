// Damaged and hostile input: truncations, single-byte mutations, bad header
// fields, hand-built streams with lying lengths. The decoder must always
// stop (no hang, no crash, no huge allocation) and must never return ok with
// output that differs from the original: CRC-32 covers the data.
#include <doctest/doctest.h>

#include <map>
#include <string>

#include "test_util.h"

using namespace lmzt;
using lmzip::Error;

namespace {

// ~3.3 KB of text at level 1: one coded block.
Bytes text_original() {
  Bytes t = to_bytes(kEnglish);
  append(t, pseudo_text(2600, 2024));
  return t;
}
// 1000 random bytes: one stored block (the model is never needed).
Bytes random_original() { return random_bytes(1000, 2025); }

Error decode(const uint8_t* p, size_t n, Bytes& out) { return lmzip::decompress(p, n, out); }
Error decode(const Bytes& s, Bytes& out) { return decode(s.data(), s.size(), out); }

// Decodes one way and the other (one shot; streaming byte by byte) and
// checks that both give the same error.
Error decode_both(const Bytes& s) {
  Bytes out;
  Error e = decode(s, out);
  DecodeResult r = stream_decompress(s, 1, {1, 1, 0});
  if (r.status == lmzip::Status::done) {
    CHECK(e == (r.consumed == s.size() ? Error::ok : Error::corrupt_data));
  } else {
    CHECK(r.error == e);
  }
  return e;
}

// One-shot decoding with the given options.
Error decode_one(const Bytes& s, const lmzip::DecoderOptions& options) {
  Bytes out;
  return lmzip::decompress(s.data(), s.size(), out, options);
}

std::string histogram(const std::map<Error, size_t>& h) {
  std::string s;
  for (const auto& [e, n] : h) s += std::string(lmzip::error_name(e)) + "=" + std::to_string(n) + " ";
  return s;
}

}  // namespace

TEST_CASE("corrupt: every truncation fails, as truncated") {
  for (bool coded : {false, true}) {
    Bytes original = coded ? text_original() : random_original();
    Bytes s = compress_ok(original, 1);
    REQUIRE(check_container(s, original, 1)[0].type == (coded ? 1u : 0u));
    // Each truncation of the coded stream builds a model and decodes: under
    // LMZIP_QUICK the start and end of the stream plus every 16th length.
    const bool sample = quick_mode() && coded;
    std::map<Error, size_t> seen;
    size_t tried = 0;
    for (size_t len = 0; len < s.size(); ++len) {
      if (sample && len > 16 && len + 32 < s.size() && len % 16 != 0) continue;
      Bytes out;
      Error e = decode(s.data(), len, out);
      ++seen[e];
      ++tried;
      INFO("length " << len << " of " << s.size() << ": " << err(e));
      LMZT_CHECK(e == Error::truncated);
      LMZT_CHECK(e != Error::ok);
    }
    MESSAGE(std::string(coded ? "coded" : "stored") << " stream, " << s.size() << " bytes: " << tried
                                         << " truncations: " << histogram(seen));
  }
}

TEST_CASE("corrupt: truncated streams in the streaming decoder") {
  Bytes original = text_original();
  Bytes s = compress_ok(original, 1);
  SplitMix64 rng(3);
  for (int i = 0; i < (quick_mode() ? 4 : 16); ++i) {
    size_t len = rng.below(static_cast<uint32_t>(s.size()));
    DecodeResult r = stream_decompress(s.data(), len, static_cast<uint64_t>(i), {17, 33, 10});
    CHECK(r.status == lmzip::Status::error);
    CHECK(r.error == Error::truncated);
    CHECK(r.out.size() <= original.size());
    CHECK(std::equal(r.out.begin(), r.out.end(), original.begin()));  // a prefix
  }
}

namespace {

struct MutationPlan {
  size_t position_step;  // mutate every position_step-th position
  int xors;              // XOR values tried per position
  size_t stream_step;    // every ...th mutant is also decoded by the streaming Decoder
};

void mutate_all(const Bytes& s, const Bytes& original, MutationPlan plan, uint64_t seed,
                const std::string& what) {
  static constexpr uint8_t kFixed[4] = {0x01, 0x80, 0xFF, 0x10};
  SplitMix64 rng(seed);
  std::map<Error, size_t> seen;
  size_t mutants = 0, ok_same = 0, streamed = 0;
  Stopwatch clock;
  for (size_t pos = 0; pos < s.size(); pos += plan.position_step) {
    for (int k = 0; k < plan.xors; ++k) {
      uint8_t x = k == 0 ? kFixed[(pos / plan.position_step) % 4]
                         : static_cast<uint8_t>(1 + rng.below(255));
      Bytes m = s;
      m[pos] ^= x;
      Bytes out;
      Error e = decode(m, out);
      ++mutants;
      ++seen[e];
      if (e == Error::ok) {
        // Possible without a bug: e.g. the last bits of the coder's flush,
        // or a level byte naming the same model. The output must be right.
        ++ok_same;
        if (out != original) {
          FAIL_CHECK("ok with WRONG output: " << what << ", position " << pos << " ^= 0x"
                                              << std::hex << int{x} << std::dec << ": "
                                              << describe_mismatch(out, original));
        }
      }
      if ((mutants - 1) % plan.stream_step == 0) {
        ++streamed;
        DecodeResult r = stream_decompress(m, seed ^ pos, {64, 512, 5});
        INFO(what << ", position " << pos << " ^= " << int{x} << ": one-shot "
                  << err(e) << ", streaming " << err(r.error));
        if (r.status == lmzip::Status::done) {
          CHECK(r.out == original);
          CHECK(e == (r.consumed == m.size() ? Error::ok : Error::corrupt_data));
        } else {
          CHECK(r.error == e);
        }
      }
    }
  }
  MESSAGE(what << ": " << mutants << " mutants (" << streamed << " also streamed) in "
               << clock.seconds() << " s: " << histogram(seen) << "(ok with the right output: "
               << ok_same << ")");
  CHECK(ok_same * 20 < mutants);  // nearly every mutant must be caught
}

}  // namespace

TEST_CASE("corrupt: single-byte mutations of a stored-block stream") {
  Bytes original = random_original();
  Bytes s = compress_ok(original, 1);
  mutate_all(s, original, quick_mode() ? MutationPlan{1, 2, 3} : MutationPlan{1, 4, 1}, 7,
             "stored stream");
}

TEST_CASE("corrupt: single-byte mutations of a coded-block stream") {
  // Every coded mutant decodes up to the whole block (~5 ms): two XOR values
  // per position (one of 0x01, 0x80, 0xFF, 0x10 in turn, one random), each
  // mutant decoded both ways; under LMZIP_QUICK every 4th position, one XOR
  // value, every 3rd mutant streamed.
  Bytes original = text_original();
  Bytes s = compress_ok(original, 1);
  if (quick_mode())
    mutate_all(s, original, {4, 1, 3}, 8, "coded stream");
  else
    mutate_all(s, original, {1, 2, 1}, 8, "coded stream");
}

TEST_CASE("corrupt: header fields") {
  Bytes original = to_bytes("header field test: a short text, stored");
  Bytes text = text_original();
  for (const Bytes* in : {&original, &text}) {
    const Bytes s = compress_ok(*in, 1);
    INFO("stream of " << s.size() << " bytes");
    CHECK(decode_both(s) == Error::ok);
    auto with = [&s](size_t i, uint8_t v) {
      Bytes m = s;
      m[i] = v;
      return m;
    };
    // Magic.
    CHECK(decode_both(with(0, 'l')) == Error::not_lmzip);
    CHECK(decode_both(with(1, 'Z')) == Error::not_lmzip);
    CHECK(decode_both(with(2, 0)) == Error::not_lmzip);
    // Version.
    CHECK(decode_both(with(3, lmzip::kFormatVersion + 1)) == Error::unsupported_version);
    CHECK(decode_both(with(3, 255)) == Error::unsupported_version);
    Error v0 = decode_both(with(3, 0));
    CHECK((v0 == Error::corrupt_header || v0 == Error::unsupported_version));
    // Level.
    CHECK(decode_both(with(4, 0)) == Error::corrupt_header);
    CHECK(decode_both(with(4, 10)) == Error::corrupt_header);
    CHECK(decode_both(with(4, 255)) == Error::corrupt_header);
    // Flags: the model-id bit at a level without a model, a table size
    // code that gives no smaller tables than the level's (63: 2^72 bytes),
    // with or without the other bits.
    for (int f : {0x01, 0x03, 0xFC, 0xFD, 0xFE, 0xFF}) {
      INFO("flags " << f);
      CHECK(decode_both(with(5, static_cast<uint8_t>(f))) == Error::corrupt_header);
    }
    // Framed, then neither another frame nor a seek table: truncated.
    CHECK(decode_both(with(5, static_cast<uint8_t>(s[5] | 0x02))) == Error::truncated);
    // Smaller tables than the encoder's (it writes code 4 at least): the
    // text's payload decodes to other bytes, which the trailer catches; the
    // short text may fill no table and decode right, never to wrong bytes.
    for (int code : {1, 2, 3}) {
      INFO("table code " << code);
      REQUIRE(code < (s[5] >> 2));
      const Bytes m = with(5, static_cast<uint8_t>(code << 2));
      Error e = decode_both(m);
      CHECK(e != Error::corrupt_header);
      if (in == &text) CHECK(e != Error::ok);
      Bytes out;
      if (decode(m, out) == Error::ok) CHECK(out == *in);
    }
    // Format 2 had no flag but the model id's.
    Bytes v2 = with(3, 2);
    v2[5] = 0x04;
    CHECK(decode_both(v2) == Error::corrupt_header);
    // A model id at a level without a neural model.
    Bytes m = with(5, 0x01);
    Bytes id = {0x12, 0x34, 0x56, 0x78};
    m.insert(m.begin() + 6, id.begin(), id.end());
    CHECK(decode_both(m) == Error::corrupt_header);
  }
  // Other files.
  CHECK(decode_both(to_bytes("PK\x03\x04 not an lmzip file")) == Error::not_lmzip);
  CHECK(decode_both(Bytes(64, 0)) == Error::not_lmzip);
  CHECK(decode_both(Bytes{0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00}) == Error::not_lmzip);
  CHECK(decode_both({}) == Error::truncated);
  CHECK(decode_both(to_bytes("LMZ")) == Error::truncated);
}

TEST_CASE("corrupt: streams of the neural levels name their model") {
  REQUIRE_MESSAGE(lmzip::default_model() != nullptr, "this build has no default model");
  const int level = lmzip::kDefaultLevel;
  REQUIRE(lmzip::level_uses_model(level));
  const Bytes s = compress_ok(pseudo_text(2000, 5), level);
  REQUIRE((s[5] & 0x03) == 0x01);  // a model id, one frame
  CHECK(decode_both(s) == Error::ok);
  // Another model's id.
  Bytes other = s;
  other[6] ^= 0x5A;
  CHECK(decode_both(other) == Error::model_mismatch);
  // The id cut short, and the flag missing at a level that needs a model.
  CHECK(decode_both(Bytes(s.begin(), s.begin() + 8)) == Error::truncated);
  Bytes no_flag = s;
  no_flag[5] &= 0xFE;
  CHECK(decode_both(no_flag) == Error::corrupt_header);
  // Without the model the decoder fails and says which model it needs ...
  const auto standard = lmzip::default_model(level);
  lmzip::set_default_model(nullptr, level);
  lmzip::Decoder d;
  Bytes out(4096);
  lmzip::InBuffer in{s.data(), s.size(), 0};
  lmzip::OutBuffer ob{out.data(), out.size(), 0};
  CHECK(d.decompress(in, ob, true) == lmzip::Status::error);
  CHECK(d.error() == Error::model_not_loaded);
  CHECK(d.model_id() == standard->id());
  // ... and the encoder refuses such a level without one.
  lmzip::Encoder e(level, nullptr);
  CHECK(e.error() == Error::model_not_loaded);
  // With a model given, a stream naming another one is a mismatch even
  // when no default is loaded.
  lmzip::DecoderOptions wrong;
  wrong.model = lmzip::default_model(lmzip::kMaxLevel);
  CHECK(decode_one(s, wrong) == Error::model_mismatch);
  // A model passed explicitly needs no default.
  lmzip::DecoderOptions given;
  given.model = standard;
  CHECK(decode_one(s, given) == Error::ok);
  lmzip::set_default_model(standard, level);
  // Level 9 names the large model; the standard one does not decode it.
  const Bytes s9 = compress_ok(pseudo_text(500, 6), 9);
  CHECK(decode_both(s9) == Error::ok);
  CHECK(decode_one(s9, given) == Error::model_mismatch);
}

TEST_CASE("corrupt: hand-built valid streams decode (independent reading of the format)") {
  // The library's own bytes for inputs that are stored are fully determined
  // by the format: compare with streams built here.
  for (int level : {1, 5, 9}) {
    CHECK(compress_ok({}, level) == stored_stream(level, {Bytes{}}));
    Bytes r = random_bytes(500, static_cast<uint64_t>(level));
    CHECK(compress_ok(r, level) == stored_stream(level, {r}));
  }
  Bytes out;
  CHECK(decode(stored_stream(3, {to_bytes("hello")}), out) == Error::ok);
  CHECK(out == to_bytes("hello"));
  // Several stored blocks (the model learns the non-last ones).
  CHECK(decode(stored_stream(1, {to_bytes("abc"), to_bytes("def"), to_bytes("g")}), out) ==
        Error::ok);
  CHECK(out == to_bytes("abcdefg"));
  // A stored block of exactly the maximum block size.
  Bytes big = random_bytes(kBlock, 5);
  CHECK(decode(stored_stream(1, {big}), out) == Error::ok);
  CHECK(out == big);
  // Many empty blocks: terminates, decodes to nothing.
  std::vector<Bytes> empties(20000);
  Stopwatch clock;
  CHECK(decode(stored_stream(1, empties), out) == Error::ok);
  CHECK(out.empty());
  CHECK(clock.seconds() < 20);
}

TEST_CASE("corrupt: hand-built streams that lie about lengths") {
  SUBCASE("block header claims 1 MiB, the stream ends early") {
    Bytes s = stream_header(1);
    put_block_header(s, true, 0, 1u << 20);
    append(s, to_bytes("only a few bytes"));
    Bytes out;
    alloc_tracking_start();
    Error e = decode(s, out);
    AllocStats a = alloc_tracking_stop();
    CHECK(e == Error::truncated);
    CHECK(a.total < 64 * 1024);  // nothing sized by the claim
    alloc_tracking_start();
    DecodeResult r = stream_decompress(s, 1, {4, 4096, 0});
    a = alloc_tracking_stop();
    CHECK(r.error == Error::truncated);
    CHECK(a.total < 256 * 1024);  // the driver's own buffers included
  }
  SUBCASE("stored block claims 1 MiB, then a trailer") {
    Bytes s = stream_header(1);
    put_block_header(s, true, 0, 1u << 20);
    Bytes data = to_bytes("short");
    append(s, data);
    put_trailer(s, data.size(), crc32_ref(data));
    Error e = decode_both(s);
    CHECK(e == Error::truncated);  // the trailer bytes are taken as block data
  }
  SUBCASE("coded block claims 1 MiB from a tiny payload") {
    for (int fill : {0x00, 0xFF, 0x5A}) {
      Bytes s = stream_header(1);
      put_block_header(s, true, 1, 1u << 20);
      put_le(s, 8, 3);
      s.insert(s.end(), 8, static_cast<uint8_t>(fill));
      put_trailer(s, 1u << 20, 0);
      alloc_tracking_start();
      DecodeResult r = stream_decompress(s, 2, {1 << 16, 4096, 0});
      AllocStats a = alloc_tracking_stop();
      INFO("fill " << fill << ": " << err(r.error) << " after " << r.out.size()
                   << " bytes of output");
      CHECK(r.status == lmzip::Status::error);
      CHECK((r.error == Error::corrupt_data || r.error == Error::truncated ||
             r.error == Error::length_mismatch || r.error == Error::checksum_mismatch));
      // Memory bounded by the level (plus what this driver collects).
      CHECK(a.total <= lmzip::memory_for_level(1) + 2 * r.out.capacity() + (256u << 10));
      Bytes out;
      CHECK(decode(s, out) != Error::ok);
    }
  }
  SUBCASE("trailer claims 2^60 bytes") {
    Bytes data = to_bytes("tiny");
    Bytes s = stream_header(1);
    put_stored_block(s, true, data);
    put_trailer(s, uint64_t{1} << 60, crc32_ref(data));
    alloc_tracking_start();
    Bytes out;
    Error e = decode(s, out);
    AllocStats a = alloc_tracking_stop();
    CHECK(e == Error::length_mismatch);
    CHECK(a.total < 64 * 1024);
    CHECK(decode_both(s) == Error::length_mismatch);
  }
  SUBCASE("trailer length 2^64 - 1, over-long varints") {
    Bytes data = to_bytes("tiny");
    Bytes s = stream_header(1);
    put_stored_block(s, true, data);
    Bytes max = s;
    put_trailer(max, UINT64_MAX, crc32_ref(data));
    CHECK(decode_both(max) == Error::length_mismatch);
    Bytes over = s;  // 10th byte > 1: more than 64 bits
    for (int i = 0; i < 9; ++i) over.push_back(0xFF);
    over.push_back(0x02);
    put_le(over, crc32_ref(data), 4);
    CHECK(decode_both(over) == Error::corrupt_data);
    Bytes endless = s;  // continuation bits forever
    for (int i = 0; i < 40; ++i) endless.push_back(0x80);
    Error e = decode_both(endless);
    CHECK((e == Error::corrupt_data || e == Error::truncated));
    // A padded varint for 4 (0x84 0x80 0x00) is still 4: accepted or not,
    // it must not crash; with the right CRC it decodes to the data.
    Bytes padded = s;
    padded.push_back(0x84);
    padded.push_back(0x80);
    padded.push_back(0x00);
    put_le(padded, crc32_ref(data), 4);
    Bytes out;
    if (decode(padded, out) == Error::ok) CHECK(out == data);
  }
  SUBCASE("trailer: wrong length, wrong CRC, missing") {
    Bytes data = to_bytes("trailer test data");
    Bytes s = stream_header(1);
    put_stored_block(s, true, data);
    Bytes wrong_len = s, wrong_crc = s;
    put_trailer(wrong_len, data.size() + 1, crc32_ref(data));
    put_trailer(wrong_crc, data.size(), crc32_ref(data) ^ 1);
    CHECK(decode_both(wrong_len) == Error::length_mismatch);
    CHECK(decode_both(wrong_crc) == Error::checksum_mismatch);
    CHECK(decode_both(s) == Error::truncated);
  }
  SUBCASE("block header: raw length over 1 MiB, unknown types") {
    for (uint32_t len : {(1u << 20) + 1, (1u << 21) - 1}) {
      Bytes s = stream_header(1);
      put_block_header(s, true, 0, len);
      s.insert(s.end(), 100, 'x');
      CHECK(decode_both(s) == Error::corrupt_data);
      Bytes c = stream_header(1);
      put_block_header(c, true, 1, len);
      put_le(c, 100, 3);
      c.insert(c.end(), 100, 'x');
      CHECK(decode_both(c) == Error::corrupt_data);
    }
    for (uint32_t type : {2u, 3u}) {
      Bytes s = stream_header(1);
      put_block_header(s, true, type, 5);
      append(s, to_bytes("hello"));
      put_trailer(s, 5, crc32_ref(to_bytes("hello")));
      CHECK(decode_both(s) == Error::corrupt_data);
    }
  }
  SUBCASE("coded block: impossible payload lengths") {
    Bytes text = text_original();
    Bytes good = compress_ok(text, 1);
    REQUIRE(good.size() > 12);
    REQUIRE(check_container(good, text, 1)[0].type == 1);
    for (uint32_t len : {0u, 1u, 3u, static_cast<uint32_t>(text.size()), (1u << 24) - 1}) {
      INFO("payload length " << len);
      Bytes m = good;
      m[9] = static_cast<uint8_t>(len);
      m[10] = static_cast<uint8_t>(len >> 8);
      m[11] = static_cast<uint8_t>(len >> 16);
      Error e = decode_both(m);
      CHECK(e != Error::ok);
      if (len < 4 || len >= text.size()) CHECK(e == Error::corrupt_data);
    }
  }
}
