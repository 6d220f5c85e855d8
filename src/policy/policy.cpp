// SPDX-License-Identifier: Apache-2.0
#include "policy/policy.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>
#include <utility>

namespace warden::policy {
namespace {

constexpr std::size_t kMaxZoneName = 24;
constexpr std::size_t kMaxConduitName = 64;
constexpr std::size_t kMaxZones = 256;
constexpr std::size_t kMaxConduits = 4096;

// The names of protocols/registry.cpp. The policy module sits beside the protocol module, not
// on it, so the list is repeated here; policy_registry_test checks it against the registry's.
constexpr std::array<std::string_view, 32> kProtocols = {
    "bacnet",     "coap", "dhcp",      "dhcpv6", "dnp3",   "dns",  "enip",   "ftp",
    "http",       "ipp",  "jetdirect", "ldap",   "llmnr",  "mdns", "modbus", "mqtt",
    "netbios-ns", "ntp",  "rdp",       "rtsp",   "s7comm", "smb",  "smtp",   "snmp",
    "ssdp",       "ssh",  "syslog",    "telnet", "tftp",   "tls",  "ubnt",   "vnc"};

using Error = tl::unexpected<PolicyError>;

int line_of(const YAML::Node& node) {
  return node.Mark().line >= 0 ? node.Mark().line + 1 : 0;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())) != 0) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())) != 0) {
    text.remove_suffix(1);
  }
  return std::string(text);
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) {
      out += separator;
    }
    out += item;
  }
  return out;
}

/// A decimal number of at most nine digits, nothing else.
std::optional<unsigned> parse_number(std::string_view digits) {
  constexpr std::size_t kMaxDigits = 9;
  if (digits.empty() || digits.size() > kMaxDigits) {
    return std::nullopt;
  }
  unsigned value = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  return value;
}

/// The state of one parse: the file name, for errors.
class Parser {
 public:
  explicit Parser(std::string source) : source_(std::move(source)) {}

  tl::expected<Policy, PolicyError> parse_document(const YAML::Node& root);

 private:
  [[nodiscard]] Error fail(const YAML::Node& node, std::string field, std::string message) const {
    return tl::unexpected(
        PolicyError{source_, line_of(node), std::move(field), std::move(message)});
  }

  /// Unknown or repeated keys of a map are errors (yaml-cpp keeps repeated keys silently).
  [[nodiscard]] std::optional<PolicyError> check_keys(
      const YAML::Node& map, const std::string& path,
      std::initializer_list<std::string_view> allowed) const;
  [[nodiscard]] tl::expected<std::vector<std::pair<std::string, YAML::Node>>, PolicyError>
  string_list(const YAML::Node& node, const std::string& path) const;
  [[nodiscard]] tl::expected<bool, PolicyError> boolean(const YAML::Node& node,
                                                        const std::string& path) const;
  [[nodiscard]] tl::expected<Zone, PolicyError> parse_zone(
      const std::string& name, const YAML::Node& key, const YAML::Node& node, bool default_intra,
      std::vector<int>& cidr_lines, std::vector<int>& vlan_lines) const;
  [[nodiscard]] tl::expected<Selector, PolicyError> parse_selector(const YAML::Node& node,
                                                                   const std::string& path) const;
  [[nodiscard]] tl::expected<Conduit, PolicyError> parse_conduit(const Policy& policy,
                                                                 const YAML::Node& node,
                                                                 const std::string& path) const;
  [[nodiscard]] tl::expected<std::vector<PortRange>, PolicyError> parse_ports(
      const YAML::Node& node, const std::string& path) const;
  [[nodiscard]] tl::expected<std::vector<std::string>, PolicyError> zone_refs(
      const Policy& policy, const YAML::Node& node, const std::string& path) const;

  std::string source_;
};

std::optional<PolicyError> Parser::check_keys(
    const YAML::Node& map, const std::string& path,
    std::initializer_list<std::string_view> allowed) const {
  std::set<std::string> seen;
  for (const auto& entry : map) {
    const std::string key = entry.first.Scalar();
    const std::string field = path.empty() ? key : fmt::format("{}.{}", path, key);
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string names;
      for (const std::string_view name : allowed) {
        names += names.empty() ? "" : ", ";
        names += name;
      }
      return PolicyError{source_, line_of(entry.first), field, "unknown key (use " + names + ")"};
    }
    if (!seen.insert(key).second) {
      return PolicyError{source_, line_of(entry.first), field, "repeated key"};
    }
  }
  return std::nullopt;
}

