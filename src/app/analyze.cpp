// SPDX-License-Identifier: Apache-2.0
#include "app/analyze.hpp"

#include <fmt/format.h>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <csignal>
#include <ctime>
#include <filesystem>
#include <future>
#include <iostream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <thread>

#include "app/assess.hpp"
#include "app/exit_codes.hpp"
#include "app/siem_bridge.hpp"
#include "capture/pcap_source.hpp"
#include "decode/decoder.hpp"
#include "detect/detector.hpp"
#include "detect/intel.hpp"
#include "detect/policy_check.hpp"
#include "export/device_format.hpp"
#include "inventory/device.hpp"
#include "inventory/oui.hpp"
#include "policy/policy.hpp"
#include "siem/delivery.hpp"
#include "storage/database.hpp"

namespace warden::app {
namespace {

volatile std::sig_atomic_t g_stop_requested = 0;  // NOLINT: written by the signal handler

extern "C" void on_stop_signal(int /*signal*/) {
  g_stop_requested = 1;
}

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// Large structures the run is done with, kept until the process ends. Freeing them one allocation
/// at a time (hundreds of thousands of strings and vectors) took about 20 ms at the end of a run
/// on the benchmark capture; the kernel takes the memory back at once when the process exits
/// (clang's -disable-free does the same). They stay reachable from here, so leak checkers do not
/// report them.
template <typename T>
void keep_until_exit(T&& object) {
  static auto* kept = new std::vector<std::shared_ptr<void>>();  // NOLINT: never freed, on purpose
  kept->push_back(std::make_shared<std::decay_t<T>>(std::forward<T>(object)));
}

bool has_capture_extension(const std::filesystem::path& path) {
  const std::string extension = path.extension().string();
  return extension == ".pcap" || extension == ".pcapng" || extension == ".cap" ||
         extension == ".dmp" || extension == ".trace";
}

/// Files named on the command line are taken as they are; directories contribute their capture
/// files (by extension), recursively, in sorted order.
std::vector<std::string> expand_inputs(const std::vector<std::string>& inputs,
                                       std::vector<std::string>& missing) {
  std::vector<std::string> files;
  for (const std::string& input : inputs) {
    std::error_code error;
    if (std::filesystem::is_directory(input, error)) {
      std::vector<std::string> found;
      for (auto it = std::filesystem::recursive_directory_iterator(
               input, std::filesystem::directory_options::skip_permission_denied, error);
           !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
        if (it->is_regular_file(error) && has_capture_extension(it->path())) {
          found.push_back(it->path().string());
        }
      }
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (std::filesystem::exists(input, error)) {
      files.push_back(input);
    } else {
      missing.push_back(input);
    }
  }
  return files;
}

/// A one-line progress bar on stderr, redrawn at most every 200 ms.
class Progress {
 public:
  explicit Progress(bool enabled, std::uint64_t total_bytes)
      : enabled_(enabled && isatty(STDERR_FILENO) != 0), total_(total_bytes) {}
  void update(std::uint64_t done_bytes, std::uint64_t packets) {
    if (!enabled_) {
      return;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(200)) {
      return;
    }
    last_ = now;
    const double fraction =
        total_ == 0 ? 0.0
                    : std::min(1.0, static_cast<double>(done_bytes) / static_cast<double>(total_));
    const int filled = static_cast<int>(fraction * 30);
    std::cerr << fmt::format("\r[{:<30}] {:5.1f}%  {} packets",
                             std::string(static_cast<std::size_t>(filled), '#'), fraction * 100.0,
                             packets)
              << std::flush;
    drawn_ = true;
  }
  void clear() {
    if (drawn_) {
      std::cerr << "\r" << std::string(70, ' ') << "\r" << std::flush;
    }
  }

 private:
  bool enabled_;
  std::uint64_t total_;
  std::chrono::steady_clock::time_point last_{};
  bool drawn_ = false;
};

/// After the capture handle is open: give up root for the rest of the run.
bool drop_privileges(const std::string& user, const std::string& database) {
  if (user.empty() || geteuid() != 0) {
    return true;
  }
  const passwd* entry = getpwnam(user.c_str());  // NOLINT(concurrency-mt-unsafe): single thread
  if (entry == nullptr) {
    std::cerr << "warden: cannot drop privileges: no user '" << user << "'\n";
    return false;
  }
  // The database stays writable by the unprivileged user.
  for (const char* suffix : {"", "-wal", "-shm"}) {
    const std::string path = database + suffix;
    if (std::filesystem::exists(path) && chown(path.c_str(), entry->pw_uid, entry->pw_gid) != 0) {
      std::cerr << "warden: cannot hand " << path << " to " << user << '\n';
      return false;
    }
  }
  if (setgroups(0, nullptr) != 0 || setgid(entry->pw_gid) != 0 || setuid(entry->pw_uid) != 0) {
    std::cerr << "warden: cannot drop privileges to " << user << '\n';
    return false;
  }
  return true;
}

nlohmann::json stats_json(const engine::WorkerStats& stats) {
  nlohmann::json anomalies = nlohmann::json::object();
  for (const auto& [name, count] : stats.anomalies) {
    anomalies[std::string(name)] = count;
  }
  return {{"packets", stats.decode.packets},
          {"decode",
           {{"truncated", stats.decode.truncated},
            {"malformed", stats.decode.malformed},
            {"ipv4", stats.decode.ipv4},
            {"ipv6", stats.decode.ipv6},
            {"arp", stats.decode.arp},
            {"vlan_tagged", stats.decode.vlan_tagged},
            {"fragments", stats.decode.fragments},
            {"ipv6_extension_limit", stats.decode.ipv6_ext_limit}}},
          {"flows",
           {{"created", stats.flows.created},
            {"evicted_idle", stats.flows.evicted_idle},
            {"evicted_capacity", stats.flows.evicted_capacity},
            {"peak_active", stats.flows.peak_active}}},
          {"inventory",
           {{"endpoints_created", stats.inventory.endpoints_created},
            {"endpoints_evicted", stats.inventory.endpoints_evicted},
            {"attributes_dropped", stats.inventory.attributes_dropped},
            {"activity_dropped", stats.inventory.activity_dropped},
            {"peers_dropped", stats.inventory.peers_dropped},
            {"observations", stats.inventory.observations}}},
          {"analyzers",
           {{"datagrams", stats.analyzed_datagrams},
            {"streams", stats.analyzed_streams},
            {"stream_gaps", stats.stream_gaps},
            {"stream_overflows", stats.stream_overflows}}},
          {"anomalies", anomalies}};
}

}  // namespace

int run_analyze(const AnalyzeOptions& options) {
  std::int64_t started = now_us();
  int exit_code = kExitOk;
  auto raise = [&exit_code](int code) { exit_code = std::max(exit_code, code); };

  std::vector<std::string> missing;
  const std::vector<std::string> files = expand_inputs(options.inputs, missing);
  for (const std::string& input : missing) {
    std::cerr << "warden: " << input << ": no such file or directory\n";
    raise(kExitBadInput);
  }
  if (options.interface.empty() && files.empty()) {
    std::cerr << "warden: no capture files to analyze\n";
    return std::max(exit_code, static_cast<int>(kExitBadInput));
  }

  // Rules and lists first: a broken file should fail before minutes of capture reading.
  // A user's files are checked now; the built-in rules alone (tested, and about 25 ms of YAML
  // parsing) load on a thread of their own while the capture is read.
  std::optional<identify::RuleSet> rules;
  std::future<std::optional<identify::RuleSet>> builtin_rules;
  if (options.rules.rule_files.empty() && options.rules.recog_directory.empty()) {
    builtin_rules = std::async(std::launch::async, [&] { return load_rules(options.rules); });
  } else {
    rules = load_rules(options.rules);
    if (!rules) {
      return kExitUsage;
    }
  }
  detect::Indicators intel;
  for (const std::string& file : options.intel_files) {
    auto loaded = intel.load_file(file);
    if (!loaded) {
      std::cerr << "warden: intel: " << loaded.error() << '\n';
      return kExitUsage;
    }
    std::cerr << "warden: intel: " << *loaded << " indicators from " << file << '\n';
  }

  std::optional<policy::Policy> segmentation;
  if (!options.policy_file.empty()) {
    auto loaded = policy::load_policy(options.policy_file);
    if (!loaded) {
      std::cerr << "warden: policy: " << loaded.error().text() << '\n';
      return kExitUsage;
    }
    segmentation = std::move(*loaded);
  }
  // SIEM outputs start before the capture: a bad configuration stops the run at once.
  std::unique_ptr<siem::Outputs> outputs;
  if (!options.outputs_file.empty()) {
    auto created = siem::Outputs::from_file(options.outputs_file);
    if (!created) {
      std::cerr << "warden: outputs: " << created.error().message << '\n';
      return kExitUsage;
    }
    outputs = std::move(*created);
  }

  auto database = storage::Database::open(options.database);
  if (!database) {
    std::cerr << "warden: database " << database.error().message << '\n';
    return kExitDatabase;
  }

  auto engine = std::make_unique<engine::Engine>(options.engine);
  std::uint64_t packets = 0;
  std::string status = "complete";
  std::string inputs_text;
  // Everything after reading: build and store the devices, identify, assess, detect, deliver,
  // record the run. Live capture with --interval runs it once per interval on a fresh engine;
  // after the last batch (`last`) the big structures are left for the process's exit to reclaim.
  auto finish_batch = [&](bool last) -> int {
    const std::int64_t read_done = now_us();
    if (builtin_rules.valid()) {
      rules = builtin_rules.get();
    }
    if (!rules) {
      return kExitUsage;  // load_rules said why
    }
    engine::WorkerStats stats;
    detect::Tracker tracker;
    std::vector<inventory::EndpointTable> tables = engine->finish_tables(stats);
    // The workers' detection state merges beside the device build; detections wait for it.
    std::jthread tracker_merge([&] { engine->merge_trackers(tracker); });
    const std::int64_t finish_done = now_us();
    std::vector<MacAddress> macs;
    std::vector<inventory::EndpointTable*> table_list;
    for (inventory::EndpointTable& table : tables) {
      table_list.push_back(&table);
      for (const inventory::Endpoint& endpoint : table.endpoints()) {
        if (endpoint.in_use && endpoint.key.mac.is_unicast_station()) {
          macs.push_back(endpoint.key.mac);
        }
      }
    }
    const auto oui = inventory::OuiDatabase::load(
        options.oui_directories.empty() ? inventory::OuiDatabase::default_directories()
                                        : options.oui_directories,
        &macs);
    if (!oui.error().empty()) {
      std::cerr << "warden: warning: " << oui.error() << '\n';
    }
    std::vector<inventory::Device> devices =
        inventory::build_devices_consuming(table_list, oui, options.engine.threads);
    const std::int64_t build_done = now_us();

    // A database with no devices before this run holds exactly what this run built: identify
    // those in memory instead of reading them back.
    const auto stored_before = database->device_keys();
    if (!stored_before) {
      std::cerr << "warden: database " << options.database << ": " << stored_before.error().message
                << '\n';
      return kExitDatabase;
    }
    std::set<std::string> seen;
    for (const auto& device : devices) {
      seen.insert(device.key);
    }
    const std::size_t device_count = devices.size();
    // Into an empty database, with more than one thread: identify and assess in memory while the
    // devices are stored (the two touch different fields of each device).
    const bool assess_beside_store = stored_before->empty() && options.engine.threads > 1;
    PinsByDevice pins;
    if (assess_beside_store) {
      auto loaded = database->load_all_pins();
      if (!loaded) {
        std::cerr << "warden: database " << options.database << ": " << loaded.error().message
                  << '\n';
        return kExitDatabase;
      }
      pins = std::move(*loaded);
    }
    // Detections need the devices identified, the approvals and the learned baselines.
    auto approved = database->approved_devices();
    auto baseline = database->load_baselines();
    if (!approved || !baseline) {
      std::cerr << "warden: database " << options.database << ": "
                << (approved ? baseline.error().message : approved.error().message) << '\n';
      return kExitDatabase;
    }
    // Learned outbound volumes ("bytes_out:<bytes>") are the exfiltration rule's; the other
    // values are behaviour (a device with a volume only has no behaviour baseline, as before).
    std::map<std::string, std::uint64_t> learned_volume;
    for (auto entry = baseline->begin(); entry != baseline->end();) {
      std::set<std::string>& values = entry->second;
      for (auto value = values.lower_bound("bytes_out:");
           value != values.end() && value->starts_with("bytes_out:");) {
        std::uint64_t bytes = 0;
        const std::string_view digits = std::string_view(*value).substr(10);
        if (std::from_chars(digits.data(), digits.data() + digits.size(), bytes).ec ==
            std::errc{}) {
          learned_volume[entry->first] = std::max(learned_volume[entry->first], bytes);
        }
        value = values.erase(value);
      }
      entry = values.empty() ? baseline->erase(entry) : std::next(entry);
    }
    detect::DetectConfig detect_config;
    detect_config.expected_external_ports = options.expected_external_ports;
    detect_config.exfil_bytes = options.exfil_mb << 20;
    detect_config.exfil_baseline_factor = options.exfil_factor;
    auto detect_context = [&](const std::vector<inventory::Device>& identified) {
      detect::DetectContext context;
      context.devices = &identified;
      context.known_before = *stored_before;
      context.inventory_was_empty = stored_before->empty();
      context.intel = intel.size() > 0 ? &intel : nullptr;
      context.learning = options.learn;
      context.approved = *approved;
      context.baseline = *baseline;
      context.exfil_baseline = learned_volume;
      return context;
    };
    // The policy's violations follow the detections' alerts.
    auto add_violations = [&](std::vector<detect::Alert>& found,
                              const std::vector<inventory::Device>& identified) {
      if (segmentation) {
        std::vector<detect::Alert> violations =
            detect::policy_violations(tracker, *segmentation, identified);
        std::move(violations.begin(), violations.end(), std::back_inserter(found));
      }
    };
    tracker_merge.join();
    // With a second thread, into an empty database: identification and risk run beside the
    // store, on both threads once the devices are stored; then the detections, which the storing
    // thread joins once it has stored the assessment (detect::SharedEvaluation: any split gives
    // the same alerts).
    std::vector<const inventory::Device*> assessed_beside;
    std::vector<detect::Alert> alerts;
    std::vector<detect::Alert> violations_beside;  // the policy's, found beside the store
    std::optional<SharedAssessment> sharing;
    std::optional<detect::DetectContext> shared_context;
    std::optional<detect::SharedEvaluation> evaluation;
    std::optional<std::thread> assessor;
    if (assess_beside_store) {
      sharing.emplace(devices, seen, *rules, pins);
      shared_context.emplace(detect_context(devices));
      evaluation.emplace(tracker, *shared_context, detect_config);
      assessor.emplace([&] {
        sharing->run();
        // Every device is identified now (the policy's selectors need their types): the policy
        // is checked here while the storing thread stores the assessment and starts on the
        // detections, which this thread joins after.
        add_violations(violations_beside, devices);
        evaluation->run();
      });
    }
    auto merged = database->merge_devices(devices);
    storage::Expected<void> assessed_stored{};
    if (merged) {
      // Most of what a run writes is now in the WAL: copied into the database while the run
      // goes on, instead of all at the close.
      database->checkpoint_in_background();
      if (sharing) {
        sharing->run();
        assessed_beside = sharing->assessed();
        assessed_stored = database->store_assessment(assessed_beside);
        evaluation->run();
      }
    }
    if (assessor) {
      assessor->join();
      alerts = evaluation->alerts();
      std::move(violations_beside.begin(), violations_beside.end(), std::back_inserter(alerts));
    }
    if (!merged) {
      std::cerr << "warden: database " << options.database << ": " << merged.error().message
                << '\n';
      return kExitDatabase;
    }
    const std::int64_t store_done = now_us();
    // Identification and risk run on the stored devices: what this run saw merged with what
    // earlier runs did, and the previous verdicts they left.
    storage::Expected<std::vector<inventory::Device>> stored =
        stored_before->empty()
            ? storage::Expected<std::vector<inventory::Device>>(std::move(devices))
            : database->load_devices();
    if (!stored) {
      std::cerr << "warden: database " << options.database << ": " << stored.error().message
                << '\n';
      return kExitDatabase;
    }
    // (Moving the vector keeps its elements where they are: `assessed_beside` still points at
    // them.)
    auto assessed = assess_beside_store ? std::move(assessed_stored)
                                        : assess_devices(*database, *stored, seen, *rules);
    if (!assessed) {
      std::cerr << "warden: database " << options.database << ": " << assessed.error().message
                << '\n';
      return kExitDatabase;
    }
    const std::int64_t assess_done = now_us();

    // Detections, on the whole run with the devices identified.
    if (!assess_beside_store) {
      const detect::DetectContext context = detect_context(*stored);
      alerts = detect::evaluate(tracker, context, detect_config);
      add_violations(alerts, *stored);
    }
    auto stored_alerts = database->store_alerts(alerts);
    auto learned = options.learn
                       ? database->add_baselines(detect::behaviour(tracker, *stored), now_us())
                       : storage::Expected<void>{};
    if (learned && options.learn) {
      // Each device this run saw keeps the most it ever sent to the internet while learning.
      std::map<std::string, std::uint64_t> volumes;
      for (const auto& [device_key, bytes] : detect::outbound_volume(tracker, *stored)) {
        if (seen.contains(device_key)) {
          const auto before = learned_volume.find(device_key);
          volumes[device_key] =
              before == learned_volume.end() ? bytes : std::max(bytes, before->second);
        }
      }
      learned = database->set_volume_baselines(volumes, now_us());
    }
    if (!stored_alerts || !learned) {
      std::cerr << "warden: database " << options.database << ": "
                << (stored_alerts ? learned.error().message : stored_alerts.error().message)
                << '\n';
      return kExitDatabase;
    }
    const std::int64_t detect_done = now_us();
    if (outputs) {
      // Everything this run learned goes out: alerts, the findings of the devices it saw, and the
      // devices that joined the inventory. The outputs queue and deliver on their own threads.
      for (const detect::Alert& alert : alerts) {
        outputs->submit(alert_event(alert));
      }
      for (const inventory::Device& device : *stored) {
        if (!seen.contains(device.key)) {
          continue;
        }
        for (const inventory::Finding& finding : device.findings) {
          outputs->submit(finding_event(device, finding));
        }
        if (!stored_before->empty() && !stored_before->contains(device.key)) {
          outputs->submit(new_device_event(device));
        }
      }
      // Delivered (or counted as failed) before the run is recorded; stop() comes at the end.
      (void)outputs->flush(std::chrono::seconds(10));
    }
    storage::RunRecord run;
    run.started_at_us = started;
    run.finished_at_us = now_us();
    run.inputs = inputs_text;
    run.packets = packets;
    run.status = status;
    nlohmann::json run_stats = stats_json(stats);
    // Wall-clock phases, in milliseconds: where a run spends its time.
    run_stats["phases_ms"] = {{"read_and_analyze", (read_done - started) / 1000},
                              {"finish_and_merge_workers", (finish_done - read_done) / 1000},
                              {"build_devices", (build_done - finish_done) / 1000},
                              {"store", (store_done - build_done) / 1000},
                              {"identify_and_assess", (assess_done - store_done) / 1000},
                              {"detect", (detect_done - assess_done) / 1000}};
    // What the stored inventory's per-device bounds evicted (merge_devices()).
    run_stats["storage"] = {{"attributes_evicted", merged->attributes_evicted},
                            {"peers_evicted", merged->peers_evicted}};
    if (outputs) {
      run_stats["siem_outputs"] = siem::stats_to_json(outputs->stats());
    }
    run_stats["detect"] = {{"alerts", alerts.size()},
                           {"conversations", tracker.conversations().size()},
                           {"conversations_dropped", tracker.stats().conversations_dropped},
                           {"sources_dropped", tracker.stats().sources_dropped},
                           {"logins_dropped", tracker.stats().logins_dropped},
                           {"probe_sources_dropped", tracker.stats().probe_sources_dropped},
                           {"echo_pairs_dropped", tracker.stats().echo_pairs_dropped}};
    run.stats_json = run_stats.dump();
    if (auto recorded = database->record_run(run); !recorded) {
      std::cerr << "warden: database " << options.database << ": " << recorded.error().message
                << '\n';
      return kExitDatabase;
    }

    const double seconds = static_cast<double>(run.finished_at_us - started) / 1e6;
    std::cerr << fmt::format(
        "warden: analyzed {} packets from {} in {:.2f} s: {} devices, {} alerts; {} flows ({} "
        "evicted for capacity), {} endpoints evicted, {} anomalies\n",
        packets,
        options.interface.empty() ? fmt::format("{} file(s)", files.size()) : options.interface,
        seconds, device_count, alerts.size(), stats.flows.created, stats.flows.evicted_capacity,
        stats.inventory.endpoints_evicted, [&] {
          std::uint64_t total = 0;
          for (const auto& [name, count] : stats.anomalies) {
            total += count;
          }
          return total;
        }());

    if (!options.quiet) {
      if (stored_before->empty()) {
        stored = database->load_devices();  // as stored: the same order as `warden devices`
        if (!stored) {
          std::cerr << "warden: database " << options.database << ": " << stored.error().message
                    << '\n';
          return kExitDatabase;
        }
      }
      std::vector<inventory::Device> shown;
      for (auto& device : *stored) {
        if (seen.count(device.key) > 0) {
          shown.push_back(std::move(device));
        }
      }
      const auto format =
          exporter::parse_format(options.output_format).value_or(exporter::Format::Table);
      exporter::write_devices(std::cout, shown, format);
    }
    if (last) {
      keep_until_exit(std::move(tables));
      keep_until_exit(std::move(*stored));
      keep_until_exit(std::move(tracker));
    }
    return kExitOk;
  };

  if (!options.interface.empty()) {
    capture::LiveOptions live;
    live.interface = options.interface;
    live.bpf_filter = options.bpf_filter;
    if (options.duration_seconds) {
      live.duration = std::chrono::seconds(*options.duration_seconds);
    }
    auto source = capture::PcapSource::open_live(live);
    if (!source) {
      std::cerr << "warden: " << source.error().input << ": " << source.error().reason << '\n';
      return kExitLiveError;
    }
    if (!decode::is_supported_link_type(source->link_type())) {
      std::cerr << "warden: " << options.interface << ": unsupported link type "
                << source->link_type() << '\n';
      return kExitLiveError;
    }
    if (!drop_privileges(options.drop_user, options.database)) {
      return kExitLiveError;
    }
    std::signal(SIGINT, on_stop_signal);
    std::signal(SIGTERM, on_stop_signal);
    inputs_text = "live:" + options.interface;
    capture::RawPacket raw;
    auto batch_started = std::chrono::steady_clock::now();
    while (g_stop_requested == 0) {
      if (options.interval_seconds && std::chrono::steady_clock::now() - batch_started >=
                                          std::chrono::seconds(*options.interval_seconds)) {
        // One interval done: everything it saw is stored, identified, checked and delivered;
        // the next interval starts on a fresh engine.
        if (const int code = finish_batch(/*last=*/false); code != kExitOk) {
          return code;
        }
        engine = std::make_unique<engine::Engine>(options.engine);
        packets = 0;
        started = now_us();
        batch_started = std::chrono::steady_clock::now();
      }
      const capture::SourceStatus next = source->next(raw);
      if (next == capture::SourceStatus::Ok) {
        engine->process(source->link_type(), raw);
        ++packets;
        continue;
      }
      if (next == capture::SourceStatus::Idle) {
        continue;
      }
      if (next == capture::SourceStatus::LiveError) {
        std::cerr << "warden: " << options.interface << ": " << source->error().reason << '\n';
        raise(kExitLiveError);
        status = "live-error";
      }
      break;
    }
    if (auto counters = source->live_stats()) {
      std::cerr << fmt::format("warden: {}: {} received, {} dropped by kernel, {} by interface\n",
                               options.interface, (*counters)[0], (*counters)[1], (*counters)[2]);
    }
  }

  std::uint64_t total_bytes = 0;
  for (const std::string& file : files) {
    std::error_code error;
    const std::uintmax_t size = std::filesystem::file_size(file, error);
    total_bytes += error ? 0 : size;  // unreadable files are reported when opened
  }
  Progress progress(options.progress, total_bytes);
  const std::vector<engine::FileResult> results =
      files.empty() ? std::vector<engine::FileResult>{}
                    : engine->run_files(files, [&](std::uint64_t done, std::uint64_t seen) {
                        progress.update(done, packets + seen);
                      });
  progress.clear();
  for (const engine::FileResult& result : results) {
    inputs_text += (inputs_text.empty() ? "" : "\n") + result.path;
    packets += result.packets;
    if (!result.opened) {
      const bool not_capture = result.error.status == capture::SourceStatus::NotACapture;
      std::cerr << "warden: " << result.path << ": "
                << (not_capture ? "not a pcap/pcapng capture: " : "") << result.error.reason
                << '\n';
      raise(kExitBadInput);
      status = "bad-input";
    } else if (!result.supported) {
      std::cerr << "warden: " << result.path << ": unsupported link type " << result.link_type
                << "; skipped\n";
      raise(kExitBadInput);
      status = "bad-input";
    } else if (result.status == capture::SourceStatus::Truncated) {
      std::cerr << fmt::format(
          "warden: {}: capture truncated or corrupt at byte {}: {}; {} packets before it were "
          "analyzed\n",
          result.path, result.error.offset, result.error.reason, result.packets);
      raise(kExitTruncated);
      status = "truncated";
    }
  }
  if (const int code = finish_batch(/*last=*/true); code != kExitOk) {
    return code;
  }
  keep_until_exit(std::move(engine));
  if (outputs) {
    outputs->stop(std::chrono::seconds(10));
  }
  return exit_code;
}

}  // namespace warden::app
