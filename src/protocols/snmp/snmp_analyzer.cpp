// SPDX-License-Identifier: Apache-2.0
#include "protocols/snmp/snmp_analyzer.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string_view>

#include "core/text.hpp"
#include "protocols/snmp/snmp_parser.hpp"

namespace warden::proto::snmp {
namespace {

constexpr std::string_view kProtocol = "snmp";
constexpr std::string_view kCustomCommunity = "(custom)";

// Factory-default community strings. "public" (read) and "private" (read-write) are the defaults
// of Net-SNMP's example snmpd.conf and of most embedded agents; "ILMI" is Cisco's hidden ATM
// community (Cisco advisory cisco-sa-20010227-ios-snmp-ilmi); "cisco", "admin", "manager",
// "monitor", "secret", "default", "community", "snmp", "snmpd", "read", "write" and
// "all private" (Sun Solaris snmpdx) head the public default-community word lists used by scanners
// such as nmap's snmp-brute. Anything else is reported only as "(custom)": a community is a
// password.
constexpr std::array<std::string_view, 15> kDefaultCommunities = {
    "public",  "private", "community", "snmp",   "snmpd", "admin", "cisco",      "ILMI",
    "default", "monitor", "manager",   "secret", "read",  "write", "all private"};

// Encoded OID contents of the MIB-2 system group scalars (RFC 3418): 1.3.6.1.2.1.1.{1,2,5}.0.
constexpr std::array<std::uint8_t, 8> kSysDescrOid = {0x2B, 0x06, 0x01, 0x02,
                                                      0x01, 0x01, 0x01, 0x00};
constexpr std::array<std::uint8_t, 8> kSysObjectIdOid = {0x2B, 0x06, 0x01, 0x02,
                                                         0x01, 0x01, 0x02, 0x00};
constexpr std::array<std::uint8_t, 8> kSysNameOid = {0x2B, 0x06, 0x01, 0x02,
                                                     0x01, 0x01, 0x05, 0x00};
constexpr std::uint8_t kTagOctetString = 0x04;
constexpr std::uint8_t kTagOid = 0x06;

bool same(Bytes oid, const std::array<std::uint8_t, 8>& expected) {
  return oid.size() == expected.size() && std::equal(oid.begin(), oid.end(), expected.begin());
}

std::string_view version_name(Version version) {
  switch (version) {
    case Version::V1:
      return "v1";
    case Version::V2c:
      return "v2c";
    case Version::V3:
      return "v3";
  }
  return "v1";
}

/// System-group values of a GetResponse, about its sender.
void observe_system(const Message& message, ObservationSink& sink) {
  for (std::size_t varbind_idx = 0; varbind_idx < message.varbind_count; ++varbind_idx) {
    const Varbind& varbind = message.varbinds.at(varbind_idx);
    if (varbind.value.tag == kTagOctetString && same(varbind.oid, kSysDescrOid)) {
      sink.observe(
          {Subject::sender(), Attr::SnmpSysDescr, as_chars(varbind.value.value), kProtocol});
    } else if (varbind.value.tag == kTagOctetString && same(varbind.oid, kSysNameOid)) {
      sink.observe(
          {Subject::sender(), Attr::SnmpSysName, as_chars(varbind.value.value), kProtocol});
    } else if (varbind.value.tag == kTagOid && same(varbind.oid, kSysObjectIdOid)) {
      std::array<char, kMaxOidText> text{};
      const auto dotted = format_oid(varbind.value.value, text);
      if (dotted) {
        sink.observe({Subject::sender(), Attr::SnmpSysObjectId, *dotted, kProtocol});
      } else {
        sink.anomaly("snmp.bad_oid_value");
      }
    }
  }
}

}  // namespace

std::string_view default_community(std::string_view community) {
  for (const std::string_view known : kDefaultCommunities) {
    if (iequals(community, known)) {
      return known;
    }
  }
  return {};
}

void analyze_snmp(const decode::Packet& packet, ObservationSink& sink) {
  const auto message = parse_message(packet.payload);
  if (!message) {
    sink.anomaly(message.error().name);
    return;
  }
  sink.observe({Subject::sender(), Attr::SnmpVersion, version_name(message->version), kProtocol});
  sink.observe({Subject::sender(), Attr::Protocol, kProtocol, kProtocol});
  if (message->version == Version::V3) {
    return;
  }
  if (message->truncated) {
    sink.anomaly("snmp.too_many_varbinds");
  }
  if (is_request(message->pdu)) {
    return;
  }
  const std::string_view known = default_community(message->community);
  sink.observe({Subject::sender(), Attr::SnmpCommunity, known.empty() ? kCustomCommunity : known,
                kProtocol});
  if (message->pdu == PduType::GetResponse) {
    observe_system(*message, sink);
  }
}

}  // namespace warden::proto::snmp
