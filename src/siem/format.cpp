// SPDX-License-Identifier: Apache-2.0
#include "siem/format.hpp"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <ctime>

#ifndef WARDEN_VERSION
#define WARDEN_VERSION "0.0.0"
#endif

namespace warden::siem {
namespace {

// RFC 5424 6.2: header field lengths.
constexpr std::size_t kMaxHostname = 255;
constexpr std::size_t kMaxAppName = 48;
constexpr std::size_t kMaxProcid = 128;
constexpr int kMaxFacility = 23;

enum class Level : std::uint8_t { Critical, High, Medium, Low, Info };

Level level_of(std::string_view severity) {
  if (severity == "critical") {
    return Level::Critical;
  }
  if (severity == "high") {
    return Level::High;
  }
  if (severity == "medium") {
    return Level::Medium;
  }
  if (severity == "low") {
    return Level::Low;
  }
  return Level::Info;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

// CEF header: backslash and pipe are escaped; line breaks cannot be escaped there, so they
// become spaces.
std::string cef_header(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '\\' || c == '|') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n' || c == '\r') {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// CEF extension values: backslash and equals sign escaped, CR/LF written as \r and \n.
std::string cef_value(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '\\' || c == '=') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// LEEF has no escape sequence: the delimiter (tab) and line breaks in a value become spaces.
std::string leef_value(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c == '\t' || c == '\n' || c == '\r') {
      c = ' ';
    }
  }
  return out;
}

// LEEF EventID is a bare token in the pipe-delimited header.
std::string leef_token(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' ||
                    c == '-' || c == ':';
    out.push_back(ok ? c : '_');
  }
  return out;
}

// RFC 5424 PRINTUSASCII (33..126), cut at `max`; empty becomes the NILVALUE.
std::string printusascii(std::string_view text, std::size_t max) {
  std::string out;
  for (const char c : text.substr(0, max)) {
    const auto u = static_cast<unsigned char>(c);
    out.push_back(u >= 33 && u <= 126 ? c : '_');
  }
  return out.empty() ? std::string("-") : out;
}

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) {
      out += separator;
    }
    out += item;
  }
  return out;
}

std::tm utc_tm(std::int64_t timestamp_us, std::int64_t& millis) {
  std::int64_t seconds = timestamp_us / 1'000'000;
  std::int64_t rem_us = timestamp_us % 1'000'000;
  if (rem_us < 0) {
    rem_us += 1'000'000;
    --seconds;
  }
  millis = rem_us / 1000;
  const auto t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return tm;
}

}  // namespace

std::string_view product_version() {
  return WARDEN_VERSION;
}

std::string_view kind_name(Event::Kind kind) {
  switch (kind) {
    case Event::Kind::Alert:
      return "alert";
    case Event::Kind::Finding:
      return "finding";
    case Event::Kind::InventoryChange:
      return "inventory";
  }
  return "alert";
}

std::string iso8601_ms(std::int64_t timestamp_us) {
  std::int64_t millis = 0;
  const std::tm tm = utc_tm(timestamp_us, millis);
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:03d}Z", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
}

std::string format_mac(std::string_view mac, char separator) {
  std::string digits;
  for (const char c : mac) {
    if (hex_value(c) >= 0) {
      digits.push_back(c);
    } else if (c != ':' && c != '-' && c != '.') {
      return std::string(mac);
    }
  }
  if (digits.size() != 12 && digits.size() != 16) {
    return std::string(mac);
  }
  std::string out;
  for (std::size_t pos = 0; pos < digits.size(); pos += 2) {
    if (pos != 0) {
      out.push_back(separator);
    }
    out += upper(std::string_view(digits).substr(pos, 2));
  }
  return out;
}

int ecs_severity(std::string_view severity) {
  static constexpr std::array<int, 5> kMap = {99, 73, 47, 21, 0};
  return kMap.at(static_cast<std::size_t>(level_of(severity)));
}
int cef_severity(std::string_view severity) {
  static constexpr std::array<int, 5> kMap = {10, 8, 5, 3, 0};
  return kMap.at(static_cast<std::size_t>(level_of(severity)));
}
int leef_severity(std::string_view severity) {
  static constexpr std::array<int, 5> kMap = {10, 8, 5, 3, 1};
  return kMap.at(static_cast<std::size_t>(level_of(severity)));
}
int syslog_severity(std::string_view severity) {
  static constexpr std::array<int, 5> kMap = {2, 3, 4, 5, 6};
  return kMap.at(static_cast<std::size_t>(level_of(severity)));
}

