// lmzip_profile: where the time of each level goes, and how close the matvec
// kernels come to the core's peak. WebAssembly has no cycle counters and no
// perf, so every figure is the CPU time of code run on its own (see
// cpu_seconds), and the stages are differences of nested runs over the same
// input:
//
//   total      one-shot compress() in memory (the public API)
//   predictor  the level's Predictor fed every bit (no coder, no framing)
//   model      the level's neural model alone (step() and the 8 p_bit())
//   matvec     the model's matrix-vector products alone: W 3HxH, and V 256xH
//              for a softmax output (the bit tree reads 8 rows of V per byte,
//              which stay in "model")
//
// Each stage then costs its own time minus the next one's (bench/profile.py
// does the subtraction). A stage run alone has the caches to itself, so what
// the stages cost each other in cache misses shows up in the outer stage.
//
// The kernel part times every matvec variant this CPU supports on the GRU
// shapes of each model, and a register-only loop of the multiply-add
// instruction each variant is built on: the most that instruction can give.
//
// Output: tab-separated records, one per line (bench/profile.py reads them):
//   cpu       NAME
//   engine    DESCRIPTION
//   kernels   best_names()
//   input     PATH  FILE_BYTES
//   repeat    R
//   level     L PROFILE SLOT HIDDEN BYTES COMPRESSED
//   round     L COMPRESS_S DECOMPRESS_S PREDICTOR_S MODEL_S MATVEC_S
//             (one per round; the last two "-" without a model)
//   peak      ISA INSTRUCTION MACS_PER_INSTRUCTION MACS_PER_S
//   kernel    NAME HIDDEN H_OFFSET MACS_PER_S   (h this many bytes past a cache line)
// A kernel row's name is the ISA it is built on ("sse4.1", "avx2", "simd128"),
// the same as its peak's.
//
//   lmzip_profile [--levels 1,6,9] [--bytes N] [--model-bytes N] [--repeat R]
//                 [--models DIR] [--no-kernels] FILE
//
// --bytes: profile the first N bytes of FILE (default all of it);
// --model-bytes: the first N at the levels with a neural model, which cost
// 10-100x more per byte (default: as --bytes). R rounds of every stage
// (default 3; the kernel figures are the best of at least 5).
// --models: where the model files are for a build that embeds none (the
// WebAssembly one; by default the checkout's models/).
#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <time.h>

#if defined(__EMSCRIPTEN__)
#include <emscripten.h>
#endif
#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#endif

#include "kernels/kernels.h"
#include "levels.h"
#include "lmzip.h"
#include "nn/gru_model.h"
#include "predictor.h"

