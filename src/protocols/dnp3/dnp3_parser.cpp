// SPDX-License-Identifier: Apache-2.0
#include "protocols/dnp3/dnp3_parser.hpp"

#include <algorithm>

namespace warden::proto::dnp3 {
namespace {

constexpr std::uint8_t kStart0 = 0x05;
constexpr std::uint8_t kStart1 = 0x64;
constexpr std::uint16_t kCrcPolynomial = 0xA6BC;  // 0x3D65 bit-reversed

constexpr std::array<std::uint16_t, 256> make_crc_table() {
  std::array<std::uint16_t, 256> table{};
  for (std::size_t byte = 0; byte < table.size(); ++byte) {
    auto crc = static_cast<std::uint16_t>(byte);
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 1U) != 0 ? static_cast<std::uint16_t>((crc >> 1) ^ kCrcPolynomial)
                            : static_cast<std::uint16_t>(crc >> 1);
    }
    table.at(byte) = crc;
  }
  return table;
}
constexpr std::array<std::uint16_t, 256> kCrcTable = make_crc_table();

/// Reads a little-endian CRC and compares it with the one computed over `covered`.
bool crc_matches(Bytes covered, ByteReader& reader) {
  const auto stored = reader.read_u16_le();
  return stored && *stored == crc16_dnp(covered);
}

constexpr std::array<std::string_view, 34> kRequestNames = {
    "confirm",
    "read",
    "write",
    "select",
    "operate",
    "direct-operate",
    "direct-operate-nr",
    "immed-freeze",
    "immed-freeze-nr",
    "freeze-clear",
    "freeze-clear-nr",
    "freeze-at-time",
    "freeze-at-time-nr",
    "cold-restart",
    "warm-restart",
    "initialize-data",
    "initialize-appl",
    "start-appl",
    "stop-appl",
    "save-config",
    "enable-unsolicited",
    "disable-unsolicited",
    "assign-class",
    "delay-measure",
    "record-current-time",
    "open-file",
    "close-file",
    "delete-file",
    "get-file-info",
    "authenticate-file",
    "abort-file",
    "activate-config",
    "authenticate-req",
    "auth-req-no-ack",
};

}  // namespace

std::uint16_t crc16_dnp(Bytes bytes) {
  std::uint16_t crc = 0;
  for (const std::uint8_t byte : bytes) {
    crc = static_cast<std::uint16_t>((crc >> 8) ^ kCrcTable.at((crc ^ byte) & 0xFFU));
  }
  return static_cast<std::uint16_t>(~crc);
}

Result<std::size_t> frame_length(Bytes bytes) {
  ByteReader reader(bytes);
  WARDEN_ASSIGN_OR_RETURN(const std::uint8_t start0, reader.read_u8());
  if (start0 != kStart0) {
    return fail(ParseErrorCode::Malformed, 0, "dnp3.bad_start");
  }
  WARDEN_ASSIGN_OR_RETURN(const std::uint8_t start1, reader.read_u8());
  if (start1 != kStart1) {
    return fail(ParseErrorCode::Malformed, 1, "dnp3.bad_start");
  }
  WARDEN_ASSIGN_OR_RETURN(const std::uint8_t length, reader.read_u8());
  if (length < kMinLengthField) {
    return fail(ParseErrorCode::Malformed, 2, "dnp3.bad_length");
  }
  const std::size_t data = length - kMinLengthField;
  return kLinkHeaderLength + data + kCrcLength * ((data + kBlockLength - 1) / kBlockLength);
}

Result<LinkFrame> parse_link_frame(Bytes frame) {
  WARDEN_ASSIGN_OR_RETURN(const std::size_t total, frame_length(frame));
  if (frame.size() < total) {
    return fail(ParseErrorCode::Incomplete, 0, "dnp3.truncated_frame");
  }
  ByteReader reader(frame.first(total));
  WARDEN_ASSIGN_OR_RETURN(const Bytes covered, reader.read_bytes(kLinkHeaderLength - kCrcLength));
  if (!crc_matches(covered, reader)) {
    return fail(ParseErrorCode::Malformed, kHeaderCrcOffset, "dnp3.bad_crc");
  }
  LinkFrame out;
  out.control = covered[3];
  out.destination = static_cast<std::uint16_t>(covered[4] | (covered[5] << 8));
  out.source = static_cast<std::uint16_t>(covered[6] | (covered[7] << 8));
  std::size_t left = covered[2] - kMinLengthField;
  // At most ceil(250 / 16) = 16 blocks, bounded by the length byte.
  for (std::size_t block_idx = 0; left > 0 && block_idx < kMaxUserData / kBlockLength + 1;
       ++block_idx) {
    const std::size_t take = std::min(left, kBlockLength);
    WARDEN_ASSIGN_OR_RETURN(const Bytes block, reader.read_bytes(take));
    if (!crc_matches(block, reader)) {
      return fail(ParseErrorCode::Malformed, static_cast<std::uint32_t>(reader.position()),
                  "dnp3.bad_crc");
    }
    std::copy(block.begin(), block.end(),
              out.user_data_storage.begin() + static_cast<std::ptrdiff_t>(out.user_data_length));
    out.user_data_length += take;
    left -= take;
  }
  return out;
}

Result<ApplicationHeader> parse_application(Bytes user_data) {
  ByteReader reader(user_data);
  ApplicationHeader out;
  WARDEN_ASSIGN_OR_RETURN(const std::uint8_t transport, reader.read_u8());
  out.final_segment = (transport & 0x80U) != 0;
  out.first_segment = (transport & 0x40U) != 0;
  out.transport_sequence = static_cast<std::uint8_t>(transport & 0x3FU);
  if (!out.first_segment) {
    return out;
  }
  const auto control = reader.read_u8();
  const auto code = reader.read_u8();
  if (!control || !code) {
    return fail(ParseErrorCode::Malformed, 1, "dnp3.truncated_application");
  }
  out.application_control = *control;
  out.function = *code;
  if (out.function >= function::kResponse && !reader.skip(2)) {
    return fail(ParseErrorCode::Malformed, 3, "dnp3.truncated_application");  // IIN missing
  }
  if (const auto group = reader.read_u8()) {
    out.first_object_group = *group;
  }
  return out;
}

std::string_view function_name(std::uint8_t function) {
  if (function < kRequestNames.size()) {
    return kRequestNames.at(function);
  }
  switch (function) {
    case function::kResponse:
      return "response";
    case function::kUnsolicitedResponse:
      return "unsolicited-response";
    case function::kAuthenticateResponse:
      return "authenticate-resp";
    default:
      return {};
  }
}

bool is_control_function(std::uint8_t function) {
  switch (function) {
    case 2:   // WRITE
    case 3:   // SELECT
    case 4:   // OPERATE
    case 5:   // DIRECT_OPERATE
    case 6:   // DIRECT_OPERATE_NR
    case 13:  // COLD_RESTART
    case 14:  // WARM_RESTART
    case 15:  // INITIALIZE_DATA
    case 16:  // INITIALIZE_APPL
    case 17:  // START_APPL
    case 18:  // STOP_APPL
    case 19:  // SAVE_CONFIG
    case 25:  // OPEN_FILE
    case 27:  // DELETE_FILE
    case 31:  // ACTIVATE_CONFIG
      return true;
    default:
      return false;
  }
}

bool is_authentication_function(std::uint8_t function) {
  return function == function::kAuthenticateRequest || function == function::kAuthRequestNoAck ||
         function == function::kAuthenticateResponse;
}

}  // namespace warden::proto::dnp3
