// SPDX-License-Identifier: Apache-2.0
#include "engine/engine.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <latch>
#include <mutex>
#include <optional>
#include <thread>

#include "core/parallel.hpp"

namespace warden::engine {
namespace {
/// What picks a packet's worker: the symmetric hash of its two addresses (decode::pair_hash()),
/// so every flow between two hosts meets in one worker, both directions; without IP, its
/// sender's MAC, so a MAC's layer-2 frames stay together. (By the flow hash, the flows of one
/// conversation landed in both workers: each kept its conversation record, peers and DNS state,
/// and the two-thread reading took a tenth more CPU than one thread's.)
std::uint64_t thread_hash(int link_type, const capture::RawPacket& raw, decode::Packet& scratch,
                          decode::DecodeStats& scratch_stats) {
  scratch.src_mac = MacAddress{};  // no stale MAC for a frame without one
  const std::uint64_t pair = decode::frame_pair_hash(link_type, raw, scratch, scratch_stats);
  return pair != 0 ? pair : std::hash<MacAddress>{}(scratch.src_mac);
}

/// A worker's pending table is never smaller than this many entries (160 KiB).
constexpr std::uint32_t kMinPendingEntries = 4096;

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
  // Each worker counts repeated values in a pending table of its own, and sees about 1/N of
  // them: each gets 1/N of one thread's entries (rounded up to a power of two by the table: with
  // three threads, 65,536 each). Two tables of 5 MiB each took 10 MiB of freshly faulted memory;
  // halves measured 20 ms less wall time in ten alternated pairs.
  const std::uint32_t pending = config_.inventory.pending_entries;
  config_.inventory.pending_entries =
      std::min(pending, std::max(kMinPendingEntries, pending / config_.threads));
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

namespace {
/// Opens `path` for reading into `result` (its path, and whether it opened and with which link
/// type); nullopt, with the reason in `result`, when it cannot be read or its link type decoded.
std::optional<capture::PcapSource> open_for_reading(const std::string& path, FileResult& result) {
  result.path = path;
  auto source = capture::PcapSource::open_file(path);
  if (!source) {
    result.error = source.error();
    return std::nullopt;
  }
  result.opened = true;
  result.link_type = source->link_type();
  result.supported = decode::is_supported_link_type(result.link_type);
  if (!result.supported) {
    return std::nullopt;
  }
  return std::move(*source);
}

/// Bytes of a shared chunk (about 400 packets of the benchmark capture): a quarter of this
/// machine's L2 cache. 128 KiB to 1 MiB were measured; 256 KiB gave the shortest runs.
constexpr std::size_t kChunkBytes = std::size_t{1} << 18;
/// Chunks in flight: how far the fastest thread may run ahead of the slowest.
constexpr std::size_t kChunksInFlight = 4;

/// The state every thread of run_files() shares: the files, the one open source, the chunks. The
/// threads take turns reading: whichever reaches the next unread chunk first (at most one chunk
/// ahead of its own) reads it and lists each thread's packets by their shard, and every thread
/// then handles the packets of its list.
class SharedReader {
 public:
  SharedReader(const std::vector<std::string>& files, unsigned threads,
               const std::function<void(std::uint64_t, std::uint64_t)>& progress)
      : files_(files), threads_(threads), progress_(progress), slots_(kChunksInFlight) {}

  /// Runs one thread's share of the work until every file is read.
  void run(unsigned shard, Worker& worker) {
    for (std::uint64_t sequence = 0;; ++sequence) {
      Slot& slot = slots_[sequence % slots_.size()];
      if (!acquire(slot, sequence)) {
        break;
      }
      // This thread's share of the chunk, handled as one thread handles a chunk (decoded two
      // packets ahead, flow slots and records asked for ahead).
      worker.process_selected(slot.link_type, slot.own[shard]);
      release(slot);
    }
  }

  std::vector<FileResult> results() { return std::move(results_); }

