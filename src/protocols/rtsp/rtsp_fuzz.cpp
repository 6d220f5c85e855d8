// SPDX-License-Identifier: Apache-2.0
// Fuzz target: the RTSP head and credential parsers on the raw input, then the stream analyzer
// on the input split into flow chunks (fuzz/stream_fuzz.hpp).
#include <array>
#include <cstddef>
#include <cstdint>

#include "protocols/rtsp/rtsp_analyzer.hpp"
#include "protocols/rtsp/rtsp_parser.hpp"
#include "stream_fuzz.hpp"

// NOLINTNEXTLINE(readability-identifier-naming): the entry point name is fixed by libFuzzer.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace warden::proto::rtsp;  // NOLINT(google-build-using-namespace): fuzz entry point
  const warden::Bytes input(data, size);
  (void)parse_head(input);
  (void)parse_interleaved(input);
  std::array<char, kMaxBasicBytes> storage{};
  (void)decode_basic(warden::as_chars(input), storage);
  (void)digest_username(warden::as_chars(input));
  (void)probe_rtsp(input);
  const auto analyzer = make_rtsp_analyzer();
  warden::fuzz::run_stream(input, *analyzer);
  return 0;
}
