// The predictor: P(next bit = 1) from a mix of models, learned online. A
// level's profile (src/levels.cpp) picks a list of components
// (src/components.h) and the mixer network over their inputs; see
// src/predictor.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "levels.h"

namespace lmzip {

namespace nn {
class ByteModel;
}

size_t predictor_memory(const LevelConfig& config);

class Predictor {
 public:
  // Throws std::bad_alloc when the tables cannot be allocated. `model` must
  // outlive the predictor and be given exactly when the profile is neural.
  Predictor(const LevelConfig& config, const nn::ByteModel* model);
  ~Predictor();
  Predictor(const Predictor&) = delete;
  Predictor& operator=(const Predictor&) = delete;

  // 12-bit probability that the next bit is 1, in 1..4095.
  int p() const { return pr_; }
  // Learn the actual bit and prepare the next prediction.
  void update(int bit) { pr_ = engine_->update(bit); }

  // One profile's components and mixer network (predictor.cpp).
  struct Engine {
    virtual ~Engine() = default;
    virtual int predict() = 0;
    virtual int update(int bit) = 0;  // returns the next prediction
  };

 private:
  std::unique_ptr<Engine> engine_;
  int pr_;
};

}  // namespace lmzip
