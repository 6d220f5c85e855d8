// SPDX-License-Identifier: Apache-2.0
#include "engine/engine.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace warden::engine {
namespace {
constexpr std::size_t kBatchBytes = std::size_t{1} << 20;
constexpr std::size_t kBatchPackets = 4096;
constexpr std::size_t kBatchesPerShard = 8;  ///< bounds memory and back-pressures the reader

struct PacketMeta {
  std::size_t offset;
  std::uint32_t caplen;
  std::uint32_t wire_length;
  std::int64_t ts_us;
  int link_type;
};

struct Batch {
  std::vector<std::uint8_t> data;
  std::vector<PacketMeta> packets;
  Batch() {
    data.reserve(kBatchBytes + 65536);
    packets.reserve(kBatchPackets);
  }
};
}  // namespace

/// A worker thread with its queue of full batches and its pool of empty ones.
class Engine::Shard {
 public:
  explicit Shard(const EngineConfig& config) : worker_(config) {
    for (std::size_t batch_idx = 0; batch_idx < kBatchesPerShard; ++batch_idx) {
      free_.push_back(std::make_unique<Batch>());
    }
    current_ = take_free();
    thread_ = std::thread([this] { run(); });
  }
  ~Shard() {
    if (thread_.joinable()) {
      close();
    }
  }
  Shard(const Shard&) = delete;
  Shard& operator=(const Shard&) = delete;

  void add(int link_type, const capture::RawPacket& raw) {
    Batch& batch = *current_;
    batch.packets.push_back(PacketMeta{batch.data.size(),
                                       static_cast<std::uint32_t>(raw.data.size()), raw.wire_length,
                                       raw.ts_us, link_type});
    batch.data.insert(batch.data.end(), raw.data.begin(), raw.data.end());
    if (batch.data.size() >= kBatchBytes || batch.packets.size() >= kBatchPackets) {
      submit();
    }
  }

  /// Sends the partial batch, asks the thread to finish its flows, and joins it.
  void close() {
    if (!current_->packets.empty()) {
      submit();
    }
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      closing_ = true;
    }
    ready_.notify_one();
    thread_.join();
  }

  Worker& worker() { return worker_; }

 private:
  std::unique_ptr<Batch> take_free() {
    std::unique_lock<std::mutex> lock(mutex_);
    returned_.wait(lock, [this] { return !free_.empty(); });
    std::unique_ptr<Batch> batch = std::move(free_.back());
    free_.pop_back();
    return batch;
  }

  void submit() {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      full_.push_back(std::move(current_));
    }
    ready_.notify_one();
    current_ = take_free();
  }

  void run() {
    while (true) {
      std::unique_ptr<Batch> batch;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        ready_.wait(lock, [this] { return !full_.empty() || closing_; });
        if (full_.empty()) {
          break;
        }
        batch = std::move(full_.front());
        full_.pop_front();
      }
      for (const PacketMeta& meta : batch->packets) {
        capture::RawPacket raw;
        raw.ts_us = meta.ts_us;
        raw.wire_length = meta.wire_length;
        raw.data = Bytes(batch->data).subspan(meta.offset, meta.caplen);
        worker_.process(meta.link_type, raw);
      }
      batch->data.clear();
      batch->packets.clear();
      {
        const std::lock_guard<std::mutex> lock(mutex_);
        free_.push_back(std::move(batch));
      }
      returned_.notify_one();
    }
    worker_.finish();
  }

  Worker worker_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::condition_variable returned_;
  std::deque<std::unique_ptr<Batch>> full_;
  std::vector<std::unique_ptr<Batch>> free_;
  std::unique_ptr<Batch> current_;
  bool closing_ = false;
  std::thread thread_;
};

Engine::Engine(const EngineConfig& config) : config_(config) {
  if (config_.threads == 0) {
    config_.threads = 1;
  }
}

Engine::~Engine() = default;

