// SPDX-License-Identifier: Apache-2.0
#include "protocols/registry.hpp"

#include <gtest/gtest.h>

namespace warden::proto {
namespace {

TEST(Registry, MapsWellKnownPorts) {
  EXPECT_EQ(protocol_info(protocol_for_port(Transport::Udp, 67))->name, "dhcp");
  EXPECT_EQ(protocol_info(protocol_for_port(Transport::Udp, 5353))->name, "mdns");
  EXPECT_EQ(protocol_info(protocol_for_port(Transport::Tcp, 443))->name, "tls");
  EXPECT_EQ(protocol_for_port(Transport::Tcp, 5353), 0);
  EXPECT_EQ(protocol_info(0), nullptr);
}

TEST(Registry, ProbesHttpTlsAndSshOnOtherPorts) {
  EXPECT_EQ(
      protocol_info(probe_protocol(Transport::Tcp, as_bytes("GET /desc.xml HTTP/1.1\r\n")))->name,
      "http");
  const std::array<std::uint8_t, 6> client_hello = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01};
  EXPECT_EQ(protocol_info(probe_protocol(Transport::Tcp, client_hello))->name, "tls");
  EXPECT_EQ(
      protocol_info(probe_protocol(Transport::Tcp, as_bytes("SSH-2.0-OpenSSH_9.2p1\r\n")))->name,
      "ssh");
  EXPECT_EQ(
      protocol_info(probe_protocol(Transport::Tcp, as_bytes("SSH-1.99-Cisco-1.25\r\n")))->name,
      "ssh");
  EXPECT_EQ(probe_protocol(Transport::Tcp, as_bytes("SSH-")), 0);
  EXPECT_EQ(probe_protocol(Transport::Tcp, as_bytes("SSH-3.0-future")), 0);
  EXPECT_EQ(probe_protocol(Transport::Udp, as_bytes("SSH-2.0-OpenSSH")), 0);
}

TEST(Registry, EveryProtocolHasANameAndPorts) {
  for (const ProtocolInfo& info : protocols()) {
    EXPECT_FALSE(info.name.empty());
    EXPECT_FALSE(info.ports.empty()) << info.name;
    if (info.create_stream != nullptr) {
      EXPECT_EQ(info.transport, Transport::Tcp) << info.name;
      EXPECT_NE(info.create_stream(), nullptr);
    }
  }
}

}  // namespace
}  // namespace warden::proto

namespace warden::proto {
namespace {

TEST(Attributes, EveryNameRoundTrips) {
  for (int value = 0; value <= static_cast<int>(kLastAttr); ++value) {
    const auto attr = static_cast<Attr>(value);
    ASSERT_NE(attr_name(attr), "unknown") << value;
    EXPECT_EQ(attr_from_name(attr_name(attr)), attr) << attr_name(attr);
  }
  EXPECT_FALSE(attr_from_name("no.such.attribute"));
}

}  // namespace
}  // namespace warden::proto
