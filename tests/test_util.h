// Helpers shared by the doctest suite (tests/*.cpp): deterministic data
// generators, reference hashes, an independent parser of the container
// format, corpus access and the allocation counter defined in test_main.cpp.
//
// Environment:
//   LMZIP_QUICK=1          sanitizer run: skip big inputs, fewer iterations
//   LMZIP_UPDATE_GOLDEN=1  test_golden.cpp rewrites tests/golden/ (see there)
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "lmzip.h"

namespace lmzt {

using Bytes = std::vector<uint8_t>;

inline bool env_flag(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' && std::strcmp(v, "0") != 0;
}

// Set for the ASan+UBSan run: big inputs are skipped, loops are shortened.
inline bool quick_mode() { return env_flag("LMZIP_QUICK"); }

constexpr size_t kBlock = size_t{1} << 20;  // format v1 maximum block size

// splitmix64 (Steele, Lea, Flood 2014): tiny, fast and the same everywhere.
struct SplitMix64 {
  uint64_t state;
  explicit SplitMix64(uint64_t seed) : state(seed) {}
  uint64_t next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform-enough value in [0, n); n > 0.
  uint32_t below(uint32_t n) { return static_cast<uint32_t>((next() >> 32) % n); }
  uint8_t byte() { return static_cast<uint8_t>(next() >> 56); }
};

inline Bytes random_bytes(size_t n, uint64_t seed) {
  SplitMix64 rng(seed);
  Bytes out(n);
  for (auto& b : out) b = rng.byte();
  return out;
}

inline Bytes to_bytes(std::string_view s) { return Bytes(s.begin(), s.end()); }
inline Bytes to_bytes(std::u8string_view s) {
  Bytes out(s.size());
  for (size_t i = 0; i < s.size(); ++i) out[i] = static_cast<uint8_t>(s[i]);
  return out;
}

// `unit` repeated (and cut) to exactly `total` bytes.
inline Bytes repeat_to(const Bytes& unit, size_t total) {
  Bytes out;
  out.reserve(total);
  while (out.size() < total)
    out.insert(out.end(), unit.begin(),
               unit.begin() + static_cast<std::ptrdiff_t>(std::min(unit.size(), total - out.size())));
  return out;
}

inline void append(Bytes& to, const Bytes& from) {
  // Element-wise: GCC 12 at -O3 warns falsely (-Wstringop-overflow) on a
  // range insert into a small vector.
  to.reserve(to.size() + from.size());
  for (uint8_t b : from) to.push_back(b);
}

// FNV-1a, 64-bit: the hash of golden vectors.
inline uint64_t fnv1a64(const uint8_t* p, size_t n) {
  uint64_t h = 0xCBF29CE484222325ull;
  for (size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 0x100000001B3ull;
  }
  return h;
}
inline uint64_t fnv1a64(const Bytes& b) { return fnv1a64(b.data(), b.size()); }
inline std::string hex64(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016" PRIx64, v);
  return buf;
}

// CRC-32 (IEEE, reflected), bitwise: independent of the library's table.
inline uint32_t crc32_ref(const uint8_t* p, size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; ++i) {
    c ^= p[i];
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
  }
  return ~c;
}
inline uint32_t crc32_ref(const Bytes& b) { return crc32_ref(b.data(), b.size()); }

// ---------------------------------------------------------------- texts

inline constexpr std::string_view kEnglish =
    "Compression is prediction in disguise. A model reads the data seen so far and guesses "
    "what comes next; an arithmetic coder then spends about minus log two of the probability "
    "on the symbol that actually arrives. The better the guess, the fewer the bits. Because "
    "the decoder runs the very same model on the very same history, it can rebuild every "
    "prediction and undo the coding, one bit at a time. Nothing may differ between the two "
    "sides: not a rounding, not a table, not the order in which numbers are added. That is "
    "why the coding path uses integers only, and why the tests keep golden vectors.\n";

