// Built by tests/matrix/matrix.py with each native toolchain of the matrix,
// against that build's liblmzip_core.a: prints what the platform runs (the
// kernel variants the library picks at run time, the byte order, the
// compiler) so that the matrix table shows what each column really tested.
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "kernels/kernels.h"
#include "lmzip.h"

int main() {
  const uint32_t one = 1;
  unsigned char first = 0;
  std::memcpy(&first, &one, 1);
  // Every level that needs a neural model has its default built in.
  bool models = true;
  for (int level = lmzip::kMinLevel; level <= lmzip::kMaxLevel; ++level)
    if (lmzip::level_uses_model(level) && !lmzip::default_model(level)) models = false;
  std::printf("matvec=%s gates=%s add_scaled=%s row_dot=%s softmax=%s dot=%s train=%s endian=%s models=%s compiler=%s\n",
              lmzip::kernels::best_matvec().name, lmzip::kernels::best_gates().name,
              lmzip::kernels::best_add_scaled().name, lmzip::kernels::best_row_dot().name,
              lmzip::kernels::best_softmax().name, lmzip::kernels::best_dot().name,
              lmzip::kernels::best_train().name,
              first ? "little" : "big", models ? "embedded" : "MISSING",
#if defined(__clang__)
              "clang-" __clang_version__
#elif defined(__GNUC__)
              "gcc-" __VERSION__
#else
              "unknown"
#endif
  );
  return models ? 0 : 1;
}
