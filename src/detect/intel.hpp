// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <unordered_map>
#include <vector>

#include "core/address.hpp"

namespace warden::detect {

/// Threat-intelligence indicators: IP addresses, CIDR blocks and domains, each with the list it
/// came from and an optional label.
class Indicators {
 public:
  struct Match {
    std::string indicator;  ///< as listed: "203.0.113.7", "198.51.100.0/24", "evil.example"
    std::string source;     ///< file it came from
    std::string label;      ///< description or name given in the list ("" when none)
  };

  /// Loads a list; the format follows the content: a STIX 2.1 bundle or array of indicator
  /// objects (JSON; patterns `[ipv4-addr:value = '...']`, `[ipv6-addr:value = '...']`,
  /// `[domain-name:value = '...']`, joined by OR), a CSV with an `indicator`/`value` column (and
  /// optional `description`), or plain text (one indicator per line, `#` comments). Errors name
  /// the file and line.
  tl::expected<std::size_t, std::string> load_file(const std::string& path);
  /// Adds one indicator (IP, CIDR or domain); false when it is none of them.
  bool add(std::string_view indicator, const std::string& source, const std::string& label);

  /// The indicator `ip` matches (exact address or the longest CIDR containing it).
  [[nodiscard]] std::optional<Match> match_ip(const IpAddress& ip) const;
  /// The indicator `name` matches: the domain itself or any parent domain listed.
  [[nodiscard]] std::optional<Match> match_domain(std::string_view name) const;

  [[nodiscard]] std::size_t size() const { return ips_.size() + cidrs_.size() + domains_.size(); }

 private:
  struct Cidr {
    IpAddress base;
    int prefix = 0;
    Match match;
  };
  std::unordered_map<IpAddress, Match> ips_;
  std::vector<Cidr> cidrs_;
  std::unordered_map<std::string, Match> domains_;
};

/// Whether `ip` lies in `base`/`prefix`.
bool in_cidr(const IpAddress& ip, const IpAddress& base, int prefix);

}  // namespace warden::detect
