// SPDX-License-Identifier: Apache-2.0
// Replays fuzz corpus files (or directories of them) through LLVMFuzzerTestOneInput, so every
// build, gcc included, runs the corpus as an ordinary test.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {
void replay_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  const std::vector<char> raw((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
  // An exact-size heap copy so AddressSanitizer sees any read past the end.
  std::vector<std::uint8_t> exact(raw.begin(), raw.end());
  exact.shrink_to_fit();
  LLVMFuzzerTestOneInput(exact.data(), exact.size());
}
}  // namespace

int main(int argc, char** argv) {
  std::size_t count = 0;
  for (int arg_idx = 1; arg_idx < argc; ++arg_idx) {
    const std::filesystem::path root(argv[arg_idx]);  // NOLINT: argv indexing
    if (std::filesystem::is_directory(root)) {
      for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
        if (entry.is_regular_file()) {
          replay_file(entry.path());
          ++count;
        }
      }
    } else if (std::filesystem::is_regular_file(root)) {
      replay_file(root);
      ++count;
    } else {
      std::fprintf(stderr, "replay: %s: not found\n", root.c_str());
      return 2;
    }
  }
  // Also run the empty input, which every parser must survive.
  LLVMFuzzerTestOneInput(nullptr, 0);
  std::printf("replayed %zu inputs\n", count);
  return count > 0 ? 0 : 1;
}
