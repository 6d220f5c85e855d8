// SPDX-License-Identifier: Apache-2.0
#include "capture/pcap_source.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace warden::capture {
namespace {

/// Writes `bytes` to a file named after `name` and this process in the temporary directory.
std::string save_temp(const std::string& name, const std::vector<std::uint8_t>& bytes) {
  std::string path =
      (std::filesystem::temp_directory_path() / (std::to_string(getpid()) + "-" + name)).string();
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),  // NOLINT: byte buffer to stream
            static_cast<std::streamsize>(bytes.size()));
  return path;
}

/// Builds classic pcap files record by record (little-endian, microseconds unless `nanos`).
class PcapWriter {
 public:
  explicit PcapWriter(bool nanos = false) {
    put32(nanos ? 0xA1B23C4DU : 0xA1B2C3D4U);
    put16(2);
    put16(4);
    put32(0);
    put32(0);
    put32(65535);
    put32(1);  // Ethernet
  }
  void record(std::uint32_t seconds, std::uint32_t fraction, const std::vector<std::uint8_t>& data,
              std::uint32_t wire_length = 0) {
    put32(seconds);
    put32(fraction);
    put32(static_cast<std::uint32_t>(data.size()));
    put32(wire_length != 0 ? wire_length : static_cast<std::uint32_t>(data.size()));
    bytes_.insert(bytes_.end(), data.begin(), data.end());
  }
  void raw(const std::vector<std::uint8_t>& data) {
    bytes_.insert(bytes_.end(), data.begin(), data.end());
  }
  [[nodiscard]] std::string save(const std::string& name) const {
    return save_temp(name + ".pcap", bytes_);
  }
  [[nodiscard]] std::size_t size() const { return bytes_.size(); }

 private:
  void put16(std::uint16_t value) {
    raw({static_cast<std::uint8_t>(value), static_cast<std::uint8_t>(value >> 8)});
  }
  void put32(std::uint32_t value) {
    raw({static_cast<std::uint8_t>(value), static_cast<std::uint8_t>(value >> 8),
         static_cast<std::uint8_t>(value >> 16), static_cast<std::uint8_t>(value >> 24)});
  }
  std::vector<std::uint8_t> bytes_;
};

std::vector<std::uint8_t> payload(std::uint32_t index, std::size_t length) {
  std::vector<std::uint8_t> data(length);
  for (std::size_t at = 0; at < length; ++at) {
    data[at] = static_cast<std::uint8_t>(std::size_t{index} * 31 + at);
  }
  return data;
}

TEST(PcapSource, ReadsEveryRecordIntactAcrossReadWindows) {
  PcapWriter writer;
  constexpr std::uint32_t kRecords = 5000;  // about 3 MiB: several 1 MiB windows
  for (std::uint32_t index = 0; index < kRecords; ++index) {
    writer.record(1000 + index, index, payload(index, 60 + index % 1200));
  }
  const std::string path = writer.save("warden-windows");
  auto source = PcapSource::open_file(path);
  ASSERT_TRUE(source.has_value());
  EXPECT_EQ(source->link_type(), 1);
  RawPacket raw;
  std::uint32_t index = 0;
  while (source->next(raw) == SourceStatus::Ok) {
    ASSERT_LT(index, kRecords);
    const auto expected = payload(index, 60 + index % 1200);
    ASSERT_EQ(raw.data.size(), expected.size()) << index;
    ASSERT_EQ(std::memcmp(raw.data.data(), expected.data(), expected.size()), 0) << index;
    EXPECT_EQ(raw.ts_us, std::int64_t{1000 + index} * 1'000'000 + index);
    ++index;
  }
  EXPECT_EQ(index, kRecords);
  EXPECT_EQ(source->offset(), writer.size());
  std::filesystem::remove(path);
}

