// The predictor's components, each alone on a short input: the mixer inputs
// it writes, checked against probabilities derived by hand from its rules.
// (The golden vectors check the profiles as a whole, byte for byte.)
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "components.h"
#include "levels.h"
#include "lmzip.h"
#include "nn/byte_model.h"
#include "test_util.h"

namespace {

using lmzip::BitContext;
using lmzip::MixerSelectors;

// Runs one component the way the predictor does (predictor.cpp): predict,
// then learn_bit (update, advance the context, the boundary hooks).
template <class C>
class Driver {
 public:
  explicit Driver(const lmzip::nn::ByteModel* model = nullptr, int level = lmzip::kDefaultLevel)
      : config_(*lmzip::level_config(level)), c_(config_, model) {
    c_.start_byte(ctx_);
  }

  // The inputs and selectors for the next bit.
  std::vector<int32_t> inputs() {
    selectors = {};
    c_.predict(ctx_, x_, selectors);
    return std::vector<int32_t>(x_, x_ + C::kInputs);
  }
  void learn(int bit) {
    c_.predict(ctx_, x_, selectors);  // as the predictor: predict, then learn
    lmzip::learn_bit(c_, ctx_, bit);
  }
  void feed(const std::string& text) {
    for (unsigned char byte : text)
      for (int k = 7; k >= 0; --k) learn((byte >> k) & 1);
  }
  // The first input at each bit of `byte` while it is fed.
  std::vector<int32_t> first_inputs_along(unsigned char byte) {
    std::vector<int32_t> seen;
    for (int k = 7; k >= 0; --k) {
      seen.push_back(inputs()[0]);
      learn((byte >> k) & 1);
    }
    return seen;
  }
  const BitContext& context() const { return ctx_; }
  MixerSelectors selectors;

 private:
  lmzip::LevelConfig config_;
  C c_;
  BitContext ctx_;
  int32_t x_[C::kInputs > 0 ? C::kInputs : 1] = {};
};

int bit_of(unsigned char byte, int i) { return (byte >> (7 - i)) & 1; }  // i-th bit from the top

// Every input of the walk along `byte` points to its actual bit with at least
// `margin` (stretch units: 256 = odds of e:1).
void check_predicts(const std::vector<int32_t>& inputs, unsigned char byte, int margin) {
  for (int i = 0; i < 8; ++i) {
    INFO("bit " << i << " of " << int(byte) << ": input " << inputs[i]);
    CHECK((bit_of(byte, i) ? inputs[i] : -inputs[i]) >= margin);
  }
}

}  // namespace

TEST_CASE("predictor: profiles declare their mixer inputs") {
  CHECK(lmzip::HashedContexts<lmzip::HashedContext::order2, lmzip::HashedContext::word>::kInputs == 2);
  CHECK(lmzip::Match<true>::kInputs == 2);
  CHECK(lmzip::Match<false>::kInputs == 1);
  // The neural model's inputs together start at weight 1 (1 << 14).
  CHECK(lmzip::NeuralModel<false>::kInputs * lmzip::NeuralModel<false>::kInitialWeight == (1 << 14));
  CHECK(lmzip::NeuralModel<true>::kInputs * lmzip::NeuralModel<true>::kInitialWeight == (1 << 14));
  CHECK(lmzip::Bias::kInitialWeight == 0);
}

TEST_CASE("predictor: bias is a constant input") {
  Driver<lmzip::Bias> d;
  CHECK(d.inputs() == std::vector<int32_t>{256});
  d.feed("anything at all");
  CHECK(d.inputs() == std::vector<int32_t>{256});
}

