// Embind glue: exposes lmzip::Encoder / lmzip::Decoder to JavaScript. No
// logic of its own: JS copies a chunk into the wasm heap (malloc), calls
// push(pointer, length, last), copies out the bytes at
// outputPointer()/outputSize(), and while push() returned needs_output calls
// it again on the input after consumed().
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cstdint>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "cli/spec.h"
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
  // size < 0: unknown; frame_size < 0: the default (JS numbers hold
  // integers up to 2^53).
  StreamEncoder(int level, double size, double frame_size) : encoder_(options(level, size, frame_size)) {}
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
  static lmzip::EncoderOptions options(int level, double size, double frame_size) {
    lmzip::EncoderOptions o;
    o.level = level;
    if (size >= 0) o.size_hint = static_cast<uint64_t>(size);
    if (frame_size >= 0) o.frame_size = static_cast<uint64_t>(frame_size);
    return o;
  }
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

// The one-shot core calls of frames and byte ranges (lmzip::compress_frame,
// write_seek_table, decompress_frames, decompress_range), for the workers of
// the npm package's threads and for its decompressRange(). Each returns a
// lmzip::Error code; its output stays here until the next call or clear(),
// and JS copies it from outputPointer()/outputSize().
class FrameCoder {
 public:
  // size < 0: unknown (kUnknownSize); frame_size < 0: the default.
  int compressFrame(uintptr_t pointer, size_t length, int level, double size, double frame_size, double index,
                    bool framed) {
    lmzip::EncoderOptions o;
    o.level = level;
    if (size >= 0) o.size_hint = static_cast<uint64_t>(size);
    if (frame_size >= 0) o.frame_size = static_cast<uint64_t>(frame_size);
    return guarded([&] {
      return lmzip::compress_frame(reinterpret_cast<const uint8_t*>(pointer), length, static_cast<uint64_t>(index),
                                   framed, output_, o);
    });
  }
  // `entries`: [{compressedSize, originalSize}, ...], as readSeekTable gives them.
  int seekTable(emscripten::val entries) {
    std::vector<lmzip::SeekEntry> frames = seek_entries(entries);
    return guarded([&] {
      output_.clear();
      return lmzip::write_seek_table(frames.data(), frames.size(), output_);
    });
  }
  // The frames `entries` ({compressedOffset, compressedSize, originalSize}:
  // offsets into [pointer, pointer + length)); max_output < 0: no limit.
  int decompressFrames(uintptr_t pointer, size_t length, emscripten::val entries, double max_output) {
    std::vector<lmzip::SeekEntry> frames = seek_entries(entries);
    for (const lmzip::SeekEntry& f : frames)
      if (f.compressed_offset > length || f.compressed_size > length - f.compressed_offset)
        return static_cast<int>(lmzip::Error::invalid_argument);  // memory outside the input
    return guarded([&] {
      output_.clear();
      return lmzip::decompress_frames(reinterpret_cast<const uint8_t*>(pointer), frames.data(), frames.size(),
                                      output_, decoder_options(max_output), 1);
    });
  }
  int decompressRange(uintptr_t pointer, size_t length, double offset, double range_length, double max_output) {
    return guarded([&] {
      return lmzip::decompress_range(reinterpret_cast<const uint8_t*>(pointer), length, static_cast<uint64_t>(offset),
                                     static_cast<uint64_t>(range_length), output_, decoder_options(max_output));
    });
  }
  uintptr_t outputPointer() const { return reinterpret_cast<uintptr_t>(output_.data()); }
  size_t outputSize() const { return output_.size(); }
  void clear() { std::vector<uint8_t>().swap(output_); }

 private:
  template <class Call>
  int guarded(Call call) {
    try {
      return static_cast<int>(call());
    } catch (const std::bad_alloc&) {
      clear();
      return static_cast<int>(lmzip::Error::out_of_memory);
    }
  }
  static lmzip::DecoderOptions decoder_options(double max_output) {
    lmzip::DecoderOptions o;
    if (max_output >= 0) o.max_output = static_cast<uint64_t>(max_output);
    return o;
  }
  static std::vector<lmzip::SeekEntry> seek_entries(const emscripten::val& entries) {
    std::vector<lmzip::SeekEntry> frames;
    const size_t n = entries["length"].as<size_t>();
    for (size_t i = 0; i < n; ++i) {
      emscripten::val e = entries[i];
      auto field = [&](const char* name) {
        emscripten::val v = e[name];
        return v.isUndefined() ? uint64_t{0} : static_cast<uint64_t>(v.as<double>());
      };
      frames.push_back({field("compressedOffset"), field("compressedSize"), field("originalOffset"),
                        field("originalSize")});
    }
    return frames;
  }
  std::vector<uint8_t> output_;
};

