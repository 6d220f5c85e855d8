// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <string_view>

#include "protocols/tls/tls_parser.hpp"

/// TLS client and server fingerprints. GREASE values (RFC 8701) are left out of every list.
namespace warden::proto::tls {

/// A JA3-family fingerprint: the comma/dash string and its MD5 in lower-case hex.
struct Ja3 {
  std::string text;
  std::string md5;
};

/// JA3 (github.com/salesforce/ja3): "SSLVersion,Ciphers,Extensions,EllipticCurves,
/// EllipticCurvePointFormats", decimal values, '-' within a field.
[[nodiscard]] Ja3 ja3(const ClientHello& hello);

/// JA3S: "SSLVersion,Cipher,Extensions" of a ServerHello.
[[nodiscard]] Ja3 ja3s(const ServerHello& hello);

/// JA4 for TLS over TCP (FoxIO JA4 specification, technical_details/JA4.md):
/// "t13d1516h2_8daaf6152771_e5627efa2ab1".
[[nodiscard]] std::string ja4(const ClientHello& hello);

/// JA3 MD5 and JA4 of a ClientHello, as ja3() and ja4() give them.
struct ClientPrints {
  std::string_view ja3_md5;
  std::string_view ja4;
};

/// client_prints() and server_print() remember the fingerprints of the hellos this thread saw
/// last, keyed by every field the fingerprints read (so a repeat is exact, not a hash match).
/// Devices open connection after connection with the same TLS stack: a repeat costs building
/// that key and one lookup, and allocates nothing. The views stay valid until the next call of
/// either function on the same thread.
[[nodiscard]] ClientPrints client_prints(const ClientHello& hello);

/// JA3S MD5 of a ServerHello, as ja3s() gives it; remembered like client_prints().
[[nodiscard]] std::string_view server_print(const ServerHello& hello);

/// Lower-case hex MD5 of `text` (OpenSSL EVP).
[[nodiscard]] std::string md5_hex(std::string_view text);

/// Lower-case hex SHA-256 of `text` (OpenSSL EVP).
[[nodiscard]] std::string sha256_hex(std::string_view text);

}  // namespace warden::proto::tls
