// SPDX-License-Identifier: Apache-2.0
#include "siem/transport.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>

namespace warden::siem {
namespace {

constexpr std::size_t kMaxResponseHead = std::size_t{64} * 1024;
constexpr std::size_t kReadChunk = 4096;

}  // namespace

std::string errno_text(int err) {
  std::array<char, 256> buffer{};
  // GNU strerror_r returns the message pointer (maybe not `buffer`).
  return strerror_r(err, buffer.data(), buffer.size());
}

namespace {

std::string openssl_errors() {
  std::string out;
  unsigned long code = 0;
  while ((code = ERR_get_error()) != 0) {
    std::array<char, 256> buffer{};
    ERR_error_string_n(code, buffer.data(), buffer.size());
    if (!out.empty()) {
      out += "; ";
    }
    out += buffer.data();
  }
  return out.empty() ? std::string("unknown TLS error") : out;
}

bool is_ip_literal(const std::string& host) {
  in6_addr v6{};
  in_addr v4{};
  return inet_pton(AF_INET, host.c_str(), &v4) == 1 || inet_pton(AF_INET6, host.c_str(), &v6) == 1;
}

struct AddrInfoDeleter {
  void operator()(addrinfo* info) const { freeaddrinfo(info); }
};
using AddrInfoPtr = std::unique_ptr<addrinfo, AddrInfoDeleter>;

tl::expected<AddrInfoPtr, NetError> resolve(const std::string& host, std::uint16_t port,
                                            int socktype) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = socktype;
  addrinfo* result = nullptr;
  const std::string service = std::to_string(port);
  const int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &result);
  if (rc != 0) {
    return tl::unexpected(NetError{fmt::format("{}:{}: {}", host, port, gai_strerror(rc))});
  }
  return AddrInfoPtr(result);
}

void set_timeouts(int fd, int timeout_ms) {
  timeval tv{};
  tv.tv_sec = timeout_ms / 1000;
  tv.tv_usec = static_cast<suseconds_t>(timeout_ms % 1000) * 1000;
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

// Non-blocking connect bounded by `timeout_ms`, then back to blocking with socket timeouts.
tl::expected<int, NetError> connect_tcp(const std::string& host, std::uint16_t port,
                                        int timeout_ms) {
  auto addrs = resolve(host, port, SOCK_STREAM);
  if (!addrs) {
    return tl::unexpected(addrs.error());
  }
  std::string last_error = "no address";
  for (const addrinfo* ai = addrs->get(); ai != nullptr; ai = ai->ai_next) {
    const int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      last_error = errno_text(errno);
      continue;
    }
    const int flags = fcntl(fd, F_GETFL, 0);
    fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    int rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      pollfd pfd{fd, POLLOUT, 0};
      rc = poll(&pfd, 1, timeout_ms);
      if (rc == 1) {
        int err = 0;
        socklen_t len = sizeof(err);
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        rc = err == 0 ? 0 : -1;
        errno = err;
      } else {
        errno = rc == 0 ? ETIMEDOUT : errno;
        rc = -1;
      }
    }
    if (rc == 0) {
      fcntl(fd, F_SETFL, flags);
      set_timeouts(fd, timeout_ms);
      return fd;
    }
    last_error = errno_text(errno);
    close(fd);
  }
  return tl::unexpected(NetError{fmt::format("{}:{}: connect: {}", host, port, last_error)});
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// TlsContext

tl::expected<TlsContext, NetError> TlsContext::create(const std::string& ca_file) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (ctx == nullptr) {
    return tl::unexpected(NetError{"TLS: " + openssl_errors(), true});
  }
  TlsContext result(ctx);
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  const int ok = ca_file.empty() ? SSL_CTX_set_default_verify_paths(ctx)
                                 : SSL_CTX_load_verify_locations(ctx, ca_file.c_str(), nullptr);
  if (ok != 1) {
    return tl::unexpected(NetError{
        fmt::format("TLS: cannot load CA file '{}': {}", ca_file, openssl_errors()), true});
  }
  return result;
}

TlsContext::~TlsContext() {
  if (ctx_ != nullptr) {
    SSL_CTX_free(ctx_);
  }
}

TlsContext& TlsContext::operator=(TlsContext&& other) noexcept {
  if (this != &other) {
    if (ctx_ != nullptr) {
      SSL_CTX_free(ctx_);
    }
    ctx_ = std::exchange(other.ctx_, nullptr);
  }
  return *this;
}

