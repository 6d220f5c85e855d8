// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "siem/event.hpp"

namespace warden::siem {

/// Warden's version as written into CEF/LEEF headers and the syslog `origin` element.
std::string_view product_version();

/// What travels inside a syslog message (or is printed by `warden alerts --format`).
enum class PayloadFormat : std::uint8_t { Ecs, Cef, Leef };

/// ISO 8601 UTC with milliseconds: 2025-01-18T11:07:53.520Z.
std::string iso8601_ms(std::int64_t timestamp_us);

/// A MAC written as upper-case octets joined by `separator` ("AA-BB-CC-DD-EE-FF"). Accepts
/// colon-, hyphen- or dot-separated and bare hex input; anything else is returned unchanged.
std::string format_mac(std::string_view mac, char separator);

/// Severity mappings (docs/siem.md). Unknown or empty severities count as "info".
int ecs_severity(std::string_view severity);   ///< critical 99, high 73, medium 47, low 21, info 0
int cef_severity(std::string_view severity);   ///< critical 10, high 8, medium 5, low 3, info 0
int leef_severity(std::string_view severity);  ///< critical 10, high 8, medium 5, low 3, info 1
int syslog_severity(std::string_view severity);  ///< critical 2, high 3, medium 4, low 5, info 6

/// The event as an ECS 8.x document (nested objects; docs/siem.md lists every field).
nlohmann::json to_ecs(const Event& event);
/// to_ecs() as one compact NDJSON line without the trailing newline; invalid UTF-8 in any
/// string is replaced (U+FFFD), so this never throws.
std::string to_ndjson(const Event& event);
/// ArcSight CEF:0 line, header and extension escaped per the CEF spec.
std::string to_cef(const Event& event);
/// IBM QRadar LEEF:2.0 line with a tab delimiter (declared as x09 in the header).
std::string to_leef(const Event& event);
/// One of the three above.
std::string format_payload(const Event& event, PayloadFormat format);

/// RFC 5424 header fields Warden controls. Empty hostname/procid become the NILVALUE "-".
struct SyslogOptions {
  int facility = 16;  ///< 0..23; default local0
  std::string hostname;
  std::string app_name = "warden";
  std::string procid;
};

/// `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [origin ...] MSG` (RFC 5424 section 6).
/// PRI = facility * 8 + syslog_severity(event.severity); MSGID is the event kind ("alert",
/// "finding", "inventory"); TIMESTAMP is the event's time. No framing, no trailing newline.
std::string to_syslog5424(const Event& event, std::string_view payload,
                          const SyslogOptions& options);

/// Octet-counting framing for syslog over TCP and TLS (RFC 6587 3.4.1, RFC 5425 4.3):
/// "<length> <message>".
std::string octet_counted(std::string_view message);

/// Name of a kind as used in MSGID, CEF/LEEF `cat` and ECS `event.dataset` ("warden.<name>").
std::string_view kind_name(Event::Kind kind);

}  // namespace warden::siem
