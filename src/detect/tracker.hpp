// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "core/address.hpp"
#include "core/byte_reader.hpp"
#include "flow/flow_table.hpp"

namespace warden::detect {

/// Limits of the per-worker detection state; every drop is counted.
struct TrackerLimits {
  std::size_t max_conversations = 65536;  ///< (initiator, responder, transport, port) records
  std::size_t max_sources = 16384;        ///< DNS clients
  std::size_t max_probe_sources = 4096;   ///< (source, ICMP echo or ARP) records
  std::size_t max_probe_targets = 256;    ///< distinct targets kept per probing source
  std::size_t max_set = 512;              ///< distinct targets remembered per source and kind
  std::size_t max_logins = 16384;         ///< (client, server, protocol) login records
  std::size_t max_starts = 32;            ///< connection start times kept per conversation
  std::size_t max_echo_pairs = 4096;      ///< (requester, responder) ICMP echo records
};

/// What the tracker dropped for its limits.
struct TrackerStats {
  std::uint64_t conversations_dropped = 0;
  std::uint64_t sources_dropped = 0;
  std::uint64_t logins_dropped = 0;
  std::uint64_t probe_sources_dropped = 0;
  std::uint64_t echo_pairs_dropped = 0;
};

/// All flows between an initiator and a responder on one port, aggregated.
/// What the flows of one ConversationKey added up to. The key (initiator, responder, transport,
/// responder port) is the map's, not repeated here: the map's slots stay small (144 bytes,
/// 184 with the key's fields repeated), and a benchmark run holds 51,543 of them.
struct Conversation {
  std::uint16_t vlan = 0;
  std::uint16_t app = 0;  ///< protocols registry id (0 unknown)
  std::int64_t first_us = 0;
  std::int64_t last_us = 0;
  std::uint64_t flows = 0;
  std::uint64_t answered = 0;  ///< flows in which the responder sent anything
  std::uint64_t packets_out = 0;
  std::uint64_t packets_in = 0;
  std::uint64_t bytes_out = 0;  ///< initiator to responder
  std::uint64_t bytes_in = 0;
  std::uint64_t mirai_seq = 0;  ///< SYNs whose sequence number was the destination address
  /// Start times of the first flows, kept for internet responders only (beacon periodicity).
  std::vector<std::int64_t> starts;
};

/// Login outcomes between one client and one server in one protocol.
struct LoginRecord {
  IpAddress client;
  IpAddress server;
  std::string protocol;
  std::int64_t first_us = 0;
  std::int64_t last_us = 0;
  std::uint64_t failures = 0;
  std::uint64_t successes = 0;
  std::vector<std::string> users;  ///< distinct user names tried (bounded)
};

/// DNS behaviour of one client.
struct DnsActivity {
  std::int64_t first_us = 0;
  std::int64_t last_us = 0;
  std::uint64_t queries = 0;
  absl::flat_hash_set<std::string> random_looking;  ///< names whose first label looks generated
  /// Per registered domain ("example.com"): distinct names queried under it and their bytes.
  struct Domain {
    std::string name;
    absl::flat_hash_set<std::uint64_t> names;
    std::uint64_t queries = 0;
    std::uint64_t label_bytes = 0;  ///< summed length of the labels left of the domain
    std::string sample;             ///< one name, for the evidence
  };
  std::vector<Domain> domains;                                ///< in the order first seen (bounded)
  absl::flat_hash_map<std::string, std::uint32_t> domain_at;  ///< name -> position in `domains`
  /// What a repeated query needs of a name seen before: its domain's position in `domains`
  /// (kNoDomain when none was kept) and the bytes of the labels left of it.
  struct Seen {
    std::uint32_t domain = 0;
    std::uint32_t left_bytes = 0;
  };
  static constexpr std::uint32_t kNoDomain = 0xFFFFFFFFU;
  absl::flat_hash_map<std::string, Seen> names;  ///< distinct names (bounded), for threat intel
  /// Distinct names with a label of 24 or more characters that looks generated (data encoded
  /// into the name), and the registered domains they were under (hashes, bounded): a tunnel to
  /// its own DNS server needs no domain, and then each name's "domain" is encoded data too.
  std::uint64_t encoded_names = 0;
  absl::flat_hash_set<std::uint64_t> encoded_domains;
  std::string encoded_sample;  ///< one such name, for the evidence
  /// Distinct names with a label that begins as an encoded file does (encoded_file()): hashes,
  /// bounded. The smallest such name and its file's format, for the evidence (the smallest: the
  /// same whichever worker saw which name).
  absl::flat_hash_set<std::uint64_t> file_names;
  std::string file_sample;
  std::string_view file_format;    ///< "gzip", "zip", ... (a literal)
  std::string_view file_encoding;  ///< "base64" or "hex" (a literal)
};

/// How a source looked for hosts: ICMP or ICMPv6 echo requests (ping), or ARP requests.
enum class ProbeKind : std::uint8_t { Echo = 0, Arp = 1 };

/// The hosts one source looked for with one kind of probe. Bounded: of the distinct targets, the
/// `max_probe_targets` of smallest hash are kept, so the set is the same whichever worker saw
/// which probe, and in whatever order.
struct ProbeActivity {
  std::int64_t first_us = 0;
  std::int64_t last_us = 0;
  std::uint64_t probes = 0;
  /// The targets' std::hash<IpAddress>, sorted, at most `max_probe_targets` (8 bytes each: a
  /// worker's probe records stay within 8 MiB under a flood of probing sources).
  std::vector<std::uint64_t> targets;
  bool capped = false;  ///< distinct targets were left out for the bound
};
struct ProbeKey {
  IpAddress source;
  ProbeKind kind = ProbeKind::Echo;
  friend bool operator==(const ProbeKey&, const ProbeKey&) = default;
};
struct ProbeKeyHash {
  std::size_t operator()(const ProbeKey& key) const noexcept {
    return std::hash<IpAddress>{}(key.source) ^ static_cast<std::size_t>(key.kind);
  }
};
using ProbeMap = absl::flat_hash_map<ProbeKey, ProbeActivity, ProbeKeyHash>;

/// ICMP or ICMPv6 echo traffic from one requester to one responder: what tells a tunnel from
/// ping. Ping sends data of one size and gets it back unchanged (RFC 792: "the data received in
/// the echo message must be returned in the echo reply message"); a tunnel's data varies in size,
/// its replies carry the other side's data, and IP-over-ICMP tools put whole IP packets inside.
struct EchoActivity {
  std::int64_t first_us = 0;
  std::int64_t last_us = 0;
  std::uint64_t requests = 0;
  std::uint64_t replies = 0;
  std::uint64_t request_bytes = 0;  ///< echo data (what follows identifier and sequence number)
  std::uint64_t reply_bytes = 0;
  std::uint64_t echoed = 0;       ///< replies that returned their request's data
  std::uint64_t not_echoed = 0;   ///< first replies to a request (same identifier and sequence
                                  ///< number) with other data
  std::uint64_t unsolicited = 0;  ///< replies to no request seen (not counting a repeat of an
                                  ///< answered request's reply: ping's duplicates)
  std::uint64_t ip_inside = 0;    ///< requests or replies whose data is an IPv4 or IPv6 packet
  std::uint64_t ptunnel = 0;      ///< requests or replies that carry a ptunnel header (ptunnel())
  /// The TCP destination a ptunnel client asked its proxy for (the smallest seen: the same
  /// whichever worker saw it); port 0 when none was seen.
  std::uint32_t ptunnel_ip = 0;
  std::uint16_t ptunnel_port = 0;
  /// Distinct data sizes, sorted; at most kMaxSizes (`sizes_capped` when more were seen).
  std::vector<std::uint16_t> sizes;
  bool sizes_capped = false;
  static constexpr std::size_t kMaxSizes = 32;
  /// The last requests, for pairing a reply with its request (identifier and sequence number);
  /// not merged across workers (a pair's echoes all reach one worker).
  struct Awaiting {
    std::uint64_t hash = 0;    ///< of the data (its length mixed in)
    std::uint32_t id_seq = 0;  ///< identifier << 16 | sequence number
    bool used = false;         ///< holds a request
    bool complete = false;     ///< its data was captured whole (only then compared)
    bool answered = false;
  };
  std::array<Awaiting, 8> awaiting{};
  std::uint8_t next_awaiting = 0;
};
struct EchoKey {
  IpAddress requester;
  IpAddress responder;
  friend bool operator==(const EchoKey&, const EchoKey&) = default;
};
struct EchoKeyHash {
  std::size_t operator()(const EchoKey& key) const noexcept {
    return std::hash<IpAddress>{}(key.requester) * 31 ^ std::hash<IpAddress>{}(key.responder);
  }
};
using EchoMap = absl::flat_hash_map<EchoKey, EchoActivity, EchoKeyHash>;

/// Key of a conversation: (initiator, responder, transport, responder port).
struct ConversationKey {
  IpAddress initiator;
  IpAddress responder;
  std::uint8_t transport = 0;  ///< IP protocol number: 6 TCP, 17 UDP, 1/58 ICMP
  std::uint16_t port = 0;      ///< responder port (0 without ports)
  friend bool operator==(const ConversationKey&, const ConversationKey&) = default;
};
struct ConversationKeyHash {
  std::size_t operator()(const ConversationKey& key) const noexcept {
    return std::hash<IpAddress>{}(key.initiator) * 31 ^ std::hash<IpAddress>{}(key.responder) ^
           (std::size_t{key.transport} << 16 | key.port) * 0x9E3779B97F4A7C15ULL;
  }
};
// Open-addressing (Swiss) tables: one lookup per flow end or DNS query, where a node-based map's
// pointer chase was a cache miss each. Iteration order is unspecified: every reader aggregates or
// sorts.
using ConversationMap = absl::flat_hash_map<ConversationKey, Conversation, ConversationKeyHash>;

/// Every conversation of a tracker: its own table, then the tables merge_from() took whole from
/// other workers. A key is in one of them only. Iterated like a map (`for (auto& [key, c] : ...)`).
class ConversationView {
 public:
  ConversationView(const ConversationMap& first, std::span<const ConversationMap> rest)
      : first_(&first), rest_(rest) {}

