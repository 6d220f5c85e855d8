// SPDX-License-Identifier: Apache-2.0
#include "protocols/s7comm/s7comm_parser.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace warden::proto::s7comm {
namespace {

constexpr std::uint8_t kTpktVersion = 3;
constexpr std::uint8_t kCotpCallingTsap = 0xC1;
constexpr std::uint8_t kCotpCalledTsap = 0xC2;
/// CR/CC fixed part after the code: destination reference, source reference, class/options.
constexpr std::size_t kCotpConnectFixed = 5;
constexpr std::size_t kS7HeaderLength = 10;
constexpr std::size_t kS7AckHeaderLength = 12;
constexpr std::size_t kSzlHeaderLength = 8;
constexpr std::size_t kIdentityRecordLength = 28;   // SZL 0x0011: index, MlfB[20], 3 x u16
constexpr std::size_t kComponentRecordLength = 34;  // SZL 0x001C: index, text[32]
constexpr std::size_t kOrderNumberLength = 20;

std::string_view trim_text(std::string_view text) {
  const std::size_t nul = text.find('\0');
  if (nul != std::string_view::npos) {
    text = text.substr(0, nul);
  }
  while (!text.empty() && text.back() == ' ') {
    text.remove_suffix(1);
  }
  while (!text.empty() && text.front() == ' ') {
    text.remove_prefix(1);
  }
  return text;
}

void read_module_record(Bytes record, ModuleIdentity& identity) {
  ByteReader reader(record);
  const auto index = reader.read_u16_be();
  const auto order = reader.read_chars(kOrderNumberLength);
  const auto module_type = reader.read_u16_be();
  const auto ausbg = reader.read_u16_be();
  const auto ausbe = reader.read_u16_be();
  if (!index || !order || !module_type || !ausbg || !ausbe) {
    return;
  }
  if (*index == 0x0001) {
    identity.order_number = trim_text(*order);
  } else if (*index == 0x0007 && (*ausbg >> 8) == 'V') {
    identity.firmware = FirmwareVersion{static_cast<std::uint8_t>(*ausbg & 0xFFU),
                                        static_cast<std::uint8_t>(*ausbe >> 8),
                                        static_cast<std::uint8_t>(*ausbe & 0xFFU)};
  }
}

void read_component_record(Bytes record, ModuleIdentity& identity) {
  ByteReader reader(record);
  const auto index = reader.read_u16_be();
  if (!index) {
    return;
  }
  const std::string_view text = trim_text(as_chars(reader.rest()));
  switch (*index) {
    case 1:
      identity.system_name = text;
      break;
    case 2:
      identity.module_name = text;
      break;
    case 3:
      identity.plant_id = text;
      break;
    case 4:
      identity.copyright = text;
      break;
    case 5:
      identity.serial = text;
      break;
    case 7:
      identity.type_name = text;
      break;
    default:
      break;
  }
}

}  // namespace

Result<TpktHeader> parse_tpkt_header(Bytes bytes) {
  ByteReader reader(bytes);
  WARDEN_ASSIGN_OR_RETURN(const std::uint8_t version, reader.read_u8());
  WARDEN_ASSIGN_OR_RETURN(const std::uint8_t reserved, reader.read_u8());
  WARDEN_ASSIGN_OR_RETURN(const std::uint16_t length, reader.read_u16_be());
  if (version != kTpktVersion || reserved != 0 || length < kMinTpktLength) {
    return fail(ParseErrorCode::Malformed, 0, "s7comm.bad_tpkt");
  }
  return TpktHeader{length};
}

Result<CotpPdu> parse_cotp(Bytes tpkt_payload) {
  ByteReader reader(tpkt_payload);
  WARDEN_ASSIGN_OR_RETURN(const std::uint8_t header_length, reader.read_u8());
  if (header_length < 2 || header_length > reader.remaining()) {
    return fail(ParseErrorCode::Malformed, 0, "s7comm.bad_cotp");
  }
  WARDEN_ASSIGN_OR_RETURN(const Bytes header, reader.read_bytes(header_length));
  CotpPdu pdu;
  pdu.code = header[0];
  const auto high = static_cast<std::uint8_t>(pdu.code & 0xF0U);
  if (high == static_cast<std::uint8_t>(CotpType::Data)) {
    pdu.type = CotpType::Data;
    pdu.last_data_unit = (header[1] & 0x80U) != 0;
    pdu.payload = reader.rest();
    return pdu;
  }
  if (high == static_cast<std::uint8_t>(CotpType::DisconnectRequest)) {
    pdu.type = CotpType::DisconnectRequest;
    return pdu;
  }
  if (high != static_cast<std::uint8_t>(CotpType::ConnectionRequest) &&
      high != static_cast<std::uint8_t>(CotpType::ConnectionConfirm)) {
    return pdu;  // another TPDU (ED, AK, ...): nothing to read
  }
  pdu.type = static_cast<CotpType>(high);
  ByteReader params(header.subspan(1));
  if (!params.skip(kCotpConnectFixed)) {
    return fail(ParseErrorCode::Malformed, 1, "s7comm.bad_cotp");
  }
  for (std::size_t param_idx = 0; param_idx < kMaxCotpParameters && !params.empty(); ++param_idx) {
    const auto code = params.read_u8();
    const auto length = params.read_u8();
    if (!code || !length) {
      return fail(ParseErrorCode::Malformed, 1, "s7comm.bad_cotp");
    }
    const auto value = params.read_bytes(*length);
    if (!value) {
      return fail(ParseErrorCode::Malformed, 1, "s7comm.bad_cotp");
    }
    if (*code == kCotpCallingTsap) {
      pdu.calling_tsap = *value;
    } else if (*code == kCotpCalledTsap) {
      pdu.called_tsap = *value;
    }
  }
  return pdu;
}

