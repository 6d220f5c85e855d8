// SPDX-License-Identifier: Apache-2.0
// Pure parsers for DNP3 (IEEE 1815-2012) over TCP or UDP 20000: link layer frames with their
// CRCs, the transport header and the start of the application layer.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/byte_reader.hpp"
#include "core/result.hpp"

namespace warden::proto::dnp3 {

/// Start bytes, length, control, destination, source, header CRC.
inline constexpr std::size_t kLinkHeaderLength = 10;
/// User data bytes per CRC block.
inline constexpr std::size_t kBlockLength = 16;
inline constexpr std::size_t kCrcLength = 2;
/// The length byte counts control, destination and source (5) plus the user data.
inline constexpr std::size_t kMinLengthField = 5;
inline constexpr std::size_t kMaxUserData = 255 - kMinLengthField;
/// Largest frame on the wire: header, 250 user data bytes and 16 block CRCs.
inline constexpr std::size_t kMaxFrameLength =
    kLinkHeaderLength + kMaxUserData +
    kCrcLength * ((kMaxUserData + kBlockLength - 1) / kBlockLength);

/// CRC-16/DNP (IEEE 1815 §9.2.4.1.6): polynomial 0x3D65 (reflected 0xA6BC), init 0, final xor
/// 0xFFFF; sent least significant byte first.
[[nodiscard]] std::uint16_t crc16_dnp(Bytes bytes);

/// Size of the frame starting at `bytes[0]` from its length byte, CRCs included. Incomplete below
/// three bytes; "dnp3.bad_start" unless it starts 0x05 0x64, "dnp3.bad_length" below 5.
[[nodiscard]] Result<std::size_t> frame_length(Bytes bytes);

/// A link layer frame (IEEE 1815 §9.2.4) with the CRCs checked and removed from the user data.
///
///   +------+------+-----+------+------+------+------+------+------+------+----------------+
///   | 0x05 | 0x64 | LEN | CTRL | DEST (LE16) | SRC (LE16)  | CRC (LE16)  | data + CRCs ...|
///   +------+------+-----+------+------+------+------+------+------+------+----------------+
///   CTRL: DIR (0x80, set from the master), PRM (0x40), FCB, FCV/DFC, 4-bit function code.
struct LinkFrame {
  std::uint8_t control = 0;
  std::uint16_t destination = 0;
  std::uint16_t source = 0;
  std::array<std::uint8_t, kMaxUserData> user_data_storage{};
  std::size_t user_data_length = 0;

  [[nodiscard]] bool from_master() const { return (control & 0x80U) != 0; }
  [[nodiscard]] bool is_primary() const { return (control & 0x40U) != 0; }
  [[nodiscard]] std::uint8_t link_function() const {
    return static_cast<std::uint8_t>(control & 0x0FU);
  }
  /// The user data (transport segment), without CRCs. Valid while the frame is.
  [[nodiscard]] Bytes user_data() const { return Bytes(user_data_storage).first(user_data_length); }
};
/// Offset reported by a "dnp3.bad_crc" error for the header CRC: the length byte cannot be trusted.
inline constexpr std::uint32_t kHeaderCrcOffset = kLinkHeaderLength - kCrcLength;
/// Parses exactly one whole frame (`frame_length()` bytes). "dnp3.bad_crc" for a wrong header CRC
/// (error offset kHeaderCrcOffset) or block CRC (a later offset).
[[nodiscard]] Result<LinkFrame> parse_link_frame(Bytes frame);

/// The transport header and the application header of a first segment (IEEE 1815 §8, §4.2.2).
struct ApplicationHeader {
  bool first_segment = false;  ///< FIR: this segment starts an application fragment
  bool final_segment = false;  ///< FIN
  std::uint8_t transport_sequence = 0;
  std::uint8_t application_control = 0;            ///< valid with first_segment
  std::uint8_t function = 0;                       ///< valid with first_segment
  std::optional<std::uint8_t> first_object_group;  ///< group of the first object header, if any
};
/// Parses the transport segment. Only a FIR segment carries the application header; others give
/// first_segment false. "dnp3.truncated_application" when a FIR segment lacks its header.
[[nodiscard]] Result<ApplicationHeader> parse_application(Bytes user_data);

/// Object group of Secure Authentication objects.
inline constexpr std::uint8_t kGroupAuthentication = 120;

/// Application function codes (IEEE 1815 §4.2.2.5).
namespace function {
inline constexpr std::uint8_t kConfirm = 0;
inline constexpr std::uint8_t kWrite = 2;
inline constexpr std::uint8_t kAuthenticateRequest = 32;
inline constexpr std::uint8_t kAuthRequestNoAck = 33;
inline constexpr std::uint8_t kResponse = 129;
inline constexpr std::uint8_t kUnsolicitedResponse = 130;
inline constexpr std::uint8_t kAuthenticateResponse = 131;
}  // namespace function

/// Lower-case name of an application function ("read", "direct-operate"), or empty.
[[nodiscard]] std::string_view function_name(std::uint8_t function);
/// True for functions that change the outstation: writes, controls, restarts, application start
/// and stop, configuration activation, file writes and deletes.
[[nodiscard]] bool is_control_function(std::uint8_t function);
/// True for the Secure Authentication functions (32, 33, 131).
[[nodiscard]] bool is_authentication_function(std::uint8_t function);

}  // namespace warden::proto::dnp3