tl::expected<std::vector<std::pair<std::string, YAML::Node>>, PolicyError> Parser::string_list(
    const YAML::Node& node, const std::string& path) const {
  std::vector<std::pair<std::string, YAML::Node>> out;
  if (node.IsScalar()) {
    out.emplace_back(trim(node.Scalar()), node);
  } else if (node.IsSequence()) {
    for (std::size_t index = 0; index < node.size(); ++index) {
      const YAML::Node item = node[index];
      if (!item.IsScalar()) {
        return fail(item, path + "[" + std::to_string(index) + "]", "expected a value");
      }
      out.emplace_back(trim(item.Scalar()), item);
    }
  } else {
    return fail(node, path, "expected a value or a list of values");
  }
  for (const auto& [text, item] : out) {
    if (text.empty()) {
      return fail(item, path, "empty value");
    }
  }
  if (out.empty()) {
    return fail(node, path, "empty list");
  }
  return out;
}

tl::expected<bool, PolicyError> Parser::boolean(const YAML::Node& node,
                                                const std::string& path) const {
  if (node.IsScalar()) {
    const std::string value = lower(node.Scalar());
    if (value == "true" || value == "yes") {
      return true;
    }
    if (value == "false" || value == "no") {
      return false;
    }
  }
  return fail(node, path, "expected true or false");
}

tl::expected<Selector, PolicyError> Parser::parse_selector(const YAML::Node& node,
                                                           const std::string& path) const {
  if (!node.IsMap() || node.size() == 0) {
    return fail(node, path, "expected a map of type, vendor, tags");
  }
  if (auto error = check_keys(node, path, {"type", "vendor", "tags"})) {
    return tl::unexpected(*error);
  }
  Selector selector;
  selector.line = line_of(node);
  const std::array<std::pair<const char*, std::vector<std::string>*>, 3> fields = {
      {{"type", &selector.types}, {"vendor", &selector.vendors}, {"tags", &selector.tags}}};
  for (const auto& [key, values] : fields) {
    const YAML::Node value = node[key];
    if (!value) {
      continue;
    }
    auto items = string_list(value, path + "." + key);
    if (!items) {
      return tl::unexpected(items.error());
    }
    for (auto& [text, item] : *items) {
      values->push_back(key == std::string_view("vendor") ? text : lower(text));
    }
  }
  return selector;
}

