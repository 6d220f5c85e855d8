// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/address.hpp"

namespace warden::proto {

/// The kinds of attribute an analyzer can report about a device. Names in `attr_name()` are the
/// stable identifiers stored in the database and printed by `warden device`.
enum class Attr : std::uint8_t {
  Ipv4,              ///< value: dotted quad; a binding of the subject MAC to this address
  Ipv6,              ///< value: RFC 5952 text
  Hostname,          ///< a name the device calls itself (DHCP 12/81, mDNS A/AAAA owner, NBNS)
  DhcpFingerprint,   ///< option 55 as comma-separated decimals, "1,3,6,15"
  DhcpVendorClass,   ///< option 60 / DHCPv6 vendor class
  DhcpClientId,      ///< option 61 as hex
  DhcpUserClass,     ///< option 77
  DhcpDuid,          ///< DHCPv6 client DUID as hex
  DhcpMessage,       ///< message types seen from the device ("DISCOVER", "REQUEST", ...)
  DnsQuery,          ///< a name the device looked up
  MdnsService,       ///< a DNS-SD instance it announces: "Living Room._googlecast._tcp.local"
  MdnsServiceType,   ///< "_googlecast._tcp"
  MdnsTxt,           ///< a TXT key=value of its own service records
  NetbiosName,       ///< NetBIOS name it registered or answered for
  NetbiosGroup,      ///< workgroup / domain it registered
  SsdpServer,        ///< SSDP SERVER header of its NOTIFY or response
  SsdpLocation,      ///< SSDP LOCATION URL
  SsdpUsn,           ///< SSDP USN
  SsdpType,          ///< NT or ST it announces
  SsdpUserAgent,     ///< USER-AGENT of its M-SEARCH
  UpnpFriendlyName,  ///< from the device description it served
  UpnpManufacturer,
  UpnpModelName,
  UpnpModelNumber,
  UpnpSerialNumber,
  UpnpDeviceType,
  UpnpUdn,
  HttpUserAgent,          ///< User-Agent the device sent as an HTTP client
  HttpServer,             ///< Server header the device sent as an HTTP server
  HttpHost,               ///< Host it asked for as a client
  HttpAuthScheme,         ///< authorization scheme it used ("Basic", "Digest"); never credentials
  TlsSni,                 ///< server name it asked for
  TlsJa3,                 ///< JA3 MD5 of its ClientHello
  TlsJa4,                 ///< JA4 of its ClientHello
  TlsAlpn,                ///< ALPN protocols it offered, comma-separated
  TlsVersion,             ///< highest version it offered / chose ("1.3")
  TlsJa3s,                ///< JA3S of its ServerHello (device acting as server)
  TlsCertSubject,         ///< subject of the certificate it presented
  TlsCertIssuer,          ///< issuer of the certificate it presented
  LldpSystemName,         ///< LLDP system name / CDP device id
  LldpSystemDescription,  ///< LLDP system description / CDP software version
  LldpPlatform,           ///< CDP platform
  LldpCapabilities,       ///< "bridge,router"
  LldpManagementAddress,  ///< management address it advertised
  LldpPortId,             ///< port id / description it advertised
  Service,                ///< a service it offers: "tcp/80 http" (transport/port, then name)
  ServiceBanner,          ///< first line a service sent: "tcp/22 SSH-2.0-OpenSSH_9.2p1"
  Vendor,                 ///< manufacturer from the IEEE registry (set by the inventory)
  Protocol,               ///< an application protocol it speaks: "dns", "tls"
  // Identification and risk signals of the IoT/OT analyzers (issue 3). Values never carry a
  // password, community string or token that is not on the public default lists.
  MqttClientId,         ///< MQTT CONNECT client identifier
  MqttUsername,         ///< MQTT CONNECT user name (the password is never kept)
  MqttVersion,          ///< "3.1", "3.1.1", "5"
  MqttTopic,            ///< "publish home/temp", "subscribe cmd/#", "will dev/status"
  CoapRequest,          ///< "GET /.well-known/core" (method and URI path)
  CoapContentFormat,    ///< "application/link-format"
  SnmpVersion,          ///< "v1", "v2c", "v3"
  SnmpCommunity,        ///< a default community it used or accepted ("public"); others "(custom)"
  SnmpSysDescr,         ///< sysDescr.0 from its own responses
  SnmpSysObjectId,      ///< sysObjectID.0, dotted
  SnmpSysName,          ///< sysName.0
  RtspServer,           ///< RTSP Server header it sent
  RtspUserAgent,        ///< RTSP User-Agent it sent
  RtspMethod,           ///< RTSP method it used as a client ("DESCRIBE")
  AuthChallenge,        ///< scheme a server asked for (HTTP/RTSP WWW-Authenticate): "Basic"
  LoginAttempt,         ///< "telnet user=root result=failure" (about the server)
  CleartextCredential,  ///< "ftp user=admin": a user name and password crossed in clear
  DefaultCredential,    ///< "telnet user=root list=mirai": a password on a default list was sent
  IcsVendor,            ///< vendor from an OT identity object (Modbus MEI, CIP, S7 SZL, BACnet)
  IcsVendorId,          ///< numeric vendor id (CIP, BACnet)
  IcsProduct,           ///< product / model name
  IcsRevision,          ///< firmware / revision
  IcsSerial,            ///< serial number
  IcsObjectName,        ///< BACnet device object name, S7 module / station name
  IcsAddress,           ///< protocol address: "modbus unit 1", "dnp3 10"
  IcsFunction,          ///< a function a client used: "modbus read-holding-registers"
  IcsControl,  ///< a control operation received: "modbus write-single-register from 10.0.0.5"
  TcpSynFingerprint,     ///< "ttl:win:mss:options:wscale" of the SYNs it sent
  TcpSynAckFingerprint,  ///< same for the SYN-ACKs it answered with
  TlsCipher,  ///< cipher suite it chose as a TLS server ("0x002f TLS_RSA_WITH_AES_128_CBC_SHA")
  CleartextExternal,  ///< "http to 93.184.216.34:80": a cleartext protocol to an internet host
  UbntModel,          ///< model in a Ubiquiti discovery announcement ("UGW3", "U7PG2")
  UbntFirmware,       ///< firmware string of that announcement
  // Keep UbntFirmware last or move kLastAttr: attr_from_name() walks every value up to it.
};
inline constexpr Attr kLastAttr = Attr::UbntFirmware;

/// Stable lower-case name for `attr` ("hostname", "tls.ja3", ...).
std::string_view attr_name(Attr attr);
/// Inverse of attr_name(); nullopt for names this build does not know.
std::optional<Attr> attr_from_name(std::string_view name);

/// Whom an observation is about.
enum class Who : std::uint8_t {
  Sender,    ///< the packet's source (MAC where seen, else IP)
  Receiver,  ///< the packet's destination
  ByMac,     ///< the device with `mac`, whatever sent the packet (DHCP chaddr, ARP sender)
  ByIp,      ///< the device holding `ip` (an address inside a payload)
};

struct Subject {
  Who who = Who::Sender;
  MacAddress mac;
  IpAddress ip;

  static Subject sender() { return {}; }
  static Subject receiver() { return {Who::Receiver, {}, {}}; }
  static Subject by_mac(const MacAddress& mac) { return {Who::ByMac, mac, {}}; }
  static Subject by_ip(const IpAddress& ip) { return {Who::ByIp, {}, ip}; }
};

/// One fact an analyzer learned. `value` may alias packet bytes and is only valid during the
/// `observe()` call; the sink sanitizes and copies what it keeps. `protocol` must be a literal.
struct Observation {
  Subject subject;
  Attr attr;
  std::string_view value;
  std::string_view protocol;
};

/// Receives observations. The pipeline sets the current packet (time, addresses) on the sink
/// before it calls an analyzer, so analyzers report only what they parsed.
class ObservationSink {
 public:
  virtual ~ObservationSink() = default;
  virtual void observe(const Observation& observation) = 0;
  /// Counts a named anomaly (a ParseError name such as "dns.label_loop").
  virtual void anomaly(std::string_view name) = 0;
};

}  // namespace warden::proto
