#include "levels.h"

#include <algorithm>
#include <array>

#include "predictor.h"

namespace lmzip {

namespace {

// Level 1 trades size for speed (four hashed contexts, one mixer, no APM,
// smaller tables); level 2 mixes six hashed contexts with a mixer network.
// From level 3 a neural model joins: the small one at 3-4, the standard one
// at 5-7, the large one at 8-9. Each model's levels go from the neural
// profile to the max profile (three more hashed contexts, the model's
// refined input, the wide mixer network), tables growing so that memory
// never falls as the level rises.
constexpr LevelConfig kLevels[] = {
    // level, model,            profile,                 hash, window, match table
    {1, ModelSlot::none,     Profile::fast,            20, 22, 18, "context mixing, fastest"},
    {2, ModelSlot::none,     Profile::context_mixing,  21, 22, 20, "context mixing, six hashed contexts"},
    {3, ModelSlot::small,    Profile::neural,          21, 23, 21, "small neural model, fastest neural level"},
    {4, ModelSlot::small,    Profile::max,             21, 23, 21, "small neural model, nine hashed contexts"},
    {5, ModelSlot::standard, Profile::neural,          22, 23, 21, "standard neural model, small tables"},
    {6, ModelSlot::standard, Profile::neural,          22, 24, 22, "standard neural model"},
    {7, ModelSlot::standard, Profile::max,             22, 24, 22, "standard neural model, nine hashed contexts"},
    {8, ModelSlot::large,    Profile::neural,          23, 24, 22, "large neural model"},
    {9, ModelSlot::large,    Profile::max,             23, 24, 22, "large neural model, nine hashed contexts"},
};
constexpr int kLevelCount = static_cast<int>(sizeof kLevels / sizeof kLevels[0]);

// The levels of format version 1 (lmzip 0.1), which this library still
// decodes: their profiles learn at a constant rate.
constexpr LevelConfig kLevelsFormat1[] = {
    {1, ModelSlot::none,     Profile::fast,               20, 22, 18, "context mixing, fastest"},
    {2, ModelSlot::none,     Profile::context_mixing_v1,  21, 22, 20, "context mixing"},
    {3, ModelSlot::standard, Profile::neural_v1,          22, 23, 21, "standard neural model, small tables"},
    {4, ModelSlot::standard, Profile::neural_v1,          22, 23, 21, "standard neural model, small tables"},
    {5, ModelSlot::standard, Profile::neural_v1,          22, 24, 22, "standard neural model"},
    {6, ModelSlot::standard, Profile::neural_v1,          22, 24, 22, "standard neural model"},
    {7, ModelSlot::standard, Profile::neural_v1,          23, 24, 22, "standard neural model, large tables"},
    {8, ModelSlot::standard, Profile::neural_v1,          23, 24, 22, "standard neural model, large tables"},
    {9, ModelSlot::large,    Profile::neural_v1,          23, 24, 22, "large neural model, large tables"},
};

template <size_t N>
constexpr bool table_is_consistent(const LevelConfig (&table)[N]) {
  if (table[0].level != kMinLevel || static_cast<int>(N) != kMaxLevel - kMinLevel + 1) return false;
  for (size_t i = 0; i < N; ++i) {
    const LevelConfig& c = table[i];
    if (c.level != kMinLevel + static_cast<int>(i)) return false;
    if ((c.model != ModelSlot::none) != profile_uses_model(c.profile)) return false;
  }
  return kDefaultLevel >= kMinLevel && kDefaultLevel <= kMaxLevel;
}
static_assert(table_is_consistent(kLevels) && table_is_consistent(kLevelsFormat1),
              "levels are kMinLevel..kMaxLevel in order; a model exactly where the profile runs one");

}  // namespace

const LevelConfig* level_config(int level, int format_version) {
  if (level < kMinLevel || level > kMaxLevel) return nullptr;
  // Version 3 framed version 2's streams and sized their tables; its level
  // table is version 2's.
  if (format_version == 2 || format_version == 3) return &kLevels[level - kMinLevel];
  if (format_version == 1) return &kLevelsFormat1[level - kMinLevel];
  return nullptr;
}

const char* profile_name(Profile profile) {
  switch (profile) {
    case Profile::fast: return "fast";
    case Profile::context_mixing: return "cm";
    case Profile::neural: return "neural";
    case Profile::max: return "max";
    case Profile::context_mixing_v1: return "cm (format 1)";
    case Profile::neural_v1: return "neural (format 1)";
  }
  return "";
}

LevelConfig sized_config(const LevelConfig& config, int table_log) {
  if (table_log <= 0) return config;
  // At full size the levels keep 4 hash buckets and 4 window bytes per
  // position-table entry; smaller inputs keep 4 buckets per input byte, a
  // window as long as the input and the same window-to-table ratio.
  LevelConfig c = config;
  c.hash_bits = std::min(config.hash_bits, std::max(table_log + 2, 12));
  c.match_window_bits = std::min(config.match_window_bits, std::max(table_log, 12));
  c.match_table_bits = std::min(config.match_table_bits, std::max(table_log - 2, 10));
  return c;
}

int table_log_for(const LevelConfig& config, uint64_t size) {
  int log = kMinTableLog;
  while (log < 63 && (uint64_t{1} << log) < size) ++log;
  return same_tables(sized_config(config, log), config) ? 0 : log;
}

const LevelInfo* level_info(int level) {
  static const std::array<LevelInfo, kLevelCount> infos = [] {
    std::array<LevelInfo, kLevelCount> rows{};
    for (int i = 0; i < kLevelCount; ++i) {
      const LevelConfig& c = kLevels[i];
      rows[i] = {c.level, c.model, profile_name(c.profile), predictor_memory(c), c.summary};
    }
    return rows;
  }();
  const LevelConfig* c = level_config(level);
  return c ? &infos[static_cast<size_t>(c->level - kMinLevel)] : nullptr;
}

size_t memory_for_level(int level) {
  const LevelInfo* info = level_info(level);
  return info ? info->memory : 0;
}

bool level_uses_model(int level) {
  const LevelConfig* c = level_config(level);
  return c && c->model != ModelSlot::none;
}

namespace {
// Indexed by ModelSlot: its name and the model file the npm package ships.
struct SlotSpec {
  const char* name;
  const char* file;
};
constexpr SlotSpec kSlots[] = {
    {"none", ""}, {"standard", "default.lmzm"}, {"large", "large.lmzm"}, {"small", "small.lmzm"},
    {"standard-0.1", "default-0.1.lmzm"}};
static_assert(sizeof kSlots / sizeof kSlots[0] == kModelSlots);
}  // namespace

const char* model_slot_name(ModelSlot slot) { return kSlots[static_cast<int>(slot)].name; }
const char* model_slot_file(ModelSlot slot) { return kSlots[static_cast<int>(slot)].file; }

}  // namespace lmzip