tl::expected<Zone, PolicyError> Parser::parse_zone(const std::string& name, const YAML::Node& key,
                                                   const YAML::Node& node, bool default_intra,
                                                   std::vector<int>& cidr_lines,
                                                   std::vector<int>& vlan_lines) const {
  const std::string path = "zones." + name;
  const bool good_name = !name.empty() && name.size() <= kMaxZoneName &&
                         std::islower(name.front()) != 0 &&
                         std::all_of(name.begin(), name.end(), [](char c) {
                           return std::islower(static_cast<unsigned char>(c)) != 0 ||
                                  std::isdigit(static_cast<unsigned char>(c)) != 0 || c == '_';
                         });
  if (!good_name) {
    return fail(key, path,
                "zone names are a lower-case letter then letters, digits or '_', at most 24");
  }
  if (name == "any") {
    return fail(key, path, "'any' is reserved: in a conduit it means every zone");
  }
  if (!node.IsMap()) {
    return fail(node, path, "expected a map with cidrs, vlans, select or internet");
  }
  if (auto error = check_keys(
          node, path, {"description", "cidrs", "vlans", "select", "match", "internet", "intra"})) {
    return tl::unexpected(*error);
  }
  Zone zone;
  zone.name = name;
  zone.line = line_of(key);
  zone.intra_allowed = default_intra;
  if (const YAML::Node value = node["description"]) {
    if (!value.IsScalar()) {
      return fail(value, path + ".description", "expected text");
    }
    zone.description = value.Scalar();
  }
  if (const YAML::Node value = node["cidrs"]) {
    auto items = string_list(value, path + ".cidrs");
    if (!items) {
      return tl::unexpected(items.error());
    }
    for (std::size_t index = 0; index < items->size(); ++index) {
      const auto& [text, item] = (*items)[index];
      const std::string field =
          path + ".cidrs" + (value.IsSequence() ? "[" + std::to_string(index) + "]" : "");
      std::string why;
      const std::optional<Cidr> cidr = Cidr::parse(text, &why);
      if (!cidr) {
        return fail(item, field, fmt::format("bad CIDR '{}': {}", text, why));
      }
      if (std::find(zone.cidrs.begin(), zone.cidrs.end(), *cidr) != zone.cidrs.end()) {
        return fail(item, field, "listed twice");
      }
      zone.cidrs.push_back(*cidr);
      cidr_lines.push_back(line_of(item));
    }
  }
  if (const YAML::Node value = node["vlans"]) {
    auto items = string_list(value, path + ".vlans");
    if (!items) {
      return tl::unexpected(items.error());
    }
    for (std::size_t index = 0; index < items->size(); ++index) {
      const auto& [text, item] = (*items)[index];
      const std::string field =
          path + ".vlans" + (value.IsSequence() ? "[" + std::to_string(index) + "]" : "");
      const unsigned vlan = parse_number(text).value_or(0);
      if (vlan < 1 || vlan > 4094) {
        return fail(item, field, "bad VLAN id '" + text + "': must be 1 to 4094");
      }
      if (std::find(zone.vlans.begin(), zone.vlans.end(), vlan) != zone.vlans.end()) {
        return fail(item, field, "listed twice");
      }
      zone.vlans.push_back(static_cast<std::uint16_t>(vlan));
      vlan_lines.push_back(line_of(item));
    }
  }
  if (const YAML::Node value = node["select"]) {
    auto selector = parse_selector(value, path + ".select");
    if (!selector) {
      return tl::unexpected(selector.error());
    }
    zone.select = std::move(*selector);
  }
  if (const YAML::Node value = node["match"]) {
    const std::string text = value.IsScalar() ? value.Scalar() : "";
    if (text == "any") {
      zone.match = ZoneMatch::Any;
    } else if (text == "all") {
      zone.match = ZoneMatch::All;
      if (zone.select.empty()) {
        return fail(value, path + ".match",
                    "'all' needs a select (devices matching it inside the cidrs/vlans)");
      }
    } else {
      return fail(value, path + ".match", "expected any or all");
    }
  }
  if (const YAML::Node value = node["internet"]) {
    auto internet = boolean(value, path + ".internet");
    if (!internet) {
      return tl::unexpected(internet.error());
    }
    zone.internet = *internet;
    if (zone.internet && (!zone.cidrs.empty() || !zone.vlans.empty() || !zone.select.empty())) {
      return fail(value, path + ".internet",
                  "the internet zone is every public address: give no cidrs, vlans or select");
    }
  }
  if (const YAML::Node value = node["intra"]) {
    const std::string text = value.IsScalar() ? value.Scalar() : "";
    if (text != "allow" && text != "deny") {
      return fail(value, path + ".intra", "expected allow or deny");
    }
    zone.intra_allowed = text == "allow";
  }
  if (!zone.internet && zone.cidrs.empty() && zone.vlans.empty() && zone.select.empty()) {
    return fail(key, path, "a zone needs cidrs, vlans, select, or internet: true");
  }
  return zone;
}

tl::expected<std::vector<PortRange>, PolicyError> Parser::parse_ports(
    const YAML::Node& node, const std::string& path) const {
  auto items = string_list(node, path);
  if (!items) {
    return tl::unexpected(items.error());
  }
  std::vector<PortRange> ports;
  for (std::size_t index = 0; index < items->size(); ++index) {
    const auto& [text, item] = (*items)[index];
    const std::string field = path + (node.IsSequence() ? "[" + std::to_string(index) + "]" : "");
    const std::size_t dash = text.find('-');
    const std::string first_text = trim(text.substr(0, dash));
    const std::string last_text =
        dash == std::string::npos ? first_text : trim(text.substr(dash + 1));
    const std::optional<unsigned> first = parse_number(first_text);
    const std::optional<unsigned> last = parse_number(last_text);
    if (!first || !last) {
      return fail(item, field, "bad port '" + text + "': expected a number or a range 8000-8010");
    }
    if (*first < 1 || *first > 65535 || *last < 1 || *last > 65535) {
      return fail(item, field, "bad port '" + text + "': ports are 1 to 65535");
    }
    if (*first > *last) {
      return fail(item, field, "bad port range '" + text + "': the first port is above the last");
    }
    ports.push_back(
        PortRange{static_cast<std::uint16_t>(*first), static_cast<std::uint16_t>(*last)});
  }
  return ports;
}