 private:
  enum class State : std::uint8_t { Free, Filling, Ready };
  struct Slot {
    capture::PacketChunk chunk;
    /// Each thread's packets, in order: copies of their records in `chunk` (the filler lists
    /// them, so a thread does not walk every packet's shard to find its own, and reads its
    /// records one after another instead of every other one).
    std::vector<std::vector<capture::RawPacket>> own;
    int link_type = 0;
    std::uint64_t sequence = 0;
    unsigned pending = 0;  ///< threads that have not walked it yet
    State state = State::Free;
  };

  /// Waits until chunk `sequence` is ready in `slot`, reading the next chunk first when it is this
  /// thread's turn. False when the files are exhausted.
  bool acquire(Slot& slot, std::uint64_t sequence) {
    std::unique_lock<std::mutex> lock(mutex_);
    while (true) {
      // Reading comes first, one chunk ahead at most: a thread that finds its own chunk ready
      // reads the next one before walking it, so the others rarely wait for a read. (Reading only
      // the chunk a thread needed itself left the threads idle a fifth of the time; reading
      // further ahead measured no better, as the chunks leave the cache before they are walked.)
      Slot& next = slots_[next_fill_ % slots_.size()];
      if (!filling_ && !exhausted_ && next_fill_ <= sequence + 1 && next.state == State::Free) {
        filling_ = true;
        next.state = State::Filling;
        lock.unlock();
        const bool filled = fill(next);  // only one thread fills at a time
        lock.lock();
        filling_ = false;
        if (filled) {
          next.sequence = next_fill_;
          next.pending = threads_;
          next.state = State::Ready;
          ++next_fill_;
        } else {
          next.state = State::Free;
          exhausted_ = true;
        }
        changed_.notify_all();
        continue;
      }
      if (slot.state == State::Ready && slot.sequence == sequence) {
        return true;
      }
      if (exhausted_ && sequence >= next_fill_) {
        return false;
      }
      changed_.wait(lock);
    }
  }

  void release(Slot& slot) {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (--slot.pending == 0) {
      slot.state = State::Free;
      changed_.notify_all();
    }
  }

  /// Reads the next chunk of packets, opening files in turn; false when none is left.
  bool fill(Slot& slot) {
    while (file_index_ < files_.size()) {
      if (!source_) {
        source_ = open_for_reading(files_[file_index_], results_.emplace_back());
        if (!source_) {
          ++file_index_;
          continue;
        }
      }
      FileResult& result = results_.back();
      const capture::SourceStatus status = source_->next_chunk(slot.chunk, kChunkBytes);
      if (status == capture::SourceStatus::Ok) {
        slot.link_type = result.link_type;
        shard_chunk(slot);
        result.packets += slot.chunk.packets.size();
        if (progress_) {
          progress_(bytes_before_ + source_->offset(), packets_before_ + result.packets);
        }
        return true;
      }
      result.status = status;
      result.error = source_->error();
      bytes_before_ += source_->file_size();
      packets_before_ += result.packets;
      source_.reset();
      ++file_index_;
    }
    return false;
  }

  /// Each packet's thread (thread_hash()), listed per thread.
  void shard_chunk(Slot& slot) {
    const std::vector<capture::RawPacket>& packets = slot.chunk.packets;
    slot.own.resize(threads_);
    for (std::vector<capture::RawPacket>& list : slot.own) {
      list.clear();
    }
    for (const capture::RawPacket& packet : packets) {
      const std::uint64_t hash = thread_hash(slot.link_type, packet, scratch_, scratch_stats_);
      // The same thread as `hash % threads_`, without a division per packet when it is a power
      // of two (perf put a fifth of the samples in SharedReader::run on the division).
      const std::size_t shard = power_of_two_ ? hash & (threads_ - 1) : hash % threads_;
      slot.own[shard].push_back(packet);
    }
  }

