// SPDX-License-Identifier: Apache-2.0
#include "export/device_format.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <map>
#include <ostream>
#include <set>

namespace warden::exporter {
namespace {

using proto::Attr;

std::vector<std::string> values_of(const inventory::Device& device, Attr attr) {
  std::vector<std::string> out;
  for (const auto& attribute : device.attributes) {
    if (attribute.attr == attr && std::find(out.begin(), out.end(), attribute.value) == out.end()) {
      out.push_back(attribute.value);
    }
  }
  return out;
}

nlohmann::json value_or_null(const std::vector<std::string>& values) {
  return values.empty() ? nlohmann::json(nullptr) : nlohmann::json(values.front());
}

/// Addresses in a stable order: IPv4 first, then IPv6, each sorted.
std::vector<std::string> addresses_of(const inventory::Device& device) {
  std::set<IpAddress> addresses;
  for (const auto& attribute : device.attributes) {
    if (attribute.attr == Attr::Ipv4 || attribute.attr == Attr::Ipv6) {
      if (auto ip = IpAddress::parse(attribute.value); ip && ip->is_assignable()) {
        addresses.insert(*ip);
      }
    }
  }
  std::vector<std::string> out;
  for (const IpAddress& ip : addresses) {
    if (ip.is_v4()) {
      out.push_back(ip.to_string());
    }
  }
  for (const IpAddress& ip : addresses) {
    if (ip.is_v6()) {
      out.push_back(ip.to_string());
    }
  }
  return out;
}

/// Services as objects: "tcp/80 http" plus any banner seen on that port.
nlohmann::json services_of(const inventory::Device& device) {
  std::map<std::pair<std::string, int>, nlohmann::json> services;
  auto split = [](const std::string& value, std::string& transport, int& port, std::string& rest) {
    const std::size_t slash = value.find('/');
    if (slash == std::string::npos) {
      return false;
    }
    transport = value.substr(0, slash);
    const std::size_t space = value.find(' ', slash);
    const std::string number =
        value.substr(slash + 1, space == std::string::npos ? std::string::npos : space - slash - 1);
    port = 0;
    for (const char c : number) {
      if (c < '0' || c > '9' || port > 65535) {
        return false;
      }
      port = port * 10 + (c - '0');
    }
    rest = space == std::string::npos ? "" : value.substr(space + 1);
    return true;
  };
  for (const auto& attribute : device.attributes) {
    if (attribute.attr != Attr::Service && attribute.attr != Attr::ServiceBanner) {
      continue;
    }
    std::string transport;
    std::string rest;
    int port = 0;
    if (!split(attribute.value, transport, port, rest)) {
      continue;
    }
    nlohmann::json& entry = services[{transport, port}];
    if (entry.is_null()) {
      entry = {
          {"transport", transport}, {"port", port}, {"protocol", nullptr}, {"banner", nullptr}};
    }
    if (attribute.attr == Attr::Service && !rest.empty()) {
      entry["protocol"] = rest;
    } else if (attribute.attr == Attr::ServiceBanner && entry["banner"].is_null()) {
      entry["banner"] = rest;
    }
  }
  nlohmann::json out = nlohmann::json::array();
  for (auto& [key, entry] : services) {
    out.push_back(std::move(entry));
  }
  return out;
}

std::string join(const std::vector<std::string>& values, std::string_view separator) {
  std::string out;
  for (const std::string& value : values) {
    if (!out.empty()) {
      out += separator;
    }
    out += value;
  }
  return out;
}

std::string csv_field(const std::string& value) {
  if (value.find_first_of(",\"\n") == std::string::npos) {
    return value;
  }
  std::string out = "\"";
  for (const char c : value) {
    out += c;
    if (c == '"') {
      out += '"';
    }
  }
  return out + "\"";
}

std::string device_label(const inventory::Device& device) {
  return device.mac ? device.mac->to_string() : (device.key_ip ? device.key_ip->to_string() : "");
}

}  // namespace

std::optional<Format> parse_format(std::string_view name) {
  if (name == "table") {
    return Format::Table;
  }
  if (name == "json") {
    return Format::Json;
  }
  if (name == "csv") {
    return Format::Csv;
  }
  if (name == "ndjson") {
    return Format::Ndjson;
  }
  return std::nullopt;
}

std::string format_time(std::int64_t us) {
  const auto seconds = static_cast<std::time_t>(us / 1'000'000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", utc.tm_year + 1900,
                     utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                     us % 1'000'000);
}

/// The identified vendor: the brand the evidence supports, empty when it supports none (a
/// chip maker's MAC prefix alone is not enough; `oui_vendor` keeps the registry's name).
std::string display_vendor(const inventory::Device& device) {
  return device.identity_value("vendor");
}

nlohmann::json finding_to_json(const inventory::Finding& finding) {
  return {{"id", finding.id},
          {"title", finding.title},
          {"severity", finding.severity},
          {"points", finding.points},
          {"evidence", finding.evidence},
          {"protocol", finding.protocol},
          {"first_seen", format_time(finding.first_us)},
          {"last_seen", format_time(finding.last_us)},
          {"count", finding.count},
          {"remediation", finding.remediation},
          {"controls", finding.controls}};
}

std::vector<std::string> finding_ids(const inventory::Device& device) {
  std::vector<std::string> ids;
  for (const auto& finding : device.findings) {
    ids.push_back(finding.id);
  }
  return ids;
}

nlohmann::json device_to_json(const inventory::Device& device) {
  nlohmann::json out;
  auto text_or_null = [](const std::string& text) {
    return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text);
  };
  out["key"] = device.key;
  out["mac"] = device.mac ? nlohmann::json(device.mac->to_string()) : nlohmann::json(nullptr);
  out["ips"] = addresses_of(device);
  out["hostnames"] = values_of(device, Attr::Hostname);
  out["vendor"] = text_or_null(display_vendor(device));
  out["oui_vendor"] = device.vendor ? nlohmann::json(*device.vendor) : nlohmann::json(nullptr);
  const std::string type = device.identity_value("type");
  out["type"] = type.empty() ? "unknown" : type;
  out["model"] = text_or_null(device.identity_value("model"));
  out["os"] = text_or_null(device.identity_value("os"));
  out["firmware"] = text_or_null(device.identity_value("firmware"));
  nlohmann::json identity = nlohmann::json::object();
  for (const inventory::IdentityField& field : device.identity) {
    identity[field.field] = {{"value", field.value},
                             {"confidence", std::round(field.confidence * 100) / 100},
                             {"source", field.source},
                             {"evidence", field.evidence}};
  }
  out["identity"] = std::move(identity);
  out["risk_score"] = device.risk_score;
  nlohmann::json findings = nlohmann::json::array();
  for (const inventory::Finding& finding : device.findings) {
    findings.push_back(finding_to_json(finding));
  }
  out["findings"] = std::move(findings);
  out["locally_administered"] = device.locally_administered;
  out["is_router"] = device.is_router;
  out["first_seen"] = format_time(device.first_us);
  out["last_seen"] = format_time(device.last_us);
  out["packets_out"] = device.counters.packets_out;
  out["packets_in"] = device.counters.packets_in;
  out["bytes_out"] = device.counters.bytes_out;
  out["bytes_in"] = device.counters.bytes_in;
  out["dhcp"] = {{"fingerprints", values_of(device, Attr::DhcpFingerprint)},
                 {"vendor_classes", values_of(device, Attr::DhcpVendorClass)},
                 {"client_ids", values_of(device, Attr::DhcpClientId)},
                 {"duids", values_of(device, Attr::DhcpDuid)}};
  out["user_agents"] = values_of(device, Attr::HttpUserAgent);
  out["http_servers"] = values_of(device, Attr::HttpServer);
  out["mdns"] = {{"services", values_of(device, Attr::MdnsService)},
                 {"service_types", values_of(device, Attr::MdnsServiceType)},
                 {"txt", values_of(device, Attr::MdnsTxt)}};
  out["netbios"] = {{"names", values_of(device, Attr::NetbiosName)},
                    {"groups", values_of(device, Attr::NetbiosGroup)}};
  out["ssdp"] = {{"servers", values_of(device, Attr::SsdpServer)},
                 {"locations", values_of(device, Attr::SsdpLocation)},
                 {"usns", values_of(device, Attr::SsdpUsn)},
                 {"types", values_of(device, Attr::SsdpType)},
                 {"user_agents", values_of(device, Attr::SsdpUserAgent)}};
  out["upnp"] = {{"friendly_name", value_or_null(values_of(device, Attr::UpnpFriendlyName))},
                 {"manufacturer", value_or_null(values_of(device, Attr::UpnpManufacturer))},
                 {"model_name", value_or_null(values_of(device, Attr::UpnpModelName))},
                 {"model_number", value_or_null(values_of(device, Attr::UpnpModelNumber))},
                 {"serial_number", value_or_null(values_of(device, Attr::UpnpSerialNumber))},
                 {"device_type", value_or_null(values_of(device, Attr::UpnpDeviceType))},
                 {"udn", value_or_null(values_of(device, Attr::UpnpUdn))}};
  out["tls"] = {{"sni", values_of(device, Attr::TlsSni)},
                {"ja3", values_of(device, Attr::TlsJa3)},
                {"ja4", values_of(device, Attr::TlsJa4)},
                {"ja3s", values_of(device, Attr::TlsJa3s)},
                {"alpn", values_of(device, Attr::TlsAlpn)},
                {"versions", values_of(device, Attr::TlsVersion)},
                {"cert_subjects", values_of(device, Attr::TlsCertSubject)},
                {"cert_issuers", values_of(device, Attr::TlsCertIssuer)}};
  out["lldp"] = {{"system_names", values_of(device, Attr::LldpSystemName)},
                 {"system_descriptions", values_of(device, Attr::LldpSystemDescription)},
                 {"platforms", values_of(device, Attr::LldpPlatform)},
                 {"capabilities", values_of(device, Attr::LldpCapabilities)},
                 {"management_addresses", values_of(device, Attr::LldpManagementAddress)},
                 {"port_ids", values_of(device, Attr::LldpPortId)}};
  out["services"] = services_of(device);
  out["protocols"] = values_of(device, Attr::Protocol);
  out["dns_queries"] = values_of(device, Attr::DnsQuery);
  nlohmann::json internal = nlohmann::json::array();
  nlohmann::json external = nlohmann::json::array();
  for (const auto& peer : device.peers) {
    (peer.ip.is_private() ? internal : external).push_back(peer.ip.to_string());
  }
  out["peers"] = {{"internal", internal}, {"external", external}};
  // The IoT/OT signals (MQTT, CoAP, SNMP, RTSP, logins, OT identity, TCP fingerprints...) by
  // attribute name; the fields above cover the rest.
  nlohmann::json signals = nlohmann::json::object();
  for (int value = static_cast<int>(Attr::MqttClientId);
       value <= static_cast<int>(proto::kLastAttr); ++value) {
    const auto attr = static_cast<Attr>(value);
    if (auto values = values_of(device, attr); !values.empty()) {
      signals[std::string(proto::attr_name(attr))] = std::move(values);
    }
  }
  out["signals"] = std::move(signals);
  return out;
}

