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
// one large reservation, advised MADV_HUGEPAGE and made writable 2 MiB at a time, so that every
// 2 MiB of it can be one page. Compiled only into the warden executable when it links tcmalloc.
#include <gperftools/malloc_extension.h>
#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

namespace {

constexpr std::size_t kHugePage = std::size_t{2} << 20;
// Address space only: PROT_NONE pages are neither committed nor counted. Memory the tables may
// need beyond it comes from tcmalloc's own allocator.
constexpr std::size_t kReservation = std::size_t{64} << 30;

class HugePageAllocator final : public SysAllocator {
 public:
  HugePageAllocator(SysAllocator* fallback, std::uintptr_t base)
      : fallback_(fallback), next_(base), committed_(base), end_(base + kReservation) {}

  /// Called by tcmalloc under its system-allocation lock: one caller at a time, and it must not
  /// allocate.
  void* Alloc(std::size_t size, std::size_t* actual_size, std::size_t alignment) override {
    if (alignment == 0 || (alignment & (alignment - 1)) != 0) {
      return fallback_->Alloc(size, actual_size, alignment);
    }
    const std::uintptr_t start = (next_ + alignment - 1) & ~(std::uintptr_t{alignment} - 1);
    if (start < next_ || size > end_ - start) {
      return fallback_->Alloc(size, actual_size, alignment);
    }
    const std::uintptr_t stop = start + size;
    if (stop > committed_) {
      // Writable in whole huge pages, so the last one can be a huge page too.
      const std::uintptr_t grow_to = (stop + kHugePage - 1) & ~(kHugePage - 1);
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
  std::uintptr_t next_;       // the first byte not handed out
  std::uintptr_t committed_;  // the first byte not yet writable (a huge-page boundary)
  std::uintptr_t end_;
};

/// Installs the allocator before main(): tcmalloc's own system allocator serves what the loader
/// and static initializers took, and stays the fallback. Does nothing where the kernel refuses the
/// reservation or the advice (no transparent huge pages): tcmalloc then works as it always did.
__attribute__((constructor)) void use_huge_pages() {
  // Before main(): one thread. The variable turns this off, to measure what it changes.
  if (std::getenv("WARDEN_NO_HUGE_PAGES") != nullptr) {  // NOLINT(concurrency-mt-unsafe)
    return;
  }
  MallocExtension* extension = MallocExtension::instance();
  std::free(std::malloc(1));  // tcmalloc sets its default system allocator on its first growth
  SysAllocator* fallback = extension->GetSystemAllocator();
  if (fallback == nullptr) {
    return;
  }
  void* reserved = mmap(nullptr, kReservation + kHugePage, PROT_NONE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (reserved == MAP_FAILED) {
    return;
  }
  const auto raw = reinterpret_cast<std::uintptr_t>(reserved);  // NOLINT(*-reinterpret-cast)
  const std::uintptr_t base = (raw + kHugePage - 1) & ~(kHugePage - 1);
  if (madvise(reserved, kReservation + kHugePage, MADV_HUGEPAGE) != 0) {
    munmap(reserved, kReservation + kHugePage);
    return;
  }
  // Never freed: tcmalloc keeps using it until the process ends. A static object would be
  // destroyed at exit while tcmalloc may still call it.
  static auto* allocator = new HugePageAllocator(fallback, base);
  extension->SetSystemAllocator(allocator);
}

}  // namespace
