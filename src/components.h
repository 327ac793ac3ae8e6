// The predictor's components: each model that feeds the mixer declares how
// many mixer inputs it adds (kInputs) and implements them. Internal to the
// library; src/predictor.cpp lists which components each profile uses.
//
// Every component has the same shape (ComponentBase gives no-op defaults):
//   static constexpr int kInputs;          mixer inputs it writes
//   static constexpr int32_t kInitialWeight (0: the mixer's default)
//   static size_t memory(const LevelConfig&)   its large tables
//   Component(const LevelConfig&, const nn::ByteModel*)
//   start_byte(ctx)      a byte begins (ctx.history holds the bytes before)
//   start_nibble(ctx)    bit 4 of a byte begins
//   predict(ctx, x, selectors)   writes x[0..kInputs), stretch domain
//   update(ctx, bit)     learns the bit that came
//   end_byte(byte, ctx)  the byte is complete; ctx.history includes it
// Calls come in that order: end_byte of every component, then start_byte
// of every component, so a component may rely on ctx but never on another
// component.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <vector>

#include "levels.h"
#include "memory.h"
#include "kernels/inline.h"
#include "nn/byte_model.h"
#include "tables.h"

namespace lmzip {

inline uint32_t hash2(uint32_t a, uint32_t b) {
  uint32_t h = a * 0x9E3779B1u ^ (b + 0x7F4A7C15u) * 0x85EBCA77u;
  h ^= h >> 15;
  h *= 0xC2B2AE3Du;
  return h ^ (h >> 13);
}

// ------------------------------------------------------------ building blocks

// Context -> probability, adapting fast at first and then at rate ~1/limit.
// Each entry holds a 22-bit probability and a 10-bit count.
class StateMap {
 public:
  explicit StateMap(int contexts = 256, int limit = 1023) : t_(contexts, 1u << 31), limit_(limit) {}
  // Initialise entries of a bit-history map from the counts of each state.
  void init_from_states() {
    const Tables& tb = tables();
    for (size_t i = 0; i < t_.size(); ++i) {
      int s = static_cast<int>(i & 255);
      uint32_t n0 = tb.state_n0[s], n1 = tb.state_n1[s];
      uint32_t p22 = ((2 * n1 + 1) << 22) / (2 * (n0 + n1) + 2);
      t_[i] = p22 << 10;
    }
  }
  int p(size_t cx) {
    cur_ = &t_[cx];
    return static_cast<int>(*cur_ >> 20);
  }
  void update(int bit) {
    uint32_t v = *cur_;
    int n = static_cast<int>(v & 1023);
    int p22 = static_cast<int>(v >> 10);
    int target = bit << 22;
    p22 += static_cast<int>((static_cast<int64_t>(target - p22) * kTables.rate[n]) >> 16);
    if (n < limit_) ++n;
    *cur_ = (static_cast<uint32_t>(p22) << 10) | static_cast<uint32_t>(n);
  }

 private:
  std::vector<uint32_t> t_;
  uint32_t* cur_ = nullptr;
  int limit_;
};

// Adaptive probability map (SSE): refines a probability given a context by
// interpolating between 33 buckets along the stretch axis. Every context
// starts as the identity row; the table holds each entry's difference from
// it (mod 2^16, so the values are exactly those of a table of values) in
// zeroed pages, which cost nothing until touched: a short input touches few.
class APM {
 public:
  explicit APM(int contexts) : t_(static_cast<size_t>(contexts) * 33) {
    for (int j = 0; j < 33; ++j) identity_[j] = static_cast<uint16_t>(squash((j - 16) * 128) * 16);
  }
  static constexpr size_t memory(int contexts) { return static_cast<size_t>(contexts) * 33 * sizeof(uint16_t); }
  int refine(int pr, size_t cx) {
    int s = stretch(pr) + 2048;  // 1..4095
    int lo = s >> 7, w = s & 127;
    size_t base = cx * 33 + static_cast<size_t>(lo);
    bucket_ = lo + (w >> 6);
    index_ = cx * 33 + static_cast<size_t>(bucket_);
    return (value(base, lo) * (128 - w) + value(base + 1, lo + 1) * w) >> 11;
  }
  void update(int bit, int rate) {
    int g = (bit << 16) + (bit << rate) - bit - bit;
    int v = value(index_, bucket_);
    t_[index_] = static_cast<uint16_t>(v + ((g - v) >> rate) - identity_[bucket_]);
  }

