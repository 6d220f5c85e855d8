// SPDX-License-Identifier: Apache-2.0
#include "protocols/tcpfp/tcpfp.hpp"

#include <cstddef>

namespace warden::proto::tcpfp {
namespace {

/// TCP options occupy at most 40 bytes (data offset 15 words minus the 20-byte header).
constexpr std::size_t kMaxOptionBytes = 40;

class Writer {
 public:
  explicit Writer(Buffer& buffer) : buffer_(buffer) {}
  void put(char c) {
    if (length_ < buffer_.size()) {
      buffer_[length_++] = c;
    }
  }
  void put(std::string_view text) {
    for (const char c : text) {
      put(c);
    }
  }
  void put_number(unsigned value) {
    std::array<char, 10> digits{};
    std::size_t count = 0;
    do {
      digits[count++] = static_cast<char>('0' + value % 10);
      value /= 10;
    } while (value != 0 && count < digits.size());
    while (count > 0) {
      put(digits[--count]);
    }
  }
  [[nodiscard]] std::string_view view() const { return {buffer_.data(), length_}; }

 private:
  Buffer& buffer_;
  std::size_t length_ = 0;
};

}  // namespace

std::uint8_t initial_ttl(std::uint8_t observed) {
  if (observed <= 32) {
    return 32;
  }
  if (observed <= 64) {
    return 64;
  }
  if (observed <= 128) {
    return 128;
  }
  return 255;
}

Result<std::string_view> fingerprint(std::uint8_t ttl, std::uint16_t window, Bytes options,
                                     Buffer& buffer) {
  if (options.size() > kMaxOptionBytes) {
    options = options.first(kMaxOptionBytes);
  }
  int mss = -1;
  int wscale = -1;
  std::array<char, kMaxOptionBytes * 4> letters{};
  std::size_t letter_count = 0;
  auto add_letter = [&](std::string_view text) {
    if (letter_count != 0) {
      letters[letter_count++] = ',';
    }
    for (const char c : text) {
      letters[letter_count++] = c;
    }
  };
  std::size_t at = 0;
  // Each step consumes at least one byte, so the walk ends within kMaxOptionBytes steps.
  while (at < options.size()) {
    const std::uint8_t kind = options[at];
    if (kind == 0) {
      add_letter("E");
      break;
    }
    if (kind == 1) {
      add_letter("N");
      ++at;
      continue;
    }
    if (at + 1 >= options.size() || options[at + 1] < 2 || at + options[at + 1] > options.size()) {
      return fail(ParseErrorCode::Malformed, static_cast<std::uint32_t>(at),
                  "tcp.bad_option_length");
    }
    const std::size_t length = options[at + 1];
    switch (kind) {
      case 2:
        add_letter("M");
        if (length == 4) {
          mss = (options[at + 2] << 8) | options[at + 3];
        }
        break;
      case 3:
        add_letter("W");
        if (length == 3) {
          wscale = options[at + 2];
        }
        break;
      case 4:
        add_letter("S");
        break;
      case 5:
        add_letter("K");
        break;
      case 8:
        add_letter("T");
        break;
      default: {
        std::array<char, 4> other{'?', 0, 0, 0};
        std::size_t other_length = 1;
        unsigned value = kind;
        if (value >= 100) {
          other[other_length++] = static_cast<char>('0' + value / 100);
        }
        if (value >= 10) {
          other[other_length++] = static_cast<char>('0' + (value / 10) % 10);
        }
        other[other_length++] = static_cast<char>('0' + value % 10);
        add_letter({other.data(), other_length});
        break;
      }
    }
    at += length;
  }
  Writer out(buffer);
  out.put_number(initial_ttl(ttl));
  out.put(':');
  out.put_number(window);
  out.put(':');
  if (mss >= 0) {
    out.put_number(static_cast<unsigned>(mss));
  }
  out.put(':');
  out.put({letters.data(), letter_count});
  out.put(':');
  if (wscale >= 0) {
    out.put_number(static_cast<unsigned>(wscale));
  }
  return out.view();
}

}  // namespace warden::proto::tcpfp
