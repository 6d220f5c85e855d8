// SPDX-License-Identifier: Apache-2.0
#include "capture/pcap_source.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace warden::capture {
namespace {

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
    std::string path =
        (std::filesystem::temp_directory_path() / (name + "-" + std::to_string(getpid()) + ".pcap"))
            .string();
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes_.data()),  // NOLINT: byte buffer to stream
              static_cast<std::streamsize>(bytes_.size()));
    return path;
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

}  // namespace
}  // namespace warden::capture