 private:
  int value(size_t i, int bucket) const { return static_cast<uint16_t>(t_[i] + identity_[bucket]); }

  ZeroedArray<uint16_t> t_;
  uint16_t identity_[33];
  size_t index_ = 0;
  int bucket_ = 0;
};

// Gated linear mixing in the logistic domain: p = squash(sum w_i x_i), one
// weight vector per selector context, trained online to minimise coding cost.
// Weights are 2.14 fixed point; see kernels/kernels.h for the bounds.
template <int N>
class Mixer {
 public:
  static_assert(N <= 16 && N % 4 == 0, "kernel bounds and lane width");
  // The learning rate falls from `start` towards `end` as
  // end + (start - end) * D / (D + t) after t updates: weights settle fast
  // on short inputs and stay steady on long ones. The train kernel's
  // overflow bound holds up to kMaxLearningRate.
  struct LearningRate {
    int start, end;
    int64_t decay_updates;  // D
  };
  Mixer(int contexts, int learning_rate, int initial_weight)
      : Mixer(contexts, LearningRate{learning_rate, learning_rate, 1}, initial_weight) {}
  Mixer(int contexts, LearningRate rate, int initial_weight)
      : w_(static_cast<size_t>(N) * contexts, initial_weight), rate_(checked(rate)), lr_(rate.start) {}
  // Sets input i's initial weight in every weight set.
  void set_initial_weight(int i, int32_t weight) {
    for (size_t k = static_cast<size_t>(i); k < w_.size(); k += N) w_[k] = weight;
  }
  void set_context(int cx) { w_cur_ = &w_[static_cast<size_t>(cx) * N]; }
  int mix(const int32_t* x) {
    int32_t dot = kernels::kInlineDot(x, w_cur_, N) >> 14;
    if (dot > kStretchMax) dot = kStretchMax;
    if (dot < -kStretchMax) dot = -kStretchMax;
    pr_ = squash(dot);
    return pr_;
  }
  void update(const int32_t* x, int bit) {
    kernels::kInlineTrain(x, w_cur_, N, ((bit << 12) - pr_) * lr_);
    // Recomputed every 1024 updates: the rate moves slowly, a division is not free.
    if (rate_.start != rate_.end && (++updates_ & 1023) == 0)
      lr_ = rate_.end + static_cast<int32_t>((rate_.start - rate_.end) * rate_.decay_updates /
                                             (rate_.decay_updates + updates_));
  }

 private:
  static LearningRate checked(LearningRate r) {
    auto ok = [](int lr) { return lr > 0 && lr <= kernels::kMaxLearningRate; };
    if (!ok(r.start) || !ok(r.end) || r.decay_updates <= 0)
      throw std::invalid_argument("mixer learning rate outside the kernel bounds");
    return r;
  }

  std::vector<int32_t> w_;
  int32_t* w_cur_ = nullptr;
  LearningRate rate_;
  int32_t lr_;
  int64_t updates_ = 0;
  int pr_ = 2048;
};

// What the byte-level contexts are made of.
struct History {
  uint32_t c4 = 0;  // last 4 bytes
  uint32_t c8 = 0;  // the 4 bytes before those
  uint32_t word = 0, prev_word = 0;  // hashes of case-folded letter runs

