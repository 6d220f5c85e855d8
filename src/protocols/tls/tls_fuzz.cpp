// SPDX-License-Identifier: Apache-2.0
// Fuzz target for the TLS parsers and the stream analyzer. The first input byte picks a mode:
//   0: the rest is a stream of chunks [direction(1)][length(2, big-endian)][bytes], delivered to a
//      TlsAnalyzer the way a flow would (unconsumed bytes stay buffered, skips are honoured), each
//      call seeing an exact-size heap copy so AddressSanitizer catches over-reads;
//   1: a ClientHello body, fingerprinted with JA3 and JA4;  2: a ServerHello body (JA3S);
//   3: a Certificate message body;  4: a DER certificate.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "core/byte_reader.hpp"
#include "protocols/tls/tls_analyzer.hpp"
#include "protocols/tls/tls_fingerprint.hpp"
#include "protocols/tls/tls_parser.hpp"
#include "protocols/tls/tls_x509.hpp"

namespace {

using warden::Bytes;
using warden::proto::Direction;
namespace tls = warden::proto::tls;

/// A flow buffer never grows beyond this in the fuzzer (the real flow layer has its own cap).
constexpr std::size_t kMaxBuffered = 256 * 1024;
constexpr std::size_t kMaxChunks = 4096;

class NullSink final : public warden::proto::ObservationSink {
 public:
  void observe(const warden::proto::Observation& /*observation*/) override {}
  void anomaly(std::string_view /*name*/) override {}
};

struct DirectionState {
  std::vector<std::uint8_t> buffer;
  std::size_t skip = 0;
  bool stopped = false;
};

void deliver(tls::TlsAnalyzer& analyzer, Direction dir, DirectionState& state, Bytes chunk,
             NullSink& sink) {
  if (state.stopped) {
    return;
  }
  const std::size_t skipped = std::min(state.skip, chunk.size());
  state.skip -= skipped;
  const Bytes kept = chunk.subspan(skipped);
  state.buffer.insert(state.buffer.end(), kept.begin(), kept.end());
  if (state.buffer.empty()) {
    return;
  }
  const auto exact = std::make_unique<std::uint8_t[]>(state.buffer.size());
  std::copy(state.buffer.begin(), state.buffer.end(), exact.get());
  const auto consumed = analyzer.on_data(dir, Bytes(exact.get(), state.buffer.size()), sink);
  if (!consumed) {
    state.stopped = consumed.error().code != warden::ParseErrorCode::Incomplete ||
                    state.buffer.size() > kMaxBuffered;
    return;
  }
  if (*consumed >= state.buffer.size()) {
    state.skip = *consumed - state.buffer.size();
    state.buffer.clear();
  } else {
    state.buffer.erase(state.buffer.begin(),
                       state.buffer.begin() + static_cast<std::ptrdiff_t>(*consumed));
  }
}

void fuzz_stream(Bytes input) {
  tls::TlsAnalyzer analyzer;
  NullSink sink;
  std::array<DirectionState, 2> states;
  warden::ByteReader reader(input);
  for (std::size_t chunk_idx = 0; chunk_idx < kMaxChunks && !reader.empty(); ++chunk_idx) {
    const std::uint8_t dir_byte = reader.read_u8().value_or(0);
    const std::size_t length = reader.read_u16_be().value_or(0);
    const Bytes chunk = reader.read_bytes(std::min(length, reader.remaining())).value_or(Bytes{});
    const Direction dir = (dir_byte & 1U) != 0 ? Direction::ToClient : Direction::ToServer;
    deliver(analyzer, dir, states.at(dir_byte & 1U), chunk, sink);
    (void)analyzer.is_done();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  const Bytes input(data, size);
  const Bytes body = input.subspan(1);
  switch (input[0] % 5) {
    case 0:
      fuzz_stream(body);
      break;
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
