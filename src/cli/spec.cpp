#include "cli/spec.h"


#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <string_view>

namespace lmzip::cli {

namespace {

enum class Act { decompress, to_stdout, test, list, keep, force, recursive, level, fast, best, threads, frame_size,
                 max_output, model, verbose, quiet, help, version, levels };

struct OptionSpec {
  char short_name;         // 0: none
  const char* long_names;  // space-separated, the first is the main one
  bool takes_value;
  Act act;
  // The help line: its left column ("" for an option listed with the one
  // before) and its text; {min}, {max}, {default} and {neural} stand for
  // the level table's values.
  const char* usage;
  const char* help;
};

// The level digits (-1 ... -9) are options too, parsed apart.
constexpr const char* kLevelDigitsUsage = "-{min} ... -{max}";
constexpr const char* kLevelDigitsHelp = "level: -{min} fastest, -{max} best (default {default})";

constexpr OptionSpec kOptions[] = {
    {'d', "decompress uncompress", false, Act::decompress, "-d, --decompress", "decompress (FILE.lmz -> FILE)"},
    {'c', "stdout to-stdout", false, Act::to_stdout, "-c, --stdout", "write to standard output, keep input files"},
    {'t', "test", false, Act::test, "-t, --test", "decompress and verify, write nothing"},
    {'l', "list", false, Act::list, "-l, --list",
     "list each stream's sizes, ratio, level, model and frames (no decoding; -v: each frame)"},
    {'k', "keep", false, Act::keep, "-k, --keep", "keep (don't delete) input files"},
    {'f', "force", false, Act::force, "-f, --force",
     "overwrite existing output files; compress to a terminal;\n"
     "follow symbolic links; compress files with .lmz suffix"},
    {'r', "recursive", false, Act::recursive, "-r, --recursive",
     "operate recursively on directories: every file under\n"
     "them, not through symbolic links (with -d, -t or -l:\n"
     "every FILE.lmz under them)"},
    {0, "level", true, Act::level, "    --level=N", "the same as -N"},
    {0, "fast", false, Act::fast, "    --fast, --best", "the same as -{min} and -{max}"},
    {0, "best", false, Act::best, "", ""},
    {'T', "threads", true, Act::threads, "-T, --threads=N",
     "compress or decompress N frames at once (0: one per\n"
     "core; default 1); the output is the same for every N"},
    {0, "frame-size", true, Act::frame_size, "    --frame-size=SIZE",
     "compress in independent frames of SIZE input bytes\n"
     "(default {frame}; 0: one frame); inputs of up to SIZE\n"
     "are one frame"},
    {0, "max-output", true, Act::max_output, "    --max-output=N",
     "decompression fails beyond N bytes of output per file\n"
     "(suffixes K, M, G, T: powers of 1024)"},
    {0, "model", true, Act::model, "    --model=FILE",
     "neural model file (.lmzm) instead of the built-in ones:\n"
     "compress levels {neural} with it; decompress data made with it"},
    {0, "levels", false, Act::levels, "    --levels", "print the level table (tab-separated) and exit"},
    {'v', "verbose", false, Act::verbose, "-v, --verbose", "print sizes, ratio, bits/byte and speed for each file"},
    {'q', "quiet silent", false, Act::quiet, "-q, --quiet", "suppress warnings and the progress bar"},
    {'h', "help", false, Act::help, "-h, --help", "show this help and exit"},
    {'V', "version", false, Act::version, "-V, --version", "show the version and exit"},
};

constexpr int kHelpColumn = 22;  // where the help text starts

// Replaces each {name} of `text` by its value in `args`; an unknown name is
// kept as written.
std::string substitute(std::string_view text, const Args& args) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    size_t close = text[i] == '{' ? text.find('}', i) : std::string_view::npos;
    if (close != std::string_view::npos) {
      std::string_view name = text.substr(i + 1, close - i - 1);
      bool found = false;
      for (const auto& [key, value] : args) {
        if (key == name) {
          out += value;
          found = true;
          break;
        }
      }
      if (found) {
        i = close + 1;
        continue;
      }
    }
    out += text[i++];
  }
  return out;
}

