// SPDX-License-Identifier: Apache-2.0
#include "protocols/ubnt/ubnt_parser.hpp"

namespace warden::proto::ubnt {
Result<Announcement> parse_announcement(Bytes datagram) {
  ByteReader reader(datagram);
  Announcement out;
  WARDEN_ASSIGN_OR_RETURN(out.version, reader.read_u8());
  WARDEN_ASSIGN_OR_RETURN(out.command, reader.read_u8());
  WARDEN_ASSIGN_OR_RETURN(const std::uint16_t length, reader.read_u16_be());
  if ((out.version != 1 && out.version != 2) || length > reader.remaining()) {
    return fail(ParseErrorCode::Malformed, 0, "ubnt.bad_header");
  }
  if (length == 0) {
    out.is_request = true;
    return out;
  }
  WARDEN_ASSIGN_OR_RETURN(const Bytes body, reader.read_bytes(length));
  ByteReader tlvs(body);
  for (std::size_t count = 0; tlvs.remaining() > 0; ++count) {
    if (count == kMaxTlvs) {
      return fail(ParseErrorCode::LimitExceeded, static_cast<std::uint32_t>(4 + tlvs.position()),
                  "ubnt.too_many_tlvs");
    }
    const auto type = tlvs.read_u8();
    const auto size = tlvs.read_u16_be();
    if (!type || !size || *size > tlvs.remaining()) {
      return fail(ParseErrorCode::Malformed, static_cast<std::uint32_t>(4 + tlvs.position()),
                  "ubnt.bad_tlv");
    }
    WARDEN_ASSIGN_OR_RETURN(const Bytes value, tlvs.read_bytes(*size));
    switch (*type) {
      case 0x03:
        out.firmware = as_chars(value);
        break;
      case 0x0B:
        out.hostname = as_chars(value);
        break;
      case 0x0C:
        out.platform = as_chars(value);
        break;
      case 0x0D:
        out.essid = as_chars(value);
        break;
      case 0x14:
      case 0x15:
        out.model = as_chars(value);
        break;
      case 0x16:
        out.version_id = as_chars(value);
        break;
      default:
        break;
    }
  }
  return out;
}

}  // namespace warden::proto::ubnt
