// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/byte_reader.hpp"
#include "core/result.hpp"

/// Pure parser for LLDPDUs (IEEE 802.1AB-2016 §8). Views alias the caller's buffer.
namespace warden::proto::lldp {

/// Most TLVs read from one LLDPDU (a 1500-byte frame holds at most 750 empty ones).
inline constexpr std::size_t kMaxTlvs = 128;
/// Most management address TLVs kept per LLDPDU.
inline constexpr std::size_t kMaxManagementAddresses = 4;

/// TLV types (802.1AB-2016 Table 8-1).
enum class TlvType : std::uint8_t {
  End = 0,
  ChassisId = 1,
  PortId = 2,
  TimeToLive = 3,
  PortDescription = 4,
  SystemName = 5,
  SystemDescription = 6,
  SystemCapabilities = 7,
  ManagementAddress = 8,
  OrganizationSpecific = 127,
};

/// Chassis ID subtypes (802.1AB-2016 Table 8-2).
enum class ChassisIdSubtype : std::uint8_t {
  ChassisComponent = 1,
  InterfaceAlias = 2,
  PortComponent = 3,
  MacAddress = 4,
  NetworkAddress = 5,
  InterfaceName = 6,
  Local = 7,
};

/// Port ID subtypes (802.1AB-2016 Table 8-3).
enum class PortIdSubtype : std::uint8_t {
  InterfaceAlias = 1,
  PortComponent = 2,
  MacAddress = 3,
  NetworkAddress = 4,
  InterfaceName = 5,
  AgentCircuitId = 6,
  Local = 7,
};

/// IANA address family numbers used by network-address IDs and management addresses.
namespace family {
inline constexpr std::uint8_t kIpv4 = 1;
inline constexpr std::uint8_t kIpv6 = 2;
inline constexpr std::uint8_t kMac = 6;  ///< IEEE 802 (all 802 media plus Ethernet)
}  // namespace family

/// A chassis or port ID TLV (802.1AB-2016 §8.5.2, §8.5.3): a subtype, then 1..255 bytes.
struct Identifier {
  std::uint8_t subtype = 0;
  Bytes id;
};

/// Management Address TLV (802.1AB-2016 §8.5.9).
///
///     | len(1) | family(1) | address(1..31) | if subtype(1) | if number(4) | oid len(1) | oid |
struct ManagementAddress {
  std::uint8_t family = 0;  ///< IANA address family
  Bytes address;
  std::uint8_t interface_subtype = 0;
  std::uint32_t interface_number = 0;
};

/// System Capabilities bits (802.1AB-2016 Table 8-4).
namespace capability {
inline constexpr std::uint16_t kOther = 0x0001;
inline constexpr std::uint16_t kRepeater = 0x0002;
inline constexpr std::uint16_t kBridge = 0x0004;
inline constexpr std::uint16_t kWlanAccessPoint = 0x0008;
inline constexpr std::uint16_t kRouter = 0x0010;
inline constexpr std::uint16_t kTelephone = 0x0020;
inline constexpr std::uint16_t kDocsis = 0x0040;
inline constexpr std::uint16_t kStationOnly = 0x0080;
inline constexpr std::uint16_t kCVlan = 0x0100;
inline constexpr std::uint16_t kSVlan = 0x0200;
inline constexpr std::uint16_t kTwoPortMacRelay = 0x0400;
}  // namespace capability

/// One LLDPDU (802.1AB-2016 §8.2): Chassis ID, Port ID and TTL first, then optional TLVs, then End.
/// Each TLV starts with a 16-bit header: type in the top 7 bits, length in the low 9.
struct Lldpdu {
  Identifier chassis_id;
  Identifier port_id;
  std::uint16_t ttl = 0;  ///< seconds; 0 announces shutdown
  std::string_view port_description;
  std::string_view system_name;
  std::string_view system_description;
  bool has_capabilities = false;
  std::uint16_t capabilities = 0;          ///< what the system can do
  std::uint16_t enabled_capabilities = 0;  ///< what is turned on
  std::array<ManagementAddress, kMaxManagementAddresses> management_addresses{};
  std::size_t management_address_count = 0;
};

/// Parses an LLDPDU (the bytes after EtherType 0x88cc). Malformed when the three mandatory TLVs
/// are missing or out of order or a TLV is shorter than its type requires; LimitExceeded past
/// kMaxTlvs. A missing End TLV is tolerated; bytes after End are ignored.
[[nodiscard]] Result<Lldpdu> parse_lldpdu(Bytes bytes);

/// Capability names for `bits`, comma-separated in bit order: "bridge,router".
[[nodiscard]] std::string capability_names(std::uint16_t bits);

}  // namespace warden::proto::lldp
