// SPDX-License-Identifier: Apache-2.0
// Fuzz target: the LDAP readers on the raw input, then the bind analyzer on the input split into
// flow chunks (fuzz/stream_fuzz.hpp).
#include <cstddef>
#include <cstdint>

#include "protocols/ldap/ldap_analyzer.hpp"
#include "protocols/ldap/ldap_parser.hpp"
#include "stream_fuzz.hpp"

// NOLINTNEXTLINE(readability-identifier-naming): the entry point name is fixed by libFuzzer.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace warden::proto::ldap;  // NOLINT(google-build-using-namespace): fuzz entry point
  const warden::Bytes input(data, size);
  (void)read_message_head(input);
  (void)parse_bind_request(input);
  (void)parse_result(input);
  (void)parse_extended_name(input);
  (void)parse_sasl_plain(input);
  (void)find_ntlm_user(input);
  (void)probe_ldap(input);
  const auto analyzer = make_ldap_analyzer();
  warden::fuzz::run_stream(input, *analyzer);
  return 0;
}
