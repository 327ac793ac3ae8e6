// Round trips through the one-shot API (lmzip::compress / decompress).
// Every stream is also walked by check_container() (test_util.h), an
// independent reading of the container format.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>

#include "test_util.h"

using namespace lmzt;

namespace {

// ASCII words and random bytes >= 0x80 (almost never valid UTF-8).
Bytes invalid_utf8(size_t n, uint64_t seed) {
  SplitMix64 rng(seed);
  Bytes out;
  Bytes words = pseudo_text(4096, seed + 1);
  size_t w = 0;
  while (out.size() < n) {
    uint32_t k = rng.below(8);
    for (uint32_t i = 0; i <= k; ++i) out.push_back(static_cast<uint8_t>(0x80 | rng.byte()));
    uint32_t m = rng.below(12);
    for (uint32_t i = 0; i < m; ++i) out.push_back(words[w++ % words.size()]);
  }
  out.resize(n);
  return out;
}

// Text and random data in alternating pieces of `piece` bytes.
Bytes mixed(size_t n, size_t piece, uint64_t seed) {
  Bytes out;
  Bytes text = pseudo_text(piece, seed);
  uint64_t k = 0;
  while (out.size() < n) {
    if (k % 2 == 0)
      append(out, text);
    else
      append(out, random_bytes(piece, seed + k));
    ++k;
  }
  out.resize(n);
  return out;
}

}  // namespace

TEST_CASE("roundtrip: empty input") {
  for (int level : {1, 6, 9}) {
    Bytes c = check_roundtrip({}, level, "empty input");
    // header (6, or 10 with a model id), empty stored block 3, length 1, CRC 4
    CHECK(c.size() == header_size(level) + 8);
  }
}

TEST_CASE("roundtrip: one byte, every value") {
  // Each one-byte input costs an encoder (model allocation): under
  // LMZIP_QUICK a spread subset.
  const int step = quick_mode() ? 15 : 1;
  for (int v = 0; v < 256; v += step) {
    Bytes in{static_cast<uint8_t>(v)};
    Bytes c = check_roundtrip(in, 1, "byte " + std::to_string(v));
    CHECK(c.size() == 6 + 3 + 1 + 1 + 4);  // stored
  }
  check_roundtrip(Bytes{0xFF}, 9, "byte 255");
}

TEST_CASE("roundtrip: all 256 byte values in one buffer") {
  Bytes up(256), down(256);
  for (int i = 0; i < 256; ++i) {
    up[static_cast<size_t>(i)] = static_cast<uint8_t>(i);
    down[static_cast<size_t>(i)] = static_cast<uint8_t>(255 - i);
  }
  check_roundtrip(up, 1, "0..255");
  check_roundtrip(down, 6, "255..0");
  check_roundtrip(repeat_to(up, 64 * 256), 1, "0..255 x 64");
}

TEST_CASE("roundtrip: 1 MiB of random bytes never expands by more than 16 bytes") {
  const size_t n = quick_mode() ? kBlock / 8 : kBlock;
  Bytes in = random_bytes(n, 42);
  Bytes c = check_roundtrip(in, 1, "random");
  CHECK(c.size() <= in.size() + 16);
  MESSAGE("random " << n << " bytes -> " << c.size());
}

TEST_CASE("roundtrip: small random inputs of many sizes") {
  SplitMix64 rng(5);
  const int count = quick_mode() ? 8 : 40;
  for (int i = 0; i < count; ++i) {
    size_t n = rng.below(3000);
    Bytes in = random_bytes(n, 1000 + static_cast<uint64_t>(i));
    Bytes c = check_roundtrip(in, 1, "random");
    CHECK(c.size() <= in.size() + 16);
  }
}

