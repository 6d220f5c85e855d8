// SPDX-License-Identifier: Apache-2.0
// Fuzz target for the DNP3 parsers and analyzers. The first input byte picks a mode:
//   even: the rest is a TCP flow in fuzz/stream_fuzz.hpp chunk format, fed to a Dnp3Analyzer;
//   odd: the rest is one UDP datagram, given to analyze_dnp3 and the frame parsers.
#include <cstddef>
#include <cstdint>

#include "core/byte_reader.hpp"
#include "protocols/dnp3/dnp3_analyzer.hpp"
#include "protocols/dnp3/dnp3_parser.hpp"
#include "stream_fuzz.hpp"

namespace dnp3 = warden::proto::dnp3;

// NOLINTNEXTLINE(readability-identifier-naming): the entry point name is fixed by libFuzzer.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  warden::ByteReader reader(warden::Bytes(data, size));
  const auto mode = reader.read_u8();
  if (!mode) {
    return 0;
  }
  const warden::Bytes body = reader.rest();
  if ((*mode & 1U) == 0) {
    dnp3::Dnp3Analyzer analyzer;
    warden::fuzz::run_stream(body, analyzer);
    return 0;
  }
  warden::decode::Packet packet;
  packet.payload = body;
  warden::fuzz::TouchingSink sink;
  dnp3::analyze_dnp3(packet, sink);
  if (const auto frame = dnp3::parse_link_frame(body)) {
    (void)dnp3::parse_application(frame->user_data());
  }
  (void)dnp3::parse_application(body);
  return 0;
}