tl::expected<std::vector<std::string>, PolicyError> Parser::zone_refs(
    const Policy& policy, const YAML::Node& node, const std::string& path) const {
  auto items = string_list(node, path);
  if (!items) {
    return tl::unexpected(items.error());
  }
  std::vector<std::string> names;
  for (const auto& [name, item] : *items) {
    if (name == "any") {
      if (items->size() != 1) {
        return fail(item, path, "'any' stands alone: it already means every zone");
      }
      return names;  // empty: any zone
    }
    if (policy.find_zone(name) == nullptr) {
      std::vector<std::string> known;
      for (const Zone& zone : policy.zones) {
        known.push_back(zone.name);
      }
      return fail(item, path,
                  "unknown zone '" + name + "' (zones: " + join(known, ", ") + "; or any)");
    }
    if (std::find(names.begin(), names.end(), name) != names.end()) {
      return fail(item, path, "zone '" + name + "' listed twice");
    }
    names.push_back(name);
  }
  return names;
}

tl::expected<Conduit, PolicyError> Parser::parse_conduit(const Policy& policy,
                                                         const YAML::Node& node,
                                                         const std::string& path) const {
  if (!node.IsMap()) {
    return fail(node, path, "expected a map with from, to, transport, ports, protocol");
  }
  if (auto error = check_keys(node, path,
                              {"name", "description", "from", "to", "transport", "ports",
                               "protocol", "bidirectional"})) {
    return tl::unexpected(*error);
  }
  Conduit conduit;
  conduit.line = line_of(node);
  conduit.name = path;
  if (const YAML::Node value = node["name"]) {
    const std::string name = value.IsScalar() ? value.Scalar() : "";
    const bool good = !name.empty() && name.size() <= kMaxConduitName &&
                      std::all_of(name.begin(), name.end(), [](char c) {
                        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' ||
                               c == '-' || c == '.' || c == ':';
                      });
    if (!good) {
      return fail(value, path + ".name",
                  "conduit names are letters, digits, '_', '-', '.', ':', at most 64");
    }
    conduit.name = name;
  }
  if (const YAML::Node value = node["description"]) {
    if (!value.IsScalar()) {
      return fail(value, path + ".description", "expected text");
    }
    conduit.description = value.Scalar();
  }
  for (const char* side : {"from", "to"}) {
    const YAML::Node value = node[side];
    if (!value) {
      return fail(node, path + "." + side, "missing: a zone name, a list of them, or any");
    }
    auto names = zone_refs(policy, value, path + "." + side);
    if (!names) {
      return tl::unexpected(names.error());
    }
    (side == std::string_view("from") ? conduit.from : conduit.to) = std::move(*names);
  }
  if (const YAML::Node value = node["transport"]) {
    const std::string text = value.IsScalar() ? lower(value.Scalar()) : "";
    if (text == "tcp") {
      conduit.transport = Transport::Tcp;
    } else if (text == "udp") {
      conduit.transport = Transport::Udp;
    } else if (text == "icmp") {
      conduit.transport = Transport::Icmp;
    } else if (text == "any") {
      conduit.transport = Transport::Any;
    } else {
      return fail(value, path + ".transport", "expected tcp, udp, icmp or any");
    }
  }
  if (const YAML::Node value = node["ports"]) {
    if (conduit.transport == Transport::Icmp) {
      return fail(value, path + ".ports", "icmp has no ports");
    }
    auto ports = parse_ports(value, path + ".ports");
    if (!ports) {
      return tl::unexpected(ports.error());
    }
    conduit.ports = std::move(*ports);
  }
  if (const YAML::Node value = node["protocol"]) {
    const std::string text = value.IsScalar() ? lower(trim(value.Scalar())) : "";
    if (!is_known_protocol(text)) {
      std::vector<std::string> names(kProtocols.begin(), kProtocols.end());
      return fail(value, path + ".protocol",
                  "unknown protocol '" + text + "' (Warden's names: " + join(names, ", ") + ")");
    }
    conduit.protocol = text;
  }
  if (const YAML::Node value = node["bidirectional"]) {
    auto both = boolean(value, path + ".bidirectional");
    if (!both) {
      return tl::unexpected(both.error());
    }
    conduit.bidirectional = *both;
  }
  return conduit;
}