nlohmann::json device_evidence_to_json(const inventory::Device& device) {
  nlohmann::json out = device_to_json(device);
  nlohmann::json evidence = nlohmann::json::array();
  for (const auto& attribute : device.attributes) {
    evidence.push_back({{"attribute", proto::attr_name(attribute.attr)},
                        {"value", attribute.value},
                        {"protocol", attribute.protocol},
                        {"first_seen", format_time(attribute.first_us)},
                        {"last_seen", format_time(attribute.last_us)},
                        {"count", attribute.count}});
  }
  out["evidence"] = std::move(evidence);
  nlohmann::json peers = nlohmann::json::array();
  for (const auto& peer : device.peers) {
    peers.push_back({{"ip", peer.ip.to_string()},
                     {"external", !peer.ip.is_private()},
                     {"flows", peer.flows},
                     {"first_seen", format_time(peer.first_us)},
                     {"last_seen", format_time(peer.last_us)}});
  }
  out["peer_detail"] = std::move(peers);
  return out;
}

void write_alerts_table(std::ostream& out, const std::vector<detect::Alert>& alerts) {
  out << fmt::format("{:<27}  {:<8}  {:<30}  {:>6}  {}\n", "LAST SEEN", "SEVERITY", "RULE", "COUNT",
                     "MESSAGE");
  for (const detect::Alert& alert : alerts) {
    std::string message = alert.message;
    if (message.size() > 100) {
      message = message.substr(0, 99) + "~";
    }
    out << fmt::format("{:<27}  {:<8}  {:<30}  {:>6}  {}\n", format_time(alert.last_us),
                       alert.severity, alert.rule_id.substr(0, 30), alert.count, message);
  }
  out << alerts.size() << " alerts\n";
}

