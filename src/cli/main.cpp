// lmzip — command-line tool (gzip/xz-like). A thin shell over the streaming
// Encoder/Decoder of lmzip.h: it reads and writes files in bounded chunks and
// adds no compression logic of its own.
//
//   lmzip FILE...        compress each FILE to FILE.lmz, remove FILE
//   lmzip -d FILE.lmz... decompress to FILE, remove FILE.lmz
//   lmzip                stdin -> stdout
//
// Exit status (as gzip): 0 ok, 1 error, 2 warning (e.g. a skipped file).

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lmzip.h"

#ifndef LMZIP_VERSION_STRING
#define LMZIP_VERSION_STRING "0.1.0"
#endif

namespace {

constexpr const char* kProgram = "lmzip";
constexpr std::string_view kSuffix = ".lmz";
constexpr size_t kChunkSize = size_t{256} << 10;   // input and output chunks
constexpr uint64_t kProgressThreshold = 4000000;   // bytes (4 MB)
constexpr auto kProgressInterval = std::chrono::milliseconds(100);
// A --model file is read whole; the largest valid one (hidden 1024) is ~5 MB,
// so this only stops endless inputs (/dev/zero, a pipe).
constexpr size_t kMaxModelFileBytes = size_t{16} << 20;

using Clock = std::chrono::steady_clock;

enum class Mode { compress, decompress, test };

struct Options {
  Mode mode = Mode::compress;
  bool to_stdout = false;
  bool keep = false;
  bool force = false;
  bool verbose = false;
  bool quiet = false;
  int level = lmzip::kDefaultLevel;
  uint64_t max_output = UINT64_MAX;
  std::optional<std::string> model_path;      // --model FILE: used instead of the built-in ones
  std::shared_ptr<const lmzip::Model> model;  // loaded from model_path
};

// ---------------------------------------------------------------- messages

int g_status = 0;              // 0 ok, 1 error, 2 warning; an error wins
bool g_stdout_failed = false;  // writing to stdout failed: stop everything

void clear_progress();

void set_status(int status) {
  if (status == 1 || g_status == 0) g_status = status;
}

void report_error(std::string_view name, std::string_view cause) {
  clear_progress();
  std::fprintf(stderr, "%s: %.*s: %.*s\n", kProgram, static_cast<int>(name.size()), name.data(),
               static_cast<int>(cause.size()), cause.data());
  set_status(1);
}

// `what` may be empty: then the cause is the errno text alone.
void report_errno(std::string_view name, std::string_view what, int err) {
  std::string cause(what);
  if (!cause.empty()) cause += ": ";
  cause += std::strerror(err);
  report_error(name, cause);
}

// `model_needed`: the model id a stream asked for (0 if none or unknown);
// `given`: the --model file, if any.
void report_library(std::string_view name, lmzip::Error e, uint32_t model_needed = 0,
                    const lmzip::Model* given = nullptr) {
  std::string cause = lmzip::error_message(e);
  if (e == lmzip::Error::model_mismatch) {
    char ids[192];
    auto standard = lmzip::default_model(lmzip::kDefaultLevel), large = lmzip::default_model(lmzip::kMaxLevel);
    auto id_of = [](const auto& m) { return m ? m->id() : 0u; };
    if (model_needed && given)
      std::snprintf(ids, sizeof ids, ": the data needs model %08x, the --model file is %08x",
                    model_needed, given->id());
    else if (model_needed)
      std::snprintf(ids, sizeof ids, ": the data needs model %08x, this lmzip has %08x (levels 3-8) and %08x (level 9)"
                    " (another model: --model FILE)",
                    model_needed, id_of(standard), id_of(large));
    else
      std::snprintf(ids, sizeof ids, ": this level needs a neural model and this lmzip has none");
    cause += ids;
  }
  cause += " (";
  cause += lmzip::error_name(e);
  cause += ")";
  report_error(name, cause);
}

void report_warning(std::string_view name, std::string_view cause, const Options& o) {
  if (!o.quiet) {
    clear_progress();
    std::fprintf(stderr, "%s: %.*s: %.*s\n", kProgram, static_cast<int>(name.size()), name.data(),
                 static_cast<int>(cause.size()), cause.data());
  }
  set_status(2);
}

void usage_error(std::string_view message) {
  std::fprintf(stderr, "%s: %.*s\nTry '%s --help' for more information.\n", kProgram,
               static_cast<int>(message.size()), message.data(), kProgram);
}

// ---------------------------------------------------------------- progress

// One status line on stderr ("name: 42%  1.23 MB/s"), redrawn at most every
// 100 ms and erased when done.
class Progress {
 public:
  Progress(std::string_view name, uint64_t total, bool enabled)
      : enabled_(enabled), total_(total), start_(Clock::now()), last_(start_) {
    // Keep the line short enough not to wrap (which would defeat '\r').
    name_ = name.size() > 40 ? "..." + std::string(name.substr(name.size() - 37)) : std::string(name);
  }
  ~Progress() { clear(); }
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // `pos`: input bytes consumed (of total); `bytes`: uncompressed bytes so
  // far, for the speed.
  void update(uint64_t pos, uint64_t bytes) {
    if (!enabled_) return;
    Clock::time_point now = Clock::now();
    if (now - last_ < kProgressInterval) return;
    last_ = now;
    double secs = std::chrono::duration<double>(now - start_).count();
    double mbs = secs > 0 ? static_cast<double>(bytes) / 1e6 / secs : 0.0;
    uint64_t percent = total_ ? std::min<uint64_t>(100, pos * 100 / total_) : 0;
    char line[128];
    int n = std::snprintf(line, sizeof line, "%s: %3" PRIu64 "%%  %.2f MB/s", name_.c_str(), percent,
                          mbs);
    if (n < 0) return;
    size_t len = std::min(static_cast<size_t>(n), sizeof line - 1);
    std::fprintf(stderr, "\r%s%*s", line, static_cast<int>(shown_ > len ? shown_ - len : 0), "");
    std::fflush(stderr);
    shown_ = std::max(shown_, len);
  }

