// SPDX-License-Identifier: Apache-2.0
#include "protocols/upnp/upnp_parser.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <optional>

#include "core/text.hpp"

namespace warden::proto::upnp {
namespace {

/// Longest entity reference decoded, "&#x10FFFF;" being the longest meaningful one.
constexpr std::size_t kMaxEntityLength = 10;

std::uint32_t offset_of(std::size_t at) {
  return static_cast<std::uint32_t>(
      std::min<std::size_t>(at, std::numeric_limits<std::uint32_t>::max()));
}

bool is_xml_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string_view trim_xml(std::string_view text) {
  while (!text.empty() && is_xml_space(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && is_xml_space(text.back())) {
    text.remove_suffix(1);
  }
  return text;
}

/// The field of `description` filled by a direct child of the device named `name`, or nullptr.
std::string* field_for(DeviceDescription& description, std::string_view name) {
  struct Entry {
    std::string_view name;
    std::string DeviceDescription::*field;
  };
  static constexpr std::array<Entry, 10> kFields{{
      {"deviceType", &DeviceDescription::device_type},
      {"friendlyName", &DeviceDescription::friendly_name},
      {"manufacturer", &DeviceDescription::manufacturer},
      {"manufacturerURL", &DeviceDescription::manufacturer_url},
      {"modelDescription", &DeviceDescription::model_description},
      {"modelName", &DeviceDescription::model_name},
      {"modelNumber", &DeviceDescription::model_number},
      {"serialNumber", &DeviceDescription::serial_number},
      {"UDN", &DeviceDescription::udn},
      {"presentationURL", &DeviceDescription::presentation_url},
  }};
  for (const Entry& entry : kFields) {
    if (iequals(entry.name, name)) {
      return &(description.*entry.field);
    }
  }
  return nullptr;
}

void append_bounded(std::string& out, std::string_view text) {
  out.append(text.substr(0, kMaxFieldBytes - std::min(out.size(), kMaxFieldBytes)));
}

void append_utf8(std::string& out, std::uint32_t cp) {
  std::array<char, 4> bytes{};
  std::size_t count = 0;
  if (cp < 0x80) {
    bytes[count++] = static_cast<char>(cp);
  } else if (cp < 0x800) {
    bytes[count++] = static_cast<char>(0xC0 | (cp >> 6));
    bytes[count++] = static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    bytes[count++] = static_cast<char>(0xE0 | (cp >> 12));
    bytes[count++] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    bytes[count++] = static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    bytes[count++] = static_cast<char>(0xF0 | (cp >> 18));
    bytes[count++] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    bytes[count++] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    bytes[count++] = static_cast<char>(0x80 | (cp & 0x3F));
  }
  if (out.size() + count <= kMaxFieldBytes) {
    out.append(bytes.data(), count);
  }
}

/// Code point of a character reference body ("#65", "#x41"), or nullopt when invalid.
std::optional<std::uint32_t> char_ref(std::string_view body) {
  if (body.size() < 2 || body[0] != '#') {
    return std::nullopt;
  }
  const bool hex = body[1] == 'x';
  const std::string_view digits = body.substr(hex ? 2 : 1);
  if (digits.empty()) {
    return std::nullopt;
  }
  std::uint32_t cp = 0;
  for (const char c : digits) {  // at most kMaxEntityLength characters
    std::uint32_t digit = 0;
    if (c >= '0' && c <= '9') {
      digit = static_cast<std::uint32_t>(c - '0');
    } else if (hex && ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')) {
      digit = static_cast<std::uint32_t>((c | 0x20) - 'a' + 10);
    } else {
      return std::nullopt;
    }
    cp = cp * (hex ? 16U : 10U) + digit;
  }
  // Char production of XML 1.0 §2.2: no NUL, no surrogates, nothing past U+10FFFF.
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return std::nullopt;
  }
  return cp;
}

/// Appends character data with entity and character references decoded (XML 1.0 §4.1, §4.6);
/// anything that is not a valid reference is kept literally.
void append_decoded(std::string& out, std::string_view text) {
  std::size_t at = 0;
  // A round takes one reference or run of text; a field holds no more than kMaxFieldBytes.
  for (std::size_t ref_idx = 0; ref_idx < kMaxFieldBytes && at < text.size(); ++ref_idx) {
    const std::size_t amp = text.find('&', at);
    append_bounded(out, text.substr(at, amp - at));
    if (amp == std::string_view::npos) {
      return;
    }
    const std::size_t semi = text.substr(amp, kMaxEntityLength + 2).find(';');
    at = amp + 1;
    if (semi == std::string_view::npos) {
      append_bounded(out, "&");
      continue;
    }
    const std::string_view body = text.substr(amp + 1, semi - 1);
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 5> kEntities{
        {{"lt", "<"}, {"gt", ">"}, {"amp", "&"}, {"apos", "'"}, {"quot", "\""}}};
    const auto* named = std::find_if(kEntities.begin(), kEntities.end(),
                                     [&](const auto& entity) { return entity.first == body; });
    if (named != kEntities.end()) {
      append_bounded(out, named->second);
    } else if (const auto cp = char_ref(body)) {
      append_utf8(out, *cp);
    } else {
      append_bounded(out, "&");
      continue;
    }
    at = amp + semi + 1;
  }
}

/// End of a start tag beginning at `at` (the '<'): the position of its '>', skipping quoted
/// attribute values, or npos when the input ends first.
std::size_t tag_end(std::string_view xml, std::size_t at) {
  char quote = 0;
  for (std::size_t pos = at + 1; pos < xml.size(); ++pos) {
    const char c = xml[pos];
    if (quote != 0) {
      if (c == quote) {
        quote = 0;
      }
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '>') {
      return pos;
    }
  }
  return std::string_view::npos;
}

/// Local name of a tag's text after '<' or '</': up to whitespace, '/' or '>', prefix dropped.
std::string_view local_name(std::string_view tag) {
  const std::size_t end = tag.find_first_of(" \t\r\n/>");
  std::string_view name = tag.substr(0, end);
  const std::size_t colon = name.rfind(':');
  if (colon != std::string_view::npos) {
    name.remove_prefix(colon + 1);
  }
  return name;
}

/// Scanner state: where the root device is, and which of its fields is being read.
struct Scan {
  DeviceDescription description;
  std::size_t depth = 0;
  std::size_t device_depth = 0;  ///< depth of the root <device>, 0 before it
  std::string* field = nullptr;  ///< field being read, a direct child of the device
  bool field_has_child = false;  ///< the field element holds elements: not a value
  std::string text;              ///< text of `field` so far

