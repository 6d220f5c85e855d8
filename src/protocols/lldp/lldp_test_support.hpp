// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the LLDP and CDP tests.
#pragma once

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

#include "decode/packet.hpp"
#include "testutil/recording_sink.hpp"

namespace warden::proto::lldp {

/// A packet as the decoder hands it over: source MAC and the L2 payload.
inline decode::Packet l2_packet(const std::vector<std::uint8_t>& payload, std::string_view source) {
  decode::Packet packet;
  packet.has_l2 = true;
  packet.src_mac = MacAddress::parse(source).value_or(MacAddress{});
  packet.l2_payload = payload;
  return packet;
}

/// Every observation is about the frame's sender and names `protocol`.
inline void expect_all_about_sender(const testutil::RecordingSink& sink,
                                    std::string_view protocol) {
  for (const auto& record : sink.records) {
    EXPECT_EQ(record.subject.who, Who::Sender);
    EXPECT_EQ(record.protocol, protocol);
  }
}

}  // namespace warden::proto::lldp