// "levels 3-8" or "level 9": the levels of `slot`, which the level table
// keeps together.
std::string levels_of(ModelSlot slot) {
  int first = 0, last = 0;
  for (int level = kMinLevel; level <= kMaxLevel; ++level) {
    if (level_info(level)->model != slot) continue;
    if (!first) first = level;
    last = level;
  }
  return first == last ? "level " + std::to_string(first)
                       : "levels " + std::to_string(first) + "-" + std::to_string(last);
}

Args level_args() {
  int first_neural = 0;
  for (int level = kMinLevel; level <= kMaxLevel && !first_neural; ++level)
    if (level_uses_model(level)) first_neural = level;
  return {{"min", std::to_string(kMinLevel)},
          {"max", std::to_string(kMaxLevel)},
          {"default", std::to_string(kDefaultLevel)},
          {"neural", std::to_string(first_neural) + "-" + std::to_string(kMaxLevel)},
          {"frame", std::to_string(kDefaultFrameSize >> 20) + "M"}};
}

void help_line(std::string& out, const std::string& usage, const std::string& help) {
  std::string left = "  " + usage;
  size_t start = 0;
  do {
    size_t end = help.find('\n', start);
    std::string piece = help.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (left.size() + 1 > kHelpColumn) {  // too wide: the text goes below
      out += left + "\n";
      left.clear();
    }
    left.resize(kHelpColumn, ' ');
    out += left + piece + "\n";
    left.clear();
    start = end == std::string::npos ? end : end + 1;
  } while (start != std::string::npos);
}

std::string help_text() {
  const Args values = level_args();
  std::string out =
      "Usage: lmzip [OPTION]... [FILE]...\n"
      "Compress or decompress FILEs with lmzip (context mixing and a neural model; by\n"
      "default in place: FILE becomes FILE.lmz). With no FILE, or when FILE is -, read\n"
      "standard input.\n"
      "\n";
  for (const OptionSpec& o : kOptions) {
    if (o.act == Act::level) help_line(out, substitute(kLevelDigitsUsage, values), substitute(kLevelDigitsHelp, values));
    if (*o.usage) help_line(out, o.usage, substitute(o.help, values));
  }
  out += "\nLevels (--levels for the table):\n";
  for (int level = kMinLevel; level <= kMaxLevel; ++level) {
    const LevelInfo& info = *level_info(level);
    char memory[32];
    std::snprintf(memory, sizeof memory, ", %zu MiB", (info.memory + (size_t{1} << 19)) >> 20);
    std::string option = "-";
    option += std::to_string(level);
    help_line(out, option, info.summary + std::string(memory));
  }
  out += "\nExit status: 0 success, 1 error, 2 warning (e.g. a file was skipped).\n";
  return out;
}

std::string level_table() {
  std::string out = "level\tmodel\tprofile\tmemory_bytes\tdefault\n";
  for (int level = kMinLevel; level <= kMaxLevel; ++level) {
    const LevelInfo& info = *level_info(level);
    out += std::to_string(level) + "\t" + model_slot_name(info.model) + "\t" + info.profile + "\t" +
           std::to_string(info.memory) + "\t" + (level == kDefaultLevel ? "yes" : "no") + "\n";
  }
  return out;
}

std::string usage(const std::string& problem) {
  return std::string(kProgram) + ": " + problem + "\nTry '" + kProgram + " --help' for more information.\n";
}

bool parse_level(std::string_view s, int& level) {
  if (s.size() != 1 || s[0] < '0' + kMinLevel || s[0] > '0' + kMaxLevel) return false;
  level = s[0] - '0';
  return true;
}

