// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/byte_reader.hpp"
#include "core/result.hpp"

namespace warden::proto::mqtt {

/// Most bytes of a fixed header: one type byte and a Remaining Length of at most four bytes
/// (MQTT 3.1.1 §2.2.3, MQTT 5.0 §1.5.5).
inline constexpr std::size_t kMaxFixedHeaderBytes = 5;
/// Most topic filters reported from one SUBSCRIBE; further ones are not looked at.
inline constexpr std::size_t kMaxSubscribeTopics = 16;

/// Control packet types, the high nibble of the first byte (MQTT 5.0 §2.1.2). 0 is reserved.
enum class PacketType : std::uint8_t {
  Connect = 1,
  Connack = 2,
  Publish = 3,
  Puback = 4,
  Pubrec = 5,
  Pubrel = 6,
  Pubcomp = 7,
  Subscribe = 8,
  Suback = 9,
  Unsubscribe = 10,
  Unsuback = 11,
  Pingreq = 12,
  Pingresp = 13,
  Disconnect = 14,
  Auth = 15,  ///< MQTT 5 only
};

/// Protocol level of the CONNECT (MQTT 3.1.1 §3.1.2.2): 3 is MQTT 3.1 ("MQIsdp"), 4 is 3.1.1, 5 is
/// MQTT 5.0.
enum class Version : std::uint8_t { V31 = 3, V311 = 4, V5 = 5 };

/// "3.1", "3.1.1" or "5".
[[nodiscard]] std::string_view version_name(Version version);

/// The fixed header of every control packet:
///
///   byte 0: packet type (bits 7-4) | flags (bits 3-0)
///   byte 1..4: Remaining Length, 7 bits per byte, least significant first, bit 7 = more follows
struct FixedHeader {
  PacketType type = PacketType::Connect;
  std::uint8_t flags = 0;              ///< low nibble of byte 0
  std::uint32_t remaining_length = 0;  ///< bytes after the fixed header
  std::uint8_t header_length = 0;      ///< bytes of the fixed header itself, 2..5

  /// Bytes of the whole packet.
  [[nodiscard]] std::size_t total_length() const {
    return std::size_t{header_length} + remaining_length;
  }
};

/// Parses the fixed header at the start of `bytes`. Incomplete while it is cut short; Malformed
/// "mqtt.reserved_packet_type" for type 0 and "mqtt.remaining_length_too_long" when a fifth length
/// byte would follow.
[[nodiscard]] Result<FixedHeader> parse_fixed_header(Bytes bytes);

/// A CONNECT (MQTT 3.1.1 §3.1, MQTT 5.0 §3.1). Views alias the packet body and are valid only
/// while it is. `password` exists only to be compared with the default lists and then dropped.
struct Connect {
  Version version = Version::V311;
  std::string_view protocol_name;  ///< "MQTT" or "MQIsdp"
  std::uint8_t flags = 0;          ///< connect flags byte
  std::uint16_t keep_alive = 0;    ///< seconds
  std::string_view client_id;      ///< may be empty (the broker assigns one)
  std::optional<std::string_view> will_topic;
  std::optional<std::string_view> username;
  std::optional<std::string_view> password;  ///< never store or report
};

/// Parses a CONNECT body (the Remaining Length bytes after the fixed header). Malformed
/// "mqtt.bad_protocol_name", "mqtt.bad_connect_flags", "mqtt.bad_properties" or
/// "mqtt.bad_connect"; Unsupported "mqtt.unsupported_version" for other protocol levels.
[[nodiscard]] Result<Connect> parse_connect(Bytes body);

/// A CONNACK (MQTT 3.1.1 §3.2, MQTT 5.0 §3.2).
struct Connack {
  bool session_present = false;
  std::uint8_t code = 0;  ///< 3.x return code or 5.0 reason code
  /// Whether the broker accepted the connection: code 0 (3.x) or a reason code below 0x80 (5.0).
  [[nodiscard]] bool accepted(Version version) const {
    return version == Version::V5 ? code < 0x80 : code == 0;
  }
};

/// Parses a CONNACK body. Malformed "mqtt.bad_connack" when it is shorter than two bytes.
[[nodiscard]] Result<Connack> parse_connack(Bytes body);

/// The topic name at the start of a PUBLISH body (MQTT 3.1.1 §3.3.2). `available` is the part of
/// the body present so far, at most `header.remaining_length` bytes: while the topic is cut short
/// and more body may follow the result is Incomplete, otherwise Malformed "mqtt.bad_publish".
/// Malformed "mqtt.bad_qos" for QoS 3. The topic may be empty (MQTT 5 topic aliases).
[[nodiscard]] Result<std::string_view> parse_publish_topic(const FixedHeader& header,
                                                           Bytes available);

/// The topic filters of a SUBSCRIBE (MQTT 3.1.1 §3.8, MQTT 5.0 §3.8), at most kMaxSubscribeTopics.
struct Subscribe {
  std::uint16_t packet_id = 0;
  std::array<std::string_view, kMaxSubscribeTopics> filters{};
  std::size_t count = 0;
  bool truncated = false;  ///< more filters followed than were kept
};

/// Parses a SUBSCRIBE body; `version` tells whether properties precede the filters. Malformed
/// "mqtt.bad_subscribe" or "mqtt.bad_properties".
[[nodiscard]] Result<Subscribe> parse_subscribe(Bytes body, Version version);

/// True when `payload` starts with a CONNECT whose protocol name is "MQTT" (levels 3-5) or
/// "MQIsdp" (level 3): enough to recognise MQTT on any port.
[[nodiscard]] bool looks_like_connect(Bytes payload);

}  // namespace warden::proto::mqtt
