// SPDX-License-Identifier: Apache-2.0
// Fuzz target for the EtherNet/IP parsers and analyzers. The first input byte picks a mode:
//   0: the rest is a TCP flow in fuzz/stream_fuzz.hpp chunk format, fed to an EnipAnalyzer;
//   1: the rest is one UDP datagram for analyze_enip();
//   2: the rest is a CIP request, also read as Unconnected_Send and Multiple_Service_Packet data.
#include <cstddef>
#include <cstdint>

#include "core/byte_reader.hpp"
#include "protocols/enip/enip_analyzer.hpp"
#include "protocols/enip/enip_parser.hpp"
#include "stream_fuzz.hpp"

namespace enip = warden::proto::enip;

// NOLINTNEXTLINE(readability-identifier-naming): the entry point name is fixed by libFuzzer.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  warden::ByteReader reader(warden::Bytes(data, size));
  const auto mode = reader.read_u8();
  if (!mode) {
    return 0;
  }
  const warden::Bytes body = reader.rest();
  switch (*mode % 3) {
    case 0: {
      enip::EnipAnalyzer analyzer;
      warden::fuzz::run_stream(body, analyzer);
      break;
    }
    case 1: {
      warden::decode::Packet packet;
      packet.payload = body;
      warden::fuzz::TouchingSink sink;
      enip::analyze_enip(packet, sink);
      (void)enip::parse_list_identity(body);
      break;
    }
    default:
      if (const auto request = enip::parse_cip_request(body)) {
        (void)enip::service_name(*request);
        (void)enip::control_name(*request);
      }
      (void)enip::parse_unconnected_send(body);
      (void)enip::for_each_packed_service(
          body, [](warden::Bytes embedded) { (void)enip::parse_cip_request(embedded); });
      break;
  }
  return 0;
}
