// SPDX-License-Identifier: Apache-2.0
#include "identify/recog.hpp"

#include <tinyxml2.h>

#include <array>
#include <filesystem>
#include <map>

#include "core/text.hpp"

namespace warden::identify {
namespace {

constexpr double kRecogConfidence = 0.65;
constexpr double kRecogOsConfidence = 0.55;

/// Recog's `matches` -> Warden attribute, and whether the value carries a "tcp/22 " prefix.
struct MatchMap {
  std::string_view matches;
  std::string_view attr;
  bool banner;
};

constexpr std::array<MatchMap, 9> kMatchMaps = {{
    {"http_header.server", "http.server", false},
    {"rtsp_header.server", "rtsp.server", false},
    {"ssh.banner", "service.banner", true},
    {"ftp.banner", "service.banner", true},
    {"telnet.banner", "service.banner", true},
    {"snmp.sys_description", "snmp.sys_descr", false},
    {"snmp.sys_object_id", "snmp.sys_object_id", false},
    {"dhcp_vendor_class", "dhcp.vendor_class", false},
    {"mdns.device-info.txt", "mdns.txt", false},
}};

struct TypeMap {
  std::string_view recog;
  std::string_view warden;
};

constexpr std::array<TypeMap, 27> kTypeMaps = {{
    {"router", "router"},
    {"broadband router", "router"},
    {"printer", "printer"},
    {"multifunction device", "printer"},
    {"print server", "printer"},
    {"voip", "ip_phone"},
    {"sip device", "ip_phone"},
    {"wap", "access_point"},
    {"wireless controller", "access_point"},
    {"ip camera", "ip_camera"},
    {"web cam", "ip_camera"},
    {"video encoder", "ip_camera"},
    {"dvr", "nvr_dvr"},
    {"nvr", "nvr_dvr"},
    {"laptop", "computer"},
    {"desktop", "computer"},
    {"switch", "switch"},
    {"mobile phone", "phone_tablet"},
    {"tablet", "phone_tablet"},
    {"firewall", "firewall"},
    {"security appliance", "firewall"},
    {"nas", "nas"},
    {"storage", "nas"},
    {"smart tv", "smart_tv"},
    {"media player", "smart_tv"},
    {"building automation", "building_controller"},
    {"plc", "plc"},
}};

/// A parameter's contribution: a fixed value (pos 0) or a capture group ("$n").
std::optional<std::string> param_value(const tinyxml2::XMLElement& param) {
  const int pos = param.IntAttribute("pos", 0);
  if (pos > 0 && pos <= 9) {
    return "$" + std::to_string(pos);
  }
  const char* value = param.Attribute("value");
  if (value == nullptr || *value == '\0' ||
      std::string_view(value).find('{') != std::string::npos) {
    return std::nullopt;  // templates such as "{service.version}" are not expanded
  }
  return std::string(value);
}

}  // namespace

std::string recog_device_type(std::string_view hw_device) {
  const std::string lower = to_lower(hw_device);
  for (const TypeMap& map : kTypeMaps) {
    if (map.recog == lower) {
      return std::string(map.warden);
    }
  }
  return {};
}

tl::expected<RuleSet, RuleError> load_recog(const std::string& directory, RecogStats* stats) {
  RecogStats local;
  RecogStats& counts = stats != nullptr ? *stats : local;
  std::error_code error;
  if (!std::filesystem::is_directory(directory, error)) {
    return tl::unexpected(RuleError{directory, 0, "", "not a directory of Recog XML files"});
  }
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(directory, error)) {
    if (entry.path().extension() == ".xml") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  RuleSet set;
  for (const auto& path : files) {
    tinyxml2::XMLDocument document;
    if (document.LoadFile(path.c_str()) != tinyxml2::XML_SUCCESS) {
      return tl::unexpected(RuleError{path.string(), document.ErrorLineNum(), "",
                                      std::string("bad XML: ") + document.ErrorStr()});
    }
    const tinyxml2::XMLElement* root = document.FirstChildElement("fingerprints");
    if (root == nullptr) {
      continue;
    }
    // telnet_banners.xml has no `matches`; "<proto>_banners.xml" means "<proto>.banner".
    std::string matches = root->Attribute("matches") != nullptr ? root->Attribute("matches") : "";
    if (const std::string stem = path.stem().string();
        matches.empty() && stem.ends_with("_banners")) {
      matches = stem.substr(0, stem.size() - std::string_view("_banners").size()) + ".banner";
    }
    const MatchMap* map = nullptr;
    for (const MatchMap& candidate : kMatchMaps) {
      if (candidate.matches == matches) {
        map = &candidate;
      }
    }
    if (map == nullptr) {
      continue;
    }
    ++counts.files;
    const std::string file = path.filename().string();
    int index = 0;
    for (const tinyxml2::XMLElement* print = root->FirstChildElement("fingerprint");
         print != nullptr; print = print->NextSiblingElement("fingerprint"), ++index) {
      const char* raw_pattern = print->Attribute("pattern");
      if (raw_pattern == nullptr || *raw_pattern == '\0') {
        ++counts.skipped;
        continue;
      }
      std::string pattern = raw_pattern;
      if (map->banner) {
        // Warden's banners start with "tcp/22 "; anchor Recog's pattern after that prefix.
        pattern = pattern.starts_with("^") ? "^\\S+/\\d+ " + pattern.substr(1) : pattern;
      }
      const char* flags = print->Attribute("flags");
      const bool icase =
          flags != nullptr && std::string_view(flags).find("REG_ICASE") != std::string_view::npos;
      auto regex = Regex::compile(pattern, icase);
      if (!regex) {
        ++counts.bad_patterns;
        continue;
      }
      std::map<std::string, std::string> params;
      for (const tinyxml2::XMLElement* param = print->FirstChildElement("param"); param != nullptr;
           param = param->NextSiblingElement("param")) {
        const char* name = param->Attribute("name");
        if (name == nullptr) {
          continue;
        }
        if (auto value = param_value(*param)) {
          params[name] = *value;
        }
      }
      Rule rule;
      rule.id = "recog:" + file + ":" + std::to_string(index);
      const tinyxml2::XMLElement* description = print->FirstChildElement("description");
      rule.says =
          "Recog: " + std::string(description != nullptr && description->GetText() != nullptr
                                      ? description->GetText()
                                      : "fingerprint");
      rule.says = std::string(trim(rule.says));
      rule.origin = path.string();
      Condition condition;
      condition.attr_name = std::string(map->attr);
      condition.attr = proto::attr_from_name(map->attr);
      condition.kind = MatchKind::Regex;
      condition.pattern = pattern;
      condition.regex = std::move(*regex);
      rule.when.push_back(std::move(condition));

      auto take = [&](const char* key) -> std::optional<std::string> {
        const auto found = params.find(key);
        return found == params.end() ? std::nullopt : std::optional(found->second);
      };
      if (auto vendor = take("hw.vendor")) {
        rule.sets.emplace_back("vendor", *vendor);
      }
      if (auto device = take("hw.device")) {
        if (const std::string type = recog_device_type(*device); !type.empty()) {
          rule.sets.emplace_back("type", type);
        }
      }
      if (auto model = take("hw.product"); model || (model = take("hw.model"))) {
        rule.sets.emplace_back("model", *model);
      }
      if (auto firmware = take("hw.version")) {
        rule.sets.emplace_back("firmware", *firmware);
      }
      Rule os_rule;
      if (auto os = take("os.product"); os || (os = take("os.family"))) {
        std::string value = *os;
        if (auto version = take("os.version")) {
          value += " " + *version;
        }
        os_rule = rule;  // same condition, lower confidence
        os_rule.id += ":os";
        os_rule.sets = {{"os", value}};
        os_rule.confidence = kRecogOsConfidence;
      }
      if (rule.sets.empty() && os_rule.sets.empty()) {
        ++counts.skipped;
        continue;
      }
      rule.confidence = kRecogConfidence;
      if (!rule.sets.empty()) {
        set.add_rule(std::move(rule));
        ++counts.rules;
      }
      if (!os_rule.sets.empty()) {
        set.add_rule(std::move(os_rule));
        ++counts.rules;
      }
    }
  }
  return set;
}

}  // namespace warden::identify
