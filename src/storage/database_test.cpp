// SPDX-License-Identifier: Apache-2.0
#include "storage/database.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>

namespace warden::storage {
namespace {

class DatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("warden-db-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "warden.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static inventory::Device camera(std::uint64_t packets, std::int64_t first, std::int64_t last) {
    inventory::Device device;
    device.mac = MacAddress::parse("44:19:b6:00:00:02");
    device.key = "mac:44:19:b6:00:00:02";
    device.vendor = "Hangzhou Hikvision Digital Technology Co.,Ltd.";
    device.first_us = first;
    device.last_us = last;
    device.counters.packets_out = packets;
    inventory::AttributeValue ip;
    ip.attr = proto::Attr::Ipv4;
    ip.value = "192.168.1.20";
    ip.protocol = "dhcp";
    ip.first_us = first;
    ip.last_us = last;
    ip.count = 1;
    device.attributes.push_back(ip);
    device.peers.push_back({*IpAddress::parse("8.8.8.8"), first, last, 2});
    return device;
  }

  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(DatabaseTest, CreatesSchemaInWalMode) {
  auto database = Database::open(path_);
  ASSERT_TRUE(database) << database.error().message;
  EXPECT_EQ(database->schema_version(), 1);
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &raw), SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  sqlite3_prepare_v2(raw, "PRAGMA journal_mode", -1, &statement, nullptr);
  ASSERT_EQ(sqlite3_step(statement), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)), "wal");  // NOLINT
  sqlite3_finalize(statement);
  sqlite3_close(raw);
}

TEST_F(DatabaseTest, MergesRunsIntoOneInventory) {
  {
    auto database = Database::open(path_);
    ASSERT_TRUE(database);
    ASSERT_TRUE(database->merge_devices({camera(5, 100, 200)}));
  }
  auto database = Database::open(path_);  // reopen: migrations are idempotent
  ASSERT_TRUE(database);
  ASSERT_TRUE(database->merge_devices({camera(7, 50, 150)}));
  auto devices = database->load_devices();
  ASSERT_TRUE(devices);
  ASSERT_EQ(devices->size(), 1U);
  const inventory::Device& merged = devices->front();
  EXPECT_EQ(merged.counters.packets_out, 12U);
  EXPECT_EQ(merged.first_us, 50);
  EXPECT_EQ(merged.last_us, 200);
  ASSERT_EQ(merged.attributes.size(), 1U);
  EXPECT_EQ(merged.attributes[0].count, 2U);
  EXPECT_EQ(merged.attributes[0].first_us, 50);
  EXPECT_EQ(merged.attributes[0].last_us, 200);
  ASSERT_EQ(merged.peers.size(), 1U);
  EXPECT_EQ(merged.peers[0].flows, 4U);
}

TEST_F(DatabaseTest, FindsDevicesByMacOrIp) {
  auto database = Database::open(path_);
  ASSERT_TRUE(database->merge_devices({camera(1, 1, 2)}));
  auto by_mac = database->find_device("44:19:B6:00:00:02");
  ASSERT_TRUE(by_mac && *by_mac);
  auto by_ip = database->find_device("192.168.1.20");
  ASSERT_TRUE(by_ip && *by_ip);
  EXPECT_EQ((*by_ip)->key, "mac:44:19:b6:00:00:02");
  auto missing = database->find_device("10.0.0.1");
  ASSERT_TRUE(missing);
  EXPECT_FALSE(*missing);
  EXPECT_FALSE(database->find_device("x' OR 1=1 --"));
}

TEST_F(DatabaseTest, RefusesASchemaFromTheFuture) {
  {
    auto database = Database::open(path_);
    ASSERT_TRUE(database);
  }
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &raw), SQLITE_OK);
  sqlite3_exec(raw, "PRAGMA user_version=99", nullptr, nullptr, nullptr);
  sqlite3_close(raw);
  auto database = Database::open(path_);
  ASSERT_FALSE(database);
  EXPECT_NE(database.error().message.find("newer"), std::string::npos);
}

TEST_F(DatabaseTest, ReportsAnUnwritableLocation) {
  auto database = Database::open((dir_ / "missing-dir" / "x.db").string());
  EXPECT_FALSE(database);
  EXPECT_FALSE(Database::open_existing((dir_ / "nope.db").string()));
}

}  // namespace
}  // namespace warden::storage