TEST_CASE("roundtrip: long runs and periodic patterns") {
  const size_t big = quick_mode() ? 128 * 1024 : kBlock;
  const size_t n = quick_mode() ? 32 * 1024 : 256 * 1024;
  {
    Bytes c = check_roundtrip(Bytes(big, 'a'), 1, "run of 'a'");
    CHECK(c.size() < big / 100);
    MESSAGE(big << " x 'a' -> " << c.size() << " bytes");
  }
  check_roundtrip(Bytes(n, 0), 1, "run of zeros");
  check_roundtrip(repeat_to(to_bytes("ab"), n), 1, "abab...");
  check_roundtrip(repeat_to(Bytes{0x00, 0xFF}, n), 1, "00 FF ...");
  check_roundtrip(repeat_to(to_bytes("xyz\n"), n), 1, "period 4");
  check_roundtrip(repeat_to(random_bytes(1000, 9), n), 1, "period 1000, random");
  // Runs of growing length: a a b b b c c c c ...
  Bytes runs;
  for (size_t len = 1; runs.size() < n; ++len) runs.insert(runs.end(), len, static_cast<uint8_t>(len));
  runs.resize(n);
  check_roundtrip(runs, 1, "growing runs");
}

TEST_CASE("roundtrip: Chinese UTF-8 text") {
  Bytes zh = to_bytes(kChinese);
  check_roundtrip(zh, 1, "Chinese paragraph");
  Bytes big = repeat_to(zh, quick_mode() ? 16 * 1024 : 128 * 1024);
  Bytes c = check_roundtrip(big, 1, "Chinese paragraph repeated");
  CHECK(bits_per_byte(c.size(), big.size()) < 1.0);
  check_roundtrip(zh, 9, "Chinese paragraph");
}

TEST_CASE("roundtrip: invalid UTF-8 (bytes >= 0x80 among ASCII)") {
  Bytes in = invalid_utf8(quick_mode() ? 16 * 1024 : 128 * 1024, 77);
  Bytes c = check_roundtrip(in, 1, "invalid UTF-8");
  CHECK(c.size() <= max_compressed_size(in.size(), 1));
  // Lone continuation bytes, truncated sequences, overlong forms, 0xFE/0xFF.
  Bytes odd = {0x80, 0xBF, 0xC0, 0x80, 0xE2, 0x82, 'a', 0xF0, 0x9F, 0x98, 0xFE, 0xFF,
               0xED, 0xA0, 0x80, 0xF4, 0x90, 0x80, 0x80, 0xC1, 0xBF, 0x00};
  check_roundtrip(repeat_to(odd, 5000), 1, "malformed sequences");
}

TEST_CASE("roundtrip: inputs around the 1 MiB block size") {
  // 1 MiB - 1 and 1 MiB are one block, 1 MiB + 1 is two; 2.5 MiB is three:
  // text, random (stored in the middle of a stream: the model must learn
  // from a stored block), text.
  std::vector<size_t> sizes = {kBlock + 1};
  if (!quick_mode()) sizes = {kBlock - 1, kBlock, kBlock + 1};
  for (size_t n : sizes) {
    Bytes in = mixed(n, 64 * 1024, n);
    Bytes c = check_roundtrip(in, 1, "mixed");
    std::vector<BlockInfo> blocks = check_container(c, in, 1);
    CHECK(blocks.size() == (n > kBlock ? 2u : 1u));
  }
  if (!quick_mode()) {
    Bytes in = pseudo_text(kBlock, 21);
    append(in, random_bytes(kBlock, 22));
    append(in, pseudo_text(kBlock / 2, 23));
    Bytes c = check_roundtrip(in, 1, "2.5 MiB text/random/text");
    std::vector<BlockInfo> blocks = check_container(c, in, 1);
    REQUIRE(blocks.size() == 3);
    CHECK(blocks[0].type == 1);
    CHECK(blocks[1].type == 0);
    CHECK(blocks[2].type == 1);
    CHECK(blocks[2].raw_length == kBlock / 2);
  }
}

TEST_CASE("roundtrip: every level 1..9 on a small text") {
  Bytes text = to_bytes(kEnglish);
  append(text, pseudo_text(3000, 31));
  for (int level = 1; level <= 9; ++level) {
    Bytes c = check_roundtrip(text, level, "text");
    MESSAGE("level " << level << ": " << text.size() << " -> " << c.size());
    CHECK(c.size() < text.size() / 2);
  }
}