// The seek table that ends [pointer, pointer + length) (lmzip::read_seek_table):
// {error, frames: [{compressedOffset, compressedSize, originalOffset, originalSize}]}.
// The bytes may be the file's last `length` only: file_size is the whole
// file's (0: `length`).
emscripten::val read_seek_table(uintptr_t pointer, size_t length, double file_size) {
  std::vector<lmzip::SeekEntry> frames;
  lmzip::Error e = lmzip::read_seek_table(reinterpret_cast<const uint8_t*>(pointer), length, frames,
                                          static_cast<uint64_t>(file_size));
  emscripten::val o = emscripten::val::object();
  o.set("error", static_cast<int>(e));
  emscripten::val rows = emscripten::val::array();
  for (const lmzip::SeekEntry& f : frames) {
    emscripten::val row = emscripten::val::object();
    row.set("compressedOffset", static_cast<double>(f.compressed_offset));
    row.set("compressedSize", static_cast<double>(f.compressed_size));
    row.set("originalOffset", static_cast<double>(f.original_offset));
    row.set("originalSize", static_cast<double>(f.original_size));
    rows.call<void>("push", row);
  }
  o.set("frames", rows);
  return o;
}

// The bytes of the seek table whose last kSeekFooterSize bytes are at
// `pointer` (lmzip::seek_table_size), 0 when they end none.
double seek_table_size(uintptr_t pointer) {
  return static_cast<double>(lmzip::seek_table_size(reinterpret_cast<const uint8_t*>(pointer)));
}

// The header's fields, set on the JS object `o`.
void set_header_fields(emscripten::val& o, const lmzip::StreamHeader& h) {
  o.set("formatVersion", h.format_version);
  o.set("level", h.level);
  o.set("flags", h.flags);
  o.set("modelId", static_cast<double>(h.model_id));
  o.set("headerSize", static_cast<double>(h.header_size));
  o.set("framed", h.framed);
  o.set("tableLog", h.table_log);
}

// Walks a stream's structure (lmzip -l) from the bytes JS pushes.
class StreamScanner {
 public:
  StreamScanner()
      : scanner_([this](const lmzip::FrameInfo& frame) { frame_rows_ += lmzip::cli::list_frame_row(++frames_, frame); }) {}
  int push(uintptr_t pointer, size_t length, bool end_of_input) {
    lmzip::InBuffer in{reinterpret_cast<const uint8_t*>(pointer), length, 0};
    lmzip::Status status = scanner_.scan(in, end_of_input);
    consumed_ = in.pos;
    return static_cast<int>(status);
  }
  size_t consumed() const { return consumed_; }
  int error() const { return static_cast<int>(scanner_.error()); }
  emscripten::val info() const {
    const lmzip::StreamInfo& i = scanner_.info();
    emscripten::val o = emscripten::val::object();
    set_header_fields(o, i.header);
    o.set("compressedSize", static_cast<double>(i.compressed_size));
    o.set("originalSize", static_cast<double>(i.original_size));
    o.set("blocks", static_cast<double>(i.blocks));
    o.set("storedBlocks", static_cast<double>(i.stored_blocks));
    o.set("checksum", static_cast<double>(i.checksum));
    return o;
  }
  // Its row of the CLI's listing.
  std::string listRow(const std::string& name) const { return lmzip::cli::list_row(name, scanner_.info()); }
  // Its frames' rows of the CLI's listing with -v, their header first.
  std::string listFrameRows() const { return lmzip::cli::list_frames_header() + frame_rows_; }

 private:
  std::string frame_rows_;
  uint64_t frames_ = 0;
  lmzip::StreamScanner scanner_;
  size_t consumed_ = 0;
};

// The header at [pointer, pointer + length): {error, formatVersion, level,
// flags, modelId, headerSize}; error is a lmzip::Error code.
emscripten::val peek_header(uintptr_t pointer, size_t length) {
  lmzip::StreamHeader h;
  lmzip::Error e = lmzip::peek_header(reinterpret_cast<const uint8_t*>(pointer), length, h);
  emscripten::val o = emscripten::val::object();
  o.set("error", static_cast<int>(e));
  set_header_fields(o, h);
  return o;
}

// The level table (lmzip::level_info), one object per level.
emscripten::val level_table() {
  emscripten::val rows = emscripten::val::array();
  for (int level = lmzip::kMinLevel; level <= lmzip::kMaxLevel; ++level) {
    const lmzip::LevelInfo& info = *lmzip::level_info(level);
    emscripten::val row = emscripten::val::object();
    row.set("level", level);
    row.set("model", std::string(lmzip::model_slot_name(info.model)));
    row.set("modelFile", std::string(lmzip::model_slot_file(info.model)));
    row.set("profile", std::string(info.profile));
    row.set("memory", static_cast<double>(info.memory));
    row.set("summary", std::string(info.summary));
    row.set("isDefault", level == lmzip::kDefaultLevel);
    rows.call<void>("push", row);
  }
  return rows;
}

