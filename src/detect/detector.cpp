// SPDX-License-Identifier: Apache-2.0
#include "detect/detector.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <tuple>
#include <unordered_map>

#include "detect/device_index.hpp"
#include "protocols/registry.hpp"

namespace warden::detect {
namespace {

constexpr std::array<RuleInfo, 21> kRules = {{
    {"WARDEN-DET-NEW-DEVICE", "New device", "low", "T1200"},
    {"WARDEN-DET-ROGUE-DEVICE", "Device not approved", "medium", "T1200"},
    {"WARDEN-DET-MIRAI-SCAN", "Mirai-style telnet scanning", "critical", "T1046,T1110.001"},
    {"WARDEN-DET-PORT-SCAN", "Port scan", "high", "T1046"},
    {"WARDEN-DET-UDP-PORT-SCAN", "UDP port scan", "high", "T1046"},
    {"WARDEN-DET-HOST-SWEEP", "Host sweep", "medium", "T1018,T1046,T0846"},
    {"WARDEN-DET-PING-SWEEP", "Ping sweep", "medium", "T1018,T0846"},
    {"WARDEN-DET-ARP-SWEEP", "ARP sweep", "medium", "T1018,T0846"},
    {"WARDEN-DET-BRUTE-FORCE", "Brute-force login", "high", "T1110.001"},
    {"WARDEN-DET-BEACON", "Periodic beaconing to an internet host", "high", "T1071,T1029"},
    {"WARDEN-DET-UNEXPECTED-PORT", "Internet connection on an unexpected port", "medium", "T1571"},
    {"WARDEN-DET-EXFILTRATION", "Large outbound transfer", "high", "T1041,T1048"},
    {"WARDEN-DET-ROLE-VIOLATION", "Device acting outside its role", "high", "T1021,T0886"},
    {"WARDEN-DET-DGA", "Algorithmically generated domains", "high", "T1568.002"},
    {"WARDEN-DET-DNS-TUNNEL", "DNS tunnelling", "high", "T1071.004,T1572"},
    {"WARDEN-DET-ICMP-TUNNEL", "ICMP tunnelling", "high", "T1095,T1572"},
    {"WARDEN-DET-DNS-FILE", "File carried in DNS names", "high", "T1048.003,T1132.001"},
    {"WARDEN-DET-INTEL-IP", "Contact with a listed address", "high", "T1071"},
    {"WARDEN-DET-INTEL-DOMAIN", "Lookup of a listed domain", "high", "T1071.004"},
    {"WARDEN-DET-NEW-BEHAVIOUR", "New behaviour after the learning period", "low", "T1071,T1571"},
    // Raised by policy_violations() (policy_check.cpp) under `warden analyze --policy`.
    {"WARDEN-POL-VIOLATION", "Segmentation policy violation", "high", "T1599,T0886"},
}};

/// Device types that serve rather than initiate: opening sessions to other internal hosts is
/// outside their role.
constexpr std::array<std::string_view, 12> kServingTypes = {
    "ip_camera",  "nvr_dvr",  "printer",    "plc",    "rtu",        "building_controller",
    "smart_plug", "lighting", "thermostat", "sensor", "smart_lock", "video_doorbell"};

/// What a serving device may start on the internal network: DNS, DHCP, NTP, mDNS, SSDP, MQTT,
/// CoAP, syslog.
constexpr std::array<std::uint16_t, 10> kServingMayStart = {53,   67,   123,  5353, 1900,
                                                            1883, 8883, 5683, 514,  68};

/// Protocols a serving device has no business initiating.
constexpr std::array<std::string_view, 7> kAdminProtocols = {"telnet", "ssh", "smb",   "rdp",
                                                             "ftp",    "vnc", "s7comm"};

const RuleInfo& rule(std::string_view id) {
  for (const RuleInfo& info : kRules) {
    if (info.id == id) {
      return info;
    }
  }
  return kRules[0];
}

std::vector<std::string> split_techniques(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    out.emplace_back(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
  }
  return out;
}

std::string transport_name(std::uint8_t proto) {
  return proto == 6 ? "tcp" : proto == 17 ? "udp" : "";
}

bool is_internal(const IpAddress& ip) {
  return ip.is_private();
}

/// A conversation a device of this network opened to a unicast internet host: what the
/// exfiltration rule and the learned outbound volume count.
bool opened_to_internet(const ConversationKey& key) {
  return is_internal(key.initiator) && !is_internal(key.responder) && !key.responder.is_multicast();
}

class Builder {
 public:
  Builder(const DeviceIndex& index, std::vector<Alert>& out) : index_(index), out_(out) {}

  Alert& add(std::string_view rule_id, const std::string& subject, const IpAddress& source,
             std::int64_t first_us, std::int64_t last_us, std::uint64_t count,
             std::string message) {
    const RuleInfo& info = rule(rule_id);
    Alert alert;
    alert.rule_id = std::string(info.id);
    alert.rule_name = std::string(info.name);
    alert.severity = std::string(info.severity);
    alert.techniques = split_techniques(info.techniques);
    alert.id = alert.rule_id + ":" + subject;
    alert.first_us = first_us;
    alert.last_us = last_us;
    alert.count = std::max<std::uint64_t>(count, 1);
    alert.message = std::move(message);
    if (source.is_set()) {
      alert.source_ip = source.to_string();
      const inventory::Device* device = index_.find(source);
      if (device != nullptr) {
        alert.device_key = device->key;
        alert.device = describe(device);
        if (device->mac) {
          alert.source_mac = device->mac->to_string();
        }
      }
    }
    out_.push_back(std::move(alert));
    return out_.back();
  }
  [[nodiscard]] const DeviceIndex& index() const { return index_; }

