// SPDX-License-Identifier: Apache-2.0
// The one list of application protocols. A new protocol adds its folder and one line below.
#include "protocols/registry.hpp"

#include <array>

#include "core/text.hpp"
#include "protocols/bacnet/bacnet_analyzer.hpp"
#include "protocols/coap/coap_analyzer.hpp"
#include "protocols/dhcp/dhcp_analyzer.hpp"
#include "protocols/dhcpv6/dhcpv6_analyzer.hpp"
#include "protocols/dnp3/dnp3_analyzer.hpp"
#include "protocols/dns/dns_analyzer.hpp"
#include "protocols/enip/enip_analyzer.hpp"
#include "protocols/ftp/ftp_analyzer.hpp"
#include "protocols/http/http_analyzer.hpp"
#include "protocols/ldap/ldap_analyzer.hpp"
#include "protocols/lldp/lldp_analyzer.hpp"
#include "protocols/modbus/modbus_analyzer.hpp"
#include "protocols/mqtt/mqtt_analyzer.hpp"
#include "protocols/netbios/netbios_analyzer.hpp"
#include "protocols/rtsp/rtsp_analyzer.hpp"
#include "protocols/s7comm/s7comm_analyzer.hpp"
#include "protocols/snmp/snmp_analyzer.hpp"
#include "protocols/ssdp/ssdp_analyzer.hpp"
#include "protocols/telnet/telnet_analyzer.hpp"
#include "protocols/tls/tls_analyzer.hpp"
#include "protocols/ubnt/ubnt_analyzer.hpp"

