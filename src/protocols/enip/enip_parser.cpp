// SPDX-License-Identifier: Apache-2.0
#include "protocols/enip/enip_parser.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace warden::proto::enip {
namespace {

tl::unexpected<ParseError> malformed(const ByteReader& reader, const char* name) {
  return tl::unexpected(reader.error(ParseErrorCode::Malformed, name));
}

/// Reads an 8-, 16- or 32-bit logical segment value (the 16/32-bit forms have a pad byte).
Result<std::uint32_t> read_logical_value(ByteReader& reader, std::uint8_t format) {
  switch (format) {
    case 0:
      return reader.read_u8();
    case 1: {
      WARDEN_RETURN_IF_ERROR(reader.skip(1));
      WARDEN_ASSIGN_OR_RETURN(const std::uint16_t value, reader.read_u16_le());
      return value;
    }
    case 2:
      WARDEN_RETURN_IF_ERROR(reader.skip(1));
      return reader.read_u32_le();
    default:
      return malformed(reader, "enip.bad_cip_path");
  }
}

}  // namespace

Result<Header> parse_header(Bytes bytes) {
  ByteReader reader(bytes);
  Header header{};
  WARDEN_ASSIGN_OR_RETURN(header.command, reader.read_u16_le());
  WARDEN_ASSIGN_OR_RETURN(header.length, reader.read_u16_le());
  WARDEN_ASSIGN_OR_RETURN(header.session, reader.read_u32_le());
  WARDEN_ASSIGN_OR_RETURN(header.status, reader.read_u32_le());
  WARDEN_RETURN_IF_ERROR(reader.skip(8));  // sender context
  WARDEN_ASSIGN_OR_RETURN(header.options, reader.read_u32_le());
  return header;
}

bool is_known_command(std::uint16_t cmd) {
  switch (cmd) {
    case command::kNop:
    case command::kLegacyListTargets:
    case command::kListServices:
    case command::kListIdentity:
    case command::kListInterfaces:
    case command::kRegisterSession:
    case command::kUnregisterSession:
    case command::kSendRrData:
    case command::kSendUnitData:
    case command::kIndicateStatus:
    case command::kCancel:
      return true;
    default:
      return false;
  }
}

Result<CpfItems> parse_cpf(Bytes bytes) {
  ByteReader reader(bytes);
  const auto count = reader.read_u16_le();
  if (!count) {
    return malformed(reader, "enip.bad_cpf");
  }
  if (*count > kMaxCpfItems) {
    return tl::unexpected(reader.error(ParseErrorCode::LimitExceeded, "enip.too_many_items"));
  }
  CpfItems out;
  for (std::size_t item_idx = 0; item_idx < *count; ++item_idx) {
    const auto type = reader.read_u16_le();
    const auto length = reader.read_u16_le();
    if (!type || !length) {
      return malformed(reader, "enip.bad_cpf");
    }
    const auto data = reader.read_bytes(*length);
    if (!data) {
      return malformed(reader, "enip.bad_cpf");
    }
    out.items.at(out.count++) = CpfItem{*type, *data};
  }
  return out;
}

Result<std::optional<Identity>> parse_list_identity(Bytes data) {
  WARDEN_ASSIGN_OR_RETURN(const CpfItems items, parse_cpf(data));
  for (std::size_t item_idx = 0; item_idx < items.count; ++item_idx) {
    const CpfItem& cpf = items.items.at(item_idx);
    if (cpf.type != item::kIdentity) {
      continue;
    }
    ByteReader reader(cpf.data);
    const auto parse = [&reader]() -> Result<Identity> {
      Identity out{};
      WARDEN_ASSIGN_OR_RETURN(out.encapsulation_version, reader.read_u16_le());
      WARDEN_RETURN_IF_ERROR(reader.skip(16));  // socket address (big-endian sockaddr_in)
      WARDEN_ASSIGN_OR_RETURN(out.vendor_id, reader.read_u16_le());
      WARDEN_ASSIGN_OR_RETURN(out.device_type, reader.read_u16_le());
      WARDEN_ASSIGN_OR_RETURN(out.product_code, reader.read_u16_le());
      WARDEN_ASSIGN_OR_RETURN(out.revision_major, reader.read_u8());
      WARDEN_ASSIGN_OR_RETURN(out.revision_minor, reader.read_u8());
      WARDEN_ASSIGN_OR_RETURN(out.status, reader.read_u16_le());
      WARDEN_ASSIGN_OR_RETURN(out.serial_number, reader.read_u32_le());
      WARDEN_ASSIGN_OR_RETURN(const std::uint8_t name_length, reader.read_u8());
      WARDEN_ASSIGN_OR_RETURN(out.product_name, reader.read_chars(name_length));
      if (const auto state = reader.read_u8()) {
        out.state = *state;
      }
      return out;
    };
    auto identity = parse();
    if (!identity) {
      return malformed(reader, "enip.bad_identity");
    }
    return std::optional<Identity>(*identity);
  }
  return std::optional<Identity>();
}

