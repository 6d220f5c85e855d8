// SPDX-License-Identifier: Apache-2.0
// One wire parser for DNS (RFC 1035), Multicast DNS (RFC 6762), DNS-SD (RFC 6763) and LLMNR
// (RFC 4795), which share the message format.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>

#include "core/address.hpp"
#include "core/byte_reader.hpp"
#include "core/result.hpp"

namespace warden::proto::dns {

inline constexpr std::size_t kHeaderLength = 12;
/// Most entries read from one section; a section claiming more ends the walk.
inline constexpr std::size_t kMaxRecords = 64;
/// Most entries one message can yield (four sections).
inline constexpr std::size_t kMaxEntries = 4 * kMaxRecords;
/// Most compression pointers followed within one name.
inline constexpr std::size_t kMaxPointerHops = 16;
/// Longest name in wire form, length bytes and root label included (RFC 1035 §2.3.4).
inline constexpr std::size_t kMaxNameLength = 255;
/// Longest label (RFC 1035 §2.3.4); the two top bits of a length byte mark pointers.
inline constexpr std::size_t kMaxLabelLength = 63;
/// Most character-strings validated and iterated in one TXT record.
inline constexpr std::size_t kMaxTxtStrings = 64;

/// The sections of a message, in wire order.
enum class Section : std::uint8_t { Question, Answer, Authority, Additional };

/// Resource record types this parser decodes (others keep raw rdata).
enum class RrType : std::uint16_t {
  A = 1,
  Ns = 2,
  Cname = 5,
  Ptr = 12,
  Hinfo = 13,
  Txt = 16,
  Aaaa = 28,
  Srv = 33,
  Opt = 41,  ///< EDNS(0) pseudo-record: its class is the UDP payload size, never masked
};

/// Message header (RFC 1035 §4.1.1; LLMNR reuses it with C and T flags, RFC 4795 §2.1.1).
///
///     0  1  2  3  4  5  6  7  8  9 10 11 12 13 14 15
///   |QR|  Opcode   |AA|TC|RD|RA| Z|AD|CD|   RCODE   |
///   then QDCOUNT, ANCOUNT, NSCOUNT, ARCOUNT, 16 bits each.
struct Header {
  std::uint16_t id = 0;
  std::uint16_t flags = 0;
  std::array<std::uint16_t, 4> counts{};  ///< entries claimed per section, indexed by Section

