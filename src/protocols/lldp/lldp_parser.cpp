// SPDX-License-Identifier: Apache-2.0
#include "protocols/lldp/lldp_parser.hpp"

#include <utility>

namespace warden::proto::lldp {
namespace {

constexpr std::size_t kMinIdentifierLength = 2;    ///< subtype plus at least one byte
constexpr std::size_t kMaxIdentifierLength = 256;  ///< subtype plus at most 255 bytes
constexpr std::size_t kTtlLength = 2;
constexpr std::size_t kCapabilitiesLength = 4;
constexpr std::size_t kMinManagementAddressLength = 9;
constexpr std::size_t kMinAddressStringLength = 2;  ///< family plus one address byte
constexpr std::size_t kMaxAddressStringLength = 32;

/// The mandatory TLVs, in the order 802.1AB-2016 §8.2 requires.
constexpr std::array<TlvType, 3> kMandatory = {TlvType::ChassisId, TlvType::PortId,
                                               TlvType::TimeToLive};

/// Capability names in bit order (802.1AB-2016 Table 8-4).
constexpr std::array<std::string_view, 11> kCapabilityNames = {
    "other",  "repeater", "bridge", "wlan-ap", "router", "telephone",
    "docsis", "station",  "c-vlan", "s-vlan",  "tpmr"};

tl::unexpected<ParseError> malformed(const ByteReader& reader, const char* name) {
  return tl::unexpected(reader.error(ParseErrorCode::Malformed, name));
}

Result<Identifier> parse_identifier(Bytes value) {
  ByteReader reader(value);
  if (value.size() < kMinIdentifierLength || value.size() > kMaxIdentifierLength) {
    return malformed(reader, "lldp.bad_id_length");
  }
  Identifier identifier;
  WARDEN_ASSIGN_OR_RETURN(identifier.subtype, reader.read_u8());
  identifier.id = reader.rest();
  return identifier;
}

Result<ManagementAddress> parse_management_address(Bytes value) {
  ByteReader reader(value);
  if (value.size() < kMinManagementAddressLength) {
    return malformed(reader, "lldp.bad_management_address");
  }
  WARDEN_ASSIGN_OR_RETURN(const std::uint8_t string_length, reader.read_u8());
  if (string_length < kMinAddressStringLength || string_length > kMaxAddressStringLength) {
    return malformed(reader, "lldp.bad_management_address");
  }
  ManagementAddress address;
  WARDEN_ASSIGN_OR_RETURN(address.family, reader.read_u8());
  WARDEN_ASSIGN_OR_RETURN(address.address, reader.read_bytes(string_length - 1U));
  WARDEN_ASSIGN_OR_RETURN(address.interface_subtype, reader.read_u8());
  WARDEN_ASSIGN_OR_RETURN(address.interface_number, reader.read_u32_be());
  WARDEN_ASSIGN_OR_RETURN(const std::uint8_t oid_length, reader.read_u8());
  WARDEN_RETURN_IF_ERROR(reader.skip(oid_length));
  return address;
}

/// Stores one optional TLV into `pdu`; singletons keep their first occurrence.
Result<bool> store_optional(Lldpdu& pdu, TlvType type, Bytes value) {
  ByteReader reader(value);
  switch (type) {
    case TlvType::PortDescription:
      if (pdu.port_description.empty()) {
        pdu.port_description = as_chars(value);
      }
      break;
    case TlvType::SystemName:
      if (pdu.system_name.empty()) {
        pdu.system_name = as_chars(value);
      }
      break;
    case TlvType::SystemDescription:
      if (pdu.system_description.empty()) {
        pdu.system_description = as_chars(value);
      }
      break;
    case TlvType::SystemCapabilities:
      if (value.size() != kCapabilitiesLength) {
        return malformed(reader, "lldp.bad_capabilities_length");
      }
      if (!pdu.has_capabilities) {
        pdu.has_capabilities = true;
        pdu.capabilities = reader.read_u16_be().value_or(0);
        pdu.enabled_capabilities = reader.read_u16_be().value_or(0);
      }
      break;
    case TlvType::ManagementAddress: {
      WARDEN_ASSIGN_OR_RETURN(const ManagementAddress address, parse_management_address(value));
      if (pdu.management_address_count < kMaxManagementAddresses) {
        pdu.management_addresses.at(pdu.management_address_count++) = address;
      }
      break;
    }
    default:
      break;  // organizationally specific and reserved TLVs are skipped
  }
  return true;
}

Result<Lldpdu> parse(Bytes bytes) {
  ByteReader reader(bytes);
  Lldpdu pdu;
  std::size_t tlv_idx = 0;
  for (; !reader.empty(); ++tlv_idx) {
    if (tlv_idx == kMaxTlvs) {
      return tl::unexpected(reader.error(ParseErrorCode::LimitExceeded, "lldp.too_many_tlvs"));
    }
    WARDEN_ASSIGN_OR_RETURN(const std::uint16_t header, reader.read_u16_be());
    const auto type = static_cast<TlvType>(header >> 9);
    WARDEN_ASSIGN_OR_RETURN(const Bytes value, reader.read_bytes(header & 0x1ffU));
    if (tlv_idx < kMandatory.size()) {
      if (type != kMandatory.at(tlv_idx)) {
        return malformed(reader, "lldp.missing_mandatory_tlv");
      }
      if (type == TlvType::ChassisId) {
        WARDEN_ASSIGN_OR_RETURN(pdu.chassis_id, parse_identifier(value));
      } else if (type == TlvType::PortId) {
        WARDEN_ASSIGN_OR_RETURN(pdu.port_id, parse_identifier(value));
      } else {
        ByteReader ttl(value);
        if (value.size() < kTtlLength) {
          return malformed(ttl, "lldp.bad_ttl_length");
        }
        pdu.ttl = ttl.read_u16_be().value_or(0);
      }
      continue;
    }
    if (type == TlvType::End) {
      return pdu;
    }
    WARDEN_RETURN_IF_ERROR(store_optional(pdu, type, value));
  }
  if (tlv_idx < kMandatory.size()) {
    return malformed(reader, "lldp.missing_mandatory_tlv");
  }
  return pdu;  // no End TLV: tolerated
}

}  // namespace

Result<Lldpdu> parse_lldpdu(Bytes bytes) {
  auto pdu = parse(bytes);
  if (!pdu && pdu.error().code == ParseErrorCode::Incomplete) {
    return fail(ParseErrorCode::Malformed, pdu.error().offset, "lldp.truncated_tlv");
  }
  return pdu;
}

std::string capability_names(std::uint16_t bits) {
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
