// SPDX-License-Identifier: Apache-2.0
// huge_pages.cpp, linked as in the warden executable: tcmalloc's large blocks come from one region
// advised MADV_HUGEPAGE, and the kernel backs it with huge pages where it has them.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace {

/// What /proc/self/smaps says of the mapping that holds `address`.
struct Mapping {
  std::string flags;           ///< VmFlags ("hg": advised MADV_HUGEPAGE)
  std::uint64_t huge_kib = 0;  ///< AnonHugePages
  std::uint64_t size_kib = 0;
};

std::optional<Mapping> mapping_of(const void* address) {
  const auto target = reinterpret_cast<std::uintptr_t>(address);  // NOLINT
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  bool inside = false;
  Mapping found;
  while (std::getline(smaps, line)) {
    std::uintptr_t start = 0;
    std::uintptr_t end = 0;
    char dash = 0;
    std::istringstream header(line);
    if (line.find(':') == std::string::npos || line.find('-') < line.find(':')) {
      if (header >> std::hex >> start >> dash >> end && dash == '-') {
        if (inside) {
          return found;
        }
        inside = start <= target && target < end;
        continue;
      }
    }
    if (!inside) {
      continue;
    }
    std::istringstream field(line);
    std::string name;
    field >> name;
    if (name == "Size:") {
      field >> found.size_kib;
    } else if (name == "AnonHugePages:") {
      field >> found.huge_kib;
    } else if (name == "VmFlags:") {
      found.flags = line.substr(name.size());
    }
  }
  if (inside) {
    return found;
  }
  return std::nullopt;
}

/// "always" or "madvise" when the kernel has transparent huge pages for advised regions.
std::string huge_page_mode() {
  std::ifstream enabled("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string text;
  std::getline(enabled, text);
  for (const char* mode : {"always", "madvise", "never"}) {
    if (text.find(std::string("[") + mode + "]") != std::string::npos) {
      return mode;
    }
  }
  return "";
}

TEST(HugePages, LargeBlocksComeFromTheAdvisedRegion) {
  const std::string mode = huge_page_mode();
  if (mode.empty()) {
    GTEST_SKIP() << "no transparent huge pages in this kernel: tcmalloc keeps its own allocator";
  }
  constexpr std::size_t kBytes = std::size_t{64} << 20;
  auto* block = static_cast<char*>(std::malloc(kBytes));
  ASSERT_NE(block, nullptr);
  std::memset(block, 1, kBytes);  // every page touched
  const auto mapping = mapping_of(block);
  ASSERT_TRUE(mapping.has_value());
  EXPECT_NE(mapping->flags.find(" hg"), std::string::npos) << "VmFlags:" << mapping->flags;
  // The reservation is 64 GiB of address space, made writable as tcmalloc grows.
  EXPECT_GE(mapping->size_kib, kBytes / 1024);
  if (mode != "never") {
    // At least one 2 MiB page (a fragmented machine may lack many).
    EXPECT_GE(mapping->huge_kib, std::uint64_t{2} << 10) << "AnonHugePages: " << mapping->huge_kib;
  }
  std::free(block);
}

TEST(HugePages, SmallBlocksComeFromTheRegionToo) {
  if (huge_page_mode().empty()) {
    GTEST_SKIP() << "no transparent huge pages in this kernel: tcmalloc keeps its own allocator";
  }
  // tcmalloc's size-class spans (the strings, vectors and hash-table slots of the tables) are
  // carved from the same system allocator: from its first heap growth on, before main().
  for (const std::size_t bytes : {std::size_t{24}, std::size_t{300}, std::size_t{100000}}) {
    std::vector<std::unique_ptr<char[]>> blocks;  // NOLINT(modernize-avoid-c-arrays)
    for (int index = 0; index < 64; ++index) {
      blocks.push_back(std::make_unique<char[]>(bytes));  // NOLINT(modernize-avoid-c-arrays)
      const auto mapping = mapping_of(blocks.back().get());
      ASSERT_TRUE(mapping.has_value());
      EXPECT_NE(mapping->flags.find(" hg"), std::string::npos)
          << bytes << " bytes, VmFlags:" << mapping->flags;
    }
  }
}

}  // namespace
