// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <tl/expected.hpp>

namespace warden::identify {

/// Capture groups $0..$9 of a match.
using Captures = std::array<std::string, 10>;

/// A compiled PCRE2 pattern (JIT where available). Matching is case-insensitive by default, as
/// banners and names differ in case across firmware versions; the subject is treated as bytes.
class Regex {
 public:
  /// Compiles `pattern`; the error names the offset and PCRE2's reason.
  static tl::expected<Regex, std::string> compile(std::string_view pattern,
                                                  bool case_insensitive = true);

  /// Whether `subject` matches; fills `captures` (when given) with the groups that took part.
  /// Matching is bounded by PCRE2's match and depth limits, so a pathological pattern fails
  /// rather than runs away.
  bool match(std::string_view subject, Captures* captures = nullptr) const;

  [[nodiscard]] const std::string& pattern() const { return pattern_; }

 private:
  struct Code;
  std::shared_ptr<const Code> code_;
  std::string pattern_;
};

}  // namespace warden::identify
