// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>

#include "capture/pcap_source.hpp"
#include "decode/decoder.hpp"
#include "detect/tracker.hpp"
#include "flow/flow_table.hpp"
#include "inventory/inventory.hpp"
#include "protocols/observation.hpp"
#include "protocols/registry.hpp"

namespace warden::engine {

/// Tunables of the analysis pipeline.
struct EngineConfig {
  flow::FlowConfig flows;
  inventory::InventoryConfig inventory;
  std::size_t stream_buffer_bytes = std::size_t{64} << 10;  ///< per TCP direction under analysis
  unsigned threads = 1;
};

/// Counters of one worker (summed over workers at the end).
struct WorkerStats {
  decode::DecodeStats decode;
  flow::FlowStats flows;
  inventory::InventoryStats inventory;
  std::uint64_t analyzed_datagrams = 0;
  std::uint64_t analyzed_streams = 0;
  std::uint64_t stream_gaps = 0;
  std::uint64_t stream_overflows = 0;
  /// Keyed by the analyzers' anomaly names, which are string literals (static storage).
  std::unordered_map<std::string_view, std::uint64_t> anomalies;

  void add(const WorkerStats& other);
};

/// One pipeline instance: decode -> flow table -> analyzers -> endpoint table. Single-threaded;
/// the Engine runs one per thread and shards flows between them by a symmetric hash.
class Worker final : public proto::ObservationSink {
 public:
  explicit Worker(const EngineConfig& config);
  ~Worker() override;
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  /// Processes one captured frame of link type `link_type` (a libpcap DLT_ value).
  void process(int link_type, const capture::RawPacket& raw);
  /// process() for each of `packets`, in order (the same result), decoding two packets ahead:
  /// the flow slot of the packet two ahead and the flow record of the next one are asked for
  /// before the current one is handled, so their cache misses overlap that work.
  void process_chunk(int link_type, std::span<const capture::RawPacket> packets);
  /// process_chunk() for this thread's share of a chunk that another thread may have read (the
  /// shared reader of several threads hands it over this way): the packets' bytes and records
  /// are asked for further ahead, as they may sit in the other core's cache.
  void process_selected(int link_type, std::span<const capture::RawPacket> packets);
  /// Asks the CPU for what the packet whose decode::flow_hash() is `hash` will need first (its
  /// flow's index slot); a caller that knows the next packet calls it before process().
  void prefetch(std::uint64_t hash) const { flows_.prefetch(hash); }
  /// The step after prefetch(), a packet later: the flow record the slot points to.
  void prefetch_flow(std::uint64_t hash) const { flows_.prefetch_flow(hash); }
  /// Ends every flow (end of input), letting analyzers finish.
  void finish();

  /// The endpoint table, with the observations still gathered counted into it first.
  [[nodiscard]] inventory::EndpointTable& endpoints() {
    if (!batch_.empty()) {
      flush_observations();
    }
    return table_;
  }
  [[nodiscard]] detect::Tracker& tracker() { return tracker_; }
  [[nodiscard]] WorkerStats stats() const;

  // ObservationSink
  void observe(const proto::Observation& observation) override;
  void anomaly(std::string_view name) override;

 private:
  struct StreamState;
  /// Counts how the streams of a flow under analysis ended (gaps, buffer overflows).
  void count_stream_ends(const StreamState& state);
  void handle_l2(const decode::Packet& packet);
  /// process_chunk() and process_selected(): `count` packets, the i-th `packet_at(i)`.
  /// `kFromOtherCore`: the chunk was read by another thread (process_selected()).
  template <bool kFromOtherCore, typename PacketAt>
  void process_ahead(int link_type, std::size_t count, PacketAt packet_at);
  /// What process() does once the packet is decoded.
  void handle_decoded(decode::DecodeStatus status, const decode::Packet& packet,
                      std::uint64_t flow_hash);
  void handle_ip(const decode::Packet& packet);
  void handle_icmpv6(const decode::Packet& packet);
  void handle_tcp_payload(flow::Flow& flow, int side, const decode::Packet& packet);
  /// A SYN's or SYN-ACK's passive fingerprint (TcpSynFingerprint / TcpSynAckFingerprint).
  void note_tcp_fingerprint(const decode::Packet& packet, bool syn_ack);
  /// CleartextExternal about a private client whose responder is a public host.
  void note_cleartext_external(const proto::ProtocolInfo& info, const decode::Packet& packet,
                               bool from_client);
  void note_service(flow::Flow& flow, int side, const decode::Packet& packet);
  void note_probed_service(const flow::Flow& flow, const decode::Packet& packet,
                           const proto::ProtocolInfo& info);
  /// The responder's service on its port (named by `info` when known), its protocol by port,
  /// and cleartext to the internet: from the responder's packet, or with `from_client` the
  /// client's.
  void observe_service(const proto::ProtocolInfo* info, const decode::Packet& packet,
                       bool from_client);
  inventory::Endpoint* current(inventory::EndpointRef& ref, const MacAddress& mac,
                               const IpAddress& ip, bool use_mac);
  /// Counts the packet's observations (see `batch_`).
  void flush_observations();

  /// An observation kept until its packet is done, with its text in `arena_`.
  struct BatchedObservation {
    inventory::EndpointRef endpoint;
    proto::Attr attr = proto::Attr::Protocol;
    std::uint32_t value_at = 0;
    std::uint32_t value_length = 0;
    std::string_view protocol;  ///< a literal (Observation::protocol)
    std::int64_t ts_us = 0;
  };
  /// Observations per batch at most (a packet with more is counted in several).
  static constexpr std::size_t kMaxBatchedObservations = 256;
  /// Observations gathered over packets before they are counted: with a few dozen together,
  /// the pending-table entries asked for first arrive while the others are hashed.
  static constexpr std::size_t kObservationsPerFlush = 32;

  EngineConfig config_;
  flow::FlowTable flows_;
  inventory::EndpointTable table_;
  detect::Tracker tracker_;
  WorkerStats stats_;
  decode::Packet packet_;
  /// process_chunk(): the current packet and the two after it, decoded.
  std::array<decode::Packet, 3> ahead_;
  std::array<std::uint64_t, 3> ahead_hash_{};  ///< their decode::flow_hash(), 0 unknown
  std::uint64_t flow_hash_ = 0;                ///< of the packet being handled, 0 unknown
  // The packet being analyzed, for observe(): who sent it and who receives it.
  const decode::Packet* current_packet_ = nullptr;
  inventory::EndpointRef sender_;
  inventory::EndpointRef receiver_;
  // A packet's observations are counted together when it is done: their memory is requested all
  // at once (EndpointTable::add_attributes), so the cache misses overlap.
  std::vector<BatchedObservation> batch_;
  std::string arena_;
  std::vector<inventory::EndpointTable::AttributeUpdate> updates_;
};

}  // namespace warden::engine
