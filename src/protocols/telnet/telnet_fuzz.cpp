// SPDX-License-Identifier: Apache-2.0
// Fuzz target: the prompt and verdict matchers on the raw input, then the Telnet analyzer on the
// input split into flow chunks (fuzz/stream_fuzz.hpp).
#include <cstddef>
#include <cstdint>

#include "protocols/telnet/telnet_analyzer.hpp"
#include "stream_fuzz.hpp"

// NOLINTNEXTLINE(readability-identifier-naming): the entry point name is fixed by libFuzzer.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace warden::proto::telnet;  // NOLINT(google-build-using-namespace): fuzz entry point
  const warden::Bytes input(data, size);
  (void)find_prompt(warden::as_chars(input));
  (void)find_verdict(warden::as_chars(input));
  const auto analyzer = make_telnet_analyzer();
  warden::fuzz::run_stream(input, *analyzer);
  return 0;
}
