// Every variant in each dispatch table that this CPU supports equals the
// scalar reference bit for bit, on random operands and at the extremes of the
// bounds documented in kernels/kernels.h. Variants the CPU lacks are skipped
// and named; an emulated older CPU covers them from the other side
// (qemu-x86_64 -cpu Nehalem build/lmzip_tests -tc='kernels*').
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "kernels/inline.h"
#include "kernels/kernels.h"
#include "kernels/ref.h"
#include "tables.h"
#include "test_util.h"

namespace {

namespace k = lmzip::kernels;

int32_t bounded(lmzt::SplitMix64& rng, int32_t limit) {
  return static_cast<int32_t>(rng.next() % (2 * static_cast<uint64_t>(limit) + 1)) - limit;
}

int32_t either(lmzt::SplitMix64& rng, int32_t limit) { return rng.next() & 1 ? limit : -limit; }

// The rows to check against the reference: every supported one after it.
template <class K>
std::vector<const K*> variants_to_check(std::span<const K> table) {
  std::vector<const K*> out;
  for (const K& variant : table.subspan(1)) {
    if (variant.supported())
      out.push_back(&variant);
    else
      MESSAGE(std::string(variant.name) << ": not supported by this CPU, skipped");
  }
  return out;
}

template <class K>
void check_table(std::span<const K> table, decltype(K::fn) ref, const K& best) {
  REQUIRE(!table.empty());
  CHECK((table.front().fn == ref));
  CHECK(table.front().supported());
  CHECK(best.supported());
  const K* last = nullptr;
  std::set<std::string> names;
  for (const K& variant : table) {
    if (variant.supported()) last = &variant;
    CHECK(names.insert(variant.name).second);
  }
  CHECK(&best == last);
}

}  // namespace

TEST_CASE("kernels: tables start with the reference and pick the last supported variant") {
  check_table(k::matvec_kernels(), k::matvec_ref, k::best_matvec());
  check_table(k::row_dot_kernels(), k::row_dot_ref, k::best_row_dot());
  check_table(k::dot_kernels(), k::dot_ref, k::best_dot());
  check_table(k::train_kernels(), k::train_ref, k::best_train());
  check_table(k::gates_kernels(), k::gates_ref, k::best_gates());
  check_table(k::add_scaled_kernels(), k::add_scaled_ref, k::best_add_scaled());
  check_table(k::softmax_kernels(), k::softmax_ref, k::best_softmax());
  const std::string in_use = std::string("matvec=") + k::best_matvec().name + " gates=" + k::best_gates().name +
                             " add_scaled=" + k::best_add_scaled().name +
                             " row_dot=" + k::best_row_dot().name +
                             " softmax=" + k::best_softmax().name + " dot=" + k::best_dot().name +
                             " train=" + k::best_train().name;
  MESSAGE("kernels in use: " << in_use);
  CHECK(!k::best_names().empty());
}

TEST_CASE("kernels: the mixer's inlined dot and train are the tables' best") {
  CHECK((k::kInlineDot == k::best_dot().fn));
  CHECK((k::kInlineTrain == k::best_train().fn));
}

TEST_CASE("kernels: every matvec variant equals matvec_ref") {
  const auto variants = variants_to_check(k::matvec_kernels());
  lmzt::SplitMix64 rng(23);
  for (int rows : {4, 8, 12}) {
    for (int n : {16, 32, 48, 64, 80, 112, 128, 192, 256, 512, k::kMatvecMaxN}) {
      for (int iter = 0; iter < 40; ++iter) {
        k::WeightBytes W(static_cast<size_t>(rows) * n);
        std::vector<int16_t> h(static_cast<size_t>(n));
        // Every product at its bound with one sign: the largest |acc|.
        bool extreme = iter % 4 == 0;
        int w_sign = iter % 8 == 0 ? 1 : -1, h_sign = iter % 16 < 8 ? 1 : -1;
        for (auto& w : W)
          w = static_cast<int8_t>(extreme ? w_sign * k::kMatvecMaxWeight : bounded(rng, k::kMatvecMaxWeight));
        for (auto& x : h)
          x = static_cast<int16_t>(extreme ? h_sign * k::kMatvecMaxInput : bounded(rng, k::kMatvecMaxInput));
        std::vector<int32_t> ref(static_cast<size_t>(rows));
        k::matvec_ref(W.data(), h.data(), rows, n, ref.data());
        for (const auto* variant : variants) {
          INFO(std::string(variant->name) << " rows=" << rows << " n=" << n << " iter=" << iter);
          std::vector<int32_t> got(static_cast<size_t>(rows));
          k::WeightBytes packed;
          variant->fn(k::matvec_layout(*variant, W.data(), rows, n, packed), h.data(), rows, n, got.data());
          REQUIRE(got == ref);
        }
      }
    }
  }
}

