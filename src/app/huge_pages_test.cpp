// SPDX-License-Identifier: Apache-2.0
// huge_pages.cpp, linked as in the warden executable: tcmalloc's large blocks come from one region
// advised MADV_HUGEPAGE, and the kernel backs it with huge pages where it has them.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
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
    // With 64 MiB touched, most of it lands in 2 MiB pages (a fragmented machine may lack a few).
    EXPECT_GE(mapping->huge_kib, std::uint64_t{32} << 10) << "AnonHugePages: " << mapping->huge_kib;
  }
  std::free(block);
}

TEST(HugePages, SmallAllocationsStillWork) {
  // Thousands of small blocks through tcmalloc's caches, then freed: nothing here may fault.
  constexpr int kBlocks = 100000;
  std::vector<std::string*> strings;
  strings.reserve(kBlocks);
  for (int index = 0; index < kBlocks; ++index) {
    strings.push_back(new std::string(static_cast<std::size_t>(index % 300), 'x'));
  }
  for (int index = 0; index < kBlocks; ++index) {
    EXPECT_EQ(strings[static_cast<std::size_t>(index)]->size(),
              static_cast<std::size_t>(index % 300));
    delete strings[static_cast<std::size_t>(index)];
  }
}

}  // namespace
