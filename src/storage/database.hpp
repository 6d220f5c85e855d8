// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <tl/expected.hpp>
#include <vector>

#include "detect/alert.hpp"
#include "inventory/device.hpp"

struct sqlite3;

namespace warden::storage {

/// An environment failure with context ("warden.db: database is locked").
struct Error {
  std::string message;
};

template <typename T>
using Expected = tl::expected<T, Error>;

/// Summary of one `warden analyze` run, kept in the `runs` table.
struct RunRecord {
  std::int64_t started_at_us = 0;
  std::int64_t finished_at_us = 0;
  std::string inputs;  ///< newline-separated files or the interface
  std::uint64_t packets = 0;
  std::string status;      ///< "complete", "truncated", ...
  std::string stats_json;  ///< counters of the run
};

/// What merging a run's devices into the stored inventory evicted to stay within its bounds.
struct MergeStats {
  std::uint64_t attributes_evicted = 0;
  std::uint64_t peers_evicted = 0;
};

/// Values of one attribute kind a stored device keeps: an identity kind (host names, services,
/// DHCP options, ...; as many as one address pair holds in a run), and an activity kind (names
/// looked up, servers asked for, topics).
inline constexpr std::size_t kStoredValuesPerKind = 512;
inline constexpr std::size_t kStoredActivityPerKind = 1024;
/// Peers a stored device keeps.
inline constexpr std::size_t kStoredPeers = 4096;

/// The embedded SQLite store: WAL journal, versioned migrations (PRAGMA user_version).
/// Merging devices is an upsert: counters add up, first/last seen widen, attribute counts add.
class Database {
 public:
  /// Opens (creating if needed) and migrates the database at `path`.
  static Expected<Database> open(const std::string& path);
  /// Opens an existing database read-only; fails if it does not exist.
  static Expected<Database> open_existing(const std::string& path);

  ~Database();
  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  /// Current schema version after migrations.
  [[nodiscard]] int schema_version() const;

  /// Merges `devices` into the stored inventory in one transaction. A device keeps at most
  /// kStoredValuesPerKind values of each attribute kind (kStoredActivityPerKind of an activity
  /// kind, inventory::is_activity_attr()) and kStoredPeers peers: those seen last. What the
  /// bounds evicted is counted in the result.
  Expected<MergeStats> merge_devices(const std::vector<inventory::Device>& devices);
  Expected<std::int64_t> record_run(const RunRecord& run);

  /// Replaces the stored identity, findings and risk score of each of `devices` (matched by key)
  /// in one transaction.
  Expected<void> store_assessment(const std::vector<inventory::Device>& devices);
  Expected<void> store_assessment(std::span<const inventory::Device* const> devices);
  /// Identity fields a user pinned on the device with `device_key`: field -> value.
  Expected<std::map<std::string, std::string>> load_pins(const std::string& device_key);
  /// Every pin: device key -> field -> value.
  Expected<std::map<std::string, std::map<std::string, std::string>>> load_all_pins();
  /// Pins `field` of the device to `value`, or removes the pin when `value` is nullopt.
  Expected<void> set_pin(const std::string& device_key, const std::string& field,
                         const std::optional<std::string>& value, std::int64_t now_us);

  /// Keys of every stored device.
  Expected<std::set<std::string>> device_keys();
  /// Adds `alerts`; an alert whose id is stored already is aggregated into it.
  Expected<void> store_alerts(const std::vector<detect::Alert>& alerts);
  /// Every stored alert, oldest last-seen first.
  Expected<std::vector<detect::Alert>> load_alerts();
  /// Sets a device's approval state ("approved", "rogue", "pending").
  Expected<void> set_approval(const std::string& device_key, const std::string& state,
                              std::int64_t now_us);
  /// Keys of the approved devices.
  Expected<std::set<std::string>> approved_devices();
  /// Learned behaviour values per device key.
  Expected<std::map<std::string, std::set<std::string>>> load_baselines();
  Expected<void> add_baselines(const std::map<std::string, std::set<std::string>>& values,
                               std::int64_t now_us);
  /// Replaces each listed device's learned outbound volume, the value "bytes_out:<bytes>" among
  /// its baselines (one per device: the caller passes the most of old and new).
  Expected<void> set_volume_baselines(const std::map<std::string, std::uint64_t>& volumes,
                                      std::int64_t now_us);

  /// How many devices are stored.
  Expected<std::int64_t> count_devices();

  /// Every stored device with its attributes and peers, ordered by key.
  Expected<std::vector<inventory::Device>> load_devices();
  /// The device whose MAC or one of whose IP addresses is `mac_or_ip`, if any.
  Expected<std::optional<inventory::Device>> find_device(const std::string& mac_or_ip);

  /// Starts copying what the WAL holds into the database file, on a thread and a connection of
  /// their own, while this connection goes on (WAL lets one checkpoint run beside a writer). The
  /// copy and its two fsyncs then overlap the caller's work instead of the close's: closing
  /// copies only what was written after this call. The destructor waits for the thread; a
  /// failure leaves the pages in the WAL, which the close copies as always.
  void checkpoint_in_background();
  /// Waits for checkpoint_in_background(): the WAL frames it copied, or why it could not.
  Expected<int> wait_for_checkpoint();

 private:
  explicit Database(sqlite3* handle, std::string path) : db_(handle), path_(std::move(path)) {}
  Expected<void> exec(const char* sql);
  Expected<void> migrate();
  Expected<void> load_details(std::vector<inventory::Device>& devices, const std::string& where);

  sqlite3* db_ = nullptr;
  std::string path_;
  std::future<Expected<int>> checkpointer_;  ///< checkpoint_in_background()
};

}  // namespace warden::storage
