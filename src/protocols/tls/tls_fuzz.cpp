// SPDX-License-Identifier: Apache-2.0
// Fuzz target for the TLS parsers and the stream analyzer. The first input byte picks a mode:
//   0: the rest is a TCP flow in fuzz/stream_fuzz.hpp chunk format, fed to a TlsAnalyzer;
//   1: a ClientHello body, fingerprinted with JA3 and JA4;  2: a ServerHello body (JA3S);
//   3: a Certificate message body;  other: a DER certificate.
#include <cstddef>
#include <cstdint>

#include "core/byte_reader.hpp"
#include "protocols/tls/tls_analyzer.hpp"
#include "protocols/tls/tls_fingerprint.hpp"
#include "protocols/tls/tls_parser.hpp"
#include "protocols/tls/tls_x509.hpp"
#include "stream_fuzz.hpp"

namespace tls = warden::proto::tls;

// NOLINTNEXTLINE(readability-identifier-naming): the entry point name is fixed by libFuzzer.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  warden::ByteReader reader(warden::Bytes(data, size));
  const auto mode = reader.read_u8();
  if (!mode) {
    return 0;
  }
  const warden::Bytes body = reader.rest();
  switch (*mode % 5) {
    case 0: {
      tls::TlsAnalyzer analyzer;
      warden::fuzz::run_stream(body, analyzer);
      break;
    }
    case 1:
      if (const auto hello = tls::parse_client_hello(body)) {
        (void)tls::ja3(*hello);
        (void)tls::ja4(*hello);
      }
      break;
    case 2:
      if (const auto hello = tls::parse_server_hello(body)) {
        (void)tls::ja3s(*hello);
      }
      break;
    case 3:
      if (const auto der = tls::parse_first_certificate(body)) {
        (void)tls::parse_certificate_names(*der);
      }
      break;
    default:
      (void)tls::parse_certificate_names(body);
      break;
  }
  return 0;
}
