// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "core/byte_reader.hpp"
#include "core/result.hpp"

namespace warden::proto::bacnet {

/// Longest character string decoded (UTF-8 output bytes); longer ones are cut.
inline constexpr std::size_t kMaxTextLength = 256;

/// BVLC functions (ASHRAE 135 Annex J.2).
namespace bvlc {
inline constexpr std::uint8_t kTypeBip = 0x81;
inline constexpr std::uint8_t kForwardedNpdu = 0x04;
inline constexpr std::uint8_t kDistributeBroadcast = 0x09;
inline constexpr std::uint8_t kOriginalUnicast = 0x0A;
inline constexpr std::uint8_t kOriginalBroadcast = 0x0B;
}  // namespace bvlc

/// APDU types (clause 20.1).
enum class PduType : std::uint8_t {
  ConfirmedRequest = 0,
  UnconfirmedRequest = 1,
  SimpleAck = 2,
  ComplexAck = 3,
  SegmentAck = 4,
  Error = 5,
  Reject = 6,
  Abort = 7,
};

/// A BACnet/IP datagram down to its APDU. Views alias the input.
///
///   BVLC: 0x81 | function | length (2, BE) [| 6-byte origin address if Forwarded-NPDU]
///   NPDU: version 1 | control [| DNET DLEN DADR] [| SNET SLEN SADR] [| hop count] [| message]
///   APDU: type<<4|flags | ...
struct Datagram {
  std::uint8_t function;
  std::optional<std::array<std::uint8_t, 4>> forwarded_from;  ///< origin IPv4 of Forwarded-NPDU
  bool has_npdu = false;
  bool network_message = false;  ///< NPDU carries a network-layer message, no APDU
  Bytes apdu;
};

/// Parses BVLC and NPDU. Errors: "bacnet.bad_bvlc" (type, length), "bacnet.bad_npdu".
[[nodiscard]] Result<Datagram> parse_datagram(Bytes bytes);

/// APDU header fields that matter here (clause 20.1.2 - 20.1.5).
struct Apdu {
  PduType type;
  bool segmented = false;
  std::uint8_t invoke_id = 0;
  std::uint8_t service = 0;  ///< service choice (ack choice for acks)
  Bytes body;                ///< service parameters
};
/// Errors: "bacnet.bad_apdu".
[[nodiscard]] Result<Apdu> parse_apdu(Bytes apdu);

/// Unconfirmed and confirmed service choices (clause 21).
namespace unconfirmed {
inline constexpr std::uint8_t kIAm = 0;
inline constexpr std::uint8_t kIHave = 1;
inline constexpr std::uint8_t kWhoHas = 7;
inline constexpr std::uint8_t kWhoIs = 8;
}  // namespace unconfirmed
namespace confirmed {
inline constexpr std::uint8_t kReadProperty = 12;
inline constexpr std::uint8_t kReadPropertyMultiple = 14;
}  // namespace confirmed

/// Object types and property identifiers used here (clause 21).
inline constexpr std::uint16_t kObjectDevice = 8;
namespace property {
inline constexpr std::uint32_t kApplicationSoftwareVersion = 12;
inline constexpr std::uint32_t kFirmwareRevision = 44;
inline constexpr std::uint32_t kModelName = 70;
inline constexpr std::uint32_t kObjectIdentifier = 75;
inline constexpr std::uint32_t kObjectName = 77;
inline constexpr std::uint32_t kVendorIdentifier = 120;
inline constexpr std::uint32_t kVendorName = 121;
}  // namespace property

/// BACnetObjectIdentifier: 10-bit type, 22-bit instance.
struct ObjectId {
  std::uint16_t type;
  std::uint32_t instance;
};

/// I-Am parameters (clause 16.10.2).
struct IAm {
  ObjectId device;
  std::uint32_t max_apdu;
  std::uint32_t segmentation;
  std::uint32_t vendor_id;
};
/// Errors: "bacnet.bad_i_am".
[[nodiscard]] Result<IAm> parse_i_am(Bytes body);

/// A decoded property value: the tags this analyzer reads.
struct Value {
  enum class Kind : std::uint8_t { Other, Unsigned, Text, ObjectId };
  Kind kind = Kind::Other;
  std::uint32_t number = 0;
  ObjectId object{};
  std::array<char, kMaxTextLength> text{};  ///< UTF-8, valid for Kind::Text
  std::size_t text_length = 0;
  [[nodiscard]] std::string_view as_text() const { return {text.data(), text_length}; }
};

/// ReadProperty-ACK (clause 15.5.1.3): object, property and the first value.
struct ReadPropertyAck {
  ObjectId object;
  std::uint32_t property;
  Value value;
};
/// Errors: "bacnet.bad_read_property_ack".
[[nodiscard]] Result<ReadPropertyAck> parse_read_property_ack(Bytes body);

/// ReadPropertyMultiple-ACK (clause 15.7, its Result(+)): a sequence of ReadAccessResults, each an
/// object and its properties' results. `each` is called, in order, for every property read with a
/// value (its first primitive value, as parse_read_property_ack() gives it); properties read with
/// an error are skipped. Returns how many were passed to `each`; those before a malformed part are
/// passed. Errors: "bacnet.bad_read_property_multiple_ack".
[[nodiscard]] Result<std::size_t> parse_read_property_multiple_ack(
    Bytes body, const std::function<void(const ReadPropertyAck&)>& each);

/// Names of confirmed and unconfirmed services ("read-property", "who-is"), or empty.
[[nodiscard]] std::string_view confirmed_service_name(std::uint8_t service);
[[nodiscard]] std::string_view unconfirmed_service_name(std::uint8_t service);
/// True for confirmed services that change the receiver (writes, reinitialize, DCC, ...).
[[nodiscard]] bool is_control_service(std::uint8_t service);

/// ASHRAE vendor name of well-known BACnet vendor ids, or empty.
[[nodiscard]] std::string_view vendor_name(std::uint32_t vendor_id);

}  // namespace warden::proto::bacnet
