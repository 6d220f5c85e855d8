// SPDX-License-Identifier: Apache-2.0
#include "siem/delivery.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "siem/transport.hpp"

namespace warden::siem {
namespace {

constexpr std::size_t kMaxDedupEntries = 65'536;
constexpr std::int64_t kMaxBackoffMs = 30'000;
constexpr std::int64_t kMicrosPerMinute = 60'000'000;
constexpr auto kIdleWake = std::chrono::milliseconds(500);

std::int64_t steady_now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string local_hostname() {
  std::array<char, 256> buffer{};
  if (gethostname(buffer.data(), buffer.size() - 1) != 0) {
    return "-";
  }
  return buffer.data();
}

// Delivery threads write to sockets: a peer that went away must give EPIPE, not kill Warden.
void block_sigpipe_in_this_thread() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

}  // namespace

struct Outputs::Sink {
  OutputConfig config;
  Limits limits;
  SyslogOptions syslog;
  std::function<std::int64_t()> now_us;

  // Resources used only by the delivery thread (and create()).
  std::optional<TlsContext> tls;
  std::optional<Url> url;
  int file_fd = -1;
  std::optional<Stream> stream;
  std::optional<Datagram> datagram;

  // Shared state, under `mu`.
  mutable std::mutex mu;
  std::condition_variable wake;  // worker: queue non-empty, stopping, abort
  std::condition_variable idle;  // flush(): queue empty and nothing in flight
  std::deque<Event> queue;
  bool in_flight = false;
  bool stopping = false;
  bool abort = false;
  struct DedupEntry {
    std::int64_t first_us = 0;
    std::uint64_t suppressed = 0;
    Event sample;
  };
  std::unordered_map<std::string, DedupEntry> dedup;
  std::int64_t watermark_us = 0;  // latest capture time seen
  double tokens = 0;
  std::int64_t refilled_at_us = 0;
  std::uint64_t rate_limited_pending = 0;
  std::string last_error;

  std::atomic<std::uint64_t> sent{0};
  std::atomic<std::uint64_t> retried{0};
  std::atomic<std::uint64_t> failed{0};
  std::atomic<std::uint64_t> rate_limited{0};
  std::atomic<std::uint64_t> deduplicated{0};
  std::atomic<std::uint64_t> dropped_queue_full{0};
  std::atomic<std::uint64_t> summaries{0};

  std::thread worker;

  ~Sink() {
    if (file_fd >= 0) {
      close(file_fd);
    }
  }

  // --- caller side (mu held) ------------------------------------------------------------------

