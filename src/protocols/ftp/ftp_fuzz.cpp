// SPDX-License-Identifier: Apache-2.0
// Fuzz target: the FTP line parsers on the raw input, then the control-connection analyzer on the
// input split into flow chunks (fuzz/stream_fuzz.hpp).
#include <cstddef>
#include <cstdint>

#include "protocols/ftp/ftp_analyzer.hpp"
#include "protocols/ftp/ftp_parser.hpp"
#include "stream_fuzz.hpp"

// NOLINTNEXTLINE(readability-identifier-naming): the entry point name is fixed by libFuzzer.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace warden::proto::ftp;  // NOLINT(google-build-using-namespace): fuzz entry point
  const warden::Bytes input(data, size);
  (void)find_line(input);
  const std::string_view text = warden::as_chars(input);
  (void)parse_reply_line(text);
  (void)parse_command(text);
  const auto analyzer = make_ftp_analyzer();
  warden::fuzz::run_stream(input, *analyzer);
  return 0;
}