Result<S7Pdu> parse_s7_pdu(Bytes payload) {
  ByteReader reader(payload);
  WARDEN_ASSIGN_OR_RETURN(const std::uint8_t protocol_id, reader.read_u8());
  if (protocol_id != kProtocolIdS7) {
    return fail(ParseErrorCode::Malformed, 0, "s7comm.bad_header");
  }
  S7Pdu pdu;
  WARDEN_ASSIGN_OR_RETURN(pdu.rosctr, reader.read_u8());
  const std::size_t header_length = pdu.rosctr == static_cast<std::uint8_t>(Rosctr::Ack) ||
                                            pdu.rosctr == static_cast<std::uint8_t>(Rosctr::AckData)
                                        ? kS7AckHeaderLength
                                        : kS7HeaderLength;
  if (pdu.rosctr != static_cast<std::uint8_t>(Rosctr::Job) &&
      pdu.rosctr != static_cast<std::uint8_t>(Rosctr::Ack) &&
      pdu.rosctr != static_cast<std::uint8_t>(Rosctr::AckData) &&
      pdu.rosctr != static_cast<std::uint8_t>(Rosctr::Userdata)) {
    return fail(ParseErrorCode::Malformed, 1, "s7comm.bad_header");
  }
  if (payload.size() < header_length) {
    return fail(ParseErrorCode::Malformed, 0, "s7comm.bad_length");
  }
  WARDEN_ASSIGN_OR_RETURN(const std::uint16_t reserved, reader.read_u16_be());
  (void)reserved;
  WARDEN_ASSIGN_OR_RETURN(pdu.pdu_reference, reader.read_u16_be());
  WARDEN_ASSIGN_OR_RETURN(const std::uint16_t parameter_length, reader.read_u16_be());
  WARDEN_ASSIGN_OR_RETURN(const std::uint16_t data_length, reader.read_u16_be());
  if (header_length == kS7AckHeaderLength) {
    WARDEN_ASSIGN_OR_RETURN(pdu.error_class, reader.read_u8());
    WARDEN_ASSIGN_OR_RETURN(pdu.error_code, reader.read_u8());
  }
  if (std::size_t{parameter_length} + data_length > reader.remaining()) {
    return fail(ParseErrorCode::Malformed, static_cast<std::uint32_t>(reader.position()),
                "s7comm.bad_length");
  }
  WARDEN_ASSIGN_OR_RETURN(pdu.parameter, reader.read_bytes(parameter_length));
  WARDEN_ASSIGN_OR_RETURN(pdu.data, reader.read_bytes(data_length));
  return pdu;
}

Result<UserdataParameter> parse_userdata_parameter(Bytes parameter) {
  ByteReader reader(parameter);
  const auto head = reader.read_u24_be();
  const auto length = reader.read_u8();
  if (!head || !length || *head != 0x000112U || *length < 4 || *length > reader.remaining()) {
    return fail(ParseErrorCode::Malformed, 0, "s7comm.bad_userdata");
  }
  UserdataParameter out;
  WARDEN_ASSIGN_OR_RETURN(const std::uint8_t method, reader.read_u8());
  (void)method;
  WARDEN_ASSIGN_OR_RETURN(const std::uint8_t type_group, reader.read_u8());
  out.type = static_cast<std::uint8_t>(type_group >> 4);
  out.function_group = static_cast<std::uint8_t>(type_group & 0x0FU);
  WARDEN_ASSIGN_OR_RETURN(out.subfunction, reader.read_u8());
  WARDEN_ASSIGN_OR_RETURN(const std::uint8_t sequence, reader.read_u8());
  (void)sequence;
  if (*length >= 8) {
    WARDEN_ASSIGN_OR_RETURN(out.data_unit_reference, reader.read_u8());
    WARDEN_ASSIGN_OR_RETURN(const std::uint8_t last, reader.read_u8());
    out.last_data_unit = last == 0;
  }
  return out;
}

