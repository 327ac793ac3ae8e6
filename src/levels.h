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

// The row of `level` in the level table of `format_version` (1, 2 or 3; 2
// and 3 share one), or nullptr outside kMinLevel..kMaxLevel or for another
// version.
const LevelConfig* level_config(int level, int format_version = kFormatVersion);
const char* profile_name(Profile profile);

// Inputs no longer than 2^kMinTableLog bytes get the smallest tables the
// encoder writes. Below 8 KiB nearly every context of a byte is new, and a
// smaller hash table drops statistics the input would still use: 2^10-byte
// tables cost 0.008 bits/byte on 1 KiB slices of alice29 and book1 at
// level 6 (2.5282 against 2.5202). Decoders take any code (docs/FORMAT.md).
constexpr int kMinTableLog = 13;
// The level's tables sized for an input of at most 2^table_log bytes
// (0: the full tables): no table larger than such an input can fill.
LevelConfig sized_config(const LevelConfig& config, int table_log);
// The table_log for an input of `size` bytes, or 0 when the full tables are
// what it needs anyway.
int table_log_for(const LevelConfig& config, uint64_t size);
inline bool same_tables(const LevelConfig& a, const LevelConfig& b) {
  return a.hash_bits == b.hash_bits && a.match_window_bits == b.match_window_bits &&
         a.match_table_bits == b.match_table_bits;
}

}  // namespace lmzip
