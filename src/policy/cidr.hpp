// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/address.hpp"

namespace warden::policy {

/// An IPv4 or IPv6 prefix. `base` has no bits set past `prefix` (parse() rejects host bits).
struct Cidr {
  IpAddress base;
  std::uint8_t prefix = 0;  ///< 0..32 for IPv4, 0..128 for IPv6

  /// "10.20.0.0/24", "2001:db8::/32", or a bare address (a /32 or /128). On failure returns
  /// nullopt and, when `why` is given, says what is wrong ("host bits set: use 10.20.0.0/24").
  static std::optional<Cidr> parse(std::string_view text, std::string* why = nullptr);
  /// The one-address prefix of `ip` (/32 or /128).
  static Cidr host(const IpAddress& ip);

  [[nodiscard]] bool is_v4() const { return base.is_v4(); }
  [[nodiscard]] std::uint8_t max_prefix() const { return base.is_v4() ? 32 : 128; }
  [[nodiscard]] bool contains(const IpAddress& ip) const;
  /// Whether every address of `other` is in this prefix (same family).
  [[nodiscard]] bool contains(const Cidr& other) const;
  [[nodiscard]] bool overlaps(const Cidr& other) const {
    return contains(other) || other.contains(*this);
  }
  /// "10.20.0.0/24"; a host prefix prints as the bare address.
  [[nodiscard]] std::string to_string() const;

  friend bool operator==(const Cidr&, const Cidr&) = default;
  friend bool operator<(const Cidr& a, const Cidr& b) {
    if (a.base.family != b.base.family) {
      return a.base.family < b.base.family;
    }
    if (a.base.bytes != b.base.bytes) {
      return a.base.bytes < b.base.bytes;
    }
    return a.prefix < b.prefix;
  }
};

/// An inclusive range of addresses of one family.
struct AddressRange {
  IpAddress first;
  IpAddress last;

  /// The prefix covering exactly this range, if there is one.
  [[nodiscard]] std::optional<Cidr> as_cidr() const;
  /// The prefix text when the range is one, else "first-last" (nftables and iptables iprange).
  [[nodiscard]] std::string to_string() const;

  friend bool operator==(const AddressRange&, const AddressRange&) = default;
};

/// The prefixes as the fewest ranges: adjacent or overlapping ones merged, sorted.
std::vector<AddressRange> merge_ranges(std::vector<Cidr> cidrs);

/// `from` minus `remove`, as a list of disjoint prefixes (the siblings along the path from
/// `from` down to `remove`). Prefixes of another family are not removed.
std::vector<Cidr> subtract(const Cidr& from, const Cidr& remove);
/// Every address of `from` that is in none of `remove`.
std::vector<Cidr> subtract_all(std::vector<Cidr> from, const std::vector<Cidr>& remove);
/// Sorted, without prefixes contained in another of the list.
std::vector<Cidr> normalize(std::vector<Cidr> cidrs);

}  // namespace warden::policy
