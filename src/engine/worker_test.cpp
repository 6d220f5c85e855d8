// SPDX-License-Identifier: Apache-2.0
#include "engine/worker.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "engine/engine.hpp"
#include "inventory/device.hpp"
#include "testutil/hex.hpp"

namespace warden::engine {
namespace {

/// Builds an Ethernet/IPv4/TCP frame (checksums are not checked by the decoder).
std::vector<std::uint8_t> tcp_frame(const MacAddress& src_mac, const MacAddress& dst_mac,
                                    std::uint32_t src_ip, std::uint32_t dst_ip, std::uint16_t sport,
                                    std::uint16_t dport, std::uint8_t flags) {
  std::vector<std::uint8_t> frame(dst_mac.octets.begin(), dst_mac.octets.end());
  frame.insert(frame.end(), src_mac.octets.begin(), src_mac.octets.end());
  frame.insert(frame.end(),
               {0x08, 0x00, 0x45, 0x00, 0x00, 40, 0x00, 0x01, 0x40, 0x00, 64, 6, 0, 0});
  for (const std::uint32_t address : {src_ip, dst_ip}) {
    for (int shift = 24; shift >= 0; shift -= 8) {
      frame.push_back(static_cast<std::uint8_t>(address >> shift));
    }
  }
  frame.insert(frame.end(), {static_cast<std::uint8_t>(sport >> 8),
                             static_cast<std::uint8_t>(sport),
                             static_cast<std::uint8_t>(dport >> 8),
                             static_cast<std::uint8_t>(dport),
                             0,
                             0,
                             0,
                             1,
                             0,
                             0,
                             0,
                             0,
                             0x50,
                             flags,
                             0xff,
                             0xff,
                             0,
                             0,
                             0,
                             0});
  return frame;
}

/// tcp_frame() carrying `payload`, with the IPv4 total length to match and sequence number 2 (the
/// first data after a SYN whose sequence is 1).
std::vector<std::uint8_t> tcp_data_frame(const MacAddress& src_mac, const MacAddress& dst_mac,
                                         std::uint32_t src_ip, std::uint32_t dst_ip,
                                         std::uint16_t sport, std::uint16_t dport,
                                         std::string_view payload) {
  std::vector<std::uint8_t> frame = tcp_frame(src_mac, dst_mac, src_ip, dst_ip, sport, dport, 0x18);
  frame.insert(frame.end(), payload.begin(), payload.end());
  const std::size_t ip_length = frame.size() - 14;
  frame[16] = static_cast<std::uint8_t>(ip_length >> 8);
  frame[17] = static_cast<std::uint8_t>(ip_length);
  frame[14 + 20 + 4 + 3] = 2;
  return frame;
}

capture::RawPacket raw_of(const std::vector<std::uint8_t>& frame, std::int64_t ts) {
  capture::RawPacket raw;
  raw.ts_us = ts;
  raw.data = frame;
  raw.wire_length = static_cast<std::uint32_t>(frame.size());
  return raw;
}

// A real ARP reply (tcpdump/arp-oobr.pcap style layout): 00:1b:21:00:00:01 is-at for 192.168.1.1.
std::vector<std::uint8_t> arp_reply(const MacAddress& sha, std::uint32_t spa) {
  std::vector<std::uint8_t> frame = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  frame.insert(frame.end(), sha.octets.begin(), sha.octets.end());
  frame.insert(frame.end(), {0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x02});
  frame.insert(frame.end(), sha.octets.begin(), sha.octets.end());
  for (int shift = 24; shift >= 0; shift -= 8) {
    frame.push_back(static_cast<std::uint8_t>(spa >> shift));
  }
  frame.insert(frame.end(), 10, 0);
  return frame;
}

const MacAddress client_mac = *MacAddress::parse("b8:27:eb:00:00:10");
const MacAddress server_mac = *MacAddress::parse("44:19:b6:00:00:20");

bool has(const inventory::Endpoint& endpoint, proto::Attr attr, const std::string& value) {
  return std::any_of(endpoint.attributes.begin(), endpoint.attributes.end(),
                     [&](const auto& a) { return a.attr == attr && a.value == value; });
}

/// The endpoint of `worker` with `mac` and an IP address, or nullptr.
const inventory::Endpoint* endpoint_of(Worker& worker, const MacAddress& mac) {
  const auto& endpoints = worker.endpoints().endpoints();
  const auto found = std::find_if(endpoints.begin(), endpoints.end(), [&](const auto& e) {
    return e.in_use && e.key.mac == mac && e.key.ip.is_set();
  });
  return found == endpoints.end() ? nullptr : &*found;
}

TEST(Worker, RecordsServicesOfTheResponderOnly) {
  Worker worker(EngineConfig{});
  worker.process(
      1, raw_of(tcp_frame(client_mac, server_mac, 0xC0A80110, 0xC0A80120, 40000, 22, 0x02), 1));
  worker.process(
      1, raw_of(tcp_frame(server_mac, client_mac, 0xC0A80120, 0xC0A80110, 22, 40000, 0x12), 2));
  worker.finish();
  const inventory::Endpoint* server = endpoint_of(worker, server_mac);
  const inventory::Endpoint* client = endpoint_of(worker, client_mac);
  ASSERT_NE(server, nullptr);
  ASSERT_NE(client, nullptr);
  EXPECT_TRUE(has(*server, proto::Attr::Service, "tcp/22 ssh"));
  EXPECT_FALSE(has(*client, proto::Attr::Service, "tcp/22 ssh"));
  EXPECT_TRUE(has(*client, proto::Attr::Protocol, "ssh"));
  EXPECT_EQ(server->counters.packets_out, 1U);
  EXPECT_EQ(server->counters.packets_in, 1U);
}

TEST(Worker, NamesAServiceWhenTheClientsFirstBytesDo) {
  // SSH on tcp/902: the answer comes before the client's identification string names it.
  Worker worker(EngineConfig{});
  worker.process(
      1, raw_of(tcp_frame(client_mac, server_mac, 0xC0A80110, 0xC0A80120, 40000, 902, 0x02), 1));
  worker.process(
      1, raw_of(tcp_frame(server_mac, client_mac, 0xC0A80120, 0xC0A80110, 902, 40000, 0x12), 2));
  worker.process(1, raw_of(tcp_data_frame(client_mac, server_mac, 0xC0A80110, 0xC0A80120, 40000,
                                          902, "SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13.11\r\n"),
                           3));
  worker.finish();
  const inventory::Endpoint* server = endpoint_of(worker, server_mac);
  const inventory::Endpoint* client = endpoint_of(worker, client_mac);
  ASSERT_NE(server, nullptr);
  ASSERT_NE(client, nullptr);
  EXPECT_TRUE(has(*server, proto::Attr::Service, "tcp/902"));
  EXPECT_TRUE(has(*server, proto::Attr::Service, "tcp/902 ssh"));
  EXPECT_FALSE(has(*client, proto::Attr::Service, "tcp/902 ssh"));
  EXPECT_TRUE(has(*client, proto::Attr::Protocol, "ssh"));
  EXPECT_TRUE(has(*server, proto::Attr::Protocol, "ssh"));
}

TEST(Worker, CleartextToTheInternetOnAnotherPortIsNoted) {
  // Plain HTTP to an internet host on tcp/8081, named by the client's request line.
  Worker worker(EngineConfig{});
  const std::uint32_t device = 0xC0A80110;    // 192.168.1.16
  const std::uint32_t internet = 0xCB007105;  // 203.0.113.5
  worker.process(1,
                 raw_of(tcp_frame(client_mac, server_mac, device, internet, 40000, 8081, 0x02), 1));
  worker.process(1,
                 raw_of(tcp_frame(server_mac, client_mac, internet, device, 8081, 40000, 0x12), 2));
  worker.process(1, raw_of(tcp_data_frame(client_mac, server_mac, device, internet, 40000, 8081,
                                          "GET /status HTTP/1.1\r\nHost: 203.0.113.5\r\n\r\n"),
                           3));
  worker.finish();
  const inventory::Endpoint* client = endpoint_of(worker, client_mac);
  ASSERT_NE(client, nullptr);
  EXPECT_TRUE(has(*client, proto::Attr::CleartextExternal, "http to 203.0.113.5"));
}

TEST(Worker, LdapBindsAreFollowedOnAnyPortAndInTheClearToTheInternet) {
  // The first simple bind of zeek/ldap__simpleauth.pcap (frame 4), sent by a LAN device to a
  // directory on tcp/1389 of the LAN (named by the bind itself, as in ndpi's log4j capture) and
  // to one on tcp/389 of an internet host.
  const std::vector<std::uint8_t> bind = testutil::from_hex(
      "3032020101602d020103041c78787878787878787878784078782e7878782e78787878782e6e6574800a7061"
      "7373776f72386431");
  const std::string payload(bind.begin(), bind.end());
  const std::uint32_t device = 0xC0A80110;    // 192.168.1.16
  const std::uint32_t lan = 0xC0A80120;       // 192.168.1.32
  const std::uint32_t internet = 0xCB007105;  // 203.0.113.5
  Worker worker(EngineConfig{});
  std::int64_t ts = 1;
  for (const auto& [server, port] :
       {std::pair{lan, std::uint16_t{1389}}, std::pair{internet, std::uint16_t{389}}}) {
    worker.process(
        1, raw_of(tcp_frame(client_mac, server_mac, device, server, 40000, port, 0x02), ts++));
    worker.process(
        1, raw_of(tcp_frame(server_mac, client_mac, server, device, port, 40000, 0x12), ts++));
    worker.process(
        1,
        raw_of(tcp_data_frame(client_mac, server_mac, device, server, 40000, port, payload), ts++));
  }
  worker.finish();
  const inventory::Endpoint* client = endpoint_of(worker, client_mac);
  ASSERT_NE(client, nullptr);
  EXPECT_TRUE(has(*client, proto::Attr::CleartextExternal, "ldap to 203.0.113.5"));
  const auto& endpoints = worker.endpoints().endpoints();
  const auto directory = std::find_if(endpoints.begin(), endpoints.end(), [&](const auto& e) {
    return e.in_use && e.key.ip == IpAddress::v4_from_u32(lan);
  });
  ASSERT_NE(directory, endpoints.end());
  EXPECT_TRUE(has(*directory, proto::Attr::Service, "tcp/1389 ldap"));
  EXPECT_TRUE(
      has(*directory, proto::Attr::CleartextCredential, "ldap user=xxxxxxxxxxx@xx.xxx.xxxxx.net"));
}

TEST(Worker, ArpBindsTheSenderAddress) {
  Worker worker(EngineConfig{});
  worker.process(1, raw_of(arp_reply(server_mac, 0xC0A80101), 5));
  const auto& endpoints = worker.endpoints().endpoints();
  ASSERT_EQ(worker.endpoints().size(), 1U);
  EXPECT_TRUE(has(endpoints[0], proto::Attr::Ipv4, "192.168.1.1"));
}

TEST(Worker, EchoAndArpRequestsReachTheTrackerAsProbes) {
  // Real frames: an ARP request of 192.168.1.1 (d8:58:d7:00:67:11) for 192.168.1.246, from
  // slips/test8-malicious.pcap (frame 16); an ICMP echo request of 192.168.1.109 to 192.168.1.1,
  // from slips/test12-icmp-portscan.pcap (frame 1).
  const std::vector<std::uint8_t> arp_request = {
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xd8, 0x58, 0xd7, 0x00, 0x67, 0x11, 0x08, 0x06,
      0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0xd8, 0x58, 0xd7, 0x00, 0x67, 0x11,
      0xc0, 0xa8, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0xa8, 0x01, 0xf6};
  const std::vector<std::uint8_t> echo_request = {
      0x68, 0xff, 0x7b, 0xdc, 0xa2, 0x17, 0x50, 0xed, 0x3c, 0x39, 0xbc, 0xd9, 0x08, 0x00,
      0x45, 0x00, 0x00, 0x1c, 0xa0, 0x01, 0x00, 0x00, 0x2d, 0x01, 0x6a, 0x21, 0xc0, 0xa8,
      0x01, 0x6d, 0xc0, 0xa8, 0x01, 0x01, 0x08, 0x00, 0x62, 0x0f, 0x95, 0xf0, 0x00, 0x00};
  // The same frames as a reply: ARP opcode 2, ICMP type 0. Not probes.
  std::vector<std::uint8_t> arp_answer = arp_request;
  arp_answer[21] = 2;
  std::vector<std::uint8_t> echo_reply = echo_request;
  echo_reply[34] = 0;
  Worker worker(EngineConfig{});
  worker.process(1, raw_of(arp_request, 10));
  worker.process(1, raw_of(echo_request, 20));
  worker.process(1, raw_of(arp_answer, 30));
  worker.process(1, raw_of(echo_reply, 40));
  const detect::ProbeMap& probes = worker.tracker().probes();
  ASSERT_EQ(probes.size(), 2U);
  const auto arp = probes.find({*IpAddress::parse("192.168.1.1"), detect::ProbeKind::Arp});
  const auto echo = probes.find({*IpAddress::parse("192.168.1.109"), detect::ProbeKind::Echo});
  ASSERT_NE(arp, probes.end());
  ASSERT_NE(echo, probes.end());
  EXPECT_EQ(arp->second.probes, 1U);
  EXPECT_EQ(arp->second.targets,
            std::vector<std::uint64_t>{std::hash<IpAddress>{}(*IpAddress::parse("192.168.1.246"))});
  EXPECT_EQ(echo->second.probes, 1U);
  EXPECT_EQ(echo->second.targets,
            std::vector<std::uint64_t>{std::hash<IpAddress>{}(*IpAddress::parse("192.168.1.1"))});
  EXPECT_EQ(echo->second.first_us, 20);
}

TEST(Worker, EchoRequestsAndRepliesReachTheTrackerAsOnePair) {
  // The echo request above (slips/test12-icmp-portscan.pcap frame 1: 192.168.1.109 to
  // 192.168.1.1, identifier 0x95f0, sequence 0, no data) and its reply: addresses swapped, type 0.
  const std::vector<std::uint8_t> request = {
      0x68, 0xff, 0x7b, 0xdc, 0xa2, 0x17, 0x50, 0xed, 0x3c, 0x39, 0xbc, 0xd9, 0x08, 0x00,
      0x45, 0x00, 0x00, 0x1c, 0xa0, 0x01, 0x00, 0x00, 0x2d, 0x01, 0x6a, 0x21, 0xc0, 0xa8,
      0x01, 0x6d, 0xc0, 0xa8, 0x01, 0x01, 0x08, 0x00, 0x62, 0x0f, 0x95, 0xf0, 0x00, 0x00};
  std::vector<std::uint8_t> reply = request;
  std::swap_ranges(reply.begin(), reply.begin() + 6, reply.begin() + 6);         // MACs
  std::swap_ranges(reply.begin() + 26, reply.begin() + 30, reply.begin() + 30);  // addresses
  reply[34] = 0;
  Worker worker(EngineConfig{});
  worker.process(1, raw_of(request, 20));
  worker.process(1, raw_of(reply, 25));
  const detect::EchoMap& echoes = worker.tracker().echoes();
  ASSERT_EQ(echoes.size(), 1U);
  const auto& [key, echo] = *echoes.begin();
  EXPECT_EQ(key.requester, *IpAddress::parse("192.168.1.109"));
  EXPECT_EQ(key.responder, *IpAddress::parse("192.168.1.1"));
  EXPECT_EQ(echo.requests, 1U);
  EXPECT_EQ(echo.replies, 1U);
  EXPECT_EQ(echo.echoed, 1U);
  EXPECT_EQ(echo.sizes, std::vector<std::uint16_t>{0});
  EXPECT_EQ(echo.first_us, 20);
  EXPECT_EQ(echo.last_us, 25);
}

TEST(Worker, MemoryStaysBoundedUnderAFloodOfMacsAndFlows) {
  EngineConfig config;
  config.flows.max_flows = 2048;
  config.inventory.max_endpoints = 4096;
  Worker worker(config);
  for (std::uint32_t frame_idx = 0; frame_idx < 300'000; ++frame_idx) {
    MacAddress spoofed = client_mac;
    spoofed.octets[3] = static_cast<std::uint8_t>(frame_idx >> 16);
    spoofed.octets[4] = static_cast<std::uint8_t>(frame_idx >> 8);
    spoofed.octets[5] = static_cast<std::uint8_t>(frame_idx);
    worker.process(1, raw_of(tcp_frame(spoofed, server_mac, 0x0A000000 + frame_idx, 0xC0A80120,
                                       static_cast<std::uint16_t>(frame_idx), 23, 0x02),
                             frame_idx));
    if (frame_idx % 4096 == 0) {
      ASSERT_LE(worker.endpoints().size(), 4096U);
    }
  }
  const WorkerStats stats = worker.stats();
  EXPECT_LE(worker.endpoints().size(), 4096U);
  EXPECT_EQ(stats.flows.created, 300'000U);
  EXPECT_EQ(stats.flows.evicted_capacity, 300'000U - 2048U);
  EXPECT_GT(stats.inventory.endpoints_evicted, 290'000U);
}

TEST(Engine, ThreadsProduceTheSameInventoryAsOneThread) {
  std::vector<std::vector<std::uint8_t>> frames;
  for (std::uint16_t port = 1000; port < 1400; ++port) {
    frames.push_back(tcp_frame(client_mac, server_mac, 0xC0A80110, 0xC0A80120, port, 80, 0x02));
    frames.push_back(tcp_frame(server_mac, client_mac, 0xC0A80120, 0xC0A80110, 80, port, 0x12));
  }
  auto run = [&](unsigned threads) {
    EngineConfig config;
    config.threads = threads;
    Engine engine(config);
    std::int64_t ts = 0;
    for (const auto& frame : frames) {
      engine.process(1, raw_of(frame, ++ts));
    }
    WorkerStats stats;
    const std::vector<inventory::EndpointTable> tables = engine.finish_tables(stats);
    EXPECT_EQ(stats.decode.packets, frames.size());
    EXPECT_EQ(stats.flows.created, 400U);
    std::uint64_t packets = 0;
    std::set<std::pair<MacAddress, IpAddress>> keys;  // a pair may be in several workers' tables
    for (const auto& table : tables) {
      for (const auto& endpoint : table.endpoints()) {
        packets += endpoint.counters.packets_out;
        keys.emplace(endpoint.key.mac, endpoint.key.ip);
      }
    }
    return std::make_pair(keys.size(), packets);
  };
  EXPECT_EQ(run(1), run(3));
}

}  // namespace
}  // namespace warden::engine

namespace warden::engine {
namespace {

/// The lab capture read by `threads` workers, and what they made of it.
struct LabRun {
  std::vector<FileResult> results;
  WorkerStats stats;
  std::vector<inventory::EndpointTable> tables;
};

LabRun run_lab(unsigned threads) {
  EngineConfig config;
  config.threads = threads;
  Engine engine(config);
  LabRun run;
  run.results =
      engine.run_files({std::string(WARDEN_SOURCE_DIR) + "/tests/golden/lab/input.pcap"}, {});
  run.tables = engine.finish_tables(run.stats);
  return run;
}

TEST(Engine, ParallelFileReadingMatchesOneThread) {
  auto run = [](unsigned threads) {
    const LabRun lab = run_lab(threads);
    const std::vector<FileResult>& results = lab.results;
    EXPECT_EQ(results.size(), 1U);
    EXPECT_TRUE(results[0].opened);
    EXPECT_EQ(results[0].status, capture::SourceStatus::End);
    // Every packet analyzed exactly once.
    EXPECT_EQ(lab.stats.decode.packets, results[0].packets);
    const std::vector<inventory::EndpointTable>& tables = lab.tables;
    // Distinct endpoints and values across the workers' tables, and the packets they sent.
    std::set<std::pair<MacAddress, IpAddress>> keys;
    std::set<std::string> values;
    std::uint64_t packets = 0;
    for (const auto& table : tables) {
      for (const auto& endpoint : table.endpoints()) {
        keys.emplace(endpoint.key.mac, endpoint.key.ip);
        for (const auto& attribute : endpoint.attributes) {
          values.insert(endpoint.key.mac.to_string() + endpoint.key.ip.to_string() + " " +
                        std::string(proto::attr_name(attribute.attr)) + "=" + attribute.value +
                        " " + attribute.protocol);
        }
        packets += endpoint.counters.packets_out;
      }
    }
    return std::make_tuple(results[0].packets, keys.size(), values.size(), packets);
  };
  const auto one = run(1);
  EXPECT_GT(std::get<0>(one), 100U);
  EXPECT_EQ(one, run(2));
  EXPECT_EQ(one, run(4));
}

TEST(Engine, DevicesFromEachWorkersTableMatchOneThread) {
  auto devices_of = [](unsigned threads) {
    const LabRun lab = run_lab(threads);
    const std::vector<inventory::EndpointTable>& tables = lab.tables;
    EXPECT_EQ(tables.size(), threads);
    std::vector<const inventory::EndpointTable*> pointers;
    pointers.reserve(tables.size());
    for (const auto& table : tables) {
      pointers.push_back(&table);
    }
    std::vector<std::string> lines;
    for (const inventory::Device& device :
         inventory::build_devices(pointers, inventory::OuiDatabase{}, threads)) {
      std::string line = device.key + " " + std::to_string(device.counters.packets_out) + "/" +
                         std::to_string(device.counters.bytes_in) + " peers " +
                         std::to_string(device.peers.size());
      // In one order, whichever worker saw what (inventory::attribute_order()).
      EXPECT_TRUE(std::is_sorted(device.attributes.begin(), device.attributes.end(),
                                 inventory::attribute_order))
          << device.key;
      for (const auto& a : device.attributes) {
        line += "\n  " + std::string(proto::attr_name(a.attr)) + "=" + a.value + " (" + a.protocol +
                ") " + std::to_string(a.count) + " " + std::to_string(a.first_us) + "-" +
                std::to_string(a.last_us);
      }
      lines.push_back(line);
    }
    return lines;
  };
  const auto one = devices_of(1);
  EXPECT_GE(one.size(), 3U);
  EXPECT_EQ(one, devices_of(2));
  EXPECT_EQ(one, devices_of(3));
}

TEST(Engine, SharedChunkReadingMatchesOneThreadAcrossFilesAndBreaks) {
  // A capture of several shared chunks: the identification lab's records twenty times over, cut
  // in the middle of a record; then a file that is not a capture, a missing one, and the lab.
  const std::string lab = std::string(WARDEN_SOURCE_DIR) + "/tests/golden/ident-lab/input.pcap";
  std::ifstream in(lab, std::ios::binary);
  const std::string original((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  ASSERT_GT(original.size(), 24U);
  std::string repeated = original;
  for (int copy = 1; copy < 20; ++copy) {
    repeated += original.substr(24);  // the records again, after the one file header
  }
  repeated.resize(repeated.size() - 7);  // the last record loses its end
  const std::string big = (std::filesystem::temp_directory_path() /
                           ("warden-shared-chunks-" + std::to_string(getpid()) + ".pcap"))
                              .string();
  std::ofstream(big, std::ios::binary) << repeated;
  const std::vector<std::string> files = {
      big, std::string(WARDEN_SOURCE_DIR) + "/README.md", "/nonexistent.pcap",
      std::string(WARDEN_SOURCE_DIR) + "/tests/golden/lab/input.pcap"};
  auto run = [&](unsigned threads) {
    EngineConfig config;
    config.threads = threads;
    Engine engine(config);
    std::uint64_t progress_calls = 0;
    const std::vector<FileResult> results =
        engine.run_files(files, [&](std::uint64_t, std::uint64_t) { ++progress_calls; });
    WorkerStats stats;
    const std::vector<inventory::EndpointTable> tables = engine.finish_tables(stats);
    EXPECT_GT(progress_calls, 0U);
    std::uint64_t sent = 0;
    for (const auto& table : tables) {
      for (const auto& endpoint : table.endpoints()) {
        sent += endpoint.counters.packets_out;
      }
    }
    std::vector<std::string> lines;
    lines.reserve(results.size() + 1);
    for (const FileResult& result : results) {
      lines.push_back(fmt::format("{} opened={} packets={} status={} offset={}", result.path,
                                  result.opened, result.packets, static_cast<int>(result.status),
                                  result.error.offset));
    }
    lines.push_back(fmt::format("decoded={} sent={}", stats.decode.packets, sent));
    return lines;
  };
  const std::vector<std::string> one = run(1);
  ASSERT_EQ(one.size(), 5U);
  EXPECT_NE(
      one[0].find("status=" + std::to_string(static_cast<int>(capture::SourceStatus::Truncated))),
      std::string::npos)
      << one[0];
  std::uint64_t lab_packets = 0;
  auto source = capture::PcapSource::open_file(lab);
  ASSERT_TRUE(source.has_value());
  capture::RawPacket raw;
  while (source->next(raw) == capture::SourceStatus::Ok) {
    ++lab_packets;
  }
  EXPECT_NE(one[0].find(fmt::format("packets={} ", 20 * lab_packets - 1)), std::string::npos)
      << one[0];
  EXPECT_EQ(one, run(2));
  EXPECT_EQ(one, run(3));
  std::filesystem::remove(big);
}

TEST(Engine, ReportsFilesItCannotRead) {
  Engine engine(EngineConfig{});
  const std::vector<FileResult> results =
      engine.run_files({std::string(WARDEN_SOURCE_DIR) + "/README.md", "/nonexistent.pcap"}, {});
  ASSERT_EQ(results.size(), 2U);
  EXPECT_FALSE(results[0].opened);
  EXPECT_EQ(results[0].error.status, capture::SourceStatus::NotACapture);
  EXPECT_EQ(results[1].error.status, capture::SourceStatus::Unreadable);
}

}  // namespace
}  // namespace warden::engine