namespace warden::proto {
namespace {

bool probe_http(Bytes payload) {
  static constexpr std::array<std::string_view, 10> kStarts = {
      "GET ",     "POST ",   "HEAD ",      "PUT ",      "DELETE ",
      "OPTIONS ", "NOTIFY ", "SUBSCRIBE ", "M-SEARCH ", "HTTP/1."};
  const std::string_view text = as_chars(payload);
  for (const std::string_view start : kStarts) {
    if (text.substr(0, start.size()) == start) {
      return true;
    }
  }
  return false;
}

bool probe_tls(Bytes payload) {
  // A handshake record (22) of SSL 3.0 .. TLS 1.3 record versions carrying a ClientHello (1).
  return payload.size() >= 6 && payload[0] == 0x16 && payload[1] == 0x03 && payload[2] <= 0x04 &&
         payload[5] == 0x01;
}

bool probe_ssh(Bytes payload) {
  // A client's identification string, which it sends first (RFC 4253 4.2): "SSH-2.0-...", or
  // "SSH-1.99-"/"SSH-1.5-" from old clients. SSH on another port (nmap's ssh-brute on tcp/902)
  // still counts toward the SSH brute-force rule.
  const std::string_view text = as_chars(payload);
  return text.starts_with("SSH-2.0-") || text.starts_with("SSH-1.");
}

bool probe_telnet(Bytes payload) {
  // A server opening with option negotiation: IAC (255) then WILL/WONT/DO/DONT (251..254).
  return payload.size() >= 3 && payload[0] == 0xFF && payload[1] >= 0xFB && payload[1] <= 0xFE;
}

constexpr std::array<std::uint16_t, 2> kDhcpPorts = {67, 68};
constexpr std::array<std::uint16_t, 2> kDhcpv6Ports = {546, 547};
constexpr std::array<std::uint16_t, 1> kDnsPorts = {53};
constexpr std::array<std::uint16_t, 1> kMdnsPorts = {5353};
constexpr std::array<std::uint16_t, 1> kLlmnrPorts = {5355};
constexpr std::array<std::uint16_t, 1> kNetbiosPorts = {137};
constexpr std::array<std::uint16_t, 1> kSsdpPorts = {1900};
constexpr std::array<std::uint16_t, 1> kNtpPorts = {123};
constexpr std::array<std::uint16_t, 2> kSnmpPorts = {161, 162};
constexpr std::array<std::uint16_t, 1> kCoapPorts = {5683};
constexpr std::array<std::uint16_t, 1> kSyslogPorts = {514};
constexpr std::array<std::uint16_t, 1> kTftpPorts = {69};
constexpr std::array<std::uint16_t, 1> kBacnetPorts = {47808};
constexpr std::array<std::uint16_t, 1> kUbntPorts = {10001};
constexpr std::array<std::uint16_t, 7> kHttpPorts = {80, 8080, 8000, 8008, 8081, 8888, 49152};
constexpr std::array<std::uint16_t, 8> kTlsPorts = {443, 8443, 993, 995, 465, 853, 5061, 8883};
constexpr std::array<std::uint16_t, 1> kSshPorts = {22};
constexpr std::array<std::uint16_t, 2> kTelnetPorts = {23, 2323};
constexpr std::array<std::uint16_t, 1> kFtpPorts = {21};
constexpr std::array<std::uint16_t, 2> kSmtpPorts = {25, 587};
constexpr std::array<std::uint16_t, 2> kRtspPorts = {554, 8554};
constexpr std::array<std::uint16_t, 1> kMqttPorts = {1883};
constexpr std::array<std::uint16_t, 1> kModbusPorts = {502};
constexpr std::array<std::uint16_t, 1> kS7Ports = {102};
constexpr std::array<std::uint16_t, 1> kEnipPorts = {44818};
constexpr std::array<std::uint16_t, 1> kDnp3Ports = {20000};
constexpr std::array<std::uint16_t, 1> kDnsTcpPorts = {53};
constexpr std::array<std::uint16_t, 2> kSmbPorts = {445, 139};
constexpr std::array<std::uint16_t, 1> kRdpPorts = {3389};
constexpr std::array<std::uint16_t, 2> kVncPorts = {5900, 5901};
constexpr std::array<std::uint16_t, 1> kIppPorts = {631};
constexpr std::array<std::uint16_t, 1> kPrinterPorts = {9100};
constexpr std::array<std::uint16_t, 2> kLdapPorts = {389, 3268};  // 3268: the global catalog

constexpr std::array<ProtocolInfo, 35> kProtocols = {{
    {"dhcp", Transport::Udp, kDhcpPorts, dhcp::analyze_dhcp},
    {"dhcpv6", Transport::Udp, kDhcpv6Ports, dhcpv6::analyze_dhcpv6},
    {"dns", Transport::Udp, kDnsPorts, dns::analyze_dns},
    {"mdns", Transport::Udp, kMdnsPorts, dns::analyze_mdns},
    {"llmnr", Transport::Udp, kLlmnrPorts, dns::analyze_llmnr},
    {"netbios-ns", Transport::Udp, kNetbiosPorts, netbios::analyze_netbios},
    {"ssdp", Transport::Udp, kSsdpPorts, ssdp::analyze_ssdp},
    {"ntp", Transport::Udp, kNtpPorts},
    {"snmp", Transport::Udp, kSnmpPorts, snmp::analyze_snmp},
    {"coap", Transport::Udp, kCoapPorts, coap::analyze_coap},
    {"syslog", Transport::Udp, kSyslogPorts},
    {"tftp", Transport::Udp, kTftpPorts},
    {"bacnet", Transport::Udp, kBacnetPorts, bacnet::analyze_bacnet},
    {"enip", Transport::Udp, kEnipPorts, enip::analyze_enip},
    {"dnp3", Transport::Udp, kDnp3Ports, dnp3::analyze_dnp3},
    {"ubnt", Transport::Udp, kUbntPorts, ubnt::analyze_ubnt},
    // RTSP before HTTP: the HTTP probe also accepts "OPTIONS ".
    {"rtsp", Transport::Tcp, kRtspPorts, nullptr, rtsp::make_rtsp_analyzer, rtsp::probe_rtsp},
    {"http", Transport::Tcp, kHttpPorts, nullptr, http::make_http_analyzer, probe_http},
    {"tls", Transport::Tcp, kTlsPorts, nullptr, tls::make_tls_analyzer, probe_tls},
    {"ssh", Transport::Tcp, kSshPorts, nullptr, nullptr, probe_ssh},
    {"telnet", Transport::Tcp, kTelnetPorts, nullptr, telnet::make_telnet_analyzer, probe_telnet},
    {"ftp", Transport::Tcp, kFtpPorts, nullptr, ftp::make_ftp_analyzer},
    {"smtp", Transport::Tcp, kSmtpPorts},
    {"mqtt", Transport::Tcp, kMqttPorts, nullptr, mqtt::make_mqtt_analyzer, mqtt::probe_mqtt},
    {"modbus", Transport::Tcp, kModbusPorts, nullptr, modbus::make_modbus_analyzer},
    {"s7comm", Transport::Tcp, kS7Ports, nullptr, s7comm::make_s7comm_analyzer},
    {"enip", Transport::Tcp, kEnipPorts, nullptr, enip::make_enip_analyzer},
    {"dnp3", Transport::Tcp, kDnp3Ports, nullptr, dnp3::make_dnp3_analyzer},
    {"dns", Transport::Tcp, kDnsTcpPorts, nullptr, dns::make_dns_tcp_analyzer},
    {"smb", Transport::Tcp, kSmbPorts},
    {"rdp", Transport::Tcp, kRdpPorts},
    {"vnc", Transport::Tcp, kVncPorts},
    {"ipp", Transport::Tcp, kIppPorts},
    {"jetdirect", Transport::Tcp, kPrinterPorts},
    {"ldap", Transport::Tcp, kLdapPorts, nullptr, ldap::make_ldap_analyzer, ldap::probe_ldap},
}};

/// Port -> protocol id, one table per transport, built once.
struct PortIndex {
  std::array<ProtocolId, 65536> udp{};
  std::array<ProtocolId, 65536> tcp{};

