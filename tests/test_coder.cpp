// The binary arithmetic coder (src/coder.h) and the integer tables
// (src/tables.h) on their own, without the model.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <set>

#include "coder.h"
#include "tables.h"
#include "test_util.h"

using namespace lmzt;

namespace {

struct CodedBits {
  std::vector<int> bits;
  std::vector<int> probs;  // P(bit = 1), 12-bit
};

struct CoderResult {
  Bytes bytes;
  size_t bytes_before_flush = 0;
};

CoderResult encode_bits(const CodedBits& in) {
  CoderResult r;
  Bytes& out = r.bytes;
  auto sink = [&out](uint8_t b) { out.push_back(b); };
  lmzip::ArithmeticEncoder<decltype(sink)> enc(sink);
  for (size_t i = 0; i < in.bits.size(); ++i) enc.encode(in.bits[i], in.probs[i]);
  r.bytes_before_flush = out.size();
  enc.flush();
  return r;
}

// Decodes in.bits.size() bits from `bytes` followed by `junk` extra bytes;
// returns how many bytes the decoder read.
size_t decode_and_check(const CodedBits& in, const Bytes& bytes, size_t junk = 0) {
  Bytes stream = bytes;
  for (size_t i = 0; i < junk; ++i) stream.push_back(static_cast<uint8_t>(0xA5 ^ i));
  size_t pos = 0;
  bool overrun = false;
  auto source = [&stream, &pos, &overrun]() -> uint8_t {
    if (pos < stream.size()) return stream[pos++];
    overrun = true;
    return 0;
  };
  lmzip::ArithmeticDecoder<decltype(source)> dec(source);
  dec.start();
  size_t wrong = 0, first_wrong = 0;
  for (size_t i = 0; i < in.bits.size(); ++i) {
    int bit = dec.decode(in.probs[i]);
    if (bit != in.bits[i] && wrong++ == 0) first_wrong = i;
  }
  CHECK_MESSAGE(wrong == 0, wrong << " bits decoded wrongly, first at bit " << first_wrong);
  CHECK_FALSE(overrun);
  return pos;
}

// Full check of one bit sequence: flush adds exactly 4 bytes, the decoder
// reads exactly what the encoder wrote (self-delimiting), even when more
// bytes follow.
Bytes roundtrip(const CodedBits& in) {
  CoderResult r = encode_bits(in);
  CHECK(r.bytes.size() == r.bytes_before_flush + 4);
  CHECK(decode_and_check(in, r.bytes) == r.bytes.size());
  CHECK(decode_and_check(in, r.bytes, 16) == r.bytes.size());
  return r.bytes;
}

double entropy_bits(const CodedBits& in) {
  double bits = 0;
  for (size_t i = 0; i < in.bits.size(); ++i) {
    double p1 = in.probs[i] / 4096.0;
    bits -= std::log2(in.bits[i] ? p1 : 1.0 - p1);
  }
  return bits;
}

// n bits; probability from prob(i, rng); the bit is drawn with that
// probability when `honest`, else from bit_of(i, p, rng).
CodedBits make_bits(size_t n, uint64_t seed, const std::function<int(size_t, SplitMix64&)>& prob,
                    const std::function<int(size_t, int, SplitMix64&)>& bit_of) {
  SplitMix64 rng(seed);
  CodedBits c;
  c.bits.reserve(n);
  c.probs.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    int p = prob(i, rng);
    c.probs.push_back(p);
    c.bits.push_back(bit_of(i, p, rng));
  }
  return c;
}

int honest_bit(size_t, int p, SplitMix64& rng) { return static_cast<int>(rng.below(4096)) < p ? 1 : 0; }

}  // namespace

TEST_CASE("coder: split_range keeps both halves non-empty") {
  SplitMix64 rng(11);
  for (int i = 0; i < 20000; ++i) {
    uint32_t a = static_cast<uint32_t>(rng.next()), b = static_cast<uint32_t>(rng.next());
    if (i % 4 == 0) b = a + 1 + static_cast<uint32_t>(rng.below(300));  // tiny ranges
    if (a > b) std::swap(a, b);
    if (a == b) continue;
    int p = 1 + static_cast<int>(rng.below(4095));
    if (i % 7 == 0) p = 1;
    if (i % 7 == 1) p = 4095;
    uint32_t mid = lmzip::split_range(a, b, p);
    REQUIRE(mid >= a);
    REQUIRE(mid < b);
  }
}

TEST_CASE("coder: an empty sequence is the 4 flush bytes") {
  CodedBits none;
  Bytes b = roundtrip(none);
  CHECK(b.size() == 4);
}

TEST_CASE("coder: random bits with random probabilities") {
  const size_t n = quick_mode() ? 50000 : 400000;
  CodedBits c = make_bits(
      n, 1, [](size_t, SplitMix64& r) { return 1 + static_cast<int>(r.below(4095)); }, honest_bit);
  Bytes b = roundtrip(c);
  // Near the entropy: the coder's loss is tiny (12-bit probabilities).
  double ideal = entropy_bits(c) / 8;
  MESSAGE(n << " bits: " << b.size() << " bytes, entropy " << ideal << " bytes");
  CHECK(static_cast<double>(b.size()) <= ideal * 1.01 + 8);
  CHECK(static_cast<double>(b.size()) >= ideal * 0.97);
}