// Every error of the core's list: {code, name, message}.
emscripten::val error_list() {
  emscripten::val rows = emscripten::val::array();
  for (lmzip::Error e : lmzip::kErrors) {
    emscripten::val row = emscripten::val::object();
    row.set("code", static_cast<int>(e));
    row.set("name", std::string(lmzip::error_name(e)));
    row.set("message", std::string(lmzip::error_message(e)));
    rows.call<void>("push", row);
  }
  return rows;
}

// ------------------------------------------------ the CLI's definition
// (src/cli/spec.h), for npm/bin/lmzip.mjs.

// {action: "run" | "print" | "usage_error", text, files, options}.
emscripten::val cli_parse_args(emscripten::val args, const std::string& version) {
  std::vector<std::string> list = emscripten::vecFromJSArray<std::string>(args);
  lmzip::cli::Invocation inv = lmzip::cli::parse_args(list, version);
  emscripten::val o = emscripten::val::object();
  static constexpr const char* kActions[] = {"run", "print", "usage_error"};
  o.set("action", std::string(kActions[inv.action]));
  o.set("text", inv.text);
  emscripten::val files = emscripten::val::array();
  for (const std::string& f : inv.files) files.call<void>("push", f);
  o.set("files", files);
  const lmzip::cli::Options& opt = inv.options;
  emscripten::val options = emscripten::val::object();
  options.set("mode", std::string(lmzip::cli::mode_name(opt.mode)));
  options.set("toStdout", opt.to_stdout);
  options.set("keep", opt.keep);
  options.set("force", opt.force);
  options.set("recursive", opt.recursive);
  options.set("verbose", opt.verbose);
  options.set("quiet", opt.quiet);
  options.set("level", opt.level);
  options.set("threads", opt.threads);
  options.set("frameSize", static_cast<double>(opt.frame_size));
  // -1: no limit (JS numbers hold integers up to 2^53).
  options.set("maxOutput", opt.max_output == UINT64_MAX ? -1.0 : static_cast<double>(opt.max_output));
  options.set("modelPath", opt.model_path ? emscripten::val(*opt.model_path) : emscripten::val::null());
  o.set("options", options);
  return o;
}

// The message `id` with the {name} values of the object `args`.
std::string cli_message(const std::string& id, emscripten::val args) {
  lmzip::cli::Args pairs;
  emscripten::val keys = emscripten::val::global("Object").call<emscripten::val>("keys", args);
  for (const std::string& key : emscripten::vecFromJSArray<std::string>(keys))
    pairs.emplace_back(key, args[key].as<std::string>());
  std::string out;
  if (!lmzip::cli::message_named(id, pairs, out)) return "(unknown message " + id + ")";
  return out;
}

std::string cli_library_error(int code, double needed, double given, int level) {
  return lmzip::cli::library_error(static_cast<lmzip::Error>(code), static_cast<uint32_t>(needed),
                                   static_cast<uint32_t>(given), level);
}

std::string cli_verbose_line(const std::string& name, const std::string& mode, double uncompressed,
                             double compressed, double seconds) {
  lmzip::cli::Mode m = lmzip::cli::Mode::compress;
  for (auto candidate : {lmzip::cli::Mode::decompress, lmzip::cli::Mode::test, lmzip::cli::Mode::list})
    if (mode == lmzip::cli::mode_name(candidate)) m = candidate;
  return lmzip::cli::verbose_line(name, m, static_cast<uint64_t>(uncompressed), static_cast<uint64_t>(compressed),
                                  seconds);
}

std::string cli_progress_line(const std::string& name, double done, double total, double mbs) {
  return lmzip::cli::progress_line(name, static_cast<uint64_t>(done), static_cast<uint64_t>(total), mbs);
}

std::string cli_list_totals(double files, double compressed, double uncompressed) {
  return lmzip::cli::list_totals(static_cast<uint64_t>(files), static_cast<uint64_t>(compressed),
                                 static_cast<uint64_t>(uncompressed));
}