// ---------------------------------------------------------------------------------------------
// Stream

tl::expected<Stream, NetError> Stream::connect(const std::string& host, std::uint16_t port,
                                               const TlsContext* tls, int timeout_ms) {
  auto fd = connect_tcp(host, port, timeout_ms);
  if (!fd) {
    return tl::unexpected(fd.error());
  }
  if (tls == nullptr) {
    return Stream(*fd, nullptr);
  }
  ERR_clear_error();
  SSL* ssl = SSL_new(tls->get());
  Stream stream(*fd, ssl);
  if (ssl == nullptr) {
    return tl::unexpected(NetError{fmt::format("{}:{}: TLS: {}", host, port, openssl_errors())});
  }
  SSL_set_fd(ssl, *fd);
  // The certificate must name what we connected to: an IP SAN for addresses, else the DNS name.
  if (is_ip_literal(host)) {
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str());
  } else {
    SSL_set1_host(ssl, host.c_str());
    SSL_set_tlsext_host_name(ssl, host.c_str());
  }
  if (SSL_connect(ssl) != 1) {
    const long verify = SSL_get_verify_result(ssl);
    std::string cause = verify != X509_V_OK ? std::string("certificate verification failed: ") +
                                                  X509_verify_cert_error_string(verify)
                                            : openssl_errors();
    return tl::unexpected(NetError{fmt::format("{}:{}: TLS handshake: {}", host, port, cause)});
  }
  return stream;
}

Stream::~Stream() {
  if (ssl_ != nullptr) {
    SSL_shutdown(ssl_);  // close_notify, best effort: the socket timeouts bound it
    SSL_free(ssl_);
  }
  if (fd_ >= 0) {
    close(fd_);
  }
}

Stream& Stream::operator=(Stream&& other) noexcept {
  if (this != &other) {
    if (ssl_ != nullptr) {
      SSL_free(ssl_);
    }
    if (fd_ >= 0) {
      close(fd_);
    }
    fd_ = std::exchange(other.fd_, -1);
    ssl_ = std::exchange(other.ssl_, nullptr);
  }
  return *this;
}

tl::expected<void, NetError> Stream::write_all(std::string_view bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const std::string_view rest = bytes.substr(done);
    if (ssl_ != nullptr) {
      std::size_t written = 0;
      ERR_clear_error();
      if (SSL_write_ex(ssl_, rest.data(), rest.size(), &written) != 1) {
        return tl::unexpected(NetError{"TLS write: " + openssl_errors()});
      }
      done += written;
    } else {
      const ssize_t n = ::send(fd_, rest.data(), rest.size(), MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EINTR) {
          continue;
        }
        return tl::unexpected(NetError{"write: " + errno_text(errno)});
      }
      done += static_cast<std::size_t>(n);
    }
  }
  return {};
}

tl::expected<std::string, NetError> Stream::read_some() {
  std::string buffer(kReadChunk, '\0');
  if (ssl_ != nullptr) {
    std::size_t got = 0;
    ERR_clear_error();
    const int rc = SSL_read_ex(ssl_, buffer.data(), buffer.size(), &got);
    if (rc != 1) {
      const int err = SSL_get_error(ssl_, rc);
      if (err == SSL_ERROR_ZERO_RETURN) {
        return std::string();
      }
      if (err == SSL_ERROR_SYSCALL && ERR_peek_error() == 0 && errno == 0) {
        return std::string();  // EOF without close_notify
      }
      return tl::unexpected(NetError{"TLS read: " + openssl_errors()});
    }
    buffer.resize(got);
    return buffer;
  }
  for (;;) {
    const ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), 0);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return tl::unexpected(NetError{"read: " + errno_text(errno)});
    }
    buffer.resize(static_cast<std::size_t>(n));
    return buffer;
  }
}

bool Stream::is_broken() const {
  pollfd pfd{fd_, POLLIN | POLLRDHUP, 0};
  // A syslog receiver never talks back: anything readable is a close or an error.
  return poll(&pfd, 1, 0) != 0;
}

// ---------------------------------------------------------------------------------------------
// Datagram

