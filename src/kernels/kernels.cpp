// The dispatch tables: one row per variant, the reference first, then the
// faster ones in order. A new variant is one function in an arch file and
// one row here.
#include "kernels/kernels.h"

#include <algorithm>
#include <string_view>
#include <vector>

#include "kernels/arch/arm.h"
#include "kernels/arch/wasm.h"
#include "kernels/arch/x86.h"
#include "kernels/ref.h"

namespace lmzip::kernels {

namespace {

bool always() { return true; }

const MatvecKernel kMatvec[] = {
    {{"scalar", matvec_ref, always}},
#if defined(LMZIP_KERNELS_X86)
    {{"sse4.1", x86::matvec_sse41, x86::has_sse41}},
    {{"avx2", x86::matvec_avx2, x86::has_avx2}},
    {{"avx512bw", x86::matvec_avx512bw, x86::has_avx512bw}},
    {{"avx512vnni", x86::matvec_avx512vnni, x86::has_avx512vnni}, x86::pack_avx512vnni},
#endif
#if defined(LMZIP_KERNELS_NEON)
    {{"neon", neon::matvec_neon, neon::has_neon}},
#endif
#if defined(LMZIP_KERNELS_WASM)
    {{"simd128", wasm::matvec_simd128, wasm::has_simd128}, wasm::pack_simd128},
#endif
#if defined(LMZIP_KERNELS_WASM_SCALAR)
    {{"swar64", wasm::matvec_swar64, always}, wasm::pack_swar64},
#endif
};

constexpr RowDotKernel kRowDot[] = {
    {"scalar", row_dot_ref, always},
#if defined(LMZIP_KERNELS_X86)
    {"sse4.1", x86::row_dot_sse41, x86::has_sse41},
    {"avx2", x86::row_dot_avx2, x86::has_avx2},
    {"avx512bw", x86::row_dot_avx512bw, x86::has_avx512bw},
#endif
#if defined(LMZIP_KERNELS_NEON)
    {"neon", neon::row_dot_neon, neon::has_neon},
#endif
#if defined(LMZIP_KERNELS_WASM)
    {"simd128", wasm::row_dot_simd128, wasm::has_simd128},
#endif
};

constexpr DotKernel kDot[] = {
    {"scalar", dot_ref, always},
#if defined(LMZIP_KERNELS_X86)
    {"sse4.1", x86::dot_sse41, x86::has_sse41},
#endif
#if defined(LMZIP_KERNELS_NEON)
    {"neon", neon::dot_neon, neon::has_neon},
#endif
#if defined(LMZIP_KERNELS_WASM)
    {"simd128", wasm::dot_simd128, wasm::has_simd128},
#endif
};

constexpr TrainKernel kTrain[] = {
    {"scalar", train_ref, always},
#if defined(LMZIP_KERNELS_X86)
    {"sse4.1", x86::train_sse41, x86::has_sse41},
#endif
#if defined(LMZIP_KERNELS_NEON)
    {"neon", neon::train_neon, neon::has_neon},
#endif
#if defined(LMZIP_KERNELS_WASM)
    {"simd128", wasm::train_simd128, wasm::has_simd128},
#endif
};

constexpr GatesKernel kGates[] = {
    {"scalar", gates_ref, always},
#if defined(LMZIP_KERNELS_X86)
    {"avx2", x86::gates_avx2, x86::has_avx2},
    {"avx512", x86::gates_avx512, x86::has_avx512dq},
#endif
#if defined(LMZIP_KERNELS_NEON)
    {"neon", neon::gates_neon, neon::has_neon},
#endif
#if defined(LMZIP_KERNELS_WASM)
    {"simd128", wasm::gates_simd128, wasm::has_simd128},
#endif
};

constexpr AddScaledKernel kAddScaled[] = {
    {"scalar", add_scaled_ref, always},
#if defined(LMZIP_KERNELS_X86)
    {"avx2", x86::add_scaled_avx2, x86::has_avx2},
    {"avx512", x86::add_scaled_avx512, x86::has_avx512dq},
#endif
#if defined(LMZIP_KERNELS_NEON)
    {"neon", neon::add_scaled_neon, neon::has_neon},
#endif
#if defined(LMZIP_KERNELS_WASM)
    {"simd128", wasm::add_scaled_simd128, wasm::has_simd128},
#endif
};

constexpr SoftmaxKernel kSoftmax[] = {
    {"scalar", softmax_ref, always},
#if defined(LMZIP_KERNELS_X86)
    {"avx2", x86::softmax_avx2, x86::has_avx2},
    {"avx512", x86::softmax_avx512, x86::has_avx512dq},
#endif
#if defined(LMZIP_KERNELS_NEON)
    {"neon", neon::softmax_neon, neon::has_neon},
#endif
#if defined(LMZIP_KERNELS_WASM)
    {"simd128", wasm::softmax_simd128, wasm::has_simd128},
#endif
};

template <class K>
const K& last_supported(std::span<const K> table) {
  const K* best = &table.front();
  for (const K& k : table)
    if (k.supported()) best = &k;
  return *best;
}

}  // namespace

std::span<const MatvecKernel> matvec_kernels() { return kMatvec; }

const int8_t* matvec_layout(const MatvecKernel& kernel, const int8_t* W, int rows, int n, WeightBytes& storage) {
  if (!kernel.pack) return W;
  storage = kernel.pack(W, rows, n);
  return storage.data();
}
std::span<const RowDotKernel> row_dot_kernels() { return kRowDot; }
std::span<const DotKernel> dot_kernels() { return kDot; }
std::span<const TrainKernel> train_kernels() { return kTrain; }
std::span<const GatesKernel> gates_kernels() { return kGates; }
std::span<const AddScaledKernel> add_scaled_kernels() { return kAddScaled; }
std::span<const SoftmaxKernel> softmax_kernels() { return kSoftmax; }

const MatvecKernel& best_matvec() {
  static const MatvecKernel& best = last_supported(matvec_kernels());
  return best;
}
const RowDotKernel& best_row_dot() {
  static const RowDotKernel& best = last_supported(row_dot_kernels());
  return best;
}
const DotKernel& best_dot() {
  static const DotKernel& best = last_supported(dot_kernels());
  return best;
}
const TrainKernel& best_train() {
  static const TrainKernel& best = last_supported(train_kernels());
  return best;
}

const GatesKernel& best_gates() {
  static const GatesKernel& best = last_supported(gates_kernels());
  return best;
}
const AddScaledKernel& best_add_scaled() {
  static const AddScaledKernel& best = last_supported(add_scaled_kernels());
  return best;
}
const SoftmaxKernel& best_softmax() {
  static const SoftmaxKernel& best = last_supported(softmax_kernels());
  return best;
}

std::string best_names() {
  std::vector<std::string_view> seen;
  std::string names;
  for (std::string_view name : {best_matvec().name, best_gates().name, best_add_scaled().name, best_row_dot().name,
                                best_softmax().name, best_dot().name, best_train().name}) {
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) continue;
    seen.push_back(name);
    names += names.empty() ? "" : "+";
    names += name;
  }
  return names;
}

}  // namespace lmzip::kernels
