// SPDX-License-Identifier: Apache-2.0
#include "protocols/dhcpv6/dhcpv6_analyzer.hpp"

#include <optional>
#include <string>

#include "core/text.hpp"
#include "protocols/dhcp/dhcp_parser.hpp"
#include "protocols/dhcpv6/dhcpv6_parser.hpp"

namespace warden::proto::dhcpv6 {

namespace {

constexpr std::string_view kProtocol = "dhcpv6";

bool is_client_message(std::uint8_t type) {
  switch (static_cast<MessageType>(type)) {
    case MessageType::Solicit:
    case MessageType::Request:
    case MessageType::Confirm:
    case MessageType::Renew:
    case MessageType::Rebind:
    case MessageType::Release:
    case MessageType::Decline:
    case MessageType::InformationRequest:
      return true;
    default:
      return false;
  }
}

bool is_server_message(std::uint8_t type) {
  return type == static_cast<std::uint8_t>(MessageType::Advertise) ||
         type == static_cast<std::uint8_t>(MessageType::Reply) ||
         type == static_cast<std::uint8_t>(MessageType::Reconfigure);
}

void report_client(const Message& msg, ObservationSink& sink) {
  // A relayed message arrives from the relay agent; the client is the relay's peer-address.
  if (msg.relay_depth > 0 && !msg.relay_peer.is_assignable()) {
    return;
  }
  const Subject subject = msg.relay_depth == 0 ? Subject::sender() : Subject::by_ip(msg.relay_peer);
  const auto emit = [&](Attr attr, std::string_view value) {
    if (!value.empty()) {
      sink.observe({subject, attr, value, kProtocol});
    }
  };
  emit(Attr::Protocol, kProtocol);
  emit(Attr::DhcpMessage, message_type_name(msg.msg_type));
  emit(Attr::DhcpDuid, to_hex(msg.client_id));
  emit(Attr::DhcpFingerprint, render_oro(msg.oro));
  if (msg.vendor_class) {
    emit(Attr::DhcpVendorClass, render_vendor_class(*msg.vendor_class));
  }
  emit(Attr::DhcpUserClass, render_user_class(msg.user_class));
  if (msg.client_fqdn) {
    if (const auto name = dhcp::decode_wire_name(msg.client_fqdn->name)) {
      emit(Attr::Hostname, *name);
    } else {
      sink.anomaly("dhcpv6.bad_fqdn");
    }
  }
}

void report_server(const decode::Packet& packet, const Message& msg, ObservationSink& sink) {
  if (packet.src_port == kServerPort) {
    sink.observe({Subject::sender(), Attr::Service, "udp/547 dhcpv6", kProtocol});
  }
  // Only a DUID built from a MAC names the client's device; other DUIDs cannot be tied to one.
  const auto& mac = msg.client_duid_mac;
  if (msg.msg_type != static_cast<std::uint8_t>(MessageType::Reply) || !mac ||
      !mac->is_unicast_station()) {
    return;
  }
  for (std::size_t address_idx = 0; address_idx < msg.ia_address_count; ++address_idx) {
    const IaAddress& lease = msg.ia_addresses[address_idx];
    if (lease.valid_lifetime > 0 && lease.address.is_assignable()) {
      const std::string address = lease.address.to_string();
      sink.observe({Subject::by_mac(*mac), Attr::Ipv6, address, kProtocol});
    }
  }
}

}  // namespace

void analyze_dhcpv6(const decode::Packet& packet, ObservationSink& sink) {
  const auto msg = parse_message(packet.payload);
  if (!msg) {
    sink.anomaly(msg.error().name);
    return;
  }
  if (msg->options_anomaly != nullptr) {
    sink.anomaly(msg->options_anomaly);
  }
  // Whoever sent it speaks DHCPv6: the client, a relay agent or a server.
  sink.observe({Subject::sender(), Attr::Protocol, kProtocol, kProtocol});
  if (is_client_message(msg->msg_type)) {
    report_client(*msg, sink);
  } else if (is_server_message(msg->msg_type)) {
    report_server(packet, *msg, sink);
  }
}

}  // namespace warden::proto::dhcpv6