TEST_CASE("predictor: order 0 learns at rate 2/(2n+3)") {
  // From p = 1/2, n observations of 0 at rate 2/(2k+3) after k leave
  // p = 1/2 * prod (2k+1)/(2k+3) = 1/(4n+2): 1/6 after one, 1/10 after two.
  Driver<lmzip::Order0> d;
  CHECK(d.inputs()[0] == lmzip::stretch(2048));
  d.feed("a");  // 0x61: its first bit is 0
  CHECK(d.inputs()[0] == lmzip::stretch(682));  // floor(4096 / 6)
  d.feed("a");
  CHECK(d.inputs()[0] == lmzip::stretch(409));  // floor(4096 / 10), the floors compounding to it
  for (int n = 3; n <= 40; ++n) {
    d.feed("a");
    int p = lmzip::squash(d.inputs()[0]);
    INFO("after " << n << " bytes: p " << p);
    CHECK(std::abs(p - 4096 / (4 * n + 2)) <= 3);
  }
  // After a's first bit (0) the second context has seen only 1s.
  d.learn(0);
  CHECK(d.inputs()[0] > 0);
}

TEST_CASE("predictor: order 1 predicts from the previous byte") {
  Driver<lmzip::Order1> d;
  CHECK(d.inputs()[0] == lmzip::stretch(2048));  // state 0: no history, p = 1/2
  for (int i = 0; i < 30; ++i) d.feed("ab");
  // After 'b' comes 'a', after 'a' comes 'b': both are certain by now.
  REQUIRE((d.context().history.c4 & 255) == 'b');
  check_predicts(d.first_inputs_along('a'), 'a', 512);
  check_predicts(d.first_inputs_along('b'), 'b', 512);
}

TEST_CASE("predictor: hashed contexts predict from their context, each its own") {
  using lmzip::HashedContext;
  Driver<lmzip::HashedContexts<HashedContext::order2, HashedContext::order3>> d;
  std::vector<int32_t> fresh = d.inputs();
  CHECK(fresh == std::vector<int32_t>{lmzip::stretch(2048), lmzip::stretch(2048)});
  // "xab" and "yac" share the order-1 context 'a' but not the order-2 one.
  for (int i = 0; i < 40; ++i) d.feed("xab.yac.");
  d.feed("xa");
  std::vector<int32_t> both = d.inputs();
  check_predicts(d.first_inputs_along('b'), 'b', 256);
  CHECK(both[1] < -256);  // 'b' = 0x62 starts with a 0 bit, in the order-3 context too
}

TEST_CASE("predictor: the match model follows a repeat, with its length as a second input") {
  Driver<lmzip::Match<true>> d;
  const std::string s = "The quick brown fox jumps over the lazy dog; pack my box with five dozen jugs.";
  d.feed(s);
  // Nothing repeated yet: no match input, no selector.
  CHECK(d.inputs() == std::vector<int32_t>{0, 0});
  CHECK(d.selectors.match_bucket == 0);
  int last_length = 0, matched_bytes = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char byte = static_cast<unsigned char>(s[i]);
    for (int k = 0; k < 8; ++k) {
      std::vector<int32_t> x = d.inputs();
      int bucket = d.selectors.match_bucket;
      if (bucket > 0) {
        int bit = bit_of(byte, k);
        // The strength input is the length (capped at 32) x 32, signed by
        // the expected bit, which is the actual bit of the repeat.
        int length = std::abs(x[1]) / 32;
        CHECK(x[1] == (bit ? 1 : -1) * length * 32);
        CHECK(std::abs(x[1]) % 32 == 0);
        if (length < 16) CHECK(bucket == length);
        CHECK((bit ? x[0] : -x[0]) >= 0);
        if (k == 0) {
          if (last_length > 0 && last_length < 32) CHECK(length == last_length + 1);
          last_length = length;
          ++matched_bytes;
        }
      }
      d.learn(bit_of(byte, k));
    }
  }
  // A match needs 7 agreeing bytes, found one byte late: the rest of the
  // second copy is predicted.
  CHECK(matched_bytes >= static_cast<int>(s.size()) - 9);
}