nlohmann::json to_ecs(const Event& event) {
  using nlohmann::json;
  json doc = json::object();
  doc["@timestamp"] = iso8601_ms(event.timestamp_us);
  doc["ecs"] = {{"version", "8.11.0"}};
  json ev = json::object();
  switch (event.kind) {
    case Event::Kind::Alert:
      ev["kind"] = "alert";
      ev["category"] = json::array({"intrusion_detection"});
      ev["type"] = json::array({"info"});
      break;
    case Event::Kind::Finding:
      ev["kind"] = "state";
      ev["category"] = json::array({"vulnerability"});
      ev["type"] = json::array({"info"});
      break;
    case Event::Kind::InventoryChange:
      ev["kind"] = "event";
      ev["category"] = json::array({"host"});
      ev["type"] = json::array({"change"});
      break;
  }
  ev["severity"] = ecs_severity(event.severity);
  ev["module"] = "warden";
  ev["dataset"] = fmt::format("warden.{}", kind_name(event.kind));
  if (!event.id.empty()) {
    ev["id"] = event.id;
  }
  doc["event"] = std::move(ev);
  doc["observer"] = {{"vendor", "Warden"}, {"product", "Warden"}, {"type", "ids"}};
  if (!event.rule_id.empty() || !event.rule_name.empty()) {
    json rule = json::object();
    if (!event.rule_id.empty()) {
      rule["id"] = event.rule_id;
    }
    if (!event.rule_name.empty()) {
      rule["name"] = event.rule_name;
    }
    doc["rule"] = std::move(rule);
  }
  if (!event.source_ip.empty() || !event.source_mac.empty()) {
    json source = json::object();
    if (!event.source_ip.empty()) {
      source["ip"] = event.source_ip;
    }
    if (!event.source_mac.empty()) {
      source["mac"] = format_mac(event.source_mac, '-');
    }
    doc["source"] = std::move(source);
  }
  if (!event.destination_ip.empty() || event.destination_port != 0) {
    json destination = json::object();
    if (!event.destination_ip.empty()) {
      destination["ip"] = event.destination_ip;
    }
    if (event.destination_port != 0) {
      destination["port"] = event.destination_port;
    }
    doc["destination"] = std::move(destination);
  }
  if (!event.transport.empty()) {
    doc["network"] = {{"transport", event.transport}};
  }
  if (!event.techniques.empty()) {
    doc["threat"] = {{"framework", "MITRE ATT&CK"}, {"technique", {{"id", event.techniques}}}};
  }
  if (!event.message.empty()) {
    doc["message"] = event.message;
  }
  json own = event.warden.is_object() ? event.warden : json::object();
  if (!event.warden.is_object() && !event.warden.is_null()) {
    own["value"] = event.warden;
  }
  own["count"] = event.count;
  doc["warden"] = std::move(own);
  return doc;
}

std::string to_ndjson(const Event& event) {
  return to_ecs(event).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string to_cef(const Event& event) {
  std::string out = fmt::format("CEF:0|Warden|Warden|{}|{}|{}|{}|", cef_header(product_version()),
                                cef_header(event.rule_id), cef_header(event.rule_name),
                                cef_severity(event.severity));
  std::string ext;
  const auto add = [&ext](std::string_view key, std::string_view value) {
    if (value.empty()) {
      return;
    }
    if (!ext.empty()) {
      ext.push_back(' ');
    }
    ext += key;
    ext.push_back('=');
    ext += cef_value(value);
  };
  add("rt", std::to_string(event.timestamp_us / 1000));
  add("cat", kind_name(event.kind));
  add("externalId", event.id);
  add("src", event.source_ip);
  add("smac", event.source_mac.empty() ? std::string() : format_mac(event.source_mac, ':'));
  add("dst", event.destination_ip);
  add("dpt", event.destination_port != 0 ? std::to_string(event.destination_port) : "");
  add("proto", upper(event.transport));
  add("cnt", std::to_string(event.count));
  if (!event.techniques.empty()) {
    add("cs1Label", "mitreTechniques");
    add("cs1", join(event.techniques, ","));
  }
  add("msg", event.message);
  return out + ext;
}

std::string to_leef(const Event& event) {
  std::string out =
      fmt::format("LEEF:2.0|Warden|Warden|{}|{}|x09|", leef_token(product_version()),
                  leef_token(event.rule_id.empty() ? kind_name(event.kind) : event.rule_id));
  std::int64_t millis = 0;
  const std::tm tm = utc_tm(event.timestamp_us, millis);
  bool first = true;
  const auto add = [&out, &first](std::string_view key, std::string_view value) {
    if (value.empty()) {
      return;
    }
    if (!first) {
      out.push_back('\t');
    }
    first = false;
    out += key;
    out.push_back('=');
    out += leef_value(value);
  };
  add("devTime",
      fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:03d}+0000", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis));
  add("devTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ");
  add("cat", kind_name(event.kind));
  add("sev", std::to_string(leef_severity(event.severity)));
  add("src", event.source_ip);
  add("srcMAC", event.source_mac.empty() ? std::string() : format_mac(event.source_mac, ':'));
  add("dst", event.destination_ip);
  add("dstPort", event.destination_port != 0 ? std::to_string(event.destination_port) : "");
  add("proto", upper(event.transport));
  add("externalId", event.id);
  add("ruleName", event.rule_name);
  add("technique", join(event.techniques, ","));
  add("count", std::to_string(event.count));
  add("msg", event.message);
  return out;
}

std::string format_payload(const Event& event, PayloadFormat format) {
  switch (format) {
    case PayloadFormat::Cef:
      return to_cef(event);
    case PayloadFormat::Leef:
      return to_leef(event);
    case PayloadFormat::Ecs:
      break;
  }
  return to_ndjson(event);
}

std::string to_syslog5424(const Event& event, std::string_view payload,
                          const SyslogOptions& options) {
  const int facility =
      options.facility < 0 || options.facility > kMaxFacility ? 16 : options.facility;
  const int pri = facility * 8 + syslog_severity(event.severity);
  // RFC 5424 7.2: "origin" is IANA-registered; its values are plain ASCII here, nothing to escape.
  return fmt::format(R"(<{}>1 {} {} {} {} {} [origin software="Warden" swVersion="{}"] {})", pri,
                     iso8601_ms(event.timestamp_us), printusascii(options.hostname, kMaxHostname),
                     printusascii(options.app_name, kMaxAppName),
                     printusascii(options.procid, kMaxProcid), kind_name(event.kind),
                     leef_token(product_version()), payload);
}

std::string octet_counted(std::string_view message) {
  return fmt::format("{} {}", message.size(), message);
}

}  // namespace warden::siem
