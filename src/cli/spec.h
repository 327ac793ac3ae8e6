// The definition of the lmzip command line, shared by both CLIs: the native
// one (src/cli/main.cpp) calls it directly, the npm one (npm/bin/lmzip.mjs)
// through the WebAssembly module (bindings/embind.cpp). Options, help text,
// every message and every formatted line are written here once; the two
// shells only do the file and stream handling of their platform.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "lmzip.h"

namespace lmzip::cli {

constexpr const char* kProgram = "lmzip";
constexpr const char* kSuffix = ".lmz";
// A --model file is read whole; the largest valid one (hidden 1024) is ~5 MB,
// so this only stops endless inputs (/dev/zero, a pipe).
constexpr uint64_t kMaxModelFileBytes = uint64_t{16} << 20;
// Inputs larger than this show a progress line on a terminal.
constexpr uint64_t kProgressThreshold = 4000000;
constexpr int kProgressIntervalMs = 100;

enum class Mode { compress, decompress, test, list };
const char* mode_name(Mode mode);  // "compress", "decompress", "test", "list"

struct Options {
  Mode mode = Mode::compress;
  bool to_stdout = false;
  bool keep = false;
  bool force = false;
  bool recursive = false;  // -r: the files under directories
  bool verbose = false;
  bool quiet = false;
  bool levels = false;  // --levels: print the level table and exit
  int level = kDefaultLevel;
  int threads = 1;                          // -T
  uint64_t frame_size = kDefaultFrameSize;  // --frame-size
  uint64_t max_output = UINT64_MAX;
  std::optional<std::string> model_path;  // --model FILE
};

// What the command line asks for: run on `files` (none: stdin), or print
// `text` and exit: to stdout with status 0 (help, version, level table) or
// to stderr with status 1 (a usage error).
struct Invocation {
  enum Action { run, print, usage_error } action = run;
  Options options;
  std::vector<std::string> files;
  std::string text;
};
// `version`: the package's version, for --version.
Invocation parse_args(const std::vector<std::string>& args, const std::string& version);

// Every message the tools print, with {name} placeholders.
#define LMZIP_CLI_MESSAGES(X)                                                                   \
  X(unknown_suffix, "unknown suffix (expected .lmz) -- ignored")                                \
  X(symbolic_link, "is a symbolic link -- ignored (use -f to follow it)")                       \
  X(directory, "is a directory -- ignored")                                                     \
  X(not_regular_file, "is not a regular file -- ignored")                                       \
  X(has_suffix, "already has .lmz suffix -- unchanged")                                         \
  X(other_links, "has {count} other link(s) -- unchanged (use -k or -f)")                       \
  X(exists, "already exists; not overwritten (use -f to overwrite)")                           \
  X(name_too_long, "output file name too long")                                                 \
  X(cannot_create, "cannot create output file")                                                 \
  X(read_error, "read error")                                                                   \
  X(write_error, "write error")                                                                 \
  X(cannot_rename, "cannot rename temporary file into place")                                   \
  X(cannot_remove, "cannot remove input")                                                       \
  X(cannot_set_mode, "cannot set mode")                                                         \
  X(cannot_set_times, "cannot set times")                                                       \
  X(trailing_data, "trailing data after lmzip stream")                                          \
  X(encoder_contract, "internal error: encoder wants input after finish")                       \
  X(bad_model_file, "not a usable model file: {why}")                                           \
  X(model_cannot_open, "cannot open")                                                           \
  X(model_too_large, "larger than any model file (16 MiB)")                                     \
  X(not_to_terminal,                                                                            \
    "compressed data not written to a terminal. Use -f to force compression.\n"                 \
    "For help, type: lmzip -h")                                                                 \
  X(not_from_terminal,                                                                          \
    "compressed data not read from a terminal. Use -f to force decompression.\n"                \
    "For help, type: lmzip -h")

enum class Message {
#define LMZIP_CLI_MESSAGE_ENUM(id, text) id,
  LMZIP_CLI_MESSAGES(LMZIP_CLI_MESSAGE_ENUM)
#undef LMZIP_CLI_MESSAGE_ENUM
};

using Args = std::vector<std::pair<std::string, std::string>>;
std::string message(Message id, const Args& args = {});
// By identifier ("exists"); false if there is no such message.
bool message_named(const std::string& id, const Args& args, std::string& out);

// "lmzip: NAME: CAUSE" (no newline).
std::string report_line(const std::string& name, const std::string& cause);
// "CAUSE: STRERROR" ("STRERROR" alone when `cause` is empty).
std::string with_errno(const std::string& cause, const std::string& errno_text);
// The text of an errno, by its symbolic name ("ENOENT"), as glibc words it,
// so that both tools print the same on every platform; "" when unknown.
std::string errno_text(const std::string& code_name);
// The same by number, on the platform that compiled this (native builds).
std::string errno_text(int code);

// The cause of a library failure, with the model ids the user needs to know
// (a stream's needed model, the --model file's, the built-in ones) and the
// error's name, e.g. "checksum mismatch (data corrupt) (LMZ_ERR_CHECKSUM_MISMATCH)".
// `needed`: the id a stream names (0: none/unknown); `given`: the --model
// file's id (0: none given); `level`: the stream's level once its header
// start was read as valid (Decoder::level(), StreamScanner's header), else 0.
std::string library_error(Error error, uint32_t needed, uint32_t given, int level = 0);

// The -v line: "NAME: IN -> OUT bytes, R:1, B bits/byte, S MB/s, T s[, OK]".
std::string verbose_line(const std::string& name, Mode mode, uint64_t uncompressed, uint64_t compressed,
                         double seconds);
// The progress line; `name` is shortened to keep it on one line.
std::string progress_line(const std::string& name, uint64_t done, uint64_t total, double megabytes_per_second);

// lmzip -l: the header, one row per file, and the totals of several.
std::string list_header();
std::string list_row(const std::string& name, const StreamInfo& info);
// lmzip -l -v: under each file's row, a header and one row per frame;
// `number` counts the frames of a listed file (concatenations too) from 1.
std::string list_frames_header();
std::string list_frame_row(uint64_t number, const FrameInfo& frame);
std::string list_totals(uint64_t files, uint64_t compressed, uint64_t uncompressed);

}  // namespace lmzip::cli