TEST_CASE("predictor: the neural model's inputs are its bit probability, stretched, as is and refined") {
  auto model = lmzip::default_model(lmzip::kDefaultLevel);
  REQUIRE_MESSAGE(model, "this build has no default model");
  Driver<lmzip::NeuralModel<true>> d(&model->byte_model());
  auto reference = model->byte_model().new_state();
  // The second input: an APM keyed by the bits so far and the two bytes before.
  lmzip::APM refine(256 * 256);
  lmzip::History history;
  int refined_differs = 0;
  const std::string text = "It was the best of times, it was the worst of times.";
  for (unsigned char byte : text) {
    uint32_t c0 = 1;
    for (int k = 0; k < 8; ++k) {
      int p = reference->p_bit(c0, k);
      int32_t x = d.inputs()[0];
      CHECK(x == lmzip::stretch(p));
      CHECK(d.inputs()[1] == lmzip::stretch(refine.refine(p, (lmzip::order2_bucket(history) << 8) | c0)));
      refined_differs += d.inputs()[1] != x;
      CHECK(d.selectors.model_confidence == std::min(3, std::abs(x) >> 8));
      CHECK(d.selectors.model_stretch == x);
      int bit = bit_of(byte, k);
      d.learn(bit);
      refine.update(bit, 7);
      c0 = (c0 << 1) | static_cast<uint32_t>(bit);
    }
    reference->step(byte);
    history = history.after(byte);
  }
  CHECK(refined_differs > 0);
  // It knows English: most bits of the last words are predicted right.
  int right = 0, total = 0;
  for (unsigned char byte : std::string(" it was the age of wisdom")) {
    for (int k = 0; k < 8; ++k) {
      right += (d.inputs()[0] > 0) == (bit_of(byte, k) == 1);
      ++total;
      d.learn(bit_of(byte, k));
    }
  }
  CHECK(right * 10 >= total * 7);
  // A neural profile without a model is refused, not run on a null pointer.
  CHECK_THROWS_AS(lmzip::NeuralModel<false>(*lmzip::level_config(lmzip::kDefaultLevel), nullptr),
                  std::invalid_argument);
}

TEST_CASE("predictor: the level table") {
  for (int level = lmzip::kMinLevel; level <= lmzip::kMaxLevel; ++level) {
    const lmzip::LevelInfo* info = lmzip::level_info(level);
    REQUIRE(info);
    CHECK(info->level == level);
    CHECK(info->memory == lmzip::memory_for_level(level));
    CHECK(lmzip::level_uses_model(level) == (info->model != lmzip::ModelSlot::none));
    const std::string profile = info->profile;
    CHECK((profile == "neural" || profile == "max") == lmzip::level_uses_model(level));
    CHECK(std::string(info->summary).size() > 0);
    CHECK((lmzip::default_model(level) != nullptr) == lmzip::level_uses_model(level));
  }
  CHECK(lmzip::level_info(lmzip::kMinLevel - 1) == nullptr);
  CHECK(lmzip::level_info(lmzip::kMaxLevel + 1) == nullptr);
  CHECK(std::string(lmzip::model_slot_name(lmzip::ModelSlot::standard)) == "standard");
  CHECK(std::string(lmzip::model_slot_file(lmzip::ModelSlot::large)) == "large.lmzm");
}

TEST_CASE("predictor: lmzip 0.1's standard model is kept for decoding, and no level writes with it") {
  for (int level = lmzip::kMinLevel; level <= lmzip::kMaxLevel; ++level)
    CHECK(lmzip::level_info(level)->model != lmzip::ModelSlot::standard_0_1);
  CHECK(std::string(lmzip::model_slot_file(lmzip::ModelSlot::standard_0_1)) == "default-0.1.lmzm");
  auto kept = lmzip::find_default_model(0x55c460db);
  REQUIRE(kept);
  CHECK(kept->description() == "gru, hidden 256");
  CHECK(lmzip::find_default_model(0x12345678) == nullptr);
}
