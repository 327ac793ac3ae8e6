// The level table: what each level is made of. Internal; lmzip.h exposes the
// labelled summary (LevelInfo) that every shell reads.
#pragma once

#include "lmzip.h"

namespace lmzip {

// Which list of predictor components and which mixer network a level runs
// (src/predictor.cpp defines them).
// The *_v1 profiles are those of format version 1, kept to decode its streams.
enum class Profile : int { fast, context_mixing, neural, max, context_mixing_v1, neural_v1 };
// The profiles that run a neural model.
constexpr bool profile_uses_model(Profile p) {
  return p == Profile::neural || p == Profile::max || p == Profile::neural_v1;
}

struct LevelConfig {
  int level;
  ModelSlot model;  // none exactly when the profile uses no model
  Profile profile;
  int hash_bits;          // log2 of 16-byte buckets in the context hash table
  int match_window_bits;  // log2 of the match model's history window
  int match_table_bits;   // log2 of the match model's position table
  const char* summary;
};

// The row of `level` in the level table of `format_version` (the current one
// or 1), or nullptr outside kMinLevel..kMaxLevel or for another version.
const LevelConfig* level_config(int level, int format_version = kFormatVersion);
const char* profile_name(Profile profile);

}  // namespace lmzip
