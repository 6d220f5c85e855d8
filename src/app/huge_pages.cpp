// SPDX-License-Identifier: Apache-2.0
// tcmalloc's memory from one reserved region that the kernel may back with transparent huge
// pages (docs/architecture.md, "Memory and huge pages").
//
// The flow, endpoint, pending-count and detection tables are large and are touched at random, one
// cache line per packet. With 4 KiB pages each table page costs a TLB miss, and each new page a
// fault that the kernel zeroes one page at a time: about 24,000 faults in a one-thread benchmark
// run, and on the virtual machines measured here a fault costs several microseconds. tcmalloc
// (gperftools) grows its heap with sbrk() in small steps and mmap() elsewhere, so the kernel's
// 2 MiB pages rarely fit. This file gives tcmalloc a system allocator that hands out memory from
// one large reservation, advised MADV_HUGEPAGE and made writable in whole 2 MiB pages (8 to
// 64 MiB at a time), so that every 2 MiB of it can be one page. Compiled only into the warden
// executable when it links tcmalloc.
#include <gperftools/malloc_extension.h>
#include <sys/mman.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <string_view>

namespace {

constexpr std::size_t kHugePage = std::size_t{2} << 20;
// Address space only: PROT_NONE pages are neither committed nor counted. Memory the tables may
// need beyond it comes from tcmalloc's own allocator.
constexpr std::size_t kReservation = std::size_t{64} << 30;
constexpr std::uintptr_t kMinCommitStep = std::uintptr_t{8} << 20;
constexpr std::uintptr_t kMaxCommitStep = std::uintptr_t{64} << 20;

class HugePageAllocator final : public SysAllocator {
 public:
  HugePageAllocator(SysAllocator* fallback, std::uintptr_t base)
      : fallback_(fallback),
        base_(base),
        next_(base),
        committed_(base),
        end_(base + kReservation) {}

  /// Called by tcmalloc under its system-allocation lock: one caller at a time, and it must not
  /// allocate.
  void* Alloc(std::size_t size, std::size_t* actual_size, std::size_t alignment) override {
    if (alignment == 0 || (alignment & (alignment - 1)) != 0) {
      return fallback_->Alloc(size, actual_size, alignment);
    }
    const std::uintptr_t start = (next_ + alignment - 1) & ~(std::uintptr_t{alignment} - 1);
    if (start < next_ || start > end_ || size > end_ - start) {
      return fallback_->Alloc(size, actual_size, alignment);
    }
    const std::uintptr_t stop = start + size;
    if (stop > committed_) {
      // Writable in whole huge pages, so the last one can be a huge page too, and in large steps
      // (half what is writable already, 8 to 64 MiB; pages are neither touched nor counted in
      // the resident size until used): mprotect() takes the address space's write lock, so it
      // waits for every page fault in progress on the other threads and they wait for it. In
      // 2 MiB steps a two-thread run made 64 calls on one thread, 12 ms in all, up to 3.3 ms
      // each (`perf trace -s -e mprotect`).
      const std::uintptr_t step =
          std::clamp<std::uintptr_t>((committed_ - base_) / 2, kMinCommitStep, kMaxCommitStep);
      const std::uintptr_t grow_to =
          std::min(end_, std::max((stop + kHugePage - 1) & ~(kHugePage - 1), committed_ + step));
      if (grow_to > end_ ||
          mprotect(as_pointer(committed_), grow_to - committed_, PROT_READ | PROT_WRITE) != 0) {
        return fallback_->Alloc(size, actual_size, alignment);
      }
      committed_ = grow_to;
    }
    next_ = stop;
    if (actual_size != nullptr) {
      *actual_size = size;
    }
    return as_pointer(start);
  }

 private:
  static void* as_pointer(std::uintptr_t address) {
    // The region is one mapping; addresses are computed as integers to align them.
    // NOLINTNEXTLINE(*-reinterpret-cast,performance-no-int-to-ptr)
    return reinterpret_cast<void*>(address);
  }

  SysAllocator* fallback_;
  std::uintptr_t base_;
  std::uintptr_t next_;       // the first byte not handed out
  std::uintptr_t committed_;  // the first byte not yet writable (a huge-page boundary)
  std::uintptr_t end_;
};

/// Whether WARDEN_NO_HUGE_PAGES asks for tcmalloc's own allocator ("1", "yes", ...; not "0").
bool turned_off() {
  // Read once, by tcmalloc's first heap growth, before any thread of Warden's exists.
  const char* value = std::getenv("WARDEN_NO_HUGE_PAGES");  // NOLINT(concurrency-mt-unsafe)
  if (value == nullptr) {
    return false;
  }
  const std::string_view text(value);
  return !text.empty() && text != "0";
}

/// The region's allocator, or `fallback` where the kernel refuses the reservation or the advice
/// (no transparent huge pages): tcmalloc then works as it always did. Allocates nothing: it runs
/// inside tcmalloc's first heap growth.
SysAllocator* make_allocator(SysAllocator* fallback) {
  if (fallback == nullptr || turned_off()) {
    return fallback;
  }
  void* reserved = mmap(nullptr, kReservation + kHugePage, PROT_NONE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (reserved == MAP_FAILED) {
    return fallback;
  }
  if (madvise(reserved, kReservation + kHugePage, MADV_HUGEPAGE) != 0) {
    munmap(reserved, kReservation + kHugePage);
    return fallback;
  }
  const auto raw = reinterpret_cast<std::uintptr_t>(reserved);  // NOLINT(*-reinterpret-cast)
  const std::uintptr_t base = (raw + kHugePage - 1) & ~(kHugePage - 1);
  // In static storage, never destroyed: tcmalloc may call it until the very end of the process.
  alignas(HugePageAllocator) static unsigned char storage[sizeof(HugePageAllocator)];  // NOLINT
  return new (storage) HugePageAllocator(fallback, base);
}

}  // namespace

/// gperftools' hook for a program's own system allocator: tcmalloc calls it once, at its first
/// heap growth (before main(), under its lock), with its default allocator, and uses what it
/// returns. A weak symbol in libtcmalloc; this definition replaces it.
SysAllocator* tc_get_sysalloc_override(SysAllocator* def) {
  return make_allocator(def);
}
