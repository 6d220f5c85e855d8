// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <memory>
#include <vector>

#include "engine/worker.hpp"

namespace warden::engine {

/// Runs the pipeline on one or more worker threads. With one thread, packets are processed inline
/// on the caller's thread. With N > 1, the caller's thread decodes just enough to compute a
/// symmetric flow hash and hands packets, in batches, to worker N = hash % threads, so both
/// directions of a flow meet in one worker; the workers' endpoint tables are merged at the end.
class Engine {
 public:
  explicit Engine(const EngineConfig& config);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  /// Feeds one frame. The bytes are copied (threads > 1) or processed before returning.
  void process(int link_type, const capture::RawPacket& raw);

  /// Ends all flows, stops the workers and returns the merged endpoints; `stats` gets the sums.
  /// Call once.
  inventory::EndpointTable finish(WorkerStats& stats);

 private:
  class Shard;
  void dispatch(int link_type, const capture::RawPacket& raw);

  EngineConfig config_;
  std::unique_ptr<Worker> inline_worker_;
  std::vector<std::unique_ptr<Shard>> shards_;
  decode::Packet scratch_;
  decode::DecodeStats scratch_stats_;
};

}  // namespace warden::engine
