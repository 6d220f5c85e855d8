// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <thread>
#include <vector>

namespace warden {

/// Runs `work(0)` to `work(count - 1)` at once: 0 on the calling thread, the others on threads of
/// their own; returns when every one has. A `count` of 0 or 1 runs `work(0)` alone.
template <typename Work>
void run_in_parallel(unsigned count, Work&& work) {
  std::vector<std::thread> helpers;
  for (unsigned index = 1; index < count; ++index) {
    helpers.emplace_back([&work, index] { work(index); });
  }
  work(0U);
  for (std::thread& helper : helpers) {
    helper.join();
  }
}

}  // namespace warden
