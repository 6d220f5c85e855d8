// SPDX-License-Identifier: Apache-2.0
#include "protocols/tls/tls_analyzer.hpp"

#include <array>
#include <string>
#include <string_view>

#include "core/text.hpp"
#include "protocols/tls/tls_fingerprint.hpp"
#include "protocols/tls/tls_parser.hpp"
#include "protocols/tls/tls_x509.hpp"

namespace warden::proto::tls {
namespace {

constexpr std::string_view kProtocol = "tls";

void observe(ObservationSink& sink, Attr attr, std::string_view value) {
  if (!value.empty()) {
    sink.observe({Subject::sender(), attr, value, kProtocol});
  }
}

void report_client_hello(const ClientHello& hello, ObservationSink& sink) {
  observe(sink, Attr::Protocol, kProtocol);
  observe(sink, Attr::TlsSni, hello.server_name);
  const ClientPrints prints = client_prints(hello);
  observe(sink, Attr::TlsJa3, prints.ja3_md5);
  observe(sink, Attr::TlsJa4, prints.ja4);
  ValueText alpn;
  for_each_alpn(hello.alpn, [&](std::string_view name) {
    if (!alpn.view().empty()) {
      alpn += ',';
    }
    alpn += name;
  });
  observe(sink, Attr::TlsAlpn, alpn);
  observe(sink, Attr::TlsVersion, version_name(highest_offered_version(hello)));
}

/// Names of the cipher suites the risk module calls weak (RC4, DES, 3DES, NULL, EXPORT,
/// anonymous key exchange), from the IANA TLS Cipher Suites registry; others are shown in hex.
std::string_view weak_cipher_name(std::uint16_t suite) {
  switch (suite) {
    case 0x0000:
      return "TLS_NULL_WITH_NULL_NULL";
    case 0x0001:
      return "TLS_RSA_WITH_NULL_MD5";
    case 0x0002:
      return "TLS_RSA_WITH_NULL_SHA";
    case 0x0003:
      return "TLS_RSA_EXPORT_WITH_RC4_40_MD5";
    case 0x0004:
      return "TLS_RSA_WITH_RC4_128_MD5";
    case 0x0005:
      return "TLS_RSA_WITH_RC4_128_SHA";
    case 0x0006:
      return "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5";
    case 0x0008:
      return "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA";
    case 0x0009:
      return "TLS_RSA_WITH_DES_CBC_SHA";
    case 0x000A:
      return "TLS_RSA_WITH_3DES_EDE_CBC_SHA";
    case 0x0012:
      return "TLS_DHE_DSS_WITH_DES_CBC_SHA";
    case 0x0013:
      return "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA";
    case 0x0015:
      return "TLS_DHE_RSA_WITH_DES_CBC_SHA";
    case 0x0016:
      return "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA";
    case 0x0018:
      return "TLS_DH_anon_WITH_RC4_128_MD5";
    case 0x001B:
      return "TLS_DH_anon_WITH_3DES_EDE_CBC_SHA";
    case 0x0034:
      return "TLS_DH_anon_WITH_AES_128_CBC_SHA";
    case 0x003A:
      return "TLS_DH_anon_WITH_AES_256_CBC_SHA";
    case 0x003B:
      return "TLS_RSA_WITH_NULL_SHA256";
    case 0xC002:
      return "TLS_ECDH_ECDSA_WITH_RC4_128_SHA";
    case 0xC007:
      return "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA";
    case 0xC008:
      return "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA";
    case 0xC011:
      return "TLS_ECDHE_RSA_WITH_RC4_128_SHA";
    case 0xC012:
      return "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA";
    case 0xC016:
      return "TLS_ECDH_anon_WITH_RC4_128_SHA";
    case 0xC018:
      return "TLS_ECDH_anon_WITH_AES_128_CBC_SHA";
    default:
      return {};
  }
}

void report_server_hello(const ServerHello& hello, ObservationSink& sink) {
  observe(sink, Attr::Protocol, kProtocol);
  observe(sink, Attr::TlsJa3s, server_print(hello));
  observe(sink, Attr::TlsVersion, version_name(hello.version()));
  static constexpr std::string_view kHex = "0123456789abcdef";
  std::array<char, 64> cipher{};
  std::size_t length = 0;
  for (const char c : std::string_view("0x")) {
    cipher[length++] = c;
  }
  for (int shift = 12; shift >= 0; shift -= 4) {
    cipher[length++] = kHex[(hello.cipher_suite >> shift) & 0xFU];
  }
  if (const std::string_view name = weak_cipher_name(hello.cipher_suite); !name.empty()) {
    cipher[length++] = ' ';
    for (const char c : name.substr(0, cipher.size() - length)) {
      cipher[length++] = c;
    }
  }
  observe(sink, Attr::TlsCipher, std::string_view(cipher.data(), length));
}

}  // namespace

Result<std::size_t> TlsAnalyzer::on_data(Direction dir, Bytes bytes, ObservationSink& sink) {
  Side& state = side(dir);
  std::size_t offset = 0;
  for (std::size_t record_idx = 0; record_idx < kMaxRecordsPerCall && offset < bytes.size();
       ++record_idx) {
    const Bytes rest = bytes.subspan(offset);
    const auto header = parse_record_header(rest);
    if (!header) {
      if (header.error().code == ParseErrorCode::Incomplete) {
        break;
      }
      if (state.done) {
        return bytes.size();  // lost sync after the handshake: nothing left to learn
      }
      state.done = true;
      return tl::unexpected(header.error());
    }
    const std::size_t record_size = kRecordHeaderLength + header->length;
    if (state.done || header->type != ContentType::Handshake) {
      if (header->type == ContentType::ChangeCipherSpec ||
          header->type == ContentType::ApplicationData) {
        state.done = true;  // everything after this is encrypted
      }
      offset += record_size;  // may pass the end of `bytes`: the flow skips the rest unseen
      continue;
    }
    if (rest.size() < record_size) {
      break;
    }
    const auto handled =
        on_handshake_fragment(dir, rest.subspan(kRecordHeaderLength, header->length), sink);
    if (!handled) {
      state.done = true;
      state.pending = {};
      return tl::unexpected(handled.error());
    }
    offset += record_size;
  }
  if (offset == 0) {
    return fail(ParseErrorCode::Incomplete, 0, "tls.record_incomplete");
  }
  return offset;
}

bool TlsAnalyzer::is_done() const {
  return sides_[0].done && sides_[1].done;
}

Result<bool> TlsAnalyzer::on_handshake_fragment(Direction dir, Bytes fragment,
                                                ObservationSink& sink) {
  Side& state = side(dir);
  if (state.pending.empty()) {
    // Common case: the record holds whole messages, parsed in place without copying.
    WARDEN_ASSIGN_OR_RETURN(const std::size_t used, handle_messages(dir, fragment, sink));
    const Bytes leftover = fragment.subspan(used);
    state.pending.assign(leftover.begin(), leftover.end());
  } else {
    state.pending.insert(state.pending.end(), fragment.begin(), fragment.end());
    WARDEN_ASSIGN_OR_RETURN(const std::size_t used, handle_messages(dir, state.pending, sink));
    state.pending.erase(state.pending.begin(),
                        state.pending.begin() + static_cast<std::ptrdiff_t>(used));
  }
  if (state.done) {
    state.pending = {};  // release the buffer; nothing more is read in this direction
  }
  return true;
}

Result<std::size_t> TlsAnalyzer::handle_messages(Direction dir, Bytes data, ObservationSink& sink) {
  std::size_t used = 0;
  for (std::size_t message_idx = 0; message_idx < kMaxMessagesPerFragment && !side(dir).done;
       ++message_idx) {
    const Bytes rest = data.subspan(used);
    const auto header = parse_handshake_header(rest);
    if (!header) {
      break;  // the header itself continues in the next record
    }
    if (header->length > kMaxHandshakeBytes) {
      return fail(ParseErrorCode::LimitExceeded, static_cast<std::uint32_t>(used),
                  "tls.handshake_too_long");
    }
    const std::size_t message_size = kHandshakeHeaderLength + header->length;
    if (rest.size() < message_size) {
      break;  // the body continues in the next record
    }
    WARDEN_RETURN_IF_ERROR(handle_message(
        dir, header->type, rest.subspan(kHandshakeHeaderLength, header->length), sink));
    used += message_size;
  }
  return used;
}

Result<bool> TlsAnalyzer::handle_message(Direction dir, std::uint8_t type, Bytes body,
                                         ObservationSink& sink) {
  Side& state = side(dir);
  if (dir == Direction::ToServer) {
    state.done = true;  // only the client's first message, the ClientHello, matters
    if (type != static_cast<std::uint8_t>(HandshakeType::ClientHello)) {
      return true;
    }
    WARDEN_ASSIGN_OR_RETURN(const ClientHello hello, parse_client_hello(body));
    report_client_hello(hello, sink);
    return true;
  }
  if (!state.seen_hello) {
    state.seen_hello = true;
    if (type != static_cast<std::uint8_t>(HandshakeType::ServerHello)) {
      state.done = true;
      return true;
    }
    WARDEN_ASSIGN_OR_RETURN(const ServerHello hello, parse_server_hello(body));
    report_server_hello(hello, sink);
    state.done = hello.version() >= kTls13;  // TLS 1.3 encrypts the certificate
    return true;
  }
  // After a TLS <= 1.2 ServerHello the Certificate comes next, if at all (RFC 5246 §7.3).
  state.done = true;
  if (type != static_cast<std::uint8_t>(HandshakeType::Certificate)) {
    return true;
  }
  WARDEN_ASSIGN_OR_RETURN(const Bytes der, parse_first_certificate(body));
  if (der.empty()) {
    return true;
  }
  WARDEN_ASSIGN_OR_RETURN(const CertificateNames names, parse_certificate_names(der));
  observe(sink, Attr::TlsCertSubject, names.subject);
  observe(sink, Attr::TlsCertIssuer, names.issuer);
  return true;
}

std::unique_ptr<StreamAnalyzer> make_tls_analyzer() {
  return std::make_unique<TlsAnalyzer>();
}

}  // namespace warden::proto::tls
