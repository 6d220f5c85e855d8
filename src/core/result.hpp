// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <tl/expected.hpp>

namespace warden {

/// Why a parser stopped. `Incomplete` means "more bytes may complete it"; everything else is final.
enum class ParseErrorCode : std::uint8_t { Incomplete, Malformed, Unsupported, LimitExceeded };

/// A parse failure as a value. `name` is a static anomaly name such as "dns.label_loop"; anomaly
/// names are public API (docs/anomalies.md) and must point at string literals.
struct ParseError {
  ParseErrorCode code;
  std::uint32_t offset;  ///< byte offset where parsing stopped
  const char* name;
};

/// The project's expected type; becomes std::expected once the toolchain has C++23.
template <typename T>
using Result = tl::expected<T, ParseError>;

/// Shorthand for returning a failure.
inline tl::unexpected<ParseError> fail(ParseErrorCode code, std::uint32_t offset,
                                       const char* name) {
  return tl::unexpected(ParseError{code, offset, name});
}

}  // namespace warden

#define WARDEN_CONCAT_INNER(a, b) a##b
#define WARDEN_CONCAT(a, b) WARDEN_CONCAT_INNER(a, b)
// `tmp` is an identifier and `lhs` a declaration ("const auto x"): neither can be parenthesized.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define WARDEN_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp) {                                        \
    return tl::unexpected(tmp.error());              \
  }                                                  \
  lhs = std::move(*tmp)
// NOLINTEND(bugprone-macro-parentheses)
/// Assign the value of a Result expression to `lhs`, or return its error from the caller.
#define WARDEN_ASSIGN_OR_RETURN(lhs, expr) \
  WARDEN_ASSIGN_OR_RETURN_IMPL(WARDEN_CONCAT(warden_result_, __LINE__), lhs, expr)
/// Evaluate a Result<void>-like expression and return its error if it failed.
#define WARDEN_RETURN_IF_ERROR(expr)                \
  do {                                              \
    auto warden_status = (expr);                    \
    if (!warden_status) {                           \
      return tl::unexpected(warden_status.error()); \
    }                                               \
  } while (false)
