// Every SIMD kernel equals its scalar reference bit for bit, including at the
// extremes of the documented input bounds (mixer_kernels.h).
#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>

#include "mixer_kernels.h"
#include "tables.h"
#include "test_util.h"

namespace {

using lmzip::kernels::kWeightLimit;

int32_t bounded(lmzt::SplitMix64& rng, int32_t limit) {
  return static_cast<int32_t>(rng.next() % (2 * static_cast<uint64_t>(limit) + 1)) - limit;
}

}  // namespace

TEST_CASE("kernels: compiled kernel set is named") {
  MESSAGE("mixer kernels: " << LMZIP_KERNELS);
  CHECK(std::strlen(LMZIP_KERNELS) > 0);
}

TEST_CASE("kernels: dot_simd equals dot_ref") {
  lmzt::SplitMix64 rng(7);
  for (int n : {4, 8, 12, 16}) {
    for (int iter = 0; iter < 20000; ++iter) {
      alignas(16) int32_t x[16], w[16];
      bool extreme = iter % 4 == 0;
      for (int i = 0; i < n; ++i) {
        x[i] = extreme ? (rng.next() & 1 ? 2047 : -2047) : bounded(rng, 2047);
        w[i] = extreme ? (rng.next() & 1 ? kWeightLimit : -kWeightLimit) : bounded(rng, kWeightLimit);
      }
      REQUIRE(lmzip::kernels::dot_simd(x, w, n) == lmzip::kernels::dot_ref(x, w, n));
    }
  }
}

TEST_CASE("kernels: train_simd equals train_ref") {
  lmzt::SplitMix64 rng(11);
  for (int n : {4, 8, 12, 16}) {
    for (int iter = 0; iter < 20000; ++iter) {
      alignas(16) int32_t x[16], w_ref[16], w_simd[16];
      bool extreme = iter % 4 == 0;
      for (int i = 0; i < n; ++i) {
        x[i] = extreme ? (rng.next() & 1 ? 2047 : -2047) : bounded(rng, 2047);
        w_ref[i] = w_simd[i] = bounded(rng, kWeightLimit);
      }
      int32_t err = bounded(rng, 4095) * (1 + static_cast<int32_t>(rng.next() % lmzip::kernels::kMaxLearningRate));
      if (extreme) err = (rng.next() & 1 ? 4095 : -4095) * lmzip::kernels::kMaxLearningRate;
      lmzip::kernels::train_ref(x, w_ref, n, err);
      lmzip::kernels::train_simd(x, w_simd, n, err);
      for (int i = 0; i < n; ++i) REQUIRE(w_simd[i] == w_ref[i]);
    }
  }
}

TEST_CASE("tables: squash and stretch are monotone inverses") {
  for (int p = 1; p < lmzip::kProbOne; ++p) {
    REQUIRE(lmzip::stretch(p) >= lmzip::stretch(p - 1));
    int back = lmzip::squash(lmzip::stretch(p));
    REQUIRE(back >= p);
  }
  for (int d = -lmzip::kStretchMax; d < lmzip::kStretchMax; ++d)
    REQUIRE(lmzip::squash(d) <= lmzip::squash(d + 1));
  CHECK(lmzip::squash(0) == 2048);
}

TEST_CASE("tables: bit-history states stay in range and count up") {
  const lmzip::Tables& t = lmzip::tables();
  CHECK(t.num_states > 100);
  CHECK(t.num_states <= 256);
  CHECK(t.state_n0[0] == 0);
  CHECK(t.state_n1[0] == 0);
  for (int s = 0; s < t.num_states; ++s) {
    for (int bit = 0; bit < 2; ++bit) {
      int next = t.next_state[s][bit];
      REQUIRE(next < t.num_states);
      int before = bit ? t.state_n1[s] : t.state_n0[s];
      int after = bit ? t.state_n1[next] : t.state_n0[next];
      // The count of the observed bit never drops, except at its bound.
      REQUIRE((after > before || after >= 5));
    }
  }
}
