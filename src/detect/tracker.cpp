// SPDX-License-Identifier: Apache-2.0
#include "detect/tracker.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>

#include "core/hash.hpp"

namespace warden::detect {
namespace {

/// User names remembered per login record.
constexpr std::size_t kMaxUsers = 16;
/// Distinct names remembered per DNS client (threat intelligence matching).
constexpr std::size_t kMaxNames = 2048;
/// Registered domains remembered per DNS client.
constexpr std::size_t kMaxDomains = 1024;

template <typename Set, typename Value>
void insert_bounded(Set& set, const Value& value, std::size_t cap) {
  if (set.size() < cap) {
    set.insert(value);
  }
}

/// Debian's Abseil is built with its own string_view type: lookups by view need one.
absl::string_view as_key(std::string_view text) {
  return {text.data(), text.size()};
}

/// The record of `key` in `map`, made (first seen at `ts_us`) when the map holds fewer than
/// `cap` records; null, counted in `dropped`, when it is full.
template <typename Map, typename Key>
typename Map::mapped_type* bounded_record(Map& map, const Key& key, std::size_t cap,
                                          std::uint64_t& dropped, std::int64_t ts_us) {
  auto found = map.find(key);
  if (found == map.end()) {
    if (map.size() >= cap) {
      ++dropped;
      return nullptr;
    }
    found = map.emplace(key, typename Map::mapped_type{}).first;
    found->second.first_us = ts_us;
  }
  return &found->second;
}

/// Moves each record of `theirs` into `mine`, or adds it up there with `add(mine, theirs)` when
/// `mine` has its key; a new key past `cap` records is dropped and counted in `dropped`.
template <typename Map, typename Add>
void merge_bounded(Map& mine, Map& theirs, std::size_t cap, std::uint64_t& dropped,
                   const Add& add) {
  for (auto& [key, record] : theirs) {
    if (auto at = mine.find(key); at != mine.end()) {
      add(at->second, record);
    } else if (mine.size() >= cap) {
      ++dropped;
    } else {
      mine.emplace(key, std::move(record));
    }
  }
}

/// Whether echo data is a whole IPv4 or IPv6 packet: version, header length and total length
/// agree with the data's size (what IP-over-ICMP tunnels such as icmptunnel and icmptx send).
/// Ping's data starts with a timestamp or a fixed pattern, which agree by chance at most once in
/// thousands of packets.
bool is_ip_packet(Bytes data) {
  if (data.size() >= 20 && data[0] >> 4 == 4) {
    const std::size_t header = static_cast<std::size_t>(data[0] & 0x0FU) * 4;
    const std::size_t total = static_cast<std::size_t>(data[2]) << 8 | data[3];
    return header >= 20 && total == data.size();
  }
  if (data.size() >= 40 && data[0] >> 4 == 6) {
    const std::size_t payload = static_cast<std::size_t>(data[4]) << 8 | data[5];
    return 40 + payload == data.size();
  }
  return false;
}

/// Labels this long or longer are where tools put data in a DNS name.
constexpr std::size_t kDataLabelLength = 24;

/// `test` of the first label of `name` at least kDataLabelLength long for which it gives a value;
/// nullopt when none does. Each turn drops a label: bounded by the name.
template <typename Test>
auto first_long_label(std::string_view name, Test test) -> decltype(test(name)) {
  while (name.size() >= kDataLabelLength) {
    const std::size_t dot = std::min(name.find('.'), name.size());
    if (dot >= kDataLabelLength) {
      if (auto found = test(name.substr(0, dot))) {
        return found;
      }
    }
    if (dot == name.size()) {
      break;
    }
    name.remove_prefix(dot + 1);
  }
  return std::nullopt;
}

/// Whether a DNS name has a label of at least 24 characters that looks generated: data encoded
/// into the name (hex, base32), not a host name.
bool has_encoded_label(std::string_view name) {
  return first_long_label(name,
                          [](std::string_view label) -> std::optional<std::string_view> {
                            return looks_generated(label) ? std::optional(label) : std::nullopt;
                          })
      .has_value();
}

/// Adds `size` to the sorted, bounded set of distinct echo data sizes.
void add_echo_size(EchoActivity& activity, std::uint16_t size) {
  std::vector<std::uint16_t>& sizes = activity.sizes;
  const auto at = std::lower_bound(sizes.begin(), sizes.end(), size);
  if (at != sizes.end() && *at == size) {
    return;
  }
  if (sizes.size() >= EchoActivity::kMaxSizes) {
    activity.sizes_capped = true;
    return;
  }
  sizes.insert(at, size);
}

}  // namespace

std::uint64_t ip_hash(const IpAddress& ip) {
  std::uint64_t high = 0;
  std::uint64_t low = 0;
  std::memcpy(&high, ip.bytes.data(), sizeof(high));
  std::memcpy(&low, ip.bytes.data() + 8, sizeof(low));
  return (high * 0x9E3779B97F4A7C15ULL) ^ (low + ip.family);
}

std::string_view registered_domain(std::string_view name) {
  while (name.ends_with('.')) {
    name.remove_suffix(1);
  }
  const std::size_t last = name.rfind('.');
  if (last == std::string_view::npos || last == 0) {
    return name;
  }
  const std::size_t second = name.rfind('.', last - 1);
  if (second == std::string_view::npos) {
    return name;
  }
  const std::string_view sld = name.substr(second + 1, last - second - 1);
  static constexpr std::array<std::string_view, 6> kSecondLevel = {"co",  "com", "net",
                                                                   "org", "ac",  "gov"};
  const bool country = name.size() - last - 1 == 2;
  if (country && std::find(kSecondLevel.begin(), kSecondLevel.end(), sld) != kSecondLevel.end()) {
    const std::size_t third = name.rfind('.', second - 1);
    return third == std::string_view::npos || second == 0 ? name : name.substr(third + 1);
  }
  return name.substr(second + 1);
}

double entropy(std::string_view text) {
  if (text.empty()) {
    return 0;
  }
  std::array<std::uint32_t, 256> counts{};
  for (const char c : text) {
    ++counts[static_cast<unsigned char>(c)];
  }
  double bits = 0;
  const auto total = static_cast<double>(text.size());
  for (const std::uint32_t count : counts) {
    if (count != 0) {
      const double p = count / total;
      bits -= p * std::log2(p);
    }
  }
  return bits;
}

bool looks_generated(std::string_view label) {
  constexpr std::size_t kMinLength = 12;
  if (label.size() < kMinLength) {
    return false;
  }
  std::size_t vowels = 0;
  std::size_t digits = 0;
  for (const char c : label) {
    const char lower = static_cast<char>(c | 0x20);
    vowels +=
        (lower == 'a' || lower == 'e' || lower == 'i' || lower == 'o' || lower == 'u') ? 1U : 0U;
    digits += (c >= '0' && c <= '9') ? 1U : 0U;
  }
  const double vowel_share = static_cast<double>(vowels) / static_cast<double>(label.size());
  const double digit_share = static_cast<double>(digits) / static_cast<double>(label.size());
  return entropy(label) >= 3.0 && (vowel_share < 0.25 || digit_share > 0.3);
}

std::optional<PtunnelHeader> ptunnel(Bytes data, bool complete) {
  constexpr std::size_t kHeaderBytes = 28;
  constexpr std::uint32_t kMagic = 0xD5200880U;    // ptunnel
  constexpr std::uint32_t kMagicNg = 0xDEADC0DEU;  // ptunnel-ng's default (it takes --magic)
  constexpr std::uint32_t kUserFlag = 1U << 30;
  constexpr std::uint32_t kProxyFlag = 1U << 31;
  constexpr std::uint32_t kStates = 5;
  if (data.size() < kHeaderBytes) {
    return std::nullopt;
  }
  ByteReader reader(data);
  const std::uint32_t magic = reader.read_u32_be().value_or(0);
  const std::uint32_t destination_ip = reader.read_u32_be().value_or(0);
  const std::uint32_t destination_port = reader.read_u32_be().value_or(0);
  const std::uint32_t state = reader.read_u32_be().value_or(0);
  (void)reader.read_u32_be();  // acknowledged sequence number
  const std::uint32_t data_length = reader.read_u32_be().value_or(0);
  const std::uint32_t flags = state & (kUserFlag | kProxyFlag);
  if ((magic != kMagic && magic != kMagicNg) || (flags != kUserFlag && flags != kProxyFlag) ||
      (state & ~(kUserFlag | kProxyFlag)) >= kStates || destination_port > 0xFFFF ||
      (complete && data_length > data.size() - kHeaderBytes)) {
    return std::nullopt;
  }
  PtunnelHeader header;
  header.from_client = flags == kUserFlag;
  header.state = state & ~(kUserFlag | kProxyFlag);
  header.destination_ip = destination_ip;
  header.destination_port = static_cast<std::uint16_t>(destination_port);
  return header;
}

std::optional<EncodedFile> encoded_file(std::string_view name) {
  struct Start {
    std::string_view prefix;  ///< lower-case: the analyzer lower-cases names
    std::string_view format;
    std::string_view encoding;
  };
  // The characters the format's magic bytes fix in each encoding (base64's last one only in part;
  // a gzip header's next character is its flags byte's top bits, 0 to 7 for any valid flags).
  static constexpr std::array<Start, 20> kStarts = {{
      {"h4sia", "gzip", "base64"},     {"h4sib", "gzip", "base64"},   {"h4sic", "gzip", "base64"},
      {"h4sid", "gzip", "base64"},     {"h4sie", "gzip", "base64"},   {"h4sif", "gzip", "base64"},
      {"h4sig", "gzip", "base64"},     {"h4sih", "gzip", "base64"},   {"uesdb", "zip", "base64"},
      {"n3q8ryc", "7z", "base64"},     {"_td6wfo", "xz", "base64"},   {"jvberi", "pdf", "base64"},
      {"ivborw0kgg", "png", "base64"}, {"f0vmr", "elf", "base64"},    {"1f8b08", "gzip", "hex"},
      {"504b0304", "zip", "hex"},      {"377abcaf271c", "7z", "hex"}, {"fd377a585a00", "xz", "hex"},
      {"255044462d", "pdf", "hex"},    {"7f454c46", "elf", "hex"},
  }};
  return first_long_label(name, [](std::string_view label) -> std::optional<EncodedFile> {
    for (const Start& start : kStarts) {
      if (label.starts_with(start.prefix)) {
        return EncodedFile{start.format, start.encoding};
      }
    }
    return std::nullopt;
  });
}

void Tracker::on_flow_end(const flow::Flow& flow, bool mirai_seq) {
  const IpAddress& initiator = flow.initiator_is_a ? flow.key.a : flow.key.b;
  const IpAddress& responder = flow.initiator_is_a ? flow.key.b : flow.key.a;
  const std::uint16_t port = flow.initiator_is_a ? flow.key.port_b : flow.key.port_a;
  if (!initiator.is_set() || !responder.is_set()) {
    return;
  }
  FlowEnd& end = flow_ends_.emplace_back();
  end.key = ConversationKey{initiator, responder, flow.key.proto, port};
  end.vlan = flow.key.vlan;
  end.app = flow.app;
  end.answered = flow.packets[1] > 0;
  end.mirai_seq = mirai_seq;
  end.first_us = flow.first_ts_us;
  end.last_us = flow.last_ts_us;
  end.packets[0] = flow.packets[0];
  end.packets[1] = flow.packets[1];
  end.bytes[0] = flow.bytes[0];
  end.bytes[1] = flow.bytes[1];
  if (flow_ends_.size() >= kFlowEndBatch) {
    flush();
  }
}

static_assert(sizeof(ConversationMap::slot_type) <= 144, "a conversation's slot grew");

void Tracker::flush() {
  for (const FlowEnd& end : flow_ends_) {
    conversations_.prefetch(end.key);
  }
  for (const FlowEnd& end : flow_ends_) {  // in the order the flows ended
    count_flow_end(end);
  }
  flow_ends_.clear();
  if (dns_queries_.empty()) {
    return;
  }
  // Each client's record first, then, with the records in cache, each name's slot among the
  // client's names; then the queries are counted, in the order they came.
  const std::string_view names(dns_names_);
  for (const DnsQuery& query : dns_queries_) {
    dns_.prefetch(query.client);
  }
  for (const DnsQuery& query : dns_queries_) {
    if (const auto found = dns_.find(query.client); found != dns_.end()) {
      found->second.names.prefetch(as_key(names.substr(query.name_at, query.name_length)));
    }
  }
  for (const DnsQuery& query : dns_queries_) {
    count_dns_query(query.client, names.substr(query.name_at, query.name_length), query.ts_us);
  }
  dns_queries_.clear();
  dns_names_.clear();
}

void Tracker::count_flow_end(const FlowEnd& end) {
  if (!absorbed_.empty()) {
    fold_absorbed();
  }
  auto found = conversations_.find(end.key);
  if (found == conversations_.end()) {
    if (conversations_.size() >= limits_.max_conversations) {
      ++stats_.conversations_dropped;
    } else {
      Conversation fresh;
      fresh.vlan = end.vlan;
      fresh.first_us = end.first_us;
      found = conversations_.emplace(end.key, std::move(fresh)).first;
    }
  }
  if (found != conversations_.end()) {
    Conversation& conversation = found->second;
    conversation.first_us = std::min(conversation.first_us, end.first_us);
    conversation.last_us = std::max(conversation.last_us, end.last_us);
    conversation.app = conversation.app != 0 ? conversation.app : end.app;
    ++conversation.flows;
    conversation.answered += end.answered ? 1U : 0U;
    conversation.packets_out += end.packets[0];
    conversation.packets_in += end.packets[1];
    conversation.bytes_out += end.bytes[0];
    conversation.bytes_in += end.bytes[1];
    conversation.mirai_seq += end.mirai_seq ? 1U : 0U;
    if (!end.key.responder.is_private() && conversation.starts.size() < limits_.max_starts) {
      conversation.starts.push_back(end.first_us);
    }
  }
}

void Tracker::on_login(const IpAddress& client, const IpAddress& server, std::string_view value,
                       std::int64_t ts_us) {
  // "telnet user=root result=failure"
  const std::size_t space = value.find(' ');
  const std::size_t user_at = value.find("user=");
  const std::size_t result_at = value.rfind(" result=");
  if (space == std::string_view::npos || user_at == std::string_view::npos ||
      result_at == std::string_view::npos || result_at < user_at) {
    return;
  }
  const std::string_view protocol = value.substr(0, space);
  const std::string_view user = value.substr(user_at + 5, result_at - user_at - 5);
  const bool failure = value.substr(result_at + 8) == "failure";
  std::string key = client.to_string();
  key += '>';
  key += server.to_string();
  key += ' ';
  key += protocol;
  auto found = logins_.find(key);
  if (found == logins_.end()) {
    if (logins_.size() >= limits_.max_logins) {
      ++stats_.logins_dropped;
      return;
    }
    found = logins_
                .emplace(key,
                         LoginRecord{client, server, std::string(protocol), ts_us, ts_us, 0, 0, {}})
                .first;
  }
  LoginRecord& record = found->second;
  record.first_us = std::min(record.first_us, ts_us);
  record.last_us = std::max(record.last_us, ts_us);
  (failure ? record.failures : record.successes) += 1;
  if (record.users.size() < kMaxUsers &&
      std::find(record.users.begin(), record.users.end(), user) == record.users.end()) {
    record.users.emplace_back(user);
  }
}

void Tracker::on_dns_query(const IpAddress& client, std::string_view name, std::int64_t ts_us) {
  dns_queries_.push_back({client, static_cast<std::uint32_t>(dns_names_.size()),
                          static_cast<std::uint32_t>(name.size()), ts_us});
  dns_names_.append(name);
  if (dns_queries_.size() >= kDnsQueryBatch) {
    flush();
  }
}

void Tracker::on_probe(ProbeKind kind, const IpAddress& source, const IpAddress& target,
                       std::int64_t ts_us) {
  if (!source.is_assignable() || !target.is_set() || target == source) {
    return;  // ARP probes (0.0.0.0) and announcements (their own address)
  }
  ProbeActivity* record = bounded_record(probes_, ProbeKey{source, kind}, limits_.max_probe_sources,
                                         stats_.probe_sources_dropped, ts_us);
  if (record == nullptr) {
    return;
  }
  ProbeActivity& activity = *record;
  activity.first_us = std::min(activity.first_us, ts_us);
  activity.last_us = std::max(activity.last_us, ts_us);
  ++activity.probes;
  add_probe_target(activity, std::hash<IpAddress>{}(target));
}

void Tracker::on_echo(bool reply, const IpAddress& source, const IpAddress& target,
                      std::uint16_t id, std::uint16_t seq, Bytes data, bool complete,
                      std::int64_t ts_us) {
  if (!source.is_set() || !target.is_set() || source == target) {
    return;
  }
  EchoActivity* record =
      bounded_record(echoes_, reply ? EchoKey{target, source} : EchoKey{source, target},
                     limits_.max_echo_pairs, stats_.echo_pairs_dropped, ts_us);
  if (record == nullptr) {
    return;
  }
  EchoActivity& activity = *record;
  activity.first_us = std::min(activity.first_us, ts_us);
  activity.last_us = std::max(activity.last_us, ts_us);
  add_echo_size(activity, static_cast<std::uint16_t>(std::min<std::size_t>(data.size(), 0xFFFF)));
  if (is_ip_packet(data)) {
    ++activity.ip_inside;
  }
  if (const std::optional<PtunnelHeader> header = ptunnel(data, complete)) {
    ++activity.ptunnel;
    if (header->from_client && header->state == 0 && header->destination_port != 0 &&
        (activity.ptunnel_port == 0 || std::pair(header->destination_ip, header->destination_port) <
                                           std::pair(activity.ptunnel_ip, activity.ptunnel_port))) {
      activity.ptunnel_ip = header->destination_ip;
      activity.ptunnel_port = header->destination_port;
    }
  }
  const std::uint32_t id_seq = std::uint32_t{id} << 16 | seq;
  const std::uint64_t hash = complete ? hash_bytes(as_chars(data)) : 0;
  const std::size_t slots = activity.awaiting.size();
  if (!reply) {
    ++activity.requests;
    activity.request_bytes += data.size();
    activity.awaiting[activity.next_awaiting] = {hash, id_seq, true, complete, false};
    activity.next_awaiting = static_cast<std::uint8_t>((activity.next_awaiting + 1) % slots);
    return;
  }
  ++activity.replies;
  activity.reply_bytes += data.size();
  // The latest request with this identifier and sequence number (tunnels that keep both fixed
  // pair each reply with the last request).
  for (std::size_t back = 1; back <= slots; ++back) {
    EchoActivity::Awaiting& request =
        activity.awaiting[(activity.next_awaiting + slots - back) % slots];
    if (!request.used || request.id_seq != id_seq) {
      continue;
    }
    if (!complete || !request.complete) {
      request.answered = true;  // truncated data is never compared
    } else if (!request.answered) {
      request.answered = true;
      ++(request.hash == hash ? activity.echoed : activity.not_echoed);
    } else if (request.hash != hash) {
      ++activity.unsolicited;  // a second, different reply to one request
    }
    return;
  }
  ++activity.unsolicited;
}

void Tracker::add_probe_target(ProbeActivity& activity, std::uint64_t hash) const {
  std::vector<std::uint64_t>& targets = activity.targets;
  const auto at = std::lower_bound(targets.begin(), targets.end(), hash);
  if (at != targets.end() && *at == hash) {
    return;  // asked for before
  }
  const auto position = at - targets.begin();
  if (targets.size() >= limits_.max_probe_targets) {
    activity.capped = true;
    if (at == targets.end()) {
      return;  // a larger hash than every kept one
    }
    targets.pop_back();  // (`at` is not used past this: `position` is)
  }
  targets.insert(targets.begin() + position, hash);
}

void Tracker::count_dns_query(const IpAddress& client, std::string_view name, std::int64_t ts_us) {
  DnsActivity* record =
      bounded_record(dns_, client, limits_.max_sources, stats_.sources_dropped, ts_us);
  if (record == nullptr) {
    return;
  }
  DnsActivity& activity = *record;
  activity.last_us = std::max(activity.last_us, ts_us);
  ++activity.queries;
  // A name seen before: only counts change. Its domain, its labels and whether it looks generated
  // were settled the first time (sets and caps only grow), so one lookup does, not four.
  if (const auto seen = activity.names.find(as_key(name)); seen != activity.names.end()) {
    if (seen->second.domain != DnsActivity::kNoDomain) {
      DnsActivity::Domain& stats = activity.domains[seen->second.domain];
      ++stats.queries;
      stats.label_bytes += seen->second.left_bytes;
    }
    return;
  }
  const std::string_view domain = registered_domain(name);
  DnsActivity::Seen first{DnsActivity::kNoDomain, 0};
  bool known_domain = false;  // looked at when first seen: no second look at its label
  if (domain.size() < name.size()) {
    const std::string_view left = name.substr(0, name.size() - domain.size() - 1);
    auto entry = activity.domain_at.find(as_key(domain));
    known_domain = entry != activity.domain_at.end();
    if (!known_domain && activity.domains.size() < kMaxDomains) {
      entry = activity.domain_at
                  .emplace(std::string(domain), static_cast<std::uint32_t>(activity.domains.size()))
                  .first;
      activity.domains.push_back(DnsActivity::Domain{std::string(domain), {}, 0, 0, {}});
    }
    if (entry != activity.domain_at.end()) {
      DnsActivity::Domain& stats = activity.domains[entry->second];
      ++stats.queries;
      stats.label_bytes += left.size();
      insert_bounded(stats.names, std::hash<std::string_view>{}(name), limits_.max_set);
      if (stats.sample.empty()) {
        stats.sample = std::string(name);
      }
      first = {entry->second, static_cast<std::uint32_t>(left.size())};
    }
  }
  // A generated domain shows in the registered domain's own label ("xjwqkzpfhd.com").
  const std::string_view second_level = domain.substr(0, domain.find('.'));
  if (!known_domain && looks_generated(second_level) &&
      !activity.random_looking.contains(as_key(domain))) {
    insert_bounded(activity.random_looking, std::string(domain), limits_.max_set);
  }
  if (has_encoded_label(name)) {
    ++activity.encoded_names;
    insert_bounded(activity.encoded_domains, std::hash<std::string_view>{}(domain),
                   limits_.max_set);
    if (activity.encoded_sample.empty()) {
      activity.encoded_sample = std::string(name);
    }
  }
  if (const std::optional<EncodedFile> file = encoded_file(name)) {
    insert_bounded(activity.file_names, std::hash<std::string_view>{}(name), limits_.max_set);
    if (activity.file_sample.empty() || name < activity.file_sample) {
      activity.file_sample = std::string(name);
      activity.file_format = file->format;
      activity.file_encoding = file->encoding;
    }
  }
  if (activity.names.size() < kMaxNames) {
    activity.names.emplace(std::string(name), first);
  }
}

namespace {
/// Adds `theirs` (the same key, from another worker) into `mine`.
void add_conversation(Conversation& mine, const Conversation& theirs, std::size_t max_starts) {
  mine.first_us = std::min(mine.first_us, theirs.first_us);
  mine.last_us = std::max(mine.last_us, theirs.last_us);
  mine.app = mine.app != 0 ? mine.app : theirs.app;
  mine.flows += theirs.flows;
  mine.answered += theirs.answered;
  mine.packets_out += theirs.packets_out;
  mine.packets_in += theirs.packets_in;
  mine.bytes_out += theirs.bytes_out;
  mine.bytes_in += theirs.bytes_in;
  mine.mirai_seq += theirs.mirai_seq;
  for (const std::int64_t start : theirs.starts) {
    if (mine.starts.size() < max_starts) {
      mine.starts.push_back(start);
    }
  }
}
}  // namespace

Conversation* Tracker::find_conversation(const ConversationKey& key) {
  if (const auto found = conversations_.find(key); found != conversations_.end()) {
    return &found->second;
  }
  for (ConversationMap& table : absorbed_) {
    if (const auto found = table.find(key); found != table.end()) {
      return &found->second;
    }
  }
  return nullptr;
}

void Tracker::fold_absorbed() {
  std::vector<ConversationMap> taken = std::move(absorbed_);
  absorbed_.clear();
  for (ConversationMap& table : taken) {
    for (auto& [key, theirs] : table) {
      auto [mine, inserted] = conversations_.try_emplace(key, std::move(theirs));
      if (!inserted) {
        add_conversation(mine->second, theirs, limits_.max_starts);
      }
    }
  }
}

void Tracker::merge_from(Tracker& other) {
  flush();
  other.flush();
  if (conversations_.empty() && absorbed_.empty() && logins_.empty() && dns_.empty() &&
      probes_.empty() && echoes_.empty()) {
    // The first (or only) worker: take its state instead of copying it.
    conversations_ = std::move(other.conversations_);
    absorbed_ = std::move(other.absorbed_);
    logins_ = std::move(other.logins_);
    dns_ = std::move(other.dns_);
    probes_ = std::move(other.probes_);
    echoes_ = std::move(other.echoes_);
    stats_ = other.stats_;
    other.conversations_.clear();
    other.absorbed_.clear();
    other.logins_.clear();
    other.dns_.clear();
    other.probes_.clear();
    other.echoes_.clear();
    return;
  }
  std::vector<ConversationMap> theirs_tables;
  theirs_tables.push_back(std::move(other.conversations_));
  other.conversations_.clear();
  for (ConversationMap& table : other.absorbed_) {
    theirs_tables.push_back(std::move(table));
  }
  other.absorbed_.clear();
  for (ConversationMap& table : theirs_tables) {
    // A key this tracker has adds up here and leaves their table; the rest stays where it is.
    for (auto at = table.begin(); at != table.end();) {
      if (Conversation* mine = find_conversation(at->first)) {
        add_conversation(*mine, at->second, limits_.max_starts);
        table.erase(at++);
      } else {
        ++at;
      }
    }
    if (!table.empty()) {
      absorbed_.push_back(std::move(table));
    }
  }
  merge_bounded(probes_, other.probes_, limits_.max_probe_sources, stats_.probe_sources_dropped,
                [this](ProbeActivity& p, const ProbeActivity& theirs) {
                  p.first_us = std::min(p.first_us, theirs.first_us);
                  p.last_us = std::max(p.last_us, theirs.last_us);
                  p.probes += theirs.probes;
                  p.capped = p.capped || theirs.capped;
                  for (const std::uint64_t hash : theirs.targets) {
                    add_probe_target(p, hash);
                  }
                });
  merge_bounded(echoes_, other.echoes_, limits_.max_echo_pairs, stats_.echo_pairs_dropped,
                [](EchoActivity& e, const EchoActivity& theirs) {
                  e.first_us = std::min(e.first_us, theirs.first_us);
                  e.last_us = std::max(e.last_us, theirs.last_us);
                  e.requests += theirs.requests;
                  e.replies += theirs.replies;
                  e.request_bytes += theirs.request_bytes;
                  e.reply_bytes += theirs.reply_bytes;
                  e.echoed += theirs.echoed;
                  e.not_echoed += theirs.not_echoed;
                  e.unsolicited += theirs.unsolicited;
                  e.ip_inside += theirs.ip_inside;
                  e.ptunnel += theirs.ptunnel;
                  if (theirs.ptunnel_port != 0 &&
                      (e.ptunnel_port == 0 || std::pair(theirs.ptunnel_ip, theirs.ptunnel_port) <
                                                  std::pair(e.ptunnel_ip, e.ptunnel_port))) {
                    e.ptunnel_ip = theirs.ptunnel_ip;
                    e.ptunnel_port = theirs.ptunnel_port;
                  }
                  e.sizes_capped = e.sizes_capped || theirs.sizes_capped;
                  for (const std::uint16_t size : theirs.sizes) {
                    add_echo_size(e, size);
                  }
                });
  for (auto& [key, theirs] : other.logins_) {
    auto [mine, inserted] = logins_.try_emplace(key, theirs);
    if (!inserted) {
      LoginRecord& l = mine->second;
      l.first_us = std::min(l.first_us, theirs.first_us);
      l.last_us = std::max(l.last_us, theirs.last_us);
      l.failures += theirs.failures;
      l.successes += theirs.successes;
    }
  }
  for (auto& [ip, theirs] : other.dns_) {
    auto [mine, inserted] = dns_.try_emplace(ip, theirs);
    if (!inserted) {
      DnsActivity& d = mine->second;
      d.queries += theirs.queries;
      d.first_us = std::min(d.first_us, theirs.first_us);
      d.last_us = std::max(d.last_us, theirs.last_us);
      // Their domain positions, in `d.domains`.
      std::vector<std::uint32_t> position(theirs.domains.size(), DnsActivity::kNoDomain);
      for (std::size_t index = 0; index < theirs.domains.size(); ++index) {
        const DnsActivity::Domain& stats = theirs.domains[index];
        auto at = d.domain_at.find(stats.name);
        if (at == d.domain_at.end()) {
          at = d.domain_at.emplace(stats.name, static_cast<std::uint32_t>(d.domains.size())).first;
          d.domains.push_back(DnsActivity::Domain{stats.name, {}, 0, 0, {}});
        }
        position[index] = at->second;
        DnsActivity::Domain& merged = d.domains[at->second];
        merged.queries += stats.queries;
        merged.label_bytes += stats.label_bytes;
        for (const auto name : stats.names) {
          insert_bounded(merged.names, name, limits_.max_set);
        }
        if (merged.sample.empty()) {
          merged.sample = stats.sample;
        }
      }
      for (const auto& name : theirs.random_looking) {
        insert_bounded(d.random_looking, name, limits_.max_set);
      }
      d.encoded_names += theirs.encoded_names;
      for (const std::uint64_t domain : theirs.encoded_domains) {
        insert_bounded(d.encoded_domains, domain, limits_.max_set);
      }
      if (d.encoded_sample.empty()) {
        d.encoded_sample = theirs.encoded_sample;
      }
      for (const std::uint64_t name : theirs.file_names) {
        insert_bounded(d.file_names, name, limits_.max_set);
      }
      if (!theirs.file_sample.empty() &&
          (d.file_sample.empty() || theirs.file_sample < d.file_sample)) {
        d.file_sample = theirs.file_sample;
        d.file_format = theirs.file_format;
        d.file_encoding = theirs.file_encoding;
      }
      for (const auto& [name, seen] : theirs.names) {
        if (d.names.size() < kMaxNames) {
          d.names.try_emplace(
              name, DnsActivity::Seen{seen.domain == DnsActivity::kNoDomain ? DnsActivity::kNoDomain
                                                                            : position[seen.domain],
                                      seen.left_bytes});
        }
      }
    }
  }
  stats_.conversations_dropped += other.stats_.conversations_dropped;
  stats_.sources_dropped += other.stats_.sources_dropped;  // DNS clients
  stats_.logins_dropped += other.stats_.logins_dropped;
  stats_.probe_sources_dropped += other.stats_.probe_sources_dropped;
  stats_.echo_pairs_dropped += other.stats_.echo_pairs_dropped;
}

}  // namespace warden::detect