  class Iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = ConversationMap::value_type;
    using difference_type = std::ptrdiff_t;
    using pointer = const value_type*;
    using reference = const value_type&;

    Iterator() = default;
    reference operator*() const { return *at_; }
    pointer operator->() const { return &*at_; }
    Iterator& operator++() {
      ++at_;
      settle();
      return *this;
    }
    Iterator operator++(int) {
      Iterator before = *this;
      ++*this;
      return before;
    }
    friend bool operator==(const Iterator& a, const Iterator& b) {
      return a.table_ == b.table_ &&
             (a.view_ == nullptr || a.table_ == a.view_->tables() || a.at_ == b.at_);
    }

   private:
    friend class ConversationView;
    Iterator(const ConversationView* view, std::size_t table) : view_(view), table_(table) {
      if (table_ < view_->tables()) {
        at_ = view_->table(table_).begin();
        settle();
      }
    }
    /// Past the end of a table: on to the next table that has anything.
    void settle() {
      while (table_ < view_->tables() && at_ == view_->table(table_).end()) {
        ++table_;
        if (table_ < view_->tables()) {
          at_ = view_->table(table_).begin();
        }
      }
    }
    const ConversationView* view_ = nullptr;
    std::size_t table_ = 0;
    ConversationMap::const_iterator at_;
  };