inline constexpr std::u8string_view kChinese =
    u8"数据压缩的本质是预测。模型读取已经出现的内容，估计下一个字节的概率；"
    u8"算术编码器再根据这个概率为实际出现的符号分配比特。预测越准确，所需的比特越少。"
    u8"解码器运行完全相同的模型，处理完全相同的历史，因此能够逐位重建每一次预测并还原数据。"
    u8"两端不能有任何差异：不能有不同的舍入，不能有不同的查找表，也不能有不同的求和顺序。"
    u8"红楼梦、论语和现代技术文档都可以用来检验压缩器对中文文本的处理能力。\n";

// Pseudo-English: words from a small vocabulary, with punctuation and line
// breaks; compresses like text but is not a verbatim repeat.
inline Bytes pseudo_text(size_t n, uint64_t seed) {
  static constexpr const char* kWords[] = {
      "the",     "of",      "and",      "a",       "to",      "in",     "is",       "model",
      "coder",   "bit",     "byte",     "stream",  "block",   "probability", "context", "mixer",
      "which",   "that",    "it",       "for",     "with",    "every",  "decoder",  "encoder",
      "table",   "history", "predicts", "learns",  "quickly", "slowly", "never",    "always",
      "data",    "file",    "compress", "output",  "input",   "length", "checksum", "header",
      "when",    "then",    "from",     "into",    "each",    "one",    "two",      "three",
      "language", "word",   "letter",   "sentence", "page",   "book",   "river",    "mountain"};
  constexpr uint32_t kCount = sizeof kWords / sizeof kWords[0];
  SplitMix64 rng(seed);
  std::string s;
  s.reserve(n + 32);
  bool capital = true;
  while (s.size() < n) {
    std::string w = kWords[rng.below(kCount)];
    if (capital) w[0] = static_cast<char>(w[0] - 'a' + 'A');
    capital = false;
    s += w;
    uint32_t r = rng.below(100);
    if (r < 8) {
      s += ". ";
      capital = true;
    } else if (r < 11) {
      s += ", ";
    } else if (r < 13) {
      s += ".\n";
      capital = true;
    } else {
      s += ' ';
    }
  }
  s.resize(n);
  return to_bytes(s);
}

// ---------------------------------------------------------------- files

inline std::filesystem::path source_dir() { return std::filesystem::path(LMZIP_SOURCE_DIR); }
inline std::filesystem::path corpus_dir() { return source_dir() / ".." / "shared" / "corpus"; }
inline std::filesystem::path golden_dir() { return source_dir() / "tests" / "golden"; }

inline bool read_file(const std::filesystem::path& p, Bytes& out) {
  std::ifstream f(p, std::ios::binary);
  if (!f) return false;
  out.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  return !f.bad();
}

inline bool write_file(const std::filesystem::path& p, const Bytes& data) {
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
  return static_cast<bool>(f);
}

// ---------------------------------------------------------------- format

inline size_t varint_size(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

inline void put_varint(Bytes& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<uint8_t>(v));
}

