// Model loading and the model built into native builds.
#include <mutex>
#include <new>

#include "lmzip.h"
#include "nn/gru_model.h"
#include "predictor.h"

// The model files embedded at build time (CMake sets the paths): the
// standard model of levels 3-8 and the large model of level 9.
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

namespace lmzip {

Model::Model() : gru_(std::make_unique<nn::GruModel>()) {}
Model::~Model() = default;

std::shared_ptr<const Model> Model::load(const uint8_t* data, size_t size, std::string* why) {
  std::string reason;
  std::shared_ptr<Model> model;
  try {
    model.reset(new Model());
    if (!data || !nn::GruModel::parse(data, size, *model->gru_, reason)) {
      if (why) *why = data ? reason : "no model data";
      return nullptr;
    }
  } catch (const std::bad_alloc&) {
    if (why) *why = "out of memory";
    return nullptr;
  }
  return model;
}

uint32_t Model::id() const { return gru_->id; }
int Model::hidden_size() const { return gru_->hidden; }

namespace {

// A damaged build-time file makes the levels that use it fail with
// model_mismatch rather than crash.
std::shared_ptr<const Model> embedded(const uint8_t* begin, const uint8_t* end) {
  return Model::load(begin, static_cast<size_t>(end - begin));
}

struct DefaultModels {
  std::mutex lock;
  // [0]: levels 3-8, [1]: level 9 (LevelConfig::lm - 1).
  std::shared_ptr<const Model> slots[2] = {
#if defined(LMZIP_DEFAULT_MODEL)
      embedded(lmzip_default_model_begin, lmzip_default_model_end),
#else
      nullptr,
#endif
#if defined(LMZIP_LARGE_MODEL)
      embedded(lmzip_large_model_begin, lmzip_large_model_end),
#else
      nullptr,
#endif
  };
};

DefaultModels& default_models() {
  static DefaultModels models;
  return models;
}

// The slot of `level`'s model, or -1 for a level without one.
int slot_of(int level) {
  LevelConfig config;
  return level_config(level, config) && config.lm ? config.lm - 1 : -1;
}

}  // namespace

std::shared_ptr<const Model> default_model(int level) {
  int slot = slot_of(level);
  if (slot < 0) return nullptr;
  DefaultModels& d = default_models();
  std::lock_guard<std::mutex> guard(d.lock);
  return d.slots[slot];
}

bool set_default_model(std::shared_ptr<const Model> model, int level) {
  int slot = slot_of(level);
  if (slot < 0) return false;
  DefaultModels& d = default_models();
  std::lock_guard<std::mutex> guard(d.lock);
  d.slots[slot] = std::move(model);
  return true;
}

std::shared_ptr<const Model> find_default_model(uint32_t id) {
  DefaultModels& d = default_models();
  std::lock_guard<std::mutex> guard(d.lock);
  for (const auto& model : d.slots)
    if (model && model->id() == id) return model;
  return nullptr;
}

bool level_uses_model(int level) { return slot_of(level) >= 0; }

}  // namespace lmzip