  History after(int byte) const {
    History h = *this;
    h.c8 = (c8 << 8) | (c4 >> 24);
    h.c4 = (c4 << 8) | static_cast<uint32_t>(byte);
    int folded = (byte >= 'A' && byte <= 'Z') ? byte + 32 : byte;
    if ((folded >= 'a' && folded <= 'z') || byte >= 128) {
      h.word = (word + static_cast<uint32_t>(folded) + 1) * 0x2F0B3A47u;
    } else if (word != 0) {
      h.prev_word = word;
      h.word = 0;
    }
    return h;
  }
};

// What every component may read: the bits of the current byte so far and
// the bytes before it.
struct BitContext {
  uint32_t c0 = 1;           // bits of the current byte so far, with a leading 1
  int bit_pos = 0;           // 0..7
  uint32_t nibble_node = 1;  // the current nibble's bits so far, with a leading 1
  History history;
  // 0 in a byte's first nibble, 1 + its first nibble in the second.
  uint32_t nibble_context() const { return bit_pos == 0 ? 0 : (c0 & 15) + 1; }

  enum Boundary { within_nibble, new_nibble, new_byte };
  // Appends a bit; at the end of a byte the history takes it (its value is
  // then history.c4 & 255) and the bits start again.
  Boundary advance(int bit) {
    c0 = (c0 << 1) | static_cast<uint32_t>(bit);
    nibble_node = (nibble_node << 1) | static_cast<uint32_t>(bit);
    if (++bit_pos == 8) {
      history = history.after(static_cast<int>(c0 & 255));
      c0 = 1;
      bit_pos = 0;
      nibble_node = 1;
      return new_byte;
    }
    if (bit_pos == 4) {
      nibble_node = 1;
      return new_nibble;
    }
    return within_nibble;
  }
};

// The two bytes before, hashed into 0..255: a context for APMs.
inline uint32_t order2_bucket(const History& h) { return hash2(h.c4 & 0xFFFF, 5) & 255; }

// Small contexts some components offer the mixer network for choosing
// weight sets (0 when no component of the profile sets them).
struct MixerSelectors {
  int match_bucket = 0;      // 0: no match predicts this bit; else its length bucket
  int model_confidence = 0;  // 0..3: how sure the neural model is
  int model_stretch = 0;     // the neural model's stretch(P(1)); 0 without one
};

// Learns `bit` and moves `ctx` past it, calling the hooks of `c` (one
// component or a list of them) at a nibble or byte boundary.
template <class C>
void learn_bit(C& c, BitContext& ctx, int bit) {
  c.update(ctx, bit);
  switch (ctx.advance(bit)) {
    case BitContext::new_byte:
      c.end_byte(static_cast<int>(ctx.history.c4 & 255), ctx);
      c.start_byte(ctx);
      break;
    case BitContext::new_nibble: c.start_nibble(ctx); break;
    case BitContext::within_nibble: break;
  }
}

struct ComponentBase {
  static constexpr int32_t kInitialWeight = 0;
  static constexpr size_t memory(const LevelConfig&) { return 0; }
  void start_byte(const BitContext&) {}
  void start_nibble(const BitContext&) {}
  void update(const BitContext&, int) {}
  void end_byte(int, const BitContext&) {}
};

// ------------------------------------------------------------ components

enum class HashedContext { order2, order3, order4, word, order6, word_bigram, order5, sparse, word_byte };

inline uint32_t context_hash(HashedContext kind, const History& h) {
  switch (kind) {
    case HashedContext::order2: return hash2(h.c4 & 0xFFFF, 2);
    case HashedContext::order3: return hash2(h.c4 & 0xFFFFFF, 3);
    case HashedContext::order4: return hash2(h.c4, 4);
    case HashedContext::word: return hash2(h.word, 7);
    case HashedContext::order6: return hash2(h.c4 ^ hash2(h.c8 & 0xFFFF, 6), 6);
    case HashedContext::word_bigram: return hash2(h.word ^ hash2(h.prev_word, 8), 8);
    case HashedContext::order5: return hash2(h.c4 ^ hash2(h.c8 & 0xFF, 9), 9);
    case HashedContext::sparse: return hash2(h.c4 & 0xFFFF0000u, 10);  // bytes 3 and 4 back
    case HashedContext::word_byte: return hash2(h.prev_word ^ hash2(h.c4 & 0xFF, 11), 11);
  }
  return 0;
}

// Hashed contexts sharing one table of 16-byte buckets (a check byte + 15
// bit histories for the nodes of one nibble's binary tree), each bit
// history mapped to a probability. One input per context, in the order
// given: the order of bucket lookups in the shared table is part of the
// format.
template <HashedContext... Kinds>
class HashedContexts : public ComponentBase {
 public:
  static constexpr int kInputs = sizeof...(Kinds);
  static constexpr size_t memory(const LevelConfig& c) { return size_t{16} << c.hash_bits; }

