#include "predictor.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "memory.h"
#include "kernels/inline.h"
#include "nn/gru_model.h"
#include "tables.h"

namespace lmzip {

bool level_config(int level, LevelConfig& config) {
  // Level 1 trades ~3% of size for ~1.5x speed (four hashed contexts, one
  // mixer, no APM, smaller tables); above it memory grows.
  // Levels 3 and up add the neural model, level 9 the large one.
  static constexpr LevelConfig kLevels[9] = {
      {20, 22, 18, 0, false}, {21, 22, 20, 0, true}, {22, 23, 21, 1, true},
      {22, 23, 21, 1, true},  {22, 24, 22, 1, true}, {22, 24, 22, 1, true},
      {23, 24, 22, 1, true},  {23, 24, 22, 1, true}, {23, 24, 22, 2, true},
  };
  if (level < 1 || level > 9) return false;
  config = kLevels[level - 1];
  return true;
}

size_t predictor_memory(const LevelConfig& c) {
  // The large tables; the mixers and state maps add under 64 KiB.
  size_t order1 = 256 * 17 * 16;
  size_t apm = (c.refine ? 256 * 256 + 256 : 256) * 33 * sizeof(uint16_t);
  return (size_t{16} << c.hash_bits) + (size_t{1} << c.match_window_bits) +
         (size_t{4} << c.match_table_bits) + order1 + apm;
}

namespace {

inline uint32_t hash2(uint32_t a, uint32_t b) {
  uint32_t h = a * 0x9E3779B1u ^ (b + 0x7F4A7C15u) * 0x85EBCA77u;
  h ^= h >> 15;
  h *= 0xC2B2AE3Du;
  return h ^ (h >> 13);
}

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
    p22 += static_cast<int>((static_cast<int64_t>(target - p22) * rate(n)) >> 16);
    if (n < limit_) ++n;
    *cur_ = (static_cast<uint32_t>(p22) << 10) | static_cast<uint32_t>(n);
  }

 private:
  static int rate(int n) { return kTables.rate[n]; }
  std::vector<uint32_t> t_;
  uint32_t* cur_ = nullptr;
  int limit_;
};

// Adaptive probability map (SSE): refines a probability given a context by
// interpolating between 33 buckets along the stretch axis.
class APM {
 public:
  explicit APM(int contexts) {
    uint16_t row[33];
    for (int j = 0; j < 33; ++j) row[j] = static_cast<uint16_t>(squash((j - 16) * 128) * 16);
    t_.reserve(static_cast<size_t>(contexts) * 33);
    for (int i = 0; i < contexts; ++i) t_.insert(t_.end(), row, row + 33);
  }
  int refine(int pr, size_t cx) {
    int s = stretch(pr) + 2048;  // 1..4095
    int lo = s >> 7, w = s & 127;
    size_t base = cx * 33 + static_cast<size_t>(lo);
    index_ = base + static_cast<size_t>(w >> 6);
    return (t_[base] * (128 - w) + t_[base + 1] * w) >> 11;
  }
  void update(int bit, int rate) {
    int g = (bit << 16) + (bit << rate) - bit - bit;
    t_[index_] = static_cast<uint16_t>(t_[index_] + ((g - t_[index_]) >> rate));
  }

 private:
  std::vector<uint16_t> t_;
  size_t index_ = 0;
};

// Gated linear mixing in the logistic domain: p = squash(sum w_i x_i), one
// weight vector per selector context, trained online to minimise coding cost.
// Weights are 2.14 fixed point; see kernels/kernels.h for the bounds.
template <int N>
class Mixer {
 public:
  static_assert(N <= 16 && N % 4 == 0, "kernel bounds and lane width");
  Mixer(int contexts, int learning_rate, int initial_weight)
      : w_(static_cast<size_t>(N) * contexts, initial_weight), lr_(learning_rate) {}
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
  }

 private:
  std::vector<int32_t> w_;
  int32_t* w_cur_ = nullptr;
  int32_t lr_;
  int pr_ = 2048;
};