Result<UserdataData> parse_userdata_data(Bytes data) {
  ByteReader reader(data);
  UserdataData out;
  WARDEN_ASSIGN_OR_RETURN(out.return_code, reader.read_u8());
  WARDEN_ASSIGN_OR_RETURN(out.transport_size, reader.read_u8());
  WARDEN_ASSIGN_OR_RETURN(const std::uint16_t length, reader.read_u16_be());
  const std::size_t present = std::min<std::size_t>(length, reader.remaining());
  WARDEN_ASSIGN_OR_RETURN(out.value, reader.read_bytes(present));
  return out;
}

Result<Szl> parse_szl(Bytes value) {
  ByteReader reader(value);
  if (reader.remaining() < kSzlHeaderLength) {
    return fail(ParseErrorCode::Malformed, 0, "s7comm.bad_szl");
  }
  Szl szl;
  WARDEN_ASSIGN_OR_RETURN(szl.id, reader.read_u16_be());
  WARDEN_ASSIGN_OR_RETURN(szl.index, reader.read_u16_be());
  WARDEN_ASSIGN_OR_RETURN(szl.record_length, reader.read_u16_be());
  WARDEN_ASSIGN_OR_RETURN(szl.record_count, reader.read_u16_be());
  szl.records = reader.rest();
  return szl;
}

ModuleIdentity parse_identity(const Szl& szl) {
  ModuleIdentity identity;
  const auto list = static_cast<std::uint8_t>(szl.id & 0xFFU);
  std::size_t expected = 0;
  void (*read_record)(Bytes, ModuleIdentity&) = nullptr;
  if (list == 0x11) {
    expected = kIdentityRecordLength;
    read_record = read_module_record;
  } else if (list == 0x1C) {
    expected = kComponentRecordLength;
    read_record = read_component_record;
  } else {
    return identity;
  }
  if (szl.record_length < expected) {
    return identity;
  }
  ByteReader reader(szl.records);
  for (std::size_t record_idx = 0; record_idx < szl.record_count && record_idx < kMaxSzlRecords;
       ++record_idx) {
    const auto record = reader.read_bytes(szl.record_length);
    if (!record) {
      break;  // a truncated list: keep what was complete
    }
    read_record(record->first(expected), identity);
  }
  return identity;
}

std::string_view job_function_name(std::uint8_t function) {
  static constexpr std::array<std::pair<std::uint8_t, std::string_view>, 12> kNames = {{
      {0x00, "cpu-services"},
      {0x04, "read-var"},
      {0x05, "write-var"},
      {0x1A, "request-download"},
      {0x1B, "download-block"},
      {0x1C, "download-ended"},
      {0x1D, "start-upload"},
      {0x1E, "upload"},
      {0x1F, "end-upload"},
      {0x28, "plc-control"},
      {0x29, "plc-stop"},
      {0xF0, "setup-communication"},
  }};
  for (const auto& [code, name] : kNames) {
    if (code == function) {
      return name;
    }
  }
  return {};
}

std::string_view userdata_function_name(std::uint8_t function_group, std::uint8_t subfunction) {
  struct Entry {
    std::uint8_t group;
    std::uint8_t subfunction;
    std::string_view name;
  };
  static constexpr std::array<Entry, 8> kNames = {{
      {group::kBlock, 1, "list-blocks"},
      {group::kBlock, 2, "list-blocks-of-type"},
      {group::kBlock, 3, "get-block-info"},
      {group::kCpu, 1, "read-szl"},
      {group::kSecurity, 1, "plc-password"},
      {group::kTime, 1, "read-clock"},
      {group::kTime, 2, "set-clock"},
      {group::kTime, 4, "set-clock"},
  }};
  for (const Entry& entry : kNames) {
    if (entry.group == function_group && entry.subfunction == subfunction) {
      return entry.name;
    }
  }
  return {};
}

Result<std::string_view> parse_pi_service(Bytes parameter) {
  ByteReader reader(parameter);
  const auto function = reader.read_u8();
  if (!function) {
    return fail(ParseErrorCode::Malformed, 0, "s7comm.bad_pi_service");
  }
  if (*function == 0x28) {
    // Function, 7 unknown bytes (the last 0xFD), a length-prefixed parameter block.
    const auto fixed = reader.skip(7);
    const auto block_length = reader.read_u16_be();
    if (!fixed || !block_length || !reader.skip(*block_length)) {
      return fail(ParseErrorCode::Malformed, 0, "s7comm.bad_pi_service");
    }
  } else if (*function == 0x29) {
    if (!reader.skip(5)) {
      return fail(ParseErrorCode::Malformed, 0, "s7comm.bad_pi_service");
    }
  } else {
    return fail(ParseErrorCode::Malformed, 0, "s7comm.bad_pi_service");
  }
  const auto name_length = reader.read_u8();
  if (!name_length) {
    return fail(ParseErrorCode::Malformed, 0, "s7comm.bad_pi_service");
  }
  const auto name = reader.read_chars(*name_length);
  if (!name) {
    return fail(ParseErrorCode::Malformed, 0, "s7comm.bad_pi_service");
  }
  return *name;
}

}  // namespace warden::proto::s7comm
