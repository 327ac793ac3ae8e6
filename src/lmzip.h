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
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace lmzip {

constexpr int kMinLevel = 1;
constexpr int kMaxLevel = 9;
constexpr int kDefaultLevel = 6;
// The format version this library writes, and the oldest it decodes (the
// two differ in how the predictor mixes: docs/FORMAT.md).
constexpr int kFormatVersion = 3;
constexpr int kOldestFormatVersion = 1;

// Every failure has a stable code; error_name() gives its identifier
// ("LMZ_ERR_CORRUPT_DATA"), error_message() a sentence for humans. This list
// is the only place they are written: the enum, the names, the messages, the
// JavaScript constants and the TypeScript declaration (checked by a test)
// all come from it. X(id, code, name, message); codes never change meaning.
#define LMZIP_ERROR_LIST(X)                                                                     \
  X(ok, 0, "LMZ_OK", "no error")                                                                \
  X(invalid_argument, 1, "LMZ_ERR_INVALID_ARGUMENT", "invalid argument")                        \
  X(not_lmzip, 2, "LMZ_ERR_NOT_LMZIP", "not in lmzip format")                                   \
  X(unsupported_version, 3, "LMZ_ERR_UNSUPPORTED_VERSION",                                      \
    "written by a newer lmzip (unsupported format version)")                                    \
  X(corrupt_header, 4, "LMZ_ERR_CORRUPT_HEADER", "corrupt header")                              \
  /* a model is at hand, but not the one whose id the stream names */                           \
  X(model_mismatch, 5, "LMZ_ERR_MODEL_MISMATCH", "needs another neural model than the one at hand") \
  X(corrupt_data, 6, "LMZ_ERR_CORRUPT_DATA", "corrupt compressed data")                         \
  X(checksum_mismatch, 7, "LMZ_ERR_CHECKSUM_MISMATCH", "checksum mismatch (data corrupt)")      \
  X(length_mismatch, 8, "LMZ_ERR_LENGTH_MISMATCH", "length mismatch (data corrupt)")            \
  X(truncated, 9, "LMZ_ERR_TRUNCATED", "unexpected end of input (truncated)")                   \
  X(output_limit, 10, "LMZ_ERR_OUTPUT_LIMIT", "decompressed size exceeds the limit")            \
  X(out_of_memory, 11, "LMZ_ERR_OUT_OF_MEMORY", "out of memory")                                \
  /* the level needs a neural model and none is loaded for it */                                \
  X(model_not_loaded, 12, "LMZ_ERR_MODEL_NOT_LOADED", "needs a neural model and none is loaded")

enum class Error : int {
#define LMZIP_ERROR_ENUM(id, code, name, message) id = code,
  LMZIP_ERROR_LIST(LMZIP_ERROR_ENUM)
#undef LMZIP_ERROR_ENUM
};

// Every code, in the order of the list.
constexpr Error kErrors[] = {
#define LMZIP_ERROR_VALUE(id, code, name, message) Error::id,
    LMZIP_ERROR_LIST(LMZIP_ERROR_VALUE)
#undef LMZIP_ERROR_VALUE
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

// ---------------------------------------------------------------- levels
// The level table (src/levels.cpp) is the one place that says what a level
// is; every shell (CLI, npm package, web demo, bench) reads it from here.

// The neural model a level uses: none, or one of the default models (shared
// by every level that names the same slot). `standard_0_1` is used by no
// level: it holds lmzip 0.1's standard model (GRU-256, id 55c460db), kept so
// that the streams that name it still decode (find_default_model).
enum class ModelSlot : int { none = 0, standard = 1, large = 2, small = 3, standard_0_1 = 4 };
constexpr int kModelSlots = 5;

struct LevelInfo {
  int level;
  ModelSlot model;
  // The predictor profile: "fast" (one mixer over few contexts), "cm" (six
  // hashed contexts, mixer network and APM stages), "neural" (cm + the neural
  // model as mixer inputs, mixers and APMs keyed by it) or "max" (neural with
  // three more hashed contexts).
  const char* profile;
  size_t memory;  // bytes the encoder or decoder of this level allocates
  const char* summary;  // one line for help texts
};

// The row of `level`, or nullptr for a level outside kMinLevel..kMaxLevel.
const LevelInfo* level_info(int level);
// Bytes of memory the model of `level` allocates (the same for encoder and
// decoder); 0 for an invalid level.
size_t memory_for_level(int level);
// Whether streams of `level` are predicted with a neural model.
bool level_uses_model(int level);
// "none", "standard", "large", "small", "standard-0.1"; and the file the npm
// package ships for a slot ("default.lmzm", "large.lmzm", "small.lmzm",
// "default-0.1.lmzm"; "" for none).
const char* model_slot_name(ModelSlot slot);
const char* model_slot_file(ModelSlot slot);

// ---------------------------------------------------------------- models

namespace nn {
class ByteModel;
}

// A neural language model file (docs/MODEL_FORMAT.md), parsed and validated
// once; immutable, so any number of encoders and decoders may share it. The
// file's architecture field selects the implementation (one table,
// src/nn/architectures.cpp).
class Model {
 public:
  // Parses a model file; on failure returns nullptr and, if `why` is given,
  // says what is wrong with it.
  static std::shared_ptr<const Model> load(const uint8_t* data, size_t size,
                                           std::string* why = nullptr);
  ~Model();
  // The id recorded in streams that need this model (CRC-32 of the file).
  uint32_t id() const { return id_; }
  // What the file holds: its architecture and size, for listings and logs.
  const std::string& description() const { return description_; }
  // The architecture's implementation (internal: the predictor uses it).
  const nn::ByteModel& byte_model() const { return *byte_model_; }

 private:
  Model();
  std::unique_ptr<nn::ByteModel> byte_model_;
  uint32_t id_ = 0;
  std::string description_;
};

// The default models: the one of each ModelSlot (models/default.lmzm,
// models/large.lmzm, models/small.lmzm, models/default-0.1.lmzm). Native builds have them built in; the WebAssembly
// module has none until JavaScript passes their bytes (set_default_model).
//
// The model that streams of `level` use when no other is given; nullptr for
// a level without a neural model or when that model is not loaded.
std::shared_ptr<const Model> default_model(int level = kDefaultLevel);
// Makes `model` the default of `level`'s slot (so of every level sharing
// it) from now on; streams already created keep theirs. Returns false for a
// level without a neural model.
bool set_default_model(std::shared_ptr<const Model> model, int level = kDefaultLevel);
// The same for a slot, levels or not (the WebAssembly module's kept models).
bool set_slot_model(std::shared_ptr<const Model> model, ModelSlot slot);
// The default model whose id is `id`, or nullptr: what a decoder uses.
std::shared_ptr<const Model> find_default_model(uint32_t id);

// ---------------------------------------------------------------- header

// What the header at the start of a stream says (docs/FORMAT.md); see
// peek_header().
struct StreamHeader {
  int format_version = 0;
  int level = 0;
  uint8_t flags = 0;
  uint32_t model_id = 0;   // 0 when the level uses no model
  size_t header_size = 0;  // bytes of the header, the first block follows
  // From format version 3: the frame is one of a framed file's (another
  // frame or the seek table follows), and its tables are sized for at most
  // 2^table_log input bytes (0: the level's full tables).
  bool framed = false;
  int table_log = 0;
};

// Reads the header at the start of `data` without decoding anything (like
// ZSTD_getFrameHeader). Returns ok, truncated when `size` is too short for
// it, or the error the decoder would report for it.
Error peek_header(const uint8_t* data, size_t size, StreamHeader& header);

// ---------------------------------------------------------------- frames
// A file is one frame, or a sequence of independent frames (each decodable
// alone: its own model state, tables and checksum) ending with a seek table
// that gives each frame's compressed and original size (docs/FORMAT.md).
// Files written one after another decode as the concatenation of their
// contents.

constexpr uint64_t kUnknownSize = UINT64_MAX;
// Frames of this many input bytes, unless the caller chooses (docs/FORMAT.md
// has the measurements behind it).
constexpr uint64_t kDefaultFrameSize = uint64_t{8} << 20;
constexpr uint64_t kMinFrameSize = 1024;
constexpr uint64_t kMaxFrameSize = uint64_t{1} << 30;
constexpr int kMaxThreads = 256;

// Bytes of table memory the encoder or decoder of `level` allocates for a
// frame of `size` input bytes (kUnknownSize: memory_for_level); 0 for an
// invalid level.
size_t memory_for_input(int level, uint64_t size);

struct EncoderOptions {
  int level = kDefaultLevel;
  // Levels that use a neural model (level_uses_model) use `model`, or
  // default_model(level) when it is null; without either the encoder fails
  // with Error::model_not_loaded.
  std::shared_ptr<const Model> model;
  // The input's size when it is known (a file, a one-shot call): the tables
  // are sized to it, so a small input needs little memory. The header
  // records the size class, so the bytes depend on the hint; a wrong hint
  // costs ratio or memory, never correctness.
  uint64_t size_hint = kUnknownSize;
  // Input bytes per frame, kMinFrameSize..kMaxFrameSize, or 0 for one frame
  // however long the input. An input known (size_hint) to fit one frame is
  // written as a single frame without a seek table.
  uint64_t frame_size = kDefaultFrameSize;
  // Frames compressed at once, each on its own thread (1: the caller's
  // thread only; 0: one per core). The bytes written never depend on it;
  // memory grows with it (threads x (memory_for_input + 2 x frame_size)).
  // Builds without threads (WebAssembly) use 1.
  int threads = 1;
};

class Encoder;
Error compress_frame(const uint8_t* data, size_t size, uint64_t index, bool framed, std::vector<uint8_t>& out,
                     EncoderOptions options);

class Encoder {
 public:
  explicit Encoder(EncoderOptions options);
  // Encoder({level, model}) with the other options' defaults.
  explicit Encoder(int level = kDefaultLevel, std::shared_ptr<const Model> model = nullptr);
  ~Encoder();
  Encoder(const Encoder&) = delete;
  Encoder& operator=(const Encoder&) = delete;

  // Consumes input and produces output. `finish` = no input follows what is
  // in `in`: the encoder then writes the final block and trailer (and the
  // seek table) and returns done once every byte is in `out`. Without
  // `finish` it returns needs_input when `in` is consumed (output may lag
  // the input by up to one block, 1 MiB; with threads, by up to threads
  // frames), or needs_output when `out` is full.
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
  friend Error compress_frame(const uint8_t*, size_t, uint64_t, bool, std::vector<uint8_t>&, EncoderOptions);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct DecoderOptions {
  // Decompression stops with Error::output_limit beyond this many bytes.
  uint64_t max_output = UINT64_MAX;
  // The model for streams that need one; when null, the default model with
  // the id the stream names (find_default_model). A stream whose model is
  // not at hand fails with Error::model_mismatch when some other model is
  // (this one, or the default of the stream's level), with
  // Error::model_not_loaded when none is; Decoder::model_id() names the one
  // needed.
  std::shared_ptr<const Model> model;
  // Decode one frame (framed or not: a seek table entry's bytes) and stop
  // after its trailer, as a file's end; what follows stays in `in`.
  bool one_frame = false;
};

class Decoder {
 public:
  explicit Decoder(DecoderOptions options = {});
  ~Decoder();
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  // Consumes input and produces output: every frame of the file, and of
  // the lmzip files that follow it (concatenated files decode as the
  // concatenation of their contents). `end_of_input` = `in` holds the last
  // input bytes: a file that is not complete then fails with
  // Error::truncated instead of returning needs_input. Returns done at the
  // end of the input after a complete file, or when the bytes after a file
  // are not another lmzip file: they stay unconsumed in `in` (in.pos points
  // at them; the one-shot decompress() calls them corrupt_data).
  Status decompress(InBuffer& in, OutBuffer& out, bool end_of_input = false);

  Error error() const;
  uint64_t bytes_in() const;
  uint64_t bytes_out() const;
  // Level recorded in the header of the frame being decoded (0 until one was
  // read).
  int level() const;
  // Model id recorded in that header (0 when it needs no model).
  uint32_t model_id() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Walks a stream's structure (headers, block headers, trailers, seek
// tables) without decoding it: what a listing (lmzip -l) shows. Needs no
// model and little memory; it does not verify the checksums (only decoding
// can), but it does check each seek table against the frames before it.
struct FrameInfo {
  StreamHeader header;
  uint64_t offset = 0;           // of its header, from the start of the input
  uint64_t compressed_size = 0;  // header to trailer
  uint64_t original_size = 0;
  uint64_t blocks = 0;
  uint64_t stored_blocks = 0;  // blocks kept as they were (incompressible)
  uint32_t checksum = 0;       // the trailer's CRC-32 of the frame's original
};
struct StreamInfo {
  StreamHeader header;           // of the first frame
  uint64_t compressed_size = 0;  // bytes of every file, seek tables included
  uint64_t original_size = 0;
  uint64_t blocks = 0;
  uint64_t stored_blocks = 0;
  uint64_t frames = 0;
  uint64_t files = 0;        // lmzip files one after another
  uint32_t checksum = 0;     // of the single frame; 0 when there are several
};

class StreamScanner {
 public:
  StreamScanner();
  ~StreamScanner();
  StreamScanner(const StreamScanner&) = delete;
  StreamScanner& operator=(const StreamScanner&) = delete;

  // Called with each frame once its trailer has been read.
  explicit StreamScanner(std::function<void(const FrameInfo&)> on_frame);

  // As Decoder::decompress, without output: returns done when it would
  // (bytes after the files stay in `in`), needs_input, or error (truncated
  // at the end of input).
  Status scan(InBuffer& in, bool end_of_input = false);
  Error error() const;
  // Complete once scan() returned done; the header from when it was read.
  const StreamInfo& info() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// ---------------------------------------------------------------- random access

// One frame of a framed file, from its seek table.
struct SeekEntry {
  uint64_t compressed_offset = 0;  // of its header in `data`
  uint64_t compressed_size = 0;
  uint64_t original_offset = 0;    // of its first byte in its file's content
  uint64_t original_size = 0;
};
// Reads the seek table that ends data[0..size): the frames of the framed
// file that ends there, which start at frames[0].compressed_offset (0 unless
// other files come before it). ok; not_lmzip when the data ends with no
// table (a file of one frame, or not lmzip); corrupt_data when the table is
// damaged or its frames do not fit. Checks the table's own CRC-32 only: the
// frames are checked when they are decoded.
// A reader with random access may pass only the end of the file: `data`
// then holds its last `size` bytes, `file_size` is the whole file's (the
// table's size is seek_table_size() of its last kSeekFooterSize bytes).
Error read_seek_table(const uint8_t* data, size_t size, std::vector<SeekEntry>& frames, uint64_t file_size = 0);
constexpr size_t kSeekFooterSize = 12;
// The bytes of the seek table that the 12 bytes `footer` end (count, CRC,
// magic), or 0 when they end none.
size_t seek_table_size(const uint8_t* footer);
// Decodes `count` frames of a framed file (seek table entries of `data`,
// consecutive) on up to `threads` threads (0: one per core; 1 in builds
// without threads) and appends their content, in order, to `out`. Each frame
// must be a framed file's and decode to its entry's size, else corrupt_data;
// options.max_output bounds what is appended.
Error decompress_frames(const uint8_t* data, const SeekEntry* frames, size_t count, std::vector<uint8_t>& out,
                        DecoderOptions options = {}, int threads = 1);
// The original bytes [offset, offset + length) of the file data[0..size)
// (clamped to its content), decoding only the frames that cover them when
// the file has a seek table, else the whole file.
Error decompress_range(const uint8_t* data, size_t size, uint64_t offset, uint64_t length,
                       std::vector<uint8_t>& out, DecoderOptions options = {});

// Frames compressed apart (in Web Workers, other processes) and joined give
// the Encoder's file. compress_frame() writes frame `index` of the file that
// Encoder(options) writes (options.size_hint: the input's size, or
// kUnknownSize as for a stream; options.threads is ignored) from that
// frame's input alone, data[0..size): the input bytes from index x
// options.frame_size on, frame_size of them but in the last frame. `framed`:
// the file has more than one frame (with a known size_hint exactly when it
// exceeds frame_size; else when the input turned out longer than one
// frame). invalid_argument for a frame the Encoder never writes (an index
// or size that does not fit). Joined in order, and for a framed file
// followed by write_seek_table() of their sizes, the frames are the bytes
// of compress() / Encoder for the same input and options.
// (Declared above Encoder, which befriends it.)
// Appends to `out` the seek table of `count` frames (compressed_size and
// original_size of each; the offsets are not used): what ends a framed file.
Error write_seek_table(const SeekEntry* frames, size_t count, std::vector<uint8_t>& out);

// One-shot helpers over the streaming classes. compress() sizes the
// tables to `size` (options.size_hint is ignored). decompress() replaces
// `out` with the whole output, or on any error leaves it empty.
Error compress(const uint8_t* data, size_t size, std::vector<uint8_t>& out, EncoderOptions options);
Error compress(const uint8_t* data, size_t size, std::vector<uint8_t>& out,
               int level = kDefaultLevel, std::shared_ptr<const Model> model = nullptr);
Error decompress(const uint8_t* data, size_t size, std::vector<uint8_t>& out,
                 DecoderOptions options = {});

}  // namespace lmzip