tl::expected<Datagram, NetError> Datagram::connect(const std::string& host, std::uint16_t port) {
  auto addrs = resolve(host, port, SOCK_DGRAM);
  if (!addrs) {
    return tl::unexpected(addrs.error());
  }
  std::string last_error = "no address";
  for (const addrinfo* ai = addrs->get(); ai != nullptr; ai = ai->ai_next) {
    const int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      last_error = errno_text(errno);
      continue;
    }
    if (::connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
      return Datagram(fd);
    }
    last_error = errno_text(errno);
    close(fd);
  }
  return tl::unexpected(NetError{fmt::format("{}:{}: {}", host, port, last_error)});
}

Datagram::~Datagram() {
  if (fd_ >= 0) {
    close(fd_);
  }
}

Datagram& Datagram::operator=(Datagram&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) {
      close(fd_);
    }
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

tl::expected<void, NetError> Datagram::send(std::string_view bytes) {
  const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
  if (n < 0) {
    return tl::unexpected(NetError{"send: " + errno_text(errno)});
  }
  return {};
}

// ---------------------------------------------------------------------------------------------
// HTTPS

tl::expected<Url, std::string> parse_https_url(std::string_view url) {
  constexpr std::string_view kScheme = "https://";
  if (url.substr(0, kScheme.size()) != kScheme) {
    return tl::unexpected(std::string("URL must start with https://"));
  }
  std::string_view rest = url.substr(kScheme.size());
  const std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  Url out;
  out.path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (authority.find('@') != std::string_view::npos) {
    return tl::unexpected(std::string("credentials in the URL are refused; use the environment"));
  }
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      return tl::unexpected(std::string("unterminated IPv6 address"));
    }
    out.host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size() && authority[close + 1] == ':') {
      port_text = authority.substr(close + 2);
    }
  } else {
    const std::size_t colon = authority.find(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
    }
  }
  if (out.host.empty()) {
    return tl::unexpected(std::string("URL has no host"));
  }
  if (!port_text.empty()) {
    unsigned value = 0;
    const auto [ptr, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc() || ptr != port_text.data() + port_text.size() || value == 0 ||
        value > 65535) {
      return tl::unexpected(std::string("bad port in URL"));
    }
    out.port = static_cast<std::uint16_t>(value);
  }
  return out;
}

tl::expected<int, NetError> https_post(
    const Url& url, const TlsContext& tls,
    const std::vector<std::pair<std::string, std::string>>& headers, std::string_view body,
    int timeout_ms) {
  auto stream = Stream::connect(url.host, url.port, &tls, timeout_ms);
  if (!stream) {
    return tl::unexpected(stream.error());
  }
  const bool v6 = url.host.find(':') != std::string::npos;
  std::string request = fmt::format(
      "POST {} HTTP/1.1\r\nHost: {}{}{}:{}\r\nUser-Agent: Warden\r\n"
      "Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
      url.path, v6 ? "[" : "", url.host, v6 ? "]" : "", url.port, body.size());
  for (const auto& [name, value] : headers) {
    request += name;
    request += ": ";
    request += value;
    request += "\r\n";
  }
  request += "\r\n";
  request += body;
  if (auto written = stream->write_all(request); !written) {
    return tl::unexpected(
        NetError{fmt::format("{}:{}: {}", url.host, url.port, written.error().message)});
  }
  std::string head;
  while (head.find("\r\n") == std::string::npos && head.size() < kMaxResponseHead) {
    auto chunk = stream->read_some();
    if (!chunk) {
      return tl::unexpected(
          NetError{fmt::format("{}:{}: {}", url.host, url.port, chunk.error().message)});
    }
    if (chunk->empty()) {
      break;
    }
    head += *chunk;
  }
  // "HTTP/1.1 200 OK"
  int status = 0;
  if (head.size() >= 12 && head.compare(0, 5, "HTTP/") == 0) {
    const std::size_t space = head.find(' ');
    for (std::size_t pos = space + 1; space != std::string::npos && pos < space + 4; ++pos) {
      const char c = pos < head.size() ? head[pos] : ' ';
      status = c >= '0' && c <= '9' ? status * 10 + (c - '0') : -1000;
    }
  }
  if (status < 100 || status > 599) {
    return tl::unexpected(
        NetError{fmt::format("{}:{}: no HTTP status in the response", url.host, url.port)});
  }
  return status;
}

}  // namespace warden::siem
