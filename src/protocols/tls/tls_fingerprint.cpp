// SPDX-License-Identifier: Apache-2.0
#include "protocols/tls/tls_fingerprint.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <iterator>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/text.hpp"

namespace warden::proto::tls {
namespace {

/// JA4 truncates its SHA-256 hashes to this many hex characters.
constexpr std::size_t kJa4HashLength = 12;
/// JA4 prints counts with two digits, capping at 99.
constexpr std::size_t kMaxJa4Count = 99;
/// JA4's stand-in for the hash of an empty list.
constexpr std::string_view kJa4EmptyHash = "000000000000";

/// Digests remembered per thread; cleared when full. Devices repeat the same TLS stack, so the
/// same cipher and extension lists recur on every connection.
constexpr std::size_t kMaxMemoizedDigests = 4096;

/// Explicitly fetched digests: OpenSSL 3 otherwise re-fetches the implementation on every call,
/// which costs more than hashing a ClientHello's lists.
const EVP_MD* fetched(const char* name) {
  static const EVP_MD* const md5 = EVP_MD_fetch(nullptr, "MD5", nullptr);
  static const EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return std::string_view(name) == "MD5" ? md5 : sha256;
}

std::string digest_hex(const char* name, std::string_view text) {
  thread_local std::unordered_map<std::string, std::string> memo;
  std::string key(name);
  key.push_back(':');
  key.append(text);
  if (const auto found = memo.find(key); found != memo.end()) {
    return found->second;
  }
  std::array<std::uint8_t, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  const EVP_MD* md = fetched(name);
  if (md == nullptr ||
      EVP_Digest(text.data(), text.size(), digest.data(), &length, md, nullptr) != 1) {
    return {};
  }
  std::string hex = to_hex(Bytes(digest.data(), length));
  if (memo.size() >= kMaxMemoizedDigests) {
    memo.clear();
  }
  memo.emplace(std::move(key), hex);
  return hex;
}

std::vector<std::uint16_t> non_grease(Bytes list) {
  std::vector<std::uint16_t> values;
  values.reserve(list.size() / 2);
  for_each_u16(list, [&](std::uint16_t value) {
    if (!is_grease(value)) {
      values.push_back(value);
    }
  });
  return values;
}

std::vector<std::uint16_t> non_grease(std::span<const std::uint16_t> list) {
  std::vector<std::uint16_t> values;
  values.reserve(list.size());
  std::copy_if(list.begin(), list.end(), std::back_inserter(values),
               [](std::uint16_t value) { return !is_grease(value); });
  return values;
}

/// "a-b-c" in decimal, the JA3 field format.
void append_decimal_list(std::string& out, std::span<const std::uint16_t> values) {
  for (std::size_t value_idx = 0; value_idx < values.size(); ++value_idx) {
    if (value_idx > 0) {
      out.push_back('-');
    }
    out.append(std::to_string(values[value_idx]));
  }
}

/// "000a,001d" in 4-digit lower-case hex, the JA4 list format.
std::string hex_list(std::span<const std::uint16_t> values) {
  std::string out;
  out.reserve(values.size() * 5);
  for (const std::uint16_t value : values) {
    if (!out.empty()) {
      out.push_back(',');
    }
    const std::array<std::uint8_t, 2> raw = {static_cast<std::uint8_t>(value >> 8),
                                             static_cast<std::uint8_t>(value & 0xffU)};
    out.append(to_hex(raw));
  }
  return out;
}

std::string_view ja4_version(std::uint16_t version) {
  switch (version) {
    case 0x0304:
      return "13";
    case 0x0303:
      return "12";
    case 0x0302:
      return "11";
    case 0x0301:
      return "10";
    case 0x0300:
      return "s3";
    case 0x0002:
      return "s2";
    default:
      return "00";
  }
}

void append_count(std::string& out, std::size_t count) {
  count = std::min(count, kMaxJa4Count);
  out.push_back(static_cast<char>('0' + count / 10));
  out.push_back(static_cast<char>('0' + count % 10));
}

bool is_alphanumeric(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/// First and last character of the first ALPN value; "00" without one; the first and last hex
/// digits of the value when either end is not alphanumeric.
void append_alpn(std::string& out, Bytes alpn) {
  std::string_view first;
  bool found = false;
  for_each_alpn(alpn, [&](std::string_view name) {
    if (!found) {
      first = name;
      found = true;
    }
  });
  if (first.empty()) {
    out.append("00");
  } else if (is_alphanumeric(first.front()) && is_alphanumeric(first.back())) {
    out.push_back(first.front());
    out.push_back(first.back());
  } else {
    const std::string hex = to_hex(as_bytes(first));
    out.push_back(hex.front());
    out.push_back(hex.back());
  }
}

std::string ja4_hash(std::string_view text) {
  return sha256_hex(text).substr(0, kJa4HashLength);
}

/// Hellos remembered per thread; cleared when full.
constexpr std::size_t kMaxMemoizedHellos = 4096;

struct TransparentHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const {
    return std::hash<std::string_view>{}(text);
  }
};

/// The fingerprints of the hellos seen lately, by the fields they are made of.
struct HelloMemo {
  std::string key;  ///< scratch: the key of the hello being looked up (keeps its capacity)
  std::unordered_map<std::string, std::pair<std::string, std::string>, TransparentHash,
                     std::equal_to<>>
      prints;

