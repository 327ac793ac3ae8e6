// Model loading and the model built into native builds.
#include <mutex>
#include <new>

#include "levels.h"
#include "lmzip.h"
#include "nn/byte_model.h"
#include "tables.h"

// The model files embedded at build time (CMake sets the paths): the
// defaults of the standard, large and small model slots.
#define LMZIP_EMBED(name, path)                                         \
  __asm__(".section .rodata\n"                                          \
          ".balign 16\n" #name "_begin:\n"                              \
          ".incbin \"" path "\"\n" #name "_end:\n"                       \
          ".previous\n");                                               \
  extern "C" __attribute__((visibility("hidden"))) const uint8_t        \
      name##_begin[] __asm__(#name "_begin");                           \
  extern "C" __attribute__((visibility("hidden"))) const uint8_t        \
      name##_end[] __asm__(#name "_end");
// Hidden: the labels are local to this file, so the compiler must address
// them PC-relative, not through the GOT. A GOT load of the end label becomes
// a GOT relocation against .rodata + offset, whose offset GNU ld drops on
// aarch64 (end == begin: the built-in model was empty there).
#if defined(LMZIP_DEFAULT_MODEL)
LMZIP_EMBED(lmzip_default_model, LMZIP_DEFAULT_MODEL)
#endif
#if defined(LMZIP_LARGE_MODEL)
LMZIP_EMBED(lmzip_large_model, LMZIP_LARGE_MODEL)
#endif
#if defined(LMZIP_SMALL_MODEL)
LMZIP_EMBED(lmzip_small_model, LMZIP_SMALL_MODEL)
#endif
#if defined(LMZIP_STANDARD_0_1_MODEL)
LMZIP_EMBED(lmzip_standard_0_1_model, LMZIP_STANDARD_0_1_MODEL)
#endif

namespace lmzip {

Model::Model() = default;
Model::~Model() = default;

std::shared_ptr<const Model> Model::load(const uint8_t* data, size_t size, std::string* why) {
  std::string reason;
  std::shared_ptr<Model> model;
  try {
    nn::FileHeader header;
    const nn::Architecture* arch = nullptr;
    if (!nn::parse_file_header(data, size, header, reason)) {
      if (why) *why = data ? reason : "no model data";
      return nullptr;
    }
    if (!(arch = nn::find_architecture(header.architecture))) {
      if (why) *why = "unknown model architecture " + std::to_string(header.architecture);
      return nullptr;
    }
    model.reset(new Model());
    if (!(model->byte_model_ = arch->parse(data, size, reason))) {
      if (why) *why = reason;
      return nullptr;
    }
    model->id_ = crc32_update(0, data, size);
    if (model->id_ == 0) {
      // Streams naming id 0 are corrupt (FORMAT.md), so no model may have
      // it (one file in 2^32; changing any weight gives another id).
      if (why) *why = "its id, the CRC-32 of the file, is 0, which no stream may name";
      return nullptr;
    }
    model->description_ = model->byte_model_->description();
  } catch (const std::bad_alloc&) {
    if (why) *why = "out of memory";
    return nullptr;
  }
  return model;
}

namespace {

// The models built in, indexed by ModelSlot ({nullptr, nullptr}: none).
struct Embedded {
  const uint8_t *begin, *end;
};
const Embedded kEmbedded[kModelSlots] = {
    {nullptr, nullptr},
#if defined(LMZIP_DEFAULT_MODEL)
    {lmzip_default_model_begin, lmzip_default_model_end},
#else
    {nullptr, nullptr},
#endif
#if defined(LMZIP_LARGE_MODEL)
    {lmzip_large_model_begin, lmzip_large_model_end},
#else
    {nullptr, nullptr},
#endif
#if defined(LMZIP_SMALL_MODEL)
    {lmzip_small_model_begin, lmzip_small_model_end},
#else
    {nullptr, nullptr},
#endif
#if defined(LMZIP_STANDARD_0_1_MODEL)
    {lmzip_standard_0_1_model_begin, lmzip_standard_0_1_model_end},
#else
    {nullptr, nullptr},
#endif
};

// Each slot is loaded on first use: a process that runs one level parses
// one model (a short input otherwise spends most of its time loading the
// others). A damaged build-time file makes the levels that use it fail
// with model_not_loaded rather than crash.
class DefaultModels {
 public:
  std::shared_ptr<const Model> get(size_t slot) {
    std::lock_guard<std::mutex> guard(lock_);
    return loaded(slot);
  }
  void set(size_t slot, std::shared_ptr<const Model> model) {
    std::lock_guard<std::mutex> guard(lock_);
    slots_[slot] = std::move(model);
    tried_[slot] = true;
  }
  std::shared_ptr<const Model> find(uint32_t id) {
    std::lock_guard<std::mutex> guard(lock_);
    for (size_t slot = 1; slot < kModelSlots; ++slot) {
      // A built-in file not parsed yet is parsed only if its id is the one
      // sought (a model's id is the CRC-32 of its file).
      const Embedded& e = kEmbedded[slot];
      if (!tried_[slot] && e.begin && crc32_update(0, e.begin, static_cast<size_t>(e.end - e.begin)) != id) continue;
      if (auto model = loaded(slot); model && model->id() == id) return model;
    }
    return nullptr;
  }

 private:
  const std::shared_ptr<const Model>& loaded(size_t slot) {
    if (!tried_[slot]) {
      tried_[slot] = true;
      const Embedded& e = kEmbedded[slot];
      if (e.begin) slots_[slot] = Model::load(e.begin, static_cast<size_t>(e.end - e.begin));
    }
    return slots_[slot];
  }

  std::mutex lock_;
  std::shared_ptr<const Model> slots_[kModelSlots];
  bool tried_[kModelSlots] = {};
};

DefaultModels& default_models() {
  static DefaultModels models;
  return models;
}

// The slot of `level`'s model, or 0 (none) for a level without one.
size_t slot_of(int level) {
  const LevelConfig* config = level_config(level);
  return config ? static_cast<size_t>(config->model) : 0;
}

}  // namespace

std::shared_ptr<const Model> default_model(int level) {
  size_t slot = slot_of(level);
  if (!slot) return nullptr;
  return default_models().get(slot);
}

bool set_default_model(std::shared_ptr<const Model> model, int level) {
  size_t slot = slot_of(level);
  if (!slot) return false;
  default_models().set(slot, std::move(model));
  return true;
}

bool set_slot_model(std::shared_ptr<const Model> model, ModelSlot slot) {
  const size_t index = static_cast<size_t>(slot);
  if (index == 0 || index >= kModelSlots) return false;
  default_models().set(index, std::move(model));
  return true;
}

std::shared_ptr<const Model> find_default_model(uint32_t id) {
  return default_models().find(id);
}

}  // namespace lmzip
