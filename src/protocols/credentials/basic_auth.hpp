// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

#include "protocols/credentials/default_credentials.hpp"

namespace warden::proto::credentials {

/// Largest decoded "user:password" of a Basic credential read.
inline constexpr std::size_t kMaxBasicBytes = 256;
/// Longest user name kept from a Basic credential.
inline constexpr std::size_t kMaxUserLength = 64;

/// A Basic credential (RFC 7617) decoded into caller storage. Both views alias the storage.
struct BasicCredentials {
  std::string_view user;
  std::string_view password;  ///< compare, then forget: never store or report
};

/// Why a Basic credential could not be read.
enum class BasicError : unsigned char { NotBasic, BadBase64, NoColon, TooLong };

/// Decodes the value of an Authorization header "Basic <base64(user:password)>" into `storage`.
/// The caller wipes `storage` when done (see `BasicLogin`).
[[nodiscard]] std::optional<BasicCredentials> decode_basic(
    std::string_view authorization, std::array<char, kMaxBasicBytes>& storage,
    BasicError* error = nullptr);

/// What a parser keeps of a Basic login: the user name (copied, at most kMaxUserLength bytes) and
/// whether the password was on a default list. The password itself is compared and wiped here.
struct BasicLogin {
  std::array<char, kMaxUserLength> user_storage{};
  std::size_t user_length = 0;
  DefaultList default_list = DefaultList::None;

  [[nodiscard]] std::string_view user() const { return {user_storage.data(), user_length}; }
  /// Reads `authorization`; false (and nothing kept) when it is not a usable Basic credential.
  bool read(std::string_view authorization, BasicError* error = nullptr);
};

}  // namespace warden::proto::credentials