void write_findings(std::ostream& out, const std::vector<inventory::Device>& devices,
                    Format format) {
  struct Row {
    const inventory::Device* device;
    const inventory::Finding* finding;
  };
  std::vector<Row> rows;
  for (const auto& device : devices) {
    for (const auto& finding : device.findings) {
      rows.push_back({&device, &finding});
    }
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return a.finding->points != b.finding->points ? a.finding->points > b.finding->points
                                                  : a.device->key < b.device->key;
  });
  auto row_json = [](const Row& row) {
    nlohmann::json item = finding_to_json(*row.finding);
    item["device"] = {
        {"key", row.device->key},
        {"mac",
         row.device->mac ? nlohmann::json(row.device->mac->to_string()) : nlohmann::json(nullptr)},
        {"ips", addresses_of(*row.device)},
        {"vendor", display_vendor(*row.device).empty()
                       ? nlohmann::json(nullptr)
                       : nlohmann::json(display_vendor(*row.device))},
        {"type", row.device->identity_value("type").empty() ? "unknown"
                                                            : row.device->identity_value("type")},
        {"risk_score", row.device->risk_score}};
    return item;
  };
  switch (format) {
    case Format::Json: {
      nlohmann::json array = nlohmann::json::array();
      for (const Row& row : rows) {
        array.push_back(row_json(row));
      }
      out << array.dump(2) << '\n';
      return;
    }
    case Format::Ndjson:
      for (const Row& row : rows) {
        out << row_json(row).dump() << '\n';
      }
      return;
    case Format::Csv:
      out << "device,ips,vendor,type,id,severity,points,title,evidence,protocol,first_seen,"
             "last_seen,count,remediation,controls\n";
      for (const Row& row : rows) {
        const inventory::Finding& f = *row.finding;
        out << csv_field(row.device->key) << ',' << csv_field(join(addresses_of(*row.device), " "))
            << ',' << csv_field(display_vendor(*row.device)) << ','
            << csv_field(row.device->identity_value("type")) << ',' << f.id << ',' << f.severity
            << ',' << f.points << ',' << csv_field(f.title) << ',' << csv_field(f.evidence) << ','
            << csv_field(f.protocol) << ',' << format_time(f.first_us) << ','
            << format_time(f.last_us) << ',' << f.count << ',' << csv_field(f.remediation) << ','
            << csv_field(join(f.controls, "; ")) << '\n';
      }
      return;
    case Format::Table:
      out << fmt::format("{:<17}  {:<16}  {:<8}  {:<38}  {}\n", "DEVICE", "IP", "SEVERITY",
                         "FINDING", "EVIDENCE");
      for (const Row& row : rows) {
        const auto ips = addresses_of(*row.device);
        std::string evidence = row.finding->evidence;
        if (evidence.size() > 70) {
          evidence = evidence.substr(0, 69) + "~";
        }
        out << fmt::format("{:<17}  {:<16}  {:<8}  {:<38}  {}\n", device_label(*row.device),
                           ips.empty() ? "-" : ips.front(), row.finding->severity,
                           row.finding->title.substr(0, 38), evidence);
      }
      out << rows.size() << " findings on " << [&] {
        std::set<std::string> keys;
        for (const Row& row : rows) {
          keys.insert(row.device->key);
        }
        return keys.size();
      }() << " devices\n";
      return;
  }
}