TEST_CASE("coder: skewed probabilities drawn from both tails") {
  const size_t n = quick_mode() ? 50000 : 300000;
  CodedBits c = make_bits(
      n, 2,
      [](size_t, SplitMix64& r) {
        int d = static_cast<int>(r.below(64));
        return r.below(2) ? 1 + d : 4095 - d;
      },
      honest_bit);
  Bytes b = roundtrip(c);
  CHECK(static_cast<double>(b.size()) <= entropy_bits(c) / 8 * 1.05 + 8);
}

TEST_CASE("coder: extreme probabilities 1 and 4095") {
  const size_t n = quick_mode() ? 20000 : 100000;
  SUBCASE("p = 4095, every bit the likely one") {
    CodedBits c = make_bits(n, 3, [](size_t, SplitMix64&) { return 4095; },
                            [](size_t, int, SplitMix64&) { return 1; });
    Bytes b = roundtrip(c);
    CHECK(b.size() <= n / 2000 + 8);  // ~0.00035 bits each
  }
  SUBCASE("p = 1, every bit the likely one (0)") {
    CodedBits c = make_bits(n, 4, [](size_t, SplitMix64&) { return 1; },
                            [](size_t, int, SplitMix64&) { return 0; });
    Bytes b = roundtrip(c);
    CHECK(b.size() <= n / 2000 + 8);
  }
  SUBCASE("p = 1, every bit the unlikely one (1)") {
    CodedBits c = make_bits(n, 5, [](size_t, SplitMix64&) { return 1; },
                            [](size_t, int, SplitMix64&) { return 1; });
    Bytes b = roundtrip(c);
    CHECK(b.size() <= 4 * n + 4);  // the range can collapse: at most 4 bytes per bit
  }
  SUBCASE("p = 4095, every bit the unlikely one (0)") {
    CodedBits c = make_bits(n, 6, [](size_t, SplitMix64&) { return 4095; },
                            [](size_t, int, SplitMix64&) { return 0; });
    Bytes b = roundtrip(c);
    CHECK(b.size() <= 4 * n + 4);
  }
  SUBCASE("p alternates 1 / 4095, bits random") {
    CodedBits c = make_bits(
        n, 7, [](size_t i, SplitMix64&) { return i % 2 ? 1 : 4095; },
        [](size_t, int, SplitMix64& r) { return static_cast<int>(r.below(2)); });
    roundtrip(c);
  }
  SUBCASE("p in {1, 2, 4094, 4095}, adversarial bits") {
    CodedBits c = make_bits(
        n, 8,
        [](size_t, SplitMix64& r) {
          static constexpr int kP[4] = {1, 2, 4094, 4095};
          return kP[r.below(4)];
        },
        [](size_t, int p, SplitMix64& r) { return r.below(8) == 0 ? (p > 2048) : (p < 2048); });
    roundtrip(c);
  }
  SUBCASE("random extremes mixed with p = 2048") {
    CodedBits c = make_bits(
        n, 9,
        [](size_t, SplitMix64& r) {
          uint32_t k = r.below(3);
          return k == 0 ? 1 : k == 1 ? 4095 : 2048;
        },
        [](size_t, int, SplitMix64& r) { return static_cast<int>(r.below(2)); });
    roundtrip(c);
  }
}

TEST_CASE("coder: every probability 1..4095 with both bit values") {
  CodedBits c;
  for (int p = 1; p <= 4095; ++p)
    for (int bit = 0; bit < 2; ++bit) {
      c.probs.push_back(p);
      c.bits.push_back(bit);
    }
  roundtrip(c);
}

TEST_CASE("coder: segments flushed one after another decode with start() each") {
  // Blocks of a stream are coded like this: flush, then the next block
  // starts from a fresh range.
  SplitMix64 rng(12);
  std::vector<CodedBits> segments;
  for (int s = 0; s < 20; ++s) {
    size_t n = s == 3 ? 0 : rng.below(5000);
    segments.push_back(make_bits(
        n, 100 + static_cast<uint64_t>(s),
        [](size_t, SplitMix64& r) { return 1 + static_cast<int>(r.below(4095)); }, honest_bit));
  }
  Bytes out;
  std::vector<size_t> ends;
  auto sink = [&out](uint8_t b) { out.push_back(b); };
  lmzip::ArithmeticEncoder<decltype(sink)> enc(sink);
  for (const auto& seg : segments) {
    for (size_t i = 0; i < seg.bits.size(); ++i) enc.encode(seg.bits[i], seg.probs[i]);
    size_t before = out.size();
    enc.flush();
    CHECK(out.size() == before + 4);
    ends.push_back(out.size());
  }
  size_t pos = 0;
  auto source = [&out, &pos]() -> uint8_t { return pos < out.size() ? out[pos++] : 0; };
  lmzip::ArithmeticDecoder<decltype(source)> dec(source);
  for (size_t s = 0; s < segments.size(); ++s) {
    dec.start();
    size_t wrong = 0;
    for (size_t i = 0; i < segments[s].bits.size(); ++i)
      wrong += dec.decode(segments[s].probs[i]) != segments[s].bits[i];
    CHECK(wrong == 0);
    CHECK(pos == ends[s]);  // each segment consumed exactly
  }
}

