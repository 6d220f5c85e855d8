// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "protocols/analyzer.hpp"
#include "protocols/http/http_parser.hpp"

namespace warden::proto::http {

/// Most messages (heads and bodies) handled per on_data call; the rest wait for the next call.
inline constexpr std::size_t kMaxStepsPerCall = 64;
/// Most requests awaiting their response (pipelining); further ones are not remembered.
inline constexpr std::size_t kMaxPendingRequests = 16;

/// Follows the HTTP/1.x messages of one TCP flow (RFC 9112), per direction alternating head and
/// body.
///
/// Request heads (to server) give HttpUserAgent, HttpHost, HttpAuthScheme (the scheme only) and
/// Protocol "http" about the sender, the client; a Basic Authorization also gives
/// CleartextCredential "http user=<name>" (and DefaultCredential "... list=mirai|vendor" when the
/// password is a default) about the receiver, the server. Response heads (to client) give
/// HttpServer, AuthChallenge (the WWW-Authenticate scheme), Protocol "http" and, after a Basic
/// login, LoginAttempt "http user=<name> result=success|failure" about the sender, the server.
/// Bodies are skipped, or buffered in one case: a 2xx response whose Content-Type names XML, or
/// whose body starts with "<?xml" or "<root", is read (up to upnp::kMaxDescriptionBytes) as a UPnP
/// device description, which gives UpnpDeviceType, UpnpFriendlyName, UpnpManufacturer,
/// UpnpModelName, UpnpModelNumber, UpnpSerialNumber and UpnpUdn about the sender: the device that
/// served it. Pipelined messages are all handled. A direction that is not HTTP fails with the
/// parser's Malformed / Unsupported error, also reported as an anomaly; after a protocol switch
/// (101, CONNECT) or a body delimited by the close, is_done().
class HttpAnalyzer final : public StreamAnalyzer {
 public:
  // StreamAnalyzer
  Result<std::size_t> on_data(Direction dir, Bytes bytes, ObservationSink& sink) override;
  [[nodiscard]] bool is_done() const override { return done_; }

 private:
  /// What a direction expects next.
  enum class Phase : std::uint8_t {
    Head,         ///< a message head
    BodyStart,    ///< the first bytes of a response body, to tell a description
    Length,       ///< `remaining` bytes of body
    Chunked,      ///< a chunked body, walked by `chunked`
    Description,  ///< a UPnP description body, buffered
  };
  /// How the current body ends (RFC 9112 §6.3).
  enum class Framing : std::uint8_t { Length, Chunked, Close };
  /// Request methods whose response framing differs (RFC 9112 §6.3 items 1-2).
  enum class RequestKind : std::uint8_t { Other, Head, Connect };

  struct Side {
    Phase phase = Phase::Head;
    Framing framing = Framing::Length;
    std::size_t remaining = 0;  ///< Length framing: body bytes still to pass
    ChunkedSkipper chunked;
  };

  Result<std::size_t> step(Direction dir, Bytes bytes, ObservationSink& sink);
  Result<std::size_t> on_head(Direction dir, Bytes bytes, ObservationSink& sink);
  Result<std::size_t> on_body_start(Direction dir, Bytes bytes);
  Result<std::size_t> on_description(Direction dir, Bytes bytes, ObservationSink& sink);
  /// Starts the body of the message whose head was just read.
  void begin_body(Side& side, Framing framing, std::size_t length);
  /// Remembers a request until its response; false when kMaxPendingRequests are waiting.
  bool push_request(RequestKind kind);
  RequestKind pop_request();
  Side& side(Direction dir) { return sides_.at(static_cast<std::size_t>(dir)); }

  std::array<Side, 2> sides_;
  std::array<RequestKind, kMaxPendingRequests> pending_{};  ///< ring buffer of request kinds
  std::size_t pending_first_ = 0;
  std::size_t pending_count_ = 0;
  bool done_ = false;
  /// The user of the last Basic login, until its response decides the result.
  std::string login_user_;
  bool login_pending_ = false;
};

/// Creates an analyzer for one flow.
[[nodiscard]] std::unique_ptr<StreamAnalyzer> make_http_analyzer();

}  // namespace warden::proto::http
