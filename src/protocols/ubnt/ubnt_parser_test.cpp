// SPDX-License-Identifier: Apache-2.0
#include "protocols/ubnt/ubnt_parser.hpp"

#include <gtest/gtest.h>

#include <string>

#include "protocols/ubnt/ubnt_analyzer.hpp"
#include "testutil/hex.hpp"
#include "testutil/recording_sink.hpp"

namespace warden::proto::ubnt {
namespace {

using testutil::from_hex;

std::string fmt_hex16(std::size_t value) {
  static constexpr std::string_view kDigits = "0123456789abcdef";
  std::string out;
  for (int shift = 12; shift >= 0; shift -= 4) {
    out += kDigits[(value >> shift) & 0xFU];
  }
  return out;
}

// ndpi/ubntac2.pcap frame 1, 192.168.1.1:34085 -> 255.255.255.255:10001: a UniFi Security
// Gateway's v2 announcement (MAC/IP pairs, uptime, hostname "ubnt", platform and model "UGW3",
// firmware "UniFiSecurityGateway.ER-e120.v4.3.33.4936086.161203.2031").
constexpr std::string_view kGatewayAnnouncement =
    "020600ab02000a802aa88d692bc0a8021502000a802aa88d692cc0a80101010006802aa88d692b0a00040000de"
    "600b000475626e740c000455475733030038556e6946695365637572697479476174657761792e45522d653132"
    "302e76342e332e33332e343933363038362e3136313230332e3230333116000e342e332e33332e34393336303836"
    "150004554757331700010018000100130006802aa88d692b120004000015cf1b0005342e302e30";

TEST(UbntAnnouncement, ParsesARealGatewayAnnouncement) {
  const auto bytes = from_hex(kGatewayAnnouncement);
  const auto announcement = parse_announcement(bytes);
  ASSERT_TRUE(announcement) << announcement.error().name;
  EXPECT_EQ(announcement->version, 2);
  EXPECT_EQ(announcement->command, 6);
  EXPECT_EQ(announcement->hostname, "ubnt");
  EXPECT_EQ(announcement->platform, "UGW3");
  EXPECT_EQ(announcement->model, "UGW3");
  EXPECT_EQ(announcement->version_id, "4.3.33.4936086");
  EXPECT_EQ(announcement->firmware, "UniFiSecurityGateway.ER-e120.v4.3.33.4936086.161203.2031");
  EXPECT_FALSE(announcement->is_request);

  decode::Packet packet;
  packet.payload = bytes;
  testutil::RecordingSink sink;
  analyze_ubnt(packet, sink);
  EXPECT_TRUE(sink.has(Who::Sender, Attr::UbntModel, "UGW3", "ubnt"));
  EXPECT_TRUE(sink.has(Who::Sender, Attr::Hostname, "ubnt", "ubnt"));
  EXPECT_TRUE(sink.has(Who::Sender, Attr::UbntFirmware,
                       "UniFiSecurityGateway.ER-e120.v4.3.33.4936086.161203.2031", "ubnt"));
  EXPECT_TRUE(sink.anomalies.empty());
}

TEST(UbntAnnouncement, ARequestSaysNothingOfItsSender) {
  const auto request = from_hex("01000000");  // the v1 discovery request a controller sends
  const auto announcement = parse_announcement(request);
  ASSERT_TRUE(announcement);
  EXPECT_TRUE(announcement->is_request);
  decode::Packet packet;
  packet.payload = request;
  testutil::RecordingSink sink;
  analyze_ubnt(packet, sink);
  EXPECT_EQ(sink.records.size(), 1U);  // Protocol only
}

TEST(UbntAnnouncement, BadInputIsANamedError) {
  const auto bytes = from_hex(kGatewayAnnouncement);
  for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
    const auto result = parse_announcement(Bytes(bytes.data(), cut));
    EXPECT_FALSE(result && !result->is_request && cut < bytes.size()) << cut;
  }
  EXPECT_STREQ(parse_announcement(from_hex("03000000")).error().name, "ubnt.bad_header");
  EXPECT_STREQ(parse_announcement(from_hex("0206000403ffff00")).error().name, "ubnt.bad_tlv");
  std::string many = "0206";
  const std::size_t count = kMaxTlvs + 1;
  const std::size_t length = count * 3;
  many += fmt_hex16(length);
  for (std::size_t index = 0; index < count; ++index) {
    many += "010000";
  }
  EXPECT_STREQ(parse_announcement(from_hex(many)).error().name, "ubnt.too_many_tlvs");
}

}  // namespace
}  // namespace warden::proto::ubnt