  [[nodiscard]] Iterator begin() const { return {this, 0}; }
  [[nodiscard]] Iterator end() const { return {this, tables()}; }
  [[nodiscard]] std::size_t size() const {
    std::size_t total = first_->size();
    for (const ConversationMap& table : rest_) {
      total += table.size();
    }
    return total;
  }
  [[nodiscard]] bool empty() const { return size() == 0; }
  /// The tables, the tracker's own first.
  [[nodiscard]] std::size_t tables() const { return 1 + rest_.size(); }
  [[nodiscard]] const ConversationMap& table(std::size_t index) const {
    return index == 0 ? *first_ : rest_[index - 1];
  }

 private:
  const ConversationMap* first_;
  std::span<const ConversationMap> rest_;
};
using LoginMap = absl::flat_hash_map<std::string, LoginRecord>;
using DnsMap = absl::flat_hash_map<IpAddress, DnsActivity, std::hash<IpAddress>>;

/// Detection state of one worker, fed from the packet path at flow granularity (flow ends, login
/// results, DNS queries) and merged across workers at the end. Everything is bounded. Scanning is
/// read from the conversations at evaluation: the distinct ports of one (initiator, responder)
/// and the distinct responders of one (initiator, port) are conversations.
class Tracker {
 public:
  explicit Tracker(TrackerLimits limits = {}) : limits_(limits) {}

