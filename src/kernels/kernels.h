// The integer kernels of the coding path. Each operation has a scalar
// reference (`*_ref`, ref.h) and SIMD variants (arch/) that must equal it bit
// for bit; tests/test_kernels.cpp runs every variant the CPU supports
// against it. Integer sums do not depend on lane width or order as long as
// nothing overflows, so each operation states the operand bounds its callers
// keep and why no partial sum can overflow within them. README.md here says
// how to add a variant.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <span>
#include <string>
#include <vector>

namespace lmzip::kernels {

// matvec: acc[i] = sum_j W[i][j] * h[j], W rows x n, row-major.
//   W int8 in [-127, 127] (widened to 16 bits in registers),
//   h int16 in [-16384, 16384], n <= 1024, n % 16 == 0, rows % 4 == 0
//   => |acc| <= 1024 * 127 * 16384 < 2^31, and every partial sum of
//   pmaddwd / dot_i16x8 lanes is smaller still.
constexpr int kMatvecMaxN = 1024;
constexpr int kMatvecMaxWeight = 127;
constexpr int kMatvecMaxInput = 16384;
using MatvecFn = void (*)(const int8_t* W, const int16_t* h, int rows, int n, int32_t* acc);

// row_dot: sum_j w[j] * h[j], one row-major int8 row by h: the bit-tree
//   model's node logit, one row per coded bit. The operands and the proof
//   are matvec's (n <= 1024, n % 16 == 0).
using RowDotFn = int32_t (*)(const int8_t* w, const int16_t* h, int n);

// Mixer weights are 2.14 fixed point, clamped to +-kWeightLimit by train.
constexpr int32_t kWeightLimit = 65535;
constexpr int kMixerMaxInputs = 16;
constexpr int32_t kMixerMaxInput = 2047;  // the stretch domain
constexpr int32_t kMixerMaxError = 4095;  // |(bit << 12) - p| for a 12-bit p
constexpr int kMaxLearningRate = 32;

// dot: sum_i x[i] * w[i]
//   |x| <= 2047, |w| <= 65535, n <= 16, n % 4 == 0  =>  |sum| < 2^31
using DotFn = int32_t (*)(const int32_t* x, const int32_t* w, int n);

// train: w[i] = clamp(w[i] + ((x[i] * err) >> 16), -65535, 65535)
//   |x| <= 2047, |err| <= 4095 * 32, n <= 16, n % 4 == 0
//   => |x * err| <= 2047 * 4095 * 32 < 2^31
using TrainFn = void (*)(const int32_t* x, int32_t* w, int n, int32_t err);

// The GRU's O(H) and O(256) steps around its two matvecs (src/nn/gru_model.h
// has the equations). Fixed point: acc * mult >> 28 rounds an int32 matvec
// sum to Q8; the lookup tables map a Q8 value clamped to [-2048, 2047] to
// Q14 (sigmoid in [0, 16384], tanh in [-16384, 16384]) or, for exp, a
// distance from the top logit clamped to 4095 to a weight in [1, 65536].
constexpr int kLutSize = 4096;
constexpr int kMultShift = 28;
constexpr int kQ14 = 16384;
constexpr int kSymbols = 256;

// gates: one GRU update of h from the matvec sums of W @ h.
//   acc, mult (3H): any int32, mult in [0, 2^31); g (3H): the byte's gate
//   inputs; c (H): the candidate's bias; h (H) in [-16384, 16384], which
//   the update keeps (a convex combination of h and tanh); H % 16 == 0.
//   The products that can exceed 32 bits (acc * mult, r * (a_n + c)) are
//   64-bit in every variant.
struct GruGates {
  const int32_t* acc;
  const int32_t* mult;
  const int16_t* g;
  const int16_t* c;
  const int32_t* sigmoid;  // kLutSize
  const int32_t* tanh;     // kLutSize
};
using GatesFn = void (*)(const GruGates& gates, int hidden, int16_t* h);

// add_scaled: out[i] = clamp(base[i] + (acc[i] * mult[i] >> 28), -32767, 32767),
//   rounded as in gates; the gru-ngram model's gate inputs (its n-gram
//   matvec added to the byte's row). acc any int32, mult in [0, 2^31),
//   n % 16 == 0. The product is 64-bit in every variant.
using AddScaledFn = void (*)(const int16_t* base, const int32_t* acc, const int32_t* mult, int n, int16_t* out);

// softmax: the next byte's unnormalized distribution as prefix sums,
//   logit[k] = (acc[k] * mult[k] >> 28) + d[k],  e[k] = exp[min(top - logit[k], 4095)],
//   cum[0] = 0, cum[k + 1] = cum[k] + e[k]  (k < 256; cum[256] <= 2^24).
using SoftmaxFn = void (*)(const int32_t* acc, const int32_t* mult, const int16_t* d, const uint32_t* exp,
                           uint32_t* cum);

// One row of a dispatch table: a variant of one operation, and whether this
// CPU (or WebAssembly engine) can run it.
template <class Fn>
struct Kernel {
  const char* name;
  Fn fn;
  bool (*supported)();
};
// Weights as the matvec kernels read them, on a cache line, so that no
// aligned-size SIMD load straddles two lines (a W that the WebAssembly
// allocator had placed at 8 mod 16 made the model alone ~10 % slower).
template <class T>
struct CacheLineAllocator {
  using value_type = T;
  static constexpr std::align_val_t kAlignment{64};
  CacheLineAllocator() = default;
  template <class U>
  CacheLineAllocator(const CacheLineAllocator<U>&) {}
  T* allocate(size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), kAlignment)); }
  void deallocate(T* p, size_t) { ::operator delete(p, kAlignment); }
  friend bool operator==(const CacheLineAllocator&, const CacheLineAllocator&) { return true; }
};
using WeightBytes = std::vector<int8_t, CacheLineAllocator<int8_t>>;