  PortIndex() {
    for (std::size_t protocol_idx = 0; protocol_idx < kProtocols.size(); ++protocol_idx) {
      const ProtocolInfo& info = kProtocols[protocol_idx];
      auto& table = info.transport == Transport::Udp ? udp : tcp;
      for (const std::uint16_t port : info.ports) {
        if (table[port] == 0) {
          table[port] = static_cast<ProtocolId>(protocol_idx + 1);
        }
      }
    }
  }
};

const PortIndex& port_index() {
  static const auto* const index = new PortIndex();  // built once, never destroyed
  return *index;
}

}  // namespace

std::span<const ProtocolInfo> protocols() {
  return kProtocols;
}

ProtocolId protocol_for_port(Transport transport, std::uint16_t port) {
  const PortIndex& index = port_index();
  return transport == Transport::Udp ? index.udp[port] : index.tcp[port];
}

ProtocolId probe_protocol(Transport transport, Bytes payload) {
  for (std::size_t protocol_idx = 0; protocol_idx < kProtocols.size(); ++protocol_idx) {
    const ProtocolInfo& info = kProtocols[protocol_idx];
    if (info.transport == transport && info.probe != nullptr && info.probe(payload)) {
      return static_cast<ProtocolId>(protocol_idx + 1);
    }
  }
  return 0;
}

const ProtocolInfo* protocol_info(ProtocolId id) {
  if (id == 0 || id > kProtocols.size()) {
    return nullptr;
  }
  return &kProtocols[id - 1U];
}

void analyze_lldp_frame(const decode::Packet& packet, ObservationSink& sink) {
  lldp::analyze_lldp(packet, sink);
}

void analyze_cdp_frame(const decode::Packet& packet, ObservationSink& sink) {
  lldp::analyze_cdp(packet, sink);
}

}  // namespace warden::proto
