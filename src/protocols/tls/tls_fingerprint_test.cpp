// SPDX-License-Identifier: Apache-2.0
#include "protocols/tls/tls_fingerprint.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocols/tls/tls_test_vectors.hpp"

namespace warden::proto::tls {
namespace {

using testdata::from_hex;

/// Parses the hello that opens a single-record flight. `storage` keeps the bytes alive.
ClientHello client_hello(std::string_view hex, std::vector<std::uint8_t>& storage) {
  storage = from_hex(hex);
  const Bytes fragment = Bytes(storage).subspan(kRecordHeaderLength);
  const auto header = parse_handshake_header(fragment);
  const auto hello =
      parse_client_hello(fragment.subspan(kHandshakeHeaderLength, header ? header->length : 0));
  EXPECT_TRUE(hello.has_value());
  return hello.value_or(ClientHello{});
}

ServerHello server_hello(std::string_view hex, std::vector<std::uint8_t>& storage) {
  storage = from_hex(hex);
  const Bytes fragment = Bytes(storage).subspan(kRecordHeaderLength);
  const auto header = parse_handshake_header(fragment);
  const auto hello =
      parse_server_hello(fragment.subspan(kHandshakeHeaderLength, header ? header->length : 0));
  EXPECT_TRUE(hello.has_value());
  return hello.value_or(ServerHello{});
}

// Expected JA3 strings and hashes below are tshark 4.0's tls.handshake.ja3_full / ja3 for the same
// frames (see tls_test_vectors.hpp).

TEST(TlsJa3, MatchesTsharkForJa4TlsHello) {
  std::vector<std::uint8_t> storage;
  const Ja3 fingerprint = ja3(client_hello(testdata::kJa4TlsClientHello, storage));
  EXPECT_EQ(fingerprint.text,
            "771,49195-49199-158-49162-49161-49171-49172-49159-49169-51-50-57-156-47-53-10-5-4,"
            "65281-10-11-35-13172-16-30032-5-18-13,23-24-25,0");
  EXPECT_EQ(fingerprint.md5, "308b0bd904abbef5e0034a1ff7a78920");
}

TEST(TlsJa3, MatchesTsharkForSonosSpeaker) {
  std::vector<std::uint8_t> storage;
  const Ja3 fingerprint = ja3(client_hello(testdata::kSonosClientHello, storage));
  EXPECT_EQ(fingerprint.text,
            "771,52392-49200-49199-157-156-61-53-60-47-52393-49196-49195-255,0-13-10-11-22-23-35,"
            "23-24,0");
  EXPECT_EQ(fingerprint.md5, "ae25e09391d7275844ccf16316569582");
}

TEST(TlsJa3, MatchesTsharkForCurl) {
  std::vector<std::uint8_t> storage;
  EXPECT_EQ(ja3(client_hello(testdata::kCurlClientHello, storage)).md5,
            "2a26b1a62e40d25d4de3babc9d532f30");
}

TEST(TlsJa3, MatchesTsharkForAlexaApp) {
  std::vector<std::uint8_t> storage;
  EXPECT_EQ(ja3(client_hello(testdata::kAlexaClientHello, storage)).md5,
            "bdf21e38e1f69776df407235625e75e2");
}

TEST(TlsJa3, LeavesOutGreaseLikeTshark) {
  std::vector<std::uint8_t> storage;
  const Ja3 fingerprint = ja3(client_hello(testdata::kChromeClientHello, storage));
  EXPECT_EQ(fingerprint.text,
            "771,4867-4865-4866-52393-52392-49195-49199-49196-49200-49171-49172-156-157-47-53,"
            "0-23-65281-10-11-35-16-5-13-18-51-45-43-27-17513-21,29-23-24,0");
  EXPECT_EQ(fingerprint.md5, "aa50c12a5dfa717d9d6ab34e97de79d5");
}

TEST(TlsJa3s, MatchesTshark) {
  std::vector<std::uint8_t> storage;
  Ja3 fingerprint = ja3s(server_hello(testdata::kJa4TlsServerFlight, storage));
  EXPECT_EQ(fingerprint.text, "771,49199,65281-11-35");
  EXPECT_EQ(fingerprint.md5, "ccc514751b175866924439bdbb5bba34");
  EXPECT_EQ(ja3s(server_hello(testdata::kSonosServerHello, storage)).md5,
            "2fbcb4e196d5bcba6896e593c6016e09");
  EXPECT_EQ(ja3s(server_hello(testdata::kTls13ServerFlight, storage)).md5,
            "2b0648ab686ee45e0e7c35fcfb0eea7e");
}

TEST(TlsJa4, MatchesSuricataVerifyJa4Tls) {
  // suricata-verify tests/ja4-tls/test.yaml expects this tls.ja4 for ja4-tls/input.pcap.
  std::vector<std::uint8_t> storage;
  EXPECT_EQ(ja4(client_hello(testdata::kJa4TlsClientHello, storage)),
            "t12i1810s1_27d4652c4487_06a4338d0495");
}

TEST(TlsJa4, MatchesSpecificationExampleForChrome) {
  // FoxIO technical_details/JA4.md works through exactly this hello's lists (15 suites, 16
  // extensions, h2, the same signature algorithms) to t13d1516h2_8daaf6152771_e5627efa2ab1.
  std::vector<std::uint8_t> storage;
  EXPECT_EQ(ja4(client_hello(testdata::kChromeClientHello, storage)),
            "t13d1516h2_8daaf6152771_e5627efa2ab1");
}

TEST(TlsJa4, HashesExtensionsAloneWithoutSignatureAlgorithms) {
  // JA4.md: "0005,000a,...,4469,ff01 = 6d807ffa2a79" when there are no signature algorithms.
  std::vector<std::uint8_t> storage;
  ClientHello hello = client_hello(testdata::kChromeClientHello, storage);
  hello.signature_algorithms = {};
  EXPECT_EQ(ja4(hello).substr(24), "6d807ffa2a79");
}

TEST(TlsJa4, UsesZerosForEmptyListsAndNoAlpn) {
  ClientHello hello;
  hello.legacy_version = 0x0301;
  EXPECT_EQ(ja4(hello), "t10i000000_000000000000_000000000000");
  hello.legacy_version = 0x0300;
  EXPECT_EQ(ja4(hello).substr(0, 3), "ts3");
  hello.legacy_version = 0x1234;
  EXPECT_EQ(ja4(hello).substr(0, 3), "t00");
}

TEST(TlsJa4, PrintsAlpnEndsOrTheirHexDigits) {
  // Cases from JA4.md "ALPN Extension Value".
  const auto alpn_part = [](const std::vector<std::uint8_t>& list) {
    ClientHello hello;
    hello.alpn = list;
    return ja4(hello).substr(8, 2);
  };
  EXPECT_EQ(alpn_part({2, 'h', '2'}), "h2");
  EXPECT_EQ(alpn_part({8, 'h', 't', 't', 'p', '/', '1', '.', '1'}), "h1");
  EXPECT_EQ(alpn_part({1, 'h'}), "hh");
  EXPECT_EQ(alpn_part({1, 0xab}), "ab");
  EXPECT_EQ(alpn_part({2, 0xab, 0xcd}), "ad");
  EXPECT_EQ(alpn_part({2, 0x30, 0xab}), "3b");
  EXPECT_EQ(alpn_part({4, 0x30, 0x31, 0xab, 0xcd}), "3d");
  EXPECT_EQ(alpn_part({4, 0x30, 0xab, 0xcd, 0x31}), "01");
  EXPECT_EQ(alpn_part({0, 2, 'h', '2'}), "00");  // empty first value
  EXPECT_EQ(alpn_part({5, 'h'}), "00");          // truncated list
}

TEST(TlsJa4, CapsCountsAtNinetyNine) {
  std::vector<std::uint8_t> suites;
  for (std::uint8_t suite = 0; suite < 120; ++suite) {
    suites.insert(suites.end(), {0x00, suite});
  }
  ClientHello hello;
  hello.legacy_version = 0x0303;
  hello.cipher_suites = suites;
  EXPECT_EQ(ja4(hello).substr(0, 8), "t12i9900");
}

TEST(TlsPrintMemo, GivesWhatTheFingerprintsGiveForEveryHelloAndItsRepeats) {
  const std::vector<std::string_view> hellos = {
      testdata::kJa4TlsClientHello, testdata::kSonosClientHello, testdata::kCurlClientHello,
      testdata::kChromeClientHello, testdata::kAlexaClientHello};
  // Twice round, interleaved, so the second round answers from the memo.
  for (int round = 0; round < 2; ++round) {
    for (const std::string_view hex : hellos) {
      std::vector<std::uint8_t> storage;
      const ClientHello hello = client_hello(hex, storage);
      const ClientPrints prints = client_prints(hello);
      EXPECT_EQ(prints.ja3_md5, ja3(hello).md5);
      EXPECT_EQ(prints.ja4, ja4(hello));
    }
  }
  std::vector<std::uint8_t> storage;
  const ServerHello server = server_hello(testdata::kSonosServerHello, storage);
  EXPECT_EQ(server_print(server), ja3s(server).md5);
  EXPECT_EQ(server_print(server), ja3s(server).md5);
}

TEST(TlsPrintMemo, TellsApartHellosThatDifferInOneFieldTheFingerprintsRead) {
  // Each change below alters JA3 or JA4; the memo must not answer with the first hello's prints.
  std::vector<std::uint8_t> storage;
  const ClientHello base = client_hello(testdata::kChromeClientHello, storage);
  const std::vector<std::uint8_t> alpn_h1 = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  const std::vector<std::uint8_t> one_group = {0x00, 0x17};
  const std::vector<std::uint8_t> one_suite = {0x13, 0x01};
  std::vector<ClientHello> variants(6, base);
  variants[1].has_server_name = !base.has_server_name;
  variants[2].alpn = alpn_h1;
  variants[3].supported_groups = one_group;
  variants[4].cipher_suites = one_suite;
  variants[5].extension_types.count = base.extension_types.count - 1;
  for (const ClientHello& hello : variants) {
    (void)client_prints(base);  // the base hello is always the one remembered last
    const ClientPrints prints = client_prints(hello);
    EXPECT_EQ(prints.ja3_md5, ja3(hello).md5);
    EXPECT_EQ(prints.ja4, ja4(hello));
  }
}

TEST(TlsDigest, ComputesKnownMd5AndSha256) {
  EXPECT_EQ(md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace warden::proto::tls