void write_devices(std::ostream& out, const std::vector<inventory::Device>& devices,
                   Format format) {
  switch (format) {
    case Format::Json: {
      nlohmann::json array = nlohmann::json::array();
      for (const auto& device : devices) {
        array.push_back(device_to_json(device));
      }
      out << array.dump(2) << '\n';
      return;
    }
    case Format::Ndjson:
      for (const auto& device : devices) {
        out << device_to_json(device).dump() << '\n';
      }
      return;
    case Format::Csv:
      out << "key,mac,ips,hostnames,vendor,type,model,os,firmware,risk_score,findings,"
             "locally_administered,is_router,first_seen,last_seen,packets_out,packets_in,"
             "bytes_out,bytes_in,services\n";
      for (const auto& device : devices) {
        std::vector<std::string> services;
        for (const auto& service : services_of(device)) {
          services.push_back(fmt::format("{}/{}", service["transport"].get<std::string>(),
                                         service["port"].get<int>()));
        }
        out << csv_field(device.key) << ','
            << (device.mac ? device.mac->to_string() : std::string()) << ','
            << csv_field(join(addresses_of(device), " ")) << ','
            << csv_field(join(values_of(device, Attr::Hostname), " ")) << ','
            << csv_field(display_vendor(device)) << ','
            << csv_field(device.identity_value("type").empty() ? "unknown"
                                                               : device.identity_value("type"))
            << ',' << csv_field(device.identity_value("model")) << ','
            << csv_field(device.identity_value("os")) << ','
            << csv_field(device.identity_value("firmware")) << ',' << device.risk_score << ','
            << csv_field(join(finding_ids(device), " ")) << ','
            << (device.locally_administered ? 1 : 0) << ',' << (device.is_router ? 1 : 0) << ','
            << format_time(device.first_us) << ',' << format_time(device.last_us) << ','
            << device.counters.packets_out << ',' << device.counters.packets_in << ','
            << device.counters.bytes_out << ',' << device.counters.bytes_in << ','
            << csv_field(join(services, " ")) << '\n';
      }
      return;
    case Format::Table:
      out << fmt::format("{:<17}  {:<24}  {:<20}  {:<20}  {:<15}  {:>4}  {}\n", "DEVICE", "IP",
                         "HOSTNAME", "VENDOR", "TYPE", "RISK", "SERVICES");
      for (const auto& device : devices) {
        const auto ips = addresses_of(device);
        const auto names = values_of(device, Attr::Hostname);
        std::vector<std::string> services;
        for (const auto& service : services_of(device)) {
          services.push_back(fmt::format("{}/{}", service["transport"].get<std::string>(),
                                         service["port"].get<int>()));
        }
        std::string vendor = display_vendor(device);
        if (vendor.empty()) {
          vendor = device.locally_administered ? "(randomized)"
                   : device.vendor             ? "(" + *device.vendor + ")"
                                               : "-";
        }
        if (vendor.size() > 20) {
          vendor = vendor.substr(0, 19) + "~";
        }
        std::string type = device.identity_value("type");
        type = type.empty() ? "unknown" : type.substr(0, 15);
        std::string label = device_label(device);
        if (device.is_router) {
          label += " R";
        }
        out << fmt::format(
            "{:<17}  {:<24}  {:<20}  {:<20}  {:<15}  {:>4}  {}\n", label,
            ips.empty()
                ? "-"
                : ips.front() + (ips.size() > 1 ? " +" + std::to_string(ips.size() - 1) : ""),
            names.empty() ? "-" : names.front().substr(0, 20), vendor, type, device.risk_score,
            services.empty() ? "-" : join(services, " "));
      }
      out << devices.size() << " devices\n";
      return;
  }
}