// Decimal number with an optional K/M/G/T suffix (powers of 1024; "KiB",
// "KB" and "k" accepted too).
bool parse_size(std::string_view s, uint64_t& value) {
  size_t i = 0;
  uint64_t v = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
    uint64_t digit = static_cast<uint64_t>(s[i] - '0');
    if (v > (UINT64_MAX - digit) / 10) return false;
    v = v * 10 + digit;
    ++i;
  }
  if (i == 0) return false;
  std::string_view unit = s.substr(i);
  int shift = 0;
  if (!unit.empty()) {
    switch (unit[0]) {
      case 'k': case 'K': shift = 10; break;
      case 'm': case 'M': shift = 20; break;
      case 'g': case 'G': shift = 30; break;
      case 't': case 'T': shift = 40; break;
      default: return false;
    }
    unit.remove_prefix(1);
    if (unit != "" && unit != "B" && unit != "iB") return false;
  }
  if (shift && v > (UINT64_MAX >> shift)) return false;
  value = v << shift;
  return true;
}

bool has_long_name(const OptionSpec& o, std::string_view name) {
  std::string_view names = o.long_names;
  while (!names.empty()) {
    size_t space = names.find(' ');
    if (names.substr(0, space) == name) return true;
    names = space == std::string_view::npos ? std::string_view() : names.substr(space + 1);
  }
  return false;
}

const OptionSpec* find_long(std::string_view name) {
  for (const OptionSpec& o : kOptions)
    if (has_long_name(o, name)) return &o;
  return nullptr;
}

const OptionSpec* find_short(char c) {
  for (const OptionSpec& o : kOptions)
    if (o.short_name == c) return &o;
  return nullptr;
}

// Applies an option; false with inv set to print or a usage error when the
// command line ends here.
bool apply(const OptionSpec& o, std::string_view value, Invocation& inv, const std::string& version) {
  Options& opt = inv.options;
  switch (o.act) {
    case Act::decompress: opt.mode = Mode::decompress; break;
    case Act::to_stdout: opt.to_stdout = true; break;
    case Act::test: opt.mode = Mode::test; break;
    case Act::list: opt.mode = Mode::list; break;
    case Act::keep: opt.keep = true; break;
    case Act::force: opt.force = true; break;
    case Act::recursive: opt.recursive = true; break;
    case Act::fast: opt.level = kMinLevel; break;
    case Act::best: opt.level = kMaxLevel; break;
    case Act::verbose: opt.verbose = true; opt.quiet = false; break;
    case Act::quiet: opt.quiet = true; opt.verbose = false; break;
    case Act::model: opt.model_path = std::string(value); break;
    case Act::level:
      if (!parse_level(value, opt.level)) {
        inv.action = Invocation::usage_error;
        inv.text = usage("invalid level '" + std::string(value) + "' (must be " + std::to_string(kMinLevel) +
                         ".." + std::to_string(kMaxLevel) + ")");
        return false;
      }
      break;
    case Act::threads: {
      uint64_t n = 0;
      if (!parse_size(value, n) || n > static_cast<uint64_t>(kMaxThreads) || value.find_first_not_of("0123456789") != std::string_view::npos) {
        inv.action = Invocation::usage_error;
        inv.text = usage("invalid thread count '" + std::string(value) + "' (must be 0.." + std::to_string(kMaxThreads) + ")");
        return false;
      }
      opt.threads = static_cast<int>(n);
      break;
    }
    case Act::frame_size:
      if (!parse_size(value, opt.frame_size) ||
          (opt.frame_size != 0 && (opt.frame_size < kMinFrameSize || opt.frame_size > kMaxFrameSize))) {
        inv.action = Invocation::usage_error;
        inv.text = usage("invalid size '" + std::string(value) + "' for --frame-size (0, or 1K..1G)");
        return false;
      }
      break;
    case Act::max_output:
      if (!parse_size(value, opt.max_output)) {
        inv.action = Invocation::usage_error;
        inv.text = usage("invalid size '" + std::string(value) + "' for --max-output");
        return false;
      }
      break;
    case Act::help: inv.action = Invocation::print; inv.text = help_text(); return false;
    case Act::version:
      inv.action = Invocation::print;
      inv.text = std::string(kProgram) + " " + version + " (format version " + std::to_string(kFormatVersion) +
                 ", levels " + std::to_string(kMinLevel) + "-" + std::to_string(kMaxLevel) + ")\n";
      return false;
    case Act::levels: inv.action = Invocation::print; inv.text = level_table(); return false;
  }
  return true;
}

}  // namespace