// ---------------------------------------------------------------- tables

TEST_CASE("tables: squash and stretch") {
  const lmzip::Tables& t = lmzip::tables();
  CHECK(lmzip::squash(0) == 2048);
  int previous = 0;
  for (int d = -lmzip::kStretchMax; d <= lmzip::kStretchMax; ++d) {
    int p = lmzip::squash(d);
    REQUIRE(p >= 1);
    REQUIRE(p <= 4095);
    REQUIRE(p >= previous);  // monotone
    previous = p;
    // symmetric up to rounding
    CHECK(std::abs(p + lmzip::squash(-d) - 4096) <= 1);
  }
  // Clamped outside the domain.
  CHECK(lmzip::squash(100000) == lmzip::squash(lmzip::kStretchMax));
  CHECK(lmzip::squash(-100000) == lmzip::squash(-lmzip::kStretchMax));
  previous = -lmzip::kStretchMax;
  for (int p = 0; p < lmzip::kProbOne; ++p) {
    int d = lmzip::stretch(p);
    REQUIRE(d >= -lmzip::kStretchMax);
    REQUIRE(d <= lmzip::kStretchMax);
    REQUIRE(d >= previous);
    previous = d;
    CHECK(d == t.stretch[p]);
    // squash(stretch(p)) is the nearest representable probability >= p.
    if (p >= 1 && p <= 4095) {
      CHECK(lmzip::squash(d) >= p);
      if (d > -lmzip::kStretchMax) CHECK(lmzip::squash(d - 1) < p);
    }
  }
  // Roughly ln(p/(1-p)) * 256.
  for (int p : {100, 1000, 2048, 3000, 4000}) {
    double ideal = std::log(p / (4096.0 - p)) * 256;
    CHECK(std::abs(lmzip::stretch(p) - ideal) < 20);
  }
}

TEST_CASE("tables: bit-history states") {
  const lmzip::Tables& t = lmzip::tables();
  REQUIRE(t.num_states > 1);
  REQUIRE(t.num_states <= 256);
  CHECK(t.state_n0[0] == 0);
  CHECK(t.state_n1[0] == 0);
  std::set<std::pair<int, int>> seen;
  for (int s = 0; s < t.num_states; ++s) {
    CHECK(seen.insert({t.state_n0[s], t.state_n1[s]}).second);  // distinct
    for (int bit = 0; bit < 2; ++bit) {
      int next = t.next_state[s][bit];
      REQUIRE(next < t.num_states);
      // Observing a bit never lowers its own count (it grows unless at its
      // bound) and never raises the other one.
      int own_before = bit ? t.state_n1[s] : t.state_n0[s];
      int own_after = bit ? t.state_n1[next] : t.state_n0[next];
      int other_before = bit ? t.state_n0[s] : t.state_n1[s];
      int other_after = bit ? t.state_n0[next] : t.state_n1[next];
      CHECK(own_after >= own_before);
      CHECK(other_after <= other_before);
    }
  }
  CHECK(t.next_state[0][0] != 0);
  CHECK(t.next_state[0][1] != 0);
  CHECK(t.state_n0[t.next_state[0][0]] == 1);
  CHECK(t.state_n1[t.next_state[0][1]] == 1);
}

TEST_CASE("tables: CRC-32 and adaptation rates") {
  const Bytes check = to_bytes("123456789");
  CHECK(lmzip::crc32_update(0, check.data(), check.size()) == 0xCBF43926u);
  // Incremental updates equal one update over everything.
  Bytes data = random_bytes(10000, 13);
  uint32_t crc = 0;
  for (size_t i = 0; i < data.size(); i += 777)
    crc = lmzip::crc32_update(crc, data.data() + i, std::min<size_t>(777, data.size() - i));
  CHECK(crc == crc32_ref(data));
  // Every length and start offset around the eight-byte steps.
  for (size_t start = 0; start < 8; ++start)
    for (size_t n = 0; n <= 40; ++n) {
      Bytes piece(data.begin() + static_cast<long>(start), data.begin() + static_cast<long>(start + n));
      CHECK(lmzip::crc32_update(0, data.data() + start, n) == crc32_ref(piece));
    }
  CHECK(lmzip::crc32_update(0, nullptr, 0) == 0);
  const lmzip::Tables& t = lmzip::tables();
  for (int n = 0; n < 1024; ++n) {
    CHECK(t.rate[n] > 0);
    if (n > 0) CHECK(t.rate[n] <= t.rate[n - 1]);
  }
}
