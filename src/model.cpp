// Model loading and the model built into native builds.
#include <mutex>
#include <new>

#include "lmzip.h"
#include "nn/gru_model.h"
#include "predictor.h"

#if defined(LMZIP_DEFAULT_MODEL)
// The default model file, embedded at build time (CMake sets the path).
__asm__(".section .rodata\n"
        ".balign 16\n"
        "lmzip_default_model_begin:\n"
        ".incbin \"" LMZIP_DEFAULT_MODEL "\"\n"
        "lmzip_default_model_end:\n"
        ".previous\n");
extern "C" const uint8_t lmzip_default_model_begin[] __asm__("lmzip_default_model_begin");
extern "C" const uint8_t lmzip_default_model_end[] __asm__("lmzip_default_model_end");
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

std::shared_ptr<const Model> built_in_model() {
#if defined(LMZIP_DEFAULT_MODEL)
  // A damaged build-time file would make every neural level fail with
  // model_mismatch rather than crash.
  return Model::load(lmzip_default_model_begin,
                     static_cast<size_t>(lmzip_default_model_end - lmzip_default_model_begin));
#else
  return nullptr;
#endif
}

struct DefaultModel {
  std::mutex lock;
  std::shared_ptr<const Model> model = built_in_model();
};

DefaultModel& default_slot() {
  static DefaultModel slot;
  return slot;
}

}  // namespace

std::shared_ptr<const Model> default_model() {
  DefaultModel& d = default_slot();
  std::lock_guard<std::mutex> guard(d.lock);
  return d.model;
}

void set_default_model(std::shared_ptr<const Model> model) {
  DefaultModel& d = default_slot();
  std::lock_guard<std::mutex> guard(d.lock);
  d.model = std::move(model);
}

bool level_uses_model(int level) {
  LevelConfig config;
  return level_config(level, config) && config.lm;
}

}  // namespace lmzip
