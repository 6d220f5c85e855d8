// SPDX-License-Identifier: Apache-2.0
#include "protocols/mqtt/mqtt_parser.hpp"

#include <algorithm>

namespace warden::proto::mqtt {
namespace {

/// Bytes of a variable byte integer (MQTT 5.0 §1.5.5).
constexpr int kMaxVarintBytes = 4;
constexpr std::uint8_t kFlagUsername = 0x80;
constexpr std::uint8_t kFlagPassword = 0x40;
constexpr std::uint8_t kFlagWill = 0x04;
constexpr std::uint8_t kFlagReserved = 0x01;
constexpr std::uint8_t kWillQosShift = 3;
constexpr std::uint8_t kQosMask = 0x03;

std::uint32_t offset_of(const ByteReader& reader) {
  return static_cast<std::uint32_t>(reader.position());
}

/// A variable byte integer. Incomplete when cut short, Malformed `name` beyond four bytes.
Result<std::uint32_t> read_varint(ByteReader& reader, const char* name) {
  std::uint32_t value = 0;
  for (int byte_idx = 0; byte_idx < kMaxVarintBytes; ++byte_idx) {
    WARDEN_ASSIGN_OR_RETURN(const std::uint8_t byte, reader.read_u8());
    value |= static_cast<std::uint32_t>(byte & 0x7FU) << (7 * byte_idx);
    if ((byte & 0x80U) == 0) {
      return value;
    }
  }
  return fail(ParseErrorCode::Malformed, offset_of(reader), name);
}

/// A UTF-8 string or binary data: two-byte length, then the bytes (MQTT 5.0 §1.5.4, §1.5.6).
/// Within a complete body a shortfall is Malformed `name`.
Result<std::string_view> read_string(ByteReader& reader, const char* name) {
  const auto length = reader.read_u16_be();
  if (!length) {
    return fail(ParseErrorCode::Malformed, offset_of(reader), name);
  }
  const auto text = reader.read_chars(*length);
  if (!text) {
    return fail(ParseErrorCode::Malformed, offset_of(reader), name);
  }
  return *text;
}

/// Skips an MQTT 5 property block: its length, then that many bytes (MQTT 5.0 §2.2.2).
Result<bool> skip_properties(ByteReader& reader) {
  const auto length = read_varint(reader, "mqtt.bad_properties");
  if (!length || !reader.skip(*length)) {
    return fail(ParseErrorCode::Malformed, offset_of(reader), "mqtt.bad_properties");
  }
  return true;
}

}  // namespace

std::string_view version_name(Version version) {
  switch (version) {
    case Version::V31:
      return "3.1";
    case Version::V311:
      return "3.1.1";
    case Version::V5:
      return "5";
  }
  return "";
}

Result<FixedHeader> parse_fixed_header(Bytes bytes) {
  ByteReader reader(bytes);
  WARDEN_ASSIGN_OR_RETURN(const std::uint8_t first, reader.read_u8());
  if ((first >> 4U) == 0) {
    return fail(ParseErrorCode::Malformed, 0, "mqtt.reserved_packet_type");
  }
  WARDEN_ASSIGN_OR_RETURN(const std::uint32_t length,
                          read_varint(reader, "mqtt.remaining_length_too_long"));
  return FixedHeader{static_cast<PacketType>(first >> 4U), static_cast<std::uint8_t>(first & 0x0FU),
                     length, static_cast<std::uint8_t>(reader.position())};
}

Result<Connect> parse_connect(Bytes body) {
  ByteReader reader(body);
  Connect connect;
  WARDEN_ASSIGN_OR_RETURN(connect.protocol_name, read_string(reader, "mqtt.bad_connect"));
  const auto level = reader.read_u8();
  const auto flags = reader.read_u8();
  const auto keep_alive = reader.read_u16_be();
  if (!level || !flags || !keep_alive) {
    return fail(ParseErrorCode::Malformed, offset_of(reader), "mqtt.bad_connect");
  }
  if (connect.protocol_name != "MQTT" && connect.protocol_name != "MQIsdp") {
    return fail(ParseErrorCode::Malformed, 0, "mqtt.bad_protocol_name");
  }
  if (*level < 3 || *level > 5) {
    return fail(ParseErrorCode::Unsupported, 6, "mqtt.unsupported_version");
  }
  connect.version = static_cast<Version>(*level);
  connect.flags = *flags;
  connect.keep_alive = *keep_alive;
  const bool will = (connect.flags & kFlagWill) != 0;
  if ((connect.flags & kFlagReserved) != 0 ||
      ((connect.flags >> kWillQosShift) & kQosMask) == kQosMask) {
    return fail(ParseErrorCode::Malformed, offset_of(reader), "mqtt.bad_connect_flags");
  }
  if (connect.version == Version::V5) {
    WARDEN_RETURN_IF_ERROR(skip_properties(reader));
  }
  WARDEN_ASSIGN_OR_RETURN(connect.client_id, read_string(reader, "mqtt.bad_connect"));
  if (will) {
    if (connect.version == Version::V5) {
      WARDEN_RETURN_IF_ERROR(skip_properties(reader));
    }
    WARDEN_ASSIGN_OR_RETURN(connect.will_topic, read_string(reader, "mqtt.bad_connect"));
    WARDEN_ASSIGN_OR_RETURN(const std::string_view will_message,
                            read_string(reader, "mqtt.bad_connect"));
    (void)will_message;
  }
  if ((connect.flags & kFlagUsername) != 0) {
    WARDEN_ASSIGN_OR_RETURN(connect.username, read_string(reader, "mqtt.bad_connect"));
  }
  if ((connect.flags & kFlagPassword) != 0) {
    WARDEN_ASSIGN_OR_RETURN(connect.password, read_string(reader, "mqtt.bad_connect"));
  }
  return connect;
}

Result<Connack> parse_connack(Bytes body) {
  ByteReader reader(body);
  const auto flags = reader.read_u8();
  const auto code = reader.read_u8();
  if (!flags || !code) {
    return fail(ParseErrorCode::Malformed, offset_of(reader), "mqtt.bad_connack");
  }
  // MQTT 5 properties may follow; nothing in them is reported.
  return Connack{(*flags & 0x01U) != 0, *code};
}

Result<std::string_view> parse_publish_topic(const FixedHeader& header, Bytes available) {
  if (((header.flags >> 1U) & kQosMask) == kQosMask) {
    return fail(ParseErrorCode::Malformed, 0, "mqtt.bad_qos");
  }
  available = available.first(std::min<std::size_t>(available.size(), header.remaining_length));
  const bool whole = available.size() == header.remaining_length;
  ByteReader reader(available);
  const auto topic = read_string(reader, "mqtt.bad_publish");
  if (!topic) {
    if (whole) {
      return topic;
    }
    return fail(ParseErrorCode::Incomplete, offset_of(reader), "mqtt.publish_incomplete");
  }
  return *topic;
}

Result<Subscribe> parse_subscribe(Bytes body, Version version) {
  ByteReader reader(body);
  Subscribe subscribe;
  const auto packet_id = reader.read_u16_be();
  if (!packet_id) {
    return fail(ParseErrorCode::Malformed, 0, "mqtt.bad_subscribe");
  }
  subscribe.packet_id = *packet_id;
  if (version == Version::V5) {
    WARDEN_RETURN_IF_ERROR(skip_properties(reader));
  }
  // Each filter is followed by one options byte (requested QoS in 3.x).
  for (std::size_t filter_idx = 0; !reader.empty(); ++filter_idx) {
    if (filter_idx == kMaxSubscribeTopics) {
      subscribe.truncated = true;
      break;
    }
    WARDEN_ASSIGN_OR_RETURN(const std::string_view filter,
                            read_string(reader, "mqtt.bad_subscribe"));
    if (!reader.read_u8()) {
      return fail(ParseErrorCode::Malformed, offset_of(reader), "mqtt.bad_subscribe");
    }
    subscribe.filters.at(subscribe.count++) = filter;
  }
  if (subscribe.count == 0) {
    return fail(ParseErrorCode::Malformed, offset_of(reader), "mqtt.bad_subscribe");
  }
  return subscribe;
}

bool looks_like_connect(Bytes payload) {
  const auto header = parse_fixed_header(payload);
  if (!header || header->type != PacketType::Connect || header->flags != 0) {
    return false;
  }
  ByteReader reader(payload.subspan(header->header_length));
  const auto name_length = reader.read_u16_be();
  if (!name_length || (*name_length != 4 && *name_length != 6)) {
    return false;
  }
  const auto name = reader.read_chars(*name_length);
  const auto level = reader.read_u8();
  if (!name || !level) {
    return false;
  }
  if (*name == "MQIsdp") {
    return *level == 3;
  }
  return *name == "MQTT" && *level >= 3 && *level <= 5;
}

}  // namespace warden::proto::mqtt
