// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "detect/alert.hpp"
#include "detect/device_index.hpp"
#include "detect/intel.hpp"
#include "detect/tracker.hpp"
#include "inventory/device.hpp"

namespace warden::detect {

/// Thresholds and expectations of the detections (docs/detections.md explains each).
struct DetectConfig {
  std::vector<std::uint16_t> expected_external_ports = {53, 80, 123, 443};
  std::size_t telnet_scan_hosts = 10;  ///< distinct hosts probed on 23/2323
  std::size_t mirai_seq_hosts = 3;     ///< SYNs with sequence number = destination address
  std::size_t port_scan_ports = 20;    ///< distinct ports of one host
  std::size_t sweep_hosts = 20;        ///< distinct hosts on one port
  std::uint64_t brute_force_failures = 5;
  std::uint64_t brute_force_connections = 10;  ///< connections to an SSH service by one client
  std::size_t beacon_min_connections = 8;
  double beacon_max_variation = 0.2;                    ///< stddev / mean of the intervals
  std::int64_t beacon_min_interval_us = 5'000'000;      ///< faster is not a beacon
  std::uint64_t exfil_bytes = std::uint64_t{50} << 20;  ///< bytes out to the internet per run
  /// For a device with a learned volume (DetectContext::exfil_baseline): this many times it, but
  /// never less than exfil_baseline_floor, when that is below exfil_bytes.
  double exfil_baseline_factor = 10;
  std::uint64_t exfil_baseline_floor = std::uint64_t{1} << 20;
  std::size_t dga_names = 8;            ///< random-looking domains looked up
  std::size_t tunnel_names = 50;        ///< distinct names under one domain, with...
  double tunnel_mean_label_bytes = 20;  ///< ... this mean length of what precedes the domain
  /// Echo replies not returning their request's data, or answering no request.
  std::uint64_t icmp_tunnel_replies = 10;
  std::uint64_t icmp_tunnel_ip_packets = 10;  ///< echo data that are whole IP packets
  std::uint64_t icmp_tunnel_bytes = std::uint64_t{256} << 10;  ///< echo data both ways, with...
  std::size_t icmp_tunnel_sizes = 8;  ///< ... at least this many distinct data sizes
};

/// What the detections know beyond the traffic.
struct DetectContext {
  const std::vector<inventory::Device>* devices = nullptr;  ///< this run's devices, identified
  std::set<std::string> known_before;                       ///< device keys stored before this run
  bool inventory_was_empty = true;  ///< no device stored before: no "new device" alerts
  std::set<std::string> approved;   ///< approved device keys (rogue = not approved)
  const Indicators* intel = nullptr;
  /// Device key -> the most it sent to the internet in one learning run (outbound_volume()).
  std::map<std::string, std::uint64_t> exfil_baseline;
  /// Learned behaviour: device key -> "port:<n>", "dst:<ip>", "protocol:<name>" values.
  std::map<std::string, std::set<std::string>> baseline;
  bool learning = false;  ///< this run builds the baseline: no "new behaviour" alerts
};

/// Every detection rule: id, name, severity, techniques (docs/detections.md).
struct RuleInfo {
  std::string_view id;
  std::string_view name;
  std::string_view severity;
  std::string_view techniques;  ///< comma-separated
};
std::span<const RuleInfo> detection_rules();

/// Runs every detection on the merged tracker state of a run and returns the alerts, one per
/// rule and subject (repeats aggregated in count, first and last time).
std::vector<Alert> evaluate(const Tracker& tracker, const DetectContext& context,
                            const DetectConfig& config = {});

/// evaluate() shared by the threads that call run(): the detections are tasks, each claimed by
/// one thread, whose alerts are put together in the order evaluate() makes them, so any number
/// of threads give the same alerts. Built (on one thread) once the tracker is merged; run() only
/// once every device of `context.devices` is identified. `tracker` and `context` must outlive it
/// (`config` is copied).
class SharedEvaluation {
 public:
  SharedEvaluation(const Tracker& tracker, const DetectContext& context, DetectConfig config = {});

  /// Runs detections until none is left to claim, then waits until those other threads claimed
  /// are done too.
  void run();

  /// The alerts, as evaluate() returns them. Only after run() has returned, once.
  [[nodiscard]] std::vector<Alert> alerts();

 private:
  const Tracker& tracker_;
  const DetectContext& context_;
  const DetectConfig config_;
  DeviceIndex index_;
  std::vector<std::vector<Alert>> found_;  ///< per task
  std::atomic<std::size_t> next_{0};       ///< the first task no thread has claimed
  std::atomic<std::size_t> finished_{0};   ///< tasks done
};

/// The behaviour values of each device this run shows ("port:23", "dst:203.0.113.5",
/// "protocol:mqtt"): what `--learn` stores and later runs compare with. At most 64 protocols,
/// 192 ports and 256 destinations per device or class, the smallest of each kind (in text
/// order): the same values whatever order the conversations are in.
std::map<std::string, std::set<std::string>> behaviour(
    const Tracker& tracker, const std::vector<inventory::Device>& devices);

/// The bytes each of `devices` sent to the internet in the connections it opened this run (0 for
/// a device that sent none): what `--learn` stores as its usual outbound volume.
std::map<std::string, std::uint64_t> outbound_volume(const Tracker& tracker,
                                                     const std::vector<inventory::Device>& devices);

}  // namespace warden::detect