tl::expected<Policy, PolicyError> Parser::parse_document(const YAML::Node& root) {
  if (!root.IsMap()) {
    return fail(root, "", "expected a map with version, zones and conduits");
  }
  if (auto error = check_keys(root, "",
                              {"version", "description", "default", "unzoned", "intra",
                               "strict_protocol", "zones", "conduits"})) {
    return tl::unexpected(*error);
  }
  Policy policy;
  policy.source = source_;
  const YAML::Node version = root["version"];
  if (!version) {
    return fail(root, "version", "missing (this build reads version: 1)");
  }
  if (!version.IsScalar() || version.Scalar() != "1") {
    return fail(version, "version", "unsupported policy version (this build reads 1)");
  }
  if (const YAML::Node value = root["description"]) {
    if (!value.IsScalar()) {
      return fail(value, "description", "expected text");
    }
    policy.description = value.Scalar();
  }
  if (const YAML::Node value = root["default"]) {
    if (!value.IsScalar() || value.Scalar() != "deny") {
      return fail(value, "default",
                  "only deny: flows between zones need a conduit (see docs/policy.md)");
    }
  }
  if (const YAML::Node value = root["unzoned"]) {
    const std::string text = value.IsScalar() ? value.Scalar() : "";
    if (text != "ignore" && text != "deny") {
      return fail(value, "unzoned", "expected ignore or deny");
    }
    policy.unzoned = text == "deny" ? Unzoned::Deny : Unzoned::Ignore;
  }
  bool default_intra = true;
  if (const YAML::Node value = root["intra"]) {
    const std::string text = value.IsScalar() ? value.Scalar() : "";
    if (text != "allow" && text != "deny") {
      return fail(value, "intra", "expected allow or deny");
    }
    default_intra = text == "allow";
  }
  if (const YAML::Node value = root["strict_protocol"]) {
    auto strict = boolean(value, "strict_protocol");
    if (!strict) {
      return tl::unexpected(strict.error());
    }
    policy.strict_protocol = *strict;
  }

  const YAML::Node zones = root["zones"];
  if (!zones || !zones.IsMap() || zones.size() == 0) {
    return fail(zones ? zones : root, "zones", "expected a map of zone name: definition");
  }
  if (zones.size() > kMaxZones) {
    return fail(zones, "zones", fmt::format("more than {} zones", kMaxZones));
  }
  // Where each CIDR and VLAN was defined, to name both places when two zones claim one.
  struct Claim {
    std::size_t zone;
    int line;
  };
  std::vector<std::pair<Cidr, Claim>> cidr_claims;
  std::vector<std::pair<std::uint16_t, Claim>> vlan_claims;
  std::optional<std::size_t> internet;
  for (const auto& entry : zones) {
    const std::string name = entry.first.Scalar();
    if (policy.find_zone(name) != nullptr) {
      return fail(entry.first, "zones." + name, "zone defined twice");
    }
    std::vector<int> cidr_lines;
    std::vector<int> vlan_lines;
    auto zone = parse_zone(name, entry.first, entry.second, default_intra, cidr_lines, vlan_lines);
    if (!zone) {
      return tl::unexpected(zone.error());
    }
    if (zone->internet && internet) {
      return fail(entry.second["internet"], "zones." + name + ".internet",
                  "zone '" + policy.zones[*internet].name + "' is already the internet");
    }
    // In a `match: all` zone, cidrs and vlans only narrow the selector: they place no address
    // there by themselves, so they may repeat another zone's.
    if (zone->match == ZoneMatch::Any) {
      for (std::size_t index = 0; index < zone->cidrs.size(); ++index) {
        for (const auto& [other, claim] : cidr_claims) {
          if (other == zone->cidrs[index]) {
            return tl::unexpected(PolicyError{
                source_, cidr_lines[index], "zones." + name + ".cidrs",
                fmt::format("{} is already in zone '{}' (line {}); nested prefixes are fine "
                            "(the longest wins), the same prefix twice is not",
                            other.to_string(), policy.zones[claim.zone].name, claim.line)});
          }
        }
      }
      for (std::size_t index = 0; index < zone->vlans.size(); ++index) {
        for (const auto& [other, claim] : vlan_claims) {
          if (other == zone->vlans[index]) {
            return tl::unexpected(
                PolicyError{source_, vlan_lines[index], "zones." + name + ".vlans",
                            fmt::format("VLAN {} is already in zone '{}' (line {})", other,
                                        policy.zones[claim.zone].name, claim.line)});
          }
        }
      }
      for (std::size_t index = 0; index < zone->cidrs.size(); ++index) {
        cidr_claims.emplace_back(zone->cidrs[index], Claim{policy.zones.size(), cidr_lines[index]});
      }
      for (std::size_t index = 0; index < zone->vlans.size(); ++index) {
        vlan_claims.emplace_back(zone->vlans[index], Claim{policy.zones.size(), vlan_lines[index]});
      }
    }
    if (zone->internet) {
      internet = policy.zones.size();
    }
    policy.zones.push_back(std::move(*zone));
  }

  if (const YAML::Node conduits = root["conduits"]) {
    if (!conduits.IsSequence()) {
      return fail(conduits, "conduits", "expected a list of conduits");
    }
    if (conduits.size() > kMaxConduits) {
      return fail(conduits, "conduits", fmt::format("more than {} conduits", kMaxConduits));
    }
    for (std::size_t index = 0; index < conduits.size(); ++index) {
      const std::string path = "conduits[" + std::to_string(index) + "]";
      auto conduit = parse_conduit(policy, conduits[index], path);
      if (!conduit) {
        return tl::unexpected(conduit.error());
      }
      for (const Conduit& other : policy.conduits) {
        if (other.name == conduit->name) {
          return fail(
              conduits[index]["name"], path + ".name",
              fmt::format("conduit '{}' is already defined (line {})", other.name, other.line));
        }
      }
      policy.conduits.push_back(std::move(*conduit));
    }
  }
  return policy;
}

