// Profiles: which components feed the mixer at a level and how their inputs
// are mixed. The input counts and mixer widths are checked at compile time.
#include "predictor.h"

#include <array>

#include "components.h"

namespace lmzip {

namespace {

constexpr int round_up4(int n) { return (n + 3) & ~3; }

// Components, their mixer inputs laid out one after another in list order.
template <class... Cs>
class ComponentList : Cs... {
 public:
  static constexpr int kInputs = (Cs::kInputs + ... + 0);
  static constexpr size_t memory(const LevelConfig& c) { return (Cs::memory(c) + ... + 0); }
  // The initial mixer weight of each input, 0 for the mixer's default.
  static constexpr std::array<int32_t, kInputs> initial_weights() {
    std::array<int32_t, kInputs> w{};
    int i = 0;
    ((std::fill_n(w.begin() + i, Cs::kInputs, Cs::kInitialWeight), i += Cs::kInputs), ...);
    return w;
  }

  ComponentList(const LevelConfig& c, const nn::ByteModel* model) : Cs(c, model)... {}
  void start_byte(const BitContext& ctx) { (static_cast<Cs&>(*this).start_byte(ctx), ...); }
  void start_nibble(const BitContext& ctx) { (static_cast<Cs&>(*this).start_nibble(ctx), ...); }
  void predict(const BitContext& ctx, int32_t* x, MixerSelectors& selectors) {
    ((static_cast<Cs&>(*this).predict(ctx, x, selectors), x += Cs::kInputs), ...);
  }
  void update(const BitContext& ctx, int bit) { (static_cast<Cs&>(*this).update(ctx, bit), ...); }
  void end_byte(int byte, const BitContext& ctx) { (static_cast<Cs&>(*this).end_byte(byte, ctx), ...); }
};

template <int N, class Weights>
void apply_initial_weights(Mixer<N>& mixer, const Weights& weights) {
  for (size_t i = 0; i < weights.size(); ++i)
    if (weights[i]) mixer.set_initial_weight(static_cast<int>(i), weights[i]);
}

// The fast profile's network: one mixer, its weights chosen by the bits of
// the byte so far and whether a match predicts the bit.
template <class Components>
class SingleMixer {
 public:
  static constexpr int kWidth = round_up4(Components::kInputs);
  static constexpr size_t memory() { return 0; }  // under 64 KiB, like every mixer

  SingleMixer() { apply_initial_weights(mixer_, Components::initial_weights()); }
  int mix(const int32_t* x, const BitContext& ctx, const MixerSelectors& s) {
    mixer_.set_context(static_cast<int>(ctx.c0) + (s.match_bucket > 0 ? 256 : 0));
    return mixer_.mix(x);
  }
  void update(const int32_t* x, int bit) { mixer_.update(x, bit); }

 private:
  Mixer<kWidth> mixer_{2 * 256, 6, 1 << 13};
};

// The network of the other profiles: mixers whose weight sets are chosen by
// the bits so far, the match state and the previous byte; a final mixer over
// their outputs chosen by the bits so far and the neural model's
// confidence; then APM/SSE stages keyed by the bits so far, alone and with
// the previous byte. The wide network (the max profile's) adds two mixers
// chosen by a hash of the two bytes before and by the neural model's
// prediction, and APMs keyed by those instead of the bits alone.
template <class Components, bool kWide, bool kFormat1 = false>
class MixerNetworkOf {
 public:
  static constexpr int kWidth = round_up4(Components::kInputs);
  static constexpr int kMixers = kWide ? 5 : 3;
  static constexpr size_t memory() {
    return kWide ? 2 * APM::memory(256 * 256) + APM::memory(256 * 32) : APM::memory(256) + APM::memory(256 * 256);
  }

  MixerNetworkOf() {
    for (auto* m : {&by_bits_, &by_match_, &by_previous_byte_, &by_order2_, &by_model_})
      apply_initial_weights(*m, Components::initial_weights());
  }