  void start(std::string_view name, bool self_closing) {
    field_has_child = field_has_child || field != nullptr;
    if (self_closing) {
      return;
    }
    ++depth;
    if (device_depth == 0 && iequals(name, "device")) {
      device_depth = depth;
      description.found_device = true;
    } else if (device_depth != 0 && depth == device_depth + 1) {
      field = field_for(description, name);
      field_has_child = false;
      text.clear();
    }
  }

  /// Returns true once the root device element is closed.
  bool end() {
    if (depth == 0) {
      return false;  // stray end tag: ignored
    }
    if (field != nullptr && depth == device_depth + 1) {
      if (!field_has_child && field->empty()) {
        *field = trim_xml(text);
      }
      field = nullptr;
    }
    if (depth-- == device_depth) {
      description.complete = true;
      return true;
    }
    return false;
  }
};

}  // namespace

Result<DeviceDescription> parse_description(std::string_view xml) {
  xml = xml.substr(0, kMaxDescriptionBytes);
  Scan scan;
  std::size_t pos = 0;
  for (std::size_t markup_idx = 0; markup_idx < kMaxMarkup; ++markup_idx) {
    const std::size_t lt = xml.find('<', pos);
    if (scan.field != nullptr) {
      append_decoded(scan.text, xml.substr(pos, lt - pos));
    }
    if (lt == std::string_view::npos) {
      return scan.description;
    }
    const std::string_view rest = xml.substr(lt);
    std::string_view closer;
    if (rest.starts_with("<!--")) {
      closer = "-->";
    } else if (rest.starts_with("<![CDATA[")) {
      closer = "]]>";
    } else if (rest.starts_with("<?")) {
      closer = "?>";
    }
    if (!closer.empty() || rest.starts_with("<!")) {
      // Comment, CDATA section, processing instruction or DOCTYPE (no internal subset).
      const std::size_t end = closer.empty() ? rest.find('>') : rest.find(closer, 2);
      if (end == std::string_view::npos) {
        return scan.description;
      }
      if (closer == "]]>" && scan.field != nullptr) {
        append_bounded(scan.text, rest.substr(9, end - 9));
      }
      pos = lt + end + std::max<std::size_t>(closer.size(), 1);
      continue;
    }
    const std::size_t gt = tag_end(xml, lt);
    if (gt == std::string_view::npos) {
      return scan.description;
    }
    pos = gt + 1;
    if (rest.starts_with("</")) {
      if (scan.end()) {
        return scan.description;
      }
      continue;
    }
    const std::string_view name = local_name(rest.substr(1));
    if (name.empty()) {
      continue;  // "<" followed by no name: not markup worth reading
    }
    scan.start(name, xml[gt - 1] == '/');
    if (scan.depth > kMaxDepth) {
      return fail(ParseErrorCode::LimitExceeded, offset_of(lt), "upnp.too_deep");
    }
  }
  return fail(ParseErrorCode::LimitExceeded, offset_of(pos), "upnp.too_much_markup");
}

}  // namespace warden::proto::upnp