Result<std::optional<Bytes>> extract_cip_message(std::uint16_t cmd, Bytes data) {
  // Interface handle (4) and timeout (2) precede the item list.
  ByteReader reader(data);
  if (!reader.skip(6)) {
    return malformed(reader, "enip.bad_cpf");
  }
  WARDEN_ASSIGN_OR_RETURN(const CpfItems items, parse_cpf(reader.rest()));
  for (std::size_t item_idx = 0; item_idx < items.count; ++item_idx) {
    const CpfItem& cpf = items.items.at(item_idx);
    if (cmd == command::kSendRrData && cpf.type == item::kUnconnectedData) {
      return std::optional<Bytes>(cpf.data);
    }
    if (cmd == command::kSendUnitData && cpf.type == item::kConnectedData) {
      if (cpf.data.size() < 2) {
        return malformed(reader, "enip.bad_cpf");
      }
      return std::optional<Bytes>(cpf.data.subspan(2));  // after the sequence count
    }
  }
  return std::optional<Bytes>();
}

Result<CipRequest> parse_cip_request(Bytes message) {
  ByteReader reader(message);
  CipRequest out{};
  WARDEN_ASSIGN_OR_RETURN(out.service, reader.read_u8());
  const auto words = reader.read_u8();
  if (!words) {
    return malformed(reader, "enip.bad_cip_path");
  }
  const auto path = reader.read_bytes(std::size_t{*words} * 2);
  if (!path) {
    return malformed(reader, "enip.bad_cip_path");
  }
  out.data = reader.rest();
  ByteReader segments(*path);
  for (std::size_t segment_idx = 0; segment_idx < kMaxPathSegments && !segments.empty();
       ++segment_idx) {
    const std::uint8_t segment = *segments.read_u8();
    if (segment == 0x91) {
      // ANSI extended symbol segment: length, characters, pad to an even length.
      out.symbolic = true;
      const auto length = segments.read_u8();
      if (!length || !segments.skip(*length + (*length & 1U))) {
        return malformed(reader, "enip.bad_cip_path");
      }
      continue;
    }
    if ((segment >> 5) != 1) {
      break;  // port, network or data segments: nothing more of interest
    }
    const auto logical_type = static_cast<std::uint8_t>((segment >> 2) & 0x07U);
    const auto value = read_logical_value(segments, static_cast<std::uint8_t>(segment & 0x03U));
    if (!value) {
      return malformed(reader, "enip.bad_cip_path");
    }
    if (logical_type == 0 && !out.class_id) {
      out.class_id = *value;
    } else if (logical_type == 1 && !out.instance_id) {
      out.instance_id = *value;
    }
  }
  return out;
}

Result<Bytes> parse_unconnected_send(Bytes request_data) {
  ByteReader reader(request_data);
  // Priority/time tick, timeout ticks, embedded message length.
  const auto head = reader.read_bytes(2);
  const auto length = reader.read_u16_le();
  if (!head || !length) {
    return malformed(reader, "enip.bad_unconnected_send");
  }
  const auto embedded = reader.read_bytes(*length);
  if (!embedded) {
    return malformed(reader, "enip.bad_unconnected_send");
  }
  return *embedded;
}