namespace {

// The clock: CPU time, of this thread natively and of the Node process in
// WebAssembly, not wall time: on the shared 2-core VM another job often
// takes a core, and the time this one then waits for its turn is not its own.
#if defined(__EMSCRIPTEN__)
EM_JS(double, cpu_seconds, (), {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
});
#else
double cpu_seconds() {
  timespec now;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + 1e-9 * static_cast<double>(now.tv_nsec);
}
#endif

// Results land here so that the compiler cannot drop the work behind them.
volatile uint64_t g_sink;

template <class F>
double seconds(F&& f) {
  const double start = cpu_seconds();
  f();
  return cpu_seconds() - start;
}

bool read_all(const std::string& path, std::vector<uint8_t>& out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  out.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  return true;
}

// n values in `storage`, from `offset` bytes past a cache-line boundary. The
// kernels' speed depends on where h starts (the kernel table measures by how
// much), so the matvec figures fix it rather than take what malloc gives.
constexpr size_t kLine = 64;
template <class T>
T* at_line(std::vector<T>& storage, size_t n, size_t offset = 0) {
  storage.assign(n + (kLine + offset) / sizeof(T), T{});
  size_t i = 0;
  while ((reinterpret_cast<uintptr_t>(storage.data() + i) - offset) % kLine != 0) ++i;
  return storage.data() + i;
}

// "model name" of /proc/cpuinfo, with family and model, which name the core
// where a VM shows only the vendor's brand. Node reaches it too (NODERAWFS).
std::string cpu_name() {
  std::ifstream f("/proc/cpuinfo");
  std::string line, name, family, model;
  auto value = [&](const char* key, std::string& out) {
    if (out.empty() && line.rfind(key, 0) == 0 && line.find(':') != std::string::npos)
      out = line.substr(line.find(':') + 2);
  };
  while (std::getline(f, line)) {
    value("model name", name);
    value("cpu family", family);
    value("model\t", model);
  }
  if (name.empty()) return "unknown";
  if (!family.empty()) name += " (family " + family + ", model " + model + ")";
  return name;
}

std::string engine_name() {
#if defined(__EMSCRIPTEN__)
  return std::string("WebAssembly in Node ") + emscripten_run_script_string("process.version") +
         ", emscripten " + std::to_string(__EMSCRIPTEN_major__) + "." + std::to_string(__EMSCRIPTEN_minor__) +
         "." + std::to_string(__EMSCRIPTEN_tiny__);
#else
  return std::string("native, ") + (sizeof(void*) == 8 ? "64-bit" : "32-bit") + ", compiler " + __VERSION__;
#endif
}

// ------------------------------------------------------------ level stages

// One round: every stage once. A stage that does not apply to the level (no
// model, or no GRU) stays < 0.
struct Round {
  double compress = -1, decompress = -1, predictor = -1, model = -1, matvec = -1;
};

// `repeat` rounds of every stage. The speed of this VM drifts by tens of
// percent over minutes (other jobs here and on its host), so the stages are
// compared within a round, whose stages run back to back, and each round is
// kept: bench/profile.py takes the median of the rounds' shares.
bool profile_level(const lmzip::LevelConfig& config, const std::shared_ptr<const lmzip::Model>& model,
                   const std::vector<uint8_t>& data, int repeat, std::vector<Round>& rounds,
                   size_t& compressed) {
  const lmzip::nn::ByteModel* byte_model = model ? &model->byte_model() : nullptr;
  // The GRU's own matrices and kernel; h only needs to be in range, the time
  // does not depend on its values.
  const auto* gru = dynamic_cast<const lmzip::nn::GruModel*>(byte_model);
  const int H = gru ? gru->hidden : 0;
  std::vector<int16_t> h_storage;
  std::vector<int32_t> acc_storage;
  int16_t* h = at_line(h_storage, static_cast<size_t>(H));
  int32_t* acc = at_line(acc_storage, static_cast<size_t>(std::max(3 * H, 256)));
  for (int i = 0; i < H; ++i) h[i] = static_cast<int16_t>(i * 40503 % 32769 - 16384);
  const lmzip::kernels::MatvecFn matvec = lmzip::kernels::best_matvec().fn;
  lmzip::DecoderOptions options;
  options.model = model;

  std::vector<uint8_t> packed, unpacked;
  bool ok = true;
  auto compress = [&] {
    ok = ok && lmzip::compress(data.data(), data.size(), packed, config.level, model) == lmzip::Error::ok;
  };
  auto decompress = [&] {
    ok = ok && lmzip::decompress(packed.data(), packed.size(), unpacked, options) == lmzip::Error::ok;
  };
  // Construction included, as compress() includes it: it allocates the tables.
  auto predict = [&] {
    lmzip::Predictor predictor(config, byte_model);
    uint64_t sum = 0;
    for (uint8_t byte : data)
      for (int k = 7; k >= 0; --k) {
        sum += static_cast<uint64_t>(predictor.p());
        predictor.update((byte >> k) & 1);
      }
    g_sink = sum;
  };
  auto run_model = [&] {
    std::unique_ptr<lmzip::nn::ByteModelState> state = byte_model->new_state();
    uint64_t sum = 0;
    for (uint8_t byte : data) {
      uint32_t c0 = 1;
      for (int k = 0; k < 8; ++k) {
        sum += static_cast<uint64_t>(state->p_bit(c0, k));
        c0 = (c0 << 1) | ((byte >> (7 - k)) & 1u);
      }
      state->step(byte);
    }
    g_sink = sum;
  };
  auto run_matvec = [&] {
    uint64_t sum = 0;
    for (size_t i = 0; i < data.size(); ++i) {
      matvec(gru->W.data(), h, 3 * H, H, acc);
      if (!gru->bit_tree) matvec(gru->V.data(), h, 256, H, acc);
      sum += static_cast<uint32_t>(acc[0]);
    }
    g_sink = sum;
  };

  // In the order of the subtractions: the two times of each one are taken
  // one after the other.
  rounds.clear();
  for (int i = 0; i < repeat; ++i) {
    Round t;
    t.compress = seconds(compress);
    t.predictor = seconds(predict);
    if (byte_model) t.model = seconds(run_model);
    if (gru) t.matvec = seconds(run_matvec);
    t.decompress = seconds(decompress);
    if (!ok || unpacked != data) {
      std::fprintf(stderr, "lmzip_profile: level %d: the round trip failed\n", config.level);
      return false;
    }
    rounds.push_back(t);
  }
  compressed = packed.size();
  return true;
}

// ------------------------------------------------------------ peaks
// Each loop issues one multiply-add instruction into independent registers
// (chains), over and over, touching no memory: enough chains to cover the
// instruction's latency, so the loop runs at its throughput. Its MACs per
// instruction are its multiplies (what the matvec kernels need; the adds come
// with them or beside them).

struct Peak {
  const char* isa;  // = the name of the kernel rows built on it
  const char* instruction;
  int macs;             // per instruction
  int per_iteration;    // instructions per iteration of run()
  bool (*supported)();
  void (*run)(long n);  // n iterations
};

bool always() { return true; }

// Scalar: chains of 32-bit multiplies, one MAC each.
#if defined(__x86_64__)
// In assembly: GCC 12 keeps an array of chains on the stack even when told to
// keep each in a register. 8 chains cover imul's latency of 3 cycles.
#define LMZIP_IMUL8 "imul %%ecx, %%eax\n\timul %%ecx, %%edx\n\timul %%ecx, %%esi\n\timul %%ecx, %%edi\n\t" \
                    "imul %%ecx, %%r8d\n\timul %%ecx, %%r9d\n\timul %%ecx, %%r10d\n\timul %%ecx, %%r11d\n\t"
constexpr int kScalarPerIteration = 24;
void peak_scalar(long n) {
  for (long i = 0; i < n; ++i)
    __asm__ volatile(LMZIP_IMUL8 LMZIP_IMUL8 LMZIP_IMUL8 ::: "eax", "ecx", "edx", "esi", "edi", "r8", "r9", "r10",
                     "r11");
}
#else
// The empty asm keeps each chain in a local of its own (else the compiler
// would vectorize the chains); not inlined, as peak_simd128 below.
constexpr int kScalarPerIteration = 12;
__attribute__((noinline)) void peak_scalar(long n) {
  uint32_t a[kScalarPerIteration];
  for (int i = 0; i < kScalarPerIteration; ++i) a[i] = static_cast<uint32_t>(i);
  const uint32_t c = static_cast<uint32_t>(g_sink | 3);
  for (long it = 0; it < n; ++it)
    for (int i = 0; i < kScalarPerIteration; ++i) {
      a[i] *= c;
      __asm__("" : "+r"(a[i]));
    }
  uint64_t sum = 0;
  for (uint32_t x : a) sum += x;
  g_sink = sum;
}
#endif

#if defined(__x86_64__)
// In assembly: GCC 12 given 24 chains of intrinsics spills some to the stack. Chain k lives in register k, register 0 is the multiplier, their
// values do not matter. pmaddwd has a latency of 3-5 cycles and an issue rate
// of up to 2 per cycle, so 12 chains hide it; 16 vector registers below
// AVX-512 allow 12, 32 with it allow 24.
#define LMZIP_EACH12(M) M(1) M(2) M(3) M(4) M(5) M(6) M(7) M(8) M(9) M(10) M(11) M(12)
#define LMZIP_EACH24(M) LMZIP_EACH12(M) M(13) M(14) M(15) M(16) M(17) M(18) M(19) M(20) M(21) M(22) M(23) M(24)
#define LMZIP_PMADDWD_XMM(k) "pmaddwd %%xmm0, %%xmm" #k "\n\t"
#define LMZIP_VPMADDWD_YMM(k) "vpmaddwd %%ymm0, %%ymm" #k ", %%ymm" #k "\n\t"
#define LMZIP_VPMADDWD_ZMM(k) "vpmaddwd %%zmm0, %%zmm" #k ", %%zmm" #k "\n\t"
#define LMZIP_VPDPWSSD_ZMM(k) "vpdpwssd %%zmm0, %%zmm0, %%zmm" #k "\n\t"
#define LMZIP_CLOBBER12 "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12"
#define LMZIP_CLOBBER24 LMZIP_CLOBBER12, "xmm13", "xmm14", "xmm15", "xmm16", "xmm17", "xmm18", "xmm19", "xmm20", \
                        "xmm21", "xmm22", "xmm23", "xmm24"

// Two rounds of 12 chains per iteration, so that the loop's own counter and
// branch weigh as little as in the 24-chain loops.
void peak_sse41(long n) {
  for (long i = 0; i < n; ++i)
    __asm__ volatile(LMZIP_EACH12(LMZIP_PMADDWD_XMM) LMZIP_EACH12(LMZIP_PMADDWD_XMM) ::: LMZIP_CLOBBER12);
}
__attribute__((target("avx2"))) void peak_avx2(long n) {
  for (long i = 0; i < n; ++i)
    __asm__ volatile(LMZIP_EACH12(LMZIP_VPMADDWD_YMM) LMZIP_EACH12(LMZIP_VPMADDWD_YMM) ::: LMZIP_CLOBBER12);
}
__attribute__((target("avx512f,avx512bw"))) void peak_avx512bw(long n) {
  for (long i = 0; i < n; ++i) __asm__ volatile(LMZIP_EACH24(LMZIP_VPMADDWD_ZMM) ::: LMZIP_CLOBBER24);
}
__attribute__((target("avx512f,avx512vnni"))) void peak_avx512vnni(long n) {
  for (long i = 0; i < n; ++i) __asm__ volatile(LMZIP_EACH24(LMZIP_VPDPWSSD_ZMM) ::: LMZIP_CLOBBER24);
}
bool has_sse41() { return __builtin_cpu_supports("sse4.1"); }
bool has_avx2() { return __builtin_cpu_supports("avx2"); }
bool has_avx512bw() { return __builtin_cpu_supports("avx512bw"); }
bool has_avx512vnni() { return __builtin_cpu_supports("avx512vnni"); }
#endif

#if defined(__wasm_simd128__)
// V8 compiles the instruction to pmaddwd and keeps a few of the 16 xmm
// registers for itself, so 12 chains (each a local that V8 keeps in one).
// Not inlined: in the caller's many locals V8 keeps fewer in registers (it
// ran at half the rate).
constexpr int kWasmChains = 12;
__attribute__((noinline)) void peak_simd128(long n) {
  v128_t a[kWasmChains];
  for (int i = 0; i < kWasmChains; ++i) a[i] = wasm_i32x4_splat(i + 1);
  const v128_t c = wasm_i32x4_splat(static_cast<int>(g_sink | 0x00030001));
  for (long it = 0; it < n; ++it)
    for (int i = 0; i < kWasmChains; ++i) a[i] = wasm_i32x4_dot_i16x8(a[i], c);
  v128_t s = c;
  for (int i = 0; i < kWasmChains; ++i) s = wasm_i32x4_add(s, a[i]);
  g_sink = static_cast<uint32_t>(wasm_i32x4_extract_lane(s, 0));
}
#endif

const Peak kPeaks[] = {
#if defined(__x86_64__)
    {"scalar", "imul r32", 1, kScalarPerIteration, always, peak_scalar},
    {"sse4.1", "pmaddwd xmm", 8, 24, has_sse41, peak_sse41},
    {"avx2", "vpmaddwd ymm", 16, 24, has_avx2, peak_avx2},
    {"avx512bw", "vpmaddwd zmm", 32, 24, has_avx512bw, peak_avx512bw},
    {"avx512vnni", "vpdpwssd zmm", 32, 24, has_avx512vnni, peak_avx512vnni},
#elif defined(__EMSCRIPTEN__)
    {"scalar", "i32.mul", 1, kScalarPerIteration, always, peak_scalar},
#else
    {"scalar", "32-bit multiply", 1, kScalarPerIteration, always, peak_scalar},
#endif
#if defined(__wasm_simd128__)
    {"simd128", "i32x4.dot_i16x8_s", 8, kWasmChains, always, peak_simd128},
#endif
};

// The operands of one GRU shape, random within the kernels' bounds (the time
// does not depend on them), h on a cache line and 16 bytes past one: all
// that malloc promises, and so what the GRU's std::vector state may get.
struct Shape {
  static constexpr size_t kOffsets[] = {0, 16};
  explicit Shape(int hidden) : H(hidden) {
    const size_t n = static_cast<size_t>(H);
    W = at_line(W_storage, 3 * n * n);
    V = at_line(V_storage, 256 * n);
    acc = at_line(acc_storage, std::max<size_t>(3 * n, 256));
    uint32_t x = 12345;
    auto next = [&] { return x = x * 1664525u + 1013904223u, static_cast<int>(x >> 16); };
    for (size_t i = 0; i < 3 * n * n; ++i) W[i] = static_cast<int8_t>(next() % 255 - 127);
    for (size_t i = 0; i < 256 * n; ++i) V[i] = static_cast<int8_t>(next() % 255 - 127);
    for (size_t k = 0; k < 2; ++k) {
      h[k] = at_line(h_storage[k], n, kOffsets[k]);
      for (size_t i = 0; i < n; ++i) h[k][i] = static_cast<int16_t>(next() % 32769 - 16384);
    }
  }
  int H;
  std::vector<int8_t> W_storage, V_storage;
  std::vector<int16_t> h_storage[2];
  std::vector<int32_t> acc_storage;
  int8_t *W, *V;
  int16_t* h[2];
  int32_t* acc;
};

// One figure of the kernel table: run(n) does n units of `macs` each.
struct Figure {
  std::string record;  // the output line, less the rate
  double macs;
  std::function<void(long)> run;
  long n = 1;
  double best = -1;  // seconds of run(n)
};

// Every peak and every kernel on every shape, in `repeat` rounds of all of
// them, each figure's fastest kept: the VM's speed drifts, so the samples of
// one figure are spread over the whole table, and each peak is measured in
// the same rounds as the kernels it is set against.
void profile_kernels(const std::vector<int>& hiddens, int repeat) {
  std::vector<Figure> figures;
  char record[256];
  for (const Peak& p : kPeaks) {
    if (!p.supported()) continue;
    std::snprintf(record, sizeof record, "peak\t%s\t%s\t%d", p.isa, p.instruction, p.macs);
    figures.push_back({record, static_cast<double>(p.per_iteration) * p.macs, p.run});
  }
  std::vector<std::unique_ptr<Shape>> shapes;
  for (int H : hiddens) {
    const Shape& s = *shapes.emplace_back(std::make_unique<Shape>(H));
    for (size_t k = 0; k < 2; ++k)
      for (const lmzip::kernels::MatvecKernel& kernel : lmzip::kernels::matvec_kernels()) {
        if (!kernel.supported()) continue;
        std::snprintf(record, sizeof record, "kernel\t%s\t%d\t%zu", kernel.name, H, Shape::kOffsets[k]);
        // W and V in the kernel's layout, as the model keeps them.
        auto packed = std::make_shared<std::array<lmzip::kernels::WeightBytes, 2>>();
        const int8_t* W = lmzip::kernels::matvec_layout(kernel, s.W, 3 * H, H, (*packed)[0]);
        const int8_t* V = lmzip::kernels::matvec_layout(kernel, s.V, 256, H, (*packed)[1]);
        auto run = [&s, k, W, V, packed, fn = kernel.fn](long calls) {
          for (long i = 0; i < calls; ++i) {
            fn(W, s.h[k], 3 * s.H, s.H, s.acc);
            fn(V, s.h[k], 256, s.H, s.acc);
          }
          g_sink = static_cast<uint32_t>(s.acc[0]);
        };
        figures.push_back({record, 3.0 * H * H + 256.0 * H, run});
      }
  }
  // n doubles until one run lasts long enough for the clock.
  constexpr double kMinSeconds = 0.1;
  for (Figure& f : figures)
    while ((f.best = seconds([&] { f.run(f.n); })) < kMinSeconds) f.n *= 2;
  for (int round = 0; round < repeat; ++round)
    for (Figure& f : figures) f.best = std::min(f.best, seconds([&] { f.run(f.n); }));
  for (const Figure& f : figures)
    std::printf("%s\t%.0f\n", f.record.c_str(), static_cast<double>(f.n) * f.macs / f.best);
}

// ------------------------------------------------------------ main

std::vector<int> parse_levels(const char* s) {
  std::vector<int> levels;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) {
    int level = std::atoi(item.c_str());
    if (!lmzip::level_config(level)) return {};
    levels.push_back(level);
  }
  return levels;
}