constexpr int kHashedContexts = 6;  // orders 2,3,4, word, order 6, word bigram
constexpr int kFastHashedContexts = 4;  // level 1 keeps the first four

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

  void context_hashes(uint32_t* out) const {
    out[0] = hash2(c4 & 0xFFFF, 2);
    out[1] = hash2(c4 & 0xFFFFFF, 3);
    out[2] = hash2(c4, 4);
    out[3] = hash2(word, 7);
    out[4] = hash2(c4 ^ hash2(c8 & 0xFFFF, 6), 6);
    out[5] = hash2(word ^ hash2(prev_word, 8), 8);
  }
};
constexpr int kInputs = 12;  // hashed + o0, o1, match x2, bias, neural model
constexpr int kLmInput = kInputs - 1;

}  // namespace

struct Predictor::State {
  State(const LevelConfig& c, const nn::GruModel* model)
      : hash_mask((uint32_t{1} << c.hash_bits) - 1),
        table(size_t{16} << c.hash_bits),
        order1(256 * 17 * 16),
        window(size_t{1} << c.match_window_bits),
        window_mask((uint32_t{1} << c.match_window_bits) - 1),
        match_table(size_t{1} << c.match_table_bits),
        match_table_bits(c.match_table_bits),
        order0_map(256),
        match_map(64),
        mixer_c0(256, 4, 1 << 12),
        mixer_match(32 * 8, 4, 1 << 12),
        mixer_c1(256, 4, 1 << 12),
        final_mixer(4 * 256, 8, 1 << 12),
        apm_order0(256),
        apm_order1(c.refine ? 256 * 256 : 0),
        fast_mixer(c.refine ? 0 : 2 * 256, 6, 1 << 13),
        refine(c.refine),
        num_hashed(c.refine ? kHashedContexts : kFastHashedContexts) {
    if (model) {
      lm = std::make_unique<nn::GruState>(*model);
      // Trusted from the first byte: on short inputs the adaptive models
      // know nothing yet.
      for (auto* m : {&mixer_c0, &mixer_match, &mixer_c1}) m->set_initial_weight(kLmInput, 1 << 14);
    }
    for (auto& m : context_maps) m.init_from_states();
    order1_map.init_from_states();
    for (auto& s : slot) s = &dummy_bucket[1];
    order1_slot = &dummy_bucket[1];
    start_byte();
  }

  // --- byte-level context state
  uint32_t c0 = 1;   // bits of the current byte so far, with a leading 1
  int bit_pos = 0;   // 0..7
  uint32_t nibble_node = 1;
  History history;
  uint32_t c4 = 0;  // = history.c4
  uint32_t context_hash[kHashedContexts] = {};

  // --- hashed context table: 16-byte buckets, a check byte + 15 bit
  // histories for the nodes of one nibble's binary tree.
  uint32_t hash_mask;
  ZeroedArray<uint8_t> table;
  std::vector<uint8_t> order1;  // direct: 256 contexts x 17 nibble buckets
  uint8_t* bucket[kHashedContexts] = {};
  uint8_t* order1_bucket = nullptr;
  uint8_t* slot[kHashedContexts] = {};
  uint8_t* order1_slot = nullptr;
  uint8_t dummy_bucket[16] = {};
  StateMap context_maps[kHashedContexts];  // bit history -> probability
  StateMap order1_map;

  // --- match model
  ZeroedArray<uint8_t> window;
  uint32_t window_mask;
  uint32_t pos = 0;  // bytes seen
  ZeroedArray<uint32_t> match_table;
  int match_table_bits;
  uint32_t match_ptr = 0;
  uint32_t pending_match_hash = 0;
  int match_len = 0;
  int expected_byte = 0;
  int expected_bit = 0;
  int match_bucket = 0;

