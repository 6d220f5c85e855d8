// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/address.hpp"
#include "core/byte_reader.hpp"
#include "core/result.hpp"

/// Pure parser for the Cisco Discovery Protocol, versions 1 and 2 (Cisco's published CDP frame
/// format; carried over 802.3 + LLC SNAP, OUI 00:00:0c, PID 0x2000, to 01:00:0c:cc:cc:cc).
namespace warden::proto::lldp {

/// Most TLVs read from one CDP packet.
inline constexpr std::size_t kMaxCdpTlvs = 64;
/// Most entries examined in one Addresses TLV.
inline constexpr std::size_t kMaxCdpAddressEntries = 16;
/// Most distinct addresses kept per packet (from Addresses and Management Addresses TLVs).
inline constexpr std::size_t kMaxCdpAddresses = 4;

/// TLV types this parser reads.
namespace cdp_tlv {
inline constexpr std::uint16_t kDeviceId = 0x0001;
inline constexpr std::uint16_t kAddresses = 0x0002;
inline constexpr std::uint16_t kPortId = 0x0003;
inline constexpr std::uint16_t kCapabilities = 0x0004;
inline constexpr std::uint16_t kSoftwareVersion = 0x0005;
inline constexpr std::uint16_t kPlatform = 0x0006;
inline constexpr std::uint16_t kManagementAddresses = 0x0016;
}  // namespace cdp_tlv

/// Capability bits of the Capabilities TLV.
namespace cdp_capability {
inline constexpr std::uint32_t kRouter = 0x001;
inline constexpr std::uint32_t kTransparentBridge = 0x002;
inline constexpr std::uint32_t kSourceRouteBridge = 0x004;
inline constexpr std::uint32_t kSwitch = 0x008;
inline constexpr std::uint32_t kHost = 0x010;
inline constexpr std::uint32_t kIgmp = 0x020;
inline constexpr std::uint32_t kRepeater = 0x040;
inline constexpr std::uint32_t kPhone = 0x080;
inline constexpr std::uint32_t kRemotelyManaged = 0x100;
inline constexpr std::uint32_t kCvta = 0x200;
inline constexpr std::uint32_t kTwoPortMacRelay = 0x400;
}  // namespace cdp_capability

/// One entry of an Addresses TLV:
///
///     | protocol type(1) | protocol length(1) | protocol | address length(2) | address |
///
/// Protocol type 1 is NLPID (0xcc = IPv4); type 2 is an 802.2 header (SNAP ... 0x86dd = IPv6).
struct CdpAddress {
  std::uint8_t protocol_type = 0;
  Bytes protocol;
  Bytes address;
};

/// A CDP packet: version(1) ttl(1) checksum(2), then TLVs of type(2) length(2) value, where the
/// length counts the 4-byte TLV header.
struct CdpPacket {
  std::uint8_t version = 0;
  std::uint8_t ttl = 0;  ///< seconds
  std::uint16_t checksum = 0;
  std::string_view device_id;
  std::string_view port_id;
  std::string_view software_version;
  std::string_view platform;
  bool has_capabilities = false;
  std::uint32_t capabilities = 0;
  std::array<CdpAddress, kMaxCdpAddresses> addresses{};  ///< distinct, in order of appearance
  std::size_t address_count = 0;
};

/// Parses a CDP packet (the bytes after the SNAP header). The checksum is not verified: real
/// implementations disagree on odd-length packets. Unsupported for versions other than 1 and 2;
/// Malformed for TLV lengths below 4 or past the end; LimitExceeded past kMaxCdpTlvs. Fewer than
/// four trailing bytes are taken as padding.
[[nodiscard]] Result<CdpPacket> parse_cdp(Bytes bytes);

/// The IPv4 or IPv6 address of an entry, if it is one.
[[nodiscard]] std::optional<IpAddress> cdp_ip_address(const CdpAddress& address);

/// Capability names for `bits`, comma-separated in bit order: "switch,igmp".
[[nodiscard]] std::string cdp_capability_names(std::uint32_t bits);

}  // namespace warden::proto::lldp
