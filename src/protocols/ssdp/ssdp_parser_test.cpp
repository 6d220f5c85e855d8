// SPDX-License-Identifier: Apache-2.0
#include "protocols/ssdp/ssdp_parser.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "protocols/ssdp/ssdp_analyzer.hpp"
#include "testutil/recording_sink.hpp"

namespace warden::proto::ssdp {
namespace {

using namespace std::string_view_literals;  // NOLINT(google-build-using-namespace): test data
using testutil::RecordingSink;

// suricata-verify/sip-ssdp-pm__ssdp.pcap frame 1, 192.168.1.1:9489 -> 239.255.255.250:1900: a
// Tomato router's MiniUPnPd NOTIFY ssdp:alive for upnp:rootdevice; note the header "lOCATION".
inline constexpr std::string_view kTomatoNotify =
    "NOTIFY * HTTP/1.1\r\n"
    "HOST: 239.255.255.250:1900\r\n"
    "CACHE-CONTROL: max-age=120\r\n"
    "lOCATION: http://192.168.1.1:7406/rootDesc.xml\r\n"
    "SERVER: UPnP/Tomato 1.28.7500 MIPSR2Toastman-RT K26 USB Ext UPnP/1.0 MiniUPnPd/1.6\r\n"
    "NT: upnp:rootdevice\r\n"
    "USN: uuid:04645c3d-e6b4-4eea-bd35-5c320c12969f::upnp:rootdevice\r\n"
    "NTS: ssdp:alive\r\n"
    "OPT: \"http://schemas.upnp.org/upnp/1/0/\";\r\n"
    "01-NLS: 1\r\n"
    "BOOTID.UPNP.ORG: 1\r\n"
    "CONFIGID.UPNP.ORG: 1337\r\n"
    "\r\n"sv;

// ndpi/1kxun.pcap frame 693, 192.168.5.49:1900 -> 239.255.255.250:1900: Windows 10 NOTIFY
// ssdp:alive for its X_MS_MediaReceiverRegistrar service (mixed-case header names).
inline constexpr std::string_view kWindowsNotify =
    "NOTIFY * HTTP/1.1\r\n"
    "Host: 239.255.255.250:1900\r\n"
    "NT: urn:microsoft.com:service:X_MS_MediaReceiverRegistrar:1\r\n"
    "NTS: ssdp:alive\r\n"
    "Location: http://192.168.5.49:2869/upnphost/udhisapi.dll?content=uuid:9319395a-4d03-4750-"
    "bb1b-4663933ab812\r\n"
    "USN: uuid:9319395a-4d03-4750-bb1b-4663933ab812::urn:microsoft.com:service:X_MS_MediaRecei"
    "verRegistrar:1\r\n"
    "Cache-Control: max-age=900\r\n"
    "Server: Microsoft-Windows/10.0 UPnP/1.0 UPnP-Device-Host/1.0\r\n"
    "OPT:\"http://schemas.upnp.org/upnp/1/0/\"; ns=01\r\n"
    "01-NLS: d07b435d299b41784ca3d2ae2b959948\r\n"
    "\r\n"sv;

// ndpi/1kxun.pcap frame 4, 192.168.5.44:51389 -> 239.255.255.250:1900: an M-SEARCH for an
// InternetGatewayDevice, without USER-AGENT and without spaces after the colons.
inline constexpr std::string_view kIgdSearch =
    "M-SEARCH * HTTP/1.1\r\n"
    "Host:239.255.255.250:1900\r\n"
    "ST:urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n"
    "Man:\"ssdp:discover\"\r\n"
    "MX:3\r\n"
    "\r\n"sv;

// ndpi/ssdp-m-search-ua.pcap frame 1, 192.168.242.50:56446 -> 239.255.255.250:1900: Chrome 99 on
// macOS searching for DIAL receivers, USER-AGENT "Google Chrome/99.0.4844.74 Mac OS X".
inline constexpr std::string_view kChromeSearch =
    "M-SEARCH * HTTP/1.1\r\n"
    "HOST: 239.255.255.250:1900\r\n"
    "MAN: \"ssdp:discover\"\r\n"
    "MX: 1\r\n"
    "ST: urn:dial-multiscreen-org:service:dial:1\r\n"
    "USER-AGENT: Google Chrome/99.0.4844.74 Mac OS X\r\n"
    "\r\n"sv;

// ndpi/anyconnect-vpn.pcap frame 411, 10.0.0.151:1900 -> 10.0.0.227:61328: a Roku answering a
// DIAL search: 200 OK, ST urn:dial-multiscreen-org:service:dial:1, Server Roku UPnP/1.0
// Roku/9.1.0, LOCATION http://10.0.0.151:8060/dial/dd.xml.
inline constexpr std::string_view kRokuSearchResponse =
    "HTTP/1.1 200 OK\r\n"
    "Cache-Control: max-age=3600\r\n"
    "ST: urn:dial-multiscreen-org:service:dial:1\r\n"
    "USN: uuid:295c0004-6807-106d-80cf-d831342077fb::urn:dial-multiscreen-org:service:dial:1\r"
    "\n"
    "Ext: \r\n"
    "Server: Roku UPnP/1.0 Roku/9.1.0\r\n"
    "LOCATION: http://10.0.0.151:8060/dial/dd.xml\r\n"
    "WAKEUP: MAC=d8:31:34:20:77:fb;Timeout=10\r\n"
    "\r\n"sv;

// ndpi/ssdp-m-search.pcap frame 1, 192.168.242.8:42253 -> 192.168.242.255:32412: a bare request
// line with no headers and no empty line.
inline constexpr std::string_view kBareSearch = "M-SEARCH * HTTP/1.1\r\n"sv;

// Written by hand (no capture holds one): the ssdp:byebye the router of kTomatoNotify sends when
// it leaves, per UPnP Device Architecture 2.0 §1.2.4 (NT, NTS and USN only, no LOCATION/SERVER).
constexpr std::string_view kTomatoByebye =
    "NOTIFY * HTTP/1.1\r\n"
    "HOST: 239.255.255.250:1900\r\n"
    "NT: upnp:rootdevice\r\n"
    "NTS: ssdp:byebye\r\n"
    "USN: uuid:04645c3d-e6b4-4eea-bd35-5c320c12969f::upnp:rootdevice\r\n"
    "BOOTID.UPNP.ORG: 1\r\n"
    "CONFIGID.UPNP.ORG: 1337\r\n"
    "\r\n"sv;

RecordingSink analyze(std::string_view datagram) {
  decode::Packet packet;
  packet.payload = as_bytes(datagram);
  RecordingSink sink;
  analyze_ssdp(packet, sink);
  return sink;
}

void expect_all_about_sender(const RecordingSink& sink) {
  for (const auto& record : sink.records) {
    EXPECT_EQ(record.subject.who, Who::Sender);
    EXPECT_EQ(record.protocol, "ssdp");
  }
}

TEST(SsdpParser, ParsesNotifyWithOddlyCasedHeaderNames) {
  const auto message = parse_message(as_bytes(kTomatoNotify));
  ASSERT_TRUE(message);
  EXPECT_EQ(message->kind, MessageKind::Notify);
  EXPECT_EQ(message->location, "http://192.168.1.1:7406/rootDesc.xml");
  EXPECT_EQ(message->server,
            "UPnP/Tomato 1.28.7500 MIPSR2Toastman-RT K26 USB Ext UPnP/1.0 MiniUPnPd/1.6");
  EXPECT_EQ(message->nt, "upnp:rootdevice");
  EXPECT_EQ(message->nts, "ssdp:alive");
  EXPECT_EQ(message->usn, "uuid:04645c3d-e6b4-4eea-bd35-5c320c12969f::upnp:rootdevice");
  EXPECT_TRUE(message->st.empty());
}

TEST(SsdpParser, ParsesSearchAndResponse) {
  const auto search = parse_message(as_bytes(kIgdSearch));
  ASSERT_TRUE(search);
  EXPECT_EQ(search->kind, MessageKind::Search);
  EXPECT_EQ(search->st, "urn:schemas-upnp-org:device:InternetGatewayDevice:1");
  EXPECT_TRUE(search->user_agent.empty());

  const auto response = parse_message(as_bytes(kRokuSearchResponse));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->kind, MessageKind::Response);
  EXPECT_EQ(response->st, "urn:dial-multiscreen-org:service:dial:1");
  EXPECT_EQ(response->location, "http://10.0.0.151:8060/dial/dd.xml");
}

TEST(SsdpParser, AcceptsDatagramWithoutEmptyLine) {
  const auto bare = parse_message(as_bytes(kBareSearch));
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->kind, MessageKind::Search);
  // The last header line may even lack its CRLF: the datagram ends the head.
  const auto cut = parse_message(as_bytes("NOTIFY * HTTP/1.1\r\nNT: upnp:rootdevice"sv));
  ASSERT_TRUE(cut);
  EXPECT_EQ(cut->nt, "upnp:rootdevice");
}