  HashedContexts(const LevelConfig& c, const nn::ByteModel*)
      : hash_mask_((uint32_t{1} << c.hash_bits) - 1), table_(memory(c)) {
    for (auto& m : maps_) m.init_from_states();
    hash_byte(BitContext{});
  }

  // A byte's first buckets depend only on the bytes before it, known at
  // end_byte: their lines are fetched then, while the neural model (the
  // last component of a list) steps, and start_byte finds them cached.
  void end_byte(int, const BitContext& ctx) { hash_byte(ctx); }
  void start_byte(const BitContext& ctx) { start_nibble(ctx); }

  void start_nibble(const BitContext& ctx) {
    uint32_t h[kInputs];
    for (int i = 0; i < kInputs; ++i) {
      h[i] = hash2(byte_hash_[i], ctx.nibble_context());
      __builtin_prefetch(&table_[size_t{h[i] & hash_mask_ & ~3u} * 16]);
    }
    for (int i = 0; i < kInputs; ++i) bucket_[i] = find_bucket(h[i]);
  }

  void predict(const BitContext& ctx, int32_t* x, MixerSelectors&) {
    for (int i = 0; i < kInputs; ++i) {
      slot_[i] = &bucket_[i][ctx.nibble_node];
      x[i] = stretch(maps_[i].p(*slot_[i]));
    }
  }

  void update(const BitContext&, int bit) {
    const Tables& tb = tables();
    for (int i = 0; i < kInputs; ++i) {
      *slot_[i] = tb.next_state[*slot_[i]][bit];
      maps_[i].update(bit);
    }
  }

 private:
  static constexpr HashedContext kKinds[kInputs] = {Kinds...};

  void hash_byte(const BitContext& ctx) {
    for (int i = 0; i < kInputs; ++i) {
      byte_hash_[i] = context_hash(kKinds[i], ctx.history);
      __builtin_prefetch(&table_[size_t{hash2(byte_hash_[i], ctx.nibble_context()) & hash_mask_ & ~3u} * 16]);
    }
  }

  uint8_t* find_bucket(uint32_t h) {
    uint32_t check = h >> 24;
    uint32_t i = (h & hash_mask_) & ~3u;  // 4 buckets = one 64-byte line
    uint8_t* line = &table_[size_t{i} * 16];
    uint32_t first = (h >> 8) & 3;
    uint8_t* victim = nullptr;
    int victim_priority = 1 << 30;
    const Tables& tb = tables();
    for (uint32_t k = 0; k < 3; ++k) {
      uint8_t* b = line + ((first + k) & 3) * 16;
      if (b[0] == check) return b;
      int priority = tb.state_n0[b[1]] + tb.state_n1[b[1]];
      if (priority < victim_priority) {
        victim_priority = priority;
        victim = b;
      }
    }
    std::memset(victim, 0, 16);
    victim[0] = static_cast<uint8_t>(check);
    return victim;
  }

