// lmzip — command-line tool (gzip/xz-like). A thin shell over the streaming
// Encoder/Decoder of lmzip.h: it reads and writes files in bounded chunks and
// adds no compression logic of its own. Its options, help and messages are
// defined in cli/spec.h, shared with the npm package's CLI.
//
//   lmzip FILE...        compress each FILE to FILE.lmz, remove FILE
//   lmzip -d FILE.lmz... decompress to FILE, remove FILE.lmz
//   lmzip -r DIR...      the same for every file under DIR
//   lmzip                stdin -> stdout
//
// Exit status (as gzip): 0 ok, 1 error, 2 warning (e.g. a skipped file).

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "cli/spec.h"
#include "lmzip.h"

#ifndef LMZIP_VERSION_STRING
#define LMZIP_VERSION_STRING "0.1.0"
#endif

namespace {

using lmzip::cli::Message;
using lmzip::cli::Mode;
using lmzip::cli::message;

constexpr std::string_view kSuffix = lmzip::cli::kSuffix;
// The temporary output's name in the target's directory (mkstemp fills
// the Xs); hidden, like the temporary files of rsync and git.
constexpr const char* kTempName = ".lmzXXXXXX";
// renameat2's flag (linux/fs.h), called through syscall() so that no
// particular C library is needed.
constexpr unsigned kRenameNoReplace = 1;
constexpr size_t kChunkSize = size_t{256} << 10;  // input and output chunks
constexpr auto kProgressInterval = std::chrono::milliseconds(lmzip::cli::kProgressIntervalMs);

using Clock = std::chrono::steady_clock;

struct Options : lmzip::cli::Options {
  std::shared_ptr<const lmzip::Model> model;  // loaded from model_path
};

// ---------------------------------------------------------------- messages

int g_status = 0;              // 0 ok, 1 error, 2 warning; an error wins
bool g_stdout_failed = false;  // writing to stdout failed: stop everything

void clear_progress();

void set_status(int status) {
  if (status == 1 || g_status == 0) g_status = status;
}

void report_error(const std::string& name, const std::string& cause) {
  clear_progress();
  std::fprintf(stderr, "%s\n", lmzip::cli::report_line(name, cause).c_str());
  set_status(1);
}

// `what` may be empty: then the cause is the errno text alone.
void report_errno(const std::string& name, const std::string& what, int err) {
  report_error(name, lmzip::cli::with_errno(what, lmzip::cli::errno_text(err)));
}

// `model_needed`: the model id a stream asked for (0 if none or unknown);
// `given`: the --model file, if any; `level`: the stream's (0: unknown).
void report_library(const std::string& name, lmzip::Error e, uint32_t model_needed = 0,
                    const lmzip::Model* given = nullptr, int level = 0) {
  report_error(name, lmzip::cli::library_error(e, model_needed, given ? given->id() : 0, level));
}

void report_warning(const std::string& name, const std::string& cause, const Options& o) {
  if (!o.quiet) {
    clear_progress();
    std::fprintf(stderr, "%s\n", lmzip::cli::report_line(name, cause).c_str());
  }
  set_status(2);
}

// ---------------------------------------------------------------- progress

// One status line on stderr ("name: 42%  1.23 MB/s"), redrawn at most every
// 100 ms and erased when done.
class Progress {
 public:
  Progress(std::string name, uint64_t total, bool enabled)
      : enabled_(enabled), total_(total), name_(std::move(name)), start_(Clock::now()), last_(start_) {}
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
    std::string line = lmzip::cli::progress_line(name_, pos, total_, mbs);
    size_t len = line.size();
    std::fprintf(stderr, "\r%s%*s", line.c_str(), static_cast<int>(shown_ > len ? shown_ - len : 0), "");
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

// The signals whose default action ends the process while it may be
// writing a file: those of the terminal and kill, a closed pipe on stderr
// or stdout (SIGPIPE), and the limits of `ulimit -f` and `ulimit -t`.
constexpr int kFatalSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGXFSZ, SIGXCPU};

sigset_t fatal_signals() {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : kFatalSignals) sigaddset(&set, sig);
  return set;
}