  void clear() {
    if (!shown_) return;
    std::fprintf(stderr, "\r%*s\r", static_cast<int>(shown_), "");
    std::fflush(stderr);
    shown_ = 0;
  }

 private:
  bool enabled_;
  uint64_t total_;
  std::string name_;
  Clock::time_point start_, last_;
  size_t shown_ = 0;  // width of the line on screen; 0 = nothing shown
};

Progress* g_progress = nullptr;

void clear_progress() {
  if (g_progress) g_progress->clear();
}

// Registers a Progress as the one to erase before any message is printed.
class ProgressScope {
 public:
  explicit ProgressScope(Progress& p) { g_progress = &p; }
  ~ProgressScope() { g_progress = nullptr; }
  ProgressScope(const ProgressScope&) = delete;
  ProgressScope& operator=(const ProgressScope&) = delete;
};

// ------------------------------------------------ temporary output, signals

// The temporary output file being written, removed if a signal ends us.
char g_temp_path[8192];
volatile std::sig_atomic_t g_temp_active = 0;

void on_fatal_signal(int sig) {
  if (g_temp_active) unlink(g_temp_path);
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

void install_signal_handlers() {
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction old {};
    if (sigaction(sig, nullptr, &old) != 0 || old.sa_handler == SIG_IGN) continue;
    struct sigaction sa {};
    sa.sa_handler = on_fatal_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, nullptr);
  }
}

// ---------------------------------------------------------------- raw I/O

// Bytes read (0 at end of file) or -1 with errno set.
ssize_t read_some(int fd, uint8_t* buf, size_t cap) {
  for (;;) {
    ssize_t n = read(fd, buf, cap);
    if (n < 0 && errno == EINTR) continue;
    return n;
  }
}