  StateMap order0_map;
  StateMap match_map;
  Mixer<kInputs> mixer_c0, mixer_match, mixer_c1;
  Mixer<4> final_mixer;
  APM apm_order0, apm_order1;
  Mixer<8> fast_mixer;  // level 1: one mixer over fewer inputs
  std::unique_ptr<nn::GruState> lm;  // levels with the neural model
  int lm_stretch = 0;
  alignas(64) int32_t inputs[kInputs] = {};
  alignas(16) int32_t mixed[4] = {};
  const bool refine;
  const int num_hashed;

  uint8_t* find_bucket(uint32_t h) {
    uint32_t check = h >> 24;
    uint32_t i = (h & hash_mask) & ~3u;  // 4 buckets = one 64-byte line
    uint8_t* line = &table[size_t{i} * 16];
    uint32_t first = (h >> 8) & 3;
    uint8_t* victim = nullptr;
    int victim_priority = 1 << 30;
    for (uint32_t k = 0; k < 3; ++k) {
      uint8_t* b = line + ((first + k) & 3) * 16;
      if (b[0] == check) return b;
      const Tables& tb = tables();
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

  void start_nibble() {
    nibble_node = 1;
    uint32_t nibble_ctx = bit_pos == 0 ? 0 : (c0 & 15) + 1;
    uint32_t h[kHashedContexts];
    for (int i = 0; i < num_hashed; ++i) {
      h[i] = hash2(context_hash[i], nibble_ctx);
      __builtin_prefetch(&table[size_t{h[i] & hash_mask & ~3u} * 16]);
    }
    for (int i = 0; i < num_hashed; ++i) bucket[i] = find_bucket(h[i]);
    order1_bucket = &order1[(size_t{c4 & 255} * 17 + nibble_ctx) * 16];
  }

  void start_byte() {
    history.context_hashes(context_hash);
    start_nibble();
  }

  // The table maps a hash of 6 bytes to where the byte that followed them
  // was. The lookup for a context is made one byte late, after its slot was
  // prefetched, and then requires the byte just seen to agree too.
  void update_match_byte(int byte) {
    window[pos & window_mask] = static_cast<uint8_t>(byte);
    uint32_t here = pos++;
    if (match_len > 0 && expected_byte == byte) {
      if (match_len < 65535) ++match_len;
      ++match_ptr;
    } else {
      match_len = 0;
    }
    if (here >= 6) {
      uint32_t& entry = match_table[pending_match_hash];
      uint32_t candidate = entry;
      if (match_len == 0 && candidate > 0 && here - candidate < window_mask &&
          window[candidate & window_mask] == byte) {
        int len = 1;
        while (len < 32 && window[(candidate - len) & window_mask] == window[(here - len) & window_mask])
          ++len;
        if (len >= 7) {
          match_len = len;
          match_ptr = candidate + 1;
        }
      }
      entry = here;
    }
    pending_match_hash = hash2(c4, history.c8 & 0xFFFF) >> (32 - match_table_bits);  // last 6 bytes
    __builtin_prefetch(&match_table[pending_match_hash]);
    if (match_len > 0) expected_byte = window[match_ptr & window_mask];
  }

  void update_byte(int byte) {
    if (lm) lm->step(byte);
    history = history.after(byte);
    c4 = history.c4;
    update_match_byte(byte);
    start_byte();
  }

  // Inputs shared by both profiles: the hashed contexts, orders 1 and 0, and
  // the match model (the expected bit while the byte so far agrees with the
  // predicted byte, its confidence learned per length bucket). Returns the
  // number of inputs written; `strength` adds the match length as an input.
  int context_inputs(bool strength) {
    int n = 0;
    for (int i = 0; i < num_hashed; ++i) {
      slot[i] = &bucket[i][nibble_node];
      inputs[n++] = stretch(context_maps[i].p(*slot[i]));
    }
    order1_slot = &order1_bucket[nibble_node];
    inputs[n++] = stretch(order1_map.p(*order1_slot));
    inputs[n++] = stretch(order0_map.p(c0));
    expected_bit = 0;
    match_bucket = 0;
    int match_input = 0, strength_input = 0;
    if (match_len > 0 && ((expected_byte | 256) >> (8 - bit_pos)) == static_cast<int>(c0)) {
      expected_bit = (expected_byte >> (7 - bit_pos)) & 1;
      int len = match_len;
      match_bucket = len < 16 ? len : 16 + ((len - 16) >> 3 < 15 ? (len - 16) >> 3 : 15);
      match_input = stretch(match_map.p(static_cast<size_t>(match_bucket * 2 + expected_bit)));
      strength_input = (len < 32 ? len : 32) * 32 * (expected_bit ? 1 : -1);
    } else {
      match_map.p(0);
    }
    inputs[n++] = match_input;
    if (strength) inputs[n++] = strength_input;
    return n;
  }

  int predict_fast() {
    int n = context_inputs(false);
    inputs[n++] = 256;  // bias
    fast_mixer.set_context(static_cast<int>(c0) + (match_bucket > 0 ? 256 : 0));
    return fast_mixer.mix(inputs);
  }

  int predict() {
    if (!refine) return predict_fast();
    int n = context_inputs(true);
    inputs[n++] = 256;  // bias
    lm_stretch = lm ? stretch(lm->p_bit(c0, bit_pos)) : 0;
    inputs[n++] = lm_stretch;

    mixer_c0.set_context(static_cast<int>(c0));
    mixer_match.set_context((match_bucket < 31 ? match_bucket : 31) * 8 + bit_pos);
    mixer_c1.set_context(static_cast<int>(c4 & 255));
    mixed[0] = stretch(mixer_c0.mix(inputs));
    mixed[1] = stretch(mixer_match.mix(inputs));
    mixed[2] = stretch(mixer_c1.mix(inputs));
    mixed[3] = 256;
    // The final mixer's weights also depend on how sure the neural model is.
    int lm_confidence = std::min(3, std::abs(lm_stretch) >> 8);
    final_mixer.set_context(static_cast<int>(c0) + 256 * lm_confidence);
    int pr = final_mixer.mix(mixed);
    if (refine) {
      int pr_order0 = apm_order0.refine(pr, c0);
      int pr_order1 = apm_order1.refine(pr, c0 | ((c4 & 255) << 8));
      pr = (2 * pr + pr_order0 + 5 * pr_order1 + 4) >> 3;
    }
    if (pr < 1) pr = 1;
    if (pr > 4095) pr = 4095;
    return pr;
  }

  void update(int bit) {
    const Tables& tb = tables();
    for (int i = 0; i < num_hashed; ++i) {
      *slot[i] = tb.next_state[*slot[i]][bit];
      context_maps[i].update(bit);
    }
    *order1_slot = tb.next_state[*order1_slot][bit];
    order1_map.update(bit);
    match_map.update(bit);
    order0_map.update(bit);
    if (refine) {
      mixer_c0.update(inputs, bit);
      mixer_c1.update(inputs, bit);
      final_mixer.update(mixed, bit);
      mixer_match.update(inputs, bit);
      apm_order0.update(bit, 7);
      apm_order1.update(bit, 7);
    } else {
      fast_mixer.update(inputs, bit);
    }

    if (match_len > 0 && expected_bit != bit && match_bucket > 0) match_len = 0;
    c0 = (c0 << 1) | static_cast<uint32_t>(bit);
    nibble_node = (nibble_node << 1) | static_cast<uint32_t>(bit);
    ++bit_pos;
    if (bit_pos == 8) {
      int byte = static_cast<int>(c0 & 255);
      c0 = 1;
      bit_pos = 0;
      update_byte(byte);
    } else if (bit_pos == 4) {
      start_nibble();
    }
  }
};

Predictor::Predictor(const LevelConfig& config, const nn::GruModel* lm)
    : s_(std::make_unique<State>(config, config.lm ? lm : nullptr)) {
  pr_ = s_->predict();
}

Predictor::~Predictor() = default;

void Predictor::update(int bit) {
  s_->update(bit);
  pr_ = s_->predict();
}

}  // namespace lmzip