  /// A flow ended (idle, evicted or flushed). `mirai_seq` says whether its SYN carried the
  /// destination address as sequence number. Counted into its conversation in batches (see
  /// flush()): a conversation is a cache miss more often than not, and looked up together the
  /// misses of a batch overlap instead of following one another.
  void on_flow_end(const flow::Flow& flow, bool mirai_seq);
  /// Counts the flow ends and DNS queries still batched. The packet path calls it when its input
  /// ends, merging does too, and so do conversations(), dns() and stats() when any are left.
  void flush();
  /// A login result a protocol analyzer saw ("telnet user=root result=failure").
  void on_login(const IpAddress& client, const IpAddress& server, std::string_view value,
                std::int64_t ts_us);
  /// A name a client looked up. Counted in batches too (flush()): the client's record and the
  /// name's slot among its names are each a likely cache miss, asked for ahead of the counting.
  void on_dns_query(const IpAddress& client, std::string_view name, std::int64_t ts_us);

  /// An ICMP/ICMPv6 echo request or an ARP request from `source` for `target`: host discovery,
  /// which makes no conversation a scan rule could read (ARP has no IP flow; a ping is one).
  void on_probe(ProbeKind kind, const IpAddress& source, const IpAddress& target,
                std::int64_t ts_us);

  /// An ICMP or ICMPv6 echo request (`reply` false: `source` asks `target`) or reply (`source`
  /// answers `target`), not fragmented. `data` is what follows the identifier and sequence
  /// number; `complete` says whether it was captured whole (a truncated capture is never compared).
  void on_echo(bool reply, const IpAddress& source, const IpAddress& target, std::uint16_t id,
               std::uint16_t seq, Bytes data, bool complete, std::int64_t ts_us);

  /// Adds `other`'s state (another worker's). Conversations this tracker also has add up here;
  /// the rest of `other`'s conversation table is moved here whole, not copied
  /// (with two workers sharded by address pair none are shared: copying 25,000 of them into a
  /// table that then doubled took 5 to 50 ms and 9.5 MB of new memory on the benchmark capture).
  void merge_from(Tracker& other);

  [[nodiscard]] ConversationView conversations() const {
    flush_pending();
    return {conversations_, absorbed_};
  }
  [[nodiscard]] const LoginMap& logins() const { return logins_; }
  [[nodiscard]] const ProbeMap& probes() const { return probes_; }
  [[nodiscard]] const EchoMap& echoes() const { return echoes_; }
  [[nodiscard]] const DnsMap& dns() const {
    flush_pending();
    return dns_;
  }
  [[nodiscard]] const TrackerStats& stats() const {
    flush_pending();
    return stats_;
  }
  [[nodiscard]] const TrackerLimits& limits() const { return limits_; }

