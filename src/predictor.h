// The predictor: P(next bit = 1) from a mix of models, learned online.
//
// Inputs to the mixer, all in the stretch (logit) domain:
//   - order-0 and order-1 direct contexts,
//   - hashed order-2,3,4,6 contexts, a word context and a word-bigram
//     context, each a bit history mapped to a probability,
//   - a match model that follows the longest recent repeat.
// At levels >= 2 three mixers, their weights selected by small contexts, are
// combined by a final mixer and refined by two APM/SSE stages. Level 1 uses
// one mixer over fewer inputs (see LevelConfig::refine). A neural model
// becomes one more mixer input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace lmzip {

namespace nn {
struct GruModel;
}

struct LevelConfig {
  int hash_bits;          // log2 of 16-byte buckets in the context hash table
  int match_window_bits;  // log2 of the match model's history window
  int match_table_bits;   // log2 of the match model's position table
  uint8_t lm;             // a neural model is one more mixer input: 0 none,
                          // 1 the standard model, 2 the large one
  bool refine;            // false: level 1's fast profile, one mixer over
                          // orders 0-4, word and match; true: all models,
                          // three mixers + final mixer, APM/SSE stages
};

// Returns false for a level outside kMinLevel..kMaxLevel.
bool level_config(int level, LevelConfig& config);
size_t predictor_memory(const LevelConfig& config);

class Predictor {
 public:
  // Throws std::bad_alloc when the tables cannot be allocated. `lm` must
  // outlive the predictor and be given exactly when config.lm is set.
  Predictor(const LevelConfig& config, const nn::GruModel* lm);
  ~Predictor();
  Predictor(const Predictor&) = delete;
  Predictor& operator=(const Predictor&) = delete;

  // 12-bit probability that the next bit is 1, in 1..4095.
  int p() const { return pr_; }
  // Learn the actual bit and prepare the next prediction.
  void update(int bit);

 private:
  struct State;
  std::unique_ptr<State> s_;
  int pr_ = 2048;
};

}  // namespace lmzip