bool write_all(int fd, const uint8_t* p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

struct Source {
  int fd;
  std::string name;
  uint64_t size;  // 0 when unknown
};

struct Sink {
  int fd;            // -1: discard (test mode)
  std::string name;  // for messages
};

struct Counts {
  uint64_t compressed = 0;
  uint64_t uncompressed = 0;
};

bool sink_write(const Sink& sink, const uint8_t* p, size_t n) {
  if (sink.fd < 0 || n == 0) return true;
  if (write_all(sink.fd, p, n)) return true;
  report_errno(sink.name, "write error", errno);
  if (sink.fd == STDOUT_FILENO) g_stdout_failed = true;
  return false;
}

bool progress_wanted(const Source& src, const Sink& sink, const Options& o) {
  if (o.quiet || src.size <= kProgressThreshold || !isatty(STDERR_FILENO)) return false;
  // Do not scribble over data going to the same terminal.
  return !(sink.fd == STDOUT_FILENO && isatty(STDOUT_FILENO));
}

// ---------------------------------------------------------------- streaming

bool compress_stream(const Source& src, const Sink& sink, const Options& o, Counts& counts) {
  lmzip::Encoder encoder(o.level, o.model);
  if (encoder.error() != lmzip::Error::ok) {
    report_library(src.name, encoder.error());
    return false;
  }
  std::vector<uint8_t> inbuf(kChunkSize), outbuf(kChunkSize);
  Progress progress(src.name, src.size, progress_wanted(src, sink, o));
  ProgressScope scope(progress);
  for (;;) {
    ssize_t got = read_some(src.fd, inbuf.data(), inbuf.size());
    if (got < 0) {
      report_errno(src.name, "read error", errno);
      return false;
    }
    bool finish = got == 0;
    lmzip::InBuffer in{inbuf.data(), static_cast<size_t>(got), 0};
    for (;;) {
      lmzip::OutBuffer out{outbuf.data(), outbuf.size(), 0};
      lmzip::Status status = encoder.compress(in, out, finish);
      if (!sink_write(sink, outbuf.data(), out.pos)) return false;
      if (status == lmzip::Status::error) {
        report_library(src.name, encoder.error());
        return false;
      }
      if (status == lmzip::Status::done) {
        counts.uncompressed = encoder.bytes_in();
        counts.compressed = encoder.bytes_out();
        return true;
      }
      if (status == lmzip::Status::needs_input) break;
    }
    if (finish) {  // the encoder broke its contract: never loop forever
      report_error(src.name, "internal error: encoder wants input after finish");
      return false;
    }
    progress.update(encoder.bytes_in(), encoder.bytes_in());
  }
}

bool decompress_stream(const Source& src, const Sink& sink, const Options& o, Counts& counts) {
  lmzip::DecoderOptions options;
  options.max_output = o.max_output;
  options.model = o.model;
  lmzip::Decoder decoder(options);
  std::vector<uint8_t> inbuf(kChunkSize), outbuf(kChunkSize);
  Progress progress(src.name, src.size, progress_wanted(src, sink, o));
  ProgressScope scope(progress);
  for (;;) {
    ssize_t got = read_some(src.fd, inbuf.data(), inbuf.size());
    if (got < 0) {
      report_errno(src.name, "read error", errno);
      return false;
    }
    // An empty read is the end of the file: tell the decoder, so that an
    // incomplete stream fails as truncated.
    bool end_of_input = got == 0;
    lmzip::InBuffer in{inbuf.data(), static_cast<size_t>(got), 0};
    for (;;) {
      lmzip::OutBuffer out{outbuf.data(), outbuf.size(), 0};
      lmzip::Status status = decoder.decompress(in, out, end_of_input);
      if (!sink_write(sink, outbuf.data(), out.pos)) return false;
      if (status == lmzip::Status::error) {
        report_library(src.name, decoder.error(), decoder.model_id(), o.model.get());
        return false;
      }
      if (status == lmzip::Status::done) {
        bool trailing = in.pos < in.size;
        if (!trailing && !end_of_input) {
          got = read_some(src.fd, inbuf.data(), inbuf.size());
          if (got < 0) {
            report_errno(src.name, "read error", errno);
            return false;
          }
          trailing = got > 0;
        }
        if (trailing) {
          report_error(src.name, "trailing data after lmzip stream");
          return false;
        }
        counts.compressed = decoder.bytes_in();
        counts.uncompressed = decoder.bytes_out();
        return true;
      }
      if (status == lmzip::Status::needs_input) break;
    }
    if (end_of_input) {  // the decoder broke its contract: never loop forever
      report_library(src.name, lmzip::Error::truncated);
      return false;
    }
    progress.update(decoder.bytes_in(), decoder.bytes_out());
  }
}

// Runs the stream for the mode; prints the -v line on success.
bool run_stream(const Source& src, const Sink& sink, const Options& o) {
  Counts counts;
  Clock::time_point start = Clock::now();
  bool ok = o.mode == Mode::compress ? compress_stream(src, sink, o, counts)
                                     : decompress_stream(src, sink, o, counts);
  if (!ok || !o.verbose) return ok;
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  uint64_t in = o.mode == Mode::compress ? counts.uncompressed : counts.compressed;
  uint64_t out = o.mode == Mode::compress ? counts.compressed : counts.uncompressed;
  std::string line = src.name + ": " + std::to_string(in) + " -> " + std::to_string(out) + " bytes, ";
  char buf[160];
  if (counts.uncompressed > 0 && counts.compressed > 0) {
    double ratio = static_cast<double>(counts.uncompressed) / static_cast<double>(counts.compressed);
    double bpb = 8.0 * static_cast<double>(counts.compressed) / static_cast<double>(counts.uncompressed);
    std::snprintf(buf, sizeof buf, "%.2f:1, %.3f bits/byte, ", ratio, bpb);
  } else {
    std::snprintf(buf, sizeof buf, "n/a:1, n/a bits/byte, ");
  }
  line += buf;
  double mbs = secs > 0 ? static_cast<double>(counts.uncompressed) / 1e6 / secs : 0.0;
  std::snprintf(buf, sizeof buf, "%.2f MB/s, %.2f s%s", mbs, secs, o.mode == Mode::test ? ", OK" : "");
  line += buf;
  std::fprintf(stderr, "%s\n", line.c_str());
  return true;
}

// ---------------------------------------------------------------- files

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

void process_stdin(const Options& o) {
  Source src{STDIN_FILENO, "(stdin)", 0};
  struct stat st {};
  if (fstat(STDIN_FILENO, &st) == 0 && S_ISREG(st.st_mode)) {
    off_t pos = lseek(STDIN_FILENO, 0, SEEK_CUR);
    if (pos >= 0 && pos < st.st_size) src.size = static_cast<uint64_t>(st.st_size - pos);
  }
  Sink sink{o.mode == Mode::test ? -1 : STDOUT_FILENO, "(stdout)"};
  run_stream(src, sink, o);
}

// Gives the output the input's owner (when allowed), mode and times.
void copy_metadata(int fd, const struct stat& st, const std::string& target, const Options& o) {
  mode_t mode = st.st_mode & 07777;
  if (fchown(fd, st.st_uid, st.st_gid) != 0) {
    mode &= static_cast<mode_t>(~(S_ISUID | S_ISGID));
    if (fchown(fd, static_cast<uid_t>(-1), st.st_gid) != 0) mode &= static_cast<mode_t>(~S_ISGID);
  }
  if (fchmod(fd, mode) != 0) report_warning(target, std::string("cannot set mode: ") + std::strerror(errno), o);
  struct timespec times[2] = {st.st_atim, st.st_mtim};
  if (futimens(fd, times) != 0)
    report_warning(target, std::string("cannot set times: ") + std::strerror(errno), o);
}

void process_file(const std::string& path, const Options& o) {
  if (path == "-") {
    process_stdin(o);
    return;
  }
  const bool to_file = o.mode != Mode::test && !o.to_stdout;

  std::string target;
  if (to_file) {
    if (o.mode == Mode::decompress) {
      std::string_view base = path;
      if (size_t slash = base.rfind('/'); slash != std::string_view::npos) base.remove_prefix(slash + 1);
      if (!ends_with(base, kSuffix) || base.size() == kSuffix.size()) {
        report_error(path, "unknown suffix (expected .lmz) -- ignored");
        return;
      }
      target = path.substr(0, path.size() - kSuffix.size());
    } else {
      target = path + std::string(kSuffix);
    }
  }

  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) {
    report_errno(path, "", errno);
    return;
  }
  if (S_ISLNK(st.st_mode)) {
    if (to_file && !o.force) {
      report_warning(path, "is a symbolic link -- ignored (use -f to follow it)", o);
      return;
    }
    if (stat(path.c_str(), &st) != 0) {
      report_errno(path, "", errno);
      return;
    }
  }
  if (S_ISDIR(st.st_mode)) {
    report_warning(path, "is a directory -- ignored", o);
    return;
  }
  if (!S_ISREG(st.st_mode) && to_file) {
    report_warning(path, "is not a regular file -- ignored", o);
    return;
  }
  if (to_file && o.mode == Mode::compress && ends_with(path, kSuffix) && !o.force) {
    report_warning(path, "already has .lmz suffix -- unchanged", o);
    return;
  }
  if (to_file && !o.keep && !o.force && st.st_nlink > 1) {
    report_warning(path,
                   "has " + std::to_string(st.st_nlink - 1) + " other link(s) -- unchanged (use -k or -f)",
                   o);
    return;
  }
  if (to_file && !o.force) {
    struct stat tst {};
    if (lstat(target.c_str(), &tst) == 0) {
      report_error(target, "already exists; not overwritten (use -f to overwrite)");
      return;
    }
  }

  int in_fd = open(path.c_str(), O_RDONLY | O_NOCTTY | O_CLOEXEC);
  if (in_fd < 0) {
    report_errno(path, "", errno);
    return;
  }
  if (fstat(in_fd, &st) != 0) {
    report_errno(path, "", errno);
    close(in_fd);
    return;
  }
  if (to_file && !S_ISREG(st.st_mode)) {  // changed since lstat
    report_warning(path, "is not a regular file -- ignored", o);
    close(in_fd);
    return;
  }
  Source src{in_fd, path, S_ISREG(st.st_mode) ? static_cast<uint64_t>(st.st_size) : 0};

  if (!to_file) {
    Sink sink{o.mode == Mode::test ? -1 : STDOUT_FILENO, "(stdout)"};
    run_stream(src, sink, o);
    close(in_fd);
    return;
  }

  // Write beside the target, rename into place only when all went well.
  std::string temp = target + ".tmp.XXXXXX";
  if (temp.size() >= sizeof g_temp_path) {
    report_error(target, "output file name too long");
    close(in_fd);
    return;
  }
  std::memcpy(g_temp_path, temp.c_str(), temp.size() + 1);
  sigset_t block, saved;
  sigemptyset(&block);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&block, sig);
  sigprocmask(SIG_BLOCK, &block, &saved);  // mkstemp + registration as one step
  int out_fd = mkstemp(g_temp_path);
  int mkstemp_errno = errno;
  if (out_fd >= 0) g_temp_active = 1;
  sigprocmask(SIG_SETMASK, &saved, nullptr);
  if (out_fd < 0) {
    report_errno(target, "cannot create output file", mkstemp_errno);
    close(in_fd);
    return;
  }
  temp = g_temp_path;

  auto discard = [&]() {
    unlink(temp.c_str());
    g_temp_active = 0;
  };

  bool ok = run_stream(src, Sink{out_fd, target}, o);
  close(in_fd);
  if (ok) copy_metadata(out_fd, st, target, o);
  if (close(out_fd) != 0 && ok) {
    report_errno(target, "write error", errno);
    ok = false;
  }
  if (!ok) {
    discard();
    return;
  }
  if (rename(temp.c_str(), target.c_str()) != 0) {
    report_errno(target, "cannot rename temporary file into place", errno);
    discard();
    return;
  }
  g_temp_active = 0;
  if (!o.keep && unlink(path.c_str()) != 0)
    report_warning(path, std::string("cannot remove input: ") + std::strerror(errno), o);
}