 private:
  const DeviceIndex& index_;
  std::vector<Alert>& out_;
};

std::string label(const IpAddress& ip, const DeviceIndex& index) {
  const inventory::Device* device = index.find(ip);
  std::string text = ip.to_string();
  if (device != nullptr) {
    const std::string type = device->identity_value("type");
    const std::string vendor = device->identity_value("vendor");
    std::string what = vendor;
    if (!type.empty() && type != "unknown") {
      what += (what.empty() ? "" : " ") + type;
    }
    if (!what.empty()) {
      text += " (" + what + ")";
    }
  }
  return text;
}

/// A source's TCP connection attempts, read from its conversations.
struct SourceActivity {
  std::int64_t first_us = 0;
  std::int64_t last_us = 0;
  std::uint64_t telnet_syns = 0;
  std::uint64_t mirai_seq = 0;
  std::uint64_t unanswered = 0;
  std::set<IpAddress> telnet_targets;
  std::map<IpAddress, std::size_t> ports_by_host;
  std::map<std::uint16_t, std::size_t> hosts_by_port;
  // UDP: the ports of each host that never answered (kept apart, with their own times).
  std::int64_t udp_first_us = 0;
  std::int64_t udp_last_us = 0;
  std::map<IpAddress, std::size_t> silent_udp_ports_by_host;
};

/// The lowest ephemeral port (Linux's range starts here, IANA's at 49152). Replies to a client's
/// ephemeral ports are flows of their own, unanswered, to a new port each time (an SSDP answer
/// to each of a phone's searches): they are no scan, and UDP scans count only the ports below.
constexpr std::uint16_t kFirstEphemeralPort = 32768;

void scans(const Tracker& tracker, const DetectConfig& config, Builder& build) {
  constexpr std::uint8_t kTcp = 6;
  constexpr std::uint8_t kUdp = 17;
  std::unordered_map<IpAddress, SourceActivity> sources;
  for (const auto& [key, c] : tracker.conversations()) {
    if (key.transport == kUdp) {
      // A closed UDP port sends nothing back over UDP (an ICMP port unreachable at most, and
      // hosts rate-limit those): a scan is datagrams to many ports of one host, none answered.
      // Broadcast and multicast destinations never answer from their own address: not counted.
      if (c.answered == 0 && key.port < kFirstEphemeralPort && key.responder.is_assignable()) {
        SourceActivity& activity = sources[key.initiator];
        activity.udp_first_us =
            activity.udp_first_us == 0 ? c.first_us : std::min(activity.udp_first_us, c.first_us);
        activity.udp_last_us = std::max(activity.udp_last_us, c.last_us);
        ++activity.silent_udp_ports_by_host[key.responder];  // one conversation per port
      }
      continue;
    }
    if (key.transport != kTcp) {
      continue;
    }
    SourceActivity& activity = sources[key.initiator];
    activity.first_us =
        activity.first_us == 0 ? c.first_us : std::min(activity.first_us, c.first_us);
    activity.last_us = std::max(activity.last_us, c.last_us);
    if (key.port == 23 || key.port == 2323) {
      activity.telnet_syns += c.flows;
      activity.telnet_targets.insert(key.responder);
    }
    activity.mirai_seq += c.mirai_seq;
    activity.unanswered += c.flows - c.answered;
    ++activity.ports_by_host[key.responder];  // one conversation per port
    ++activity.hosts_by_port[key.port];       // one conversation per responder
  }
  for (const auto& [source, activity] : sources) {
    const std::string who = label(source, build.index());
    const bool mirai_seq = activity.mirai_seq >= config.mirai_seq_hosts;
    if (activity.telnet_targets.size() >= config.telnet_scan_hosts || mirai_seq) {
      Alert& alert = build.add(
          "WARDEN-DET-MIRAI-SCAN", source.to_string(), source, activity.first_us, activity.last_us,
          activity.telnet_syns,
          who + " probed " + std::to_string(activity.telnet_targets.size()) +
              " hosts on telnet ports 23/2323" +
              (mirai_seq ? ", with Mirai's sequence number = destination address trait" : ""));
      alert.transport = "tcp";
      alert.destination_port = 23;
      alert.evidence = {{"telnet_hosts", activity.telnet_targets.size()},
                        {"telnet_syns", activity.telnet_syns},
                        {"mirai_sequence_syns", activity.mirai_seq},
                        {"unanswered_flows", activity.unanswered}};
    }
    std::size_t widest_ports = 0;
    for (const auto& [host, ports] : activity.ports_by_host) {
      widest_ports = std::max(widest_ports, ports);
    }
    if (widest_ports >= config.port_scan_ports) {
      Alert& alert = build.add(
          "WARDEN-DET-PORT-SCAN", source.to_string(), source, activity.first_us, activity.last_us,
          widest_ports, who + " tried " + std::to_string(widest_ports) + " ports of one host");
      alert.transport = "tcp";
      alert.evidence = {{"most_ports_on_one_host", widest_ports},
                        {"hosts", activity.ports_by_host.size()},
                        {"unanswered_flows", activity.unanswered}};
    }
    std::size_t widest_silent = 0;
    IpAddress silent_host;
    for (const auto& [host, ports] : activity.silent_udp_ports_by_host) {
      if (ports > widest_silent) {
        widest_silent = ports;
        silent_host = host;
      }
    }
    if (widest_silent >= config.port_scan_ports) {
      Alert& alert =
          build.add("WARDEN-DET-UDP-PORT-SCAN", source.to_string(), source, activity.udp_first_us,
                    activity.udp_last_us, widest_silent,
                    who + " sent UDP datagrams to " + std::to_string(widest_silent) + " ports of " +
                        label(silent_host, build.index()) + " that never answered");
      alert.transport = "udp";
      alert.destination_ip = silent_host.to_string();
      alert.evidence = {{"most_silent_udp_ports_on_one_host", widest_silent},
                        {"hosts", activity.silent_udp_ports_by_host.size()}};
    }
    for (const auto& [port, hosts] : activity.hosts_by_port) {
      if (hosts >= config.sweep_hosts && port != 23 && port != 2323) {
        Alert& alert = build.add(
            "WARDEN-DET-HOST-SWEEP", source.to_string() + ":" + std::to_string(port), source,
            activity.first_us, activity.last_us, hosts,
            who + " swept " + std::to_string(hosts) + " hosts on tcp/" + std::to_string(port));
        alert.transport = "tcp";
        alert.destination_port = port;
        alert.evidence = {{"hosts", hosts}, {"port", port}};
      }
    }
  }
}

/// Whether `device` serves DHCP (a service on udp/67).
bool offers_dhcp(const inventory::Device& device) {
  return std::any_of(device.attributes.begin(), device.attributes.end(),
                     [](const inventory::AttributeValue& value) {
                       return value.attr == proto::Attr::Service &&
                              (value.value == "udp/67" || value.value.starts_with("udp/67 "));
                     });
}

/// Host discovery without connections: pings to many hosts, or ARP requests for many addresses
/// that no device answered (a router asks for its clients, which answer; a sweep asks for
/// addresses nobody holds).
void probe_sweeps(const Tracker& tracker, const DetectConfig& config, Builder& build) {
  for (const auto& [key, activity] : tracker.probes()) {
    std::size_t unknown = 0;  // targets no device of this run holds
    for (const std::uint64_t hash : activity.targets) {
      unknown += build.index().holds_hash(hash) ? 0U : 1U;
    }
    const std::size_t hosts = activity.targets.size();
    const inventory::Device* source = build.index().find(key.source);
    // A router ARPs on behalf of the traffic it forwards: a sweep routed through it into an
    // attached subnet makes it ask for every empty address, and the alert would name the router,
    // not the scanner. A DHCP server pings each address before it leases it (dnsmasq, ISC dhcpd).
    if (source != nullptr && ((key.kind == ProbeKind::Arp && source->is_router) ||
                              (key.kind == ProbeKind::Echo && offers_dhcp(*source)))) {
      continue;
    }
    const std::string who = label(key.source, build.index());
    const std::string at_least = activity.capped ? "at least " : "";
    if (key.kind == ProbeKind::Echo && hosts >= config.sweep_hosts) {
      Alert& alert = build.add("WARDEN-DET-PING-SWEEP", key.source.to_string(), key.source,
                               activity.first_us, activity.last_us, activity.probes,
                               fmt::format("{} pinged {}{} hosts ({} of them known devices)", who,
                                           at_least, hosts, hosts - unknown));
      alert.transport = key.source.is_v4() ? "icmp" : "ipv6-icmp";
      alert.evidence = {{"hosts", hosts},
                        {"hosts_capped", activity.capped},
                        {"echo_requests", activity.probes},
                        {"known_devices", hosts - unknown}};
    } else if (key.kind == ProbeKind::Arp && unknown >= config.sweep_hosts) {
      Alert& alert = build.add(
          "WARDEN-DET-ARP-SWEEP", key.source.to_string(), key.source, activity.first_us,
          activity.last_us, activity.probes,
          fmt::format("{} asked ARP for {}{} addresses, {} of them held by no device seen", who,
                      at_least, hosts, unknown));
      // ARP is no transport (ECS network.transport); the rule id and evidence say it.
      alert.evidence = {{"addresses", hosts},
                        {"addresses_capped", activity.capped},
                        {"unanswered", unknown},
                        {"arp_requests", activity.probes}};
    }
  }
}

/// Echo traffic that is not ping (EchoActivity): most replies not returning their request's data,
/// more replies to no request than requests, IP packets inside, or much data in many sizes.
void icmp_tunnels(const Tracker& tracker, const DetectConfig& config, Builder& build) {
  for (const auto& [key, echo] : tracker.echoes()) {
    const std::uint64_t data = echo.request_bytes + echo.reply_bytes;
    const bool not_echoed =
        echo.not_echoed >= config.icmp_tunnel_replies && echo.not_echoed > echo.echoed;
    // Replies to requests the sensor never saw are not counted when it saw none at all (a mirror
    // of one direction only); ping's replies never outnumber its requests.
    const bool unsolicited = echo.requests > 0 && echo.unsolicited >= config.icmp_tunnel_replies &&
                             echo.unsolicited > echo.requests;
    const bool ip_inside = echo.ip_inside >= config.icmp_tunnel_ip_packets;
    const bool varied =
        data >= config.icmp_tunnel_bytes && echo.sizes.size() >= config.icmp_tunnel_sizes;
    // ptunnel's own header with its default magic number: one packet says what it is.
    const bool ptunnel = echo.ptunnel > 0;
    if (!not_echoed && !unsolicited && !ip_inside && !varied && !ptunnel) {
      continue;
    }
    const std::string ptunnel_target =
        echo.ptunnel_port == 0
            ? std::string()
            : fmt::format("{}:{}", IpAddress::v4_from_u32(echo.ptunnel_ip).to_string(),
                          echo.ptunnel_port);
    std::vector<std::string> signs;
    if (not_echoed) {
      signs.push_back(fmt::format("{} of {} paired replies did not return their request's data",
                                  echo.not_echoed, echo.not_echoed + echo.echoed));
    }
    if (unsolicited) {
      signs.push_back(fmt::format("{} replies answered no request ({} requests)", echo.unsolicited,
                                  echo.requests));
    }
    if (ip_inside) {
      signs.push_back(fmt::format("{} carried IP packets", echo.ip_inside));
    }
    if (varied) {
      signs.push_back(fmt::format("{}{} data sizes in {} bytes", echo.sizes_capped ? "over " : "",
                                  echo.sizes.size(), data));
    }
    if (ptunnel) {
      signs.push_back(
          fmt::format("{} carried ptunnel's header{}", echo.ptunnel,
                      ptunnel_target.empty() ? "" : ", its client asking for " + ptunnel_target));
    }
    Alert& alert = build.add(
        "WARDEN-DET-ICMP-TUNNEL", key.requester.to_string() + ">" + key.responder.to_string(),
        key.requester, echo.first_us, echo.last_us, echo.requests + echo.replies,
        fmt::format("{} moves data through ICMP echo with {}: {}",
                    label(key.requester, build.index()), label(key.responder, build.index()),
                    fmt::join(signs, "; ")));
    alert.destination_ip = key.responder.to_string();
    alert.transport = key.requester.is_v4() ? "icmp" : "ipv6-icmp";
    // A tunnel's far end on the internet asking a device inside: the alert is about the device.
    if (alert.device_key.empty()) {
      if (const inventory::Device* device = build.index().find(key.responder)) {
        alert.device_key = device->key;
        alert.device = describe(device);
      }
    }
    alert.evidence = {{"echo_requests", echo.requests},
                      {"echo_replies", echo.replies},
                      {"request_data_bytes", echo.request_bytes},
                      {"reply_data_bytes", echo.reply_bytes},
                      {"replies_echoed", echo.echoed},
                      {"replies_not_echoed", echo.not_echoed},
                      {"replies_unsolicited", echo.unsolicited},
                      {"ip_packets_inside", echo.ip_inside},
                      {"data_sizes", echo.sizes.size()},
                      {"data_sizes_capped", echo.sizes_capped},
                      {"ptunnel_packets", echo.ptunnel}};
    if (!ptunnel_target.empty()) {
      alert.evidence["ptunnel_destination"] = ptunnel_target;
    }
  }
}

void brute_force(const Tracker& tracker, const DetectConfig& config, Builder& build) {
  for (const auto& [key, login] : tracker.logins()) {
    if (login.failures < config.brute_force_failures) {
      continue;
    }
    Alert& alert =
        build.add("WARDEN-DET-BRUTE-FORCE",
                  login.client.to_string() + ">" + login.server.to_string() + ":" + login.protocol,
                  login.client, login.first_us, login.last_us, login.failures,
                  label(login.client, build.index()) + " failed " + std::to_string(login.failures) +
                      " " + login.protocol + " logins on " + label(login.server, build.index()) +
                      (login.successes > 0 ? ", then succeeded" : ""));
    alert.destination_ip = login.server.to_string();
    alert.transport = "tcp";
    alert.evidence = {{"protocol", login.protocol},
                      {"failures", login.failures},
                      {"successes", login.successes},
                      {"users", login.users}};
  }
  // SSH hides its logins: many connections by one client to one SSH service is the sign.
  for (const auto& [key, conversation] : tracker.conversations()) {
    const proto::ProtocolInfo* info = proto::protocol_info(conversation.app);
    const bool ssh = key.port == 22 || (info != nullptr && info->name == "ssh");
    if (!ssh || key.transport != 6 || conversation.flows < config.brute_force_connections) {
      continue;
    }
    Alert& alert = build.add(
        "WARDEN-DET-BRUTE-FORCE",
        key.initiator.to_string() + ">" + key.responder.to_string() + ":ssh", key.initiator,
        conversation.first_us, conversation.last_us, conversation.flows,
        label(key.initiator, build.index()) + " opened " + std::to_string(conversation.flows) +
            " SSH connections to " + label(key.responder, build.index()));
    alert.destination_ip = key.responder.to_string();
    alert.destination_port = key.port;
    alert.transport = "tcp";
    alert.evidence = {{"protocol", "ssh"}, {"connections", conversation.flows}};
  }
}

/// A device's answered connections to the internet on unexpected ports, aggregated.
struct UnexpectedPorts {
  std::int64_t first_us = 0;
  std::int64_t last_us = 0;
  std::uint64_t flows = 0;
  std::set<std::string> ports;
  std::set<std::string> hosts;
  std::string example;  ///< the earliest such connection (ties: lowest address, then port)
  std::tuple<std::int64_t, IpAddress, std::uint16_t> example_rank;
};

void internet(const Tracker& tracker, const DetectContext& context, const DetectConfig& config,
              Builder& build) {
  std::unordered_map<IpAddress, UnexpectedPorts> unexpected;
  std::unordered_map<IpAddress, std::uint64_t> bytes_out;
  std::unordered_map<IpAddress, std::pair<std::int64_t, std::int64_t>> span;
  for (const auto& [key, c] : tracker.conversations()) {
    if (!opened_to_internet(key)) {
      continue;
    }
    bytes_out[key.initiator] += c.bytes_out;
    auto& window = span.try_emplace(key.initiator, c.first_us, c.last_us).first->second;
    window.first = std::min(window.first, c.first_us);
    window.second = std::max(window.second, c.last_us);
    auto pair = [](const ConversationKey& conversation) {
      return conversation.initiator.to_string() + ">" + conversation.responder.to_string();
    };
    const std::string transport = transport_name(key.transport);
    // Unexpected ports: answered connections only (a scan's unanswered SYNs are the scan's).
    const bool expected =
        key.port == 0 ||
        std::find(config.expected_external_ports.begin(), config.expected_external_ports.end(),
                  key.port) != config.expected_external_ports.end();
    if (!expected && !transport.empty() && c.answered > 0) {
      UnexpectedPorts& entry = unexpected[key.initiator];
      entry.first_us = entry.first_us == 0 ? c.first_us : std::min(entry.first_us, c.first_us);
      entry.last_us = std::max(entry.last_us, c.last_us);
      entry.flows += c.flows;
      entry.ports.insert(transport + "/" + std::to_string(key.port));
      entry.hosts.insert(key.responder.to_string());
      const auto rank = std::make_tuple(c.first_us, key.responder, key.port);
      if (entry.example.empty() || rank < entry.example_rank) {
        entry.example_rank = rank;
        entry.example =
            key.responder.to_string() + " on " + transport + "/" + std::to_string(key.port);
      }
    }
    // Beacons: regular intervals between connection starts.
    if (c.starts.size() >= config.beacon_min_connections) {
      std::vector<std::int64_t> starts = c.starts;
      std::sort(starts.begin(), starts.end());
      std::vector<double> gaps;
      for (std::size_t index = 1; index < starts.size(); ++index) {
        gaps.push_back(static_cast<double>(starts[index] - starts[index - 1]));
      }
      double mean = 0;
      for (const double gap : gaps) {
        mean += gap;
      }
      mean /= static_cast<double>(gaps.size());
      double variance = 0;
      for (const double gap : gaps) {
        variance += (gap - mean) * (gap - mean);
      }
      variance /= static_cast<double>(gaps.size());
      const double variation = mean > 0 ? std::sqrt(variance) / mean : 1.0;
      if (mean >= static_cast<double>(config.beacon_min_interval_us) &&
          variation <= config.beacon_max_variation) {
        Alert& alert = build.add(
            "WARDEN-DET-BEACON", pair(key) + ":" + std::to_string(key.port), key.initiator,
            c.first_us, c.last_us, c.flows,
            label(key.initiator, build.index()) + " contacts " + key.responder.to_string() +
                " every " + std::to_string(static_cast<long long>(std::lround(mean / 1e6))) +
                " s (" + std::to_string(c.flows) + " connections)");
        alert.destination_ip = key.responder.to_string();
        alert.destination_port = key.port;
        alert.transport = transport;
        alert.evidence = {{"connections", c.flows},
                          {"mean_interval_s", std::round(mean / 1e4) / 100},
                          {"interval_variation", std::round(variation * 1000) / 1000}};
      }
    }
    // Threat intelligence on addresses.
    if (context.intel != nullptr) {
      if (const auto match = context.intel->match_ip(key.responder)) {
        Alert& alert = build.add("WARDEN-DET-INTEL-IP", pair(key), key.initiator, c.first_us,
                                 c.last_us, c.flows,
                                 label(key.initiator, build.index()) + " contacted " +
                                     key.responder.to_string() + ", listed as " + match->indicator +
                                     (match->label.empty() ? "" : " (" + match->label + ")"));
        alert.destination_ip = key.responder.to_string();
        alert.destination_port = key.port;
        alert.transport = transport;
        alert.evidence = {{"indicator", match->indicator},
                          {"list", match->source},
                          {"label", match->label},
                          {"flows", c.flows}};
      }
    }
  }
  for (const auto& [device_ip, entry] : unexpected) {
    std::vector<std::string> ports(entry.ports.begin(), entry.ports.end());
    if (ports.size() > 20) {
      ports.resize(20);
    }
    Alert& alert = build.add("WARDEN-DET-UNEXPECTED-PORT", device_ip.to_string(), device_ip,
                             entry.first_us, entry.last_us, entry.flows,
                             label(device_ip, build.index()) + " connected to " +
                                 std::to_string(entry.hosts.size()) + " internet hosts on " +
                                 std::to_string(entry.ports.size()) + " unexpected ports (e.g. " +
                                 entry.example + ")");
    alert.evidence = {{"ports", ports},
                      {"distinct_ports", entry.ports.size()},
                      {"hosts", entry.hosts.size()},
                      {"flows", entry.flows}};
  }
  for (const auto& [device_ip, bytes] : bytes_out) {
    const inventory::Device* device = build.index().find(device_ip);
    std::uint64_t threshold = config.exfil_bytes;
    bool from_baseline = false;
    if (device != nullptr) {
      // A learned device is held to its own usual volume (a device that sent nothing while
      // learning to the floor), where that is stricter than the global threshold.
      if (const auto usual = context.exfil_baseline.find(device->key);
          usual != context.exfil_baseline.end()) {
        const double scaled = static_cast<double>(usual->second) * config.exfil_baseline_factor;
        const std::uint64_t own =
            std::max(config.exfil_baseline_floor, scaled >= static_cast<double>(config.exfil_bytes)
                                                      ? config.exfil_bytes
                                                      : static_cast<std::uint64_t>(scaled));
        if (own < threshold) {
          threshold = own;
          from_baseline = true;
        }
      }
    }
    if (bytes >= threshold) {
      const auto& window = span[device_ip];
      Alert& alert = build.add("WARDEN-DET-EXFILTRATION", device_ip.to_string(), device_ip,
                               window.first, window.second, 1,
                               label(device_ip, build.index()) + " sent " +
                                   std::to_string(bytes / 100'000 / 10) + "." +
                                   std::to_string(bytes / 100'000 % 10) + " MB to the internet");
      alert.evidence = {{"bytes_out_external", bytes},
                        {"threshold", threshold},
                        {"from_baseline", from_baseline}};
      if (from_baseline) {
        alert.evidence["learned_bytes_out"] = context.exfil_baseline.at(device->key);
      }
    }
  }
}

void dns(const Tracker& tracker, const DetectContext& context, const DetectConfig& config,
         Builder& build) {
  for (const auto& [client, activity] : tracker.dns()) {
    const std::string who = label(client, build.index());
    if (activity.random_looking.size() >= config.dga_names) {
      std::vector<std::string> sample(activity.random_looking.begin(),
                                      activity.random_looking.end());
      std::sort(sample.begin(), sample.end());
      sample.resize(std::min<std::size_t>(sample.size(), 5));
      Alert& alert =
          build.add("WARDEN-DET-DGA", client.to_string(), client, activity.first_us,
                    activity.last_us, activity.random_looking.size(),
                    who + " looked up " + std::to_string(activity.random_looking.size()) +
                        " random-looking domains");
      alert.evidence = {{"domains", activity.random_looking.size()}, {"sample", sample}};
    }
    for (const DnsActivity::Domain& stats : activity.domains) {
      const std::string& domain = stats.name;
      const double mean = stats.queries == 0 ? 0.0
                                             : static_cast<double>(stats.label_bytes) /
                                                   static_cast<double>(stats.queries);
      if (stats.names.size() >= config.tunnel_names && mean >= config.tunnel_mean_label_bytes) {
        Alert& alert = build.add("WARDEN-DET-DNS-TUNNEL", client.to_string() + ">" + domain, client,
                                 activity.first_us, activity.last_us, stats.queries,
                                 fmt::format("{} sent {} distinct long names under {}", who,
                                             stats.names.size(), domain));
        alert.evidence = {{"domain", domain},
                          {"distinct_names", stats.names.size()},
                          {"queries", stats.queries},
                          {"mean_subdomain_bytes", std::round(mean * 10) / 10},
                          {"sample", stats.sample}};
      }
    }
    // A tunnel straight to its own DNS server: encoded names under no common domain (the
    // per-domain test above never adds up).
    if (activity.encoded_domains.size() >= config.tunnel_names) {
      Alert& alert = build.add(
          "WARDEN-DET-DNS-TUNNEL", client.to_string() + ">*", client, activity.first_us,
          activity.last_us, activity.encoded_names,
          fmt::format(
              "{} sent {} names with long random-looking labels under {}{} different "
              "domains",
              who, activity.encoded_names,
              activity.encoded_domains.size() >= tracker.limits().max_set ? "at least " : "",
              activity.encoded_domains.size()));
      alert.evidence = {{"domain", nullptr},
                        {"encoded_names", activity.encoded_names},
                        {"domains", activity.encoded_domains.size()},
                        {"queries", activity.queries},
                        {"sample", activity.encoded_sample}};
    }
    // A file's own first bytes in a name: no resolver, browser or device firmware sends those.
    if (!activity.file_names.empty()) {
      Alert& alert = build.add(
          "WARDEN-DET-DNS-FILE", client.to_string(), client, activity.first_us, activity.last_us,
          activity.file_names.size(),
          fmt::format("{} sent a {} file in DNS names: {} name{} with its first bytes in {}", who,
                      activity.file_format, activity.file_names.size(),
                      activity.file_names.size() == 1 ? " begins" : "s begin",
                      activity.file_encoding));
      alert.evidence = {{"format", activity.file_format},
                        {"encoding", activity.file_encoding},
                        {"names", activity.file_names.size()},
                        {"queries", activity.queries},
                        {"sample", activity.file_sample}};
    }
    if (context.intel != nullptr) {
      for (const auto& [name, seen] : activity.names) {
        if (const auto match = context.intel->match_domain(name)) {
          Alert& alert =
              build.add("WARDEN-DET-INTEL-DOMAIN", client.to_string() + ">" + name, client,
                        activity.first_us, activity.last_us, 1,
                        fmt::format("{} looked up {}, listed as {}{}", who, name, match->indicator,
                                    match->label.empty() ? "" : " (" + match->label + ")"));
          alert.evidence = {{"name", name},
                            {"indicator", match->indicator},
                            {"list", match->source},
                            {"label", match->label}};
        }
      }
    }
  }
}

void roles(const Tracker& tracker, Builder& build) {
  // Per device and port: the sessions a serving device opened to internal hosts.
  struct Opened {
    std::string type;
    std::string transport;
    std::string app;
    std::int64_t first_us = 0;
    std::int64_t last_us = 0;
    std::uint64_t flows = 0;
    std::uint64_t answered = 0;
    std::set<std::string> hosts;
  };
  std::map<std::pair<IpAddress, std::uint16_t>, Opened> opened;
  for (const auto& [key, c] : tracker.conversations()) {
    if (!is_internal(key.responder) || key.responder.is_multicast()) {
      continue;
    }
    const inventory::Device* device = build.index().find(key.initiator);
    if (device == nullptr) {
      continue;
    }
    const std::string type = device->identity_value("type");
    if (std::find(kServingTypes.begin(), kServingTypes.end(), type) == kServingTypes.end()) {
      continue;
    }
    const proto::ProtocolInfo* info = proto::protocol_info(c.app);
    const std::string_view app = info != nullptr ? info->name : std::string_view{};
    const bool admin =
        std::find(kAdminProtocols.begin(), kAdminProtocols.end(), app) != kAdminProtocols.end();
    const bool usual = std::find(kServingMayStart.begin(), kServingMayStart.end(), key.port) !=
                       kServingMayStart.end();
    // Over UDP a serving device's "first" packet is often a reply to a multicast request (an
    // SSDP or mDNS answer to the searcher's port): only sessions (TCP) and administrative
    // protocols count.
    const bool udp_reply_like = key.transport != 6 && !admin;
    if ((usual && !admin) || udp_reply_like) {
      continue;
    }
    Opened& entry = opened[{key.initiator, key.port}];
    entry.type = type;
    entry.transport = transport_name(key.transport);
    entry.app = std::string(app);
    entry.first_us = entry.flows == 0 ? c.first_us : std::min(entry.first_us, c.first_us);
    entry.last_us = std::max(entry.last_us, c.last_us);
    entry.flows += c.flows;
    entry.answered += c.answered;
    if (entry.hosts.size() < 64) {
      entry.hosts.insert(key.responder.to_string());
    }
  }
  for (const auto& [where, entry] : opened) {
    const auto& [initiator, port] = where;
    Alert& alert = build.add(
        "WARDEN-DET-ROLE-VIOLATION", initiator.to_string() + ":" + std::to_string(port), initiator,
        entry.first_us, entry.last_us, entry.flows,
        label(initiator, build.index()) + ", a " + entry.type + ", opened " + entry.transport +
            "/" + std::to_string(port) + (entry.app.empty() ? "" : " (" + entry.app + ")") +
            " sessions to " + std::to_string(entry.hosts.size()) + " internal host" +
            (entry.hosts.size() == 1 ? "" : "s"));
    alert.destination_port = port;
    alert.transport = entry.transport;
    if (entry.hosts.size() == 1) {
      alert.destination_ip = *entry.hosts.begin();
    }
    std::vector<std::string> hosts(entry.hosts.begin(), entry.hosts.end());
    if (hosts.size() > 10) {
      hosts.resize(10);
    }
    alert.evidence = {{"device_type", entry.type},
                      {"protocol", entry.app},
                      {"flows", entry.flows},
                      {"answered", entry.answered},
                      {"hosts", hosts}};
  }
}

void inventory_changes(const DetectContext& context, Builder& build) {
  if (context.devices == nullptr) {
    return;
  }
  for (const inventory::Device& device : *context.devices) {
    IpAddress address;
    for (const auto& value : device.attributes) {
      if (value.attr == proto::Attr::Ipv4) {
        address = IpAddress::parse(value.value).value_or(IpAddress{});
        break;
      }
    }
    auto add = [&](std::string_view rule_id, const std::string& message) {
      Alert& alert =
          build.add(rule_id, device.key, address, device.first_us, device.last_us, 1, message);
      alert.device_key = device.key;
      alert.device = describe(&device);
      if (device.mac) {
        alert.source_mac = device.mac->to_string();
      }
    };
    const std::string name =
        device.key + (address.is_set() ? " (" + address.to_string() + ")" : "");
    const std::string what = device.identity_value("type");
    if (!context.inventory_was_empty && !context.known_before.contains(device.key)) {
      add("WARDEN-DET-NEW-DEVICE", "new device " + name + (what.empty() ? "" : ", " + what));
    }
    if (!context.approved.empty() && !context.approved.contains(device.key)) {
      add("WARDEN-DET-ROGUE-DEVICE", "device " + name + " is not approved");
    }
  }
}

void new_behaviour(const Tracker& tracker, const DetectContext& context, Builder& build) {
  if (context.learning || context.baseline.empty() || context.devices == nullptr) {
    return;
  }
  const auto now = behaviour(tracker, *context.devices);
  for (const auto& [device_key, values] : now) {
    if (device_key.starts_with("class:")) {
      continue;
    }
    const inventory::Device* owner = nullptr;
    for (const auto& candidate : *context.devices) {
      if (candidate.key == device_key) {
        owner = &candidate;
      }
    }
    // Against the device's own baseline; a device without one (new since learning) against
    // what its class did while learning: ports and protocols no device of its type used.
    const auto learned = context.baseline.find(device_key);
    const std::string type = owner != nullptr ? owner->identity_value("type") : std::string();
    const auto learned_class = context.baseline.find("class:" + type);
    if (learned == context.baseline.end() && learned_class == context.baseline.end()) {
      continue;
    }
    std::vector<std::string> fresh;
    for (const std::string& value : values) {
      const bool known = learned != context.baseline.end()
                             ? learned->second.contains(value)
                             : value.starts_with("dst:") || learned_class->second.contains(value);
      if (!known) {
        fresh.push_back(value);
      }
    }
    if (fresh.empty()) {
      continue;
    }
    const inventory::Device* device = owner;
    Alert& alert = build.add("WARDEN-DET-NEW-BEHAVIOUR", device_key, IpAddress{},
                             device != nullptr ? device->first_us : 0,
                             device != nullptr ? device->last_us : 0, fresh.size(),
                             device_key + " shows " + std::to_string(fresh.size()) +
                                 " behaviours not seen while learning (" + fresh.front() +
                                 (fresh.size() > 1 ? ", ..." : "") + ")");
    alert.device_key = device_key;
    alert.device = describe(device);
    if (fresh.size() > 20) {
      fresh.resize(20);
    }
    alert.evidence = {{"new", fresh}};
  }
}

}  // namespace

std::span<const RuleInfo> detection_rules() {
  return kRules;
}

std::map<std::string, std::set<std::string>> behaviour(
    const Tracker& tracker, const std::vector<inventory::Device>& devices) {
  // Every value first (as many as there are conversations at most), then each device's and
  // class's values kept by their own order, the smallest of each kind: which ones a busy device
  // keeps must not depend on the order the conversations are visited in, which follows hashing
  // and how the workers' tables were merged (the same baseline from any run and thread count).
  constexpr std::size_t kMaxProtocols = 64;
  constexpr std::size_t kMaxPorts = 192;
  constexpr std::size_t kMaxDestinations = 256;
  struct Seen {
    std::set<std::string> protocols;
    std::set<std::string> ports;
    std::set<std::string> destinations;
  };
  const DeviceIndex index(&devices);
  std::map<std::string, Seen> seen;
  for (const auto& [key, c] : tracker.conversations()) {
    const inventory::Device* device = index.find(key.initiator);
    if (device == nullptr || c.answered == 0) {
      continue;
    }
    // Per device, and per class ("class:<type>", ports and protocols only: destinations are a
    // device's own).
    const std::string port =
        "port:" + transport_name(key.transport) + "/" + std::to_string(key.port);
    const proto::ProtocolInfo* info = proto::protocol_info(c.app);
    Seen& own = seen[device->key];
    own.ports.insert(port);
    if (!is_internal(key.responder)) {
      own.destinations.insert("dst:" + key.responder.to_string());
    }
    if (info != nullptr) {
      own.protocols.insert("protocol:" + std::string(info->name));
    }
    const std::string type = device->identity_value("type");
    if (!type.empty() && type != "unknown") {
      Seen& shared = seen["class:" + type];
      shared.ports.insert(port);
      if (info != nullptr) {
        shared.protocols.insert("protocol:" + std::string(info->name));
      }
    }
  }
  std::map<std::string, std::set<std::string>> out;
  auto keep = [](const std::set<std::string>& values, std::size_t most,
                 std::set<std::string>& into) {
    auto end = values.begin();
    std::advance(end, std::min(most, values.size()));
    into.insert(values.begin(), end);
  };
  for (const auto& [key, values] : seen) {
    std::set<std::string>& kept = out[key];
    keep(values.protocols, kMaxProtocols, kept);
    keep(values.ports, kMaxPorts, kept);
    keep(values.destinations, kMaxDestinations, kept);
  }
  return out;
}

std::map<std::string, std::uint64_t> outbound_volume(
    const Tracker& tracker, const std::vector<inventory::Device>& devices) {
  std::map<std::string, std::uint64_t> out;
  for (const inventory::Device& device : devices) {
    out[device.key] = 0;
  }
  const DeviceIndex index(&devices);
  for (const auto& [key, c] : tracker.conversations()) {
    if (!opened_to_internet(key)) {  // the conversations the exfiltration rule counts
      continue;
    }
    if (const inventory::Device* device = index.find(key.initiator)) {
      out[device->key] += c.bytes_out;
    }
  }
  return out;
}

namespace {
/// The detections, in the order their alerts are put together. Each reads the tracker, the
/// context and the devices, and writes only to its own Builder.
using Detection = void (*)(const Tracker&, const DetectContext&, const DetectConfig&, Builder&);
constexpr std::array<Detection, 8> kDetections = {
    [](const Tracker&, const DetectContext& context, const DetectConfig&, Builder& build) {
      inventory_changes(context, build);
    },
    [](const Tracker& tracker, const DetectContext&, const DetectConfig& config, Builder& build) {
      scans(tracker, config, build);
      probe_sweeps(tracker, config, build);
    },
    [](const Tracker& tracker, const DetectContext&, const DetectConfig& config, Builder& build) {
      brute_force(tracker, config, build);
    },
    [](const Tracker& tracker, const DetectContext& context, const DetectConfig& config,
       Builder& build) { internet(tracker, context, config, build); },
    [](const Tracker& tracker, const DetectContext& context, const DetectConfig& config,
       Builder& build) { dns(tracker, context, config, build); },
    [](const Tracker& tracker, const DetectContext&, const DetectConfig& config, Builder& build) {
      icmp_tunnels(tracker, config, build);
    },
    [](const Tracker& tracker, const DetectContext&, const DetectConfig&, Builder& build) {
      roles(tracker, build);
    },
    [](const Tracker& tracker, const DetectContext& context, const DetectConfig&, Builder& build) {
      new_behaviour(tracker, context, build);
    },
};

/// The alerts of every detection, in kDetections' order, one per id.
std::vector<Alert> put_together(std::vector<std::vector<Alert>>& found) {
  std::vector<Alert> alerts;
  for (std::vector<Alert>& part : found) {
    std::move(part.begin(), part.end(), std::back_inserter(alerts));
  }
  // One alert per id: merge any the rules produced twice.
  std::sort(alerts.begin(), alerts.end(),
            [](const Alert& a, const Alert& b) { return a.id < b.id; });
  std::vector<Alert> unique;
  for (Alert& alert : alerts) {
    if (!unique.empty() && unique.back().id == alert.id) {
      Alert& kept = unique.back();
      kept.count += alert.count;
      kept.first_us = std::min(kept.first_us, alert.first_us);
      kept.last_us = std::max(kept.last_us, alert.last_us);
      continue;
    }
    unique.push_back(std::move(alert));
  }
  return unique;
}
}  // namespace

SharedEvaluation::SharedEvaluation(const Tracker& tracker, const DetectContext& context,
                                   DetectConfig config)
    : tracker_(tracker),
      context_(context),
      config_(std::move(config)),
      index_(context.devices),
      found_(kDetections.size()) {
  // Counts what the tracker still holds in its batches now, on this thread: the detections
  // only read it.
  (void)tracker.conversations();
}

void SharedEvaluation::run() {
  const std::size_t count = kDetections.size();
  while (true) {
    const std::size_t task = next_.fetch_add(1);
    if (task >= count) {
      break;
    }
    Builder build(index_, found_[task]);
    kDetections[task](tracker_, context_, config_, build);
    if (finished_.fetch_add(1) + 1 == count) {
      finished_.notify_all();
    }
  }
  // Detections other threads claimed may still be in work.
  for (std::size_t done = finished_.load(); done != count; done = finished_.load()) {
    finished_.wait(done);
  }
}

std::vector<Alert> SharedEvaluation::alerts() {
  return put_together(found_);
}

std::vector<Alert> evaluate(const Tracker& tracker, const DetectContext& context,
                            const DetectConfig& config) {
  SharedEvaluation evaluation(tracker, context, config);
  evaluation.run();
  return evaluation.alerts();
}

}  // namespace warden::detect
