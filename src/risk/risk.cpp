// SPDX-License-Identifier: Apache-2.0
#include "risk/risk.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <functional>
#include <string>
#include <tuple>

#include "core/text.hpp"

namespace warden::risk {
namespace {

using proto::Attr;
using Controls = std::span<const std::string_view>;

// Control ids per framework, with the project's own short labels in docs/risk.md. The standards'
// texts are not reproduced.
constexpr std::array<std::string_view, 13> kCleartextService = {"SOC 2 CC6.1",
                                                                "SOC 2 CC6.7",
                                                                "ISO 27001 A.8.5",
                                                                "ISO 27001 A.8.20",
                                                                "ISO 27001 A.8.24",
                                                                "HIPAA 164.312(e)(1)",
                                                                "NIST CSF PR.DS-02",
                                                                "NIST CSF PR.PS-01",
                                                                "CMMC CM.L2-3.4.7",
                                                                "CMMC IA.L2-3.5.10",
                                                                "ETSI EN 303 645 5.5-1",
                                                                "ETSI EN 303 645 5.6-1",
                                                                "NIST IR 8259A Data Protection"};
constexpr std::array<std::string_view, 12> kHttpAdmin = {
    "SOC 2 CC6.1",       "SOC 2 CC6.7",           "ISO 27001 A.8.5",
    "ISO 27001 A.8.24",  "HIPAA 164.312(d)",      "HIPAA 164.312(e)(1)",
    "NIST CSF PR.AA-03", "NIST CSF PR.DS-02",     "CMMC IA.L2-3.5.10",
    "CMMC SC.L2-3.13.8", "ETSI EN 303 645 5.5-5", "NIST IR 8259A Logical Access to Interfaces"};
constexpr std::array<std::string_view, 7> kInTransit = {"SOC 2 CC6.7",
                                                        "ISO 27001 A.8.24",
                                                        "HIPAA 164.312(e)(1)",
                                                        "NIST CSF PR.DS-02",
                                                        "CMMC SC.L2-3.13.8",
                                                        "ETSI EN 303 645 5.5-1",
                                                        "NIST IR 8259A Data Protection"};
constexpr std::array<std::string_view, 10> kSnmp = {
    "SOC 2 CC6.1",           "SOC 2 CC6.7",
    "ISO 27001 A.8.5",       "ISO 27001 A.8.24",
    "HIPAA 164.312(d)",      "NIST CSF PR.AA-03",
    "NIST CSF PR.DS-02",     "CMMC IA.L2-3.5.10",
    "ETSI EN 303 645 5.5-1", "NIST IR 8259A Logical Access to Interfaces"};
constexpr std::array<std::string_view, 11> kDefaultSecret = {
    "SOC 2 CC6.1",
    "ISO 27001 A.5.17",
    "ISO 27001 A.8.5",
    "HIPAA 164.308(a)(5)(ii)(D)",
    "HIPAA 164.312(d)",
    "NIST CSF PR.AA-01",
    "CMMC IA.L2-3.5.2",
    "CMMC IA.L2-3.5.7",
    "ETSI EN 303 645 5.1-1",
    "NIST IR 8259A Logical Access to Interfaces",
    "NIST IR 8259A Device Configuration"};
constexpr std::array<std::string_view, 7> kNoAuth = {"SOC 2 CC6.1",
                                                     "ISO 27001 A.8.5",
                                                     "HIPAA 164.312(d)",
                                                     "NIST CSF PR.AA-03",
                                                     "CMMC IA.L2-3.5.2",
                                                     "ETSI EN 303 645 5.5-5",
                                                     "NIST IR 8259A Logical Access to Interfaces"};
constexpr std::array<std::string_view, 10> kExposedInterface = {
    "SOC 2 CC6.6",           "ISO 27001 A.8.9",
    "ISO 27001 A.8.20",      "HIPAA 164.312(a)(1)",
    "NIST CSF PR.PS-01",     "NIST CSF PR.IR-01",
    "CMMC CM.L2-3.4.6",      "CMMC CM.L2-3.4.7",
    "ETSI EN 303 645 5.6-1", "NIST IR 8259A Logical Access to Interfaces"};
constexpr std::array<std::string_view, 11> kCleartextCredentials = {
    "SOC 2 CC6.1",
    "SOC 2 CC6.7",
    "ISO 27001 A.5.17",
    "ISO 27001 A.8.5",
    "ISO 27001 A.8.24",
    "HIPAA 164.312(d)",
    "HIPAA 164.312(e)(1)",
    "NIST CSF PR.AA-01",
    "CMMC IA.L2-3.5.10",
    "ETSI EN 303 645 5.5-7",
    "NIST IR 8259A Data Protection"};
constexpr std::array<std::string_view, 8> kWeakTls = {"SOC 2 CC6.7",
                                                      "ISO 27001 A.8.24",
                                                      "HIPAA 164.312(e)(2)(ii)",
                                                      "NIST CSF PR.DS-02",
                                                      "CMMC SC.L2-3.13.8",
                                                      "CMMC SC.L2-3.13.11",
                                                      "ETSI EN 303 645 5.5-1",
                                                      "NIST IR 8259A Data Protection"};
constexpr std::array<std::string_view, 11> kOtControl = {
    "SOC 2 CC6.1",
    "SOC 2 CC6.6",
    "ISO 27001 A.8.5",
    "ISO 27001 A.8.22",
    "HIPAA 164.312(a)(1)",
    "HIPAA 164.312(d)",
    "NIST CSF PR.AA-03",
    "NIST CSF PR.IR-01",
    "CMMC IA.L2-3.5.2",
    "ETSI EN 303 645 5.5-5",
    "NIST IR 8259A Logical Access to Interfaces"};
constexpr std::array<std::string_view, 9> kCleartextInternet = {
    "SOC 2 CC6.6",       "SOC 2 CC6.7",         "ISO 27001 A.8.20",
    "ISO 27001 A.8.24",  "HIPAA 164.312(e)(1)", "NIST CSF PR.DS-02",
    "CMMC SC.L2-3.13.1", "CMMC SC.L2-3.13.8",   "ETSI EN 303 645 5.5-1"};

constexpr std::array<FindingKind, 16> kKinds = {{
    {"WARDEN-RISK-DEFAULT-CREDENTIALS", "Default credentials used", "critical", 40,
     "Set a unique, strong password on the device and disable or rename factory accounts; "
     "where the firmware cannot change them, isolate the device and replace it.",
     kDefaultSecret},
    {"WARDEN-RISK-TELNET", "Telnet service offered", "high", 25,
     "Disable telnet; use SSH, or manage the device from an isolated management network.",
     kCleartextService},
    {"WARDEN-RISK-CLEARTEXT-CREDENTIALS", "Credentials sent in cleartext", "high", 25,
     "Move the login to an encrypted protocol (SSH, HTTPS, MQTT over TLS, SFTP, LDAP over TLS) "
     "and change the exposed password.",
     kCleartextCredentials},
    {"WARDEN-RISK-SNMP-DEFAULT-COMMUNITY", "SNMP default community in use", "high", 25,
     "Change the community string, restrict SNMP to the management network, or move to SNMPv3 "
     "with authPriv.",
     kDefaultSecret},
    {"WARDEN-RISK-MQTT-NO-AUTH", "MQTT broker accepts clients without authentication", "high", 25,
     "Require user names and passwords or client certificates on the broker "
     "(allow_anonymous false) and serve MQTT over TLS.",
     kNoAuth},
    {"WARDEN-RISK-OT-UNAUTHENTICATED-CONTROL", "OT control operations without authentication",
     "high", 25,
     "Restrict who may write or program the controller (conduits in the segmentation policy, "
     "controller key switch in RUN, DNP3 Secure Authentication, CIP Security) and alert on "
     "writes from unexpected hosts.",
     kOtControl},
    {"WARDEN-RISK-FTP", "FTP service offered", "medium", 10,
     "Disable FTP; use SFTP or FTPS, or restrict it to a management network.", kCleartextService},
    {"WARDEN-RISK-HTTP-ADMIN", "Administration over plain HTTP", "medium", 10,
     "Enable HTTPS on the device's web interface and disable HTTP, or reach it only through a "
     "management network.",
     kHttpAdmin},
    {"WARDEN-RISK-RTSP", "Unencrypted RTSP video stream", "medium", 10,
     "Require authentication on the stream and prefer RTSP over TLS (RTSPS/SRTP); keep cameras in "
     "their own zone.",
     kInTransit},
    {"WARDEN-RISK-SNMP-V1V2C", "SNMP v1/v2c (community strings in cleartext)", "medium", 10,
     "Move to SNMPv3 with authentication and privacy, or disable SNMP.", kSnmp},
    {"WARDEN-RISK-MQTT-CLEARTEXT", "MQTT without TLS", "medium", 10,
     "Use MQTT over TLS (8883) between devices and the broker.", kInTransit},
    {"WARDEN-RISK-UPNP-IGD", "UPnP Internet Gateway Device exposed", "medium", 10,
     "Disable UPnP port mapping on the router; any device on the LAN can open inbound ports "
     "through it.",
     kExposedInterface},
    {"WARDEN-RISK-DEBUG-PORT", "Debug or remote-administration port open", "medium", 10,
     "Disable the debug or remote-administration service, or restrict it to a management "
     "network.",
     kExposedInterface},
    {"WARDEN-RISK-WEAK-TLS", "Weak TLS version or cipher", "medium", 10,
     "Allow only TLS 1.2 and 1.3 with AEAD cipher suites; update the firmware if it cannot.",
     kWeakTls},
    {"WARDEN-RISK-CLEARTEXT-INTERNET", "Cleartext traffic to the internet", "medium", 10,
     "Make the device use the encrypted form of the protocol, or block it at the boundary.",
     kCleartextInternet},
    {"WARDEN-RISK-UPNP", "UPnP/SSDP announced", "low", 3,
     "Disable UPnP on the device unless it is needed; keep it off networks with sensitive "
     "systems.",
     kExposedInterface},
}};

constexpr std::array<std::uint16_t, 13> kDebugPorts = {5555, 5900, 5901, 3389, 8291,  10000, 6000,
                                                       6379, 2375, 4444, 9527, 23231, 1099};

/// Device types whose web interface is their administration interface.
constexpr std::array<std::string_view, 20> kManagedTypes = {"ip_camera",
                                                            "nvr_dvr",
                                                            "video_doorbell",
                                                            "router",
                                                            "switch",
                                                            "access_point",
                                                            "firewall",
                                                            "printer",
                                                            "nas",
                                                            "plc",
                                                            "hmi",
                                                            "rtu",
                                                            "building_controller",
                                                            "smart_plug",
                                                            "iot_hub",
                                                            "thermostat",
                                                            "ip_phone",
                                                            "lighting",
                                                            "medical_device",
                                                            "sensor"};

/// Collects the attributes that show one finding.
class Evidence {
 public:
  void add(const inventory::AttributeValue& value) { values_.push_back(&value); }
  [[nodiscard]] bool empty() const { return values_.empty(); }

