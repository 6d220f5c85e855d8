// SPDX-License-Identifier: Apache-2.0
#include "storage/database.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <map>
#include <set>

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

  /// The first column of the first row of `sql` (a PRAGMA), read through a connection of its own.
  [[nodiscard]] std::string query_text(const char* sql) const {
    sqlite3* raw = nullptr;
    std::string text;
    if (sqlite3_open(path_.c_str(), &raw) == SQLITE_OK) {
      sqlite3_stmt* statement = nullptr;
      if (sqlite3_prepare_v2(raw, sql, -1, &statement, nullptr) == SQLITE_OK &&
          sqlite3_step(statement) == SQLITE_ROW) {
        if (const unsigned char* column = sqlite3_column_text(statement, 0)) {
          text = reinterpret_cast<const char*>(column);  // NOLINT
        }
      }
      sqlite3_finalize(statement);
    }
    sqlite3_close(raw);
    return text;
  }

  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(DatabaseTest, CreatesSchemaInWalMode) {
  auto database = Database::open(path_);
  ASSERT_TRUE(database) << database.error().message;
  EXPECT_EQ(database->schema_version(), 4);
  EXPECT_EQ(query_text("PRAGMA journal_mode"), "wal");
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

TEST_F(DatabaseTest, CheckpointsBesideTheWriterWithoutLosingWrites) {
  const std::string wal = path_ + "-wal";
  {
    auto database = Database::open(path_);
    ASSERT_TRUE(database);
    const auto size_before = std::filesystem::file_size(path_);
    ASSERT_TRUE(database->merge_devices({camera(5, 100, 200)}));
    database->checkpoint_in_background();
    // The writer goes on while the copy runs; what it writes now stays in the WAL.
    ASSERT_TRUE(database->merge_devices({camera(7, 50, 300)}));
    auto copied = database->wait_for_checkpoint();
    ASSERT_TRUE(copied) << copied.error().message;
    EXPECT_GT(*copied, 0);
    // The first merge's pages are in the database file itself now, before any close.
    EXPECT_GT(std::filesystem::file_size(path_), size_before);
    EXPECT_TRUE(std::filesystem::exists(wal));
    database->checkpoint_in_background();  // left running: the destructor waits for it
  }
  // The close copied the rest into the database and removed the WAL: the database file alone
  // holds everything (read back below). A WAL kept for the next run was tried: SQLite replays a
  // WAL it finds, so a backup copied over the database was read with the old run's pages.
  EXPECT_FALSE(std::filesystem::exists(wal));
  auto database = Database::open(path_);
  ASSERT_TRUE(database);
  auto devices = database->load_devices();
  ASSERT_TRUE(devices);
  ASSERT_EQ(devices->size(), 1U);
  EXPECT_EQ(devices->front().counters.packets_out, 12U);
  EXPECT_EQ(devices->front().first_us, 50);
  EXPECT_EQ(devices->front().last_us, 300);
  EXPECT_EQ(query_text("PRAGMA integrity_check"), "ok");
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

TEST_F(DatabaseTest, StoresIdentityFindingsAndPinsAcrossReopens) {
  {
    auto database = Database::open(path_);
    ASSERT_TRUE(database) << database.error().message;
    ASSERT_TRUE(database->merge_devices({camera(10, 1'000'000, 2'000'000)}));
    auto devices = database->load_devices();
    ASSERT_TRUE(devices);
    inventory::Device& device = devices->front();
    device.identity = {{"vendor", "Hikvision", 0.91, "rules", {"http.server \"App-webs/\""}},
                       {"type", "ip_camera", 0.85, "rules", {"a", "b"}}};
    inventory::Finding telnet;
    telnet.id = "WARDEN-RISK-TELNET";
    telnet.title = "Telnet service offered";
    telnet.severity = "high";
    telnet.points = 25;
    telnet.evidence = "service \"tcp/23 telnet\"";
    telnet.protocol = "traffic";
    telnet.count = 3;
    telnet.controls = {"SOC 2 CC6.1", "NIST CSF PR.DS-02"};
    device.findings = {telnet};
    device.risk_score = 25;
    ASSERT_TRUE(database->store_assessment(*devices));
    ASSERT_TRUE(database->set_pin(device.key, "type", std::string("nvr_dvr"), 5));
    ASSERT_TRUE(database->set_pin(device.key, "model", std::string("DS-7608NI"), 5));
    ASSERT_TRUE(database->set_pin(device.key, "model", std::nullopt, 6));
  }
  auto database = Database::open(path_);
  ASSERT_TRUE(database);
  // Re-analysis merges attributes again; identity, findings and pins stay until reassessed.
  ASSERT_TRUE(database->merge_devices({camera(5, 3'000'000, 4'000'000)}));
  auto devices = database->load_devices();
  ASSERT_TRUE(devices);
  ASSERT_EQ(devices->size(), 1U);
  const inventory::Device& device = devices->front();
  ASSERT_EQ(device.identity.size(), 2U);
  EXPECT_EQ(device.identity[0].field, "vendor");
  EXPECT_DOUBLE_EQ(device.identity[0].confidence, 0.91);
  EXPECT_EQ(device.identity[0].evidence.front(), "http.server \"App-webs/\"");
  ASSERT_EQ(device.findings.size(), 1U);
  EXPECT_EQ(device.findings[0].controls.size(), 2U);
  EXPECT_EQ(device.risk_score, 25);
  auto pins = database->load_pins(device.key);
  ASSERT_TRUE(pins);
  EXPECT_EQ(*pins, (std::map<std::string, std::string>{{"type", "nvr_dvr"}}));
  auto all = database->load_all_pins();
  ASSERT_TRUE(all);
  EXPECT_EQ(all->at(device.key).at("type"), "nvr_dvr");
}

TEST_F(DatabaseTest, UpgradesAVersionOneDatabase) {
  // A database as the first schema left it: version 1, one device.
  {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &raw), SQLITE_OK);
    ASSERT_EQ(
        sqlite3_exec(raw,
                     "CREATE TABLE devices (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, "
                     "mac TEXT, key_ip TEXT, locally_administered INTEGER NOT NULL DEFAULT 0, "
                     "is_router INTEGER NOT NULL DEFAULT 0, vendor TEXT, first_seen_us "
                     "INTEGER NOT NULL, last_seen_us INTEGER NOT NULL, packets_out INTEGER "
                     "NOT NULL DEFAULT 0, packets_in INTEGER NOT NULL DEFAULT 0, bytes_out "
                     "INTEGER NOT NULL DEFAULT 0, bytes_in INTEGER NOT NULL DEFAULT 0);"
                     "CREATE TABLE attributes (device_id INTEGER NOT NULL, name TEXT NOT "
                     "NULL, value TEXT NOT NULL, protocol TEXT NOT NULL, first_seen_us "
                     "INTEGER NOT NULL, last_seen_us INTEGER NOT NULL, count INTEGER NOT "
                     "NULL, PRIMARY KEY (device_id, name, value, protocol)) WITHOUT ROWID;"
                     "CREATE TABLE device_peers (device_id INTEGER PRIMARY KEY, peers BLOB "
                     "NOT NULL);"
                     "CREATE TABLE runs (id INTEGER PRIMARY KEY, started_at_us INTEGER NOT "
                     "NULL, finished_at_us INTEGER NOT NULL, inputs TEXT NOT NULL, packets "
                     "INTEGER NOT NULL, status TEXT NOT NULL, stats TEXT NOT NULL);"
                     "INSERT INTO devices (key, mac, first_seen_us, last_seen_us) VALUES "
                     "('mac:00:11:22:33:44:55', '00:11:22:33:44:55', 1, 2);"
                     "INSERT INTO attributes VALUES (1, 'hostname', 'cam \"one\" \\x', "
                     "'dhcp', 1, 2, 3), (1, 'ipv4', '10.0.0.5', 'arp', 1, 2, 7);"
                     "PRAGMA user_version=1;",
                     nullptr, nullptr, nullptr),
        SQLITE_OK);
    sqlite3_close(raw);
  }
  auto database = Database::open(path_);
  ASSERT_TRUE(database) << database.error().message;
  EXPECT_EQ(database->schema_version(), 4);
  auto devices = database->load_devices();
  ASSERT_TRUE(devices) << devices.error().message;
  ASSERT_EQ(devices->size(), 1U);
  EXPECT_EQ(devices->front().risk_score, 0);
  EXPECT_TRUE(devices->front().identity.empty());
  // Version 4 moved the attribute rows into one JSON text per device, text and counts intact.
  const auto& attributes = devices->front().attributes;
  ASSERT_EQ(attributes.size(), 2U);
  EXPECT_EQ(attributes[0].attr, proto::Attr::Hostname);
  EXPECT_EQ(attributes[0].value, "cam \"one\" \\x");
  EXPECT_EQ(attributes[0].count, 3U);
  EXPECT_EQ(attributes[1].value, "10.0.0.5");
  EXPECT_EQ(attributes[1].count, 7U);
  // The next run adds to what the migration moved.
  inventory::Device again;
  again.key = "mac:00:11:22:33:44:55";
  again.mac = MacAddress::parse("00:11:22:33:44:55");
  again.first_us = 3;
  again.last_us = 4;
  inventory::AttributeValue ip;
  ip.attr = proto::Attr::Ipv4;
  ip.value = "10.0.0.5";
  ip.protocol = "arp";
  ip.first_us = 3;
  ip.last_us = 9;
  ip.count = 2;
  again.attributes.push_back(ip);
  ASSERT_TRUE(database->merge_devices({again}));
  auto merged = database->find_device("10.0.0.5");  // found through the attributes view
  ASSERT_TRUE(merged) << merged.error().message;
  ASSERT_TRUE(merged->has_value());
  ASSERT_EQ((*merged)->attributes.size(), 2U);
  EXPECT_EQ((*merged)->attributes[1].count, 9U);
  EXPECT_EQ((*merged)->attributes[1].first_us, 1);
  EXPECT_EQ((*merged)->attributes[1].last_us, 9);
}

