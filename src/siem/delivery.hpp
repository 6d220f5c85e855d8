// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <utility>
#include <vector>

#include "siem/event.hpp"
#include "siem/format.hpp"

namespace warden::siem {

/// Per-output limits (the `limits:` block of the outputs file; docs/siem.md).
struct Limits {
  std::uint32_t rate_per_minute = 600;   ///< token bucket, burst = one minute; 0 = unlimited
  std::uint32_t dedup_seconds = 300;     ///< same Event.id within this capture time: aggregated
  std::uint32_t queue = 10000;           ///< events waiting per output; overflow is counted
  std::uint32_t retries = 5;             ///< attempts after the first, with exponential backoff
  std::uint32_t retry_backoff_ms = 500;  ///< first backoff; doubles per retry, capped at 30 s
  std::uint32_t timeout_ms = 5000;       ///< connect / write / response timeout
};

enum class OutputType : std::uint8_t { File, Syslog, SplunkHec, Webhook };
enum class SyslogTransport : std::uint8_t { Udp, Tcp, Tls };

/// One entry of `outputs:`. Secret values (HEC token, header values) are resolved from the
/// environment at load time and never printed.
struct OutputConfig {
  OutputType type = OutputType::File;
  std::string path;  ///< file
  SyslogTransport transport = SyslogTransport::Udp;
  std::string host;  ///< syslog
  std::uint16_t port = 0;
  PayloadFormat format = PayloadFormat::Cef;  ///< syslog payload
  int facility = 16;                          ///< syslog facility, default local0
  std::string url;                            ///< splunk_hec, webhook (https only)
  std::string ca_file;                        ///< tls, splunk_hec, webhook; "" = system store
  std::vector<std::pair<std::string, std::string>> headers;  ///< resolved; includes the HEC token

  /// "file /var/log/x.ndjson", "syslog tls://10.0.0.5:6514 cef", "splunk_hec https://...".
  [[nodiscard]] std::string describe() const;
};

struct OutputsConfig {
  std::vector<OutputConfig> outputs;
  Limits limits;
};

/// A configuration problem; `message` lists every problem found, one per line, each naming
/// the file, line and field ("outputs.yaml:7: outputs[1].port: expected 1-65535").
struct ConfigError {
  std::string message;
};

/// Reads an environment variable; the default uses getenv.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

tl::expected<OutputsConfig, ConfigError> parse_outputs_config(std::string_view yaml,
                                                              std::string_view source_name,
                                                              const EnvLookup& env = {});
tl::expected<OutputsConfig, ConfigError> load_outputs_config(const std::string& path,
                                                             const EnvLookup& env = {});

/// Counters of one output. Every submitted event ends in exactly one of sent, failed,
/// rate_limited, deduplicated or dropped_queue_full (summaries are extra events, counted in
/// `summaries` and in sent/failed).
struct OutputStats {
  std::string name;  ///< OutputConfig::describe()
  std::uint64_t sent = 0;
  std::uint64_t retried = 0;  ///< attempts that failed and were tried again
  std::uint64_t failed = 0;   ///< events given up on (retries exhausted, permanent error, stop)
  std::uint64_t rate_limited = 0;
  std::uint64_t deduplicated = 0;
  std::uint64_t dropped_queue_full = 0;
  std::uint64_t summaries = 0;  ///< dedup aggregates and rate-limit summaries emitted
  std::string last_error;       ///< most recent delivery error, "" if none; never a secret
};

nlohmann::json stats_to_json(const std::vector<OutputStats>& stats);

/// Test hooks and run-time identity for the outputs.
struct OutputsOptions {
  std::string hostname;  ///< syslog HOSTNAME; "" = gethostname()
  std::string procid;    ///< syslog PROCID; "" = the process id
  /// Monotonic clock in microseconds for rate limiting; empty = std::chrono::steady_clock.
  std::function<std::int64_t()> now_us;
};

/// Live delivery of events to every configured output. Each output has its own bounded queue
/// and delivery thread, so a slow or dead SIEM never stalls the caller or the other outputs.
class Outputs {
 public:
  /// Starts the outputs: loads TLS trust (CA files), opens files; fails without starting
  /// anything if one cannot be set up. The network is not contacted until events arrive.
  static tl::expected<std::unique_ptr<Outputs>, ConfigError> create(
      const OutputsConfig& config, const OutputsOptions& options = {});
  /// load_outputs_config() then create().
  static tl::expected<std::unique_ptr<Outputs>, ConfigError> from_file(
      const std::string& path, const OutputsOptions& options = {});

  ~Outputs();  ///< stop() with the default timeout
  Outputs(const Outputs&) = delete;
  Outputs& operator=(const Outputs&) = delete;
  Outputs(Outputs&&) = delete;
  Outputs& operator=(Outputs&&) = delete;

  /// Hands an event to every output: de-duplication, rate limiting, then the queue. Never
  /// blocks on I/O; safe from any thread.
  void submit(const Event& event);
  /// Waits until every queue is empty and nothing is in flight; false on timeout.
  bool flush(std::chrono::milliseconds timeout);
  /// Emits pending summaries (aggregated duplicates, rate-limit counts), flushes for up to
  /// `timeout`, then stops the threads; what is still undelivered is counted as failed.
  /// Idempotent.
  void stop(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  [[nodiscard]] std::vector<OutputStats> stats() const;

  struct Sink;

 private:
  Outputs() = default;
  std::vector<std::unique_ptr<Sink>> sinks_;
  bool stopped_ = false;
};

}  // namespace warden::siem
