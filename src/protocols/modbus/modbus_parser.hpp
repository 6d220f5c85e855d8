// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/byte_reader.hpp"
#include "core/result.hpp"

namespace warden::proto::modbus {

/// MBAP header length: transaction id, protocol id, length, unit id (Modbus Messaging on TCP/IP
/// Implementation Guide V1.0b §3.1.3).
inline constexpr std::size_t kMbapLength = 7;
/// Largest MBAP length field the specification allows: unit id plus a 253-byte PDU.
inline constexpr std::uint16_t kMaxSpecLength = 254;
/// Largest length field accepted at all. Schneider UMAS engineering traffic sends 255 (a 261-byte
/// ADU); lengths up to this cap are read, with the "modbus.oversized_adu" anomaly.
inline constexpr std::uint16_t kMaxAcceptedLength = 260;
/// Most objects taken from one Read Device Identification response.
inline constexpr std::size_t kMaxDeviceIdObjects = 16;

/// Function codes with names (Modbus Application Protocol V1.1b3 §5.1).
namespace function {
inline constexpr std::uint8_t kDiagnostics = 8;
inline constexpr std::uint8_t kEncapsulatedInterface = 43;
inline constexpr std::uint8_t kUmas = 90;  ///< Schneider Electric UMAS (Unity), not in the spec
inline constexpr std::uint8_t kExceptionBit = 0x80;
}  // namespace function

/// MEI type of Read Device Identification (§6.21).
inline constexpr std::uint8_t kMeiReadDeviceId = 14;

/// MBAP header (implementation guide §3.1.3).
///
///   0      2      4      6     7
///   +------+------+------+-----+-----------------+
///   | tid  | pid  | len  | uid | PDU (len-1 B)   |
///   +------+------+------+-----+-----------------+
struct Mbap {
  std::uint16_t transaction_id;
  std::uint16_t protocol_id;  ///< 0 for Modbus
  std::uint16_t length;       ///< bytes after this field: unit id + PDU
  std::uint8_t unit_id;
};

/// One Modbus/TCP ADU. `data` aliases the input: the PDU after the function code.
struct Adu {
  Mbap header;
  std::uint8_t function;
  Bytes data;
  [[nodiscard]] std::size_t size() const { return 6U + header.length; }
};

/// Parses the ADU at the start of `bytes`. Incomplete until the whole ADU is there; Malformed
/// "modbus.bad_protocol_id" or "modbus.bad_length" when the header cannot be Modbus/TCP.
[[nodiscard]] Result<Adu> parse_adu(Bytes bytes);

/// Lower-case hyphenated name of a public function code ("read-holding-registers"), or empty.
[[nodiscard]] std::string_view function_name(std::uint8_t function);
/// Name of a UMAS function (the byte after the session key), "read-id", or empty.
[[nodiscard]] std::string_view umas_function_name(std::uint8_t umas_function);
/// True for UMAS functions that change the PLC: writes, program transfer to the PLC, start/stop.
[[nodiscard]] bool is_umas_control(std::uint8_t umas_function);
/// True for public function codes that write to the device (5, 6, 15, 16, 21, 22, 23).
[[nodiscard]] bool is_write_function(std::uint8_t function);

/// Diagnostics (08) sub-functions that change the device's state (§6.8).
inline constexpr std::uint16_t kDiagRestartCommunications = 1;
inline constexpr std::uint16_t kDiagForceListenOnly = 4;

/// One object of a Read Device Identification response; `value` aliases the input.
struct DeviceIdObject {
  std::uint8_t id;
  std::string_view value;
};

/// Object ids of the basic and regular device identification (§6.21).
namespace object {
inline constexpr std::uint8_t kVendorName = 0x00;
inline constexpr std::uint8_t kProductCode = 0x01;
inline constexpr std::uint8_t kMajorMinorRevision = 0x02;
inline constexpr std::uint8_t kVendorUrl = 0x03;
inline constexpr std::uint8_t kProductName = 0x04;
inline constexpr std::uint8_t kModelName = 0x05;
}  // namespace object

/// Read Device Identification response (function 43, MEI 14, §6.21).
struct DeviceIdentification {
  std::uint8_t read_code = 0;
  std::uint8_t conformity_level = 0;
  bool more_follows = false;
  std::uint8_t next_object_id = 0;
  std::array<DeviceIdObject, kMaxDeviceIdObjects> objects{};
  std::size_t object_count = 0;  ///< objects filled; at most kMaxDeviceIdObjects are kept
};

/// Parses the response data after the function code (starting at the MEI type byte).
/// Errors: "modbus.bad_device_identification" (wrong MEI type, object overrunning the PDU).
[[nodiscard]] Result<DeviceIdentification> parse_device_identification(Bytes data);

}  // namespace warden::proto::modbus
