// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <tl/expected.hpp>

#include "identify/rules.hpp"

namespace warden::identify {

/// What a Recog load did.
struct RecogStats {
  std::size_t files = 0;         ///< XML files whose `matches` maps to a Warden attribute
  std::size_t rules = 0;         ///< fingerprints turned into rules
  std::size_t skipped = 0;       ///< fingerprints without a usable identity or pattern
  std::size_t bad_patterns = 0;  ///< patterns PCRE2 would not compile
};

/// Reads Rapid7 Recog fingerprint XML files (BSD-2-Clause, github.com/rapid7/recog, xml/) from
/// `directory` into rules, optionally. Only databases whose `matches` names a value Warden
/// observes are read: HTTP and RTSP Server headers, SSH/FTP/telnet banners, SNMP sysDescr and
/// sysObjectID, DHCP vendor class, mDNS device-info TXT. Parameters map to identity fields
/// (hw.vendor -> vendor, hw.device -> type, hw.product/hw.model -> model, os.product + os.version
/// -> os, hw.version / os.version -> firmware), with confidence 0.65 (0.55 for the OS), below
/// Warden's own rules where they agree on a value, so Recog fills gaps rather than overriding.
/// Rule ids are "recog:<file>:<n>". Warden's built-in rules never depend on this.
tl::expected<RuleSet, RuleError> load_recog(const std::string& directory, RecogStats* stats);

/// Warden's type id for a Recog hw.device value ("IP Camera" -> "ip_camera"), or "" when the
/// taxonomy has no counterpart.
std::string recog_device_type(std::string_view hw_device);

}  // namespace warden::identify