TEST_CASE("kernels: every row_dot variant equals row_dot_ref") {
  const auto variants = variants_to_check(k::row_dot_kernels());
  lmzt::SplitMix64 rng(29);
  for (int n = 16; n <= k::kMatvecMaxN; n += 16) {
    for (int iter = 0; iter < 40; ++iter) {
      // The row at an odd address: no variant may assume alignment.
      std::vector<int8_t> row(static_cast<size_t>(n) + 1);
      std::vector<int16_t> h(static_cast<size_t>(n));
      bool extreme = iter % 4 == 0;  // every product at its bound with one sign
      int w_sign = iter % 8 == 0 ? 1 : -1, h_sign = iter % 16 < 8 ? 1 : -1;
      for (auto& w : row)
        w = static_cast<int8_t>(extreme ? w_sign * k::kMatvecMaxWeight : bounded(rng, k::kMatvecMaxWeight));
      for (auto& x : h)
        x = static_cast<int16_t>(extreme ? h_sign * k::kMatvecMaxInput : bounded(rng, k::kMatvecMaxInput));
      const int32_t ref = k::row_dot_ref(row.data() + 1, h.data(), n);
      for (const auto* variant : variants) {
        INFO(std::string(variant->name) << " n=" << n << " iter=" << iter);
        REQUIRE(variant->fn(row.data() + 1, h.data(), n) == ref);
      }
    }
  }
}

TEST_CASE("kernels: every dot variant equals dot_ref") {
  const auto variants = variants_to_check(k::dot_kernels());
  lmzt::SplitMix64 rng(7);
  for (int n = 4; n <= k::kMixerMaxInputs; n += 4) {
    for (int iter = 0; iter < 20000; ++iter) {
      alignas(16) int32_t x[k::kMixerMaxInputs], w[k::kMixerMaxInputs];
      // 0: operands at their bounds, random signs; 1: also every product of
      // one sign (the largest |sum|); otherwise anywhere within the bounds.
      int mode = iter % 4;
      int32_t x_sign = either(rng, 1), w_sign = either(rng, 1);
      for (int i = 0; i < n; ++i) {
        x[i] = mode == 0 ? either(rng, k::kMixerMaxInput)
             : mode == 1 ? x_sign * k::kMixerMaxInput : bounded(rng, k::kMixerMaxInput);
        w[i] = mode == 0 ? either(rng, k::kWeightLimit)
             : mode == 1 ? w_sign * k::kWeightLimit : bounded(rng, k::kWeightLimit);
      }
      const int32_t ref = k::dot_ref(x, w, n);
      for (const auto* variant : variants) {
        INFO(std::string(variant->name) << " n=" << n << " iter=" << iter);
        REQUIRE(variant->fn(x, w, n) == ref);
      }
    }
  }
}

TEST_CASE("kernels: every train variant equals train_ref") {
  const auto variants = variants_to_check(k::train_kernels());
  const int32_t max_err = k::kMixerMaxError * k::kMaxLearningRate;
  lmzt::SplitMix64 rng(11);
  for (int n = 4; n <= k::kMixerMaxInputs; n += 4) {
    for (int iter = 0; iter < 20000; ++iter) {
      alignas(16) int32_t x[k::kMixerMaxInputs], w_ref[k::kMixerMaxInputs];
      // Extremes: the largest |x * err|, and weights at the clamp limits.
      bool extreme = iter % 4 == 0;
      for (int i = 0; i < n; ++i) {
        x[i] = extreme ? either(rng, k::kMixerMaxInput) : bounded(rng, k::kMixerMaxInput);
        w_ref[i] = extreme ? either(rng, k::kWeightLimit) : bounded(rng, k::kWeightLimit);
      }
      int32_t err = extreme ? either(rng, max_err)
                            : bounded(rng, k::kMixerMaxError) *
                                  (1 + static_cast<int32_t>(rng.next() % k::kMaxLearningRate));
      alignas(16) int32_t w_in[k::kMixerMaxInputs];
      std::copy(w_ref, w_ref + n, w_in);
      k::train_ref(x, w_ref, n, err);
      for (const auto* variant : variants) {
        INFO(std::string(variant->name) << " n=" << n << " iter=" << iter);
        alignas(16) int32_t w[k::kMixerMaxInputs];
        std::copy(w_in, w_in + n, w);
        variant->fn(x, w, n, err);
        for (int i = 0; i < n; ++i) REQUIRE(w[i] == w_ref[i]);
      }
    }
  }
}