  /// The entry for `key`, computing it with `make` (returning the pair) when new.
  template <typename Make>
  const std::pair<std::string, std::string>& find_or_make(Make&& make) {
    if (const auto found = prints.find(std::string_view(key)); found != prints.end()) {
      return found->second;
    }
    if (prints.size() >= kMaxMemoizedHellos) {
      prints.clear();
    }
    return prints.emplace(key, make()).first->second;
  }
};

HelloMemo& hello_memo() {
  thread_local HelloMemo memo;
  return memo;
}

void append_u16(std::string& key, std::uint16_t value) {
  key.push_back(static_cast<char>(value >> 8));
  key.push_back(static_cast<char>(value & 0xffU));
}

/// A field of the key: its length, then its bytes, so that no two hellos share a key.
void append_field(std::string& key, Bytes bytes) {
  const auto length = static_cast<std::uint32_t>(bytes.size());
  for (int shift = 24; shift >= 0; shift -= 8) {
    key.push_back(static_cast<char>((length >> shift) & 0xffU));
  }
  key.append(as_chars(bytes));
}

/// A uint16 list of the key, read as the fingerprints read it (for_each_u16), with every GREASE
/// value written as 0x0a0a: the fingerprints leave GREASE out, and clients pick it at random
/// for each connection.
void append_list(std::string& key, Bytes list) {
  const std::size_t at = key.size();
  key.append(4, '\0');  // the count, filled in below
  std::uint32_t count = 0;
  for_each_u16(list, [&](std::uint16_t value) {
    append_u16(key, is_grease(value) ? std::uint16_t{0x0a0a} : value);
    ++count;
  });
  for (int shift = 24, index = 0; shift >= 0; shift -= 8, ++index) {
    key[at + static_cast<std::size_t>(index)] = static_cast<char>((count >> shift) & 0xffU);
  }
}

void append_types(std::string& key, const ExtensionTypes& types) {
  append_u16(key, static_cast<std::uint16_t>(types.count));
  for (const std::uint16_t type : types.view()) {
    append_u16(key, is_grease(type) ? std::uint16_t{0x0a0a} : type);
  }
}

}  // namespace

ClientPrints client_prints(const ClientHello& hello) {
  HelloMemo& memo = hello_memo();
  std::string& key = memo.key;
  key.clear();
  key.push_back('c');
  append_u16(key, hello.legacy_version);
  key.push_back(hello.has_server_name ? '1' : '0');
  append_list(key, hello.cipher_suites);
  append_types(key, hello.extension_types);
  append_list(key, hello.supported_groups);
  append_field(key, hello.ec_point_formats);
  append_list(key, hello.signature_algorithms);
  append_list(key, hello.supported_versions);
  append_field(key, hello.alpn);
  const auto& prints = memo.find_or_make([&] { return std::pair(ja3(hello).md5, ja4(hello)); });
  return {prints.first, prints.second};
}

std::string_view server_print(const ServerHello& hello) {
  HelloMemo& memo = hello_memo();
  std::string& key = memo.key;
  key.clear();
  key.push_back('s');
  append_u16(key, hello.legacy_version);
  append_u16(key, hello.cipher_suite);
  append_types(key, hello.extension_types);
  return memo.find_or_make([&] { return std::pair(ja3s(hello).md5, std::string()); }).first;
}

std::string md5_hex(std::string_view text) {
  return digest_hex("MD5", text);
}

std::string sha256_hex(std::string_view text) {
  return digest_hex("SHA256", text);
}

Ja3 ja3(const ClientHello& hello) {
  Ja3 out;
  out.text = std::to_string(hello.legacy_version);
  out.text.push_back(',');
  append_decimal_list(out.text, non_grease(hello.cipher_suites));
  out.text.push_back(',');
  append_decimal_list(out.text, non_grease(hello.extension_types.view()));
  out.text.push_back(',');
  append_decimal_list(out.text, non_grease(hello.supported_groups));
  out.text.push_back(',');
  ByteReader formats(hello.ec_point_formats);
  for (std::size_t format_idx = 0; format_idx < kMaxListValues && !formats.empty(); ++format_idx) {
    if (format_idx > 0) {
      out.text.push_back('-');
    }
    out.text.append(std::to_string(formats.read_u8().value_or(0)));
  }
  out.md5 = md5_hex(out.text);
  return out;
}

Ja3 ja3s(const ServerHello& hello) {
  Ja3 out;
  out.text = std::to_string(hello.legacy_version);
  out.text.push_back(',');
  out.text.append(std::to_string(hello.cipher_suite));
  out.text.push_back(',');
  append_decimal_list(out.text, non_grease(hello.extension_types.view()));
  out.md5 = md5_hex(out.text);
  return out;
}

std::string ja4(const ClientHello& hello) {
  std::vector<std::uint16_t> ciphers = non_grease(hello.cipher_suites);
  const std::vector<std::uint16_t> all_extensions = non_grease(hello.extension_types.view());
  // SNI and ALPN are already in the first part, so the hash leaves them out.
  std::vector<std::uint16_t> extensions;
  std::copy_if(all_extensions.begin(), all_extensions.end(), std::back_inserter(extensions),
               [](std::uint16_t type) { return type != ext::kServerName && type != ext::kAlpn; });

  std::string out = "t";
  out.append(ja4_version(highest_offered_version(hello)));
  out.push_back(hello.has_server_name ? 'd' : 'i');
  append_count(out, ciphers.size());
  append_count(out, all_extensions.size());
  append_alpn(out, hello.alpn);

  out.push_back('_');
  std::sort(ciphers.begin(), ciphers.end());
  out.append(ciphers.empty() ? kJa4EmptyHash : ja4_hash(hex_list(ciphers)));

  out.push_back('_');
  std::sort(extensions.begin(), extensions.end());
  std::string extension_text = hex_list(extensions);
  const std::string signatures = hex_list(non_grease(hello.signature_algorithms));
  if (!signatures.empty()) {
    extension_text.push_back('_');
    extension_text.append(signatures);
  }
  out.append(extensions.empty() ? kJa4EmptyHash : ja4_hash(extension_text));
  return out;
}

}  // namespace warden::proto::tls
