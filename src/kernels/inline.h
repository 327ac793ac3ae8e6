// The mixer calls dot and train several times per coded bit, too often for
// an indirect call through the dispatch table (book1 at level 1, CPU time:
// +10 % through best_dot() at each call, +4 % with the pointer stored per
// mixer). It calls these instead: the
// variant this build's compile flags guarantee, known at compile time and so
// inlined. tests/test_kernels.cpp checks that they are best_dot() and
// best_train(), so a faster row that needs a run-time check cannot go unused
// without a failing test.
#pragma once

#include "kernels/arch/arm.h"
#include "kernels/arch/wasm.h"
#include "kernels/arch/x86.h"
#include "kernels/kernels.h"
#include "kernels/ref.h"

namespace lmzip::kernels {

#if defined(LMZIP_KERNELS_X86)
constexpr DotFn kInlineDot = x86::dot_sse41;
constexpr TrainFn kInlineTrain = x86::train_sse41;
#elif defined(LMZIP_KERNELS_NEON)
constexpr DotFn kInlineDot = neon::dot_neon;
constexpr TrainFn kInlineTrain = neon::train_neon;
#elif defined(LMZIP_KERNELS_WASM)
constexpr DotFn kInlineDot = wasm::dot_simd128;
constexpr TrainFn kInlineTrain = wasm::train_simd128;
#else
constexpr DotFn kInlineDot = dot_ref;
constexpr TrainFn kInlineTrain = train_ref;
#endif

}  // namespace lmzip::kernels