  [[nodiscard]] bool is_response() const { return (flags & 0x8000U) != 0; }
  [[nodiscard]] std::uint8_t opcode() const {
    return static_cast<std::uint8_t>((flags >> 11) & 0xFU);
  }
  [[nodiscard]] bool is_truncated() const { return (flags & 0x0200U) != 0; }
  [[nodiscard]] std::uint8_t rcode() const { return static_cast<std::uint8_t>(flags & 0xFU); }
  [[nodiscard]] std::uint16_t count(Section section) const {
    return counts.at(static_cast<std::size_t>(section));
  }
};

/// Where a validated domain name starts in its message; decode_name() turns it into text.
struct NameRef {
  std::uint32_t offset = 0;
};

/// SRV rdata (RFC 2782): where a service instance listens.
struct Srv {
  std::uint16_t priority = 0;
  std::uint16_t weight = 0;
  std::uint16_t port = 0;
  NameRef target;
};

/// HINFO rdata (RFC 1035 §3.3.2): two character-strings. Views alias the message.
struct Hinfo {
  std::string_view cpu;
  std::string_view os;
};

/// TXT rdata (RFC 1035 §3.3.14, RFC 6763 §6), validated; walk its strings with TxtReader.
struct Txt {
  Bytes data;
};

/// Decoded rdata: IpAddress for A and AAAA, NameRef for NS, CNAME and PTR, then Srv, Txt and
/// Hinfo; std::monostate for every other type (its bytes stay in Record::rdata).
using Rdata = std::variant<std::monostate, IpAddress, NameRef, Srv, Txt, Hinfo>;

/// A question (RFC 1035 §4.1.2) or a resource record (§4.1.3). Views alias the message.
struct Record {
  Section section = Section::Question;
  NameRef name;
  RrType type{};
  std::uint16_t rr_class = 0;  ///< class without the mDNS top bit (whole for OPT)
  /// The class's top bit: unicast-response ("QU") on mDNS questions (RFC 6762 §5.4), cache-flush
  /// on mDNS records (§10.2). Ordinary DNS never sets it.
  bool mdns_flag = false;
  std::uint32_t ttl = 0;  ///< seconds; 0 for questions
  Bytes rdata;            ///< raw rdata; empty for questions
  Rdata data;
};

/// Room for any valid name in text form (at most 253 characters).
using NameBuffer = std::array<char, kMaxNameLength>;

/// Writes the name at `name` into `out` as dotted text without the trailing dot ("" for the root),
/// following compression pointers. Labels are copied raw: case is kept and nothing is escaped.
/// The view aliases `out`. Names a MessageReader returned always decode.
[[nodiscard]] Result<std::string_view> decode_name(Bytes message, NameRef name, NameBuffer& out);

/// Walks the questions and records of one message in wire order, validating each entry (names,
/// compression pointers, rdata shape) as it goes and allocating nothing.
///
/// Compression pointers (RFC 1035 §4.1.4) must point strictly backwards, before the label run
/// that holds them, which rules out loops; at most kMaxPointerHops are followed per name.
/// Errors, all named: "dns.truncated" (Incomplete), "dns.forward_pointer", "dns.pointer_loop",
/// "dns.too_many_pointers", "dns.bad_label_type", "dns.name_too_long", "dns.bad_rdata"
/// (Malformed), "dns.too_many_records" (LimitExceeded, after the first kMaxRecords entries of a
/// section). After an error, next() keeps returning it. Bytes after the last record are ignored.
class MessageReader {
 public:
  /// Reads the header; "dns.truncated" when fewer than kHeaderLength bytes.
  [[nodiscard]] static Result<MessageReader> open(Bytes message);

  [[nodiscard]] const Header& header() const { return header_; }
  /// The whole message, which decode_name() needs for compressed names.
  [[nodiscard]] Bytes message() const { return reader_.whole(); }
  /// The next entry, or std::nullopt after the last one.
  [[nodiscard]] Result<std::optional<Record>> next();

 private:
  MessageReader(ByteReader reader, const Header& header) : reader_(reader), header_(header) {}
  Result<std::optional<Record>> read_entry();

  ByteReader reader_;
  Header header_;
  Section section_ = Section::Question;
  std::size_t index_ = 0;  ///< entries read from section_
  std::optional<ParseError> error_;
};

/// Calls `visit(const Record&)` for each entry `reader` yields. Returns the error that ended the
/// walk, or std::nullopt when every entry was read.
template <typename Visit>
std::optional<ParseError> for_each_record(MessageReader& reader, Visit&& visit) {
  for (std::size_t entry_idx = 0; entry_idx <= kMaxEntries; ++entry_idx) {
    auto record = reader.next();
    if (!record) {
      return record.error();
    }
    if (!record->has_value()) {
      return std::nullopt;
    }
    visit(**record);
  }
  return std::nullopt;
}

/// The character-strings of TXT rdata, in order, at most kMaxTxtStrings.
class TxtReader {
 public:
  explicit TxtReader(const Txt& txt) : reader_(txt.data) {}
  /// The next string (possibly empty), or std::nullopt at the end.
  [[nodiscard]] std::optional<std::string_view> next();

 private:
  ByteReader reader_;
  std::size_t count_ = 0;
};

/// The first message of a DNS-over-TCP stream, without its 2-byte length prefix (RFC 1035
/// §4.2.2); it occupies 2 + size() bytes of `stream`. Incomplete until all of it is buffered.
[[nodiscard]] Result<Bytes> tcp_message(Bytes stream);

}  // namespace warden::proto::dns
