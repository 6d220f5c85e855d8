// SPDX-License-Identifier: Apache-2.0
// Cost of what the analyzer does per ClientHello: parse it, then compute JA3 and JA4.
#include <benchmark/benchmark.h>

#include <vector>

#include "protocols/tls/tls_fingerprint.hpp"
#include "protocols/tls/tls_parser.hpp"
#include "protocols/tls/tls_test_vectors.hpp"

namespace warden::proto::tls {
namespace {

/// Chrome's TLS 1.3 ClientHello body (ndpi/chrome.pcap frame 4), GREASE included.
std::vector<std::uint8_t> chrome_hello_body() {
  const std::vector<std::uint8_t> record = testdata::from_hex(testdata::kChromeClientHello);
  const Bytes fragment = Bytes(record).subspan(kRecordHeaderLength);
  const auto header = parse_handshake_header(fragment);
  const Bytes body = fragment.subspan(kHandshakeHeaderLength, header ? header->length : 0);
  return {body.begin(), body.end()};
}

void BM_ParseClientHello(benchmark::State& state) {
  const std::vector<std::uint8_t> body = chrome_hello_body();
  for (auto _ : state) {
    benchmark::DoNotOptimize(parse_client_hello(body));
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(body.size()));
}
BENCHMARK(BM_ParseClientHello);

void BM_ParseClientHelloJa3Ja4(benchmark::State& state) {
  const std::vector<std::uint8_t> body = chrome_hello_body();
  for (auto _ : state) {
    const auto hello = parse_client_hello(body);
    benchmark::DoNotOptimize(ja3(*hello));
    benchmark::DoNotOptimize(ja4(*hello));
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(body.size()));
}
BENCHMARK(BM_ParseClientHelloJa3Ja4);

}  // namespace
}  // namespace warden::proto::tls
