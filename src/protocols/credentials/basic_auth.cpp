// SPDX-License-Identifier: Apache-2.0
#include "protocols/credentials/basic_auth.hpp"

#include <algorithm>
#include <cstdint>

#include "core/text.hpp"

namespace warden::proto::credentials {
namespace {

/// Value of a base64 character (RFC 4648 §4), or -1.
int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') {
    return c - 'A';
  }
  if (c >= 'a' && c <= 'z') {
    return c - 'a' + 26;
  }
  if (c >= '0' && c <= '9') {
    return c - '0' + 52;
  }
  if (c == '+') {
    return 62;
  }
  if (c == '/') {
    return 63;
  }
  return -1;
}

void set(BasicError* error, BasicError value) {
  if (error != nullptr) {
    *error = value;
  }
}

}  // namespace

std::optional<BasicCredentials> decode_basic(std::string_view authorization,
                                             std::array<char, kMaxBasicBytes>& storage,
                                             BasicError* error) {
  const std::size_t space = authorization.find(' ');
  if (space == std::string_view::npos || !iequals(authorization.substr(0, space), "Basic")) {
    set(error, BasicError::NotBasic);
    return std::nullopt;
  }
  std::string_view token = trim(authorization.substr(space + 1));
  while (token.ends_with('=')) {
    token.remove_suffix(1);
  }
  if (token.size() / 4 * 3 + 2 > storage.size()) {
    set(error, BasicError::TooLong);
    return std::nullopt;
  }
  std::size_t size = 0;
  std::uint32_t bits = 0;
  int bit_count = 0;
  for (const char c : token) {  // bounded by the size check above
    const int value = base64_value(c);
    if (value < 0) {
      set(error, BasicError::BadBase64);
      return std::nullopt;
    }
    bits = (bits << 6U) | static_cast<std::uint32_t>(value);
    bit_count += 6;
    if (bit_count >= 8) {
      bit_count -= 8;
      storage.at(size++) = static_cast<char>((bits >> static_cast<unsigned>(bit_count)) & 0xFFU);
    }
  }
  const std::string_view decoded(storage.data(), size);
  const std::size_t colon = decoded.find(':');
  if (colon == std::string_view::npos) {
    set(error, BasicError::NoColon);
    return std::nullopt;
  }
  return BasicCredentials{decoded.substr(0, colon), decoded.substr(colon + 1)};
}

bool BasicLogin::read(std::string_view authorization, BasicError* error) {
  std::array<char, kMaxBasicBytes> storage{};
  const auto credentials = decode_basic(authorization, storage, error);
  bool read_ok = false;
  if (credentials) {
    user_length = std::min(credentials->user.size(), user_storage.size());
    std::copy_n(credentials->user.begin(), user_length, user_storage.begin());
    default_list = match_default(credentials->user, credentials->password);
    read_ok = true;
  }
  // The password lived only in `storage`: wipe it through a volatile pointer so the compiler
  // cannot drop the stores.
  volatile char* wipe = storage.data();
  for (std::size_t at = 0; at < storage.size(); ++at) {
    wipe[at] = 0;  // NOLINT(cppcoreguidelines-pro-bounds-pointer-arithmetic): volatile stores
  }
  return read_ok;
}

}  // namespace warden::proto::credentials
