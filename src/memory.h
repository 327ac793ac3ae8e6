// Zero-initialised, cache-line aligned storage for the large model tables.
// On Linux the pages come from mmap (zero pages cost nothing until touched,
// so small inputs stay fast) and are marked for transparent huge pages:
// random access over tens of MB otherwise spends its time in TLB misses.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace lmzip {

template <class T>
class ZeroedArray {
 public:
  explicit ZeroedArray(size_t count) : count_(count), bytes_(count * sizeof(T)) {
    if (bytes_ == 0) return;  // mmap refuses an empty mapping
#if defined(__linux__)
    void* p = mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
    madvise(p, bytes_, MADV_HUGEPAGE);
#endif
    data_ = static_cast<T*>(p);
#else
    data_ = static_cast<T*>(std::calloc(count, sizeof(T)));
    if (!data_) throw std::bad_alloc();
#endif
  }
  ~ZeroedArray() {
    if (bytes_ == 0) return;
#if defined(__linux__)
    munmap(data_, bytes_);
#else
    std::free(data_);
#endif
  }
  ZeroedArray(const ZeroedArray&) = delete;
  ZeroedArray& operator=(const ZeroedArray&) = delete;

  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }
  T* data() { return data_; }
  size_t size() const { return count_; }

 private:
  size_t count_, bytes_;
  T* data_ = nullptr;
};

}  // namespace lmzip
