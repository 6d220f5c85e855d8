// SPDX-License-Identifier: Apache-2.0
#include "protocols/mqtt/mqtt_analyzer.hpp"

#include <string_view>

#include "core/text.hpp"
#include "protocols/credentials/default_credentials.hpp"

namespace warden::proto::mqtt {
namespace {

constexpr std::string_view kProtocol = "mqtt";
constexpr std::uint8_t kRequiredFlags = 0x02;  // SUBSCRIBE, UNSUBSCRIBE, PUBREL (§2.2.2)

void observe(ObservationSink& sink, Attr attr, std::string_view value,
             Subject subject = Subject::sender()) {
  if (!value.empty()) {
    sink.observe({subject, attr, value, kProtocol});
  }
}

/// "<prefix> <text>" as one value, e.g. "publish home/temp".
void observe_prefixed(ObservationSink& sink, Attr attr, std::string_view prefix,
                      std::string_view text) {
  if (text.empty()) {
    return;
  }
  ValueText value(prefix);
  value += ' ';
  value += text;
  observe(sink, attr, value);
}

}  // namespace

Result<std::size_t> MqttAnalyzer::on_data(Direction dir, Bytes bytes, ObservationSink& sink) {
  return run_steps(bytes, kMaxPacketsPerCall, "mqtt.incomplete", sink,
                   [&](Bytes rest) { return step(dir, rest, sink); });
}

Result<std::size_t> MqttAnalyzer::step(Direction dir, Bytes bytes, ObservationSink& sink) {
  WARDEN_ASSIGN_OR_RETURN(const FixedHeader header, parse_fixed_header(bytes));
  const std::size_t total = header.total_length();
  const Bytes available = bytes.subspan(header.header_length);
  if (header.type == PacketType::Publish) {
    const auto topic = parse_publish_topic(header, available);
    if (!topic) {
      if (topic.error().code == ParseErrorCode::Incomplete &&
          available.size() < kMaxBufferedPacketBytes) {
        return tl::unexpected(topic.error());
      }
      // A topic longer than the buffer would hold is skipped with its packet.
      sink.anomaly(topic.error().code == ParseErrorCode::Incomplete ? "mqtt.packet_too_large"
                                                                    : topic.error().name);
      return total;
    }
    report_protocol(dir, sink);
    observe_prefixed(sink, Attr::MqttTopic, "publish", *topic);
    return total;  // the payload is skipped, not buffered
  }
  if (header.remaining_length > kMaxBufferedPacketBytes) {
    sink.anomaly("mqtt.packet_too_large");
    return total;
  }
  if (available.size() < header.remaining_length) {
    return fail(ParseErrorCode::Incomplete, static_cast<std::uint32_t>(bytes.size()),
                "mqtt.packet_incomplete");
  }
  const Bytes body = available.first(header.remaining_length);
  bool valid = false;
  switch (header.type) {
    case PacketType::Connect:
      valid = on_connect(body, sink);
      break;
    case PacketType::Connack:
      valid = on_connack(body, sink);
      break;
    case PacketType::Pingreq:
    case PacketType::Pingresp:
      valid = body.empty();
      break;
    case PacketType::Subscribe:
      valid = on_subscribe(body, sink);
      [[fallthrough]];
    case PacketType::Unsubscribe:
    case PacketType::Pubrel:
      if (header.flags != kRequiredFlags) {
        sink.anomaly("mqtt.bad_flags");
      }
      break;
    default:
      break;
  }
  if (valid) {
    report_protocol(dir, sink);
  }
  return total;
}

bool MqttAnalyzer::on_connect(Bytes body, ObservationSink& sink) {
  const auto connect = parse_connect(body);
  if (!connect) {
    sink.anomaly(connect.error().name);
    return false;
  }
  version_ = connect->version;
  connect_seen_ = true;
  if (!version_reported_) {
    version_reported_ = true;
    observe(sink, Attr::MqttVersion, version_name(connect->version));
  }
  if (!client_id_reported_ && !connect->client_id.empty()) {
    client_id_reported_ = true;
    observe(sink, Attr::MqttClientId, connect->client_id);
  }
  if (connect->will_topic) {
    observe_prefixed(sink, Attr::MqttTopic, "will", *connect->will_topic);
  }
  has_username_ = connect->username.has_value();
  username_.assign(connect->username.value_or(std::string_view{}).substr(0, kMaxUsernameBytes));
  if (!has_username_) {
    return true;
  }
  const std::string_view user = *connect->username;
  if (!username_reported_ && !user.empty()) {
    username_reported_ = true;
    observe(sink, Attr::MqttUsername, user);
  }
  if (!connect->password) {
    return true;
  }
  // MQTT on 1883 is cleartext: the broker received a user name and password anyone could read.
  std::string value = "mqtt user=";
  value.append(username_);
  observe(sink, Attr::CleartextCredential, value, Subject::receiver());
  const credentials::DefaultList list = credentials::match_default(user, *connect->password);
  if (list != credentials::DefaultList::None) {
    value.append(" list=").append(credentials::list_name(list));
    observe(sink, Attr::DefaultCredential, value, Subject::receiver());
  }
  return true;
}

bool MqttAnalyzer::on_connack(Bytes body, ObservationSink& sink) {
  const auto connack = parse_connack(body);
  if (!connack) {
    sink.anomaly(connack.error().name);
    return false;
  }
  if (!connect_seen_) {
    return true;  // who tried to log in is unknown
  }
  std::string value = "mqtt user=";
  value.append(has_username_ ? std::string_view(username_) : std::string_view("(none)"));
  value.append(connack->accepted(version_) ? " result=success" : " result=failure");
  observe(sink, Attr::LoginAttempt, value);
  return true;
}

bool MqttAnalyzer::on_subscribe(Bytes body, ObservationSink& sink) {
  const auto subscribe = parse_subscribe(body, version_);
  if (!subscribe) {
    sink.anomaly(subscribe.error().name);
    return false;
  }
  for (std::size_t filter_idx = 0; filter_idx < subscribe->count; ++filter_idx) {
    observe_prefixed(sink, Attr::MqttTopic, "subscribe", subscribe->filters.at(filter_idx));
  }
  return true;
}

void MqttAnalyzer::report_protocol(Direction dir, ObservationSink& sink) {
  bool& reported = protocol_reported_.at(static_cast<std::size_t>(dir));
  if (!reported) {
    reported = true;
    observe(sink, Attr::Protocol, kProtocol);
  }
}

std::unique_ptr<StreamAnalyzer> make_mqtt_analyzer() {
  return std::make_unique<MqttAnalyzer>();
}

bool probe_mqtt(Bytes first_payload) {
  return looks_like_connect(first_payload);
}

}  // namespace warden::proto::mqtt
