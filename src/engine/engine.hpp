// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/worker.hpp"

namespace warden::engine {

/// How reading one capture file ended.
struct FileResult {
  std::string path;
  std::uint64_t packets = 0;
  bool opened = false;
  bool supported = true;  ///< the link type is one the decoder reads
  int link_type = 0;
  capture::SourceStatus status = capture::SourceStatus::End;
  capture::SourceError error;  ///< why it could not be opened, or where it broke
};

/// Runs the pipeline on one or more worker threads; flows are sharded by a symmetric hash so both
/// directions of a flow meet in one worker, and the workers' endpoint tables are merged at the end.
/// Files (`run_files`): the threads share the reading. Whichever thread first needs the next chunk
/// of a file (about 256 KiB of whole records) reads it and lists each thread's packets by their
/// shard; every thread then handles the packets of its list, so the file is read and hashed once
/// and nothing is copied between threads. Live capture
/// (`process`): with one thread packets are processed inline; with N > 1 the caller's thread
/// computes the hash and hands packets, in batches, to worker threads.
class Engine {
 public:
  explicit Engine(const EngineConfig& config);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  /// Feeds one frame. The bytes are copied (threads > 1) or processed before returning.
  void process(int link_type, const capture::RawPacket& raw);

  /// Reads and analyzes `files` in order on all threads. `progress(bytes_done, packets)` is called
  /// now and then from one thread. Returns one result per file. Do not mix with process().
  std::vector<FileResult> run_files(
      const std::vector<std::string>& files,
      const std::function<void(std::uint64_t, std::uint64_t)>& progress);

  /// Ends all flows, stops the workers and returns each worker's endpoint table
  /// (inventory::build_devices takes them all); `stats` gets the sums. Call once.
  std::vector<inventory::EndpointTable> finish_tables(WorkerStats& stats);

  /// After finish_tables(): the workers' detection state, merged into `into`. Touches nothing the
  /// tables do, so it may run on another thread while they are built into devices.
  void merge_trackers(detect::Tracker& into);

 private:
  class Shard;
  void dispatch(int link_type, const capture::RawPacket& raw);

  EngineConfig config_;
  std::unique_ptr<Worker> inline_worker_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::vector<std::unique_ptr<Worker>> file_workers_;  ///< run_files() workers, one per thread
  std::vector<Worker*> finished_;                      ///< every worker, after finish_tables()
  decode::Packet scratch_;
  decode::DecodeStats scratch_stats_;
};

}  // namespace warden::engine
