// Embind glue: exposes lmzip::Encoder / lmzip::Decoder to JavaScript. No
// logic of its own: JS copies a chunk into the wasm heap (malloc), calls
// push(pointer, length, ...), then reads the produced bytes from
// outputPointer()/outputSize() and calls clearOutput().
#include <emscripten/bind.h>

#include <cstdint>
#include <string>
#include <vector>

#include "lmzip.h"
#include "mixer_kernels.h"

namespace {

// Runs `step(in, out)` until the input is consumed or the stream is done,
// growing `output` whenever the core asks for more room.
template <class Step>
int drive(std::vector<uint8_t>& output, uintptr_t pointer, size_t length, Step step) {
  lmzip::InBuffer in{reinterpret_cast<const uint8_t*>(pointer), length, 0};
  for (;;) {
    size_t used = output.size();
    size_t room = length / 2 + 65536;
    output.resize(used + room);
    lmzip::OutBuffer out{output.data() + used, room, 0};
    lmzip::Status status = step(in, out);
    output.resize(used + out.pos);
    if (status != lmzip::Status::needs_output) return static_cast<int>(status);
  }
}

class StreamEncoder {
 public:
  explicit StreamEncoder(int level) : encoder_(level) {}
  // Returns a lmzip::Status value.
  int push(uintptr_t pointer, size_t length, bool finish) {
    return drive(output_, pointer, length, [&](lmzip::InBuffer& in, lmzip::OutBuffer& out) {
      return encoder_.compress(in, out, finish);
    });
  }
  uintptr_t outputPointer() const { return reinterpret_cast<uintptr_t>(output_.data()); }
  size_t outputSize() const { return output_.size(); }
  void clearOutput() { output_.clear(); }
  int error() const { return static_cast<int>(encoder_.error()); }
  double bytesIn() const { return static_cast<double>(encoder_.bytes_in()); }
  double bytesOut() const { return static_cast<double>(encoder_.bytes_out()); }

 private:
  lmzip::Encoder encoder_;
  std::vector<uint8_t> output_;
};

class StreamDecoder {
 public:
  // max_output < 0 means no limit (JS numbers hold integers up to 2^53).
  explicit StreamDecoder(double max_output) : decoder_(options(max_output)) {}
  // Returns a lmzip::Status value; `consumed()` tells how much input the
  // stream used (bytes after its end stay unconsumed).
  int push(uintptr_t pointer, size_t length, bool end_of_input) {
    consumed_ = 0;
    return drive(output_, pointer, length, [&](lmzip::InBuffer& in, lmzip::OutBuffer& out) {
      lmzip::Status status = decoder_.decompress(in, out, end_of_input);
      consumed_ = in.pos;
      return status;
    });
  }
  size_t consumed() const { return consumed_; }
  uintptr_t outputPointer() const { return reinterpret_cast<uintptr_t>(output_.data()); }
  size_t outputSize() const { return output_.size(); }
  void clearOutput() { output_.clear(); }
  int error() const { return static_cast<int>(decoder_.error()); }
  int level() const { return decoder_.level(); }
  double bytesIn() const { return static_cast<double>(decoder_.bytes_in()); }
  double bytesOut() const { return static_cast<double>(decoder_.bytes_out()); }

 private:
  static lmzip::DecoderOptions options(double max_output) {
    lmzip::DecoderOptions o;
    if (max_output >= 0) o.max_output = static_cast<uint64_t>(max_output);
    return o;
  }
  lmzip::Decoder decoder_;
  std::vector<uint8_t> output_;
  size_t consumed_ = 0;
};

std::string error_name(int code) { return lmzip::error_name(static_cast<lmzip::Error>(code)); }
std::string error_message(int code) {
  return lmzip::error_message(static_cast<lmzip::Error>(code));
}
double memory_for_level(int level) { return static_cast<double>(lmzip::memory_for_level(level)); }
std::string kernels() { return LMZIP_KERNELS; }

}  // namespace

EMSCRIPTEN_BINDINGS(lmzip) {
  using namespace emscripten;
  class_<StreamEncoder>("StreamEncoder")
      .constructor<int>()
      .function("push", &StreamEncoder::push)
      .function("outputPointer", &StreamEncoder::outputPointer)
      .function("outputSize", &StreamEncoder::outputSize)
      .function("clearOutput", &StreamEncoder::clearOutput)
      .function("error", &StreamEncoder::error)
      .function("bytesIn", &StreamEncoder::bytesIn)
      .function("bytesOut", &StreamEncoder::bytesOut);
  class_<StreamDecoder>("StreamDecoder")
      .constructor<double>()
      .function("push", &StreamDecoder::push)
      .function("consumed", &StreamDecoder::consumed)
      .function("outputPointer", &StreamDecoder::outputPointer)
      .function("outputSize", &StreamDecoder::outputSize)
      .function("clearOutput", &StreamDecoder::clearOutput)
      .function("error", &StreamDecoder::error)
      .function("level", &StreamDecoder::level)
      .function("bytesIn", &StreamDecoder::bytesIn)
      .function("bytesOut", &StreamDecoder::bytesOut);
  function("errorName", &error_name);
  function("errorMessage", &error_message);
  function("memoryForLevel", &memory_for_level);
  function("kernels", &kernels);
  constant("minLevel", lmzip::kMinLevel);
  constant("maxLevel", lmzip::kMaxLevel);
  constant("defaultLevel", lmzip::kDefaultLevel);
  constant("formatVersion", lmzip::kFormatVersion);
}