inline void put_le(Bytes& out, uint64_t v, size_t n) {
  for (size_t i = 0; i < n; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

// Worst case of a stream for `n` input bytes: header, one block header per
// started block (a coded block is only used when smaller than stored),
// trailer.
// Header: 6 bytes, plus the 4-byte model id at levels with a neural model.
inline size_t header_size(int level) { return lmzip::level_uses_model(level) ? 10 : 6; }

inline size_t max_frame_size(size_t n, int level) {
  size_t blocks = n == 0 ? 1 : (n + kBlock - 1) / kBlock;
  return header_size(level) + 3 * blocks + n + varint_size(n) + 4;
}
// The same for a file of frames of `frame_size` and its seek table, when
// the input needs more than one.
inline size_t max_compressed_size(size_t n, int level, size_t frame_size = static_cast<size_t>(lmzip::kDefaultFrameSize)) {
  if (frame_size == 0 || n <= frame_size) return max_frame_size(n, level);
  size_t total = 0, frames = 0;
  for (size_t start = 0; start < n; start += frame_size, ++frames)
    total += max_frame_size(std::min(frame_size, n - start), level);
  return total + 16 + 8 * frames;
}

// The table size code of a single frame of `size` bytes (docs/FORMAT.md):
// ceil(log2 size) - 9, at least 4 (tables for 8 KiB), where that gives
// smaller tables than the level's full ones; else 0.
inline int table_code(int level, uint64_t size) {
  if (size == lmzip::kUnknownSize || lmzip::memory_for_input(level, size) == lmzip::memory_for_level(level))
    return 0;
  int log = 13;
  while ((uint64_t{1} << log) < size) ++log;
  return log - 9;
}

// Hand-built pieces of a stream of the current format. The header of `level`
// as the library writes it for a single frame of `size` bytes (with the
// default model's id where the level needs a model); without a size, a
// header with the level's full tables.
inline Bytes stream_header(int level, uint64_t size = lmzip::kUnknownSize) {
  Bytes h{'L', 'M', 'Z', static_cast<uint8_t>(lmzip::kFormatVersion), static_cast<uint8_t>(level),
          static_cast<uint8_t>(table_code(level, size) << 2)};
  if (lmzip::level_uses_model(level)) {
    h[5] |= 1;
    uint32_t id = lmzip::default_model(level) ? lmzip::default_model(level)->id() : 0;
    for (int i = 0; i < 4; ++i) h.push_back(static_cast<uint8_t>(id >> (8 * i)));
  }
  return h;
}
inline void put_block_header(Bytes& out, bool last, uint32_t type, uint32_t raw_length) {
  put_le(out, (uint64_t{raw_length} << 3) | (uint64_t{type} << 1) | (last ? 1u : 0u), 3);
}
inline void put_stored_block(Bytes& out, bool last, const Bytes& raw) {
  put_block_header(out, last, 0, static_cast<uint32_t>(raw.size()));
  append(out, raw);
}
inline void put_trailer(Bytes& out, uint64_t length, uint32_t crc) {
  put_varint(out, length);
  put_le(out, crc, 4);
}
// A complete stream made of stored blocks only, with the header the library
// writes for their total size.
inline Bytes stored_stream(int level, const std::vector<Bytes>& blocks) {
  Bytes all;
  for (const Bytes& b : blocks) append(all, b);
  Bytes s = stream_header(level, all.size());
  for (size_t i = 0; i < blocks.size(); ++i) {
    put_stored_block(s, i + 1 == blocks.size(), blocks[i]);
  }
  put_trailer(s, all.size(), crc32_ref(all));
  return s;
}

struct BlockInfo {
  uint32_t type = 0;  // 0 stored, 1 coded
  uint32_t raw_length = 0;
  uint32_t payload_length = 0;  // coded: payload bytes; stored: raw_length
  bool last = false;
};

// Walks one frame at s[pos..] written by the library for `original` (the
// bytes it holds) with an independent reading of the format, checking every
// structural rule; appends its blocks and moves pos past its trailer.
inline void check_frame(const Bytes& s, size_t& pos, const Bytes& original, int level, bool framed,
                        std::vector<BlockInfo>& blocks) {
  Bytes header = stream_header(level, original.size());
  if (framed) header[5] |= 2;
  REQUIRE(s.size() >= pos + header.size());
  CHECK(Bytes(s.begin() + static_cast<std::ptrdiff_t>(pos),
              s.begin() + static_cast<std::ptrdiff_t>(pos + header.size())) == header);
  pos += header.size();
  uint64_t total = 0;
  for (;;) {
    REQUIRE(pos + 3 <= s.size());
    uint32_t h = static_cast<uint32_t>(s[pos] | (s[pos + 1] << 8) | (s[pos + 2] << 16));
    pos += 3;
    BlockInfo b;
    b.last = (h & 1) != 0;
    b.type = (h >> 1) & 3;
    b.raw_length = h >> 3;
    REQUIRE(b.type <= 1);
    REQUIRE(b.raw_length <= kBlock);
    if (!b.last) CHECK(b.raw_length == kBlock);  // the encoder fills blocks
    if (b.type == 1) {
      REQUIRE(pos + 3 <= s.size());
      b.payload_length = static_cast<uint32_t>(s[pos] | (s[pos + 1] << 8) | (s[pos + 2] << 16));
      pos += 3;
      // coded only when it beats stored
      CHECK(b.payload_length + 3 < b.raw_length);
    } else {
      b.payload_length = b.raw_length;
      REQUIRE(total + b.raw_length <= original.size());
      REQUIRE(pos + b.raw_length <= s.size());
      CHECK(std::equal(s.begin() + static_cast<std::ptrdiff_t>(pos),
                       s.begin() + static_cast<std::ptrdiff_t>(pos + b.raw_length),
                       original.begin() + static_cast<std::ptrdiff_t>(total)));
    }
    REQUIRE(pos + b.payload_length <= s.size());
    pos += b.payload_length;
    total += b.raw_length;
    blocks.push_back(b);
    if (b.last) break;
  }
  CHECK(total == original.size());
  uint64_t length = 0;
  int shift = 0;
  for (;;) {
    REQUIRE(pos < s.size());
    REQUIRE(shift <= 63);
    uint8_t c = s[pos++];
    length |= uint64_t{c & 0x7Fu} << shift;
    shift += 7;
    if (!(c & 0x80)) break;
  }
  CHECK(length == original.size());
  REQUIRE(pos + 4 <= s.size());
  uint32_t crc = static_cast<uint32_t>(s[pos] | (s[pos + 1] << 8) | (s[pos + 2] << 16) |
                                       (uint32_t{s[pos + 3]} << 24));
  pos += 4;
  CHECK(crc == crc32_ref(original));
}

// The whole file the one-shot compress() writes for `original`: one frame
// up to `frame_size` bytes, else frames of frame_size (the last shorter)
// and the seek table. Returns the blocks found.
inline std::vector<BlockInfo> check_container(const Bytes& s, const Bytes& original, int level,
                                              uint64_t frame_size = lmzip::kDefaultFrameSize) {
  std::vector<BlockInfo> blocks;
  size_t pos = 0;
  if (frame_size == 0 || original.size() <= frame_size) {
    check_frame(s, pos, original, level, false, blocks);
    CHECK(pos == s.size());
    return blocks;
  }
  Bytes table{'L', 'M', 'S', 1};
  uint32_t frames = 0;
  for (size_t start = 0; start < original.size(); start += static_cast<size_t>(frame_size), ++frames) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(frame_size, original.size() - start));
    Bytes part(original.begin() + static_cast<std::ptrdiff_t>(start),
               original.begin() + static_cast<std::ptrdiff_t>(start + n));
    size_t frame_start = pos;
    check_frame(s, pos, part, level, true, blocks);
    put_le(table, pos - frame_start, 4);
    put_le(table, n, 4);
  }
  put_le(table, frames, 4);
  put_le(table, crc32_ref(table), 4);
  append(table, Bytes{'L', 'M', 'S', 1});
  CHECK(Bytes(s.begin() + static_cast<std::ptrdiff_t>(pos), s.end()) == table);
  return blocks;
}

