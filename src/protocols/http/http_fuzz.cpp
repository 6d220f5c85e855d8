// SPDX-License-Identifier: Apache-2.0
// Fuzz target: the HTTP/1.x head and chunk parsers on the raw input, then the stream analyzer on
// the input split into flow chunks (fuzz/stream_fuzz.hpp).
#include <cstddef>
#include <cstdint>

#include "protocols/http/http_analyzer.hpp"
#include "protocols/http/http_parser.hpp"
#include "stream_fuzz.hpp"

// NOLINTNEXTLINE(readability-identifier-naming): the entry point name is fixed by libFuzzer.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace warden::proto::http;  // NOLINT(google-build-using-namespace): fuzz entry point
  const warden::Bytes input(data, size);
  (void)parse_head(input);
  (void)parse_datagram_head(input);
  (void)decode_chunked(input, 4096);
  ChunkedSkipper skipper;
  (void)skipper.feed(input);
  const auto analyzer = make_http_analyzer();
  warden::fuzz::run_stream(input, *analyzer);
  return 0;
}
