// SPDX-License-Identifier: Apache-2.0
#include "protocols/observation.hpp"

namespace warden::proto {

std::string_view attr_name(Attr attr) {
  switch (attr) {
    case Attr::Ipv4:
      return "ipv4";
    case Attr::Ipv6:
      return "ipv6";
    case Attr::Hostname:
      return "hostname";
    case Attr::DhcpFingerprint:
      return "dhcp.fingerprint";
    case Attr::DhcpVendorClass:
      return "dhcp.vendor_class";
    case Attr::DhcpClientId:
      return "dhcp.client_id";
    case Attr::DhcpUserClass:
      return "dhcp.user_class";
    case Attr::DhcpDuid:
      return "dhcp.duid";
    case Attr::DhcpMessage:
      return "dhcp.message";
    case Attr::DnsQuery:
      return "dns.query";
    case Attr::MdnsService:
      return "mdns.service";
    case Attr::MdnsServiceType:
      return "mdns.service_type";
    case Attr::MdnsTxt:
      return "mdns.txt";
    case Attr::NetbiosName:
      return "netbios.name";
    case Attr::NetbiosGroup:
      return "netbios.group";
    case Attr::SsdpServer:
      return "ssdp.server";
    case Attr::SsdpLocation:
      return "ssdp.location";
    case Attr::SsdpUsn:
      return "ssdp.usn";
    case Attr::SsdpType:
      return "ssdp.type";
    case Attr::SsdpUserAgent:
      return "ssdp.user_agent";
    case Attr::UpnpFriendlyName:
      return "upnp.friendly_name";
    case Attr::UpnpManufacturer:
      return "upnp.manufacturer";
    case Attr::UpnpModelName:
      return "upnp.model_name";
    case Attr::UpnpModelNumber:
      return "upnp.model_number";
    case Attr::UpnpSerialNumber:
      return "upnp.serial_number";
    case Attr::UpnpDeviceType:
      return "upnp.device_type";
    case Attr::UpnpUdn:
      return "upnp.udn";
    case Attr::HttpUserAgent:
      return "http.user_agent";
    case Attr::HttpServer:
      return "http.server";
    case Attr::HttpHost:
      return "http.host";
    case Attr::HttpAuthScheme:
      return "http.auth_scheme";
    case Attr::TlsSni:
      return "tls.sni";
    case Attr::TlsJa3:
      return "tls.ja3";
    case Attr::TlsJa4:
      return "tls.ja4";
    case Attr::TlsAlpn:
      return "tls.alpn";
    case Attr::TlsVersion:
      return "tls.version";
    case Attr::TlsJa3s:
      return "tls.ja3s";
    case Attr::TlsCertSubject:
      return "tls.cert_subject";
    case Attr::TlsCertIssuer:
      return "tls.cert_issuer";
    case Attr::LldpSystemName:
      return "lldp.system_name";
    case Attr::LldpSystemDescription:
      return "lldp.system_description";
    case Attr::LldpPlatform:
      return "lldp.platform";
    case Attr::LldpCapabilities:
      return "lldp.capabilities";
    case Attr::LldpManagementAddress:
      return "lldp.management_address";
    case Attr::LldpPortId:
      return "lldp.port_id";
    case Attr::Service:
      return "service";
    case Attr::ServiceBanner:
      return "service.banner";
    case Attr::Vendor:
      return "vendor";
    case Attr::Protocol:
      return "protocol";
    case Attr::MqttClientId:
      return "mqtt.client_id";
    case Attr::MqttUsername:
      return "mqtt.username";
    case Attr::MqttVersion:
      return "mqtt.version";
    case Attr::MqttTopic:
      return "mqtt.topic";
    case Attr::CoapRequest:
      return "coap.request";
    case Attr::CoapContentFormat:
      return "coap.content_format";
    case Attr::SnmpVersion:
      return "snmp.version";
    case Attr::SnmpCommunity:
      return "snmp.community";
    case Attr::SnmpSysDescr:
      return "snmp.sys_descr";
    case Attr::SnmpSysObjectId:
      return "snmp.sys_object_id";
    case Attr::SnmpSysName:
      return "snmp.sys_name";
    case Attr::RtspServer:
      return "rtsp.server";
    case Attr::RtspUserAgent:
      return "rtsp.user_agent";
    case Attr::RtspMethod:
      return "rtsp.method";
    case Attr::AuthChallenge:
      return "auth.challenge";
    case Attr::LoginAttempt:
      return "login.attempt";
    case Attr::CleartextCredential:
      return "login.cleartext_credential";
    case Attr::DefaultCredential:
      return "login.default_credential";
    case Attr::IcsVendor:
      return "ics.vendor";
    case Attr::IcsVendorId:
      return "ics.vendor_id";
    case Attr::IcsProduct:
      return "ics.product";
    case Attr::IcsRevision:
      return "ics.revision";
    case Attr::IcsSerial:
      return "ics.serial";
    case Attr::IcsObjectName:
      return "ics.object_name";
    case Attr::IcsAddress:
      return "ics.address";
    case Attr::IcsFunction:
      return "ics.function";
    case Attr::IcsControl:
      return "ics.control";
    case Attr::TcpSynFingerprint:
      return "tcp.syn_fingerprint";
    case Attr::TcpSynAckFingerprint:
      return "tcp.synack_fingerprint";
    case Attr::TlsCipher:
      return "tls.cipher";
    case Attr::CleartextExternal:
      return "cleartext.external";
    case Attr::UbntModel:
      return "ubnt.model";
    case Attr::UbntFirmware:
      return "ubnt.firmware";
  }
  return "unknown";
}

std::optional<Attr> attr_from_name(std::string_view name) {
  for (int value = 0; value <= static_cast<int>(kLastAttr); ++value) {
    const auto attr = static_cast<Attr>(value);
    if (attr_name(attr) == name) {
      return attr;
    }
  }
  return std::nullopt;
}

}  // namespace warden::proto