// A matvec variant may read W in a layout of its own: `pack` rewrites a
// row-major W into it once (per model), and `fn` is then given the packed
// bytes. Without `pack`, `fn` reads W row-major.
using MatvecPackFn = WeightBytes (*)(const int8_t* W, int rows, int n);
struct MatvecKernel : Kernel<MatvecFn> {
  MatvecPackFn pack = nullptr;
};
// W in the layout `kernel` reads: a packed copy in `storage`, or W itself.
const int8_t* matvec_layout(const MatvecKernel& kernel, const int8_t* W, int rows, int n, WeightBytes& storage);
using RowDotKernel = Kernel<RowDotFn>;
using DotKernel = Kernel<DotFn>;
using TrainKernel = Kernel<TrainFn>;
using GatesKernel = Kernel<GatesFn>;
using AddScaledKernel = Kernel<AddScaledFn>;
using SoftmaxKernel = Kernel<SoftmaxFn>;

// Every variant compiled into this build, the reference first, then from the
// slowest to the fastest: the best is the last one supported.
std::span<const MatvecKernel> matvec_kernels();
std::span<const RowDotKernel> row_dot_kernels();
std::span<const DotKernel> dot_kernels();
std::span<const TrainKernel> train_kernels();
std::span<const GatesKernel> gates_kernels();
std::span<const AddScaledKernel> add_scaled_kernels();
std::span<const SoftmaxKernel> softmax_kernels();

// Chosen once per process.
const MatvecKernel& best_matvec();
const RowDotKernel& best_row_dot();
const DotKernel& best_dot();
const TrainKernel& best_train();
const GatesKernel& best_gates();
const AddScaledKernel& best_add_scaled();
const SoftmaxKernel& best_softmax();

// The chosen variants' names, each once, joined by '+' ("avx512vnni+avx512+
// sse4.1" on an AVX-512 VNNI CPU; "simd128+scalar" or "swar64+scalar" in
// WebAssembly).
std::string best_names();

}  // namespace lmzip::kernels