size_t parse_size(const char* s) {
  return static_cast<size_t>(std::min<unsigned long long>(std::strtoull(s, nullptr, 10), SIZE_MAX));
}

int usage() {
  std::fprintf(stderr,
               "usage: lmzip_profile [--levels 1,6,9] [--bytes N] [--model-bytes N] [--repeat R] [--models DIR]\n"
               "                     [--no-kernels] FILE\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> levels;
  for (int l = lmzip::kMinLevel; l <= lmzip::kMaxLevel; ++l) levels.push_back(l);
  size_t bytes = SIZE_MAX, model_bytes = 0;  // 0: as `bytes`
  int repeat = 3;
  bool kernels = true;
  std::string models_dir;
#if defined(LMZIP_SOURCE_DIR)
  // The WebAssembly build embeds no model: it reads the checked-in files.
  models_dir = LMZIP_SOURCE_DIR "/models";
#endif
  std::string path;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    bool has_value = i + 1 < argc;
    if (arg == "--levels" && has_value) {
      levels = parse_levels(argv[++i]);
      if (levels.empty()) return usage();
    } else if (arg == "--bytes" && has_value) {
      bytes = parse_size(argv[++i]);
    } else if (arg == "--model-bytes" && has_value) {
      model_bytes = parse_size(argv[++i]);
    } else if (arg == "--repeat" && has_value) {
      repeat = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--models" && has_value) {
      models_dir = argv[++i];
    } else if (arg == "--no-kernels") {
      kernels = false;
    } else if (path.empty() && arg[0] != '-') {
      path = arg;
    } else {
      return usage();
    }
  }
  if (path.empty()) return usage();

  std::vector<uint8_t> data;
  if (!read_all(path, data)) {
    std::fprintf(stderr, "lmzip_profile: %s: cannot read\n", path.c_str());
    return 1;
  }

  // Each level's model, and the hidden sizes of all of them for the kernel
  // table (one shape per model, whichever levels run).
  std::vector<int> hiddens;
  for (int level = lmzip::kMinLevel; level <= lmzip::kMaxLevel; ++level) {
    const char* file = lmzip::model_slot_file(lmzip::level_config(level)->model);
    if (!*file) continue;
    if (!models_dir.empty() && !lmzip::default_model(level)) {
      std::vector<uint8_t> file_data;
      std::string why;
      std::shared_ptr<const lmzip::Model> m;
      if (!read_all(models_dir + "/" + file, file_data) ||
          !(m = lmzip::Model::load(file_data.data(), file_data.size(), &why))) {
        std::fprintf(stderr, "lmzip_profile: %s/%s: cannot load model %s\n", models_dir.c_str(), file, why.c_str());
        return 1;
      }
      lmzip::set_default_model(m, level);
    }
    auto model = lmzip::default_model(level);
    const auto* gru = model ? dynamic_cast<const lmzip::nn::GruModel*>(&model->byte_model()) : nullptr;
    if (gru && std::find(hiddens.begin(), hiddens.end(), gru->hidden) == hiddens.end())
      hiddens.push_back(gru->hidden);
  }
  std::sort(hiddens.begin(), hiddens.end());

  std::printf("cpu\t%s\nengine\t%s\nkernels\t%s\ninput\t%s\t%zu\nrepeat\t%d\n", cpu_name().c_str(),
              engine_name().c_str(), lmzip::kernels::best_names().c_str(), path.c_str(), data.size(), repeat);
  std::fflush(stdout);

  for (int level : levels) {
    const lmzip::LevelConfig& config = *lmzip::level_config(level);
    std::shared_ptr<const lmzip::Model> model;
    int hidden = 0;
    if (config.model != lmzip::ModelSlot::none) {
      model = lmzip::default_model(level);
      if (!model) {
        std::fprintf(stderr, "lmzip_profile: level %d: no model loaded (--models DIR)\n", level);
        return 1;
      }
      if (const auto* gru = dynamic_cast<const lmzip::nn::GruModel*>(&model->byte_model())) hidden = gru->hidden;
    }
    const size_t n = std::min(data.size(), model && model_bytes ? model_bytes : bytes);
    const std::vector<uint8_t> input(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n));
    // An untimed run on a prefix first: the first run of a level also grows
    // WebAssembly's memory to the level's tables and runs V8's baseline code
    // until V8 has optimized the hot functions (it replaces no running loop).
    constexpr size_t kWarmUpBytes = 2048;
    const std::vector<uint8_t> warm_up(input.begin(), input.begin() + static_cast<std::ptrdiff_t>(
                                                                     std::min<size_t>(input.size(), kWarmUpBytes)));
    std::vector<Round> rounds;
    size_t compressed = 0;
    if (!profile_level(config, model, warm_up, 1, rounds, compressed) ||
        !profile_level(config, model, input, repeat, rounds, compressed))
      return 1;
    std::printf("level\t%d\t%s\t%s\t%d\t%zu\t%zu\n", level, lmzip::profile_name(config.profile),
                lmzip::model_slot_name(config.model), hidden, input.size(), compressed);
    for (const Round& t : rounds) {
      std::printf("round\t%d", level);
      for (double s : {t.compress, t.decompress, t.predictor, t.model, t.matvec})
        if (s < 0)
          std::printf("\t-");
        else
          std::printf("\t%.6f", s);
      std::printf("\n");
    }
    std::fflush(stdout);
  }
  // Each kernel figure takes a fraction of a second, which a burst of load
  // elsewhere can cover: always the best of several.
  if (kernels) profile_kernels(hiddens, std::max(repeat, 5));
  std::fflush(stdout);
  return 0;
}
