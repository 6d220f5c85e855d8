// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/address.hpp"
#include "core/byte_reader.hpp"
#include "core/result.hpp"

namespace warden::proto::netbios {

inline constexpr std::uint16_t kNameServicePort = 137;
/// Questions and resource records kept per message; real ones carry one or two.
inline constexpr std::size_t kMaxQuestions = 4;
inline constexpr std::size_t kMaxRecords = 8;
/// Entries kept from one NB record (RFC 1002 §4.2.1.3) or NBSTAT name table (§4.2.18).
inline constexpr std::size_t kMaxNbEntries = 16;
inline constexpr std::size_t kMaxNodeNames = 64;

/// Header opcodes (RFC 1002 §4.2.1.1; 9 is the refresh code Windows actually sends).
enum class Opcode : std::uint8_t {
  Query = 0,
  Registration = 5,
  Release = 6,
  Wack = 7,
  Refresh = 8,
  RefreshAlt = 9,
  MultiHomedRegistration = 15,
};

/// Resource record types (RFC 1002 §4.2.1.2).
inline constexpr std::uint16_t kTypeNb = 0x0020;
inline constexpr std::uint16_t kTypeNbstat = 0x0021;

/// Name suffixes (the 16th byte) that name a machine or its workgroup.
inline constexpr std::uint8_t kSuffixWorkstation = 0x00;
inline constexpr std::uint8_t kSuffixServer = 0x20;

/// NB_FLAGS group bit (RFC 1002 §4.2.1.3), also used by NBSTAT NAME_FLAGS (§4.2.18).
inline constexpr std::uint16_t kGroupFlag = 0x8000;

/// Name service header (RFC 1002 §4.2.1.1).
///
///     NAME_TRN_ID (16) | R | OPCODE (4) | NM_FLAGS (7) | RCODE (4)
///     QDCOUNT | ANCOUNT | NSCOUNT | ARCOUNT
struct Header {
  std::uint16_t transaction_id = 0;
  bool is_response = false;
  std::uint8_t opcode = 0;
  std::uint8_t nm_flags = 0;  ///< AA TC RD RA 0 0 B
  std::uint8_t rcode = 0;
  std::uint16_t qdcount = 0;
  std::uint16_t ancount = 0;
  std::uint16_t nscount = 0;
  std::uint16_t arcount = 0;
};

/// A NetBIOS name decoded from its first-level encoding (RFC 1001 §14.1): 32 letters 'A'..'P'
/// carry 16 bytes, 15 name characters padded with spaces and a suffix byte. The scope is skipped.
struct Name {
  std::array<char, 15> chars{};
  std::uint8_t suffix = 0;

  /// The name without its space padding; valid while this Name is.
  [[nodiscard]] std::string_view text() const;
  /// "*", the wildcard of node status queries.
  [[nodiscard]] bool is_wildcard() const { return chars[0] == '*'; }
};

struct Question {
  Name name;
  std::uint16_t type = 0;
  std::uint16_t qclass = 0;
};

enum class Section : std::uint8_t { Answer, Authority, Additional };

/// A resource record (RFC 1002 §4.2.1.3); `rdata` aliases the input buffer.
struct Record {
  Section section = Section::Answer;
  Name name;
  std::uint16_t type = 0;
  std::uint16_t rclass = 0;
  std::uint32_t ttl = 0;
  Bytes rdata;
};

struct Message {
  Header header;
  std::array<Question, kMaxQuestions> questions{};
  std::size_t question_count = 0;
  std::array<Record, kMaxRecords> records{};
  std::size_t record_count = 0;
};

/// Parses a UDP payload on port 137. Names in records may use a compression pointer to an earlier
/// name. Errors: "netbios.truncated", "netbios.too_many_records", "netbios.bad_name",
/// "netbios.bad_pointer", "netbios.too_many_labels".
[[nodiscard]] Result<Message> parse_message(Bytes payload);

/// One NB_FLAGS / NB_ADDRESS entry of an NB record.
struct NbEntry {
  std::uint16_t flags = 0;
  IpAddress address;

  [[nodiscard]] bool is_group() const { return (flags & kGroupFlag) != 0; }
};

struct NbEntries {
  std::array<NbEntry, kMaxNbEntries> entries{};
  std::size_t count = 0;
};

/// The address entries of an NB record's RDATA (RFC 1002 §4.2.1.3, six bytes each; a trailing
/// partial entry is ignored, entries past kMaxNbEntries are dropped).
NbEntries parse_nb_entries(Bytes rdata);

/// One entry of a node status name table (RFC 1002 §4.2.18): 16 raw bytes, not encoded.
struct NodeName {
  Name name;
  std::uint16_t flags = 0;

  [[nodiscard]] bool is_group() const { return (flags & kGroupFlag) != 0; }
};

/// A node status (NBSTAT) response's RDATA: the responder's own name table, then statistics whose
/// first six bytes are its unit ID (usually the MAC).
struct NodeStatus {
  std::array<NodeName, kMaxNodeNames> names{};
  std::size_t count = 0;
  std::optional<MacAddress> unit_id;
};

/// Errors: "netbios.truncated".
[[nodiscard]] Result<NodeStatus> parse_node_status(Bytes rdata);

}  // namespace warden::proto::netbios