namespace {

// Any table within the bounds kernels.h states is valid, so random tables
// check every lookup; extreme operands check the 64-bit products and the
// clamps at both ends.
struct GruOperands {
  explicit GruOperands(int hidden) : H(hidden), acc(3 * H), mult(3 * H), g(3 * H), c(H), h(H) {
    sigmoid.resize(k::kLutSize);
    tanh.resize(k::kLutSize);
    exp.resize(k::kLutSize);
  }
  void fill(lmzt::SplitMix64& rng, bool extreme) {
    for (auto& v : sigmoid) v = static_cast<int32_t>(rng.next() % (k::kQ14 + 1));
    // r = 0 and r = 1 at the table's ends: the cases the AVX2 variant's
    // clamp of a_n + c to 32 bits relies on (x86.h).
    if (extreme && (rng.next() & 1)) sigmoid.front() = 1, sigmoid.back() = 0;
    for (auto& v : tanh) v = bounded(rng, k::kQ14);
    for (auto& v : exp) v = 1 + static_cast<uint32_t>(rng.next() % 65536);
    for (auto& v : acc)
      v = extreme ? (rng.next() & 1 ? INT32_MAX : INT32_MIN) : static_cast<int32_t>(rng.next() >> 40) - (1 << 23);
    for (auto& v : mult)
      v = extreme ? INT32_MAX - static_cast<int32_t>(rng.next() % 3) : static_cast<int32_t>(rng.next() % (1u << 29));
    for (auto& v : g) v = static_cast<int16_t>(extreme ? either(rng, 32767) : bounded(rng, 32767));
    for (auto& v : c) v = static_cast<int16_t>(extreme ? either(rng, 32767) : bounded(rng, 32767));
    for (auto& v : h) v = static_cast<int16_t>(extreme ? either(rng, k::kQ14) : bounded(rng, k::kQ14));
  }
  k::GruGates gates() const { return {acc.data(), mult.data(), g.data(), c.data(), sigmoid.data(), tanh.data()}; }
  int H;
  std::vector<int32_t> acc, mult, sigmoid, tanh;
  std::vector<int16_t> g, c, h;
  std::vector<uint32_t> exp;
};

}  // namespace

TEST_CASE("kernels: every gates variant equals gates_ref") {
  const auto variants = variants_to_check(k::gates_kernels());
  lmzt::SplitMix64 rng(31);
  for (int H : {16, 48, 128, 256, 512, k::kMatvecMaxN}) {
    GruOperands o(H);
    for (int iter = 0; iter < 60; ++iter) {
      o.fill(rng, iter % 4 == 0);
      std::vector<int16_t> ref = o.h;
      k::gates_ref(o.gates(), H, ref.data());
      for (int16_t v : ref) REQUIRE((v >= -k::kQ14 && v <= k::kQ14));  // the bound the update keeps
      for (const auto* variant : variants) {
        INFO(std::string(variant->name) << " H=" << H << " iter=" << iter);
        std::vector<int16_t> got = o.h;
        variant->fn(o.gates(), H, got.data());
        REQUIRE(got == ref);
      }
    }
  }
}

TEST_CASE("kernels: every add_scaled variant equals add_scaled_ref") {
  const auto variants = variants_to_check(k::add_scaled_kernels());
  lmzt::SplitMix64 rng(41);
  for (int n : {16, 48, 384, 768, 3 * k::kMatvecMaxN}) {
    GruOperands o(n);  // acc, mult and g of 3n values: extremes saturate both ends
    for (int iter = 0; iter < 60; ++iter) {
      o.fill(rng, iter % 4 == 0);
      if (iter % 4 == 1)  // the gru-ngram range: |acc| <= 32 * 127 * 127
        for (auto& v : o.acc) v = bounded(rng, 32 * 127 * 127);
      std::vector<int16_t> ref(n);
      k::add_scaled_ref(o.g.data(), o.acc.data(), o.mult.data(), n, ref.data());
      for (int16_t v : ref) REQUIRE(v >= -32767);
      for (const auto* variant : variants) {
        INFO(std::string(variant->name) << " n=" << n << " iter=" << iter);
        std::vector<int16_t> got(n);
        variant->fn(o.g.data(), o.acc.data(), o.mult.data(), n, got.data());
        REQUIRE(got == ref);
      }
    }
  }
}

TEST_CASE("kernels: every softmax variant equals softmax_ref") {
  const auto variants = variants_to_check(k::softmax_kernels());
  lmzt::SplitMix64 rng(37);
  GruOperands o(k::kSymbols);
  for (int iter = 0; iter < 400; ++iter) {
    // Extremes: logits far apart (every distance clamped) or all equal.
    o.fill(rng, iter % 4 == 0);
    if (iter % 8 == 1) std::fill(o.acc.begin(), o.acc.end(), static_cast<int32_t>(rng.next()));
    uint32_t ref[k::kSymbols + 1];
    k::softmax_ref(o.acc.data(), o.mult.data(), o.g.data(), o.exp.data(), ref);
    CHECK(ref[k::kSymbols] <= (1u << 24));
    for (const auto* variant : variants) {
      INFO(std::string(variant->name) << " iter=" << iter);
      uint32_t got[k::kSymbols + 1];
      variant->fn(o.acc.data(), o.mult.data(), o.g.data(), o.exp.data(), got);
      REQUIRE(std::equal(got, got + k::kSymbols + 1, ref));
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
