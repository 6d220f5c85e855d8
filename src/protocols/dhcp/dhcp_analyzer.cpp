// SPDX-License-Identifier: Apache-2.0
#include "protocols/dhcp/dhcp_analyzer.hpp"

#include <optional>
#include <string>

#include "core/text.hpp"
#include "protocols/dhcp/dhcp_parser.hpp"

namespace warden::proto::dhcp {

namespace {

constexpr std::string_view kProtocol = "dhcp";

bool is_client_message(const Message& msg) {
  if (!msg.message_type) {
    return true;  // BOOTP request
  }
  switch (static_cast<MessageType>(*msg.message_type)) {
    case MessageType::Discover:
    case MessageType::Request:
    case MessageType::Decline:
    case MessageType::Release:
    case MessageType::Inform:
      return true;
    default:
      return false;  // e.g. LEASEQUERY (RFC 4388): chaddr is someone else's
  }
}

/// The device a client message describes: chaddr, or the sender when chaddr is not an Ethernet
/// address and no relay stands between us and the client.
std::optional<Subject> client_subject(const Message& msg) {
  if (const auto mac = msg.client_mac()) {
    if (mac->is_unicast_station()) {
      return Subject::by_mac(*mac);
    }
    return std::nullopt;
  }
  if (msg.giaddr.v4_u32() == 0) {
    return Subject::sender();
  }
  return std::nullopt;
}

void report_client(const Message& msg, ObservationSink& sink) {
  const auto subject = client_subject(msg);
  if (!subject || !is_client_message(msg)) {
    return;
  }
  const auto emit = [&](Attr attr, std::string_view value) {
    if (!value.empty()) {
      sink.observe({*subject, attr, value, kProtocol});
    }
  };
  emit(Attr::Protocol, kProtocol);
  if (msg.message_type) {
    emit(Attr::DhcpMessage, message_type_name(*msg.message_type));
  }
  emit(Attr::Hostname, msg.hostname);
  if (msg.client_fqdn) {
    if (const auto name = fqdn_text(*msg.client_fqdn)) {
      emit(Attr::Hostname, *name);
    } else {
      sink.anomaly(name.error().name);
    }
  }
  emit(Attr::DhcpFingerprint, render_fingerprint(msg.parameter_request_list));
  emit(Attr::DhcpVendorClass, msg.vendor_class);
  emit(Attr::DhcpClientId, to_hex(msg.client_id));
  emit(Attr::DhcpUserClass, render_user_class(msg.user_class));
  // ciaddr is filled only by a client that holds a lease (RFC 2131 §4.3.2, §4.4.3); RELEASE and
  // DECLINE give it up, and option 50 is only a wish.
  const auto type = static_cast<MessageType>(msg.message_type.value_or(0));
  const bool holds_lease = type == MessageType::Request || type == MessageType::Inform;
  if (holds_lease && msg.ciaddr.is_assignable()) {
    emit(Attr::Ipv4, msg.ciaddr.to_string());
  }
}

void report_server(const decode::Packet& packet, const Message& msg, ObservationSink& sink) {
  if (packet.src_port == kServerPort) {
    sink.observe({Subject::sender(), Attr::Service, "udp/67 dhcp", kProtocol});
  }
  // Options in a reply (hostname 12 included) describe the client, not the server: ignored.
  const auto mac = msg.client_mac();
  if (msg.message_type == static_cast<std::uint8_t>(MessageType::Ack) && mac &&
      mac->is_unicast_station() && msg.yiaddr.is_assignable()) {
    const std::string address = msg.yiaddr.to_string();
    sink.observe({Subject::by_mac(*mac), Attr::Ipv4, address, kProtocol});
  }
}

}  // namespace

void analyze_dhcp(const decode::Packet& packet, ObservationSink& sink) {
  const auto msg = parse_message(packet.payload);
  if (!msg) {
    sink.anomaly(msg.error().name);
    return;
  }
  if (msg->options_anomaly != nullptr) {
    sink.anomaly(msg->options_anomaly);
  }
  // Whoever sent it speaks DHCP: the client, its relay agent or a server.
  sink.observe({Subject::sender(), Attr::Protocol, kProtocol, kProtocol});
  if (msg->op == kBootRequest) {
    report_client(*msg, sink);
  } else {
    report_server(packet, *msg, sink);
  }
}

}  // namespace warden::proto::dhcp