// ---------------------------------------------------------------- helpers

// Error name as a std::string: doctest prints a plain const char* as a
// pointer in messages.
inline std::string err(lmzip::Error e) { return lmzip::error_name(e); }

// "" when equal, else where they first differ.
inline std::string describe_mismatch(const Bytes& got, const Bytes& want) {
  if (got == want) return "";
  size_t i = 0;
  while (i < got.size() && i < want.size() && got[i] == want[i]) ++i;
  return "size " + std::to_string(got.size()) + " vs expected " + std::to_string(want.size()) +
         ", first difference at offset " + std::to_string(i);
}

inline Bytes compress_ok(const Bytes& in, int level) {
  Bytes out;
  lmzip::Error e = lmzip::compress(in.data(), in.size(), out, level);
  REQUIRE_MESSAGE(e == lmzip::Error::ok, "compress: " << err(e));
  return out;
}

inline Bytes decompress_ok(const Bytes& in) {
  Bytes out;
  lmzip::Error e = lmzip::decompress(in.data(), in.size(), out);
  REQUIRE_MESSAGE(e == lmzip::Error::ok, "decompress: " << err(e));
  return out;
}

// compress + container check + size bound + decompress + compare; returns
// the compressed stream.
inline Bytes check_roundtrip(const Bytes& in, int level, const std::string& what) {
  INFO("round trip of " << what << " (" << in.size() << " bytes) at level " << level);
  Bytes c = compress_ok(in, level);
  CHECK(c.size() <= max_compressed_size(in.size(), level));
  check_container(c, in, level);
  Bytes d = decompress_ok(c);
  std::string diff = describe_mismatch(d, in);
  CHECK_MESSAGE(diff.empty(), diff);
  return c;
}

