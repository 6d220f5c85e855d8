// SPDX-License-Identifier: Apache-2.0
#include "inventory/oui.hpp"

#include <array>
#include <filesystem>
#include <fstream>
#include <string>
#include <unordered_set>

#include "core/text.hpp"

namespace warden::inventory {
namespace {
/// Registry assignment lengths in bits: MA-S / IAB (36), MA-M (28), MA-L (24), longest first.
constexpr std::array<int, 3> kPrefixBits = {36, 28, 24};

std::uint64_t make_key(std::uint64_t prefix, int bits) {
  return (prefix << 8) | static_cast<std::uint64_t>(bits);
}

/// Splits one CSV line into fields, honouring double quotes ("" inside quotes is a quote).
std::vector<std::string> split_csv(std::string_view line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t at = 0; at < line.size(); ++at) {
    const char c = line[at];
    if (quoted) {
      if (c == '"' && at + 1 < line.size() && line[at + 1] == '"') {
        fields.back().push_back('"');
        ++at;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back().push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c != '\r') {
      fields.back().push_back(c);
    }
  }
  return fields;
}
}  // namespace

std::vector<std::string> OuiDatabase::default_directories() {
  return {"/var/lib/ieee-data", "/usr/share/ieee-data"};
}

OuiDatabase OuiDatabase::load(const std::vector<std::string>& directories,
                              const std::vector<MacAddress>* only) {
  OuiDatabase database;
  for (const std::string& directory : directories) {
    const std::filesystem::path root(directory);
    std::error_code error;
    if (!std::filesystem::is_regular_file(root / "oui.csv", error)) {
      continue;
    }
    // One buffer for the four files, read whole into it: a stringstream grew and copied its way
    // to 10.8 MB of allocations for 4.3 MB of registry (the run's serial tail waits for this).
    std::string text;
    for (const char* file : {"oui.csv", "mam.csv", "oui36.csv", "iab.csv"}) {
      std::ifstream in(root / file, std::ios::binary);
      const auto size = std::filesystem::file_size(root / file, error);
      if (!in || error) {
        continue;
      }
      text.resize(static_cast<std::size_t>(size));
      in.read(text.data(), static_cast<std::streamsize>(text.size()));
      text.resize(static_cast<std::size_t>(in.gcount()));  // a file that shrank meanwhile
      database.add_csv(text, only);
    }
    database.source_ = directory;
    return database;
  }
  database.error_ = "no IEEE registry (oui.csv) found; install Debian package ieee-data";
  return database;
}

std::size_t OuiDatabase::add_csv(std::string_view text, const std::vector<MacAddress>* only) {
  std::unordered_set<std::uint64_t> wanted;  // (prefix << 8 | bits) of every MAC in `only`
  if (only != nullptr) {
    for (const MacAddress& mac : *only) {
      for (const int bits : kPrefixBits) {
        wanted.insert(make_key(mac.as_u64() >> (48 - bits), bits));
      }
    }
  }
  std::size_t taken = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    // "Registry,Assignment,...": the assignment never needs quoting, so find it before parsing.
    const std::size_t first_comma = line.find(',');
    const std::size_t second_comma =
        first_comma == std::string_view::npos ? first_comma : line.find(',', first_comma + 1);
    if (second_comma == std::string_view::npos) {
      continue;
    }
    const std::string_view assignment =
        line.substr(first_comma + 1, second_comma - first_comma - 1);
    const int bits = static_cast<int>(assignment.size()) * 4;
    if (bits != 24 && bits != 28 && bits != 36) {
      continue;  // the header row, or something unexpected
    }
    std::uint64_t prefix = 0;
    bool valid = true;
    for (const char c : assignment) {
      const char lower = static_cast<char>(c | 0x20);
      std::uint64_t digit = 0;
      if (c >= '0' && c <= '9') {
        digit = static_cast<std::uint64_t>(c - '0');
      } else if (lower >= 'a' && lower <= 'f') {
        digit = static_cast<std::uint64_t>(lower - 'a') + 10;
      } else {
        valid = false;
        break;
      }
      prefix = (prefix << 4) | digit;
    }
    if (!valid || (only != nullptr && wanted.count(make_key(prefix, bits)) == 0)) {
      continue;
    }
    const std::vector<std::string> fields = split_csv(line);
    if (fields.size() < 3) {
      continue;
    }
    names_.emplace_back(trim(fields[2]));
    entries_[make_key(prefix, bits)] = static_cast<std::uint32_t>(names_.size() - 1);
    ++taken;
  }
  return taken;
}

std::optional<std::string> OuiDatabase::lookup(const MacAddress& mac) const {
  if (mac.is_locally_administered() || mac.is_multicast() || mac.is_zero()) {
    return std::nullopt;
  }
  const std::uint64_t value = mac.as_u64();
  for (const int bits : kPrefixBits) {
    const auto found = entries_.find(make_key(value >> (48 - bits), bits));
    if (found != entries_.end()) {
      return names_[found->second];
    }
  }
  return std::nullopt;
}

}  // namespace warden::inventory