  int mix(const int32_t* x, const BitContext& ctx, const MixerSelectors& s) {
    const uint32_t c1 = ctx.history.c4 & 255;
    by_bits_.set_context(static_cast<int>(ctx.c0));
    by_match_.set_context((s.match_bucket < 31 ? s.match_bucket : 31) * 8 + ctx.bit_pos);
    by_previous_byte_.set_context(static_cast<int>(c1));
    mixed_[0] = stretch(by_bits_.mix(x));
    mixed_[1] = stretch(by_match_.mix(x));
    mixed_[2] = stretch(by_previous_byte_.mix(x));
    const uint32_t model_bucket = static_cast<uint32_t>(s.model_stretch + kStretchMax + 1) >> 7;  // 0..31
    const uint32_t order2 = order2_bucket(ctx.history);
    if constexpr (kWide) {
      by_order2_.set_context(static_cast<int>(order2));
      by_model_.set_context(static_cast<int>(model_bucket * 8) + ctx.bit_pos);
      mixed_[3] = stretch(by_order2_.mix(x));
      mixed_[4] = stretch(by_model_.mix(x));
    }
    mixed_[kMixers] = 256;  // bias
    final_.set_context(static_cast<int>(ctx.c0) + 256 * s.model_confidence);
    int pr = final_.mix(mixed_);
    int pr_order1 = apm_order1_.refine(pr, ctx.c0 | (c1 << 8));
    if constexpr (kWide) {
      int pr_order2 = apm_order2_.refine(pr, ctx.c0 | (order2 << 8));
      int pr_model = apm_model_.refine(pr, ctx.c0 | (model_bucket << 8));
      pr = (2 * pr + 3 * pr_order1 + pr_order2 + 2 * pr_model + 4) >> 3;
    } else {
      int pr_order0 = apm_order0_.refine(pr, ctx.c0);
      pr = (2 * pr + pr_order0 + 5 * pr_order1 + 4) >> 3;
    }
    return std::clamp(pr, 1, kProbOne - 1);
  }

  void update(const int32_t* x, int bit) {
    by_bits_.update(x, bit);
    by_previous_byte_.update(x, bit);
    final_.update(mixed_, bit);
    by_match_.update(x, bit);
    apm_order1_.update(bit, 7);
    if constexpr (kWide) {
      by_order2_.update(x, bit);
      by_model_.update(x, bit);
      apm_order2_.update(bit, 7);
      apm_model_.update(bit, 7);
    } else {
      apm_order0_.update(bit, 7);
    }
  }

