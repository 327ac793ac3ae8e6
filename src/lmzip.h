// lmzip — lossless compression with context mixing (and, from format level
// support onward, a neural language model). This is the one public header.
//
// Streaming model (as in zstd/brotli): the caller owns an input buffer
// {src,size,pos} and an output buffer {dst,size,pos}; each call consumes
// input from `pos` and writes output from `pos`, advancing both, and returns a
// Status telling what it needs next. Memory is bounded by the level, never by
// the input size.
//
// The compressed bytes are identical on every platform: the coding path uses
// integer arithmetic only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace lmzip {

constexpr int kMinLevel = 1;
constexpr int kMaxLevel = 9;
constexpr int kDefaultLevel = 6;
constexpr int kFormatVersion = 1;

// Every failure has a stable code; error_name() gives its identifier
// ("LMZ_ERR_CORRUPT_DATA"), error_message() a sentence for humans.
enum class Error : int {
  ok = 0,
  invalid_argument = 1,     // bad level, null buffer, call after an error
  not_lmzip = 2,            // magic bytes do not match
  unsupported_version = 3,  // format version newer than this library
  corrupt_header = 4,       // header fields out of range / unknown flags
  model_mismatch = 5,       // stream needs a model this library lacks
  corrupt_data = 6,         // block structure or coded payload invalid
  checksum_mismatch = 7,    // CRC-32 of the output differs
  length_mismatch = 8,      // length in the trailer differs
  truncated = 9,            // input ended before the stream did
  output_limit = 10,        // decompressed size exceeds max_output
  out_of_memory = 11,       // model tables could not be allocated
};

const char* error_name(Error e);
const char* error_message(Error e);

enum class Status : int {
  needs_input = 0,   // all input consumed; feed more (or finish)
  needs_output = 1,  // output buffer full; drain it and call again
  done = 2,          // stream complete (all output written)
  error = 3,         // see error()
};

struct InBuffer {
  const uint8_t* src = nullptr;
  size_t size = 0;
  size_t pos = 0;
};

struct OutBuffer {
  uint8_t* dst = nullptr;
  size_t size = 0;
  size_t pos = 0;
};

// Bytes of memory the model of `level` allocates (the same for encoder and
// decoder); 0 for an invalid level.
size_t memory_for_level(int level);

namespace nn {
struct GruModel;
}

// A neural language model file (docs/MODEL_FORMAT.md), parsed and validated
// once; immutable, so any number of encoders and decoders may share it.
class Model {
 public:
  // Parses a model file; on failure returns nullptr and, if `why` is given,
  // says what is wrong with it.
  static std::shared_ptr<const Model> load(const uint8_t* data, size_t size,
                                           std::string* why = nullptr);
  ~Model();
  // The id recorded in streams that need this model (CRC-32 of the file).
  uint32_t id() const;
  int hidden_size() const;
  const nn::GruModel& gru() const { return *gru_; }

 private:
  Model();
  std::unique_ptr<nn::GruModel> gru_;
};

// The default models: the standard one of levels 3-8 (models/default.lmzm)
// and the large one of level 9 (models/large.lmzm). Native builds have both
// built in; the WebAssembly module has none until JavaScript passes their
// bytes (set_default_model).
//
// The model that streams of `level` use when no other is given; nullptr for
// a level without a neural model or when that model is not loaded.
std::shared_ptr<const Model> default_model(int level = kDefaultLevel);
// Makes `model` the default of `level` and of the levels that share its
// model (3-8, or 9) from now on; streams already created keep theirs.
// Returns false for a level without a neural model.
bool set_default_model(std::shared_ptr<const Model> model, int level = kDefaultLevel);
// The default model whose id is `id`, or nullptr: what a decoder uses.
std::shared_ptr<const Model> find_default_model(uint32_t id);

// Whether streams of `level` are predicted with a neural model.
bool level_uses_model(int level);

class Encoder {
 public:
  // Levels that use a neural model (level_uses_model) use `model`, or
  // default_model(level) when it is null; without either the encoder fails
  // with Error::model_mismatch.
  explicit Encoder(int level = kDefaultLevel, std::shared_ptr<const Model> model = nullptr);
  ~Encoder();
  Encoder(const Encoder&) = delete;
  Encoder& operator=(const Encoder&) = delete;

  // Consumes input and produces output. `finish` = no input follows what is
  // in `in`: the encoder then writes the final block and trailer and returns
  // done once every byte is in `out`. Without `finish` it returns
  // needs_input when `in` is consumed (output may lag the input by up to
  // one block, 1 MiB), or needs_output when `out` is full.
  Status compress(InBuffer& in, OutBuffer& out, bool finish);

  Error error() const;
  uint64_t bytes_in() const;
  uint64_t bytes_out() const;

  // Optional, for visualisations: records what each input byte costs in the
  // output, in 1/256 bits: -log2 of the probabilities the coder used for its
  // 8 bits, or 8 bits for a byte of a block that was stored. Call before the
  // first compress().
  void record_costs();
  // Appends the costs of the bytes whose block is written to `out`, in input
  // order, and forgets them.
  void take_costs(std::vector<uint16_t>& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct DecoderOptions {
  // Decompression stops with Error::output_limit beyond this many bytes.
  uint64_t max_output = UINT64_MAX;
  // The model for streams that need one; when null, the default model with
  // the id the stream names (find_default_model). A stream whose model is
  // not at hand fails with Error::model_mismatch (Decoder::model_id() names
  // the one needed).
  std::shared_ptr<const Model> model;
};

class Decoder {
 public:
  explicit Decoder(DecoderOptions options = {});
  ~Decoder();
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  // Consumes input and produces output. `end_of_input` = `in` holds the last
  // input bytes: a stream that is not complete then fails with
  // Error::truncated instead of returning needs_input. Returns done once the
  // trailer has been verified; bytes after the stream stay unconsumed in
  // `in` (in.pos points at them).
  Status decompress(InBuffer& in, OutBuffer& out, bool end_of_input = false);

  Error error() const;
  uint64_t bytes_in() const;
  uint64_t bytes_out() const;
  // Level recorded in the stream header (0 until the header was read).
  int level() const;
  // Model id recorded in the stream header (0 when it needs no model).
  uint32_t model_id() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One-shot helpers over the streaming classes.
Error compress(const uint8_t* data, size_t size, std::vector<uint8_t>& out,
               int level = kDefaultLevel, std::shared_ptr<const Model> model = nullptr);
Error decompress(const uint8_t* data, size_t size, std::vector<uint8_t>& out,
                 DecoderOptions options = {});

}  // namespace lmzip
