// SPDX-License-Identifier: Apache-2.0
#include "protocols/modbus/modbus_parser.hpp"

namespace warden::proto::modbus {

Result<Adu> parse_adu(Bytes bytes) {
  ByteReader reader(bytes);
  Mbap header{};
  WARDEN_ASSIGN_OR_RETURN(header.transaction_id, reader.read_u16_be());
  WARDEN_ASSIGN_OR_RETURN(header.protocol_id, reader.read_u16_be());
  if (header.protocol_id != 0) {
    return fail(ParseErrorCode::Malformed, 2, "modbus.bad_protocol_id");
  }
  WARDEN_ASSIGN_OR_RETURN(header.length, reader.read_u16_be());
  // The length counts the unit id and at least a function code.
  if (header.length < 2 || header.length > kMaxAcceptedLength) {
    return fail(ParseErrorCode::Malformed, 4, "modbus.bad_length");
  }
  WARDEN_ASSIGN_OR_RETURN(header.unit_id, reader.read_u8());
  WARDEN_ASSIGN_OR_RETURN(const std::uint8_t function, reader.read_u8());
  WARDEN_ASSIGN_OR_RETURN(const Bytes data, reader.read_bytes(header.length - 2U));
  return Adu{header, function, data};
}

std::string_view function_name(std::uint8_t function) {
  switch (function) {
    case 1:
      return "read-coils";
    case 2:
      return "read-discrete-inputs";
    case 3:
      return "read-holding-registers";
    case 4:
      return "read-input-registers";
    case 5:
      return "write-single-coil";
    case 6:
      return "write-single-register";
    case 7:
      return "read-exception-status";
    case function::kDiagnostics:
      return "diagnostics";
    case 11:
      return "get-comm-event-counter";
    case 12:
      return "get-comm-event-log";
    case 15:
      return "write-multiple-coils";
    case 16:
      return "write-multiple-registers";
    case 17:
      return "report-server-id";
    case 20:
      return "read-file-record";
    case 21:
      return "write-file-record";
    case 22:
      return "mask-write-register";
    case 23:
      return "read-write-multiple-registers";
    case 24:
      return "read-fifo-queue";
    case function::kEncapsulatedInterface:
      return "encapsulated-interface-transport";
    case function::kUmas:
      return "umas";
    default:
      return {};
  }
}

bool is_write_function(std::uint8_t function) {
  switch (function) {
    case 5:
    case 6:
    case 15:
    case 16:
    case 21:
    case 22:
    case 23:
      return true;
    default:
      return false;
  }
}

// UMAS function codes as documented by public reverse engineering of Schneider Unity (there is
// no published specification).
std::string_view umas_function_name(std::uint8_t umas_function) {
  switch (umas_function) {
    case 0x01:
      return "init-comm";
    case 0x02:
      return "read-id";
    case 0x03:
      return "read-project-info";
    case 0x04:
      return "read-plc-info";
    case 0x06:
      return "read-card-info";
    case 0x0A:
      return "repeat";
    case 0x10:
      return "take-plc-reservation";
    case 0x11:
      return "release-plc-reservation";
    case 0x12:
      return "keep-alive";
    case 0x20:
      return "read-memory-block";
    case 0x22:
      return "read-variables";
    case 0x23:
      return "write-variables";
    case 0x24:
      return "read-coils-registers";
    case 0x25:
      return "write-coils-registers";
    case 0x30:
      return "initialize-upload";
    case 0x31:
      return "upload-block";
    case 0x32:
      return "end-strategy-upload";
    case 0x33:
      return "initialize-download";
    case 0x34:
      return "download-block";
    case 0x35:
      return "end-strategy-download";
    case 0x39:
      return "read-eth-master-data";
    case 0x40:
      return "start-plc";
    case 0x41:
      return "stop-plc";
    case 0x50:
      return "monitor-plc";
    case 0x58:
      return "check-plc";
    case 0x70:
      return "read-io-object";
    case 0x71:
      return "write-io-object";
    case 0x73:
      return "get-status-module";
    default:
      return {};
  }
}

bool is_umas_control(std::uint8_t umas_function) {
  switch (umas_function) {
    case 0x23:  // write variables
    case 0x25:  // write coils and registers
    case 0x30:  // strategy (program) transfer into the PLC
    case 0x31:
    case 0x32:
    case 0x40:  // start
    case 0x41:  // stop
    case 0x71:  // write IO object
      return true;
    default:
      return false;
  }
}

Result<DeviceIdentification> parse_device_identification(Bytes data) {
  constexpr const char* kBad = "modbus.bad_device_identification";
  ByteReader reader(data);
  const auto bad = [&reader] {
    return tl::unexpected(reader.error(ParseErrorCode::Malformed, kBad));
  };
  const auto mei = reader.read_u8();
  if (!mei || *mei != kMeiReadDeviceId) {
    return bad();
  }
  DeviceIdentification out{};
  // Read code, conformity level, more follows, next object id, number of objects.
  const auto fixed = reader.read_bytes(5);
  if (!fixed) {
    return bad();
  }
  out.read_code = (*fixed)[0];
  out.conformity_level = (*fixed)[1];
  out.more_follows = (*fixed)[2] != 0;
  out.next_object_id = (*fixed)[3];
  const std::uint8_t count = (*fixed)[4];
  // `count` is at most 255 and every object takes at least two bytes of a bounded PDU.
  for (std::size_t object_idx = 0; object_idx < count; ++object_idx) {
    const auto id = reader.read_u8();
    const auto length = reader.read_u8();
    if (!id || !length) {
      return bad();
    }
    const auto value = reader.read_chars(*length);
    if (!value) {
      return bad();
    }
    if (out.object_count < kMaxDeviceIdObjects) {
      out.objects.at(out.object_count++) = DeviceIdObject{*id, *value};
    }
  }
  return out;
}

}  // namespace warden::proto::modbus
