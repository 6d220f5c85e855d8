// SPDX-License-Identifier: Apache-2.0
// Fuzz target: the BACnet/IP parsers and analyzer on one datagram.
#include <cstddef>
#include <cstdint>

#include "protocols/bacnet/bacnet_analyzer.hpp"
#include "protocols/bacnet/bacnet_parser.hpp"
#include "stream_fuzz.hpp"

// NOLINTNEXTLINE(readability-identifier-naming): the entry point name is fixed by libFuzzer.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace bacnet = warden::proto::bacnet;
  warden::decode::Packet packet;
  packet.payload = warden::Bytes(data, size);
  warden::fuzz::TouchingSink sink;
  bacnet::analyze_bacnet(packet, sink);
  // The APDU parsers also run on the raw input, past the BVLC and NPDU checks.
  if (const auto apdu = bacnet::parse_apdu(packet.payload)) {
    (void)bacnet::parse_i_am(apdu->body);
    (void)bacnet::parse_read_property_ack(apdu->body);
    (void)bacnet::parse_read_property_multiple_ack(apdu->body,
                                                   [](const bacnet::ReadPropertyAck&) {});
  }
  return 0;
}
