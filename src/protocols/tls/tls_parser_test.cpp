// SPDX-License-Identifier: Apache-2.0
#include "protocols/tls/tls_parser.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "protocols/tls/tls_test_vectors.hpp"
#include "protocols/tls/tls_x509.hpp"

namespace warden::proto::tls {
namespace {

using testdata::from_hex;

/// The body of the first handshake message of a record that starts `flight`.
Bytes first_message_body(const std::vector<std::uint8_t>& flight) {
  const Bytes fragment = Bytes(flight).subspan(kRecordHeaderLength);
  const auto header = parse_handshake_header(fragment);
  EXPECT_TRUE(header.has_value());
  return fragment.subspan(kHandshakeHeaderLength, header ? header->length : 0);
}

std::vector<std::string> alpn_names(Bytes alpn) {
  std::vector<std::string> names;
  for_each_alpn(alpn, [&](std::string_view name) { names.emplace_back(name); });
  return names;
}

std::vector<std::uint16_t> u16_values(Bytes list) {
  std::vector<std::uint16_t> values;
  for_each_u16(list, [&](std::uint16_t value) { values.push_back(value); });
  return values;
}

TEST(TlsRecordHeader, ParsesClientHelloRecord) {
  const auto bytes = from_hex(testdata::kJa4TlsClientHello);
  const auto header = parse_record_header(bytes);
  ASSERT_TRUE(header.has_value());
  EXPECT_EQ(header->type, ContentType::Handshake);
  EXPECT_EQ(header->version, 0x0301);
  EXPECT_EQ(header->length, 175);
}

TEST(TlsRecordHeader, RejectsSslv2Hello) {
  // SSLv2-compatible CLIENT-HELLO: 2-byte length with the high bit set, msg type 1, version 3.1.
  const auto bytes = from_hex("802e0103010015000000100000");
  const auto header = parse_record_header(bytes);
  ASSERT_FALSE(header.has_value());
  EXPECT_EQ(header.error().code, ParseErrorCode::Unsupported);
}

TEST(TlsRecordHeader, RejectsBadTypeVersionAndLength) {
  auto header = parse_record_header(as_bytes("GET / HTTP/1.1"));
  ASSERT_FALSE(header.has_value());
  EXPECT_STREQ(header.error().name, "tls.bad_content_type");
  header = parse_record_header(from_hex("1602010010"));
  ASSERT_FALSE(header.has_value());
  EXPECT_STREQ(header.error().name, "tls.bad_record_version");
  header = parse_record_header(from_hex("1603034801"));  // 18433 > 2^14 + 2048
  ASSERT_FALSE(header.has_value());
  EXPECT_STREQ(header.error().name, "tls.record_too_long");
  EXPECT_TRUE(parse_record_header(from_hex("1703034800")).has_value());
}

TEST(TlsRecordHeader, ReportsTruncationAsIncomplete) {
  const auto bytes = from_hex("1603010200");
  for (std::size_t length = 0; length < bytes.size(); ++length) {
    const auto header = parse_record_header(Bytes(bytes).first(length));
    ASSERT_FALSE(header.has_value());
    EXPECT_EQ(header.error().code, ParseErrorCode::Incomplete);
  }
}

TEST(TlsClientHello, ParsesJa4TlsHello) {
  const auto record = from_hex(testdata::kJa4TlsClientHello);
  const auto hello = parse_client_hello(first_message_body(record));
  ASSERT_TRUE(hello.has_value());
  EXPECT_EQ(hello->legacy_version, 0x0303);
  EXPECT_EQ(hello->random.size(), 32U);
  EXPECT_EQ(hello->cipher_suites.size(), 36U);
  EXPECT_EQ(hello->compression_methods.size(), 1U);
  EXPECT_FALSE(hello->has_server_name);
  EXPECT_TRUE(hello->has_alpn);
  EXPECT_EQ(alpn_names(hello->alpn), (std::vector<std::string>{"spdy/3.1", "http/1.1"}));
  EXPECT_EQ(hello->extension_types.count, 10U);
  EXPECT_EQ(u16_values(hello->supported_groups), (std::vector<std::uint16_t>{23, 24, 25}));
  EXPECT_EQ(hello->ec_point_formats.size(), 1U);
  EXPECT_EQ(
      u16_values(hello->signature_algorithms),
      (std::vector<std::uint16_t>{0x0401, 0x0501, 0x0201, 0x0403, 0x0503, 0x0203, 0x0402, 0x0202}));
  EXPECT_FALSE(hello->has_supported_versions);
  EXPECT_EQ(highest_offered_version(*hello), 0x0303);
}

TEST(TlsClientHello, ParsesSniOfSonosHello) {
  const auto record = from_hex(testdata::kSonosClientHello);
  const auto hello = parse_client_hello(first_message_body(record));
  ASSERT_TRUE(hello.has_value());
  EXPECT_TRUE(hello->has_server_name);
  EXPECT_EQ(hello->server_name, "192.168.1.70");
  EXPECT_FALSE(hello->has_alpn);
  EXPECT_EQ(hello->cipher_suites.size(), 26U);
}

TEST(TlsClientHello, FindsHighestSupportedVersionSkippingGrease) {
  const auto record = from_hex(testdata::kChromeClientHello);
  const auto hello = parse_client_hello(first_message_body(record));
  ASSERT_TRUE(hello.has_value());
  EXPECT_EQ(hello->server_name, "www.iit.cnr.it");
  EXPECT_EQ(u16_values(hello->supported_versions),
            (std::vector<std::uint16_t>{0x6a6a, 0x0304, 0x0303, 0x0302, 0x0301}));
  EXPECT_EQ(highest_offered_version(*hello), kTls13);
  EXPECT_EQ(version_name(highest_offered_version(*hello)), "1.3");
}

TEST(TlsClientHello, TruncationAtEveryLengthIsMalformedNeverIncomplete) {
  const auto record = from_hex(testdata::kCurlClientHello);
  const Bytes body = first_message_body(record);
  for (std::size_t length = 0; length < body.size(); ++length) {
    const auto hello = parse_client_hello(body.first(length));
    if (!hello) {
      EXPECT_NE(hello.error().code, ParseErrorCode::Incomplete) << length;
    } else {
      // Cut right after compression_methods: a valid hello without extensions.
      EXPECT_EQ(hello->extension_types.count, 0U) << length;
    }
  }
}

TEST(TlsClientHello, RejectsHugeInnerLengths) {
  // version, 32-byte random, then a session id claiming 255 bytes.
  const std::string prefix = "0303" + std::string(64, '0');
  auto hello = parse_client_hello(from_hex(prefix + "ff"));
  ASSERT_FALSE(hello.has_value());
  EXPECT_STREQ(hello.error().name, "tls.session_id_too_long");
  // cipher_suites claiming 512 bytes, and too many suites.
  hello = parse_client_hello(from_hex(prefix + "00020000"));
  ASSERT_FALSE(hello.has_value());
  EXPECT_EQ(hello.error().code, ParseErrorCode::Malformed);
  hello = parse_client_hello(from_hex(prefix + "00fffe00"));
  ASSERT_FALSE(hello.has_value());
  EXPECT_EQ(hello.error().code, ParseErrorCode::LimitExceeded);
  // An odd cipher_suites length.
  hello = parse_client_hello(from_hex(prefix + "00" + "000300010203"));
  ASSERT_FALSE(hello.has_value());
  EXPECT_STREQ(hello.error().name, "tls.odd_cipher_suites_length");
  // An extension whose length runs past the block.
  hello = parse_client_hello(from_hex(prefix + "00" + "0002002f" + "0100" + "0004" + "0000ffff"));
  ASSERT_FALSE(hello.has_value());
  EXPECT_EQ(hello.error().code, ParseErrorCode::Malformed);
}

TEST(TlsClientHello, LimitsExtensionCount) {
  std::string extensions;
  for (std::size_t ext_idx = 0; ext_idx <= kMaxExtensions; ++ext_idx) {
    extensions += "ff000000";  // empty extension 0xff00
  }
  ASSERT_EQ(extensions.size() / 2, 0x104U);
  const auto hello = parse_client_hello(
      from_hex("0303" + std::string(64, '0') + "00" + "0002002f" + "0100" + "0104" + extensions));
  ASSERT_FALSE(hello.has_value());
  EXPECT_EQ(hello.error().code, ParseErrorCode::LimitExceeded);
}

TEST(TlsClientHello, ToleratesBadExtensionBodies) {
  // SNI with a lying inner length and ALPN with a truncated name: the hello still parses.
  const auto hello =
      parse_client_hello(from_hex("0303" + std::string(64, '0') + "00" + "0002002f" + "0100" +
                                  "000e" + "000000030009ff" + "00100003000568"));
  ASSERT_TRUE(hello.has_value());
  EXPECT_TRUE(hello->has_server_name);
  EXPECT_TRUE(hello->server_name.empty());
  EXPECT_TRUE(hello->has_alpn);
  EXPECT_TRUE(alpn_names(hello->alpn).empty());
}

TEST(TlsServerHello, ParsesSonosServerHello) {
  const auto record = from_hex(testdata::kSonosServerHello);
  const auto hello = parse_server_hello(first_message_body(record));
  ASSERT_TRUE(hello.has_value());
  EXPECT_EQ(hello->legacy_version, 0x0303);
  EXPECT_EQ(hello->cipher_suite, 0x009c);
  EXPECT_EQ(hello->extension_types.count, 3U);
  EXPECT_EQ(hello->version(), 0x0303);
}

TEST(TlsServerHello, ReadsSelectedVersion) {
  const auto record = from_hex(testdata::kTls13ServerFlight);
  const auto hello = parse_server_hello(first_message_body(record));
  ASSERT_TRUE(hello.has_value());
  EXPECT_EQ(hello->legacy_version, 0x0303);
  EXPECT_EQ(hello->selected_version, kTls13);
  EXPECT_EQ(hello->cipher_suite, 0x1301);
}

TEST(TlsServerHello, TruncationAtEveryLengthNeverCrashes) {
  const auto record = from_hex(testdata::kSonosServerHello);
  const Bytes body = first_message_body(record);
  for (std::size_t length = 0; length < body.size(); ++length) {
    const auto hello = parse_server_hello(body.first(length));
    if (!hello) {
      EXPECT_EQ(hello.error().code, ParseErrorCode::Malformed) << length;
    }
  }
}

/// The first certificate of the ja4-tls server flight, whose second record holds the Certificate.
Bytes ja4_tls_certificate(const std::vector<std::uint8_t>& flight) {
  const auto server_hello_record = parse_record_header(flight);
  const Bytes rest = Bytes(flight).subspan(kRecordHeaderLength + server_hello_record->length);
  const Bytes fragment = rest.subspan(kRecordHeaderLength);
  const auto certificate = parse_handshake_header(fragment);
  EXPECT_EQ(certificate->type, static_cast<std::uint8_t>(HandshakeType::Certificate));
  const auto der =
      parse_first_certificate(fragment.subspan(kHandshakeHeaderLength, certificate->length));
  EXPECT_TRUE(der.has_value());
  return der.value_or(Bytes{});
}

TEST(TlsCertificate, ReadsSubjectAndIssuerOfSelfSignedCertificate) {
  const auto flight = from_hex(testdata::kJa4TlsServerFlight);
  const Bytes der = ja4_tls_certificate(flight);
  EXPECT_EQ(der.size(), 879U);
  const auto names = parse_certificate_names(der);
  ASSERT_TRUE(names.has_value());
  // Expected values from `openssl x509 -inform DER -nameopt RFC2253`.
  EXPECT_EQ(names->subject, "CN=SELKS,O=Stamus,L=Paris,ST=IDF,C=FR");
  EXPECT_EQ(names->issuer, "CN=SELKS,O=Stamus,L=Paris,ST=IDF,C=FR");
}

TEST(TlsCertificate, ReadsSonosDeviceCertificateWithEscapes) {
  auto flight = from_hex(testdata::kSonosCertificatePart1);
  const auto part2 = from_hex(testdata::kSonosCertificatePart2);
  flight.insert(flight.end(), part2.begin(), part2.end());
  const auto der = parse_first_certificate(first_message_body(flight));
  ASSERT_TRUE(der.has_value());
  EXPECT_EQ(der->size(), 1794U);
  const auto names = parse_certificate_names(*der);
  ASSERT_TRUE(names.has_value());
  EXPECT_EQ(names->subject,
            "C=US,ST=California,L=Santa Barbara,O=Sonos\\, Inc,OU=Sonos Devices,DC=prod,"
            "CN=347E5CFFA26E");
  EXPECT_EQ(names->issuer,
            "CN=Sonos Device Authentication Root CA,OU=Sonos Devices,O=Sonos\\, Inc,"
            "L=Santa Barbara,ST=California,C=US");
}

TEST(TlsCertificate, TruncatedCertificateAtEveryLengthIsMalformed) {
  const auto flight = from_hex(testdata::kJa4TlsServerFlight);
  const Bytes der = ja4_tls_certificate(flight);
  for (std::size_t length = 0; length < der.size(); ++length) {
    const auto names = parse_certificate_names(der.first(length));
    ASSERT_FALSE(names.has_value()) << length;
    EXPECT_EQ(names.error().code, ParseErrorCode::Malformed) << length;
  }
}

TEST(TlsCertificate, RejectsLyingCertificateListLengths) {
  EXPECT_FALSE(parse_first_certificate(from_hex("00ffff3082")).has_value());
  EXPECT_FALSE(parse_first_certificate(from_hex("000004000009")).has_value());
  EXPECT_FALSE(parse_first_certificate(from_hex("0000")).has_value());
  const auto empty = parse_first_certificate(from_hex("000000"));
  ASSERT_TRUE(empty.has_value());
  EXPECT_TRUE(empty->empty());
}

TEST(TlsDer, RejectsIndefiniteLongAndHighTagForms) {
  auto names = parse_certificate_names(from_hex("3080300000"));
  ASSERT_FALSE(names.has_value());
  EXPECT_STREQ(names.error().name, "tls.x509_indefinite_length");
  names = parse_certificate_names(from_hex("30850100000000"));
  ASSERT_FALSE(names.has_value());
  EXPECT_EQ(names.error().code, ParseErrorCode::LimitExceeded);
  names = parse_certificate_names(from_hex("3f0100"));
  ASSERT_FALSE(names.has_value());
  EXPECT_EQ(names.error().code, ParseErrorCode::Unsupported);
  // A four-octet length far beyond the input.
  names = parse_certificate_names(from_hex("3084ffffffff30"));
  ASSERT_FALSE(names.has_value());
  EXPECT_EQ(names.error().code, ParseErrorCode::Malformed);
}

TEST(TlsDer, DeepNestingFailsWithoutRecursion) {
  // 2000 nested SEQUENCEs with 4-octet long-form lengths: the walker follows one fixed path and
  // trips on the unexpected tag of the serial number.
  std::vector<std::uint8_t> der;
  constexpr std::size_t kDepth = 2000;
  for (std::size_t level = 0; level < kDepth; ++level) {
    const std::size_t inner = (kDepth - level - 1) * 6;
    der.insert(der.end(), {0x30, 0x84, 0, 0, static_cast<std::uint8_t>(inner >> 8),
                           static_cast<std::uint8_t>(inner & 0xff)});
  }
  const auto names = parse_certificate_names(der);
  ASSERT_FALSE(names.has_value());
  EXPECT_EQ(names.error().code, ParseErrorCode::Malformed);
}

/// A DER TLV with a short-form length.
std::vector<std::uint8_t> tlv(std::uint8_t tag, const std::vector<std::uint8_t>& value) {
  std::vector<std::uint8_t> out = {tag, static_cast<std::uint8_t>(value.size())};
  out.insert(out.end(), value.begin(), value.end());
  return out;
}

std::vector<std::uint8_t> concat(std::initializer_list<std::vector<std::uint8_t>> parts) {
  std::vector<std::uint8_t> out;
  for (const auto& part : parts) {
    out.insert(out.end(), part.begin(), part.end());
  }
  return out;
}

std::vector<std::uint8_t> attribute(std::uint8_t type, std::uint8_t string_tag,
                                    const std::vector<std::uint8_t>& value) {
  return tlv(0x30, concat({tlv(0x06, {0x55, 0x04, type}), tlv(string_tag, value)}));
}

TEST(TlsDer, RendersEscapesMultiValuedRdnsAndBmpStrings) {
  const std::vector<std::uint8_t> special = {'#', 'a', ',', 'b', '+', ' '};
  const std::vector<std::uint8_t> zurich_bmp = {0, 'Z', 0, 0xfc, 0, 'r', 0, 'i', 0, 'c', 0, 'h'};
  const auto name = concat({
      tlv(0x31, attribute(0x03, 0x0c, special)),            // CN
      tlv(0x31, concat({attribute(0x0a, 0x1e, zurich_bmp),  // O (BMPString)
                        attribute(0x0b, 0x13, {'x'})})),    // + OU
      tlv(0x31, attribute(0x05, 0x13, {'1'})),              // serialNumber: left out
      tlv(0x31, attribute(0x06, 0x04, {'U', 'S'})),         // C as OCTET STRING: left out
  });
  const auto rendered = render_distinguished_name(name);
  ASSERT_TRUE(rendered.has_value()) << rendered.error().name;
  EXPECT_EQ(*rendered, "O=Z\xc3\xbcrich+OU=x,CN=\\#a\\,b\\+\\ ");
}

TEST(TlsDer, LimitsRdnCount) {
  std::vector<std::uint8_t> name;
  for (std::size_t rdn_idx = 0; rdn_idx <= kMaxRdns; ++rdn_idx) {
    name.insert(name.end(), {0x31, 0x00});
  }
  const auto rendered = render_distinguished_name(name);
  ASSERT_FALSE(rendered.has_value());
  EXPECT_EQ(rendered.error().code, ParseErrorCode::LimitExceeded);
}

TEST(TlsGrease, MatchesRfc8701Values) {
  EXPECT_TRUE(is_grease(0x0a0a));
  EXPECT_TRUE(is_grease(0x6a6a));
  EXPECT_TRUE(is_grease(0xfafa));
  EXPECT_FALSE(is_grease(0x0a1a));
  EXPECT_FALSE(is_grease(0xefef));
  EXPECT_FALSE(is_grease(0x1301));
}

TEST(TlsVersionName, NamesKnownVersionsAndHexesOthers) {
  EXPECT_EQ(version_name(0x0303), "1.2");
  EXPECT_EQ(version_name(0x0300), "ssl3");
  EXPECT_EQ(version_name(0x7f1c), "0x7f1c");
}

}  // namespace
}  // namespace warden::proto::tls