 private:
  TrackerLimits limits_;
  TrackerStats stats_;
  ConversationMap conversations_;
  /// Tables merge_from() took whole; no key of theirs is in `conversations_` or another one.
  std::vector<ConversationMap> absorbed_;
  /// The conversation of `key` in any table, or null.
  Conversation* find_conversation(const ConversationKey& key);
  /// Folds the taken tables into `conversations_` (a flow ending after a merge counts there).
  void fold_absorbed();
  LoginMap logins_;
  DnsMap dns_;
  ProbeMap probes_;
  EchoMap echoes_;
  /// Adds a target's hash to `activity`'s bounded set (the smallest hashes stay).
  void add_probe_target(ProbeActivity& activity, std::uint64_t hash) const;

  /// What on_flow_end() needs of a flow, kept until its batch is counted (the flow's slot is
  /// reused at once).
  struct FlowEnd {
    ConversationKey key;
    std::uint16_t vlan = 0;
    std::uint16_t app = 0;
    bool answered = false;
    bool mirai_seq = false;
    std::int64_t first_us = 0;
    std::int64_t last_us = 0;
    std::uint64_t packets[2] = {0, 0};  // NOLINT(modernize-avoid-c-arrays): as in flow::Flow
    std::uint64_t bytes[2] = {0, 0};    // NOLINT(modernize-avoid-c-arrays): as in flow::Flow
  };
  static constexpr std::size_t kFlowEndBatch = 16;
  std::vector<FlowEnd> flow_ends_;
  void count_flow_end(const FlowEnd& end);
  /// A DNS query kept until its batch is counted; the name is in `dns_names_`.
  struct DnsQuery {
    IpAddress client;
    std::uint32_t name_at = 0;
    std::uint32_t name_length = 0;
    std::int64_t ts_us = 0;
  };
  static constexpr std::size_t kDnsQueryBatch = 16;
  std::vector<DnsQuery> dns_queries_;
  std::string dns_names_;
  void count_dns_query(const IpAddress& client, std::string_view name, std::int64_t ts_us);
  /// flush() for the const readers. Flow ends and queries are only batched on a tracker
  /// on_flow_end() or on_dns_query() was called on, so one declared const never has any and is
  /// never written.
  void flush_pending() const {
    if (!flow_ends_.empty() || !dns_queries_.empty()) {
      const_cast<Tracker*>(this)->flush();  // NOLINT(cppcoreguidelines-pro-type-const-cast)
    }
  }
};

/// The registered domain of `name`: its last two labels ("a.b.example.com" -> "example.com"),
/// three when the second-level label is a common second-level suffix ("co.uk", "com.au").
std::string_view registered_domain(std::string_view name);
/// Shannon entropy of `text` in bits per character.
double entropy(std::string_view text);
/// Whether `label` looks algorithmically generated: long, high entropy, few vowels or many digits.
bool looks_generated(std::string_view label);
/// A ptunnel header at the start of echo data: the tunnel's state, and where its client asks the
/// proxy to connect (a session's first packets; 0 otherwise).
struct PtunnelHeader {
  bool from_client = false;
  std::uint32_t state = 0;  ///< 0 start, 1 ack, 2 data, 3 close, 4 authenticate
  std::uint32_t destination_ip = 0;
  std::uint16_t destination_port = 0;
};
/// Whether `data` begins with the 28-byte header ptunnel and ptunnel-ng put in every echo:
/// their default magic number (0xD5200880, ptunnel-ng's 0xDEADC0DE), a state under 5 with
/// exactly one of the client and proxy flags, and a data length the packet can hold (`complete`:
/// the data was captured whole).
std::optional<PtunnelHeader> ptunnel(Bytes data, bool complete);
/// A file's start as a DNS name carries it: the file format and the encoding of its bytes.
struct EncodedFile {
  std::string_view format;
  std::string_view encoding;
};
/// Whether a label of `name` (lower-case, as the DNS analyzer reports it) of 24 or more characters
/// begins with a compressed archive's, a PDF's, a PNG's or an executable's first bytes in base64
/// or hex: a file cut into DNS names, as DNS exfiltration tools send it.
std::optional<EncodedFile> encoded_file(std::string_view name);
/// A 64-bit hash of an IP address, for the bounded sets.
std::uint64_t ip_hash(const IpAddress& ip);

}  // namespace warden::detect
