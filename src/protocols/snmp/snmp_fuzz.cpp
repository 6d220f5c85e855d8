// SPDX-License-Identifier: Apache-2.0
// Fuzz target: the SNMP message parser, the OID formatter and the analyzer on one datagram.
#include <array>
#include <cstddef>
#include <cstdint>

#include "protocols/snmp/snmp_analyzer.hpp"
#include "protocols/snmp/snmp_parser.hpp"
#include "stream_fuzz.hpp"

// NOLINTNEXTLINE(readability-identifier-naming): the entry point name is fixed by libFuzzer.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  warden::decode::Packet packet;
  packet.payload = warden::Bytes(data, size);
  (void)warden::proto::snmp::parse_message(packet.payload);
  std::array<char, warden::proto::snmp::kMaxOidText> text{};
  (void)warden::proto::snmp::format_oid(packet.payload, text);
  warden::fuzz::TouchingSink sink;
  warden::proto::snmp::analyze_snmp(packet, sink);
  return 0;
}