void Engine::process(int link_type, const capture::RawPacket& raw) {
  if (config_.threads == 1) {
    if (!inline_worker_) {
      inline_worker_ = std::make_unique<Worker>(config_);
    }
    inline_worker_->process(link_type, raw);
    return;
  }
  if (shards_.empty()) {
    for (unsigned shard_idx = 0; shard_idx < config_.threads; ++shard_idx) {
      shards_.push_back(std::make_unique<Shard>(config_));
    }
  }
  dispatch(link_type, raw);
}

std::vector<FileResult> Engine::run_files(
    const std::vector<std::string>& files,
    const std::function<void(std::uint64_t, std::uint64_t)>& progress) {
  const unsigned threads = config_.threads;
  for (unsigned worker_idx = 0; worker_idx < threads; ++worker_idx) {
    file_workers_.push_back(std::make_unique<Worker>(config_));
  }
  std::vector<std::vector<FileResult>> results(threads);
  auto read_all = [&](unsigned shard) {
    Worker& worker = *file_workers_[shard];
    decode::Packet scratch;
    decode::DecodeStats scratch_stats;
    std::uint64_t bytes_before = 0;
    std::uint64_t packets_before = 0;
    for (const std::string& path : files) {
      FileResult result;
      result.path = path;
      auto source = capture::PcapSource::open_file(path);
      if (!source) {
        result.error = source.error();
        results[shard].push_back(std::move(result));
        continue;
      }
      result.opened = true;
      result.link_type = source->link_type();
      result.supported = decode::is_supported_link_type(result.link_type);
      if (!result.supported) {
        results[shard].push_back(std::move(result));
        continue;
      }
      capture::RawPacket raw;
      capture::SourceStatus status = capture::SourceStatus::Ok;
      while ((status = source->next(raw)) == capture::SourceStatus::Ok) {
        ++result.packets;
        if (threads > 1) {
          scratch.src_mac = MacAddress{};
          std::uint64_t hash = decode::shard_hash(result.link_type, raw, scratch, scratch_stats);
          if (hash == 0) {
            hash = std::hash<MacAddress>{}(scratch.src_mac);  // layer 2: by sender
          }
          if (hash % threads != shard) {
            continue;
          }
        }
        worker.process(result.link_type, raw);
        if (shard == 0 && progress && (result.packets & 0xFFFU) == 0) {
          progress(bytes_before + source->offset(), packets_before + result.packets);
        }
      }
      result.status = status;
      result.error = source->error();
      bytes_before += source->file_size();
      packets_before += result.packets;
      results[shard].push_back(std::move(result));
    }
    worker.finish();
  };
  std::vector<std::thread> helpers;
  for (unsigned shard = 1; shard < threads; ++shard) {
    helpers.emplace_back(read_all, shard);
  }
  read_all(0);
  for (std::thread& helper : helpers) {
    helper.join();
  }
  return std::move(results[0]);
}

void Engine::dispatch(int link_type, const capture::RawPacket& raw) {
  scratch_.src_mac = MacAddress{};
  std::uint64_t hash = decode::shard_hash(link_type, raw, scratch_, scratch_stats_);
  if (hash == 0) {
    // No IP: keep a MAC's layer-2 frames together.
    hash = std::hash<MacAddress>{}(scratch_.src_mac);
  }
  shards_[hash % shards_.size()]->add(link_type, raw);
}

std::vector<inventory::EndpointTable> Engine::finish_tables(WorkerStats& stats,
                                                            detect::Tracker* tracker) {
  stats = WorkerStats{};
  // Whichever way packets arrived, end every worker's flows and collect the workers.
  std::vector<Worker*> workers;
  for (auto& worker : file_workers_) {
    workers.push_back(worker.get());  // run_files() has finished them
  }
  if (inline_worker_) {
    inline_worker_->finish();
    workers.push_back(inline_worker_.get());
  }
  for (auto& shard : shards_) {
    shard->close();
    workers.push_back(&shard->worker());
  }
  if (tracker != nullptr) {
    for (Worker* worker : workers) {
      tracker->merge_from(worker->tracker());
    }
  }
  std::vector<inventory::EndpointTable> tables;
  tables.reserve(workers.size());
  for (Worker* worker : workers) {
    stats.add(worker->stats());
    tables.push_back(std::move(worker->endpoints()));
  }
  return tables;
}

}  // namespace warden::engine