// Parses a model file at [pointer, pointer + length) and makes it the model
// of `level` (and of the levels sharing its model slot) for streams created
// afterwards. Returns "" or why the file was rejected.
std::string set_model(uintptr_t pointer, size_t length, int level) {
  if (!lmzip::level_uses_model(level)) return "level " + std::to_string(level) + " uses no model";
  std::string why;
  auto model = lmzip::Model::load(reinterpret_cast<const uint8_t*>(pointer), length, &why);
  if (!model) return why;
  lmzip::set_default_model(std::move(model), level);
  return "";
}
// The model slots no level uses, [{slot, file}]: models kept so that the
// streams that name them decode (lmzip::ModelSlot::standard_0_1).
emscripten::val kept_models() {
  emscripten::val rows = emscripten::val::array();
  for (int i = 1; i < lmzip::kModelSlots; ++i) {
    const auto slot = static_cast<lmzip::ModelSlot>(i);
    bool used = false;
    for (int level = lmzip::kMinLevel; level <= lmzip::kMaxLevel; ++level) used |= lmzip::level_info(level)->model == slot;
    if (used) continue;
    emscripten::val row = emscripten::val::object();
    row.set("slot", std::string(lmzip::model_slot_name(slot)));
    row.set("file", std::string(lmzip::model_slot_file(slot)));
    rows.call<void>("push", row);
  }
  return rows;
}
// Parses a model file and makes it the model of the slot named `slot` (one
// of kept_models()). Returns "" or why it was rejected.
std::string set_kept_model(uintptr_t pointer, size_t length, const std::string& slot) {
  for (int i = 1; i < lmzip::kModelSlots; ++i) {
    if (slot != lmzip::model_slot_name(static_cast<lmzip::ModelSlot>(i))) continue;
    std::string why;
    auto model = lmzip::Model::load(reinterpret_cast<const uint8_t*>(pointer), length, &why);
    if (!model) return why;
    lmzip::set_slot_model(std::move(model), static_cast<lmzip::ModelSlot>(i));
    return "";
  }
  return "no model slot " + slot;
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
// size < 0: unknown.
double memory_for_input(int level, double size) {
  return static_cast<double>(lmzip::memory_for_input(level, size < 0 ? lmzip::kUnknownSize : static_cast<uint64_t>(size)));
}
std::string kernels() { return lmzip::kernels::best_names(); }

}  // namespace

EMSCRIPTEN_BINDINGS(lmzip) {
  using namespace emscripten;
  class_<Stream>("Stream")
      .function("consumed", &Stream::consumed)
      .function("outputPointer", &Stream::outputPointer)
      .function("outputSize", &Stream::outputSize);
  class_<StreamEncoder, base<Stream>>("StreamEncoder")
      .constructor<int, double, double>()
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
  class_<StreamScanner>("StreamScanner")
      .constructor<>()
      .function("push", &StreamScanner::push)
      .function("consumed", &StreamScanner::consumed)
      .function("error", &StreamScanner::error)
      .function("info", &StreamScanner::info)
      .function("listRow", &StreamScanner::listRow)
      .function("listFrameRows", &StreamScanner::listFrameRows);
  class_<FrameCoder>("FrameCoder")
      .constructor<>()
      .function("compressFrame", &FrameCoder::compressFrame)
      .function("seekTable", &FrameCoder::seekTable)
      .function("decompressFrames", &FrameCoder::decompressFrames)
      .function("decompressRange", &FrameCoder::decompressRange)
      .function("outputPointer", &FrameCoder::outputPointer)
      .function("outputSize", &FrameCoder::outputSize)
      .function("clear", &FrameCoder::clear);
  function("readSeekTable", &read_seek_table);
  function("seekTableSize", &seek_table_size);
  function("memoryForInput", &memory_for_input);
  function("peekHeader", &peek_header);
  function("levelTable", &level_table);
  function("errorList", &error_list);
  function("cliParseArgs", &cli_parse_args);
  function("cliMessage", &cli_message);
  function("cliReportLine", &lmzip::cli::report_line);
  function("cliWithErrno", &lmzip::cli::with_errno);
  function("cliErrnoText", static_cast<std::string (*)(const std::string&)>(&lmzip::cli::errno_text));
  function("cliLibraryError", &cli_library_error);
  function("cliVerboseLine", &cli_verbose_line);
  function("cliProgressLine", &cli_progress_line);
  function("cliListHeader", &lmzip::cli::list_header);
  function("cliListTotals", &cli_list_totals);
  constant("cliProgram", std::string(lmzip::cli::kProgram));
  constant("cliSuffix", std::string(lmzip::cli::kSuffix));
  constant("cliProgressThreshold", static_cast<double>(lmzip::cli::kProgressThreshold));
  constant("cliProgressIntervalMs", lmzip::cli::kProgressIntervalMs);
  constant("cliMaxModelFileBytes", static_cast<double>(lmzip::cli::kMaxModelFileBytes));
  function("setModel", &set_model);
  function("keptModels", &kept_models);
  function("setKeptModel", &set_kept_model);
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
  constant("defaultFrameSize", static_cast<double>(lmzip::kDefaultFrameSize));
  constant("minFrameSize", static_cast<double>(lmzip::kMinFrameSize));
  constant("maxFrameSize", static_cast<double>(lmzip::kMaxFrameSize));
  constant("maxThreads", lmzip::kMaxThreads);
}