const char* mode_name(Mode mode) {
  switch (mode) {
    case Mode::compress: return "compress";
    case Mode::decompress: return "decompress";
    case Mode::test: return "test";
    case Mode::list: return "list";
  }
  return "";
}

Invocation parse_args(const std::vector<std::string>& args, const std::string& version) {
  Invocation inv;
  bool options_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (options_done || arg.size() < 2 || arg[0] != '-') {
      inv.files.emplace_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    if (arg.substr(0, 2) == "--") {
      std::string_view name = arg.substr(2), value;
      size_t eq = name.find('=');
      bool has_value = eq != std::string_view::npos;
      if (has_value) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
      }
      const OptionSpec* o = find_long(name);
      if (!o) {
        inv.action = Invocation::usage_error;
        inv.text = usage("unrecognized option '" + std::string(arg) + "'");
        return inv;
      }
      if (o->takes_value && !has_value) {
        if (i + 1 >= args.size()) {
          inv.action = Invocation::usage_error;
          inv.text = usage("option '--" + std::string(name) + "' requires an argument");
          return inv;
        }
        value = args[++i];
      } else if (!o->takes_value && has_value) {
        inv.action = Invocation::usage_error;
        inv.text = usage("option '--" + std::string(name) + "' doesn't allow an argument");
        return inv;
      }
      if (!apply(*o, value, inv, version)) return inv;
      continue;
    }
    for (size_t k = 1; k < arg.size(); ++k) {  // a cluster of short flags: -dkc, -9v
      char c = arg[k];
      if (c >= '0' + kMinLevel && c <= '0' + kMaxLevel) {
        inv.options.level = c - '0';
        continue;
      }
      const OptionSpec* o = find_short(c);
      if (!o) {
        inv.action = Invocation::usage_error;
        inv.text = usage(std::string("invalid option -- '") + c + "'");
        return inv;
      }
      if (o->takes_value) {  // -T2 or -T 2: the rest of the cluster, or the next argument
        std::string_view value = arg.substr(k + 1);
        if (value.empty()) {
          if (i + 1 >= args.size()) {
            inv.action = Invocation::usage_error;
            inv.text = usage(std::string("option requires an argument -- '") + c + "'");
            return inv;
          }
          value = args[++i];
        }
        if (!apply(*o, value, inv, version)) return inv;
        break;
      }
      if (!apply(*o, {}, inv, version)) return inv;
    }
  }
  return inv;
}

namespace {
struct MessageSpec {
  const char* id;
  const char* text;
};
constexpr MessageSpec kMessages[] = {
#define LMZIP_CLI_MESSAGE_SPEC(id, text) {#id, text},
    LMZIP_CLI_MESSAGES(LMZIP_CLI_MESSAGE_SPEC)
#undef LMZIP_CLI_MESSAGE_SPEC
};
}  // namespace

std::string message(Message id, const Args& args) { return substitute(kMessages[static_cast<int>(id)].text, args); }

bool message_named(const std::string& id, const Args& args, std::string& out) {
  for (const MessageSpec& m : kMessages) {
    if (id == m.id) {
      out = substitute(m.text, args);
      return true;
    }
  }
  return false;
}

std::string report_line(const std::string& name, const std::string& cause) {
  return std::string(kProgram) + ": " + name + ": " + cause;
}

std::string with_errno(const std::string& cause, const std::string& errno_text) {
  return cause.empty() ? errno_text : cause + ": " + errno_text;
}

