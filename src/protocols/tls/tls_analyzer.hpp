// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "protocols/analyzer.hpp"

namespace warden::proto::tls {

/// Most records examined per on_data call; the rest wait for the next call.
inline constexpr std::size_t kMaxRecordsPerCall = 256;
/// Most handshake messages taken from one record or reassembly buffer per call.
inline constexpr std::size_t kMaxMessagesPerFragment = 64;

/// Watches the cleartext TLS handshake of one TCP flow (RFC 8446, RFC 5246).
///
/// Client to server: the ClientHello gives TlsSni, TlsJa3 (MD5), TlsJa4, TlsAlpn, TlsVersion (the
/// highest offered) and Protocol "tls", all about the sender (the client). Server to client: the
/// ServerHello gives TlsJa3s, TlsVersion (the chosen one) and Protocol "tls"; a TLS <= 1.2
/// Certificate gives TlsCertSubject and TlsCertIssuer, all about the sender (the server).
///
/// Whole records are read from the flow buffer (up to kMaxRecordLength + 5 bytes); a handshake
/// message spanning records is copied into a per-direction buffer of at most kMaxHandshakeBytes,
/// beyond which the direction is given up. Records that are not needed are skipped unseen. A
/// direction is finished after its hello (client), after the certificate or anything that shows
/// there will be none (server), or at ChangeCipherSpec / application data; is_done() once both are.
/// Parse failures are returned (the caller counts them as anomalies), which stops that direction.
class TlsAnalyzer final : public StreamAnalyzer {
 public:
  // StreamAnalyzer
  Result<std::size_t> on_data(Direction dir, Bytes bytes, ObservationSink& sink) override;
  [[nodiscard]] bool is_done() const override;

 private:
  struct Side {
    std::vector<std::uint8_t> pending;  ///< a partial handshake message, copied across records
    bool seen_hello = false;
    bool done = false;
  };

  Result<bool> on_handshake_fragment(Direction dir, Bytes fragment, ObservationSink& sink);
  Result<std::size_t> handle_messages(Direction dir, Bytes data, ObservationSink& sink);
  Result<bool> handle_message(Direction dir, std::uint8_t type, Bytes body, ObservationSink& sink);
  Side& side(Direction dir) { return sides_.at(static_cast<std::size_t>(dir)); }

  std::array<Side, 2> sides_;
};

/// Creates an analyzer for one flow.
[[nodiscard]] std::unique_ptr<StreamAnalyzer> make_tls_analyzer();

}  // namespace warden::proto::tls
