// Embind glue: exposes lmzip::Encoder / lmzip::Decoder to JavaScript. No
// logic of its own: JS copies a chunk into the wasm heap (malloc), calls
// push(pointer, length, last), copies out the bytes at
// outputPointer()/outputSize(), and while push() returned needs_output calls
// it again on the input after consumed().
#include <emscripten/bind.h>

#include <cstdint>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "lmzip.h"
#include "kernels/kernels.h"

namespace {

// One push() call writes at most this much output; JS drains it and pushes
// the rest of the input again, so the heap holds at most one chunk of output.
constexpr size_t kOutputChunk = size_t{1} << 20;

// Shared by both directions: one step of the core stream over the input at
// [pointer, pointer + length) into the output chunk, and how much input it
// used.
class Stream {
 public:
  size_t consumed() const { return consumed_; }
  uintptr_t outputPointer() const { return reinterpret_cast<uintptr_t>(output_.data()); }
  size_t outputSize() const { return output_size_; }

 protected:
  // Returns a lmzip::Status value (error on bad_alloc, reported as
  // out_of_memory).
  template <class Step>
  int run(uintptr_t pointer, size_t length, Step step) {
    consumed_ = output_size_ = 0;
    if (output_.empty()) {  // allocated once, not cleared per call
      try {
        output_.resize(kOutputChunk);
      } catch (const std::bad_alloc&) {
        out_of_memory_ = true;
        return static_cast<int>(lmzip::Status::error);
      }
    }
    lmzip::InBuffer in{reinterpret_cast<const uint8_t*>(pointer), length, 0};
    lmzip::OutBuffer out{output_.data(), output_.size(), 0};
    lmzip::Status status = step(in, out);
    output_size_ = out.pos;
    consumed_ = in.pos;
    return static_cast<int>(status);
  }
  int error_code(lmzip::Error core) const {
    return static_cast<int>(out_of_memory_ ? lmzip::Error::out_of_memory : core);
  }

 private:
  std::vector<uint8_t> output_;
  size_t output_size_ = 0;
  size_t consumed_ = 0;
  bool out_of_memory_ = false;
};

class StreamEncoder : public Stream {
 public:
  explicit StreamEncoder(int level) : encoder_(level) {}
  int push(uintptr_t pointer, size_t length, bool finish) {
    return run(pointer, length, [&](lmzip::InBuffer& in, lmzip::OutBuffer& out) {
      return encoder_.compress(in, out, finish);
    });
  }
  int error() const { return error_code(encoder_.error()); }
  double bytesIn() const { return static_cast<double>(encoder_.bytes_in()); }
  double bytesOut() const { return static_cast<double>(encoder_.bytes_out()); }
  void recordCosts() { encoder_.record_costs(); }
  // Moves the costs recorded so far (1/256 bits per input byte) to a buffer
  // JS reads at costsPointer(); returns their count.
  size_t takeCosts() {
    costs_.clear();
    encoder_.take_costs(costs_);
    return costs_.size();
  }
  uintptr_t costsPointer() const { return reinterpret_cast<uintptr_t>(costs_.data()); }

 private:
  lmzip::Encoder encoder_;
  std::vector<uint16_t> costs_;
};

class StreamDecoder : public Stream {
 public:
  // max_output < 0 means no limit (JS numbers hold integers up to 2^53).
  explicit StreamDecoder(double max_output) : decoder_(options(max_output)) {}
  int push(uintptr_t pointer, size_t length, bool end_of_input) {
    return run(pointer, length, [&](lmzip::InBuffer& in, lmzip::OutBuffer& out) {
      return decoder_.decompress(in, out, end_of_input);
    });
  }
  int error() const { return error_code(decoder_.error()); }
  int level() const { return decoder_.level(); }
  // The model id the stream needs (0 if none).
  double modelId() const { return decoder_.model_id(); }
  double bytesIn() const { return static_cast<double>(decoder_.bytes_in()); }
  double bytesOut() const { return static_cast<double>(decoder_.bytes_out()); }

 private:
  static lmzip::DecoderOptions options(double max_output) {
    lmzip::DecoderOptions o;
    if (max_output >= 0) o.max_output = static_cast<uint64_t>(max_output);
    return o;
  }
  lmzip::Decoder decoder_;
};

// Parses a model file at [pointer, pointer + length) and makes it the model
// of `level` (and of the levels sharing it: 3-8, or 9) for streams created
// afterwards. Returns "" or why the file was rejected.
std::string set_model(uintptr_t pointer, size_t length, int level) {
  if (!lmzip::level_uses_model(level)) return "level " + std::to_string(level) + " uses no model";
  std::string why;
  auto model = lmzip::Model::load(reinterpret_cast<const uint8_t*>(pointer), length, &why);
  if (!model) return why;
  lmzip::set_default_model(std::move(model), level);
  return "";
}
// The id of the model `level` uses (0: none loaded, or a level without one).
double model_id(int level) {
  auto model = lmzip::default_model(level);
  return model ? model->id() : 0;
}
bool level_uses_model(int level) { return lmzip::level_uses_model(level); }

std::string error_name(int code) { return lmzip::error_name(static_cast<lmzip::Error>(code)); }
std::string error_message(int code) {
  return lmzip::error_message(static_cast<lmzip::Error>(code));
}
double memory_for_level(int level) { return static_cast<double>(lmzip::memory_for_level(level)); }
std::string kernels() { return lmzip::kernels::best_names(); }

}  // namespace

EMSCRIPTEN_BINDINGS(lmzip) {
  using namespace emscripten;
  class_<Stream>("Stream")
      .function("consumed", &Stream::consumed)
      .function("outputPointer", &Stream::outputPointer)
      .function("outputSize", &Stream::outputSize);
  class_<StreamEncoder, base<Stream>>("StreamEncoder")
      .constructor<int>()
      .function("push", &StreamEncoder::push)
      .function("recordCosts", &StreamEncoder::recordCosts)
      .function("takeCosts", &StreamEncoder::takeCosts)
      .function("costsPointer", &StreamEncoder::costsPointer)
      .function("error", &StreamEncoder::error)
      .function("bytesIn", &StreamEncoder::bytesIn)
      .function("bytesOut", &StreamEncoder::bytesOut);
  class_<StreamDecoder, base<Stream>>("StreamDecoder")
      .constructor<double>()
      .function("push", &StreamDecoder::push)
      .function("error", &StreamDecoder::error)
      .function("level", &StreamDecoder::level)
      .function("modelId", &StreamDecoder::modelId)
      .function("bytesIn", &StreamDecoder::bytesIn)
      .function("bytesOut", &StreamDecoder::bytesOut);
  function("setModel", &set_model);
  function("modelId", &model_id);
  function("levelUsesModel", &level_uses_model);
  function("errorName", &error_name);
  function("errorMessage", &error_message);
  function("memoryForLevel", &memory_for_level);
  function("kernels", &kernels);
  constant("minLevel", lmzip::kMinLevel);
  constant("maxLevel", lmzip::kMaxLevel);
  constant("defaultLevel", lmzip::kDefaultLevel);
  constant("formatVersion", lmzip::kFormatVersion);
}