TEST(PcapSource, AnEmptyLastRecordEndsCleanly) {
  PcapWriter writer(/*nanos=*/true);
  writer.record(1, 5000, payload(1, 64));
  writer.record(2, 7000, {}, 60);  // caplen 0: ends exactly at the end of the file
  const std::string path = writer.save("warden-empty-last");
  auto source = PcapSource::open_file(path);
  ASSERT_TRUE(source.has_value());
  RawPacket raw;
  ASSERT_EQ(source->next(raw), SourceStatus::Ok);
  EXPECT_EQ(raw.ts_us, 1'000'005);  // nanoseconds to microseconds
  ASSERT_EQ(source->next(raw), SourceStatus::Ok);
  EXPECT_TRUE(raw.data.empty());
  EXPECT_EQ(raw.wire_length, 60U);
  EXPECT_EQ(source->next(raw), SourceStatus::End);
  std::filesystem::remove(path);
}

TEST(PcapSource, ATruncatedRecordIsReportedWithItsOffset) {
  PcapWriter writer;
  writer.record(1, 0, payload(1, 100));
  const std::size_t cut_at = writer.size();
  writer.record(2, 0, payload(2, 100));
  const std::string full = writer.save("warden-truncated-full");
  std::filesystem::resize_file(full, cut_at + 16 + 40);  // the header promises 100 bytes: 40 left
  auto source = PcapSource::open_file(full);
  ASSERT_TRUE(source.has_value());
  RawPacket raw;
  ASSERT_EQ(source->next(raw), SourceStatus::Ok);
  ASSERT_EQ(source->next(raw), SourceStatus::Truncated);
  EXPECT_EQ(source->error().offset, cut_at);
  EXPECT_NE(source->error().reason.find("40 of 100"), std::string::npos) << source->error().reason;
  std::filesystem::remove(full);
}

TEST(PcapSource, ACorruptLengthStopsTheFile) {
  PcapWriter writer;
  writer.record(1, 0, payload(1, 100));
  writer.raw({1, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0x7F, 0, 0, 0, 0});  // caplen 2 GiB
  const std::string path = writer.save("warden-corrupt");
  auto source = PcapSource::open_file(path);
  ASSERT_TRUE(source.has_value());
  RawPacket raw;
  ASSERT_EQ(source->next(raw), SourceStatus::Ok);
  EXPECT_EQ(source->next(raw), SourceStatus::Truncated);
  EXPECT_NE(source->error().reason.find("exceeds"), std::string::npos) << source->error().reason;
  std::filesystem::remove(path);
}

/// Every packet of `path` read with next(), as (timestamp, bytes).
std::vector<std::pair<std::int64_t, std::vector<std::uint8_t>>> read_one_by_one(
    const std::string& path) {
  std::vector<std::pair<std::int64_t, std::vector<std::uint8_t>>> packets;
  auto source = PcapSource::open_file(path);
  EXPECT_TRUE(source.has_value());
  RawPacket raw;
  while (source && source->next(raw) == SourceStatus::Ok) {
    packets.emplace_back(raw.ts_us, std::vector<std::uint8_t>(raw.data.begin(), raw.data.end()));
  }
  return packets;
}

/// The same, through next_chunk() with chunks of about `max_bytes`; `chunks` counts them.
std::vector<std::pair<std::int64_t, std::vector<std::uint8_t>>> read_in_chunks(
    const std::string& path, std::size_t max_bytes, std::size_t& chunks, SourceError& error) {
  std::vector<std::pair<std::int64_t, std::vector<std::uint8_t>>> packets;
  auto source = PcapSource::open_file(path);
  EXPECT_TRUE(source.has_value());
  PacketChunk chunk;
  chunks = 0;
  while (source && source->next_chunk(chunk, max_bytes) == SourceStatus::Ok) {
    EXPECT_FALSE(chunk.packets.empty());
    ++chunks;
    for (const RawPacket& raw : chunk.packets) {
      packets.emplace_back(raw.ts_us, std::vector<std::uint8_t>(raw.data.begin(), raw.data.end()));
    }
  }
  if (source) {
    error = source->error();
  }
  return packets;
}