// Only async-signal-safe calls: the path was stored beforehand. The signal
// stays blocked while the handler runs, so the raise() takes effect, with
// the default action, when it returns.
void on_fatal_signal(int sig) {
  if (g_temp_active) unlink(g_temp_path);
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

void install_signal_handlers() {
  for (int sig : kFatalSignals) {
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
  uint64_t size;  // lmzip::kUnknownSize when unknown
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
  report_errno(sink.name, message(Message::write_error), errno);
  if (sink.fd == STDOUT_FILENO) g_stdout_failed = true;
  return false;
}

bool progress_wanted(const Source& src, const Sink& sink, const Options& o) {
  if (o.quiet || src.size == lmzip::kUnknownSize || src.size <= lmzip::cli::kProgressThreshold ||
      !isatty(STDERR_FILENO))
    return false;
  // Do not scribble over data going to the same terminal.
  return !(sink.fd == STDOUT_FILENO && isatty(STDOUT_FILENO));
}

// ---------------------------------------------------------------- streaming

bool compress_stream(const Source& src, const Sink& sink, const Options& o, Counts& counts) {
  lmzip::EncoderOptions options;
  options.level = o.level;
  options.model = o.model;
  options.size_hint = src.size;
  options.frame_size = o.frame_size;
  options.threads = o.threads;
  lmzip::Encoder encoder(std::move(options));
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
      report_errno(src.name, message(Message::read_error), errno);
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
      report_error(src.name, message(Message::encoder_contract));
      return false;
    }
    progress.update(encoder.bytes_in(), encoder.bytes_in());
  }
}

