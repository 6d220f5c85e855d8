// SPDX-License-Identifier: Apache-2.0
#include "protocols/tcpfp/tcpfp.hpp"

#include <gtest/gtest.h>

#include <string>

#include "testutil/hex.hpp"

namespace warden::proto::tcpfp {
namespace {

std::string print(std::uint8_t ttl, std::uint16_t window, std::string_view options_hex) {
  const auto options = testutil::from_hex(options_hex);
  Buffer buffer;
  const auto result = fingerprint(ttl, window, options, buffer);
  return result ? std::string(*result) : std::string("error:") + result.error().name;
}

TEST(TcpFingerprint, MacOsSynFromCurl) {
  // ndpi/443-curl.pcap frame 1: 192.168.1.13 (macOS curl) SYN, TTL 64, window 65535.
  EXPECT_EQ(print(64, 65535, "020405b4010303050101080a1e6245b70000000004020000"),
            "64:65535:1460:M,N,W,N,N,T,S,E:5");
}

TEST(TcpFingerprint, LinuxSynAckAfterHops) {
  // ndpi/443-curl.pcap frame 2: the Linux server's SYN-ACK arrives with TTL 52 (from 64).
  EXPECT_EQ(print(52, 65160, "020405ac0402080a25680a931e6245b701030307"),
            "64:65160:1452:M,S,T,N,W:7");
}

TEST(TcpFingerprint, WindowsSyn) {
  // ndpi/1kxun.pcap frame 22: 192.168.115.8 (Windows) SYN, TTL 128, window 8192.
  EXPECT_EQ(print(128, 8192, "020404ec0103030801010402"), "128:8192:1260:M,N,W,N,N,S:8");
}

TEST(TcpFingerprint, NoOptionsAndUnknownKinds) {
  EXPECT_EQ(print(255, 4128, ""), "255:4128:::");
  EXPECT_EQ(print(30, 1024, "1e0400001c04aabb"), "32:1024::?30,?28:");
}

TEST(TcpFingerprint, BadOptionLengthsAreErrorsNotReads) {
  EXPECT_EQ(print(64, 1, "0204"), "error:tcp.bad_option_length");      // runs past the end
  EXPECT_EQ(print(64, 1, "020105b4"), "error:tcp.bad_option_length");  // length below 2
  EXPECT_EQ(print(64, 1, "02"), "error:tcp.bad_option_length");
}

TEST(TcpFingerprint, InitialTtl) {
  EXPECT_EQ(initial_ttl(1), 32);
  EXPECT_EQ(initial_ttl(64), 64);
  EXPECT_EQ(initial_ttl(65), 128);
  EXPECT_EQ(initial_ttl(200), 255);
}

}  // namespace
}  // namespace warden::proto::tcpfp
