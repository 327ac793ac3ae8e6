// The level table: what each level is made of. Internal; lmzip.h exposes the
// labelled summary (LevelInfo) that every shell reads.
#pragma once

#include "lmzip.h"

namespace lmzip {

// Which list of predictor components and which mixer network a level runs
// (src/predictor.cpp defines them).
enum class Profile : int { fast, context_mixing, neural, max };
// The profiles that run a neural model.
constexpr bool profile_uses_model(Profile p) { return p == Profile::neural || p == Profile::max; }

struct LevelConfig {
  int level;
  ModelSlot model;  // none exactly when the profile uses no model
  Profile profile;
  int hash_bits;          // log2 of 16-byte buckets in the context hash table
  int match_window_bits;  // log2 of the match model's history window
  int match_table_bits;   // log2 of the match model's position table
  const char* summary;
};

// The row of `level`, or nullptr outside kMinLevel..kMaxLevel.
const LevelConfig* level_config(int level);
const char* profile_name(Profile profile);

}  // namespace lmzip