TEST_F(DatabaseTest, AVolumeBaselineReplacesTheOneBeforeAndLeavesBehaviourAlone) {
  auto db = Database::open(path_);
  ASSERT_TRUE(db.has_value());
  const std::string key = "mac:44:19:b6:00:00:02";
  ASSERT_TRUE(db->add_baselines({{key, {"port:tcp/443", "dst:203.0.113.5"}}}, 1).has_value());
  ASSERT_TRUE(db->set_volume_baselines({{key, 20000}}, 2).has_value());
  ASSERT_TRUE(db->set_volume_baselines({{key, 35000}, {"mac:00:11:32:00:00:09", 0}}, 3));
  auto loaded = db->load_baselines();
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(loaded->at(key),
            (std::set<std::string>{"bytes_out:35000", "dst:203.0.113.5", "port:tcp/443"}));
  EXPECT_EQ(loaded->at("mac:00:11:32:00:00:09"), (std::set<std::string>{"bytes_out:0"}));
}

TEST_F(DatabaseTest, AFailedWriteRollsBackWithSqlitesReasonAndTheNextWriteSucceeds) {
  auto db = Database::open(path_);
  ASSERT_TRUE(db.has_value());
  inventory::Device device = camera(10, 1, 2);
  ASSERT_TRUE(db->merge_devices({device}).has_value());
  // Another connection makes the findings and alerts refuse new rows, as a full disk or a
  // corrupt page would fail a write half way through a transaction.
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &raw), SQLITE_OK);
  auto run_sql = [&](const char* sql) {
    return sqlite3_exec(raw, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
  };
  ASSERT_TRUE(run_sql(
      "CREATE TRIGGER refuse_findings BEFORE INSERT ON findings BEGIN SELECT RAISE(ABORT, "
      "'findings refused'); END; CREATE TRIGGER refuse_alerts BEFORE INSERT ON alerts BEGIN "
      "SELECT RAISE(ABORT, 'alerts refused'); END;"));

  device.risk_score = 70;
  inventory::Finding finding;
  finding.id = "WARDEN-RISK-TELNET";
  finding.title = "Telnet service offered";
  finding.severity = "high";
  finding.points = 25;
  device.findings.push_back(finding);
  const std::array<const inventory::Device*, 1> assessed = {&device};
  auto stored = db->store_assessment(assessed);
  ASSERT_FALSE(stored.has_value());
  EXPECT_NE(stored.error().message.find("findings refused"), std::string::npos)
      << stored.error().message;
  detect::Alert alert;
  alert.id = "WARDEN-DET-PORT-SCAN:192.168.1.20";
  alert.rule_id = "WARDEN-DET-PORT-SCAN";
  auto alerted = db->store_alerts({alert});
  ASSERT_FALSE(alerted.has_value());
  EXPECT_NE(alerted.error().message.find("alerts refused"), std::string::npos)
      << alerted.error().message;
  // The score written before the findings failed was rolled back with them.
  EXPECT_EQ(query_text("SELECT risk_score FROM devices"), "0");

  // Nothing was left open: once the triggers are gone the same writes go through.
  ASSERT_TRUE(run_sql("DROP TRIGGER refuse_findings; DROP TRIGGER refuse_alerts;"));
  sqlite3_close(raw);
  EXPECT_TRUE(db->store_assessment(assessed).has_value());
  EXPECT_TRUE(db->store_alerts({alert}).has_value());
  EXPECT_EQ(query_text("SELECT risk_score FROM devices"), "70");
  EXPECT_EQ(query_text("SELECT count(*) FROM findings"), "1");
  EXPECT_EQ(query_text("SELECT count(*) FROM alerts"), "1");
}

