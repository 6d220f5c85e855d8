// SPDX-License-Identifier: Apache-2.0
#define PCRE2_CODE_UNIT_WIDTH 8
#include "identify/regex.hpp"

#include <pcre2.h>

#include <cstddef>
#include <span>

namespace warden::identify {
namespace {

/// Backtracking budget per match: a rule cannot stall an analysis.
constexpr std::uint32_t kMatchLimit = 100000;
constexpr std::uint32_t kDepthLimit = 1000;

}  // namespace

struct Regex::Code {
  pcre2_code* code = nullptr;
  pcre2_match_context* context = nullptr;
  bool jit = false;  ///< compiled to machine code
  ~Code() {
    pcre2_match_context_free(context);
    pcre2_code_free(code);
  }
  Code() = default;
  Code(const Code&) = delete;
  Code& operator=(const Code&) = delete;
  Code(Code&&) = delete;
  Code& operator=(Code&&) = delete;
};

tl::expected<Regex, std::string> Regex::compile(std::string_view pattern, bool case_insensitive) {
  int error_code = 0;
  PCRE2_SIZE error_offset = 0;
  const std::uint32_t options = case_insensitive ? PCRE2_CASELESS : 0U;
  // PCRE2's 8-bit API takes unsigned char; the bytes are the same.
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()),  // NOLINT
                                   pattern.size(), options, &error_code, &error_offset, nullptr);
  if (code == nullptr) {
    std::array<PCRE2_UCHAR, 256> message{};
    pcre2_get_error_message(error_code, message.data(), message.size());
    return tl::unexpected("at offset " + std::to_string(error_offset) + ": " +
                          std::string(reinterpret_cast<const char*>(message.data())));  // NOLINT
  }
  auto holder = std::make_shared<Code>();
  holder->code = code;
  // The interpreter remains where JIT is unavailable.
  holder->jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
  holder->context = pcre2_match_context_create(nullptr);
  pcre2_set_match_limit(holder->context, kMatchLimit);
  pcre2_set_depth_limit(holder->context, kDepthLimit);
  Regex regex;
  regex.code_ = std::move(holder);
  regex.pattern_ = std::string(pattern);
  return regex;
}

bool Regex::match(std::string_view subject, Captures* captures) const {
  if (!code_) {
    return false;
  }
  // One match block per thread, reused: classifying a device runs thousands of matches, and
  // allocating a block for each was a fifth of the time. Groups past the ten kept are not needed.
  struct MatchData {
    pcre2_match_data* data = pcre2_match_data_create(std::tuple_size_v<Captures>, nullptr);
    ~MatchData() { pcre2_match_data_free(data); }
    MatchData() = default;
    MatchData(const MatchData&) = delete;
    MatchData& operator=(const MatchData&) = delete;
    MatchData(MatchData&&) = delete;
    MatchData& operator=(MatchData&&) = delete;
  };
  thread_local const MatchData block;
  pcre2_match_data* data = block.data;
  if (data == nullptr) {
    return false;
  }
  // NOLINTNEXTLINE: PCRE2's 8-bit API takes unsigned char; the bytes are the same.
  const auto* bytes = reinterpret_cast<PCRE2_SPTR>(subject.data());
  // Compiled code is matched directly, past pcre2_match's checks of its arguments (which hold: no
  // UTF mode, so any bytes are a valid subject): a third of each match's instructions.
  const int result =
      code_->jit ? pcre2_jit_match(code_->code, bytes, subject.size(), 0, 0, data, code_->context)
                 : pcre2_match(code_->code, bytes, subject.size(), 0, 0, data, code_->context);
  // Zero: a match with more groups than the block holds; the first ten are filled.
  const bool matched = result >= 0;
  if (matched && captures != nullptr) {
    const auto groups =
        result > 0 ? static_cast<std::size_t>(result) : std::size_t{pcre2_get_ovector_count(data)};
    const std::span<const PCRE2_SIZE> ovector(pcre2_get_ovector_pointer(data),
                                              std::size_t{2} * pcre2_get_ovector_count(data));
    for (std::size_t group = 0; group < captures->size(); ++group) {
      (*captures)[group].clear();
      if (group < groups && 2 * group + 1 < ovector.size() && ovector[2 * group] != PCRE2_UNSET &&
          ovector[2 * group + 1] >= ovector[2 * group]) {
        (*captures)[group] = std::string(
            subject.substr(ovector[2 * group], ovector[2 * group + 1] - ovector[2 * group]));
      }
    }
  }
  return matched;
}

}  // namespace warden::identify
