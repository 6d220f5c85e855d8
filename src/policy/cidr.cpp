// SPDX-License-Identifier: Apache-2.0
#include "policy/cidr.hpp"

#include <algorithm>

namespace warden::policy {
namespace {

bool bit_of(const IpAddress& ip, int index) {
  const auto byte = static_cast<std::size_t>(index / 8);
  return ((ip.bytes[byte] >> (7 - index % 8)) & 1U) != 0;
}

void set_bit(IpAddress& ip, int index, bool value) {
  const auto byte = static_cast<std::size_t>(index / 8);
  const auto mask = static_cast<std::uint8_t>(1U << (7 - index % 8));
  ip.bytes[byte] = value ? static_cast<std::uint8_t>(ip.bytes[byte] | mask)
                         : static_cast<std::uint8_t>(ip.bytes[byte] & ~mask);
}

/// `ip` with every bit from `prefix` on cleared.
IpAddress masked(IpAddress ip, int prefix) {
  const int width = ip.is_v4() ? 32 : 128;
  for (int index = prefix; index < width; ++index) {
    set_bit(ip, index, false);
  }
  return ip;
}

/// `ip` with every bit from `prefix` on set: the last address of the prefix.
IpAddress filled(IpAddress ip, int prefix) {
  const int width = ip.is_v4() ? 32 : 128;
  for (int index = prefix; index < width; ++index) {
    set_bit(ip, index, true);
  }
  return ip;
}

/// `ip` + 1; false when it wraps past the last address of the family.
bool increment(IpAddress& ip) {
  const std::size_t width = ip.is_v4() ? 4 : 16;
  for (std::size_t index = width; index-- > 0;) {
    if (++ip.bytes[index] != 0) {
      return true;
    }
  }
  return false;
}

bool bytes_less(const IpAddress& a, const IpAddress& b) {
  return a.bytes < b.bytes;
}

}  // namespace

std::optional<Cidr> AddressRange::as_cidr() const {
  const int width = first.is_v4() ? 32 : 128;
  int common = 0;
  while (common < width && bit_of(first, common) == bit_of(last, common)) {
    ++common;
  }
  if (masked(first, common) != first || filled(last, common) != last) {
    return std::nullopt;
  }
  Cidr cidr;
  cidr.base = first;
  cidr.prefix = static_cast<std::uint8_t>(common);
  return cidr;
}

std::string AddressRange::to_string() const {
  if (const std::optional<Cidr> cidr = as_cidr()) {
    return cidr->to_string();
  }
  return first.to_string() + "-" + last.to_string();
}

std::vector<AddressRange> merge_ranges(std::vector<Cidr> cidrs) {
  cidrs = normalize(std::move(cidrs));
  std::vector<AddressRange> out;
  for (const Cidr& cidr : cidrs) {
    const AddressRange range{cidr.base, filled(cidr.base, cidr.prefix)};
    if (!out.empty() && out.back().last.family == range.first.family) {
      IpAddress next = out.back().last;
      const bool follows = increment(next) && !bytes_less(next, range.first);
      if (follows) {
        if (bytes_less(out.back().last, range.last)) {
          out.back().last = range.last;
        }
        continue;
      }
    }
    out.push_back(range);
  }
  return out;
}

std::optional<Cidr> Cidr::parse(std::string_view text, std::string* why) {
  const auto say = [why](std::string message) -> std::optional<Cidr> {
    if (why != nullptr) {
      *why = std::move(message);
    }
    return std::nullopt;
  };
  const std::size_t slash = text.find('/');
  const std::string_view address_text = text.substr(0, slash);
  const std::optional<IpAddress> address = IpAddress::parse(address_text);
  if (!address) {
    return say("'" + std::string(address_text) + "' is not an IPv4 or IPv6 address");
  }
  Cidr cidr;
  cidr.base = *address;
  cidr.prefix = cidr.max_prefix();
  if (slash != std::string_view::npos) {
    const std::string_view length_text = text.substr(slash + 1);
    unsigned length = 0;
    const bool digits = !length_text.empty() && length_text.size() <= 3 &&
                        std::all_of(length_text.begin(), length_text.end(),
                                    [](char c) { return c >= '0' && c <= '9'; });
    for (const char c : digits ? length_text : std::string_view()) {
      length = length * 10 + static_cast<unsigned>(c - '0');
    }
    if (!digits || length > cidr.max_prefix()) {
      return say("prefix length '" + std::string(length_text) + "' must be 0 to " +
                 std::to_string(cidr.max_prefix()));
    }
    cidr.prefix = static_cast<std::uint8_t>(length);
  }
  if (masked(cidr.base, cidr.prefix) != cidr.base) {
    Cidr network = cidr;
    network.base = masked(cidr.base, cidr.prefix);
    return say("host bits set: use " + network.to_string());
  }
  return cidr;
}

Cidr Cidr::host(const IpAddress& ip) {
  Cidr cidr;
  cidr.base = ip;
  cidr.prefix = cidr.max_prefix();
  return cidr;
}

bool Cidr::contains(const IpAddress& ip) const {
  return ip.family == base.family && masked(ip, prefix) == base;
}

bool Cidr::contains(const Cidr& other) const {
  return other.base.family == base.family && other.prefix >= prefix &&
         masked(other.base, prefix) == base;
}

std::string Cidr::to_string() const {
  if (prefix == max_prefix()) {
    return base.to_string();
  }
  return base.to_string() + "/" + std::to_string(prefix);
}

std::vector<Cidr> subtract(const Cidr& from, const Cidr& remove) {
  if (!from.overlaps(remove)) {
    return {from};
  }
  if (remove.contains(from)) {
    return {};
  }
  // `from` strictly contains `remove`: at every level between the two, keep the half that does
  // not lead to `remove`.
  std::vector<Cidr> out;
  for (int level = from.prefix; level < remove.prefix; ++level) {
    Cidr sibling;
    sibling.base = masked(remove.base, level + 1);
    set_bit(sibling.base, level, !bit_of(remove.base, level));
    sibling.prefix = static_cast<std::uint8_t>(level + 1);
    out.push_back(sibling);
  }
  return out;
}

std::vector<Cidr> subtract_all(std::vector<Cidr> from, const std::vector<Cidr>& remove) {
  for (const Cidr& hole : remove) {
    std::vector<Cidr> next;
    for (const Cidr& piece : from) {
      std::vector<Cidr> left = subtract(piece, hole);
      next.insert(next.end(), left.begin(), left.end());
    }
    from = std::move(next);
  }
  return normalize(std::move(from));
}

std::vector<Cidr> normalize(std::vector<Cidr> cidrs) {
  std::sort(cidrs.begin(), cidrs.end());
  std::vector<Cidr> out;
  // Sorted by address then prefix length, a containing prefix comes before what it contains.
  for (const Cidr& cidr : cidrs) {
    if (out.empty() || !out.back().contains(cidr)) {
      out.push_back(cidr);
    }
  }
  return out;
}

}  // namespace warden::policy