TEST_F(DatabaseTest, AttributeTextRoundTripsThroughTheStoredJson) {
  // Canonical values are printable ASCII, but whatever reaches the store must come back as it
  // went in: quotes, backslashes, control bytes, bytes above 0x7F.
  const std::vector<std::string> values = {"say \"hi\"",
                                           "C:\\path\\",
                                           std::string("a\x01\tb\nc", 6),
                                           "caf\xc3\xa9",
                                           std::string("raw\xff\xfe", 5),
                                           "[1,2]"};
  inventory::Device device;
  device.key = "mac:00:11:22:33:44:66";
  device.mac = MacAddress::parse("00:11:22:33:44:66");
  device.first_us = 1;
  device.last_us = 2;
  for (const std::string& text : values) {
    inventory::AttributeValue value;
    value.attr = proto::Attr::Hostname;
    value.value = text;
    value.protocol = "dhcp";
    value.first_us = 1;
    value.last_us = 2;
    value.count = 1;
    device.attributes.push_back(value);
  }
  auto database = Database::open(path_);
  ASSERT_TRUE(database) << database.error().message;
  ASSERT_TRUE(database->merge_devices({device}));
  ASSERT_TRUE(database->merge_devices({device}));  // read back, merged, written again
  auto loaded = database->load_devices();
  ASSERT_TRUE(loaded) << loaded.error().message;
  ASSERT_EQ(loaded->size(), 1U);
  std::multiset<std::string> got;
  for (const auto& attribute : loaded->front().attributes) {
    got.insert(attribute.value);
    EXPECT_EQ(attribute.count, 2U) << attribute.value;
  }
  EXPECT_EQ(got, std::multiset<std::string>(values.begin(), values.end()));

  // A hand-edited text this writer would not produce (an escape above ASCII, spacing, a
  // fraction) is still read, through the attributes view.
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw,
                         "UPDATE device_attributes SET attributes = "
                         "'[ [\"hostname\", \"caf\\u00e9\", \"dhcp\", 1, 2.0, 3] ]'",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(raw);
  auto edited = database->load_devices();
  ASSERT_TRUE(edited) << edited.error().message;
  ASSERT_EQ(edited->front().attributes.size(), 1U);
  EXPECT_EQ(edited->front().attributes[0].value, "caf\xc3\xa9");
  EXPECT_EQ(edited->front().attributes[0].count, 3U);
}