bool selector_matches(const Selector& selector, const Endpoint& endpoint) {
  if (selector.empty()) {
    return false;
  }
  const auto any_of = [](const std::vector<std::string>& wanted, std::string_view value) {
    return std::any_of(wanted.begin(), wanted.end(),
                       [value](const std::string& item) { return iequals(item, value); });
  };
  if (!selector.types.empty() && !any_of(selector.types, endpoint.type)) {
    return false;
  }
  if (!selector.vendors.empty() && !any_of(selector.vendors, endpoint.vendor)) {
    return false;
  }
  if (!selector.tags.empty() &&
      std::none_of(endpoint.tags.begin(), endpoint.tags.end(),
                   [&](const std::string& tag) { return any_of(selector.tags, tag); })) {
    return false;
  }
  return true;
}

bool in_cidrs(const Zone& zone, const IpAddress& ip) {
  return std::any_of(zone.cidrs.begin(), zone.cidrs.end(),
                     [&](const Cidr& cidr) { return cidr.contains(ip); });
}

bool in_vlans(const Zone& zone, const std::optional<std::uint16_t>& vlan) {
  return vlan && std::find(zone.vlans.begin(), zone.vlans.end(), *vlan) != zone.vlans.end();
}

/// Public: the internet zone's addresses (IPv6: global unicast 2000::/3 only).
bool is_public(const IpAddress& ip) {
  if (!ip.is_assignable() || ip.is_private()) {
    return false;
  }
  return ip.is_v4() || (ip.bytes[0] & 0xE0U) == 0x20U;
}

std::string normalize_transport(std::string_view transport) {
  std::string text = lower(transport);
  if (text == "icmpv6" || text == "icmp6" || text == "ipv6-icmp") {
    return "icmp";
  }
  return text;
}

bool zone_listed(const std::vector<std::string>& names, const std::string& zone) {
  return names.empty() || std::find(names.begin(), names.end(), zone) != names.end();
}

/// "tcp/23 (telnet)", "icmp".
std::string describe_flow(const std::string& transport, const Conversation& conversation) {
  std::string out = transport.empty() ? "?" : transport;
  if (transport == "tcp" || transport == "udp") {
    out += "/" + std::to_string(conversation.port);
  }
  if (!conversation.protocol.empty()) {
    out += " (" + conversation.protocol + ")";
  }
  return out;
}

enum class ConduitFit : std::uint8_t { No, ProtocolDiffers, Yes };