inline double bits_per_byte(size_t compressed, size_t original) {
  return original == 0 ? 0.0 : 8.0 * static_cast<double>(compressed) / static_cast<double>(original);
}

// CHECK/REQUIRE for hot loops: doctest's macros only run on failure.
#define LMZT_CHECK(cond)  \
  do {                    \
    if (!(cond)) CHECK(cond); \
  } while (0)
#define LMZT_REQUIRE(cond)  \
  do {                      \
    if (!(cond)) REQUIRE(cond); \
  } while (0)

// ---------------------------------------------------------------- streaming drivers

// How the streaming drivers cut input and output: chunk lengths are drawn
// from 0..max (0 with probability zero_percent %, small values often).
struct Chunking {
  size_t max_in;
  size_t max_out;
  uint32_t zero_percent;
};

inline size_t pick_length(SplitMix64& rng, size_t max, uint32_t zero_percent) {
  if (max == 0 || rng.below(100) < zero_percent) return 0;
  uint32_t m = static_cast<uint32_t>(std::min<size_t>(max, UINT32_MAX));
  switch (rng.below(4)) {
    case 0: return 1;
    case 1: return 1 + rng.below(std::min<uint32_t>(m, 16));
    default: return 1 + rng.below(m);
  }
}

// The options of a streaming encoder that writes what the one-shot
// compress() does for `size` bytes.
inline lmzip::EncoderOptions sized(int level, uint64_t size) {
  lmzip::EncoderOptions o;
  o.level = level;
  o.size_hint = size;
  return o;
}

// Drives an Encoder with random chunks and checks the Status contract on
// every call; returns the stream.
inline Bytes stream_compress(const Bytes& in, int level, uint64_t seed, Chunking ch) {
  SplitMix64 rng(seed);
  lmzip::Encoder enc(sized(level, in.size()));
  Bytes out, buf(std::max<size_t>(ch.max_out, 1));
  size_t fed = 0, calls = 0;
  bool finish = false;  // once given, it stays: no input follows
  for (;;) {
    ++calls;
    REQUIRE_MESSAGE(calls < 1000 + 50 * (fed + out.size()), "encoder makes no progress");
    size_t in_n = std::min(pick_length(rng, ch.max_in, ch.zero_percent), in.size() - fed);
    if (finish) in_n = in.size() - fed;  // `in` holds all the rest
    size_t out_n = pick_length(rng, ch.max_out, ch.zero_percent);
    finish = finish || (fed + in_n == in.size() && rng.below(3) != 0);
    lmzip::InBuffer ib{in_n ? in.data() + fed : nullptr, in_n, 0};
    lmzip::OutBuffer ob{out_n ? buf.data() : nullptr, out_n, 0};
    lmzip::Status st = enc.compress(ib, ob, finish);
    REQUIRE_MESSAGE(st != lmzip::Status::error, err(enc.error()));
    LMZT_REQUIRE(ib.pos <= ib.size);
    LMZT_REQUIRE(ob.pos <= ob.size);
    out.insert(out.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(ob.pos));
    fed += ib.pos;
    if (st == lmzip::Status::needs_input) {
      LMZT_CHECK(ib.pos == ib.size);
      LMZT_CHECK(!finish);
    } else if (st == lmzip::Status::needs_output) {
      LMZT_CHECK(ob.pos == ob.size);
    } else {
      REQUIRE(st == lmzip::Status::done);
      CHECK(finish);
      CHECK(fed == in.size());
      break;
    }
    if (in_n > 0 && out_n > 0) LMZT_CHECK(ib.pos + ob.pos > 0);
  }
  CHECK(enc.error() == lmzip::Error::ok);
  CHECK(enc.bytes_in() == in.size());
  CHECK(enc.bytes_out() == out.size());
  // Once done, it stays done and writes nothing more.
  for (int i = 0; i < 3; ++i) {
    lmzip::InBuffer ib{};
    lmzip::OutBuffer ob{buf.data(), buf.size(), 0};
    CHECK(enc.compress(ib, ob, i != 1) == lmzip::Status::done);
    CHECK(ob.pos == 0);
  }
  return out;
}

