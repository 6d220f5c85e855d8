// SPDX-License-Identifier: Apache-2.0
// The default-credential lists. Only public defaults live here; what a device was seen sending
// is compared against them and then forgotten.
#include "protocols/credentials/default_credentials.hpp"

#include <algorithm>
#include <array>

#include "core/text.hpp"

namespace warden::proto::credentials {
namespace {

// Mirai's scanner table (scanner.c, released October 2016): 62 entries, 60 distinct pairs (guest /
// 12345 and admin / 1234 appear twice); an empty password means the scanner sent none.
constexpr std::array<DefaultPair, 60> kMirai = {{
    {"root", "xc3511", "Mirai"},
    {"root", "vizxv", "Mirai"},
    {"root", "admin", "Mirai"},
    {"admin", "admin", "Mirai"},
    {"root", "888888", "Mirai"},
    {"root", "xmhdipc", "Mirai"},
    {"root", "default", "Mirai"},
    {"root", "juantech", "Mirai"},
    {"root", "123456", "Mirai"},
    {"root", "54321", "Mirai"},
    {"support", "support", "Mirai"},
    {"root", "", "Mirai"},
    {"admin", "password", "Mirai"},
    {"root", "root", "Mirai"},
    {"root", "12345", "Mirai"},
    {"user", "user", "Mirai"},
    {"admin", "", "Mirai"},
    {"root", "pass", "Mirai"},
    {"admin", "admin1234", "Mirai"},
    {"root", "1111", "Mirai"},
    {"admin", "smcadmin", "Mirai"},
    {"admin", "1111", "Mirai"},
    {"root", "666666", "Mirai"},
    {"root", "password", "Mirai"},
    {"root", "1234", "Mirai"},
    {"root", "klv123", "Mirai"},
    {"Administrator", "admin", "Mirai"},
    {"service", "service", "Mirai"},
    {"supervisor", "supervisor", "Mirai"},
    {"guest", "guest", "Mirai"},
    {"guest", "12345", "Mirai"},
    {"admin1", "password", "Mirai"},
    {"administrator", "1234", "Mirai"},
    {"666666", "666666", "Mirai"},
    {"888888", "888888", "Mirai"},
    {"ubnt", "ubnt", "Mirai"},
    {"root", "klv1234", "Mirai"},
    {"root", "Zte521", "Mirai"},
    {"root", "hi3518", "Mirai"},
    {"root", "jvbzd", "Mirai"},
    {"root", "anko", "Mirai"},
    {"root", "zlxx.", "Mirai"},
    {"root", "7ujMko0vizxv", "Mirai"},
    {"root", "7ujMko0admin", "Mirai"},
    {"root", "system", "Mirai"},
    {"root", "ikwb", "Mirai"},
    {"root", "dreambox", "Mirai"},
    {"root", "user", "Mirai"},
    {"root", "realtek", "Mirai"},
    {"root", "00000000", "Mirai"},
    {"admin", "1111111", "Mirai"},
    {"admin", "1234", "Mirai"},
    {"admin", "12345", "Mirai"},
    {"admin", "54321", "Mirai"},
    {"admin", "123456", "Mirai"},
    {"admin", "7ujMko0admin", "Mirai"},
    {"admin", "pass", "Mirai"},
    {"admin", "meinsm", "Mirai"},
    {"tech", "tech", "Mirai"},
    {"mother", "fucker", "Mirai"},
}};

// Factory defaults published in vendors' own manuals, for device families common on IoT and OT
// networks. Pairs already on the Mirai list are not repeated.
constexpr std::array<DefaultPair, 24> kVendor = {{
    {"admin", "12345", "Hikvision (firmware before 5.3)"},
    {"admin", "admin", "Dahua, TP-Link, D-Link, Netgear and many others"},
    {"888888", "888888", "Dahua (local)"},
    {"root", "pass", "Axis (firmware before 5.x)"},
    {"admin", "", "Foscam, D-Link"},
    {"admin", "1234", "Zyxel, Vivotek"},
    {"ubnt", "ubnt", "Ubiquiti"},
    {"pi", "raspberry", "Raspberry Pi OS (before April 2022)"},
    {"cisco", "cisco", "Cisco"},
    {"admin", "password", "Netgear"},
    {"root", "root", "many embedded Linux images"},
    {"admin", "4321", "Samsung Techwin"},
    {"admin", "9999", "Avtech"},
    {"admin", "jvc", "JVC"},
    {"admin", "meinsm", "Mobotix"},
    {"root", "calvin", "Dell iDRAC"},
    {"ADMIN", "ADMIN", "Supermicro IPMI"},
    {"Admin", "1234", "Lantronix"},
    {"USERID", "PASSW0RD", "IBM / Lenovo IMM"},
    {"admin", "1988", "Geovision"},
    {"Administrator", "", "HP printers (no password set)"},
    {"tech", "", "Polycom (default)"},
    {"PlcmSpIp", "PlcmSpIp", "Polycom SoundPoint provisioning"},
    {"operator", "operator", "Siemens Scalance / others"},
}};

constexpr bool all_named(const auto& pairs) {
  for (const DefaultPair& pair : pairs) {
    if (pair.user.empty() || pair.vendor.empty()) {
      return false;  // a short initializer list would leave empty, matching-anything entries
    }
  }
  return true;
}
static_assert(all_named(kMirai) && all_named(kVendor));

bool contains(std::span<const DefaultPair> pairs, std::string_view user,
              std::string_view password) {
  return std::any_of(pairs.begin(), pairs.end(), [&](const DefaultPair& pair) {
    return pair.password == password && iequals(pair.user, user);
  });
}

}  // namespace

std::string_view list_name(DefaultList list) {
  switch (list) {
    case DefaultList::Mirai:
      return "mirai";
    case DefaultList::Vendor:
      return "vendor";
    case DefaultList::None:
      break;
  }
  return "none";
}

DefaultList match_default(std::string_view user, std::string_view password) {
  if (contains(kMirai, user, password)) {
    return DefaultList::Mirai;
  }
  if (contains(kVendor, user, password)) {
    return DefaultList::Vendor;
  }
  return DefaultList::None;
}

std::span<const DefaultPair> pairs_of(DefaultList list) {
  switch (list) {
    case DefaultList::Mirai:
      return kMirai;
    case DefaultList::Vendor:
      return kVendor;
    case DefaultList::None:
      break;
  }
  return {};
}

}  // namespace warden::proto::credentials