// ---------------------------------------------------------------- arguments

void print_help() {
  std::printf(
      "Usage: %s [OPTION]... [FILE]...\n"
      "Compress or decompress FILEs with lmzip (context mixing; by default in place:\n"
      "FILE becomes FILE.lmz). With no FILE, or when FILE is -, read standard input.\n"
      "\n"
      "  -d, --decompress    decompress (FILE.lmz -> FILE)\n"
      "  -c, --stdout        write to standard output, keep input files\n"
      "  -t, --test          decompress and verify, write nothing\n"
      "  -k, --keep          keep (don't delete) input files\n"
      "  -f, --force         overwrite existing output files; compress to a terminal;\n"
      "                      follow symbolic links; compress files with .lmz suffix\n"
      "  -1 ... -9           level: -1 fastest, -9 best (default %d)\n"
      "      --level=N       the same as -N\n"
      "      --fast, --best  the same as -1 and -9\n"
      "      --max-output=N  decompression fails beyond N bytes of output per file\n"
      "                      (suffixes K, M, G, T: powers of 1024)\n"
      "      --model=FILE    neural model file (.lmzm) instead of the built-in ones:\n"
      "                      compress levels 3-9 with it; decompress data made with it\n"
      "  -v, --verbose       print sizes, ratio, bits/byte and speed for each file\n"
      "  -q, --quiet         suppress warnings and the progress bar\n"
      "  -h, --help          show this help and exit\n"
      "  -V, --version       show the version and exit\n"
      "\n"
      "Exit status: 0 success, 1 error, 2 warning (e.g. a file was skipped).\n",
      kProgram, lmzip::kDefaultLevel);
}