// strerror() as glibc words it, for the errors a file tool meets.
#define LMZIP_ERRNO_TEXTS(X)                              \
  X(EACCES, "Permission denied")                          \
  X(EAGAIN, "Resource temporarily unavailable")           \
  X(EBADF, "Bad file descriptor")                         \
  X(EBUSY, "Device or resource busy")                     \
  X(EDQUOT, "Disk quota exceeded")                        \
  X(EEXIST, "File exists")                                \
  X(EFBIG, "File too large")                              \
  X(EINVAL, "Invalid argument")                           \
  X(EIO, "Input/output error")                            \
  X(EISDIR, "Is a directory")                             \
  X(ELOOP, "Too many levels of symbolic links")           \
  X(EMFILE, "Too many open files")                        \
  X(ENAMETOOLONG, "File name too long")                   \
  X(ENFILE, "Too many open files in system")              \
  X(ENODEV, "No such device")                             \
  X(ENOENT, "No such file or directory")                  \
  X(ENOMEM, "Cannot allocate memory")                     \
  X(ENOSPC, "No space left on device")                    \
  X(ENOTDIR, "Not a directory")                           \
  X(ENXIO, "No such device or address")                   \
  X(EPERM, "Operation not permitted")                     \
  X(EPIPE, "Broken pipe")                                 \
  X(EROFS, "Read-only file system")                       \
  X(ETXTBSY, "Text file busy")                            \
  X(EXDEV, "Invalid cross-device link")

std::string errno_text(const std::string& code_name) {
#define LMZIP_ERRNO_BY_NAME(code, text) \
  if (code_name == #code) return text;
  LMZIP_ERRNO_TEXTS(LMZIP_ERRNO_BY_NAME)
#undef LMZIP_ERRNO_BY_NAME
  return "";
}

std::string errno_text(int code) {
#define LMZIP_ERRNO_BY_NUMBER(name, text) \
  if (code == name) return text;
  LMZIP_ERRNO_TEXTS(LMZIP_ERRNO_BY_NUMBER)
#undef LMZIP_ERRNO_BY_NUMBER
  return std::strerror(code);
}

namespace {
std::string hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x", v);
  return buf;
}

// "1a2b3c4d (levels 3-4) and 55c460db (levels 5-7) and d0718752 (levels 8-9)":
// the default model of each slot that has one loaded, in level order.
std::string built_in_models() {
  std::string out;
  bool listed[kModelSlots] = {};
  for (int level = kMinLevel; level <= kMaxLevel; ++level) {
    ModelSlot slot = level_info(level)->model;
    if (slot == ModelSlot::none || listed[static_cast<int>(slot)]) continue;
    listed[static_cast<int>(slot)] = true;
    auto model = default_model(level);
    if (!model) continue;
    if (!out.empty()) out += " and ";
    out += hex32(model->id()) + " (" + levels_of(slot) + ")";
  }
  return out;
}
}  // namespace

std::string library_error(Error error, uint32_t needed, uint32_t given, int level) {
  std::string cause = error_message(error);
  // After a valid header start, the only header fault left is the model id.
  if (error == Error::corrupt_header && !needed && level_uses_model(level))
    cause += ": the stream names no model (id 0), but level " + std::to_string(level) + " needs one";
  else if (error == Error::model_mismatch && needed && given)
    cause += ": the data needs model " + hex32(needed) + ", the --model file is " + hex32(given);
  else if (error == Error::model_mismatch && needed)
    cause += ": the data needs model " + hex32(needed) + ", this lmzip has " + built_in_models() +
             " (another model: --model FILE)";
  else if (error == Error::model_not_loaded)
    cause += (needed ? ": the data needs model " + hex32(needed) : std::string()) + " (a model file: --model FILE)";
  return cause + " (" + error_name(error) + ")";
}