ConduitFit fits(const Policy& policy, const Conduit& conduit, const std::string& transport,
                const Conversation& conversation) {
  if (conduit.transport != Transport::Any && transport != transport_name(conduit.transport)) {
    return ConduitFit::No;
  }
  if (!conduit.ports.empty()) {
    if (transport != "tcp" && transport != "udp") {
      return ConduitFit::No;
    }
    const bool in_range =
        std::any_of(conduit.ports.begin(), conduit.ports.end(), [&](const PortRange& range) {
          return conversation.port >= range.first && conversation.port <= range.last;
        });
    if (!in_range) {
      return ConduitFit::No;
    }
  }
  if (!conduit.protocol.empty()) {
    if (conversation.protocol.empty()) {
      return policy.strict_protocol ? ConduitFit::ProtocolDiffers : ConduitFit::Yes;
    }
    if (!iequals(conversation.protocol, conduit.protocol)) {
      return ConduitFit::ProtocolDiffers;
    }
  }
  return ConduitFit::Yes;
}

}  // namespace

std::string_view transport_name(Transport transport) {
  switch (transport) {
    case Transport::Tcp:
      return "tcp";
    case Transport::Udp:
      return "udp";
    case Transport::Icmp:
      return "icmp";
    case Transport::Any:
      break;
  }
  return "any";
}

std::string PolicyError::text() const {
  std::string out = source;
  if (line > 0) {
    out += ":" + std::to_string(line);
  }
  out += ": ";
  if (!field.empty()) {
    out += field + ": ";
  }
  return out + message;
}

const Zone* Policy::find_zone(std::string_view name) const {
  for (const Zone& zone : zones) {
    if (zone.name == name) {
      return &zone;
    }
  }
  return nullptr;
}

bool is_known_protocol(std::string_view name) {
  return std::find(kProtocols.begin(), kProtocols.end(), name) != kProtocols.end();
}

tl::expected<Policy, PolicyError> parse_policy(std::string_view yaml, const std::string& source) {
  // yaml-cpp reports syntax errors by exception; a policy is configuration, and this is the one
  // place those exceptions become errors.
  try {
    const YAML::Node root = YAML::Load(std::string(yaml));
    if (!root || root.IsNull()) {
      return tl::unexpected(PolicyError{source, 0, "", "empty policy file"});
    }
    return Parser(source).parse_document(root);
  } catch (const YAML::Exception& error) {
    return tl::unexpected(
        PolicyError{source, error.mark.line >= 0 ? error.mark.line + 1 : 0, "", error.msg});
  }
}

tl::expected<Policy, PolicyError> load_policy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return tl::unexpected(PolicyError{path, 0, "", "cannot read the file"});
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_policy(text.str(), path);
}

std::vector<PolicyError> check_device_types(
    const Policy& policy, const std::function<bool(std::string_view)>& is_known_type) {
  std::vector<PolicyError> errors;
  for (const Zone& zone : policy.zones) {
    for (const std::string& type : zone.select.types) {
      if (!is_known_type(type)) {
        errors.push_back(
            PolicyError{policy.source, zone.select.line, "zones." + zone.name + ".select.type",
                        "unknown device type '" + type + "' (see docs/identification.md)"});
      }
    }
  }
  return errors;
}

std::optional<ZoneAssignment> zone_of(const Policy& policy, const Endpoint& endpoint) {
  for (const Zone& zone : policy.zones) {
    if (!selector_matches(zone.select, endpoint)) {
      continue;
    }
    const bool narrowed =
        zone.match == ZoneMatch::All && (!zone.cidrs.empty() || !zone.vlans.empty());
    if (!narrowed || in_cidrs(zone, endpoint.ip) || in_vlans(zone, endpoint.vlan)) {
      return ZoneAssignment{&zone, MatchedBy::Select};
    }
  }
  const Zone* best = nullptr;
  int best_prefix = -1;
  for (const Zone& zone : policy.zones) {
    if (zone.match != ZoneMatch::Any) {
      continue;
    }
    for (const Cidr& cidr : zone.cidrs) {
      if (cidr.prefix > best_prefix && cidr.contains(endpoint.ip)) {
        best = &zone;
        best_prefix = cidr.prefix;
      }
    }
  }
  if (best != nullptr) {
    return ZoneAssignment{best, MatchedBy::Cidr};
  }
  for (const Zone& zone : policy.zones) {
    if (zone.match == ZoneMatch::Any && in_vlans(zone, endpoint.vlan)) {
      return ZoneAssignment{&zone, MatchedBy::Vlan};
    }
  }
  if (is_public(endpoint.ip)) {
    for (const Zone& zone : policy.zones) {
      if (zone.internet) {
        return ZoneAssignment{&zone, MatchedBy::Internet};
      }
    }
  }
  return std::nullopt;
}

