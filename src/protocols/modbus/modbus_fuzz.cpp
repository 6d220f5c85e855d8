// SPDX-License-Identifier: Apache-2.0
// Fuzz target for the Modbus/TCP parsers and stream analyzer. The first input byte picks a mode:
//   even: the rest is a TCP flow in fuzz/stream_fuzz.hpp chunk format, fed to a ModbusAnalyzer;
//   odd: the rest is one ADU, also read as a Read Device Identification response body.
#include <cstddef>
#include <cstdint>

#include "core/byte_reader.hpp"
#include "protocols/modbus/modbus_analyzer.hpp"
#include "protocols/modbus/modbus_parser.hpp"
#include "stream_fuzz.hpp"

namespace modbus = warden::proto::modbus;

// NOLINTNEXTLINE(readability-identifier-naming): the entry point name is fixed by libFuzzer.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  warden::ByteReader reader(warden::Bytes(data, size));
  const auto mode = reader.read_u8();
  if (!mode) {
    return 0;
  }
  const warden::Bytes body = reader.rest();
  if ((*mode & 1U) == 0) {
    modbus::ModbusAnalyzer analyzer;
    warden::fuzz::run_stream(body, analyzer);
    return 0;
  }
  if (const auto adu = modbus::parse_adu(body)) {
    (void)modbus::parse_device_identification(adu->data);
  }
  (void)modbus::parse_device_identification(body);
  return 0;
}