std::string verbose_line(const std::string& name, Mode mode, uint64_t uncompressed, uint64_t compressed,
                         double seconds) {
  bool compressing = mode == Mode::compress;
  uint64_t in = compressing ? uncompressed : compressed, out = compressing ? compressed : uncompressed;
  std::string line = name + ": " + std::to_string(in) + " -> " + std::to_string(out) + " bytes, ";
  char buf[160];
  if (uncompressed > 0 && compressed > 0) {
    double ratio = static_cast<double>(uncompressed) / static_cast<double>(compressed);
    double bpb = 8.0 * static_cast<double>(compressed) / static_cast<double>(uncompressed);
    std::snprintf(buf, sizeof buf, "%.2f:1, %.3f bits/byte, ", ratio, bpb);
  } else {
    std::snprintf(buf, sizeof buf, "n/a:1, n/a bits/byte, ");
  }
  line += buf;
  double mbs = seconds > 0 ? static_cast<double>(uncompressed) / 1e6 / seconds : 0.0;
  std::snprintf(buf, sizeof buf, "%.2f MB/s, %.2f s%s", mbs, seconds, mode == Mode::test ? ", OK" : "");
  return line + buf;
}

std::string progress_line(const std::string& name, uint64_t done, uint64_t total, double mbs) {
  // Short enough not to wrap (which would defeat '\r').
  std::string shown = name.size() > 40 ? "..." + name.substr(name.size() - 37) : name;
  uint64_t percent = total ? std::min<uint64_t>(100, done * 100 / total) : 0;
  char buf[96];
  std::snprintf(buf, sizeof buf, ": %3" PRIu64 "%%  %.2f MB/s", percent, mbs);
  return shown + buf;
}

namespace {
std::string list_line(const char* compressed, const char* uncompressed, const char* ratio, const char* bpb,
                      const char* level, const char* model, const char* frames, const std::string& name) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "%14s %14s %7s %9s %5s %8s %7s  ", compressed, uncompressed, ratio, bpb, level,
                model, frames);
  return buf + name + "\n";
}
std::string num(uint64_t v) { return std::to_string(v); }
std::string fixed(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}
// The ratio and bits/byte cells ("---" for an empty original).
std::pair<std::string, std::string> ratio_cells(uint64_t compressed, uint64_t original) {
  if (original == 0) return {"---", "---"};
  double r = static_cast<double>(compressed) / static_cast<double>(original);
  return {fixed(r, 3), fixed(8 * r, 3)};
}
}  // namespace

std::string list_header() {
  return list_line("Compressed", "Uncompressed", "Ratio", "Bits/byte", "Level", "Model", "Frames", "Filename");
}

std::string list_row(const std::string& name, const StreamInfo& info) {
  auto [ratio, bpb] = ratio_cells(info.compressed_size, info.original_size);
  std::string model = level_uses_model(info.header.level) ? hex32(info.header.model_id) : "none";
  return list_line(num(info.compressed_size).c_str(), num(info.original_size).c_str(), ratio.c_str(), bpb.c_str(),
                   num(static_cast<uint64_t>(info.header.level)).c_str(), model.c_str(), num(info.frames).c_str(),
                   name);
}

std::string list_frames_header() {
  char buf[160];
  std::snprintf(buf, sizeof buf, "  %7s %14s %14s %14s %7s %9s %7s %7s %9s\n", "Frame", "Offset", "Compressed",
                "Uncompressed", "Ratio", "Bits/byte", "Blocks", "Stored", "CRC-32");
  return buf;
}

std::string list_frame_row(uint64_t number, const FrameInfo& frame) {
  auto [ratio, bpb] = ratio_cells(frame.compressed_size, frame.original_size);
  char buf[160];
  std::snprintf(buf, sizeof buf, "  %7s %14s %14s %14s %7s %9s %7s %7s %9s\n", num(number).c_str(),
                num(frame.offset).c_str(), num(frame.compressed_size).c_str(), num(frame.original_size).c_str(),
                ratio.c_str(), bpb.c_str(), num(frame.blocks).c_str(), num(frame.stored_blocks).c_str(),
                hex32(frame.checksum).c_str());
  return buf;
}

std::string list_totals(uint64_t files, uint64_t compressed, uint64_t uncompressed) {
  auto [ratio, bpb] = ratio_cells(compressed, uncompressed);
  std::string name = "(";
  name += num(files);
  name += " files)";
  return list_line(num(compressed).c_str(), num(uncompressed).c_str(), ratio.c_str(), bpb.c_str(), "", "", "", name);
}

}  // namespace lmzip::cli