TEST_CASE("roundtrip: compression is deterministic") {
  Bytes text = pseudo_text(20000, 41);
  Bytes other = random_bytes(5000, 42);
  for (int level : {1, 6}) {
    Bytes a = compress_ok(text, level);
    Bytes noise = compress_ok(other, level);  // no state may leak between calls
    Bytes b = compress_ok(text, level);
    CHECK(a == b);
    CHECK(compress_ok(other, level) == noise);
  }
}

TEST_CASE("roundtrip: text compresses") {
  Bytes para = to_bytes(kEnglish);
  Bytes repeated = repeat_to(para, para.size() * 20);
  Bytes c = check_roundtrip(repeated, 1, "English paragraph x20");
  double bpb = bits_per_byte(c.size(), repeated.size());
  MESSAGE("English paragraph x20: " << bpb << " bits/byte");
  CHECK(bpb < 2.0);
  Bytes once = compress_ok(para, 1);
  MESSAGE("English paragraph once: " << bits_per_byte(once.size(), para.size()) << " bits/byte");
  CHECK(once.size() < para.size());
  Bytes words = pseudo_text(50000, 51);
  Bytes cw = compress_ok(words, 1);
  MESSAGE("pseudo-English 50 KB: " << bits_per_byte(cw.size(), words.size()) << " bits/byte");
  CHECK(bits_per_byte(cw.size(), words.size()) < 4.0);
}

// ---------------------------------------------------------------- corpus

namespace {

struct CorpusFile {
  std::filesystem::path path;
  std::string name;  // relative to bench/
  size_t size;
};

// Every file under corpus/bench (recursive, sorted), SHA1SUM files left
// out; empty (with a MESSAGE) when the corpus is not on this machine.
std::vector<CorpusFile> bench_files() {
  std::vector<CorpusFile> files;
  std::filesystem::path bench = corpus_dir() / "bench";
  std::error_code ec;
  if (!std::filesystem::is_directory(bench, ec)) {
    MESSAGE("corpus not found at " << bench.string() << ": corpus round trips skipped");
    return files;
  }
  for (const auto& entry : std::filesystem::recursive_directory_iterator(bench, ec)) {
    if (!entry.is_regular_file()) continue;
    if (entry.path().filename() == "SHA1SUM") continue;
    files.push_back({entry.path(), entry.path().lexically_relative(bench).generic_string(),
                     static_cast<size_t>(entry.file_size())});
  }
  std::sort(files.begin(), files.end(),
            [](const CorpusFile& a, const CorpusFile& b) { return a.name < b.name; });
  return files;
}

}  // namespace

TEST_CASE("roundtrip: corpus bench files at level 1") {
  // Under LMZIP_QUICK only files up to 200 KB.
  const size_t limit = quick_mode() ? 200 * 1000 : SIZE_MAX;
  size_t done = 0, skipped = 0, in_total = 0, out_total = 0;
  Stopwatch clock;
  for (const CorpusFile& f : bench_files()) {
    if (f.size > limit) {
      ++skipped;
      continue;
    }
    Bytes in;
    REQUIRE_MESSAGE(read_file(f.path, in), "cannot read " << f.path.string());
    Stopwatch one;
    Bytes c = check_roundtrip(in, 1, f.name);
    MESSAGE(f.name << ": " << in.size() << " -> " << c.size() << " ("
                   << bits_per_byte(c.size(), in.size()) << " bits/byte, " << one.seconds()
                   << " s)");
    ++done;
    in_total += in.size();
    out_total += c.size();
  }
  if (done > 0)
    MESSAGE("corpus: " << done << " files, " << in_total << " -> " << out_total << " bytes in "
                       << clock.seconds() << " s"
                       << (skipped ? "; " + std::to_string(skipped) + " over 200 KB skipped (LMZIP_QUICK)"
                                   : std::string()));
}

TEST_CASE("roundtrip: small corpus files at other levels") {
  const size_t limit = quick_mode() ? 16 * 1000 : 64 * 1000;
  const std::vector<int> levels = quick_mode() ? std::vector<int>{9} : std::vector<int>{3, 6, 9};
  for (const CorpusFile& f : bench_files()) {
    if (f.size > limit) continue;
    Bytes in;
    REQUIRE(read_file(f.path, in));
    for (int level : levels) check_roundtrip(in, level, f.name);
  }
}
