// SPDX-License-Identifier: Apache-2.0
// Fuzz target for the S7comm parsers and stream analyzer. The first input byte picks a mode:
//   even: the rest is a TCP flow in fuzz/stream_fuzz.hpp chunk format, fed to an S7commAnalyzer;
//   odd: the rest is one S7 PDU (from protocol id 0x32), run through every parser.
#include <cstddef>
#include <cstdint>

#include "core/byte_reader.hpp"
#include "protocols/s7comm/s7comm_analyzer.hpp"
#include "protocols/s7comm/s7comm_parser.hpp"
#include "stream_fuzz.hpp"

namespace s7 = warden::proto::s7comm;

// NOLINTNEXTLINE(readability-identifier-naming): the entry point name is fixed by libFuzzer.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  warden::ByteReader reader(warden::Bytes(data, size));
  const auto mode = reader.read_u8();
  if (!mode) {
    return 0;
  }
  const warden::Bytes body = reader.rest();
  if ((*mode & 1U) == 0) {
    s7::S7commAnalyzer analyzer;
    warden::fuzz::run_stream(body, analyzer);
    return 0;
  }
  (void)s7::parse_cotp(body);
  const auto pdu = s7::parse_s7_pdu(body);
  if (!pdu) {
    return 0;
  }
  (void)s7::parse_pi_service(pdu->parameter);
  if (s7::parse_userdata_parameter(pdu->parameter)) {
    if (const auto value = s7::parse_userdata_data(pdu->data)) {
      if (const auto szl = s7::parse_szl(value->value)) {
        (void)s7::parse_identity(*szl);
      }
    }
  }
  return 0;
}