TEST(SsdpParser, RejectsOtherMessages) {
  const auto get = parse_message(as_bytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n"sv));
  ASSERT_FALSE(get);
  EXPECT_STREQ(get.error().name, "ssdp.unknown_method");
  const auto not_found = parse_message(as_bytes("HTTP/1.1 404 Not Found\r\n\r\n"sv));
  ASSERT_FALSE(not_found);
  EXPECT_STREQ(not_found.error().name, "ssdp.unexpected_status");
  EXPECT_FALSE(parse_message(as_bytes("\x16\x03\x01\x00\x05hello"sv)));
  EXPECT_FALSE(parse_message({}));
}

TEST(SsdpParser, SurvivesEveryTruncation) {
  for (const std::string_view datagram :
       {kTomatoNotify, kWindowsNotify, kIgdSearch, kChromeSearch, kRokuSearchResponse}) {
    for (std::size_t length = 0; length <= datagram.size(); ++length) {
      // An exact-size copy so AddressSanitizer sees any read past the end.
      const std::string cut(datagram.substr(0, length));
      const auto message = parse_message(as_bytes(cut));
      if (message && !message->usn.empty()) {
        EXPECT_TRUE(datagram.find(message->usn) != std::string_view::npos);
      }
    }
  }
}

TEST(SsdpParser, BoundsHeaderCount) {
  std::string flood = "NOTIFY * HTTP/1.1\r\n";
  for (int header_idx = 0; header_idx < 100000; ++header_idx) {
    flood += "NT: a\r\n";
  }
  flood += "\r\n";
  const auto message = parse_message(as_bytes(flood));
  ASSERT_FALSE(message);
  EXPECT_EQ(message.error().code, ParseErrorCode::LimitExceeded);
}

TEST(SsdpAnalyzer, NotifyDescribesTheSender) {
  const RecordingSink sink = analyze(kTomatoNotify);
  EXPECT_TRUE(sink.has(Attr::Protocol, "ssdp"));
  EXPECT_TRUE(sink.has(Attr::SsdpLocation, "http://192.168.1.1:7406/rootDesc.xml"));
  EXPECT_TRUE(
      sink.has(Attr::SsdpServer,
               "UPnP/Tomato 1.28.7500 MIPSR2Toastman-RT K26 USB Ext UPnP/1.0 MiniUPnPd/1.6"));
  EXPECT_TRUE(
      sink.has(Attr::SsdpUsn, "uuid:04645c3d-e6b4-4eea-bd35-5c320c12969f::upnp:rootdevice"));
  EXPECT_EQ(sink.values(Attr::SsdpType), std::vector<std::string>{"upnp:rootdevice"});
  EXPECT_TRUE(sink.anomalies.empty());
  expect_all_about_sender(sink);

  const RecordingSink windows = analyze(kWindowsNotify);
  EXPECT_TRUE(
      windows.has(Attr::SsdpServer, "Microsoft-Windows/10.0 UPnP/1.0 UPnP-Device-Host/1.0"));
  EXPECT_TRUE(
      windows.has(Attr::SsdpType, "urn:microsoft.com:service:X_MS_MediaReceiverRegistrar:1"));
  expect_all_about_sender(windows);
}

TEST(SsdpAnalyzer, ByebyeDescribesTheSender) {
  const RecordingSink sink = analyze(kTomatoByebye);
  EXPECT_TRUE(sink.has(Attr::SsdpType, "upnp:rootdevice"));
  EXPECT_TRUE(
      sink.has(Attr::SsdpUsn, "uuid:04645c3d-e6b4-4eea-bd35-5c320c12969f::upnp:rootdevice"));
  EXPECT_TRUE(sink.values(Attr::SsdpLocation).empty());
  EXPECT_TRUE(sink.values(Attr::SsdpServer).empty());
  expect_all_about_sender(sink);
}

TEST(SsdpAnalyzer, SearchResponseTypeIsTheSearchTargetAnswered) {
  const RecordingSink sink = analyze(kRokuSearchResponse);
  EXPECT_TRUE(sink.has(Attr::SsdpServer, "Roku UPnP/1.0 Roku/9.1.0"));
  EXPECT_TRUE(sink.has(Attr::SsdpLocation, "http://10.0.0.151:8060/dial/dd.xml"));
  EXPECT_TRUE(sink.has(Attr::SsdpType, "urn:dial-multiscreen-org:service:dial:1"));
  EXPECT_TRUE(sink.has(Attr::SsdpUsn,
                       "uuid:295c0004-6807-106d-80cf-d831342077fb::urn:dial-multiscreen-org:"
                       "service:dial:1"));
  expect_all_about_sender(sink);
}

TEST(SsdpAnalyzer, SearchTargetIsNotAnAttributeOfTheSearcher) {
  const RecordingSink chrome = analyze(kChromeSearch);
  EXPECT_TRUE(chrome.has(Attr::SsdpUserAgent, "Google Chrome/99.0.4844.74 Mac OS X"));
  EXPECT_TRUE(chrome.has(Attr::Protocol, "ssdp"));
  EXPECT_EQ(chrome.records.size(), 2U);
  expect_all_about_sender(chrome);

  const RecordingSink igd = analyze(kIgdSearch);
  ASSERT_EQ(igd.records.size(), 1U);
  EXPECT_EQ(igd.records[0].attr, Attr::Protocol);

  EXPECT_EQ(analyze(kBareSearch).records.size(), 1U);
}

TEST(SsdpAnalyzer, CountsAnomaliesForWhatIsNotSsdp) {
  const RecordingSink garbage = analyze("\x00\x01\x02\x03"sv);
  EXPECT_TRUE(garbage.records.empty());
  EXPECT_EQ(garbage.anomalies, std::vector<std::string>{"ssdp.malformed"});
  const RecordingSink get = analyze("GET / HTTP/1.1\r\n\r\n"sv);
  EXPECT_EQ(get.anomalies, std::vector<std::string>{"ssdp.unknown_method"});
  const RecordingSink empty = analyze(""sv);
  EXPECT_TRUE(empty.records.empty());
}

}  // namespace
}  // namespace warden::proto::ssdp