void print_version() {
  std::printf("%s %s (format version %d, levels %d-%d)\n", kProgram, LMZIP_VERSION_STRING,
              lmzip::kFormatVersion, lmzip::kMinLevel, lmzip::kMaxLevel);
}

bool parse_level(std::string_view s, int& level) {
  if (s.size() != 1 || s[0] < '0' + lmzip::kMinLevel || s[0] > '0' + lmzip::kMaxLevel) return false;
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

enum class ParseResult { ok, exit_ok, exit_error };

ParseResult parse_args(int argc, char** argv, Options& o, std::vector<std::string>& files) {
  bool options_done = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (options_done || arg.size() < 2 || arg[0] != '-') {
      files.emplace_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    if (arg.substr(0, 2) == "--") {
      std::string_view name = arg.substr(2), value;
      bool has_value = false;
      if (size_t eq = name.find('='); eq != std::string_view::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
        has_value = true;
      }
      auto takes_value = [&]() -> bool {
        if (has_value) return true;
        if (i + 1 >= argc) {
          usage_error("option '--" + std::string(name) + "' requires an argument");
          return false;
        }
        value = argv[++i];
        return true;
      };
      auto no_value = [&]() -> bool {
        if (!has_value) return true;
        usage_error("option '--" + std::string(name) + "' doesn't allow an argument");
        return false;
      };
      if (name == "level" || name == "max-output" || name == "model") {
        if (!takes_value()) return ParseResult::exit_error;
        if (name == "level" && !parse_level(value, o.level)) {
          usage_error("invalid level '" + std::string(value) + "' (must be 1..9)");
          return ParseResult::exit_error;
        }
        if (name == "max-output" && !parse_size(value, o.max_output)) {
          usage_error("invalid size '" + std::string(value) + "' for --max-output");
          return ParseResult::exit_error;
        }
        if (name == "model") o.model_path = value;
        continue;
      }
      if (!no_value()) return ParseResult::exit_error;
      if (name == "decompress" || name == "uncompress") o.mode = Mode::decompress;
      else if (name == "stdout" || name == "to-stdout") o.to_stdout = true;
      else if (name == "test") o.mode = Mode::test;
      else if (name == "keep") o.keep = true;
      else if (name == "force") o.force = true;
      else if (name == "fast") o.level = lmzip::kMinLevel;
      else if (name == "best") o.level = lmzip::kMaxLevel;
      else if (name == "verbose") { o.verbose = true; o.quiet = false; }
      else if (name == "quiet" || name == "silent") { o.quiet = true; o.verbose = false; }
      else if (name == "help") {
        print_help();
        return ParseResult::exit_ok;
      } else if (name == "version") {
        print_version();
        return ParseResult::exit_ok;
      } else {
        usage_error("unrecognized option '" + std::string(arg) + "'");
        return ParseResult::exit_error;
      }
      continue;
    }
    for (char c : arg.substr(1)) {  // a cluster of short flags: -dkc, -9v
      switch (c) {
        case 'd': o.mode = Mode::decompress; break;
        case 'c': o.to_stdout = true; break;
        case 't': o.mode = Mode::test; break;
        case 'k': o.keep = true; break;
        case 'f': o.force = true; break;
        case 'v': { o.verbose = true; o.quiet = false; } break;
        case 'q': { o.quiet = true; o.verbose = false; } break;
        case 'h': print_help(); return ParseResult::exit_ok;
        case 'V': print_version(); return ParseResult::exit_ok;
        default:
          if (c >= '0' + lmzip::kMinLevel && c <= '0' + lmzip::kMaxLevel) {
            o.level = c - '0';
            break;
          }
          usage_error(std::string("invalid option -- '") + c + "'");
          return ParseResult::exit_error;
      }
    }
  }
  return ParseResult::ok;
}

// Reads and validates the --model file; false (reported) if it is unusable.
bool load_model(Options& o) {
  std::string why = "cannot open";
  int fd = open(o.model_path->c_str(), O_RDONLY | O_CLOEXEC);
  std::vector<uint8_t> bytes;
  if (fd >= 0) {
    uint8_t chunk[1 << 16];
    ssize_t got;
    while (bytes.size() <= kMaxModelFileBytes && (got = read_some(fd, chunk, sizeof chunk)) > 0)
      bytes.insert(bytes.end(), chunk, chunk + got);
    int err = errno;
    close(fd);
    if (bytes.size() > kMaxModelFileBytes) why = "larger than any model file (16 MiB)";
    else if (got < 0) why = std::string("read error: ") + std::strerror(err);
    else o.model = lmzip::Model::load(bytes.data(), bytes.size(), &why);
  } else {
    why += std::string(": ") + std::strerror(errno);
  }
  if (!o.model) report_error(*o.model_path, "not a usable model file: " + why);
  return o.model != nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  std::vector<std::string> files;
  switch (parse_args(argc, argv, o, files)) {
    case ParseResult::ok: break;
    case ParseResult::exit_ok: return 0;
    case ParseResult::exit_error: return 1;
  }
  if (o.model_path && !load_model(o)) return 1;

  bool uses_stdin = files.empty() || std::find(files.begin(), files.end(), "-") != files.end();
  bool writes_stdout = o.mode != Mode::test && (o.to_stdout || uses_stdin);
  if (o.mode == Mode::compress && writes_stdout && !o.force && isatty(STDOUT_FILENO)) {
    std::fprintf(stderr,
                 "%s: compressed data not written to a terminal. Use -f to force compression.\n"
                 "For help, type: %s -h\n",
                 kProgram, kProgram);
    return 1;
  }
  if (o.mode != Mode::compress && uses_stdin && !o.force && isatty(STDIN_FILENO)) {
    std::fprintf(stderr,
                 "%s: compressed data not read from a terminal. Use -f to force decompression.\n"
                 "For help, type: %s -h\n",
                 kProgram, kProgram);
    return 1;
  }

  install_signal_handlers();
  if (files.empty()) {
    process_stdin(o);
  } else {
    for (const std::string& f : files) {
      if (g_stdout_failed) break;
      process_file(f, o);
    }
  }
  return g_status;
}