// Reads exactly n bytes at `offset`; false on an error or the end of file.
bool read_at(int fd, uint8_t* buf, size_t n, uint64_t offset) {
  while (n > 0) {
    ssize_t got = pread(fd, buf, n, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    buf += got;
    n -= static_cast<size_t>(got);
    offset += static_cast<uint64_t>(got);
  }
  return true;
}

enum class Parallel { done, failed, not_seekable };

// -T N on a file that ends with a seek table and holds nothing else: its
// frames decoded N at a time (lmzip::decompress_frames), read with pread so
// that memory stays N frames. Anything else streams.
Parallel decompress_parallel(const Source& src, const Sink& sink, const Options& o, Counts& counts) {
  off_t here = lseek(src.fd, 0, SEEK_CUR);  // stdin may start inside a file
  if (src.size == lmzip::kUnknownSize || src.size < lmzip::kSeekFooterSize || here < 0) return Parallel::not_seekable;
  const uint64_t base = static_cast<uint64_t>(here);
  uint8_t footer[lmzip::kSeekFooterSize];
  if (!read_at(src.fd, footer, sizeof footer, base + src.size - sizeof footer)) return Parallel::not_seekable;
  size_t table_size = lmzip::seek_table_size(footer);
  if (table_size == 0 || table_size > src.size) return Parallel::not_seekable;
  std::vector<uint8_t> table(table_size);
  std::vector<lmzip::SeekEntry> frames;
  if (!read_at(src.fd, table.data(), table.size(), base + src.size - table_size) ||
      lmzip::read_seek_table(table.data(), table.size(), frames, src.size) != lmzip::Error::ok ||
      frames[0].compressed_offset != 0)
    return Parallel::not_seekable;  // the streaming decoder says what is wrong
  size_t batch = o.threads > 0 ? static_cast<size_t>(o.threads)
                               : std::max<size_t>(1, std::thread::hardware_concurrency());
  lmzip::DecoderOptions options;
  options.model = o.model;
  std::vector<uint8_t> in, out;
  Progress progress(src.name, src.size, progress_wanted(src, sink, o));
  ProgressScope scope(progress);
  for (size_t first = 0; first < frames.size(); first += batch) {
    size_t n = std::min(batch, frames.size() - first);
    std::vector<lmzip::SeekEntry> part(frames.begin() + static_cast<std::ptrdiff_t>(first),
                                       frames.begin() + static_cast<std::ptrdiff_t>(first + n));
    uint64_t start = part[0].compressed_offset;
    uint64_t bytes = part[n - 1].compressed_offset + part[n - 1].compressed_size - start;
    in.resize(static_cast<size_t>(bytes));
    if (!read_at(src.fd, in.data(), in.size(), base + start)) {
      report_errno(src.name, message(Message::read_error), errno);
      return Parallel::failed;
    }
    for (lmzip::SeekEntry& f : part) f.compressed_offset -= start;
    out.clear();
    options.max_output = o.max_output - std::min(o.max_output, counts.uncompressed);
    lmzip::Error e = lmzip::decompress_frames(in.data(), part.data(), n, out, options, o.threads);
    if (!sink_write(sink, out.data(), out.size())) return Parallel::failed;
    counts.uncompressed += out.size();
    if (e != lmzip::Error::ok) {
      lmzip::StreamHeader h;
      lmzip::peek_header(in.data(), in.size(), h);
      report_library(src.name, e, h.model_id, o.model.get(), h.level);
      return Parallel::failed;
    }
    progress.update(start + bytes, counts.uncompressed);
  }
  counts.compressed = src.size;
  return Parallel::done;
}

bool decompress_stream(const Source& src, const Sink& sink, const Options& o, Counts& counts) {
  if (o.threads != 1) {
    Parallel p = decompress_parallel(src, sink, o, counts);
    if (p != Parallel::not_seekable) return p == Parallel::done;
  }
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
      report_errno(src.name, message(Message::read_error), errno);
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
        report_library(src.name, decoder.error(), decoder.model_id(), o.model.get(), decoder.level());
        return false;
      }
      if (status == lmzip::Status::done) {
        bool trailing = in.pos < in.size;
        if (!trailing && !end_of_input) {
          got = read_some(src.fd, inbuf.data(), inbuf.size());
          if (got < 0) {
            report_errno(src.name, message(Message::read_error), errno);
            return false;
          }
          trailing = got > 0;
        }
        if (trailing) {
          report_error(src.name, message(Message::trailing_data));
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

// lmzip -l: what the listing has shown so far.
struct Listing {
  uint64_t files = 0, compressed = 0, uncompressed = 0;
} g_listing;

// Prints the stream's row of the listing (the header before the first);
// with -v its frames' rows under it.
bool list_stream(const Source& src, bool verbose) {
  std::string frame_rows;
  uint64_t frames = 0;
  lmzip::StreamScanner scanner([&](const lmzip::FrameInfo& frame) {
    if (verbose) frame_rows += lmzip::cli::list_frame_row(++frames, frame);
  });
  std::vector<uint8_t> inbuf(kChunkSize);
  for (;;) {
    ssize_t got = read_some(src.fd, inbuf.data(), inbuf.size());
    if (got < 0) {
      report_errno(src.name, message(Message::read_error), errno);
      return false;
    }
    lmzip::InBuffer in{inbuf.data(), static_cast<size_t>(got), 0};
    lmzip::Status status = scanner.scan(in, got == 0);
    if (status == lmzip::Status::error) {
      report_library(src.name, scanner.error(), scanner.info().header.model_id, nullptr,
                     scanner.info().header.level);
      return false;
    }
    if (status != lmzip::Status::done) continue;
    bool trailing = in.pos < in.size;
    if (!trailing) {
      uint8_t probe;
      got = read_some(src.fd, &probe, 1);
      trailing = got > 0;
    }
    if (trailing) {
      report_error(src.name, message(Message::trailing_data));
      return false;
    }
    const lmzip::StreamInfo& info = scanner.info();
    if (g_listing.files++ == 0) std::fputs(lmzip::cli::list_header().c_str(), stdout);
    std::fputs(lmzip::cli::list_row(src.name, info).c_str(), stdout);
    if (verbose) std::fputs((lmzip::cli::list_frames_header() + frame_rows).c_str(), stdout);
    g_listing.compressed += info.compressed_size;
    g_listing.uncompressed += info.original_size;
    return true;
  }
}

// Runs the stream for the mode; prints the -v line on success.
bool run_stream(const Source& src, const Sink& sink, const Options& o) {
  if (o.mode == Mode::list) return list_stream(src, o.verbose);
  Counts counts;
  Clock::time_point start = Clock::now();
  bool ok = o.mode == Mode::compress ? compress_stream(src, sink, o, counts)
                                     : decompress_stream(src, sink, o, counts);
  if (!ok || !o.verbose) return ok;
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  std::fprintf(stderr, "%s\n",
               lmzip::cli::verbose_line(src.name, o.mode, counts.uncompressed, counts.compressed, secs).c_str());
  return true;
}

// ---------------------------------------------------------------- files

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// FILE.lmz: a name that decompresses to FILE (the bare ".lmz" does not).
bool has_lmzip_name(std::string_view path) {
  if (size_t slash = path.rfind('/'); slash != std::string_view::npos) path.remove_prefix(slash + 1);
  return ends_with(path, kSuffix) && path.size() > kSuffix.size();
}

void process_stdin(const Options& o) {
  Source src{STDIN_FILENO, "(stdin)", lmzip::kUnknownSize};
  struct stat st {};
  if (fstat(STDIN_FILENO, &st) == 0 && S_ISREG(st.st_mode)) {
    off_t pos = lseek(STDIN_FILENO, 0, SEEK_CUR);
    if (pos >= 0 && pos <= st.st_size) src.size = static_cast<uint64_t>(st.st_size - pos);
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
  if (fchmod(fd, mode) != 0) report_warning(target, lmzip::cli::with_errno(message(Message::cannot_set_mode), lmzip::cli::errno_text(errno)), o);
  struct timespec times[2] = {st.st_atim, st.st_mtim};
  if (futimens(fd, times) != 0)
    report_warning(target, lmzip::cli::with_errno(message(Message::cannot_set_times), lmzip::cli::errno_text(errno)),
                   o);
}

// Moves the finished temporary file to `target`: 0, or an errno (EEXIST:
// the target exists). Unless `replace`, an existing target is never
// replaced, not even one created while the output was being written (the
// lstat check before is only a shortcut): renameat2(RENAME_NOREPLACE); where
// the file system lacks it, link() (which never replaces) and unlink();
// where it has no hard links either, the name claimed with O_EXCL, then
// renamed over.
int place_output(const std::string& temp, const std::string& target, bool replace) {
  if (replace) return rename(temp.c_str(), target.c_str()) == 0 ? 0 : errno;
#ifdef SYS_renameat2
  if (syscall(SYS_renameat2, AT_FDCWD, temp.c_str(), AT_FDCWD, target.c_str(), kRenameNoReplace) == 0) return 0;
  if (errno != EINVAL && errno != ENOSYS) return errno;
#endif
  if (link(temp.c_str(), target.c_str()) == 0) {
    unlink(temp.c_str());
    return 0;
  }
  if (errno != EPERM && errno != ENOTSUP && errno != EOPNOTSUPP && errno != ENOSYS) return errno;
  int fd = open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, S_IRUSR | S_IWUSR);
  if (fd < 0) return errno;
  close(fd);
  if (rename(temp.c_str(), target.c_str()) == 0) return 0;
  int err = errno;
  unlink(target.c_str());
  return err;
}

void process_file(const std::string& path, const Options& o) {
  if (path == "-") {
    process_stdin(o);
    return;
  }
  const bool to_file = o.mode != Mode::test && o.mode != Mode::list && !o.to_stdout;

  std::string target;
  if (to_file) {
    if (o.mode == Mode::decompress) {
      // A skipped file, like every other: a warning (gzip's status 2).
      if (!has_lmzip_name(path)) {
        report_warning(path, message(Message::unknown_suffix), o);
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
      report_warning(path, message(Message::symbolic_link), o);
      return;
    }
    if (stat(path.c_str(), &st) != 0) {
      report_errno(path, "", errno);
      return;
    }
  }
  if (S_ISDIR(st.st_mode)) {
    report_warning(path, message(Message::directory), o);
    return;
  }
  if (!S_ISREG(st.st_mode) && to_file) {
    report_warning(path, message(Message::not_regular_file), o);
    return;
  }
  if (to_file && o.mode == Mode::compress && ends_with(path, kSuffix) && !o.force) {
    report_warning(path, message(Message::has_suffix), o);
    return;
  }
  if (to_file && !o.keep && !o.force && st.st_nlink > 1) {
    report_warning(path, message(Message::other_links, {{"count", std::to_string(st.st_nlink - 1)}}), o);
    return;
  }
  if (to_file && !o.force) {
    struct stat tst {};
    if (lstat(target.c_str(), &tst) == 0) {
      report_error(target, message(Message::exists));
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
    report_warning(path, message(Message::not_regular_file), o);
    close(in_fd);
    return;
  }
  Source src{in_fd, path, S_ISREG(st.st_mode) ? static_cast<uint64_t>(st.st_size) : lmzip::kUnknownSize};

  if (!to_file) {
    Sink sink{o.mode == Mode::test ? -1 : STDOUT_FILENO, "(stdout)"};
    run_stream(src, sink, o);
    close(in_fd);
    return;
  }

  // Write beside the target, move into place only when all went well. The
  // temporary name is short and fixed-length (not the target's name plus a
  // suffix), so that any target name that fits NAME_MAX can be written.
  size_t slash = target.rfind('/');
  std::string temp = (slash == std::string::npos ? std::string() : target.substr(0, slash + 1)) + kTempName;
  if (temp.size() >= sizeof g_temp_path) {
    report_error(target, message(Message::name_too_long));
    close(in_fd);
    return;
  }
  std::memcpy(g_temp_path, temp.c_str(), temp.size() + 1);
  const sigset_t block = fatal_signals();
  sigset_t saved;
  sigprocmask(SIG_BLOCK, &block, &saved);  // mkstemp + registration as one step
  int out_fd = mkstemp(g_temp_path);
  int mkstemp_errno = errno;
  if (out_fd >= 0) g_temp_active = 1;
  sigprocmask(SIG_SETMASK, &saved, nullptr);
  if (out_fd < 0) {
    report_errno(target, message(Message::cannot_create), mkstemp_errno);
    close(in_fd);
    return;
  }
  temp = g_temp_path;

  auto discard = [&]() {
    sigprocmask(SIG_BLOCK, &block, &saved);
    unlink(temp.c_str());
    g_temp_active = 0;
    sigprocmask(SIG_SETMASK, &saved, nullptr);
  };

  bool ok = run_stream(src, Sink{out_fd, target}, o);
  close(in_fd);
  if (ok) copy_metadata(out_fd, st, target, o);
  if (close(out_fd) != 0 && ok) {
    report_errno(target, message(Message::write_error), errno);
    ok = false;
  }
  if (!ok) {
    discard();
    return;
  }
  // Placement + deregistration as one step: once the temporary name is
  // gone, another process may reuse it, and the handler must not remove that.
  sigprocmask(SIG_BLOCK, &block, &saved);
  int err = place_output(temp, target, o.force);
  if (err == 0) g_temp_active = 0;
  sigprocmask(SIG_SETMASK, &saved, nullptr);
  if (err != 0) {
    if (err == EEXIST && !o.force) report_error(target, message(Message::exists));
    else report_errno(target, message(Message::cannot_rename), err);
    discard();
    return;
  }
  if (!o.keep && unlink(path.c_str()) != 0)
    report_warning(path, lmzip::cli::with_errno(message(Message::cannot_remove), lmzip::cli::errno_text(errno)), o);
}

void process_directory(const std::string& dir, const Options& o);

// lmzip -r: an entry found in a directory. Directories are walked (never
// through a symbolic link: no loops, nothing outside the tree); a symbolic
// link is what it would be on the command line (skipped without -f);
// devices, FIFOs and sockets are skipped, so that a FIFO cannot block -c or
// -t. Decompressing, testing and listing take only the FILE.lmz files, as
// gzip -r does: the others are no concern of the run, not skipped inputs.
void process_entry(const std::string& path, const Options& o) {
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) {
    report_errno(path, "", errno);
    return;
  }
  if (S_ISDIR(st.st_mode)) {
    process_directory(path, o);
    return;
  }
  if (o.mode != Mode::compress && !has_lmzip_name(path)) return;
  if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) {
    report_warning(path, message(Message::not_regular_file), o);
    return;
  }
  process_file(path, o);
}

// Every entry of `dir`, in the byte order of their names (so that the order
// of a run, and of -c's output, does not depend on the file system), listed
// before the first is processed, so that outputs written meanwhile are not
// visited.
void process_directory(const std::string& dir, const Options& o) {
  DIR* d = opendir(dir.c_str());
  if (!d) {
    report_errno(dir, "", errno);
    return;
  }
  std::vector<std::string> names;
  int err = 0;
  for (;;) {
    errno = 0;
    const struct dirent* entry = readdir(d);
    if (!entry) {
      err = errno;
      break;
    }
    std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  closedir(d);
  if (err != 0) {
    report_errno(dir, message(Message::read_error), err);
    return;
  }
  std::sort(names.begin(), names.end());
  const std::string prefix = ends_with(dir, "/") ? dir : dir + "/";
  for (const std::string& name : names) {
    if (g_stdout_failed) return;
    process_entry(prefix + name, o);
  }
}

// A command-line argument: with -r a directory is walked, anything else
// (a symbolic link to a directory included) is a file.
void process_argument(const std::string& path, const Options& o) {
  struct stat st {};
  if (o.recursive && path != "-" && lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    process_directory(path, o);
    return;
  }
  process_file(path, o);
}

// Reads and validates the --model file; false (reported) if it is unusable.
bool load_model(Options& o) {
  std::string why;
  int fd = open(o.model_path->c_str(), O_RDONLY | O_CLOEXEC);
  std::vector<uint8_t> bytes;
  if (fd >= 0) {
    uint8_t chunk[1 << 16];
    ssize_t got = 0;
    while (bytes.size() <= lmzip::cli::kMaxModelFileBytes && (got = read_some(fd, chunk, sizeof chunk)) > 0)
      bytes.insert(bytes.end(), chunk, chunk + got);
    int err = errno;
    close(fd);
    if (bytes.size() > lmzip::cli::kMaxModelFileBytes) why = message(Message::model_too_large);
    else if (got < 0) why = lmzip::cli::with_errno(message(Message::read_error), lmzip::cli::errno_text(err));
    else o.model = lmzip::Model::load(bytes.data(), bytes.size(), &why);
  } else {
    why = lmzip::cli::with_errno(message(Message::model_cannot_open), lmzip::cli::errno_text(errno));
  }
  if (!o.model) report_error(*o.model_path, message(Message::bad_model_file, {{"why", why}}));
  return o.model != nullptr;
}

// A closed fd 0, 1 or 2 would be handed to the next file opened, so the
// temporary output could receive messages meant for stderr (or the input
// become "stdin"). Each closed one is opened on /dev/null with the opposite
// access mode, as gnulib's stdopen does: it holds the number, and any use
// still fails (EBADF) as it would have on the closed descriptor. False if
// that is impossible: then nothing may be created.
bool occupy_standard_fds() {
  for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; ++fd) {
    if (fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
    int opened = open("/dev/null", fd == STDIN_FILENO ? O_WRONLY : O_RDONLY);
    if (opened != fd) {
      if (opened >= 0) close(opened);
      return false;
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (!occupy_standard_fds()) return 1;
  lmzip::cli::Invocation inv = lmzip::cli::parse_args(std::vector<std::string>(argv + 1, argv + argc),
                                                      LMZIP_VERSION_STRING);
  switch (inv.action) {
    case lmzip::cli::Invocation::run: break;
    case lmzip::cli::Invocation::print: std::fputs(inv.text.c_str(), stdout); return 0;
    case lmzip::cli::Invocation::usage_error: std::fputs(inv.text.c_str(), stderr); return 1;
  }
  Options o;
  static_cast<lmzip::cli::Options&>(o) = inv.options;
  const std::vector<std::string>& files = inv.files;
  if (o.model_path && !load_model(o)) return 1;

  bool uses_stdin = files.empty() || std::find(files.begin(), files.end(), "-") != files.end();
  bool writes_stdout = o.mode == Mode::compress && (o.to_stdout || uses_stdin);
  if (o.mode == Mode::compress && writes_stdout && !o.force && isatty(STDOUT_FILENO)) {
    std::fprintf(stderr, "%s: %s\n", lmzip::cli::kProgram, message(Message::not_to_terminal).c_str());
    return 1;
  }
  if (o.mode != Mode::compress && uses_stdin && !o.force && isatty(STDIN_FILENO)) {
    std::fprintf(stderr, "%s: %s\n", lmzip::cli::kProgram, message(Message::not_from_terminal).c_str());
    return 1;
  }

  install_signal_handlers();
  if (files.empty()) {
    process_stdin(o);
  } else {
    for (const std::string& f : files) {
      if (g_stdout_failed) break;
      process_argument(f, o);
    }
  }
  if (g_listing.files > 1)
    std::fputs(lmzip::cli::list_totals(g_listing.files, g_listing.compressed, g_listing.uncompressed).c_str(), stdout);
  return g_status;
}
