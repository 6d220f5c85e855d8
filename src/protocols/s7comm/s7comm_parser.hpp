// SPDX-License-Identifier: Apache-2.0
// Pure parsers for Siemens S7 communication on ISO-on-TCP (TCP 102): TPKT (RFC 1006), COTP
// (ISO 8073 / X.224) and the S7comm PDU header, userdata and SZL (system status list) records.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/byte_reader.hpp"
#include "core/result.hpp"

namespace warden::proto::s7comm {

inline constexpr std::size_t kTpktHeaderLength = 4;
/// TPKT header plus the smallest COTP DT header (length indicator, code, EOT/number).
inline constexpr std::size_t kMinTpktLength = 7;
/// Most COTP parameters read from one CR/CC.
inline constexpr std::size_t kMaxCotpParameters = 16;
/// Most SZL records read from one partial list.
inline constexpr std::size_t kMaxSzlRecords = 64;

inline constexpr std::uint8_t kProtocolIdS7 = 0x32;
inline constexpr std::uint8_t kProtocolIdS7Plus = 0x72;

/// RFC 1006 §6 TPKT header: version 3, reserved 0, 16-bit length of the whole packet.
///
///   0        1        2        3
///   +--------+--------+--------+--------+
///   | vrsn=3 | resvd  |  packet length  |
///   +--------+--------+--------+--------+
struct TpktHeader {
  std::uint16_t length;  ///< header included, >= kMinTpktLength
};
/// Incomplete below four bytes; "s7comm.bad_tpkt" for a wrong version/reserved byte or length.
[[nodiscard]] Result<TpktHeader> parse_tpkt_header(Bytes bytes);

/// COTP TPDU codes (ISO 8073 §13.1, high nibble of the code byte).
enum class CotpType : std::uint8_t {
  ConnectionRequest = 0xE0,
  ConnectionConfirm = 0xD0,
  DisconnectRequest = 0x80,
  Data = 0xF0,
  Other = 0x00,
};

/// One COTP TPDU inside a TPKT. Views alias the input.
struct CotpPdu {
  CotpType type = CotpType::Other;
  std::uint8_t code = 0;       ///< raw code byte
  bool last_data_unit = true;  ///< DT: the EOT bit
  Bytes calling_tsap;          ///< CR/CC parameter 0xC1
  Bytes called_tsap;           ///< CR/CC parameter 0xC2
  Bytes payload;               ///< DT: user data (the S7 PDU)
};
/// Parses the TPKT payload (everything after the 4-byte TPKT header). "s7comm.bad_cotp" when the
/// length indicator does not fit or a CR/CC parameter overruns the header.
[[nodiscard]] Result<CotpPdu> parse_cotp(Bytes tpkt_payload);

/// S7comm PDU types (ROSCTR).
enum class Rosctr : std::uint8_t { Job = 1, Ack = 2, AckData = 3, Userdata = 7 };

/// S7comm header: protocol id 0x32, ROSCTR, reserved, PDU reference, parameter length, data
/// length, and for Ack/AckData an error class and code; then the parameter and data blocks.
struct S7Pdu {
  std::uint8_t rosctr = 0;
  std::uint16_t pdu_reference = 0;
  std::uint8_t error_class = 0;
  std::uint8_t error_code = 0;
  Bytes parameter;
  Bytes data;
};
/// "s7comm.bad_header" for another protocol id or ROSCTR, "s7comm.bad_length" when the parameter
/// and data lengths do not fit the PDU.
[[nodiscard]] Result<S7Pdu> parse_s7_pdu(Bytes payload);

/// Function groups of userdata PDUs.
namespace group {
inline constexpr std::uint8_t kBlock = 3;
inline constexpr std::uint8_t kCpu = 4;
inline constexpr std::uint8_t kSecurity = 5;
inline constexpr std::uint8_t kTime = 7;
}  // namespace group

/// Userdata parameter block (ROSCTR 7): head 00 01 12, length, method, type (high nibble:
/// 0 push, 4 request, 8 response) and function group (low nibble), subfunction, sequence number,
/// and in 8-byte blocks a data unit reference, a last-data-unit flag and an error code.
struct UserdataParameter {
  std::uint8_t type = 0;
  std::uint8_t function_group = 0;
  std::uint8_t subfunction = 0;
  std::uint8_t data_unit_reference = 0;
  bool last_data_unit = true;
};
inline constexpr std::uint8_t kUserdataRequest = 4;
inline constexpr std::uint8_t kUserdataResponse = 8;
/// "s7comm.bad_userdata" for a wrong head or a length below four.
[[nodiscard]] Result<UserdataParameter> parse_userdata_parameter(Bytes parameter);

/// Userdata data block: return code, transport size, 16-bit length, then the value.
struct UserdataData {
  std::uint8_t return_code = 0;
  std::uint8_t transport_size = 0;
  Bytes value;
};
inline constexpr std::uint8_t kReturnSuccess = 0xFF;
/// The length is clamped to the bytes present (some stacks count differently).
[[nodiscard]] Result<UserdataData> parse_userdata_data(Bytes data);

/// An SZL partial list: id, index, record length, record count, then the records.
struct Szl {
  std::uint16_t id = 0;
  std::uint16_t index = 0;
  std::uint16_t record_length = 0;
  std::uint16_t record_count = 0;
  Bytes records;
};
[[nodiscard]] Result<Szl> parse_szl(Bytes value);

/// "V3.2.7": the firmware version of SZL 0x0011 record 7 (Ausbg 'V' major, Ausbe minor patch).
struct FirmwareVersion {
  std::uint8_t major = 0;
  std::uint8_t minor = 0;
  std::uint8_t patch = 0;
};

/// What the identification lists say about a module. Views alias the SZL bytes, with trailing
/// NULs and spaces removed; empty when absent.
struct ModuleIdentity {
  // SZL 0x0011 (module identification).
  std::string_view order_number;  ///< record 1, "6ES7 315-2EH14-0AB0"
  std::optional<FirmwareVersion> firmware;
  // SZL 0x001C (component identification).
  std::string_view system_name;  ///< record 1, automation system name
  std::string_view module_name;  ///< record 2
  std::string_view plant_id;     ///< record 3
  std::string_view copyright;    ///< record 4, "Original Siemens Equipment"
  std::string_view serial;       ///< record 5
  std::string_view type_name;    ///< record 7, "CPU 315-2 PN/DP"
};
/// Reads SZL 0x0011/0x0111 and 0x001C/0x011C lists; other ids give an empty identity.
[[nodiscard]] ModuleIdentity parse_identity(const Szl& szl);

/// Name of a job function ("read-var", "plc-stop"), or empty for an unknown code.
[[nodiscard]] std::string_view job_function_name(std::uint8_t function);
/// Name of a userdata request ("read-szl", "plc-password"), or empty.
[[nodiscard]] std::string_view userdata_function_name(std::uint8_t function_group,
                                                      std::uint8_t subfunction);

/// The PI service name of a PLC control (0x28) or PLC stop (0x29) job parameter ("_INSE",
/// "P_PROGRAM"). "s7comm.bad_pi_service" when it does not fit.
[[nodiscard]] Result<std::string_view> parse_pi_service(Bytes parameter);

}  // namespace warden::proto::s7comm