  uint32_t hash_mask_;
  ZeroedArray<uint8_t> table_;
  uint32_t byte_hash_[kInputs] = {};
  uint8_t* bucket_[kInputs] = {};
  uint8_t* slot_[kInputs] = {};
  StateMap maps_[kInputs];
};

// The previous byte as a direct context: 256 contexts x 17 nibble buckets of
// bit histories.
class Order1 : public ComponentBase {
 public:
  static constexpr int kInputs = 1;
  static constexpr size_t memory(const LevelConfig&) { return 256 * 17 * 16; }

  Order1(const LevelConfig& c, const nn::ByteModel*) : table_(memory(c)) { map_.init_from_states(); }
  void start_byte(const BitContext& ctx) { start_nibble(ctx); }
  void start_nibble(const BitContext& ctx) {
    bucket_ = &table_[(size_t{ctx.history.c4 & 255} * 17 + ctx.nibble_context()) * 16];
  }
  void predict(const BitContext& ctx, int32_t* x, MixerSelectors&) {
    slot_ = &bucket_[ctx.nibble_node];
    x[0] = stretch(map_.p(*slot_));
  }
  void update(const BitContext&, int bit) {
    *slot_ = tables().next_state[*slot_][bit];
    map_.update(bit);
  }

 private:
  std::vector<uint8_t> table_;
  uint8_t* bucket_ = nullptr;
  uint8_t* slot_ = nullptr;
  StateMap map_;
};

// The bits of the current byte so far, nothing before.
class Order0 : public ComponentBase {
 public:
  static constexpr int kInputs = 1;
  Order0(const LevelConfig&, const nn::ByteModel*) {}
  void predict(const BitContext& ctx, int32_t* x, MixerSelectors&) { x[0] = stretch(map_.p(ctx.c0)); }
  void update(const BitContext&, int bit) { map_.update(bit); }

 private:
  StateMap map_{256};
};

// Follows the longest recent repeat: while the byte so far agrees with the
// byte that followed the last occurrence of the current context, the
// expected bit, its confidence learned per length bucket. With kStrength,
// a second input carries the match length itself.
template <bool kStrength>
class Match : public ComponentBase {
 public:
  static constexpr int kInputs = kStrength ? 2 : 1;
  static constexpr size_t memory(const LevelConfig& c) {
    return (size_t{1} << c.match_window_bits) + (size_t{4} << c.match_table_bits);
  }

  Match(const LevelConfig& c, const nn::ByteModel*)
      : window_(size_t{1} << c.match_window_bits),
        window_mask_((uint32_t{1} << c.match_window_bits) - 1),
        table_(size_t{1} << c.match_table_bits),
        table_bits_(c.match_table_bits) {}

  void predict(const BitContext& ctx, int32_t* x, MixerSelectors& selectors) {
    expected_bit_ = 0;
    bucket_ = 0;
    int match_input = 0, strength_input = 0;
    if (length_ > 0 && ((expected_byte_ | 256) >> (8 - ctx.bit_pos)) == static_cast<int>(ctx.c0)) {
      expected_bit_ = (expected_byte_ >> (7 - ctx.bit_pos)) & 1;
      int len = length_;
      bucket_ = len < 16 ? len : 16 + ((len - 16) >> 3 < 15 ? (len - 16) >> 3 : 15);
      match_input = stretch(map_.p(static_cast<size_t>(bucket_ * 2 + expected_bit_)));
      strength_input = (len < 32 ? len : 32) * 32 * (expected_bit_ ? 1 : -1);
    } else {
      map_.p(0);
    }
    x[0] = match_input;
    if constexpr (kStrength) x[1] = strength_input;
    selectors.match_bucket = bucket_;
  }

  void update(const BitContext&, int bit) {
    map_.update(bit);
    if (length_ > 0 && expected_bit_ != bit && bucket_ > 0) length_ = 0;
  }

