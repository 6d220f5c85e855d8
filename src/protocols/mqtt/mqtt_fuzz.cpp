// SPDX-License-Identifier: Apache-2.0
// Fuzz target: the MQTT packet parsers on the raw input, then the stream analyzer on the input
// split into flow chunks (fuzz/stream_fuzz.hpp).
#include <cstddef>
#include <cstdint>

#include "protocols/mqtt/mqtt_analyzer.hpp"
#include "protocols/mqtt/mqtt_parser.hpp"
#include "stream_fuzz.hpp"

// NOLINTNEXTLINE(readability-identifier-naming): the entry point name is fixed by libFuzzer.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace warden::proto::mqtt;  // NOLINT(google-build-using-namespace): fuzz entry point
  const warden::Bytes input(data, size);
  const auto header = parse_fixed_header(input);
  if (header) {
    (void)parse_publish_topic(*header, input.subspan(header->header_length));
  }
  (void)parse_connect(input);
  (void)parse_connack(input);
  (void)parse_subscribe(input, Version::V311);
  (void)parse_subscribe(input, Version::V5);
  (void)probe_mqtt(input);
  const auto analyzer = make_mqtt_analyzer();
  warden::fuzz::run_stream(input, *analyzer);
  return 0;
}