  const std::vector<std::string>& files_;
  const unsigned threads_;
  const bool power_of_two_ = (threads_ & (threads_ - 1)) == 0;
  const std::function<void(std::uint64_t, std::uint64_t)>& progress_;
  std::vector<Slot> slots_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::uint64_t next_fill_ = 0;
  bool filling_ = false;
  bool exhausted_ = false;
  // Touched only by the thread filling (one at a time, ordered by the mutex).
  std::size_t file_index_ = 0;
  std::optional<capture::PcapSource> source_;
  std::vector<FileResult> results_;
  std::uint64_t bytes_before_ = 0;
  std::uint64_t packets_before_ = 0;
  decode::Packet scratch_;
  decode::DecodeStats scratch_stats_;
};

/// One thread: each file read a chunk at a time straight into the worker, which decodes two
/// packets ahead of the one it handles (Worker::process_chunk).
std::vector<FileResult> read_files_inline(
    const std::vector<std::string>& files, Worker& worker,
    const std::function<void(std::uint64_t, std::uint64_t)>& progress) {
  std::vector<FileResult> results;
  std::uint64_t bytes_before = 0;
  std::uint64_t packets_before = 0;
  capture::PacketChunk chunk;
  for (const std::string& path : files) {
    FileResult& result = results.emplace_back();
    auto source = open_for_reading(path, result);
    if (!source) {
      continue;
    }
    capture::SourceStatus status = capture::SourceStatus::Ok;
    while ((status = source->next_chunk(chunk, kChunkBytes)) == capture::SourceStatus::Ok) {
      result.packets += chunk.packets.size();
      worker.process_chunk(result.link_type, chunk.packets);
      if (progress) {
        progress(bytes_before + source->offset(), packets_before + result.packets);
      }
    }
    result.status = status;
    result.error = source->error();
    bytes_before += source->file_size();
    packets_before += result.packets;
  }
  return results;
}
}  // namespace

std::vector<FileResult> Engine::run_files(
    const std::vector<std::string>& files,
    const std::function<void(std::uint64_t, std::uint64_t)>& progress) {
  const unsigned threads = config_.threads;
  const std::size_t first = file_workers_.size();
  file_workers_.resize(first + threads);
  if (threads == 1) {
    file_workers_[first] = std::make_unique<Worker>(config_);
    std::vector<FileResult> results = read_files_inline(files, *file_workers_[first], progress);
    file_workers_[first]->finish();
    return results;
  }
  SharedReader reader(files, threads, progress);
  // Each thread builds its own worker: the tables' first pages are faulted in (and their memory
  // placed) by the thread that uses them, both threads at once. The reading starts once every
  // worker is built, and not at all if one could not be (its exception is rethrown here, as a
  // worker built on this thread would have thrown): a thread missing from the ring of shared
  // chunks would leave the others waiting for it.
  std::latch built(threads);
  std::exception_ptr failure;  // written under the mutex, read once all have met at the latch
  std::mutex failure_mutex;
  auto run_shard = [&](unsigned shard) {
    try {
      file_workers_[first + shard] = std::make_unique<Worker>(config_);
    } catch (...) {
      const std::lock_guard<std::mutex> lock(failure_mutex);
      failure = std::current_exception();
    }
    built.arrive_and_wait();
    if (failure) {
      return;
    }
    reader.run(shard, *file_workers_[first + shard]);
    file_workers_[first + shard]->finish();
  };
  run_in_parallel(threads, run_shard);
  if (failure) {
    std::rethrow_exception(failure);
  }
  return reader.results();
}

void Engine::dispatch(int link_type, const capture::RawPacket& raw) {
  shards_[thread_hash(link_type, raw, scratch_, scratch_stats_) % shards_.size()]->add(link_type,
                                                                                       raw);
}

std::vector<inventory::EndpointTable> Engine::finish_tables(WorkerStats& stats) {
  stats = WorkerStats{};
  // Whichever way packets arrived, end every worker's flows and collect the workers.
  finished_.clear();
  for (auto& worker : file_workers_) {
    finished_.push_back(worker.get());  // run_files() has finished them
  }
  if (inline_worker_) {
    inline_worker_->finish();
    finished_.push_back(inline_worker_.get());
  }
  for (auto& shard : shards_) {
    shard->close();
    finished_.push_back(&shard->worker());
  }
  std::vector<inventory::EndpointTable> tables;
  tables.reserve(finished_.size());
  for (Worker* worker : finished_) {
    stats.add(worker->stats());
    tables.push_back(std::move(worker->endpoints()));
  }
  return tables;
}

void Engine::merge_trackers(detect::Tracker& into) {
  for (Worker* worker : finished_) {
    into.merge_from(worker->tracker());
  }
}

}  // namespace warden::engine