  // The table maps a hash of 6 bytes to where the byte that followed them
  // was. The lookup for a context is made one byte late, after its slot was
  // prefetched, and then requires the byte just seen to agree too.
  void end_byte(int byte, const BitContext& ctx) {
    window_[pos_ & window_mask_] = static_cast<uint8_t>(byte);
    uint32_t here = pos_++;
    if (length_ > 0 && expected_byte_ == byte) {
      if (length_ < 65535) ++length_;
      ++ptr_;
    } else {
      length_ = 0;
    }
    if (here >= 6) {
      uint32_t& entry = table_[pending_hash_];
      uint32_t candidate = entry;
      if (length_ == 0 && candidate > 0 && here - candidate < window_mask_ &&
          window_[candidate & window_mask_] == byte) {
        int len = 1;
        while (len < 32 && window_[(candidate - len) & window_mask_] == window_[(here - len) & window_mask_])
          ++len;
        if (len >= 7) {
          length_ = len;
          ptr_ = candidate + 1;
        }
      }
      entry = here;
    }
    const History& h = ctx.history;
    pending_hash_ = hash2(h.c4, h.c8 & 0xFFFF) >> (32 - table_bits_);  // last 6 bytes
    __builtin_prefetch(&table_[pending_hash_]);
    if (length_ > 0) expected_byte_ = window_[ptr_ & window_mask_];
  }

 private:
  ZeroedArray<uint8_t> window_;
  uint32_t window_mask_;
  ZeroedArray<uint32_t> table_;
  int table_bits_;
  uint32_t pos_ = 0;  // bytes seen
  uint32_t ptr_ = 0;
  uint32_t pending_hash_ = 0;
  int length_ = 0;
  int expected_byte_ = 0;
  int expected_bit_ = 0;
  int bucket_ = 0;
  StateMap map_{64};
};

// A constant input: lets each weight set learn an offset.
class Bias : public ComponentBase {
 public:
  static constexpr int kInputs = 1;
  Bias(const LevelConfig&, const nn::ByteModel*) {}
  void predict(const BitContext&, int32_t* x, MixerSelectors&) { x[0] = 256; }
};

// The neural model's P(bit) along the byte's bit tree, whatever its
// architecture. kRefined adds it refined by an APM keyed by a hash of the
// two bytes before, which learns where the model errs on this input (a
// second input; it costs a few per cent of the speed).
template <bool kRefined>
class NeuralModel : public ComponentBase {
 public:
  static constexpr int kInputs = kRefined ? 2 : 1;
  // Trusted from the first byte (its inputs together weigh 1): on short
  // inputs the adaptive models know nothing yet.
  static constexpr int32_t kInitialWeight = (1 << 14) / kInputs;
  static constexpr size_t memory(const LevelConfig&) { return kRefined ? APM::memory(256 * 256) : 0; }

  // Throws std::invalid_argument without a model: a neural profile needs one.
  NeuralModel(const LevelConfig&, const nn::ByteModel* model)
      : state_(model ? model->new_state() : throw std::invalid_argument("neural profile without a model")) {}
  void start_byte(const BitContext& ctx) {
    if constexpr (kRefined) order2_ = order2_bucket(ctx.history) << 8;
  }
  void predict(const BitContext& ctx, int32_t* x, MixerSelectors& selectors) {
    int p = state_->p_bit(ctx.c0, ctx.bit_pos);
    int s = stretch(p);
    x[0] = s;
    if constexpr (kRefined) x[1] = stretch(by_order2_.refine(p, order2_ | ctx.c0));
    selectors.model_confidence = std::min(3, std::abs(s) >> 8);
    selectors.model_stretch = s;
  }
  void update(const BitContext&, int bit) {
    if constexpr (kRefined) by_order2_.update(bit, 7);
  }
  void end_byte(int byte, const BitContext&) { state_->step(byte); }

 private:
  std::unique_ptr<nn::ByteModelState> state_;
  APM by_order2_{kRefined ? 256 * 256 : 0};
  uint32_t order2_ = 0;
};

}  // namespace lmzip
