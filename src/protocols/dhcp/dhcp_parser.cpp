// SPDX-License-Identifier: Apache-2.0
#include "protocols/dhcp/dhcp_parser.hpp"

#include <array>

namespace warden::proto::dhcp {

namespace {

constexpr std::size_t kChaddrSize = 16;
constexpr std::size_t kSnameSize = 64;
constexpr std::size_t kFileSize = 128;
constexpr std::uint32_t kMagicCookie = 0x63825363;
/// Option entries read per message, pads included; real clients send a few dozen.
constexpr std::size_t kMaxOptions = 1024;
/// RFC 1035 §2.3.4: 255 octets on the wire, so at most 127 labels.
constexpr std::size_t kMaxNameLength = 255;
constexpr std::size_t kMaxLabels = 128;
constexpr std::size_t kMaxLabelLength = 63;
/// RFC 3004 instances take at least two bytes of a 255-byte option.
constexpr std::size_t kMaxUserClasses = 128;

constexpr std::uint8_t kOptPad = 0;
constexpr std::uint8_t kOptHostname = 12;
constexpr std::uint8_t kOptRequestedIp = 50;
constexpr std::uint8_t kOptOverload = 52;
constexpr std::uint8_t kOptMessageType = 53;
constexpr std::uint8_t kOptServerId = 54;
constexpr std::uint8_t kOptParameterList = 55;
constexpr std::uint8_t kOptMaxMessageSize = 57;
constexpr std::uint8_t kOptVendorClass = 60;
constexpr std::uint8_t kOptClientId = 61;
constexpr std::uint8_t kOptUserClass = 77;
constexpr std::uint8_t kOptClientFqdn = 81;
constexpr std::uint8_t kOptEnd = 255;

std::string_view without_trailing_nuls(Bytes data) {
  std::string_view text = as_chars(data);
  const std::size_t last = text.find_last_not_of('\0');
  return last == std::string_view::npos ? std::string_view{} : text.substr(0, last + 1);
}

/// Stores one option's data in `msg`; returns an anomaly name when its length is wrong.
const char* apply_option(std::uint8_t code, Bytes data, Message& msg) {
  switch (code) {
    case kOptHostname:
      msg.hostname = without_trailing_nuls(data);
      break;
    case kOptParameterList:
      msg.parameter_request_list = data;
      break;
    case kOptVendorClass:
      msg.vendor_class = without_trailing_nuls(data);
      break;
    case kOptClientId:
      msg.client_id = data;
      break;
    case kOptUserClass:
      msg.user_class = data;
      break;
    case kOptMessageType:
    case kOptOverload:
      if (data.size() != 1) {
        return "dhcp.bad_option_length";
      }
      (code == kOptMessageType ? msg.message_type : msg.overload) = data[0];
      break;
    case kOptRequestedIp:
    case kOptServerId:
      if (data.size() != 4) {
        return "dhcp.bad_option_length";
      }
      (code == kOptRequestedIp ? msg.requested_ip : msg.server_id) = IpAddress::v4(data);
      break;
    case kOptMaxMessageSize:
      if (data.size() != 2) {
        return "dhcp.bad_option_length";
      }
      msg.max_message_size = static_cast<std::uint16_t>((data[0] << 8) | data[1]);
      break;
    case kOptClientFqdn:
      if (data.size() < 3) {
        return "dhcp.bad_option_length";
      }
      msg.client_fqdn = ClientFqdn{data[0], data[1], data[2], data.subspan(3)};
      break;
    default:
      break;
  }
  return nullptr;
}

/// Reads the options area (RFC 2132 §2) up to the end option, the end of data or kMaxOptions.
void parse_options(ByteReader& reader, Message& msg) {
  for (std::size_t option_idx = 0; option_idx < kMaxOptions; ++option_idx) {
    if (reader.empty()) {
      return;
    }
    const std::uint8_t code = *reader.read_u8();
    if (code == kOptEnd) {
      return;
    }
    if (code == kOptPad) {
      continue;
    }
    const auto length = reader.read_u8();
    if (!length || reader.remaining() < *length) {
      msg.options_anomaly = "dhcp.option_overflow";
      return;
    }
    ++msg.option_count;
    if (const char* anomaly = apply_option(code, *reader.read_bytes(*length), msg)) {
      msg.options_anomaly = anomaly;
    }
  }
  msg.options_anomaly = "dhcp.too_many_options";
}

IpAddress read_ipv4(ByteReader& reader) {
  return IpAddress::v4(*reader.read_bytes(4));
}

}  // namespace

std::string_view message_type_name(std::uint8_t type) {
  static constexpr std::array<std::string_view, 9> kNames = {
      "UNKNOWN", "DISCOVER", "OFFER", "REQUEST", "DECLINE", "ACK", "NAK", "RELEASE", "INFORM"};
  return type < kNames.size() ? kNames[type] : kNames[0];
}

std::optional<MacAddress> Message::client_mac() const {
  if (htype != 1 || hlen != 6) {
    return std::nullopt;
  }
  return MacAddress::from_bytes(chaddr);
}

Result<Message> parse_message(Bytes payload) {
  constexpr std::size_t kFixedSize = 28 + kChaddrSize + kSnameSize + kFileSize;
  if (payload.size() < kFixedSize) {
    return fail(ParseErrorCode::Incomplete, static_cast<std::uint32_t>(payload.size()),
                "dhcp.truncated");
  }
  // Every read below is within the kFixedSize bytes checked above.
  ByteReader reader(payload);
  Message msg;
  msg.op = *reader.read_u8();
  if (msg.op != kBootRequest && msg.op != kBootReply) {
    return fail(ParseErrorCode::Malformed, 0, "dhcp.bad_op");
  }
  msg.htype = *reader.read_u8();
  msg.hlen = *reader.read_u8();
  msg.hops = *reader.read_u8();
  msg.xid = *reader.read_u32_be();
  msg.secs = *reader.read_u16_be();
  msg.flags = *reader.read_u16_be();
  msg.ciaddr = read_ipv4(reader);
  msg.yiaddr = read_ipv4(reader);
  msg.siaddr = read_ipv4(reader);
  msg.giaddr = read_ipv4(reader);
  msg.chaddr = *reader.read_bytes(kChaddrSize);
  (void)reader.skip(kSnameSize + kFileSize);

  const auto cookie = reader.read_u32_be();
  if (!cookie) {
    return msg;  // BOOTP with a short vendor area
  }
  if (*cookie != kMagicCookie) {
    // An all-zero vendor area is plain BOOTP; anything else is a broken DHCP message.
    if (*cookie != 0) {
      msg.options_anomaly = "dhcp.bad_magic_cookie";
    }
    return msg;
  }
  msg.has_magic_cookie = true;
  parse_options(reader, msg);
  return msg;
}

std::string render_fingerprint(Bytes parameter_request_list) {
  std::string out;
  out.reserve(parameter_request_list.size() * 4);
  for (const std::uint8_t code : parameter_request_list) {
    if (!out.empty()) {
      out += ',';
    }
    out += std::to_string(code);
  }
  return out;
}

std::string render_user_class(Bytes user_class) {
  // RFC 3004 §4: one or more (length, data) instances that exactly fill the option.
  std::string out;
  ByteReader reader(user_class);
  for (std::size_t instance_idx = 0; instance_idx < kMaxUserClasses && !reader.empty();
       ++instance_idx) {
    const std::uint8_t length = *reader.read_u8();
    const auto data = reader.read_bytes(length);
    if (length == 0 || !data) {
      return std::string(as_chars(user_class));
    }
    if (!out.empty()) {
      out += ',';
    }
    out += as_chars(*data);
  }
  return out;
}

Result<std::string> decode_wire_name(Bytes wire) {
  std::string out;
  ByteReader reader(wire);
  for (std::size_t label_idx = 0; label_idx < kMaxLabels && !reader.empty(); ++label_idx) {
    WARDEN_ASSIGN_OR_RETURN(const std::uint8_t length, reader.read_u8());
    if (length == 0) {
      return out;
    }
    if (length > kMaxLabelLength) {
      // RFC 4702 §2.3.1 and RFC 8415 §10 forbid compression here.
      return tl::unexpected(reader.error(ParseErrorCode::Malformed, "dhcp.name_compressed"));
    }
    if (reader.remaining() < length) {
      return tl::unexpected(reader.error(ParseErrorCode::Incomplete, "dhcp.name_truncated"));
    }
    const std::string_view label = *reader.read_chars(length);
    if (out.size() + label.size() + 1 > kMaxNameLength) {
      return tl::unexpected(reader.error(ParseErrorCode::LimitExceeded, "dhcp.name_too_long"));
    }
    if (!out.empty()) {
      out += '.';
    }
    out += label;
  }
  return out;  // a partial name, without the root label
}

Result<std::string> fqdn_text(const ClientFqdn& fqdn) {
  if (fqdn.is_wire_encoded()) {
    return decode_wire_name(fqdn.name);
  }
  std::string_view text = without_trailing_nuls(fqdn.name);
  if (!text.empty() && text.back() == '.') {
    text.remove_suffix(1);
  }
  return std::string(text);
}

}  // namespace warden::proto::dhcp