void write_device_detail(std::ostream& out, const inventory::Device& device, Format format) {
  if (format != Format::Table) {
    out << device_evidence_to_json(device).dump(format == Format::Ndjson ? -1 : 2) << '\n';
    return;
  }
  out << "Device " << device.key << (device.is_router ? "  (router)" : "") << '\n';
  out << "  mac vendor: "
      << device.vendor.value_or(device.locally_administered ? "(locally administered MAC)"
                                                            : "unknown")
      << '\n';
  out << "  identity:\n";
  for (const inventory::IdentityField& field : device.identity) {
    out << fmt::format("    {:<9} {}  (confidence {:.2f}, {})\n", field.field + ":", field.value,
                       field.confidence, field.source);
    for (const std::string& sentence : field.evidence) {
      out << "               - " << sentence << '\n';
    }
  }
  out << "  risk score: " << device.risk_score << '\n';
  for (const inventory::Finding& finding : device.findings) {
    out << fmt::format("    [{}] {} ({}, +{})\n", finding.severity, finding.title, finding.id,
                       finding.points);
    out << "        evidence: " << finding.evidence << '\n';
    out << "        fix:      " << finding.remediation << '\n';
  }
  out << "  seen:      " << format_time(device.first_us) << " .. " << format_time(device.last_us)
      << '\n';
  out << fmt::format("  traffic:   {} packets / {} bytes out, {} packets / {} bytes in\n",
                     device.counters.packets_out, device.counters.bytes_out,
                     device.counters.packets_in, device.counters.bytes_in);
  out << fmt::format("  {:<24} {:<40} {:<10} {:>7}  {:<27}  {}\n", "ATTRIBUTE", "VALUE", "SOURCE",
                     "COUNT", "FIRST SEEN", "LAST SEEN");
  std::vector<const inventory::AttributeValue*> sorted;
  for (const auto& attribute : device.attributes) {
    sorted.push_back(&attribute);
  }
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) {
    return static_cast<int>(a->attr) < static_cast<int>(b->attr);
  });
  for (const auto* attribute : sorted) {
    out << fmt::format("  {:<24} {:<40} {:<10} {:>7}  {:<27}  {}\n",
                       proto::attr_name(attribute->attr), attribute->value, attribute->protocol,
                       attribute->count, format_time(attribute->first_us),
                       format_time(attribute->last_us));
  }
  if (!device.peers.empty()) {
    out << "  peers (" << device.peers.size() << "):\n";
    for (const auto& peer : device.peers) {
      out << fmt::format("    {:<40} {:<8} {:>6} flows\n", peer.ip.to_string(),
                         peer.ip.is_private() ? "internal" : "external", peer.flows);
    }
  }
}

}  // namespace warden::exporter
