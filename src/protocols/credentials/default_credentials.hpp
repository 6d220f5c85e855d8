// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <span>
#include <string_view>

namespace warden::proto::credentials {

/// Which public list a default credential comes from.
enum class DefaultList : unsigned char {
  None,    ///< not a known default
  Mirai,   ///< the 62 user/password pairs of the Mirai botnet's telnet scanner (2016 source)
  Vendor,  ///< a manufacturer's factory default (docs/risk.md lists them with their vendors)
};

/// "mirai", "vendor" or "none".
std::string_view list_name(DefaultList list);

/// Whether `user` / `password` is a pair on one of the default lists. The comparison is exact
/// (user names case-insensitively, as devices accept "Admin"); the caller keeps only the answer,
/// never the password. Mirai wins when a pair is on both lists.
[[nodiscard]] DefaultList match_default(std::string_view user, std::string_view password);

/// One entry of the lists, for documentation and tests.
struct DefaultPair {
  std::string_view user;
  std::string_view password;
  std::string_view vendor;  ///< who ships it ("Mirai" for the Mirai list)
};

/// Every pair of `list` (Mirai or Vendor; empty for None).
[[nodiscard]] std::span<const DefaultPair> pairs_of(DefaultList list);

}  // namespace warden::proto::credentials
