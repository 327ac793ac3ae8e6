// The test program's main() (doctest) and its program-wide pieces: the
// replaced global operator new that lets tests count allocations, and checks
// of the test helpers themselves (the golden hashes depend on them).
//
// Run: ./build-tests/lmzip_tests            (all; ~3 minutes with the corpus)
//      LMZIP_QUICK=1 ./build-tests/lmzip_tests   (the sanitizer run's subset)
//      ./build-tests/lmzip_tests -tc='corrupt*' -s   (one group, verbose)
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdlib>
#include <new>

#include "test_util.h"

int main(int argc, char** argv) {
#if defined(__EMSCRIPTEN__)
  // The WebAssembly build has no model built in: load the checked-in file of
  // each model slot (the levels' and the kept ones), as the npm package does
  // (in main: the library's tables are built by static initialisers).
  for (int i = 1; i < lmzip::kModelSlots; ++i) {
    const auto slot = static_cast<lmzip::ModelSlot>(i);
    lmzt::Bytes bytes;
    if (lmzt::read_file(lmzt::source_dir() / "models" / lmzip::model_slot_file(slot), bytes))
      lmzip::set_slot_model(lmzip::Model::load(bytes.data(), bytes.size()), slot);
  }
#endif
  doctest::Context context(argc, argv);
  return context.run();
}

// ------------------------------------------------ allocation counting
// Replacing the global operator new is allowed by the standard; it is done
// here, once for the whole program. Counting is off unless a test turns it
// on (single-threaded).
namespace {
bool g_tracking = false;
lmzt::AllocStats g_stats;

void* counted_alloc(std::size_t n) {
  if (n == 0) n = 1;
  void* p = std::malloc(n);
  if (p == nullptr) throw std::bad_alloc();
  if (g_tracking) {
    ++g_stats.count;
    g_stats.total += n;
    if (n > g_stats.largest) g_stats.largest = n;
  }
  return p;
}
}  // namespace

void* operator new(std::size_t n) { return counted_alloc(n); }
void* operator new[](std::size_t n) { return counted_alloc(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace lmzt {
void alloc_tracking_start() {
  g_stats = AllocStats{};
  g_tracking = true;
}
AllocStats alloc_tracking_stop() {
  g_tracking = false;
  return g_stats;
}
}  // namespace lmzt

using namespace lmzt;

TEST_CASE("helpers: reference values of the PRNG and the hashes") {
  // Published first outputs of splitmix64 with seed 0.
  SplitMix64 rng(0);
  CHECK(rng.next() == 0xE220A8397B1DCDAFull);
  CHECK(rng.next() == 0x6E789E6AA1B965F4ull);
  CHECK(rng.next() == 0x06C45D188009454Full);
  // FNV-1a 64 test vectors.
  CHECK(fnv1a64(to_bytes("")) == 0xCBF29CE484222325ull);
  CHECK(fnv1a64(to_bytes("a")) == 0xAF63DC4C8601EC8Cull);
  CHECK(fnv1a64(to_bytes("foobar")) == 0x85944171F73967E8ull);
  // CRC-32 check value.
  CHECK(crc32_ref(to_bytes("123456789")) == 0xCBF43926u);
  CHECK(crc32_ref(to_bytes("")) == 0u);
  // Varints as the trailer writes them.
  Bytes v;
  put_varint(v, 300);
  CHECK(v == Bytes{0xAC, 0x02});
  CHECK(varint_size(0) == 1);
  CHECK(varint_size(127) == 1);
  CHECK(varint_size(128) == 2);
  CHECK(varint_size(UINT64_MAX) == 10);
  // Generators are deterministic and produce what they promise.
  CHECK(random_bytes(1000, 7) == random_bytes(1000, 7));
  CHECK(random_bytes(1000, 7) != random_bytes(1000, 8));
  CHECK(pseudo_text(5000, 1).size() == 5000);
  CHECK(pseudo_text(5000, 1) == pseudo_text(5000, 1));
  CHECK(repeat_to(to_bytes("abc"), 7) == to_bytes("abcabca"));
}

TEST_CASE("helpers: allocation counter sees operator new") {
  alloc_tracking_start();
  auto* v = new std::vector<uint8_t>(123456);
  AllocStats s = alloc_tracking_stop();
  delete v;
  CHECK(s.count >= 2);
  CHECK(s.largest == 123456);
  CHECK(s.total >= 123456);
}

TEST_CASE("api: constants and memory_for_level") {
  CHECK(lmzip::kMinLevel == 1);
  CHECK(lmzip::kMaxLevel == 9);
  CHECK(lmzip::kDefaultLevel >= lmzip::kMinLevel);
  CHECK(lmzip::kDefaultLevel <= lmzip::kMaxLevel);
  CHECK(lmzip::kFormatVersion == 3);
  CHECK(lmzip::kOldestFormatVersion == 1);
  CHECK(lmzip::memory_for_level(0) == 0);
  CHECK(lmzip::memory_for_level(10) == 0);
  CHECK(lmzip::memory_for_level(-1) == 0);
  size_t previous = 0;
  for (int level = lmzip::kMinLevel; level <= lmzip::kMaxLevel; ++level) {
    size_t m = lmzip::memory_for_level(level);
    INFO("level " << level << ": " << m << " bytes");
    CHECK(m > 0);
    CHECK(m >= previous);  // memory grows with the level
    CHECK(m <= (size_t{1} << 30));
    previous = m;
  }
  for (int level : {6, 9}) {
    auto model = lmzip::default_model(level);
    REQUIRE_MESSAGE(model != nullptr, "no default model for level " << level);
    MESSAGE("level " << level << " model: id " << lmzt::hex64(model->id()) << ", hidden size "
                     << model->description());
  }
  CHECK(lmzip::default_model(6) != lmzip::default_model(9));
  CHECK(lmzip::default_model(1) == nullptr);
  CHECK(lmzip::find_default_model(lmzip::default_model(9)->id()) == lmzip::default_model(9));
  MESSAGE("memory: level 1 " << lmzip::memory_for_level(1) / 1048576 << " MiB, level 9 "
                             << lmzip::memory_for_level(9) / 1048576 << " MiB"
                             << std::string(quick_mode() ? " (LMZIP_QUICK run)" : ""));
}

TEST_CASE("api: the encoder and decoder allocate no more than memory_for_level says") {
  // Memory is bounded by the level, never by the input.
  for (int level : {1, 9}) {
    INFO("level " << level);
    Bytes text = pseudo_text(2000, 3);
    Bytes c;
    alloc_tracking_start();
    lmzip::Error e = lmzip::compress(text.data(), text.size(), c, level);
    AllocStats enc = alloc_tracking_stop();
    REQUIRE(e == lmzip::Error::ok);
    Bytes d;
    alloc_tracking_start();
    e = lmzip::decompress(c.data(), c.size(), d);
    AllocStats dec = alloc_tracking_stop();
    REQUIRE(e == lmzip::Error::ok);
    CHECK(d == text);
    size_t m = lmzip::memory_for_level(level);
    // The encoder also keeps the raw and coded form of one block (2 MiB).
    CHECK(enc.total <= m + 2 * kBlock + (size_t{1} << 20));
    // (Tables that come from mmap are not seen here; these are upper bounds
    // on what goes through operator new.)
    CHECK(dec.total <= m + (size_t{1} << 20));
  }
}