  void enqueue_locked(Event event) {
    if (queue.size() >= limits.queue) {
      dropped_queue_full.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    queue.push_back(std::move(event));
    wake.notify_one();
  }

  static Event dedup_summary(const DedupEntry& entry) {
    Event summary = entry.sample;
    summary.count = entry.suppressed;
    summary.timestamp_us = std::max(entry.sample.timestamp_us, entry.first_us);
    summary.warden["aggregated"] = true;
    return summary;
  }

  void emit_summary_locked(Event summary) {
    summaries.fetch_add(1, std::memory_order_relaxed);
    enqueue_locked(std::move(summary));
  }

  // Ends the windows that the capture clock has left behind; their duplicates go out as one
  // aggregated event each.
  void expire_dedup_locked(bool all) {
    const std::int64_t window_us = std::int64_t{limits.dedup_seconds} * 1'000'000;
    for (auto it = dedup.begin(); it != dedup.end();) {
      if (all || it->second.first_us + window_us <= watermark_us) {
        if (it->second.suppressed > 0) {
          emit_summary_locked(dedup_summary(it->second));
        }
        it = dedup.erase(it);
      } else {
        ++it;
      }
    }
  }

  void refill_locked() {
    if (limits.rate_per_minute == 0) {
      return;
    }
    const std::int64_t now = now_us();
    const double capacity = limits.rate_per_minute;
    const auto elapsed = static_cast<double>(std::max<std::int64_t>(0, now - refilled_at_us));
    tokens = std::min(capacity, tokens + elapsed * capacity / kMicrosPerMinute);
    refilled_at_us = now;
  }

  void emit_rate_summary_locked() {
    if (rate_limited_pending == 0) {
      return;
    }
    Event summary;
    summary.kind = Event::Kind::Alert;
    summary.timestamp_us = watermark_us;
    summary.id = fmt::format("warden-siem-rate-limited-{}", watermark_us);
    summary.rule_id = "WARDEN-SIEM-RATE-LIMITED";
    summary.rule_name = "SIEM output rate limit reached";
    summary.severity = "medium";
    summary.message =
        fmt::format("{} events were not sent to this output: rate limit of {} per minute",
                    rate_limited_pending, limits.rate_per_minute);
    summary.count = rate_limited_pending;
    summary.warden["rate_limited"] = rate_limited_pending;
    rate_limited_pending = 0;
    emit_summary_locked(std::move(summary));
  }

  void submit(const Event& event) {
    const std::lock_guard lock(mu);
    if (stopping) {
      failed.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    watermark_us = std::max(watermark_us, event.timestamp_us);
    if (limits.dedup_seconds > 0 && !event.id.empty()) {
      if (dedup.size() >= kMaxDedupEntries) {
        expire_dedup_locked(false);
        if (dedup.size() >= kMaxDedupEntries) {
          expire_dedup_locked(true);
        }
      }
      const std::int64_t window_us = std::int64_t{limits.dedup_seconds} * 1'000'000;
      auto it = dedup.find(event.id);
      if (it != dedup.end() && event.timestamp_us < it->second.first_us + window_us) {
        it->second.suppressed += event.count;
        deduplicated.fetch_add(1, std::memory_order_relaxed);
        return;
      }
      if (it != dedup.end()) {
        if (it->second.suppressed > 0) {
          emit_summary_locked(dedup_summary(it->second));
        }
        dedup.erase(it);
      }
      dedup.emplace(event.id, DedupEntry{event.timestamp_us, 0, event});
    }
    if (limits.rate_per_minute > 0) {
      refill_locked();
      if (tokens < 1.0) {
        rate_limited.fetch_add(1, std::memory_order_relaxed);
        ++rate_limited_pending;
        return;
      }
      tokens -= 1.0;
      // The SIEM can take events again: tell it what it missed first.
      emit_rate_summary_locked();
    }
    enqueue_locked(event);
  }

  // --- delivery thread -----------------------------------------------------------------------

  tl::expected<void, NetError> deliver_once(const Event& event) {
    const int timeout = static_cast<int>(limits.timeout_ms);
    switch (config.type) {
      case OutputType::File: {
        if (file_fd < 0) {
          file_fd = open(config.path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
          if (file_fd < 0) {
            return tl::unexpected(NetError{fmt::format("{}: {}", config.path, errno_text(errno))});
          }
        }
        const std::string line = to_ndjson(event) + "\n";
        // O_APPEND: one write() per line keeps lines whole with other writers.
        const ssize_t n = write(file_fd, line.data(), line.size());
        if (n != static_cast<ssize_t>(line.size())) {
          const int err = n < 0 ? errno : EIO;
          close(file_fd);
          file_fd = -1;
          return tl::unexpected(NetError{fmt::format("{}: {}", config.path, errno_text(err))});
        }
        return {};
      }
      case OutputType::Syslog: {
        const std::string message =
            to_syslog5424(event, format_payload(event, config.format), syslog);
        if (config.transport == SyslogTransport::Udp) {
          if (!datagram) {
            auto connected = Datagram::connect(config.host, config.port);
            if (!connected) {
              return tl::unexpected(connected.error());
            }
            datagram.emplace(std::move(*connected));
          }
          auto result = datagram->send(message);
          if (!result) {
            datagram.reset();
          }
          return result;
        }
        if (stream && stream->is_broken()) {
          stream.reset();
        }
        if (!stream) {
          const TlsContext* ctx = config.transport == SyslogTransport::Tls ? &*tls : nullptr;
          auto connected = Stream::connect(config.host, config.port, ctx, timeout);
          if (!connected) {
            return tl::unexpected(connected.error());
          }
          stream.emplace(std::move(*connected));
        }
        auto result = stream->write_all(octet_counted(message));
        if (!result) {
          stream.reset();
          return tl::unexpected(
              NetError{fmt::format("{}:{}: {}", config.host, config.port, result.error().message)});
        }
        return {};
      }
      case OutputType::SplunkHec:
      case OutputType::Webhook: {
        std::string body;
        if (config.type == OutputType::SplunkHec) {
          const std::int64_t millis = event.timestamp_us / 1000;  // HEC: epoch seconds, ms
          nlohmann::json wrapped = {{"time", static_cast<double>(millis) / 1000.0},
                                    {"sourcetype", "warden"},
                                    {"source", "warden"},
                                    {"event", to_ecs(event)}};
          if (!syslog.hostname.empty() && syslog.hostname != "-") {
            wrapped["host"] = syslog.hostname;
          }
          body = wrapped.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        } else {
          body = to_ndjson(event);
        }
        auto status = https_post(*url, *tls, config.headers, body, timeout);
        if (!status) {
          return tl::unexpected(status.error());
        }
        if (*status >= 200 && *status < 300) {
          return {};
        }
        const bool transient = *status == 408 || *status == 429 || *status >= 500;
        return tl::unexpected(
            NetError{fmt::format("{}:{}: HTTP {}", url->host, url->port, *status), !transient});
      }
    }
    return tl::unexpected(NetError{"unknown output", true});
  }

  void record_error(const NetError& error) {
    const std::lock_guard lock(mu);
    last_error = error.message;
  }

  // Returns false when the wait was cut short by abort.
  bool backoff(std::uint32_t attempt) {
    const std::int64_t shift = std::min<std::uint32_t>(attempt, 16);
    const std::int64_t ms =
        std::min<std::int64_t>(kMaxBackoffMs, std::int64_t{limits.retry_backoff_ms} << shift);
    std::unique_lock lock(mu);
    return !wake.wait_for(lock, std::chrono::milliseconds(ms), [this] { return abort; });
  }

  void deliver(const Event& event) {
    for (std::uint32_t attempt = 0;; ++attempt) {
      auto result = deliver_once(event);
      if (result) {
        sent.fetch_add(1, std::memory_order_relaxed);
        return;
      }
      record_error(result.error());
      if (result.error().permanent || attempt >= limits.retries) {
        failed.fetch_add(1, std::memory_order_relaxed);
        return;
      }
      retried.fetch_add(1, std::memory_order_relaxed);
      if (!backoff(attempt)) {
        failed.fetch_add(1, std::memory_order_relaxed);
        return;
      }
    }
  }

  void run() {
    block_sigpipe_in_this_thread();
    std::unique_lock lock(mu);
    for (;;) {
      wake.wait_for(lock, kIdleWake, [this] { return !queue.empty() || stopping; });
      if (abort) {
        failed.fetch_add(queue.size(), std::memory_order_relaxed);
        queue.clear();
        idle.notify_all();
        return;
      }
      if (queue.empty()) {
        idle.notify_all();
        if (stopping) {
          return;
        }
        // Quiet period: once tokens are back, report what the rate limit held back.
        if (rate_limited_pending > 0) {
          refill_locked();
          if (tokens >= 1.0) {
            emit_rate_summary_locked();
          }
        }
        continue;
      }
      Event event = std::move(queue.front());
      queue.pop_front();
      in_flight = true;
      lock.unlock();
      deliver(event);
      lock.lock();
      in_flight = false;
      if (queue.empty()) {
        idle.notify_all();
      }
    }
  }
};

nlohmann::json stats_to_json(const std::vector<OutputStats>& stats) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& s : stats) {
    out.push_back({{"output", s.name},
                   {"sent", s.sent},
                   {"retried", s.retried},
                   {"failed", s.failed},
                   {"rate_limited", s.rate_limited},
                   {"deduplicated", s.deduplicated},
                   {"dropped_queue_full", s.dropped_queue_full},
                   {"summaries", s.summaries},
                   {"last_error", s.last_error}});
  }
  return out;
}

tl::expected<std::unique_ptr<Outputs>, ConfigError> Outputs::create(const OutputsConfig& config,
                                                                    const OutputsOptions& options) {
  std::unique_ptr<Outputs> outputs(new Outputs());
  std::string errors;
  const std::string hostname = options.hostname.empty() ? local_hostname() : options.hostname;
  const std::string procid =
      options.procid.empty() ? std::to_string(static_cast<long>(getpid())) : options.procid;
  for (const auto& output : config.outputs) {
    auto sink = std::make_unique<Sink>();
    sink->config = output;
    sink->limits = config.limits;
    sink->syslog.facility = output.facility;
    sink->syslog.hostname = hostname;
    sink->syslog.procid = procid;
    sink->now_us = options.now_us ? options.now_us : std::function<std::int64_t()>(steady_now_us);
    sink->tokens = config.limits.rate_per_minute;
    sink->refilled_at_us = sink->now_us();
    const std::string name = output.describe();
    const bool needs_tls =
        output.type == OutputType::SplunkHec || output.type == OutputType::Webhook ||
        (output.type == OutputType::Syslog && output.transport == SyslogTransport::Tls);
    if (needs_tls) {
      auto ctx = TlsContext::create(output.ca_file);
      if (!ctx) {
        errors += fmt::format("{}{}: {}", errors.empty() ? "" : "\n", name, ctx.error().message);
        continue;
      }
      sink->tls.emplace(std::move(*ctx));
    }
    if (!output.url.empty()) {
      auto url = parse_https_url(output.url);
      if (!url) {
        errors += fmt::format("{}{}: {}", errors.empty() ? "" : "\n", name, url.error());
        continue;
      }
      sink->url = *url;
    }
    if (output.type == OutputType::File) {
      sink->file_fd = open(output.path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
      if (sink->file_fd < 0) {
        errors += fmt::format("{}{}: cannot open: {}", errors.empty() ? "" : "\n", name,
                              errno_text(errno));
        continue;
      }
    }
    outputs->sinks_.push_back(std::move(sink));
  }
  if (!errors.empty()) {
    return tl::unexpected(ConfigError{errors});
  }
  for (auto& sink : outputs->sinks_) {
    Sink* raw = sink.get();
    sink->worker = std::thread([raw] { raw->run(); });
  }
  return outputs;
}

tl::expected<std::unique_ptr<Outputs>, ConfigError> Outputs::from_file(
    const std::string& path, const OutputsOptions& options) {
  auto config = load_outputs_config(path);
  if (!config) {
    return tl::unexpected(config.error());
  }
  return create(*config, options);
}

Outputs::~Outputs() {
  try {
    stop();
  } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw
  }
}

void Outputs::submit(const Event& event) {
  for (auto& sink : sinks_) {
    sink->submit(event);
  }
}

bool Outputs::flush(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool drained = true;
  for (auto& sink : sinks_) {
    std::unique_lock lock(sink->mu);
    Sink* raw = sink.get();
    drained &= sink->idle.wait_until(
        lock, deadline, [raw] { return (raw->queue.empty() && !raw->in_flight) || raw->abort; });
  }
  return drained;
}

void Outputs::stop(std::chrono::milliseconds timeout) {
  if (stopped_) {
    return;
  }
  stopped_ = true;
  for (auto& sink : sinks_) {
    const std::lock_guard lock(sink->mu);
    sink->expire_dedup_locked(true);
    sink->emit_rate_summary_locked();
  }
  flush(timeout);
  for (auto& sink : sinks_) {
    {
      const std::lock_guard lock(sink->mu);
      sink->stopping = true;
      sink->abort = true;
    }
    sink->wake.notify_all();
  }
  for (auto& sink : sinks_) {
    if (sink->worker.joinable()) {
      sink->worker.join();
    }
  }
}

std::vector<OutputStats> Outputs::stats() const {
  std::vector<OutputStats> out;
  for (const auto& sink : sinks_) {
    OutputStats s;
    s.name = sink->config.describe();
    s.sent = sink->sent.load();
    s.retried = sink->retried.load();
    s.failed = sink->failed.load();
    s.rate_limited = sink->rate_limited.load();
    s.deduplicated = sink->deduplicated.load();
    s.dropped_queue_full = sink->dropped_queue_full.load();
    s.summaries = sink->summaries.load();
    {
      const std::lock_guard lock(sink->mu);
      s.last_error = sink->last_error;
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace warden::siem
