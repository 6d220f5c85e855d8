// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/byte_reader.hpp"
#include "core/result.hpp"

namespace warden::proto::enip {

/// Encapsulation header length (CIP Vol. 2, EtherNet/IP Adaptation, §2-3).
inline constexpr std::size_t kHeaderLength = 24;
/// Most Common Packet Format items read from one message.
inline constexpr std::size_t kMaxCpfItems = 8;
/// Most services read from one Multiple_Service_Packet.
inline constexpr std::size_t kMaxServicesPerPacket = 64;
/// Most segments read from one request path.
inline constexpr std::size_t kMaxPathSegments = 32;

/// Encapsulation commands (§2-3.2).
namespace command {
inline constexpr std::uint16_t kNop = 0x0000;
/// Reserved for legacy use; Rockwell tools still send it and devices answer (openics captures).
inline constexpr std::uint16_t kLegacyListTargets = 0x0001;
inline constexpr std::uint16_t kListServices = 0x0004;
inline constexpr std::uint16_t kListIdentity = 0x0063;
inline constexpr std::uint16_t kListInterfaces = 0x0064;
inline constexpr std::uint16_t kRegisterSession = 0x0065;
inline constexpr std::uint16_t kUnregisterSession = 0x0066;
inline constexpr std::uint16_t kSendRrData = 0x006F;
inline constexpr std::uint16_t kSendUnitData = 0x0070;
inline constexpr std::uint16_t kIndicateStatus = 0x0072;
inline constexpr std::uint16_t kCancel = 0x0073;
}  // namespace command

/// Common Packet Format item types (§2-6).
namespace item {
inline constexpr std::uint16_t kNullAddress = 0x0000;
inline constexpr std::uint16_t kIdentity = 0x000C;
inline constexpr std::uint16_t kConnectedAddress = 0x00A1;
inline constexpr std::uint16_t kConnectedData = 0x00B1;
inline constexpr std::uint16_t kUnconnectedData = 0x00B2;
}  // namespace item

/// Encapsulation header, all fields little-endian (§2-3).
///
///   0        2        4                8        12                 20       24
///   +--------+--------+----------------+--------+------------------+--------+
///   |command | length | session handle | status | sender context   |options |
///   +--------+--------+----------------+--------+------------------+--------+
struct Header {
  std::uint16_t command;
  std::uint16_t length;  ///< bytes of command data after the header
  std::uint32_t session;
  std::uint32_t status;
  std::uint32_t options;
};

/// Parses the header at the start of `bytes`; Incomplete if fewer than 24 bytes.
[[nodiscard]] Result<Header> parse_header(Bytes bytes);
/// True for the commands defined by the specification.
[[nodiscard]] bool is_known_command(std::uint16_t command);

/// CIP Identity item of a ListIdentity response (§2-4.3.2). Views alias the input.
struct Identity {
  std::uint16_t encapsulation_version;
  std::uint16_t vendor_id;
  std::uint16_t device_type;
  std::uint16_t product_code;
  std::uint8_t revision_major;
  std::uint8_t revision_minor;
  std::uint16_t status;
  std::uint32_t serial_number;
  std::string_view product_name;
  std::optional<std::uint8_t> state;  ///< absent in some old devices' answers
};

/// Parses the command data of a ListIdentity response and returns its first Identity item, or
/// nullopt when it has none. Errors: "enip.bad_cpf", "enip.bad_identity".
[[nodiscard]] Result<std::optional<Identity>> parse_list_identity(Bytes data);

/// One Common Packet Format item; `data` aliases the input.
struct CpfItem {
  std::uint16_t type;
  Bytes data;
};
struct CpfItems {
  std::array<CpfItem, kMaxCpfItems> items{};
  std::size_t count = 0;
};
/// Parses the item list at the start of `bytes` (item count, then type/length/data items).
/// Errors: "enip.bad_cpf"; "enip.too_many_items" past kMaxCpfItems.
[[nodiscard]] Result<CpfItems> parse_cpf(Bytes bytes);

/// The CIP message of SendRRData / SendUnitData command data: the unconnected data item, or the
/// connected data item after its 2-byte sequence count; nullopt when there is none.
[[nodiscard]] Result<std::optional<Bytes>> extract_cip_message(std::uint16_t command, Bytes data);

/// A CIP request (CIP Vol. 1 §2-4.1): service, path and data. Views alias the input.
struct CipRequest {
  std::uint8_t service;  ///< bit 7 clear for requests
  std::optional<std::uint32_t> class_id;
  std::optional<std::uint32_t> instance_id;
  bool symbolic = false;  ///< the path names a tag (ANSI extended symbol segment)
  Bytes data;             ///< request data after the path
};

/// Parses a CIP request. Errors: "enip.bad_cip_path".
[[nodiscard]] Result<CipRequest> parse_cip_request(Bytes message);

/// The embedded message request of an Unconnected_Send (service 0x52 to the Connection Manager,
/// CIP Vol. 1 §3-5.6.1): its request data must be passed. Errors: "enip.bad_unconnected_send".
[[nodiscard]] Result<Bytes> parse_unconnected_send(Bytes request_data);

/// Calls `fn(Bytes)` for each embedded request of a Multiple_Service_Packet (service 0x0A, CIP
/// Vol. 1 §) given its request data; at most kMaxServicesPerPacket.
/// Errors: "enip.bad_multiple_service_packet".
template <typename Fn>
Result<std::size_t> for_each_packed_service(Bytes request_data, Fn&& fn) {
  ByteReader reader(request_data);
  const auto bad = [&reader] {
    return tl::unexpected(
        reader.error(ParseErrorCode::Malformed, "enip.bad_multiple_service_packet"));
  };
  const auto count = reader.read_u16_le();
  if (!count || *count == 0) {
    return bad();
  }
  const std::size_t services = *count < kMaxServicesPerPacket ? *count : kMaxServicesPerPacket;
  std::array<std::uint16_t, kMaxServicesPerPacket + 1> offsets{};
  for (std::size_t service_idx = 0; service_idx < services; ++service_idx) {
    const auto offset = reader.read_u16_le();
    if (!offset || *offset > request_data.size()) {
      return bad();
    }
    offsets.at(service_idx) = *offset;
  }
  offsets.at(services) = static_cast<std::uint16_t>(request_data.size());
  for (std::size_t service_idx = 0; service_idx < services; ++service_idx) {
    const std::size_t begin = offsets.at(service_idx);
    std::size_t end = offsets.at(service_idx + 1);
    if (service_idx + 1 == services || end < begin) {
      end = request_data.size();  // the last one (or the last kept one) runs to the end
    }
    fn(request_data.subspan(begin, end - begin));
  }
  return services;
}

/// Common CIP service names (CIP Vol. 1 Appendix A), with class-specific ones resolved by the
/// class: Connection Manager (6), Logix tag services (symbolic paths). Empty when unknown.
[[nodiscard]] std::string_view service_name(const CipRequest& request);

/// Control operations a CIP request performs on the receiver, or empty: "set-attribute",
/// "reset", "start", "stop", "write-tag", "firmware-update".
[[nodiscard]] std::string_view control_name(const CipRequest& request);

/// CIP service codes used by the analyzer.
namespace service {
inline constexpr std::uint8_t kMultipleServicePacket = 0x0A;
inline constexpr std::uint8_t kUnconnectedSend = 0x52;
inline constexpr std::uint8_t kResponseBit = 0x80;
}  // namespace service
/// CIP classes used by the analyzer.
namespace cip_class {
inline constexpr std::uint32_t kConnectionManager = 0x06;
/// Rockwell's firmware (ControlFLASH) target: the openics EIP-FirmwareChange capture sends the
/// image with services 0x4B (begin) and 0x4D (transfer) to this class, then resets the device.
inline constexpr std::uint32_t kFirmwareUpdate = 0xA1;
}  // namespace cip_class

/// ODVA vendor name for the best-known vendor ids, or empty.
[[nodiscard]] std::string_view vendor_name(std::uint16_t vendor_id);

}  // namespace warden::proto::enip