 private:
  using M = Mixer<kWidth>;
  // Format 1 learnt at a constant rate.
  static constexpr typename M::LearningRate kRate = kFormat1 ? typename M::LearningRate{4, 4, 1}
                                                             : typename M::LearningRate{16, 4, 1 << 18};
  static constexpr int kWideOnly = kWide ? 1 : 0;  // contexts of what only the wide network has
  M by_bits_{256, kRate, 1 << 12}, by_match_{32 * 8, kRate, 1 << 12}, by_previous_byte_{256, kRate, 1 << 12};
  M by_order2_{256 * kWideOnly, kRate, 1 << 12}, by_model_{32 * 8 * kWideOnly, kRate, 1 << 12};
  Mixer<round_up4(kMixers + 1)> final_{4 * 256, 8, kWide ? 1 << 11 : 1 << 12};
  APM apm_order0_{256 * (1 - kWideOnly)}, apm_order1_{256 * 256};
  APM apm_order2_{256 * 256 * kWideOnly}, apm_model_{256 * 32 * kWideOnly};
  alignas(32) int32_t mixed_[round_up4(kMixers + 1)] = {};
};
template <class Components>
using MixerNetwork = MixerNetworkOf<Components, false>;
template <class Components>
using WideMixerNetwork = MixerNetworkOf<Components, true>;
template <class Components>
using MixerNetworkFormat1 = MixerNetworkOf<Components, false, true>;

template <class ComponentsT, template <class> class NetworkT>
struct ProfileOf {
  using Components = ComponentsT;
  using Network = NetworkT<ComponentsT>;
  static constexpr size_t memory(const LevelConfig& c) { return Components::memory(c) + Network::memory(); }
};

using H = HashedContext;
using FastProfile =
    ProfileOf<ComponentList<HashedContexts<H::order2, H::order3, H::order4, H::word>, Order1, Order0,
                            Match<false>, Bias>,
              SingleMixer>;
using ContextMixingProfile =
    ProfileOf<ComponentList<HashedContexts<H::order2, H::order3, H::order4, H::word, H::order6, H::word_bigram>,
                            Order1, Order0, Match<true>, Bias>,
              MixerNetwork>;
using NeuralProfile =
    ProfileOf<ComponentList<HashedContexts<H::order2, H::order3, H::order4, H::word, H::order6, H::word_bigram>,
                            Order1, Order0, Match<true>, Bias, NeuralModel<false>>,
              MixerNetwork>;
// The neural profile with three more hashed contexts (the most the mixer's
// 16 inputs allow), the model's refined input and the wide mixer network.
using MaxProfile =
    ProfileOf<ComponentList<HashedContexts<H::order2, H::order3, H::order4, H::word, H::order6, H::word_bigram,
                                           H::order5, H::sparse, H::word_byte>,
                            Order1, Order0, Match<true>, Bias, NeuralModel<true>>,
              WideMixerNetwork>;

// Format 1's profiles: the same components, the network at a constant rate.
using ContextMixingProfileV1 = ProfileOf<ContextMixingProfile::Components, MixerNetworkFormat1>;
using NeuralProfileV1 = ProfileOf<NeuralProfile::Components, MixerNetworkFormat1>;

static_assert(FastProfile::Components::kInputs == 8 && FastProfile::Network::kWidth == 8);
static_assert(ContextMixingProfile::Components::kInputs == 11 && ContextMixingProfile::Network::kWidth == 12);
static_assert(NeuralProfile::Components::kInputs == 12 && NeuralProfile::Network::kWidth == 12);
static_assert(MaxProfile::Components::kInputs == 16 && MaxProfile::Network::kWidth == 16);

template <class Profile>
class ProfileEngine final : public Predictor::Engine {
 public:
  ProfileEngine(const LevelConfig& c, const nn::ByteModel* model) : components_(c, model) {
    components_.start_byte(ctx_);
  }

  int predict() override {
    MixerSelectors selectors;
    components_.predict(ctx_, inputs_, selectors);
    return network_.mix(inputs_, ctx_, selectors);
  }

  int update(int bit) override {
    network_.update(inputs_, bit);
    learn_bit(components_, ctx_, bit);
    return predict();
  }

 private:
  typename Profile::Components components_;
  typename Profile::Network network_;
  BitContext ctx_;
  // Beyond the components' inputs (up to the mixer width) it stays 0.
  alignas(64) int32_t inputs_[Profile::Network::kWidth] = {};
};

}  // namespace

size_t predictor_memory(const LevelConfig& c) {
  switch (c.profile) {
    case Profile::fast: return FastProfile::memory(c);
    case Profile::context_mixing: return ContextMixingProfile::memory(c);
    case Profile::neural: return NeuralProfile::memory(c);
    case Profile::max: return MaxProfile::memory(c);
    case Profile::context_mixing_v1: return ContextMixingProfileV1::memory(c);
    case Profile::neural_v1: return NeuralProfileV1::memory(c);
  }
  return 0;
}

Predictor::Predictor(const LevelConfig& c, const nn::ByteModel* model) {
  switch (c.profile) {
    case Profile::fast: engine_ = std::make_unique<ProfileEngine<FastProfile>>(c, nullptr); break;
    case Profile::context_mixing:
      engine_ = std::make_unique<ProfileEngine<ContextMixingProfile>>(c, nullptr);
      break;
    case Profile::neural: engine_ = std::make_unique<ProfileEngine<NeuralProfile>>(c, model); break;
    case Profile::max: engine_ = std::make_unique<ProfileEngine<MaxProfile>>(c, model); break;
    case Profile::context_mixing_v1:
      engine_ = std::make_unique<ProfileEngine<ContextMixingProfileV1>>(c, nullptr);
      break;
    case Profile::neural_v1: engine_ = std::make_unique<ProfileEngine<NeuralProfileV1>>(c, model); break;
  }
  pr_ = engine_->predict();
}

Predictor::~Predictor() = default;

}  // namespace lmzip