  [[nodiscard]] inventory::Finding to_finding(const FindingKind& kind) const {
    constexpr std::size_t kShown = 3;
    inventory::Finding finding;
    finding.id = std::string(kind.id);
    finding.title = std::string(kind.title);
    finding.severity = std::string(kind.severity);
    finding.points = kind.points;
    finding.remediation = std::string(kind.remediation);
    for (const std::string_view control : kind.controls) {
      finding.controls.emplace_back(control);
    }
    // The values seen most come first, then the earliest: the shown ones are the best evidence,
    // and the same whatever order the device's attributes come in (merged from several
    // threads, or read back stored).
    std::vector<const inventory::AttributeValue*> values = values_;
    std::sort(
        values.begin(), values.end(),
        [](const inventory::AttributeValue* left, const inventory::AttributeValue* right) {
          return std::tie(right->count, left->first_us, left->attr, left->value, left->protocol) <
                 std::tie(left->count, right->first_us, right->attr, right->value, right->protocol);
        });
    finding.first_us = values.front()->first_us;
    for (std::size_t index = 0; index < values.size(); ++index) {
      const inventory::AttributeValue& value = *values[index];
      finding.count += value.count;
      finding.first_us = std::min(finding.first_us, value.first_us);
      finding.last_us = std::max(finding.last_us, value.last_us);
      if (index < kShown) {
        if (!finding.evidence.empty()) {
          finding.evidence += "; ";
        }
        finding.evidence += std::string(proto::attr_name(value.attr)) + " \"" + value.value +
                            "\" (" + value.protocol + ", seen " + std::to_string(value.count) +
                            (value.count == 1 ? " time)" : " times)");
      }
    }
    if (values.size() > kShown) {
      finding.evidence += "; and " + std::to_string(values.size() - kShown) + " more";
    }
    finding.protocol = values.front()->protocol;
    return finding;
  }

