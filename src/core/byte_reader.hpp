// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "core/result.hpp"

namespace warden {

using Bytes = std::span<const std::uint8_t>;

/// Views bytes as characters without copying. Valid only while `bytes` is.
inline std::string_view as_chars(Bytes bytes) {
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): byte/char aliasing is allowed.
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

/// Views characters as bytes without copying.
inline Bytes as_bytes(std::string_view text) {
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): byte/char aliasing is allowed.
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

/// Bounds-checked cursor over untrusted bytes: the only code that indexes raw packet data.
/// Every read either succeeds or returns an Incomplete error; it never reads past the end.
class ByteReader {
 public:
  explicit ByteReader(Bytes bytes) : bytes_(bytes) {}

  [[nodiscard]] std::size_t remaining() const { return bytes_.size() - pos_; }
  [[nodiscard]] std::size_t position() const { return pos_; }
  [[nodiscard]] std::size_t size() const { return bytes_.size(); }
  [[nodiscard]] bool empty() const { return pos_ >= bytes_.size(); }
  /// The bytes not yet consumed.
  [[nodiscard]] Bytes rest() const { return bytes_.subspan(pos_); }
  /// The whole underlying span, for formats with absolute offsets (DNS compression).
  [[nodiscard]] Bytes whole() const { return bytes_; }

  [[nodiscard]] Result<std::uint8_t> read_u8() {
    if (remaining() < 1) {
      return incomplete();
    }
    return bytes_[pos_++];
  }
  [[nodiscard]] Result<std::uint8_t> peek_u8() const {
    if (remaining() < 1) {
      return incomplete();
    }
    return bytes_[pos_];
  }
  [[nodiscard]] Result<std::uint16_t> read_u16_be() {
    if (remaining() < 2) {
      return incomplete();
    }
    const auto value = static_cast<std::uint16_t>((bytes_[pos_] << 8) | bytes_[pos_ + 1]);
    pos_ += 2;
    return value;
  }
  [[nodiscard]] Result<std::uint16_t> read_u16_le() {
    if (remaining() < 2) {
      return incomplete();
    }
    const auto value = static_cast<std::uint16_t>(bytes_[pos_] | (bytes_[pos_ + 1] << 8));
    pos_ += 2;
    return value;
  }
  [[nodiscard]] Result<std::uint32_t> read_u24_be() {
    if (remaining() < 3) {
      return incomplete();
    }
    const std::uint32_t value = (std::uint32_t{bytes_[pos_]} << 16) |
                                (std::uint32_t{bytes_[pos_ + 1]} << 8) | bytes_[pos_ + 2];
    pos_ += 3;
    return value;
  }
  [[nodiscard]] Result<std::uint32_t> read_u32_be() {
    if (remaining() < 4) {
      return incomplete();
    }
    const std::uint32_t value = (std::uint32_t{bytes_[pos_]} << 24) |
                                (std::uint32_t{bytes_[pos_ + 1]} << 16) |
                                (std::uint32_t{bytes_[pos_ + 2]} << 8) | bytes_[pos_ + 3];
    pos_ += 4;
    return value;
  }
  [[nodiscard]] Result<std::uint32_t> read_u32_le() {
    if (remaining() < 4) {
      return incomplete();
    }
    const std::uint32_t value =
        std::uint32_t{bytes_[pos_]} | (std::uint32_t{bytes_[pos_ + 1]} << 8) |
        (std::uint32_t{bytes_[pos_ + 2]} << 16) | (std::uint32_t{bytes_[pos_ + 3]} << 24);
    pos_ += 4;
    return value;
  }
  /// Zero-copy: the view aliases the input and is valid only while it is.
  [[nodiscard]] Result<Bytes> read_bytes(std::size_t count) {
    if (remaining() < count) {
      return incomplete();
    }
    Bytes out = bytes_.subspan(pos_, count);
    pos_ += count;
    return out;
  }
  /// Zero-copy character view of the next `count` bytes.
  [[nodiscard]] Result<std::string_view> read_chars(std::size_t count) {
    WARDEN_ASSIGN_OR_RETURN(const Bytes raw, read_bytes(count));
    return as_chars(raw);
  }
  [[nodiscard]] Result<bool> skip(std::size_t count) {
    if (remaining() < count) {
      return incomplete();
    }
    pos_ += count;
    return true;
  }
  /// Moves to an absolute offset within the span (used for compression pointers).
  [[nodiscard]] Result<bool> seek(std::size_t offset) {
    if (offset > bytes_.size()) {
      return incomplete();
    }
    pos_ = offset;
    return true;
  }
  [[nodiscard]] ParseError error(ParseErrorCode code, const char* name) const {
    return ParseError{code, static_cast<std::uint32_t>(pos_), name};
  }

 private:
  [[nodiscard]] tl::unexpected<ParseError> incomplete() const {
    return tl::unexpected(error(ParseErrorCode::Incomplete, "truncated"));
  }

  Bytes bytes_;
  std::size_t pos_ = 0;
};

}  // namespace warden
