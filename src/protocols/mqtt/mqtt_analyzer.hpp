// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "protocols/analyzer.hpp"
#include "protocols/mqtt/mqtt_parser.hpp"

namespace warden::proto::mqtt {

/// Most packets handled per on_data call; the rest wait for the next call.
inline constexpr std::size_t kMaxPacketsPerCall = 64;
/// Largest packet other than PUBLISH that is buffered to be read; larger ones are skipped unseen
/// with the anomaly "mqtt.packet_too_large". A PUBLISH is never buffered beyond its topic.
inline constexpr std::size_t kMaxBufferedPacketBytes = std::size_t{32} * 1024;
/// Longest user name remembered between a CONNECT and its CONNACK.
inline constexpr std::size_t kMaxUsernameBytes = 256;

/// Follows the MQTT 3.1, 3.1.1 and 5.0 control packets of one TCP flow, with protocol "mqtt".
///
/// About the sender of each packet (which side that is follows from the packet type):
/// - CONNECT (client): MqttVersion ("3.1", "3.1.1", "5"), MqttClientId, MqttUsername (each once
///   per flow) and MqttTopic "will <topic>". When a user name and a password
///   were both sent, CleartextCredential "mqtt user=<name>" about the receiver (the broker), and
///   DefaultCredential "mqtt user=<name> list=<mirai|vendor>" about it when the pair is on a
///   default list. The password itself is compared and forgotten, never reported.
/// - CONNACK (broker): LoginAttempt "mqtt user=<name or (none)> result=<success|failure>" when
///   the CONNECT of the flow was seen.
/// - PUBLISH: MqttTopic "publish <topic>" (the payload is skipped without buffering it).
/// - SUBSCRIBE (client): MqttTopic "subscribe <filter>" for up to kMaxSubscribeTopics filters.
/// - Protocol "mqtt", once per direction, after its first valid CONNECT, CONNACK, PUBLISH,
///   SUBSCRIBE, PINGREQ or PINGRESP.
///
/// Anomalies: the parser's names ("mqtt.remaining_length_too_long", "mqtt.bad_connect", ...),
/// "mqtt.packet_too_large" and "mqtt.bad_flags" (SUBSCRIBE, UNSUBSCRIBE, PUBREL without flags 2).
/// A bad packet body is skipped; an unreadable fixed header stops the direction.
class MqttAnalyzer final : public StreamAnalyzer {
 public:
  // StreamAnalyzer
  Result<std::size_t> on_data(Direction dir, Bytes bytes, ObservationSink& sink) override;

 private:
  Result<std::size_t> step(Direction dir, Bytes bytes, ObservationSink& sink);
  /// Handlers of whole packet bodies; false when the body was malformed (already reported).
  bool on_connect(Bytes body, ObservationSink& sink);
  bool on_connack(Bytes body, ObservationSink& sink);
  bool on_subscribe(Bytes body, ObservationSink& sink);
  /// Protocol "mqtt" about the sender, once per direction, after its first valid packet.
  void report_protocol(Direction dir, ObservationSink& sink);

  Version version_ = Version::V311;  ///< of the CONNECT, 3.1.1 until one is seen
  bool connect_seen_ = false;
  bool has_username_ = false;
  bool client_id_reported_ = false;
  bool username_reported_ = false;
  bool version_reported_ = false;
  std::array<bool, 2> protocol_reported_{};  ///< per direction
  std::string username_;                     ///< of the last CONNECT, for its CONNACK
};

/// Creates an analyzer for one flow.
[[nodiscard]] std::unique_ptr<StreamAnalyzer> make_mqtt_analyzer();

/// Recognises an MQTT CONNECT as the first client payload on a port not registered for MQTT.
[[nodiscard]] bool probe_mqtt(Bytes first_payload);

}  // namespace warden::proto::mqtt