std::string_view service_name(const CipRequest& request) {
  switch (request.service) {
    case 0x01:
      return "get-attributes-all";
    case 0x02:
      return "set-attributes-all";
    case 0x03:
      return "get-attribute-list";
    case 0x04:
      return "set-attribute-list";
    case 0x05:
      return "reset";
    case 0x06:
      return "start";
    case 0x07:
      return "stop";
    case 0x08:
      return "create";
    case 0x09:
      return "delete";
    case service::kMultipleServicePacket:
      return "multiple-service-packet";
    case 0x0D:
      return "apply-attributes";
    case 0x0E:
      return "get-attribute-single";
    case 0x10:
      return "set-attribute-single";
    case 0x11:
      return "find-next-object-instance";
    case 0x15:
      return "restore";
    case 0x16:
      return "save";
    case 0x17:
      return "nop";
    case 0x18:
      return "get-member";
    case 0x19:
      return "set-member";
    case 0x1A:
      return "insert-member";
    case 0x1B:
      return "remove-member";
    case 0x1C:
      return "group-sync";
    default:
      break;
  }
  if (request.class_id == cip_class::kConnectionManager) {
    switch (request.service) {
      case 0x4E:
        return "forward-close";
      case service::kUnconnectedSend:
        return "unconnected-send";
      case 0x54:
        return "forward-open";
      case 0x5B:
        return "large-forward-open";
      default:
        return {};
    }
  }
  if (request.symbolic) {
    // Logix data table services (Rockwell publication 1756-PM020).
    switch (request.service) {
      case 0x4C:
        return "read-tag";
      case 0x4D:
        return "write-tag";
      case 0x4E:
        return "read-modify-write-tag";
      case 0x52:
        return "read-tag-fragmented";
      case 0x53:
        return "write-tag-fragmented";
      default:
        return {};
    }
  }
  return {};
}

std::string_view control_name(const CipRequest& request) {
  if (request.class_id == cip_class::kFirmwareUpdate &&
      (request.service == 0x4B || request.service == 0x4D)) {
    return "firmware-update";
  }
  switch (request.service) {
    case 0x02:
    case 0x04:
    case 0x10:
    case 0x19:
      return "set-attribute";
    case 0x05:
      return "reset";
    case 0x06:
      return "start";
    case 0x07:
      return "stop";
    default:
      break;
  }
  if (request.symbolic &&
      (request.service == 0x4D || request.service == 0x4E || request.service == 0x53)) {
    return "write-tag";
  }
  return {};
}

std::string_view vendor_name(std::uint16_t vendor_id) {
  // A selection of the ODVA vendor id registry (as listed by Wireshark's CIP dissector).
  static constexpr auto kVendors = std::to_array<std::pair<std::uint16_t, std::string_view>>({
      {1, "Rockwell Automation/Allen-Bradley"},
      {5, "Rockwell Automation/Reliance Electric"},
      {7, "SMC Corporation"},
      {8, "Molex Incorporated"},
      {12, "Banner Engineering Corp."},
      {26, "Festo Corporation"},
      {40, "WAGO Corporation"},
      {43, "Balluff, Inc."},
      {44, "Yaskawa Electric America, Inc."},
      {46, "ABB Industrial Systems"},
      {47, "Omron Corporation"},
      {48, "Turck, Inc."},
      {57, "Pepperl + Fuchs"},
      {68, "Eaton Electrical"},
      {82, "Mitsubishi Electric Automation, Inc."},
      {83, "Opto 22"},
      {90, "HMS Industrial Networks AB"},
      {94, "Advantech Co. Ltd."},
      {95, "Square D Company"},
      {97, "Danfoss"},
      {108, "Beckhoff Automation GmbH"},
      {109, "National Instruments"},
      {121, "KUKA Roboter GmbH"},
      {145, "Siemens Energy & Automation/Drives"},
      {161, "Mitsubishi Electric Corporation"},
      {176, "Red Lion Controls"},
      {181, "Pilz GmbH & Co"},
      {243, "Schneider Automation, Inc."},
      {250, "Yokogawa Electric Corporation"},
      {255, "Bosch Rexroth"},
      {256, "Turck"},
      {283, "Hilscher GmbH"},
      {309, "ProSoft Technology"},
      {315, "SEW Eurodrive GmbH"},
      {326, "GE Fanuc Automation North America, Inc."},
      {345, "Endress + Hauser"},
      {367, "Keyence Corporation"},
  });

  const auto* const found =
      std::find_if(kVendors.begin(), kVendors.end(),
                   [vendor_id](const auto& entry) { return entry.first == vendor_id; });
  return found == kVendors.end() ? std::string_view{} : found->second;
}

}  // namespace warden::proto::enip