std::optional<Verdict> evaluate(const Policy& policy, const Conversation& conversation) {
  if (!conversation.initiator.ip.is_assignable() || !conversation.responder.ip.is_assignable()) {
    return std::nullopt;  // (before looking for zones the next overload would not use)
  }
  return evaluate(policy, conversation, zone_of(policy, conversation.initiator),
                  zone_of(policy, conversation.responder));
}

std::optional<Verdict> evaluate(const Policy& policy, const Conversation& conversation,
                                const std::optional<ZoneAssignment>& from,
                                const std::optional<ZoneAssignment>& to) {
  const IpAddress& initiator_ip = conversation.initiator.ip;
  const IpAddress& responder_ip = conversation.responder.ip;
  if (!initiator_ip.is_assignable() || !responder_ip.is_assignable()) {
    // Multicast and broadcast stay on their segment; loopback and unspecified addresses are not
    // devices.
    return std::nullopt;
  }
  if ((!from || !to) && policy.unzoned == Unzoned::Ignore) {
    return std::nullopt;
  }
  if (from && to && from->zone == to->zone && from->zone->intra_allowed) {
    return std::nullopt;
  }
  Verdict verdict;
  verdict.from_zone = from ? from->zone->name : "";
  verdict.to_zone = to ? to->zone->name : "";
  const std::string transport = normalize_transport(conversation.transport);
  if (!from || !to) {  // unzoned: deny (ignore returned above)
    verdict.allowed = false;
    verdict.conduit = fmt::format("{} is in no zone (unzoned: deny)",
                                  (!from ? initiator_ip : responder_ip).to_string());
    return verdict;
  }
  const Conduit* near_miss = nullptr;
  for (const Conduit& conduit : policy.conduits) {
    const bool forward =
        zone_listed(conduit.from, verdict.from_zone) && zone_listed(conduit.to, verdict.to_zone);
    const bool backward = conduit.bidirectional && zone_listed(conduit.from, verdict.to_zone) &&
                          zone_listed(conduit.to, verdict.from_zone);
    if (!forward && !backward) {
      continue;
    }
    const ConduitFit fit = fits(policy, conduit, transport, conversation);
    if (fit == ConduitFit::Yes) {
      verdict.allowed = true;
      verdict.conduit = conduit.name;
      return verdict;
    }
    if (fit == ConduitFit::ProtocolDiffers && near_miss == nullptr) {
      near_miss = &conduit;
    }
  }
  verdict.allowed = false;
  if (near_miss != nullptr) {
    verdict.conduit = fmt::format(
        "conduit {} allows {} only, saw {} from {} to {}", near_miss->name, near_miss->protocol,
        conversation.protocol.empty() ? "an unidentified protocol" : conversation.protocol,
        verdict.from_zone, verdict.to_zone);
  } else if (from->zone == to->zone) {
    verdict.conduit = fmt::format("no conduit allows {} inside {} (intra: deny)",
                                  describe_flow(transport, conversation), verdict.from_zone);
  } else {
    verdict.conduit =
        fmt::format("no conduit allows {} from {} to {}", describe_flow(transport, conversation),
                    verdict.from_zone, verdict.to_zone);
  }
  return verdict;
}

ZoneMembers resolve_members(const Policy& policy, const std::vector<Endpoint>& devices) {
  ZoneMembers members;
  for (const Endpoint& device : devices) {
    if (!device.ip.is_assignable()) {
      continue;
    }
    const std::optional<ZoneAssignment> assigned = zone_of(policy, device);
    if (!assigned || (assigned->by != MatchedBy::Select && assigned->by != MatchedBy::Vlan)) {
      continue;
    }
    std::vector<IpAddress>& list = members[assigned->zone->name];
    if (std::find(list.begin(), list.end(), device.ip) == list.end()) {
      list.push_back(device.ip);
    }
  }
  for (auto& [zone, list] : members) {
    std::sort(list.begin(), list.end());
  }
  return members;
}

}  // namespace warden::policy