TEST(PcapSource, ChunksHoldEveryRecordOnceInOrder) {
  PcapWriter writer;
  constexpr std::uint32_t kRecords = 3000;
  for (std::uint32_t index = 0; index < kRecords; ++index) {
    // Mostly small records, and every 500th larger than a whole chunk.
    writer.record(1000 + index, index, payload(index, index % 500 == 7 ? 70000 : 60 + index % 900));
  }
  const std::string path = writer.save("warden-chunks");
  const auto expected = read_one_by_one(path);
  ASSERT_EQ(expected.size(), kRecords);
  std::size_t chunks = 0;
  SourceError error;
  EXPECT_EQ(read_in_chunks(path, std::size_t{64} << 10, chunks, error), expected);
  EXPECT_GT(chunks, 20U);
  EXPECT_EQ(error.status, SourceStatus::Ok);  // a clean end leaves no error
  std::filesystem::remove(path);
}

TEST(PcapSource, AChunkBeforeABreakComesFirstThenTheBreak) {
  PcapWriter writer;
  for (std::uint32_t index = 0; index < 50; ++index) {
    writer.record(1, index, payload(index, 100));
  }
  const std::size_t cut_at = writer.size();
  writer.record(2, 0, payload(99, 100));
  const std::string path = writer.save("warden-chunk-truncated");
  std::filesystem::resize_file(path, cut_at + 16 + 40);
  auto source = PcapSource::open_file(path);
  ASSERT_TRUE(source.has_value());
  PacketChunk chunk;
  ASSERT_EQ(source->next_chunk(chunk, 1 << 20), SourceStatus::Ok);
  EXPECT_EQ(chunk.packets.size(), 50U);
  EXPECT_EQ(source->next_chunk(chunk, 1 << 20), SourceStatus::Truncated);
  EXPECT_TRUE(chunk.packets.empty());
  EXPECT_EQ(source->error().offset, cut_at);
  EXPECT_NE(source->error().reason.find("40 of 100"), std::string::npos) << source->error().reason;
  std::filesystem::remove(path);
}

/// A minimal little-endian pcapng file: section header, one Ethernet interface, enhanced packets.
std::string write_pcapng(const std::string& name, std::uint32_t packets) {
  std::vector<std::uint8_t> bytes;
  auto put32 = [&](std::uint32_t value) {
    for (int shift = 0; shift < 32; shift += 8) {
      bytes.push_back(static_cast<std::uint8_t>(value >> shift));
    }
  };
  put32(0x0A0D0D0A);  // section header block
  put32(28);
  put32(0x1A2B3C4D);
  put32(1);  // version 1.0
  put32(0xFFFFFFFF);
  put32(0xFFFFFFFF);  // section length unknown
  put32(28);
  put32(1);  // interface description block
  put32(20);
  put32(1);  // link type Ethernet, reserved 0
  put32(65535);
  put32(20);
  for (std::uint32_t index = 0; index < packets; ++index) {
    const std::vector<std::uint8_t> data = payload(index, 60 + index % 300);
    const std::size_t padded = (data.size() + 3) & ~std::size_t{3};
    const auto length = static_cast<std::uint32_t>(32 + padded);
    put32(6);  // enhanced packet block
    put32(length);
    put32(0);  // interface 0
    const std::uint64_t micros = 5'000'000ULL + index;
    put32(static_cast<std::uint32_t>(micros >> 32));
    put32(static_cast<std::uint32_t>(micros));
    put32(static_cast<std::uint32_t>(data.size()));
    put32(static_cast<std::uint32_t>(data.size()));
    bytes.insert(bytes.end(), data.begin(), data.end());
    bytes.resize(bytes.size() + padded - data.size(), 0);
    put32(length);
  }
  return save_temp(name + ".pcapng", bytes);
}

TEST(PcapSource, PcapngChunksAreCopiesOfEveryPacket) {
  const std::string path = write_pcapng("warden-chunks", 2000);
  const auto expected = read_one_by_one(path);
  ASSERT_EQ(expected.size(), 2000U);
  EXPECT_EQ(expected[3].first, 5'000'003);
  std::size_t chunks = 0;
  SourceError error;
  EXPECT_EQ(read_in_chunks(path, std::size_t{16} << 10, chunks, error), expected);
  EXPECT_GT(chunks, 10U);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace warden::capture
