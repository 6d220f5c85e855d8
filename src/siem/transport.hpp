// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <utility>
#include <vector>

struct ssl_ctx_st;
struct ssl_st;

namespace warden::siem {

/// strerror_r(), thread-safe.
std::string errno_text(int err);

/// A delivery failure. Messages name the peer and the cause, never a secret.
struct NetError {
  std::string message;
  bool permanent = false;  ///< retrying cannot help (HTTP 4xx other than 408/429)
};

/// Client TLS settings: the peer is verified against `ca_file` (or the system store when empty)
/// and its certificate must name the host (DNS name or IP address).
class TlsContext {
 public:
  static tl::expected<TlsContext, NetError> create(const std::string& ca_file);
  ~TlsContext();
  TlsContext(TlsContext&& other) noexcept : ctx_(std::exchange(other.ctx_, nullptr)) {}
  TlsContext& operator=(TlsContext&& other) noexcept;
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;
  [[nodiscard]] ssl_ctx_st* get() const { return ctx_; }

 private:
  explicit TlsContext(ssl_ctx_st* ctx) : ctx_(ctx) {}
  ssl_ctx_st* ctx_ = nullptr;
};

/// A connected TCP stream, optionally wrapped in TLS. Every call honours `timeout_ms`.
class Stream {
 public:
  /// Connects to host:port (name or address); with `tls`, handshakes and verifies the peer.
  static tl::expected<Stream, NetError> connect(const std::string& host, std::uint16_t port,
                                                const TlsContext* tls, int timeout_ms);
  ~Stream();
  Stream(Stream&& other) noexcept
      : fd_(std::exchange(other.fd_, -1)), ssl_(std::exchange(other.ssl_, nullptr)) {}
  Stream& operator=(Stream&& other) noexcept;
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  tl::expected<void, NetError> write_all(std::string_view bytes);
  /// Reads what is available (blocking up to the timeout); an empty string means EOF.
  tl::expected<std::string, NetError> read_some();
  /// True when the peer has closed the connection or it has failed (checked without blocking).
  [[nodiscard]] bool is_broken() const;

 private:
  Stream(int fd, ssl_st* ssl) : fd_(fd), ssl_(ssl) {}
  int fd_ = -1;
  ssl_st* ssl_ = nullptr;
};

/// A connected UDP socket.
class Datagram {
 public:
  static tl::expected<Datagram, NetError> connect(const std::string& host, std::uint16_t port);
  ~Datagram();
  Datagram(Datagram&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Datagram& operator=(Datagram&& other) noexcept;
  Datagram(const Datagram&) = delete;
  Datagram& operator=(const Datagram&) = delete;
  tl::expected<void, NetError> send(std::string_view bytes);

 private:
  explicit Datagram(int fd) : fd_(fd) {}
  int fd_ = -1;
};

/// https://host[:port]/path, split. Only https is accepted; user info in the URL is refused
/// (credentials belong in the environment).
struct Url {
  std::string host;
  std::uint16_t port = 443;
  std::string path = "/";
};
tl::expected<Url, std::string> parse_https_url(std::string_view url);

/// POSTs `body` with HTTP/1.1 (Connection: close) and returns the response status code.
/// `headers` are sent as given; their values never appear in errors.
tl::expected<int, NetError> https_post(
    const Url& url, const TlsContext& tls,
    const std::vector<std::pair<std::string, std::string>>& headers, std::string_view body,
    int timeout_ms);

}  // namespace warden::siem
