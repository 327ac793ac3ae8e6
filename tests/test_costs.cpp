// Encoder::record_costs: what each input byte cost, for visualisations.
#include <doctest/doctest.h>

#include <numeric>

#include "tables.h"
#include "test_util.h"

using namespace lmzt;

namespace {

Bytes compress_with_costs(const Bytes& in, int level, std::vector<uint16_t>& costs) {
  lmzip::Encoder enc(level);
  enc.record_costs();
  Bytes out(in.size() + 1024);
  lmzip::InBuffer ib{in.data(), in.size(), 0};
  lmzip::OutBuffer ob{out.data(), out.size(), 0};
  REQUIRE(enc.compress(ib, ob, true) == lmzip::Status::done);
  out.resize(ob.pos);
  enc.take_costs(costs);
  return out;
}

}  // namespace

TEST_CASE("costs: the table is -log2(p/4096) in 1/256 bits") {
  const uint16_t* cost = lmzip::tables().cost;
  CHECK(cost[2048] == 256);       // p = 1/2: one bit
  CHECK(cost[1024] == 512);       // 1/4: two bits
  CHECK(cost[1] == 12 * 256);     // 1/4096: twelve bits
  CHECK(cost[4095] <= 1);         // nearly certain: nearly free
  CHECK(cost[3072] == 106);       // log2(4/3) * 256 = 106.25
  for (int p = 2; p < lmzip::kProbOne; ++p) CHECK(cost[p] <= cost[p - 1]);
}

TEST_CASE("costs: per byte, summing to the coded size") {
  const Bytes text = pseudo_text(200000, 3);
  for (int level : {1, lmzip::kDefaultLevel}) {
    INFO("level " << level);
    std::vector<uint16_t> costs;
    Bytes c = compress_with_costs(text, level, costs);
    REQUIRE(costs.size() == text.size());
    double bits = std::accumulate(costs.begin(), costs.end(), 0.0) / 256.0;
    // The carry-less 32-bit coder writes within 1 % of the ideal code length
    // (measured: 0.1-0.3 %); the container adds header, block headers and
    // trailer.
    double coded_bits = 8.0 * static_cast<double>(c.size());
    MESSAGE("level " << level << ": costs sum to " << bits / 8 << " bytes, stream " << c.size());
    CHECK(bits <= coded_bits);
    CHECK(bits >= 0.99 * coded_bits - 8.0 * 64);
    CHECK(decompress_ok(c) == text);
  }
}

TEST_CASE("costs: stored blocks cost 8 bits a byte; take_costs drains") {
  const Bytes noise = random_bytes(5000, 9);
  std::vector<uint16_t> costs;
  compress_with_costs(noise, 1, costs);
  REQUIRE(costs.size() == noise.size());
  for (uint16_t c : costs) REQUIRE(c == 8 * 256);
  // Without record_costs nothing is recorded.
  lmzip::Encoder enc(1);
  std::vector<uint16_t> none;
  enc.take_costs(none);
  CHECK(none.empty());
}