struct DecodeResult {
  lmzip::Status status = lmzip::Status::needs_input;  // done or error
  lmzip::Error error = lmzip::Error::ok;
  Bytes out;
  size_t consumed = 0;  // input bytes taken by the decoder
};

// Drives a Decoder with random chunks over data[0..size) (end_of_input is
// only ever given with the final chunk) and checks the Status contract on
// every call; stops at done or error.
inline DecodeResult stream_decompress(const uint8_t* data, size_t size, uint64_t seed, Chunking ch,
                                      lmzip::DecoderOptions options = {}) {
  SplitMix64 rng(seed);
  lmzip::Decoder dec(options);
  DecodeResult r;
  Bytes buf(std::max<size_t>(ch.max_out, 1));
  size_t calls = 0;
  for (;;) {
    ++calls;
    REQUIRE_MESSAGE(calls < 1000 + 50 * (r.consumed + r.out.size()), "decoder makes no progress");
    size_t in_n = std::min(pick_length(rng, ch.max_in, ch.zero_percent), size - r.consumed);
    size_t out_n = pick_length(rng, ch.max_out, ch.zero_percent);
    bool eoi = r.consumed + in_n == size && rng.below(3) != 0;
    lmzip::InBuffer ib{in_n ? data + r.consumed : nullptr, in_n, 0};
    lmzip::OutBuffer ob{out_n ? buf.data() : nullptr, out_n, 0};
    lmzip::Status st = dec.decompress(ib, ob, eoi);
    LMZT_REQUIRE(ib.pos <= ib.size);
    LMZT_REQUIRE(ob.pos <= ob.size);
    r.out.insert(r.out.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(ob.pos));
    r.consumed += ib.pos;
    if (st == lmzip::Status::error) {
      r.status = st;
      r.error = dec.error();
      CHECK(r.error != lmzip::Error::ok);
      // Errors are sticky.
      lmzip::InBuffer ib2{data, size, 0};
      lmzip::OutBuffer ob2{buf.data(), buf.size(), 0};
      CHECK(dec.decompress(ib2, ob2, true) == lmzip::Status::error);
      CHECK(dec.error() == r.error);
      break;
    }
    if (st == lmzip::Status::done) {
      r.status = st;
      CHECK(dec.error() == lmzip::Error::ok);
      CHECK(dec.bytes_in() == r.consumed);
      CHECK(dec.bytes_out() == r.out.size());
      // Once done, it stays done, consumes and writes nothing more.
      lmzip::InBuffer ib2{data, size, r.consumed};
      lmzip::OutBuffer ob2{buf.data(), buf.size(), 0};
      CHECK(dec.decompress(ib2, ob2, true) == lmzip::Status::done);
      CHECK(ib2.pos == r.consumed);
      CHECK(ob2.pos == 0);
      break;
    }
    if (st == lmzip::Status::needs_input) {
      LMZT_CHECK(ib.pos == ib.size);
      LMZT_CHECK(!eoi);  // with end_of_input an incomplete stream is an error
    } else {
      LMZT_REQUIRE(st == lmzip::Status::needs_output);
      LMZT_CHECK(ob.pos == ob.size);
    }
    if (in_n > 0 && out_n > 0) LMZT_CHECK(ib.pos + ob.pos > 0);
    LMZT_CHECK(dec.bytes_out() <= options.max_output);
  }
  return r;
}
inline DecodeResult stream_decompress(const Bytes& s, uint64_t seed, Chunking ch,
                                      lmzip::DecoderOptions options = {}) {
  return stream_decompress(s.data(), s.size(), seed, ch, options);
}

struct Stopwatch {
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
};

// Counts what the program asks of the global operator new between start and
// stop (test_main.cpp replaces it). Single-threaded use only.
struct AllocStats {
  size_t count = 0;    // allocations
  size_t total = 0;    // bytes requested, summed (an upper bound of the peak)
  size_t largest = 0;  // largest single request
};
void alloc_tracking_start();
AllocStats alloc_tracking_stop();

}  // namespace lmzt