TEST_F(DatabaseTest, AStoredDeviceKeepsTheValuesAndPeersItShowedLastWithinItsBounds) {
  // A sensor merging interval after interval into one file: five runs of a busy phone, each with
  // 300 names looked up and 1,000 peers it never showed before, its one host name and ten peers
  // it talks to every time; three of the runs also show 200 services each.
  auto database = Database::open(path_);
  ASSERT_TRUE(database) << database.error().message;
  auto peer_of = [](std::uint32_t number) {
    return IpAddress::v4_from_u32(0x0A000000U + number);  // 10.0.0.0 onwards
  };
  MergeStats evicted;
  for (std::int64_t run = 1; run <= 5; ++run) {
    inventory::Device device;
    device.key = "mac:00:11:22:33:44:77";
    device.mac = MacAddress::parse("00:11:22:33:44:77");
    const std::int64_t start = run * 1'000'000;
    device.first_us = start;
    device.last_us = start + 999'999;
    auto value = [&](proto::Attr attr, std::string text, std::int64_t at) {
      inventory::AttributeValue attribute;
      attribute.attr = attr;
      attribute.value = std::move(text);
      attribute.protocol = attr == proto::Attr::Hostname ? "dhcp" : "dns";
      attribute.first_us = at;
      attribute.last_us = at;
      attribute.count = 1;
      device.attributes.push_back(std::move(attribute));
    };
    value(proto::Attr::Hostname, "phone", start);
    for (std::int64_t name = 0; name < 300; ++name) {
      value(proto::Attr::DnsQuery,
            "n" + std::to_string(run) + "-" + std::to_string(name) + ".example", start + name);
    }
    if (run <= 3) {
      for (std::int64_t port = 0; port < 200; ++port) {
        value(proto::Attr::Service,
              "tcp/" + std::to_string(1000 + port) + " r" + std::to_string(run), start + port);
      }
    }
    std::sort(device.attributes.begin(), device.attributes.end(), inventory::attribute_order);
    for (std::uint32_t peer = 0; peer < 10; ++peer) {
      device.peers.push_back({peer_of(peer), start, start + 10, 1});
    }
    for (std::uint32_t peer = 0; peer < 1000; ++peer) {
      const std::int64_t at = start + 100 + peer;
      device.peers.push_back({peer_of(static_cast<std::uint32_t>(run) * 10'000 + peer), at, at, 1});
    }
    auto merged = database->merge_devices({device});
    ASSERT_TRUE(merged) << merged.error().message;
    evicted.attributes_evicted += merged->attributes_evicted;
    evicted.peers_evicted += merged->peers_evicted;
  }
  // 1,500 names, 1,024 kept: runs 3 to 5 and run 2's last 124; 600 services, 512 kept.
  EXPECT_EQ(evicted.attributes_evicted,
            (1500U - kStoredActivityPerKind) + (600U - kStoredValuesPerKind));
  // 4,010 peers after four runs, 5,010 after the fifth: 914 of run 1's (the oldest) evicted.
  EXPECT_EQ(evicted.peers_evicted, 5010U - kStoredPeers);

  auto loaded = database->load_devices();
  ASSERT_TRUE(loaded) << loaded.error().message;
  ASSERT_EQ(loaded->size(), 1U);
  const inventory::Device& phone = loaded->front();
  std::map<proto::Attr, std::set<std::string>> kept;
  for (const inventory::AttributeValue& attribute : phone.attributes) {
    kept[attribute.attr].insert(attribute.value);
    if (attribute.attr == proto::Attr::Hostname) {
      EXPECT_EQ(attribute.count, 5U);  // never crowded out, counted in every run
    }
  }
  EXPECT_EQ(kept[proto::Attr::Hostname], std::set<std::string>{"phone"});
  ASSERT_EQ(kept[proto::Attr::DnsQuery].size(), kStoredActivityPerKind);
  EXPECT_TRUE(kept[proto::Attr::DnsQuery].contains("n5-299.example"));
  EXPECT_TRUE(kept[proto::Attr::DnsQuery].contains("n3-0.example"));
  EXPECT_TRUE(kept[proto::Attr::DnsQuery].contains("n2-176.example"));   // run 2's last 124
  EXPECT_FALSE(kept[proto::Attr::DnsQuery].contains("n2-175.example"));  // and no earlier
  EXPECT_FALSE(kept[proto::Attr::DnsQuery].contains("n1-299.example"));
  ASSERT_EQ(kept[proto::Attr::Service].size(), kStoredValuesPerKind);
  EXPECT_TRUE(kept[proto::Attr::Service].contains("tcp/1088 r1"));
  EXPECT_FALSE(kept[proto::Attr::Service].contains("tcp/1087 r1"));
  // Read back in the order output has always had: by name, then first seen.
  EXPECT_TRUE(
      std::is_sorted(phone.attributes.begin(), phone.attributes.end(),
                     [](const inventory::AttributeValue& a, const inventory::AttributeValue& b) {
                       return std::tuple(proto::attr_name(a.attr), a.first_us) <
                              std::tuple(proto::attr_name(b.attr), b.first_us);
                     }));

  ASSERT_EQ(phone.peers.size(), kStoredPeers);
  std::map<IpAddress, inventory::PeerValue> peers;
  for (const inventory::PeerValue& peer : phone.peers) {
    EXPECT_TRUE(peers.emplace(peer.ip, peer).second) << peer.ip.to_string();  // each once
  }
  for (std::uint32_t peer = 0; peer < 10; ++peer) {
    ASSERT_TRUE(peers.contains(peer_of(peer)));
    EXPECT_EQ(peers[peer_of(peer)].flows, 5U);  // added up over the five runs
    EXPECT_EQ(peers[peer_of(peer)].first_us, 1'000'000);
    EXPECT_EQ(peers[peer_of(peer)].last_us, 5'000'010);
  }
  EXPECT_TRUE(peers.contains(peer_of(50'999)));
  EXPECT_TRUE(peers.contains(peer_of(10'000 + 914)));   // run 1's last 86 stay
  EXPECT_FALSE(peers.contains(peer_of(10'000 + 913)));  // its first 914 went
  EXPECT_TRUE(std::is_sorted(phone.peers.begin(), phone.peers.end(),
                             [](const inventory::PeerValue& a, const inventory::PeerValue& b) {
                               return std::tie(a.first_us, a.ip) < std::tie(b.first_us, b.ip);
                             }));
}

TEST_F(DatabaseTest, RepeatsOfAnAlertAddUpAndKeepTheLatestDescription) {
  detect::Alert alert;
  alert.id = "WARDEN-POL-VIOLATION:zone:internet>10.0.0.20:tcp/23";
  alert.rule_id = "WARDEN-POL-VIOLATION";
  alert.severity = "high";
  alert.source_ip = "203.0.113.10";
  alert.destination_ip = "10.0.0.20";
  alert.first_us = 100;
  alert.last_us = 200;
  alert.count = 1;
  alert.message = "203.0.113.10 (internet) -> 10.0.0.20 (cameras) tcp/23: denied";
  alert.evidence = {{"sources", 1}};
  {
    auto database = Database::open(path_);
    ASSERT_TRUE(database);
    ASSERT_TRUE(database->store_alerts({alert}));
  }
  // A later analysis: three sources of the same service, so no one source address.
  alert.source_ip.clear();
  alert.first_us = 50;
  alert.last_us = 150;
  alert.count = 3;
  alert.message = "3 hosts (internet) -> 10.0.0.20 (cameras) tcp/23: denied";
  alert.evidence = {{"sources", 3}};
  auto database = Database::open(path_);
  ASSERT_TRUE(database);
  ASSERT_TRUE(database->store_alerts({alert}));
  auto alerts = database->load_alerts();
  ASSERT_TRUE(alerts);
  ASSERT_EQ(alerts->size(), 1U);
  const detect::Alert& stored = alerts->front();
  EXPECT_EQ(stored.count, 4U);
  EXPECT_EQ(stored.first_us, 50);
  EXPECT_EQ(stored.last_us, 200);
  EXPECT_EQ(stored.source_ip, "");
  EXPECT_EQ(stored.message, alert.message);
  EXPECT_EQ(stored.evidence["sources"], 3);
}

}  // namespace
}  // namespace warden::storage
