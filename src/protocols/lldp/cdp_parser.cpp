// SPDX-License-Identifier: Apache-2.0
#include "protocols/lldp/cdp_parser.hpp"

#include <algorithm>

namespace warden::proto::lldp {
namespace {

constexpr std::size_t kTlvHeaderLength = 4;
constexpr std::size_t kCapabilitiesLength = 4;
constexpr std::uint8_t kProtocolTypeNlpid = 1;
constexpr std::uint8_t kProtocolType8022 = 2;
constexpr std::uint8_t kNlpidIpv4 = 0xcc;
/// 802.2 LLC SNAP header naming IPv6: DSAP, SSAP, control, OUI 0, EtherType 0x86dd.
constexpr std::array<std::uint8_t, 8> kSnapIpv6 = {0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x86, 0xdd};

constexpr std::array<std::string_view, 11> kCapabilityNames = {
    "router",   "tb-bridge", "sr-bridge",      "switch", "host",     "igmp",
    "repeater", "phone",     "remote-managed", "cvta",   "mac-relay"};

bool same_address(const CdpAddress& a, const CdpAddress& b) {
  return a.protocol_type == b.protocol_type && std::ranges::equal(a.protocol, b.protocol) &&
         std::ranges::equal(a.address, b.address);
}

/// Reads an Addresses / Management Addresses TLV value: count(4), then entries.
Result<bool> parse_addresses(Bytes value, CdpPacket& packet) {
  ByteReader reader(value);
  WARDEN_ASSIGN_OR_RETURN(const std::uint32_t count, reader.read_u32_be());
  for (std::size_t entry_idx = 0; entry_idx < std::min<std::size_t>(count, kMaxCdpAddressEntries);
       ++entry_idx) {
    CdpAddress entry;
    WARDEN_ASSIGN_OR_RETURN(entry.protocol_type, reader.read_u8());
    WARDEN_ASSIGN_OR_RETURN(const std::uint8_t protocol_length, reader.read_u8());
    WARDEN_ASSIGN_OR_RETURN(entry.protocol, reader.read_bytes(protocol_length));
    WARDEN_ASSIGN_OR_RETURN(const std::uint16_t address_length, reader.read_u16_be());
    WARDEN_ASSIGN_OR_RETURN(entry.address, reader.read_bytes(address_length));
    const auto stored = std::span(packet.addresses).first(packet.address_count);
    const bool seen = std::any_of(stored.begin(), stored.end(), [&](const CdpAddress& other) {
      return same_address(entry, other);
    });
    if (!seen && packet.address_count < kMaxCdpAddresses) {
      packet.addresses.at(packet.address_count++) = entry;
    }
  }
  return true;
}

Result<bool> store_tlv(CdpPacket& packet, std::uint16_t type, Bytes value) {
  switch (type) {
    case cdp_tlv::kDeviceId:
      packet.device_id = as_chars(value);
      break;
    case cdp_tlv::kPortId:
      packet.port_id = as_chars(value);
      break;
    case cdp_tlv::kSoftwareVersion:
      packet.software_version = as_chars(value);
      break;
    case cdp_tlv::kPlatform:
      packet.platform = as_chars(value);
      break;
    case cdp_tlv::kCapabilities: {
      ByteReader reader(value);
      if (value.size() != kCapabilitiesLength) {
        return tl::unexpected(
            reader.error(ParseErrorCode::Malformed, "cdp.bad_capabilities_length"));
      }
      packet.has_capabilities = true;
      packet.capabilities = reader.read_u32_be().value_or(0);
      break;
    }
    case cdp_tlv::kAddresses:
    case cdp_tlv::kManagementAddresses:
      return parse_addresses(value, packet);
    default:
      break;
  }
  return true;
}

Result<CdpPacket> parse(Bytes bytes) {
  ByteReader reader(bytes);
  CdpPacket packet;
  WARDEN_ASSIGN_OR_RETURN(packet.version, reader.read_u8());
  if (packet.version != 1 && packet.version != 2) {
    return fail(ParseErrorCode::Unsupported, 0, "cdp.bad_version");
  }
  WARDEN_ASSIGN_OR_RETURN(packet.ttl, reader.read_u8());
  WARDEN_ASSIGN_OR_RETURN(packet.checksum, reader.read_u16_be());
  for (std::size_t tlv_idx = 0; reader.remaining() >= kTlvHeaderLength; ++tlv_idx) {
    if (tlv_idx == kMaxCdpTlvs) {
      return tl::unexpected(reader.error(ParseErrorCode::LimitExceeded, "cdp.too_many_tlvs"));
    }
    WARDEN_ASSIGN_OR_RETURN(const std::uint16_t type, reader.read_u16_be());
    WARDEN_ASSIGN_OR_RETURN(const std::uint16_t length, reader.read_u16_be());
    if (length < kTlvHeaderLength) {
      return tl::unexpected(reader.error(ParseErrorCode::Malformed, "cdp.bad_tlv_length"));
    }
    WARDEN_ASSIGN_OR_RETURN(const Bytes value, reader.read_bytes(length - kTlvHeaderLength));
    WARDEN_RETURN_IF_ERROR(store_tlv(packet, type, value));
  }
  return packet;
}

}  // namespace

Result<CdpPacket> parse_cdp(Bytes bytes) {
  auto packet = parse(bytes);
  if (!packet && packet.error().code == ParseErrorCode::Incomplete) {
    return fail(ParseErrorCode::Malformed, packet.error().offset, "cdp.truncated");
  }
  return packet;
}

std::optional<IpAddress> cdp_ip_address(const CdpAddress& address) {
  if (address.protocol_type == kProtocolTypeNlpid && address.protocol.size() == 1 &&
      address.protocol.front() == kNlpidIpv4 && address.address.size() == 4) {
    return IpAddress::v4(address.address);
  }
  if (address.protocol_type == kProtocolType8022 &&
      std::ranges::equal(address.protocol, kSnapIpv6) && address.address.size() == 16) {
    return IpAddress::v6(address.address);
  }
  return std::nullopt;
}

std::string cdp_capability_names(std::uint32_t bits) {
  std::string out;
  for (std::size_t bit = 0; bit < kCapabilityNames.size(); ++bit) {
    if ((bits & (1U << bit)) != 0) {
      if (!out.empty()) {
        out.push_back(',');
      }
      out.append(kCapabilityNames.at(bit));
    }
  }
  return out;
}

}  // namespace warden::proto::lldp
