// SPDX-License-Identifier: Apache-2.0
#include "protocols/dhcpv6/dhcpv6_parser.hpp"

namespace warden::proto::dhcpv6 {

namespace {

/// Options read per options area; each takes at least four bytes.
constexpr std::size_t kMaxOptions = 256;
/// Length-prefixed instances read from one vendor or user class option.
constexpr std::size_t kMaxClassInstances = 64;
constexpr std::size_t kRelayHeaderSize = 1 + 16 + 16;  // hop-count, link-address, peer-address
constexpr std::size_t kIaNaHeaderSize = 12;            // IAID, T1, T2
constexpr std::size_t kIaAddressSize = 24;             // address, preferred and valid lifetimes

constexpr std::uint16_t kOptClientId = 1;
constexpr std::uint16_t kOptServerId = 2;
constexpr std::uint16_t kOptIaNa = 3;
constexpr std::uint16_t kOptIaAddress = 5;
constexpr std::uint16_t kOptOro = 6;
constexpr std::uint16_t kOptRelayMessage = 9;
constexpr std::uint16_t kOptUserClass = 15;
constexpr std::uint16_t kOptVendorClass = 16;
constexpr std::uint16_t kOptClientFqdn = 39;

constexpr std::uint16_t kDuidLlt = 1;
constexpr std::uint16_t kDuidLl = 3;
constexpr std::uint16_t kHardwareEthernet = 1;

/// Calls `on_option(code, data)` for each option (RFC 8415 §21.1) in `area`. Returns an anomaly
/// name when the area is cut short or holds more than kMaxOptions options, else null.
template <typename OnOption>
const char* for_each_option(Bytes area, OnOption&& on_option) {
  ByteReader reader(area);
  for (std::size_t option_idx = 0; option_idx < kMaxOptions; ++option_idx) {
    if (reader.empty()) {
      return nullptr;
    }
    const auto code = reader.read_u16_be();
    const auto length = reader.read_u16_be();
    if (!code || !length || reader.remaining() < *length) {
      return "dhcpv6.option_overflow";
    }
    on_option(*code, *reader.read_bytes(*length));
  }
  return "dhcpv6.too_many_options";
}

std::uint32_t u32_at(Bytes data, std::size_t at) {
  return (std::uint32_t{data[at]} << 24) | (std::uint32_t{data[at + 1]} << 16) |
         (std::uint32_t{data[at + 2]} << 8) | data[at + 3];
}

/// IA_NA (RFC 8415 §21.4): IAID, T1, T2, then options; keeps its IA Address options.
const char* parse_ia_na(Bytes data, Message& msg) {
  if (data.size() < kIaNaHeaderSize) {
    return "dhcpv6.bad_option_length";
  }
  const char* anomaly = nullptr;
  const char* walk =
      for_each_option(data.subspan(kIaNaHeaderSize), [&](std::uint16_t code, Bytes option) {
        if (code != kOptIaAddress) {
          return;
        }
        if (option.size() < kIaAddressSize) {
          anomaly = "dhcpv6.bad_option_length";
        } else if (msg.ia_address_count < kMaxIaAddresses) {
          msg.ia_addresses[msg.ia_address_count++] =
              IaAddress{IpAddress::v6(option), u32_at(option, 16), u32_at(option, 20)};
        }
      });
  return walk != nullptr ? walk : anomaly;
}

/// Stores one option of a client/server message; returns an anomaly name when it is malformed.
const char* apply_option(std::uint16_t code, Bytes data, Message& msg) {
  switch (code) {
    case kOptClientId:
      msg.client_id = data;
      msg.client_duid_mac = duid_mac(data);
      break;
    case kOptServerId:
      msg.server_id = data;
      break;
    case kOptIaNa:
      return parse_ia_na(data, msg);
    case kOptOro:
      msg.oro = data;
      break;
    case kOptUserClass:
      msg.user_class = data;
      break;
    case kOptVendorClass:
      if (data.size() < 4) {
        return "dhcpv6.bad_option_length";
      }
      msg.vendor_class = VendorClass{u32_at(data, 0), data.subspan(4)};
      break;
    case kOptClientFqdn:
      if (data.empty()) {
        return "dhcpv6.bad_option_length";
      }
      msg.client_fqdn = ClientFqdn{data[0], data.subspan(1)};
      break;
    default:
      break;
  }
  return nullptr;
}

/// Appends the (u16 length, opaque) instances of `data` to `out`, joined with ','. Returns false
/// when they do not exactly fill `data`.
bool append_instances(Bytes data, std::string& out) {
  ByteReader reader(data);
  for (std::size_t instance_idx = 0; instance_idx < kMaxClassInstances && !reader.empty();
       ++instance_idx) {
    const auto length = reader.read_u16_be();
    if (!length || reader.remaining() < *length) {
      return false;
    }
    if (instance_idx > 0) {
      out += ',';
    }
    out += as_chars(*reader.read_bytes(*length));
  }
  return true;
}

}  // namespace

std::string_view message_type_name(std::uint8_t type) {
  static constexpr std::array<std::string_view, 14> kNames = {
      "UNKNOWN",    "SOLICIT",   "ADVERTISE", "REQUEST", "CONFIRM",     "RENEW",
      "REBIND",     "REPLY",     "RELEASE",   "DECLINE", "RECONFIGURE", "INFORMATION-REQUEST",
      "RELAY-FORW", "RELAY-REPL"};
  return type < kNames.size() ? kNames[type] : kNames[0];
}

std::optional<MacAddress> duid_mac(Bytes duid) {
  ByteReader reader(duid);
  const auto type = reader.read_u16_be();
  const auto hardware = reader.read_u16_be();
  if (!type || !hardware || *hardware != kHardwareEthernet) {
    return std::nullopt;
  }
  if (*type == kDuidLlt) {
    (void)reader.skip(4);  // time
  } else if (*type != kDuidLl) {
    return std::nullopt;
  }
  if (reader.remaining() != 6) {
    return std::nullopt;
  }
  return MacAddress::from_bytes(reader.rest());
}

Result<Message> parse_message(Bytes payload) {
  Message msg;
  Bytes current = payload;
  for (std::size_t depth = 0; depth <= kMaxRelayDepth; ++depth) {
    ByteReader reader(current);
    const auto type = reader.read_u8();
    if (!type) {
      return fail(ParseErrorCode::Incomplete, 0, "dhcpv6.truncated");
    }
    if (*type != static_cast<std::uint8_t>(MessageType::RelayForw) &&
        *type != static_cast<std::uint8_t>(MessageType::RelayRepl)) {
      const auto transaction_id = reader.read_u24_be();
      if (!transaction_id) {
        return tl::unexpected(reader.error(ParseErrorCode::Incomplete, "dhcpv6.truncated"));
      }
      msg.msg_type = *type;
      msg.transaction_id = *transaction_id;
      msg.relay_depth = depth;
      const char* walk = for_each_option(reader.rest(), [&](std::uint16_t code, Bytes data) {
        ++msg.option_count;
        if (const char* anomaly = apply_option(code, data, msg)) {
          msg.options_anomaly = anomaly;
        }
      });
      if (walk != nullptr) {
        msg.options_anomaly = walk;
      }
      return msg;
    }
    // Relay-forw / relay-repl (RFC 8415 §9): the inner message travels in option 9.
    if (reader.remaining() < kRelayHeaderSize) {
      return tl::unexpected(reader.error(ParseErrorCode::Incomplete, "dhcpv6.truncated"));
    }
    (void)reader.skip(1);  // hop-count
    msg.relay_link = IpAddress::v6(*reader.read_bytes(16));
    msg.relay_peer = IpAddress::v6(*reader.read_bytes(16));
    std::optional<Bytes> inner;
    const char* anomaly = for_each_option(reader.rest(), [&](std::uint16_t code, Bytes data) {
      if (code == kOptRelayMessage && !inner) {
        inner = data;
      }
    });
    if (!inner) {
      return tl::unexpected(
          reader.error(ParseErrorCode::Malformed,
                       anomaly != nullptr ? anomaly : "dhcpv6.relay_without_message"));
    }
    current = *inner;
  }
  return fail(ParseErrorCode::LimitExceeded, 0, "dhcpv6.relay_too_deep");
}

std::string render_oro(Bytes oro) {
  std::string out;
  out.reserve(oro.size() * 3);
  ByteReader reader(oro);
  for (std::size_t code_idx = 0; code_idx < kMaxOptions && reader.remaining() >= 2; ++code_idx) {
    if (code_idx > 0) {
      out += ',';
    }
    out += std::to_string(*reader.read_u16_be());
  }
  return out;
}

std::string render_vendor_class(const VendorClass& vendor_class) {
  std::string out = "enterprise:" + std::to_string(vendor_class.enterprise);
  if (vendor_class.data.empty()) {
    return out;
  }
  out += ' ';
  const std::size_t prefix = out.size();
  if (!append_instances(vendor_class.data, out)) {
    out.resize(prefix);
    out += as_chars(vendor_class.data);
  }
  return out;
}

std::string render_user_class(Bytes user_class) {
  std::string out;
  if (!append_instances(user_class, out)) {
    return std::string(as_chars(user_class));
  }
  return out;
}

}  // namespace warden::proto::dhcpv6