 private:
  std::vector<const inventory::AttributeValue*> values_;
};

/// A service value's transport and port: "tcp/23 telnet" or "tcp/23" -> ("tcp", 23); anything
/// else -> port 0.
struct ServicePort {
  std::string_view transport;
  std::uint32_t port = 0;
};

ServicePort service_port(std::string_view service) {
  ServicePort out;
  const std::size_t slash = service.find('/');
  if (slash == std::string_view::npos) {
    return out;
  }
  std::string_view digits = service.substr(slash + 1);
  digits = digits.substr(0, digits.find(' '));
  std::uint32_t port = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (error != std::errc{} || end != digits.data() + digits.size() || port > 65535) {
    return out;
  }
  out.transport = service.substr(0, slash);
  out.port = port;
  return out;
}

bool service_port_is(std::string_view service, std::string_view transport, std::uint16_t port) {
  const ServicePort parsed = service_port(service);
  return parsed.port == port && parsed.transport == transport;
}

bool service_named(std::string_view service, std::string_view name) {
  const std::size_t space = service.find(' ');
  return space != std::string_view::npos && service.substr(space + 1) == name;
}

/// "telnet user=root list=mirai" -> "telnet user=root"
std::string login_key(std::string_view value) {
  const std::size_t list = value.find(" list=");
  const std::size_t result = value.find(" result=");
  return std::string(value.substr(0, std::min(list, result)));
}

}  // namespace

std::span<const FindingKind> finding_kinds() {
  return kKinds;
}

const FindingKind* find_kind(std::string_view id) {
  for (const FindingKind& kind : kKinds) {
    if (kind.id == id) {
      return &kind;
    }
  }
  return nullptr;
}

int severity_points(std::string_view severity) {
  if (severity == "critical") {
    return 40;
  }
  if (severity == "high") {
    return 25;
  }
  if (severity == "medium") {
    return 10;
  }
  if (severity == "low") {
    return 3;
  }
  return 0;
}

int severity_rank(std::string_view severity) {
  static constexpr std::array<std::string_view, 5> kOrder = {"info", "low", "medium", "high",
                                                             "critical"};
  for (std::size_t rank = 0; rank < kOrder.size(); ++rank) {
    if (kOrder[rank] == severity) {
      return static_cast<int>(rank);
    }
  }
  return -1;
}

std::span<const std::uint16_t> debug_ports() {
  return kDebugPorts;
}

void assess(inventory::Device& device) {
  std::array<Evidence, kKinds.size()> evidence;
  auto at = [&](std::string_view id) -> Evidence& {
    for (std::size_t index = 0; index < kKinds.size(); ++index) {
      if (kKinds[index].id == id) {
        return evidence[index];
      }
    }
    return evidence[0];  // unreachable with the ids below
  };

  const inventory::IdentityField* type = device.identity_field("type");
  const bool managed_type = type != nullptr && std::find(kManagedTypes.begin(), kManagedTypes.end(),
                                                         type->value) != kManagedTypes.end();
  bool snmp_agent = false;
  bool http_auth = false;
  bool dnp3_secure_auth = false;
  std::vector<std::string> accepted_logins;
  std::vector<std::string> rejected_logins;
  for (const inventory::AttributeValue& value : device.attributes) {
    switch (value.attr) {
      case Attr::SnmpSysDescr:
      case Attr::SnmpSysName:
      case Attr::SnmpSysObjectId:
        snmp_agent = true;
        break;
      case Attr::Service:
        snmp_agent = snmp_agent || service_port_is(value.value, "udp", 161);
        break;
      case Attr::AuthChallenge:
        http_auth = http_auth || value.protocol == "http";
        break;
      case Attr::IcsFunction:
        dnp3_secure_auth = dnp3_secure_auth || value.value == "dnp3 secure-authentication";
        break;
      case Attr::LoginAttempt:
        if (value.value.ends_with(" result=success")) {
          accepted_logins.push_back(login_key(value.value));
        } else if (value.value.ends_with(" result=failure")) {
          rejected_logins.push_back(login_key(value.value));
        }
        break;
      default:
        break;
    }
  }

  for (const inventory::AttributeValue& value : device.attributes) {
    const std::string_view text = value.value;
    switch (value.attr) {
      case Attr::Service: {
        const ServicePort service = service_port(text);
        const bool tcp = service.transport == "tcp";
        auto tcp_port = [&](std::uint16_t port) { return tcp && service.port == port; };
        if (tcp_port(23) || tcp_port(2323) || service_named(text, "telnet")) {
          at("WARDEN-RISK-TELNET").add(value);
        }
        if (tcp_port(21) || service_named(text, "ftp")) {
          at("WARDEN-RISK-FTP").add(value);
        }
        if (service_named(text, "http") && (http_auth || managed_type)) {
          at("WARDEN-RISK-HTTP-ADMIN").add(value);
        }
        if (service_named(text, "rtsp")) {
          at("WARDEN-RISK-RTSP").add(value);
        }
        if (tcp_port(1883) || (tcp && service_named(text, "mqtt"))) {
          at("WARDEN-RISK-MQTT-CLEARTEXT").add(value);
        }
        for (const std::uint16_t port : kDebugPorts) {
          if (tcp_port(port)) {
            at("WARDEN-RISK-DEBUG-PORT").add(value);
          }
        }
        break;
      }
      case Attr::MqttClientId:
        at("WARDEN-RISK-MQTT-CLEARTEXT").add(value);  // the analyzer only reads cleartext MQTT
        break;
      case Attr::LoginAttempt:
        if (text.starts_with("mqtt user=(none) result=success")) {
          at("WARDEN-RISK-MQTT-NO-AUTH").add(value);
        }
        break;
      case Attr::SnmpVersion:
        if ((text == "v1" || text == "v2c") && snmp_agent) {
          at("WARDEN-RISK-SNMP-V1V2C").add(value);
        }
        break;
      case Attr::SnmpCommunity:
        if (text != "(custom)" && snmp_agent) {
          at("WARDEN-RISK-SNMP-DEFAULT-COMMUNITY").add(value);
        }
        break;
      case Attr::SsdpLocation:
      case Attr::SsdpServer:
        at("WARDEN-RISK-UPNP").add(value);
        break;
      case Attr::SsdpType:
      case Attr::UpnpDeviceType:
        if (ifind(text, "InternetGatewayDevice") != std::string_view::npos ||
            ifind(text, "WANIPConnection") != std::string_view::npos) {
          at("WARDEN-RISK-UPNP-IGD").add(value);
        }
        break;
      case Attr::CleartextCredential:
        at("WARDEN-RISK-CLEARTEXT-CREDENTIALS").add(value);
        break;
      case Attr::DefaultCredential: {
        // Raised unless every login with this pair is known to have been refused.
        const std::string key = login_key(text);
        const bool accepted =
            std::find(accepted_logins.begin(), accepted_logins.end(), key) != accepted_logins.end();
        const bool rejected =
            std::find(rejected_logins.begin(), rejected_logins.end(), key) != rejected_logins.end();
        if (accepted || !rejected) {
          at("WARDEN-RISK-DEFAULT-CREDENTIALS").add(value);
        }
        break;
      }
      case Attr::TlsVersion:
        if (text == "1.0" || text == "1.1" || text == "ssl3") {
          at("WARDEN-RISK-WEAK-TLS").add(value);
        }
        break;
      case Attr::TlsCipher:
        if (text.find(' ') != std::string_view::npos) {  // named only when weak
          at("WARDEN-RISK-WEAK-TLS").add(value);
        }
        break;
      case Attr::IcsControl:
        if (!(text.starts_with("dnp3 ") && dnp3_secure_auth)) {
          at("WARDEN-RISK-OT-UNAUTHENTICATED-CONTROL").add(value);
        }
        break;
      case Attr::CleartextExternal:
        at("WARDEN-RISK-CLEARTEXT-INTERNET").add(value);
        break;
      default:
        break;
    }
  }

  device.findings.clear();
  device.risk_score = 0;
  for (std::size_t index = 0; index < kKinds.size(); ++index) {
    if (!evidence[index].empty()) {
      device.findings.push_back(evidence[index].to_finding(kKinds[index]));
      device.risk_score += kKinds[index].points;
    }
  }
  device.risk_score = std::min(device.risk_score, 100);
  std::stable_sort(device.findings.begin(), device.findings.end(),
                   [](const inventory::Finding& a, const inventory::Finding& b) {
                     return severity_rank(a.severity) > severity_rank(b.severity);
                   });
}

}  // namespace warden::risk
