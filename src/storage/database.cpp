// SPDX-License-Identifier: Apache-2.0
#include "storage/database.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string_view>
#include <system_error>
#include <tuple>
#include <unordered_map>

namespace warden::storage {
namespace {

/// Schema migrations, applied in order; index + 1 is the version they produce. Never edit a
/// released entry: append a new one.
constexpr std::array<const char*, 4> kMigrations = {
    R"sql(
CREATE TABLE devices (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  mac TEXT,
  key_ip TEXT,
  locally_administered INTEGER NOT NULL DEFAULT 0,
  is_router INTEGER NOT NULL DEFAULT 0,
  vendor TEXT,
  first_seen_us INTEGER NOT NULL,
  last_seen_us INTEGER NOT NULL,
  packets_out INTEGER NOT NULL DEFAULT 0,
  packets_in INTEGER NOT NULL DEFAULT 0,
  bytes_out INTEGER NOT NULL DEFAULT 0,
  bytes_in INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE attributes (
  device_id INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  protocol TEXT NOT NULL,
  first_seen_us INTEGER NOT NULL,
  last_seen_us INTEGER NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (device_id, name, value, protocol)
) WITHOUT ROWID;
-- One row per device: its peers as packed records (see encode_peers), not one row per peer. A
-- device keeps up to a few hundred peers; a row each made writing them most of the cost of storing
-- an inventory, and peers are read per device, never searched across devices.
CREATE TABLE device_peers (
  device_id INTEGER PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
  peers BLOB NOT NULL
);
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  started_at_us INTEGER NOT NULL,
  finished_at_us INTEGER NOT NULL,
  inputs TEXT NOT NULL,
  packets INTEGER NOT NULL,
  status TEXT NOT NULL,
  stats TEXT NOT NULL
);
)sql",
    // 2: identification and risk (derived from the attributes after each analysis), and the
    // identity fields users pin.
    R"sql(
ALTER TABLE devices ADD COLUMN risk_score INTEGER NOT NULL DEFAULT 0;
CREATE TABLE identity (
  device_id INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
  field TEXT NOT NULL,
  value TEXT NOT NULL,
  confidence REAL NOT NULL,
  source TEXT NOT NULL,
  evidence TEXT NOT NULL,
  PRIMARY KEY (device_id, field)
) WITHOUT ROWID;
CREATE TABLE pins (
  device_id INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
  field TEXT NOT NULL,
  value TEXT NOT NULL,
  set_at_us INTEGER NOT NULL,
  PRIMARY KEY (device_id, field)
) WITHOUT ROWID;
CREATE TABLE findings (
  device_id INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  title TEXT NOT NULL,
  severity TEXT NOT NULL,
  points INTEGER NOT NULL,
  evidence TEXT NOT NULL,
  protocol TEXT NOT NULL,
  first_seen_us INTEGER NOT NULL,
  last_seen_us INTEGER NOT NULL,
  count INTEGER NOT NULL,
  remediation TEXT NOT NULL,
  controls TEXT NOT NULL,
  PRIMARY KEY (device_id, id)
) WITHOUT ROWID;
)sql",
    // 3: detections: alerts (aggregated by their stable id), device approval, learned behaviour.
    R"sql(
CREATE TABLE alerts (
  id TEXT PRIMARY KEY,
  rule_id TEXT NOT NULL,
  rule_name TEXT NOT NULL,
  severity TEXT NOT NULL,
  techniques TEXT NOT NULL,
  device_key TEXT NOT NULL,
  source_ip TEXT NOT NULL,
  source_mac TEXT NOT NULL,
  destination_ip TEXT NOT NULL,
  destination_port INTEGER NOT NULL,
  transport TEXT NOT NULL,
  first_seen_us INTEGER NOT NULL,
  last_seen_us INTEGER NOT NULL,
  count INTEGER NOT NULL,
  message TEXT NOT NULL,
  evidence TEXT NOT NULL,
  device TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX alerts_by_time ON alerts(last_seen_us);
CREATE TABLE approvals (
  device_id INTEGER PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
  state TEXT NOT NULL,
  set_at_us INTEGER NOT NULL
);
CREATE TABLE baselines (
  device_key TEXT NOT NULL,
  value TEXT NOT NULL,
  learned_at_us INTEGER NOT NULL,
  PRIMARY KEY (device_key, value)
) WITHOUT ROWID;
)sql",
    // 4: a device's attributes as one JSON text instead of a row each. Writing 85,000 rows into
    // the WITHOUT ROWID table was most of the time it took to store an inventory (about 5,000
    // instructions per row in SQLite); one row per device holds the same data. The view keeps
    // the rows queryable by SQL under the table's old name and columns.
    R"sql(
CREATE TABLE device_attributes (
  device_id INTEGER PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
  attributes TEXT NOT NULL
);
INSERT INTO device_attributes (device_id, attributes)
  SELECT device_id,
         json_group_array(json_array(name, value, protocol, first_seen_us, last_seen_us, count))
  FROM (SELECT * FROM attributes ORDER BY device_id, name, value, protocol)
  GROUP BY device_id;
DROP TABLE attributes;
CREATE VIEW attributes AS
  SELECT a.device_id AS device_id,
         json_extract(j.value, '$[0]') AS name,
         json_extract(j.value, '$[1]') AS value,
         json_extract(j.value, '$[2]') AS protocol,
         json_extract(j.value, '$[3]') AS first_seen_us,
         json_extract(j.value, '$[4]') AS last_seen_us,
         json_extract(j.value, '$[5]') AS count
  FROM device_attributes AS a, json_each(a.attributes) AS j;
)sql",
};

/// A JSON array of strings as stored in identity.evidence and findings.controls; anything else
/// (a hand-edited row) reads as empty.
std::vector<std::string> strings_from_json(const std::string& text) {
  std::vector<std::string> out;
  const nlohmann::json parsed = nlohmann::json::parse(text, nullptr, false);
  if (parsed.is_array()) {
    for (const auto& item : parsed) {
      if (item.is_string()) {
        out.push_back(item.get<std::string>());
      }
    }
  }
  return out;
}

/// Display order of identity fields.
int field_order(std::string_view field) {
  static constexpr std::array<std::string_view, 5> kOrder = {"vendor", "type", "model", "os",
                                                             "firmware"};
  for (std::size_t index = 0; index < kOrder.size(); ++index) {
    if (kOrder[index] == field) {
      return static_cast<int>(index);
    }
  }
  return static_cast<int>(kOrder.size());
}

Expected<void> exec_sql(sqlite3* db, const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    Error error{message != nullptr ? message : "sqlite error"};
    sqlite3_free(message);
    return tl::unexpected(error);
  }
  return {};
}

/// A write transaction (BEGIN IMMEDIATE), rolled back if it goes out of scope uncommitted: after
/// the statements declared after it are finalized, and after the caller has built its error from
/// the connection's message, which a rollback would replace.
class Transaction {
 public:
  explicit Transaction(sqlite3* db) : db_(db), begun_(exec_sql(db, "BEGIN IMMEDIATE")) {}
  ~Transaction() {
    if (begun_ && !committed_) {
      (void)exec_sql(db_, "ROLLBACK");
    }
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  /// Why BEGIN failed (the write lock stayed busy past the timeout, ...), or nothing.
  [[nodiscard]] const Expected<void>& begun() const { return begun_; }
  /// A COMMIT that fails leaves the transaction open: the destructor then rolls it back.
  Expected<void> commit() {
    Expected<void> done = exec_sql(db_, "COMMIT");
    committed_ = done.has_value();
    return done;
  }

 private:
  sqlite3* db_;
  Expected<void> begun_;
  bool committed_ = false;
};

/// RAII prepared statement.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) {
      stmt_ = nullptr;
    }
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  [[nodiscard]] bool ok() const { return stmt_ != nullptr; }
  [[nodiscard]] std::string error() const { return sqlite3_errmsg(db_); }
  void bind_blob(int index, std::string_view bytes) {
    sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  }
  [[nodiscard]] std::string column_blob(int index) const {
    const void* data = sqlite3_column_blob(stmt_, index);
    return data == nullptr
               ? std::string()
               : std::string(static_cast<const char*>(data),
                             static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index)));
  }
  void bind(int index, std::string_view text) {
    sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  }
  /// Binds without a copy: `text` must stay valid until the statement is stepped and reset.
  void bind_static(int index, std::string_view text) {
    sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
  }
  void bind(int index, std::int64_t value) { sqlite3_bind_int64(stmt_, index, value); }
  void bind(int index, std::uint64_t value) {
    sqlite3_bind_int64(stmt_, index, static_cast<std::int64_t>(value));
  }
  void bind_null(int index) { sqlite3_bind_null(stmt_, index); }
  void bind_double(int index, double value) { sqlite3_bind_double(stmt_, index, value); }
  [[nodiscard]] double column_double(int index) const {
    return sqlite3_column_double(stmt_, index);
  }
  /// SQLITE_ROW, SQLITE_DONE or an error code.
  int step() { return sqlite3_step(stmt_); }
  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  [[nodiscard]] std::int64_t column_int(int index) const {
    return sqlite3_column_int64(stmt_, index);
  }
  [[nodiscard]] std::string column_text(int index) const {
    const unsigned char* text = sqlite3_column_text(stmt_, index);
    return text == nullptr
               ? std::string()
               : std::string(reinterpret_cast<const char*>(text),  // NOLINT: sqlite API
                             static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index)));
  }
  [[nodiscard]] bool column_is_null(int index) const {
    return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

/// One attribute as stored: views into a device, or into text read back from the database.
struct AttributeRow {
  std::string_view name;
  std::string_view value;
  std::string_view protocol;
  std::int64_t first_us = 0;
  std::int64_t last_us = 0;
  std::uint64_t count = 0;
};

/// Sorts rows by (name, value, protocol) and folds rows with the same key into one: counts add
/// up, first and last seen widen (what the old per-row upsert did).
void fold_rows(std::vector<AttributeRow>& rows) {
  auto key = [](const AttributeRow& row) { return std::tie(row.name, row.value, row.protocol); };
  auto before = [&](const AttributeRow& a, const AttributeRow& b) { return key(a) < key(b); };
  // A new device's rows come in this order already (inventory::attribute_order()).
  if (!std::is_sorted(rows.begin(), rows.end(), before)) {
    std::sort(rows.begin(), rows.end(), before);
  }
  std::size_t kept = 0;
  for (std::size_t at = 0; at < rows.size(); ++at) {
    if (kept > 0 && key(rows[kept - 1]) == key(rows[at])) {
      AttributeRow& into = rows[kept - 1];
      into.first_us = std::min(into.first_us, rows[at].first_us);
      into.last_us = std::max(into.last_us, rows[at].last_us);
      into.count += rows[at].count;
    } else {
      rows[kept++] = rows[at];
    }
  }
  rows.resize(kept);
}

/// Keeps, of each kind's values in `rows` (sorted and folded by fold_rows()), the
/// kStoredValuesPerKind (kStoredActivityPerKind for an activity kind) seen last, in their order;
/// returns how many it removed. Ties go to the value seen more often, then the first in order.
std::uint64_t bound_rows(std::vector<AttributeRow>& rows) {
  std::uint64_t evicted = 0;
  std::size_t kept = 0;
  std::vector<std::size_t> order;
  std::vector<bool> keep;
  for (std::size_t start = 0; start < rows.size();) {
    std::size_t end = start + 1;
    while (end < rows.size() && rows[end].name == rows[start].name) {
      ++end;
    }
    const std::size_t size = end - start;
    // Within the smaller bound a kind's values all stay, whatever the kind (no name lookup).
    static_assert(kStoredValuesPerKind <= kStoredActivityPerKind);
    std::size_t bound = kStoredValuesPerKind;
    if (size > bound) {
      const std::optional<proto::Attr> attr = proto::attr_from_name(rows[start].name);
      bound = attr && inventory::is_activity_attr(*attr) ? kStoredActivityPerKind
                                                         : kStoredValuesPerKind;
    }
    if (size <= bound) {
      if (kept != start) {
        std::move(rows.begin() + static_cast<std::ptrdiff_t>(start),
                  rows.begin() + static_cast<std::ptrdiff_t>(end),
                  rows.begin() + static_cast<std::ptrdiff_t>(kept));
      }
      kept += size;
    } else {
      order.resize(size);
      for (std::size_t at = 0; at < size; ++at) {
        order[at] = start + at;
      }
      std::nth_element(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(bound),
                       order.end(), [&](std::size_t a, std::size_t b) {
                         if (rows[a].last_us != rows[b].last_us) {
                           return rows[a].last_us > rows[b].last_us;
                         }
                         if (rows[a].count != rows[b].count) {
                           return rows[a].count > rows[b].count;
                         }
                         return a < b;
                       });
      keep.assign(size, false);
      for (std::size_t at = 0; at < bound; ++at) {
        keep[order[at] - start] = true;
      }
      for (std::size_t at = 0; at < size; ++at) {
        if (keep[at]) {
          rows[kept++] = rows[start + at];
        }
      }
      evicted += size - bound;
    }
    start = end;
  }
  rows.resize(kept);
  return evicted;
}

/// Whether `text` holds a byte JSON needs escaped: a control byte, a quote or a backslash.
/// Word-parallel tests ("Bit Twiddling Hacks": haszero, hasless), exact for these thresholds.
bool needs_json_escape(std::string_view text) {
  constexpr std::uint64_t kOnes = ~std::uint64_t{0} / 255;
  constexpr std::uint64_t kHigh = kOnes * 128;
  auto has_less = [](std::uint64_t word, std::uint64_t n) {
    return ((word - kOnes * n) & ~word & kHigh) != 0;
  };
  auto special = [&](std::uint64_t word) {
    return has_less(word, 0x20) || has_less(word ^ (kOnes * '"'), 1) ||
           has_less(word ^ (kOnes * '\\'), 1);
  };
  std::size_t at = 0;
  for (; at + 8 <= text.size(); at += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, text.data() + at, 8);
    if (special(word)) {
      return true;
    }
  }
  for (; at < text.size(); ++at) {
    const auto byte = static_cast<unsigned char>(text[at]);
    if (byte < 0x20 || byte == '"' || byte == '\\') {
      return true;
    }
  }
  return false;
}

/// A JSON string: quote, backslash and control bytes escaped (RFC 8259 §7), other bytes as they
/// are (attribute values are printable ASCII once canonicalized).
void append_json_string(std::string& out, std::string_view text) {
  static constexpr std::string_view kHex = "0123456789abcdef";
  out.push_back('"');
  if (!needs_json_escape(text)) {  // the common case, checked eight bytes at a time
    out.append(text);
    out.push_back('"');
    return;
  }
  std::size_t plain_from = 0;
  for (std::size_t at = 0; at < text.size(); ++at) {
    const auto byte = static_cast<unsigned char>(text[at]);
    if (byte >= 0x20 && byte != '"' && byte != '\\') {
      continue;
    }
    out.append(text.substr(plain_from, at - plain_from));
    if (byte < 0x20) {
      out += "\\u00";
      out.push_back(kHex[byte >> 4U]);
      out.push_back(kHex[byte & 0x0FU]);
    } else {
      out.push_back('\\');
      out.push_back(static_cast<char>(byte));
    }
    plain_from = at + 1;
  }
  out.append(text.substr(plain_from));
  out.push_back('"');
}

template <typename Integer>
void append_integer(std::string& out, Integer value) {
  std::array<char, 24> digits{};
  const auto end = std::to_chars(digits.data(), digits.data() + digits.size(), value).ptr;
  out.append(digits.data(), end);
}

/// device_attributes.attributes: a JSON array of [name, value, protocol, first_seen_us,
/// last_seen_us, count] arrays, in key order.
std::string encode_attributes(const std::vector<AttributeRow>& rows) {
  std::string out;
  std::size_t bytes = 2;
  for (const AttributeRow& row : rows) {
    bytes += row.name.size() + row.value.size() + row.protocol.size() + 72;
  }
  out.reserve(bytes);
  out.push_back('[');
  for (const AttributeRow& row : rows) {
    if (out.size() > 1) {
      out.push_back(',');
    }
    out.push_back('[');
    append_json_string(out, row.name);
    out.push_back(',');
    append_json_string(out, row.value);
    out.push_back(',');
    append_json_string(out, row.protocol);
    out.push_back(',');
    append_integer(out, row.first_us);
    out.push_back(',');
    append_integer(out, row.last_us);
    out.push_back(',');
    append_integer(out, row.count);
    out.push_back(']');
  }
  out.push_back(']');
  return out;
}

/// Packed peer record: family (1), address (16), first seen (8), last seen (8), flows (8), all
/// integers little-endian.
constexpr std::size_t kPeerRecordBytes = 41;

void put_u64(std::string& out, std::uint64_t value) {
  for (int byte_idx = 0; byte_idx < 8; ++byte_idx) {
    out.push_back(static_cast<char>((value >> (8 * byte_idx)) & 0xFFU));
  }
}

std::uint64_t get_u64(std::string_view in, std::size_t at) {
  std::uint64_t value = 0;
  for (int byte_idx = 7; byte_idx >= 0; --byte_idx) {
    value = (value << 8) | static_cast<unsigned char>(in[at + static_cast<std::size_t>(byte_idx)]);
  }
  return value;
}

std::string encode_peers(const std::vector<inventory::PeerValue>& peers) {
  std::string out;
  out.reserve(peers.size() * kPeerRecordBytes);
  for (const inventory::PeerValue& peer : peers) {
    out.push_back(static_cast<char>(peer.ip.family));
    out.append(peer.ip.bytes.begin(), peer.ip.bytes.end());
    put_u64(out, static_cast<std::uint64_t>(peer.first_us));
    put_u64(out, static_cast<std::uint64_t>(peer.last_us));
    put_u64(out, peer.flows);
  }
  return out;
}

/// Decodes what encode_peers wrote; a damaged tail is ignored rather than trusted.
std::vector<inventory::PeerValue> decode_peers(std::string_view blob) {
  std::vector<inventory::PeerValue> peers;
  for (std::size_t at = 0; at + kPeerRecordBytes <= blob.size(); at += kPeerRecordBytes) {
    inventory::PeerValue peer;
    peer.ip.family = static_cast<std::uint8_t>(blob[at]);
    if (peer.ip.family != 4 && peer.ip.family != 6) {
      break;
    }
    for (std::size_t byte_idx = 0; byte_idx < 16; ++byte_idx) {
      peer.ip.bytes[byte_idx] = static_cast<std::uint8_t>(blob[at + 1 + byte_idx]);
    }
    peer.first_us = static_cast<std::int64_t>(get_u64(blob, at + 17));
    peer.last_us = static_cast<std::int64_t>(get_u64(blob, at + 25));
    peer.flows = get_u64(blob, at + 33);
    peers.push_back(peer);
  }
  return peers;
}

/// Merges a run's `peers` of a device (each address once) into what earlier runs stored of it:
/// flows add up, first and last seen widen. Keeps the kStoredPeers seen last (ties: more flows,
/// then the lower address), in inventory::peer_order(); returns how many it removed.
std::uint64_t merge_peers(std::vector<inventory::PeerValue>& stored,
                          const std::vector<inventory::PeerValue>& peers) {
  auto by_address = [](const inventory::PeerValue& a, const inventory::PeerValue& b) {
    return a.ip < b.ip;
  };
  if (!stored.empty()) {
    // Both sorted by address, then merged and folded (a damaged row repeating an address too):
    // searching the stored peers for each of the run's took up to 1,024 x 4,096 comparisons.
    std::sort(stored.begin(), stored.end(), by_address);
    std::vector<inventory::PeerValue> added(peers);
    std::sort(added.begin(), added.end(), by_address);
    std::vector<inventory::PeerValue> all;
    all.reserve(stored.size() + added.size());
    std::merge(stored.begin(), stored.end(), added.begin(), added.end(), std::back_inserter(all),
               by_address);
    std::size_t kept = 0;
    for (const inventory::PeerValue& peer : all) {
      if (kept > 0 && all[kept - 1].ip == peer.ip) {
        inventory::PeerValue& into = all[kept - 1];
        into.flows += peer.flows;
        into.first_us = std::min(into.first_us, peer.first_us);
        into.last_us = std::max(into.last_us, peer.last_us);
      } else {
        all[kept++] = peer;
      }
    }
    all.resize(kept);
    stored = std::move(all);
  } else {
    stored = peers;
  }
  std::uint64_t evicted = 0;
  if (stored.size() > kStoredPeers) {
    evicted = stored.size() - kStoredPeers;
    std::nth_element(stored.begin(), stored.begin() + kStoredPeers, stored.end(),
                     [](const inventory::PeerValue& a, const inventory::PeerValue& b) {
                       if (a.last_us != b.last_us) {
                         return a.last_us > b.last_us;
                       }
                       if (a.flows != b.flows) {
                         return a.flows > b.flows;
                       }
                       return a.ip < b.ip;
                     });
    stored.resize(kStoredPeers);
  }
  if (!std::is_sorted(stored.begin(), stored.end(), inventory::peer_order)) {
    std::sort(stored.begin(), stored.end(), inventory::peer_order);
  }
  return evicted;
}

/// An attribute as read back from device_attributes.
struct StoredAttribute {
  std::string name;
  std::string value;
  std::string protocol;
  std::int64_t first_us = 0;
  std::int64_t last_us = 0;
  std::uint64_t count = 0;
};

/// Reads what encode_attributes wrote (JSON: an array of [text, text, text, integer, integer,
/// integer] arrays). Written for this one shape because the general readers were slow for it:
/// nlohmann-json took about 150 instructions per byte, a json_extract per column through the
/// attributes view as long again. Anything else (a hand-edited row, an escape this writer does
/// not produce) is refused, and the caller reads that device through the view instead.
class AttributeReader {
 public:
  explicit AttributeReader(std::string_view text) : text_(text) {}

  std::optional<std::vector<StoredAttribute>> read() {
    std::vector<StoredAttribute> out;
    if (!expect('[')) {
      return std::nullopt;
    }
    if (peek() == ']') {
      ++at_;
      return finished() ? std::optional(std::move(out)) : std::nullopt;
    }
    // Every iteration consumes at least one byte or returns: bounded by the text's length.
    while (true) {
      StoredAttribute row;
      std::int64_t count = 0;
      if (!expect('[') || !string(row.name) || !expect(',') || !string(row.value) || !expect(',') ||
          !string(row.protocol) || !expect(',') || !integer(row.first_us) || !expect(',') ||
          !integer(row.last_us) || !expect(',') || !integer(count) || !expect(']') || count < 0) {
        return std::nullopt;
      }
      row.count = static_cast<std::uint64_t>(count);
      out.push_back(std::move(row));
      const char next = peek();
      ++at_;
      if (next == ']') {
        return finished() ? std::optional(std::move(out)) : std::nullopt;
      }
      if (next != ',') {
        return std::nullopt;
      }
    }
  }

 private:
  void skip_space() {
    while (at_ < text_.size() &&
           (text_[at_] == ' ' || text_[at_] == '\n' || text_[at_] == '\r' || text_[at_] == '\t')) {
      ++at_;
    }
  }
  char peek() {
    skip_space();
    return at_ < text_.size() ? text_[at_] : '\0';
  }
  bool expect(char wanted) {
    if (peek() != wanted) {
      return false;
    }
    ++at_;
    return true;
  }
  bool finished() {
    skip_space();
    return at_ == text_.size();
  }
  bool string(std::string& out) {
    if (!expect('"')) {
      return false;
    }
    while (at_ < text_.size()) {
      const char byte = text_[at_++];
      if (byte == '"') {
        return true;
      }
      if (static_cast<unsigned char>(byte) < 0x20) {
        return false;
      }
      if (byte != '\\') {
        out.push_back(byte);
        continue;
      }
      if (at_ >= text_.size()) {
        return false;
      }
      const char escape = text_[at_++];
      switch (escape) {
        case '"':
        case '\\':
        case '/':
          out.push_back(escape);
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u': {
          // Only what encode_attributes writes: \u00XX for bytes below 0x80.
          unsigned code = 0;
          if (at_ + 4 > text_.size() ||
              std::from_chars(text_.data() + at_, text_.data() + at_ + 4, code, 16).ptr !=
                  text_.data() + at_ + 4 ||
              code >= 0x80) {
            return false;
          }
          at_ += 4;
          out.push_back(static_cast<char>(code));
          break;
        }
        default:
          return false;
      }
    }
    return false;
  }
  bool integer(std::int64_t& out) {
    skip_space();
    const char* begin = text_.data() + at_;
    const char* end = text_.data() + text_.size();
    const auto [stop, error] = std::from_chars(begin, end, out);
    if (error != std::errc{} || (stop < end && (*stop == '.' || *stop == 'e' || *stop == 'E'))) {
      return false;
    }
    at_ += static_cast<std::size_t>(stop - begin);
    return true;
  }

  std::string_view text_;
  std::size_t at_ = 0;
};

/// A device's stored attributes: read by AttributeReader, or, when it refuses the text (a
/// hand-edited row, an escape encode_attributes does not write), through the attributes view.
std::vector<StoredAttribute> stored_attributes(sqlite3* db, std::int64_t device_id,
                                               std::string_view json) {
  if (auto decoded = AttributeReader(json).read()) {
    return std::move(*decoded);
  }
  std::vector<StoredAttribute> out;
  Statement select(db,
                   "SELECT name, value, protocol, first_seen_us, last_seen_us, count "
                   "FROM attributes WHERE device_id = ?1");
  if (!select.ok()) {
    return out;
  }
  select.bind(1, device_id);
  while (select.step() == SQLITE_ROW) {
    out.push_back({select.column_text(0), select.column_text(1), select.column_text(2),
                   select.column_int(3), select.column_int(4),
                   static_cast<std::uint64_t>(select.column_int(5))});
  }
  return out;
}

Error make_error(sqlite3* db, std::string_view what) {
  return Error{std::string(what) + ": " + (db != nullptr ? sqlite3_errmsg(db) : "out of memory")};
}

}  // namespace

Database::~Database() {
  (void)wait_for_checkpoint();
  if (db_ != nullptr) {
    sqlite3_close_v2(db_);
  }
}

Database::Database(Database&& other) noexcept
    : db_(other.db_), path_(std::move(other.path_)), checkpointer_(std::move(other.checkpointer_)) {
  other.db_ = nullptr;
}

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    (void)wait_for_checkpoint();
    if (db_ != nullptr) {
      sqlite3_close_v2(db_);
    }
    db_ = other.db_;
    path_ = std::move(other.path_);
    checkpointer_ = std::move(other.checkpointer_);
    other.db_ = nullptr;
  }
  return *this;
}

void Database::checkpoint_in_background() {
  if (db_ == nullptr) {
    return;
  }
  (void)wait_for_checkpoint();  // the previous one (live capture's intervals are far apart)
  try {
    checkpointer_ = std::async(std::launch::async, [path = path_]() -> Expected<int> {
      sqlite3* handle = nullptr;
      if (sqlite3_open_v2(path.c_str(), &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                          nullptr) != SQLITE_OK) {
        Error error = make_error(handle, path);
        sqlite3_close_v2(handle);
        return tl::unexpected(error);
      }
      sqlite3_busy_timeout(handle, 5000);
      // Synchronous is a connection's own setting, and a checkpoint honours it: the main one's.
      int copied = 0;
      int status = sqlite3_exec(handle, "PRAGMA synchronous=NORMAL;", nullptr, nullptr, nullptr);
      if (status == SQLITE_OK) {
        // PASSIVE: copies what no reader still needs, and never waits for the writer.
        status =
            sqlite3_wal_checkpoint_v2(handle, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, &copied);
      }
      Expected<int> result = copied;
      if (status != SQLITE_OK) {
        result = tl::unexpected(make_error(handle, "checkpoint"));
      }
      // Not the last connection: closing it leaves the WAL to the main one.
      sqlite3_close_v2(handle);
      return result;
    });
  } catch (const std::system_error&) {
    // No thread to be had: the close copies everything, as it would have without this call.
    checkpointer_ = {};
  }
}

Expected<int> Database::wait_for_checkpoint() {
  if (!checkpointer_.valid()) {
    return 0;
  }
  return checkpointer_.get();
}

Expected<Database> Database::open(const std::string& path) {
  sqlite3* handle = nullptr;
  const int status =
      sqlite3_open_v2(path.c_str(), &handle,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  Database database(handle, path);
  if (status != SQLITE_OK) {
    return tl::unexpected(make_error(handle, path));
  }
  sqlite3_busy_timeout(handle, 5000);
  // 16 KiB pages (a new database only: WAL fixes the size): a run's inventory is written, and
  // copied from the WAL into the database, with a quarter of the system calls of 4 KiB pages.
  // A 2 MiB page cache: a run's writes are appends that spill to the WAL as the cache fills (the
  // same bytes written as with a 64 MiB cache, which held the whole 13 MB transaction in fresh
  // memory: 12 to 14 MB more peak memory, and its page faults in the store phase).
  auto journal = database.exec(
      "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; "
      "PRAGMA synchronous=NORMAL; PRAGMA cache_size=-2048; PRAGMA temp_store=MEMORY;");
  if (!journal) {
    return tl::unexpected(Error{path + ": " + journal.error().message});
  }
  if (auto migrated = database.migrate(); !migrated) {
    return tl::unexpected(Error{path + ": " + migrated.error().message});
  }
  return database;
}

Expected<Database> Database::open_existing(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    return tl::unexpected(Error{path + ": no such database (run `warden analyze` first)"});
  }
  return open(path);
}

Expected<void> Database::exec(const char* sql) {
  return exec_sql(db_, sql);
}

int Database::schema_version() const {
  Statement statement(db_, "PRAGMA user_version");
  if (!statement.ok() || statement.step() != SQLITE_ROW) {
    return -1;
  }
  return static_cast<int>(statement.column_int(0));
}

Expected<void> Database::migrate() {
  const int current = schema_version();
  if (current < 0) {
    return tl::unexpected(make_error(db_, "reading schema version"));
  }
  if (current > static_cast<int>(kMigrations.size())) {
    return tl::unexpected(Error{"database schema version " + std::to_string(current) +
                                " is newer than this warden understands (" +
                                std::to_string(kMigrations.size()) + ")"});
  }
  for (auto version = static_cast<std::size_t>(current); version < kMigrations.size(); ++version) {
    Transaction transaction(db_);
    if (!transaction.begun()) {
      return transaction.begun();
    }
    auto applied = exec(kMigrations[version]);
    if (applied) {
      const std::string bump = "PRAGMA user_version=" + std::to_string(version + 1);
      applied = exec(bump.c_str());
    }
    if (applied) {
      applied = transaction.commit();
    }
    if (!applied) {
      return tl::unexpected(
          Error{"migration " + std::to_string(version + 1) + ": " + applied.error().message});
    }
  }
  return {};
}

Expected<MergeStats> Database::merge_devices(const std::vector<inventory::Device>& devices) {
  Transaction transaction(db_);
  if (const auto& begun = transaction.begun(); !begun) {
    return tl::unexpected(begun.error());
  }
  MergeStats stats;
  // Any failure below undoes the whole merge: a run's inventory is stored completely or not at all.
  auto fail = [this](const std::string& what) -> Expected<MergeStats> {
    return tl::unexpected(make_error(db_, what));
  };
  Statement upsert_device(db_, R"sql(
    INSERT INTO devices (key, mac, key_ip, locally_administered, is_router, vendor, first_seen_us,
                         last_seen_us, packets_out, packets_in, bytes_out, bytes_in)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
    ON CONFLICT (key) DO UPDATE SET
      is_router = max(is_router, excluded.is_router),
      vendor = coalesce(excluded.vendor, vendor),
      first_seen_us = min(first_seen_us, excluded.first_seen_us),
      last_seen_us = max(last_seen_us, excluded.last_seen_us),
      packets_out = packets_out + excluded.packets_out,
      packets_in = packets_in + excluded.packets_in,
      bytes_out = bytes_out + excluded.bytes_out,
      bytes_in = bytes_in + excluded.bytes_in
    RETURNING id)sql");
  // Into an empty inventory (checked inside the write lock) nothing needs reading back first.
  bool empty = false;
  {
    Statement probe(db_,
                    "SELECT NOT EXISTS (SELECT 1 FROM devices) AND NOT EXISTS (SELECT 1 FROM "
                    "device_attributes) AND NOT EXISTS (SELECT 1 FROM device_peers)");
    if (!probe.ok() || probe.step() != SQLITE_ROW) {
      return fail("reading the inventory");
    }
    empty = probe.column_int(0) != 0;
  }
  Statement select_attributes(db_, "SELECT attributes FROM device_attributes WHERE device_id = ?1");
  Statement upsert_attributes(
      db_, "INSERT OR REPLACE INTO device_attributes (device_id, attributes) VALUES (?1, ?2)");
  Statement select_peers(db_, "SELECT peers FROM device_peers WHERE device_id = ?1");
  Statement upsert_peers(db_,
                         "INSERT OR REPLACE INTO device_peers (device_id, peers) VALUES (?1, ?2)");
  if (!upsert_device.ok() || !select_attributes.ok() || !upsert_attributes.ok() ||
      !select_peers.ok() || !upsert_peers.ok()) {
    return fail("preparing merge");
  }
  std::vector<AttributeRow> rows;
  std::vector<StoredAttribute> read_back;  // a device's stored rows; `rows` views their text
  for (const inventory::Device& device : devices) {
    upsert_device.reset();
    upsert_device.bind(1, device.key);
    if (device.mac) {
      upsert_device.bind(2, device.mac->to_string());
    } else {
      upsert_device.bind_null(2);
    }
    if (device.key_ip) {
      upsert_device.bind(3, device.key_ip->to_string());
    } else {
      upsert_device.bind_null(3);
    }
    upsert_device.bind(4, std::int64_t{device.locally_administered ? 1 : 0});
    upsert_device.bind(5, std::int64_t{device.is_router ? 1 : 0});
    if (device.vendor) {
      upsert_device.bind(6, *device.vendor);
    } else {
      upsert_device.bind_null(6);
    }
    upsert_device.bind(7, device.first_us);
    upsert_device.bind(8, device.last_us);
    upsert_device.bind(9, device.counters.packets_out);
    upsert_device.bind(10, device.counters.packets_in);
    upsert_device.bind(11, device.counters.bytes_out);
    upsert_device.bind(12, device.counters.bytes_in);
    if (upsert_device.step() != SQLITE_ROW) {
      return fail("storing device " + device.key);
    }
    const std::int64_t device_id = upsert_device.column_int(0);
    (void)upsert_device.step();  // finish the RETURNING statement
    rows.clear();
    read_back.clear();
    if (!empty) {
      select_attributes.reset();
      select_attributes.bind(1, device_id);
      if (select_attributes.step() == SQLITE_ROW) {
        read_back = stored_attributes(db_, device_id, select_attributes.column_text(0));
      }
    }
    for (const StoredAttribute& row : read_back) {
      rows.push_back({row.name, row.value, row.protocol, row.first_us, row.last_us, row.count});
    }
    for (const inventory::AttributeValue& attribute : device.attributes) {
      rows.push_back({proto::attr_name(attribute.attr), attribute.value, attribute.protocol,
                      attribute.first_us, attribute.last_us, attribute.count});
    }
    if (!rows.empty()) {
      fold_rows(rows);
      stats.attributes_evicted += bound_rows(rows);
      upsert_attributes.reset();
      upsert_attributes.bind(1, device_id);
      const std::string text = encode_attributes(rows);
      upsert_attributes.bind_static(2, text);
      if (upsert_attributes.step() != SQLITE_DONE) {
        return fail("storing attributes of " + device.key);
      }
    }
    if (!device.peers.empty()) {
      std::vector<inventory::PeerValue> merged;
      if (!empty) {
        select_peers.reset();
        select_peers.bind(1, device_id);
        if (select_peers.step() == SQLITE_ROW) {
          merged = decode_peers(select_peers.column_blob(0));
        }
      }
      stats.peers_evicted += merge_peers(merged, device.peers);
      upsert_peers.reset();
      upsert_peers.bind(1, device_id);
      upsert_peers.bind_blob(2, encode_peers(merged));
      if (upsert_peers.step() != SQLITE_DONE) {
        return fail("storing peers of " + device.key);
      }
    }
  }
  if (auto committed = transaction.commit(); !committed) {
    return tl::unexpected(committed.error());
  }
  return stats;
}

Expected<std::int64_t> Database::record_run(const RunRecord& run) {
  Statement insert(
      db_,
      "INSERT INTO runs (started_at_us, finished_at_us, inputs, packets, status, stats) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!insert.ok()) {
    return tl::unexpected(make_error(db_, "recording run"));
  }
  insert.bind(1, run.started_at_us);
  insert.bind(2, run.finished_at_us);
  insert.bind(3, run.inputs);
  insert.bind(4, run.packets);
  insert.bind(5, run.status);
  insert.bind(6, run.stats_json);
  if (insert.step() != SQLITE_DONE) {
    return tl::unexpected(make_error(db_, "recording run"));
  }
  return sqlite3_last_insert_rowid(db_);
}

Expected<void> Database::load_details(std::vector<inventory::Device>& devices,
                                      const std::string& where) {
  std::unordered_map<std::int64_t, std::size_t> by_id;
  {
    const std::string sql =
        "SELECT id, key, mac, key_ip, locally_administered, is_router, vendor, first_seen_us, "
        "last_seen_us, packets_out, packets_in, bytes_out, bytes_in, risk_score FROM devices " +
        where + " ORDER BY key";
    Statement select(db_, sql.c_str());
    if (!select.ok()) {
      return tl::unexpected(make_error(db_, "loading devices"));
    }
    while (select.step() == SQLITE_ROW) {
      inventory::Device device;
      device.key = select.column_text(1);
      if (!select.column_is_null(2)) {
        device.mac = MacAddress::parse(select.column_text(2));
      }
      if (!select.column_is_null(3)) {
        device.key_ip = IpAddress::parse(select.column_text(3));
      }
      device.locally_administered = select.column_int(4) != 0;
      device.is_router = select.column_int(5) != 0;
      if (!select.column_is_null(6)) {
        device.vendor = select.column_text(6);
      }
      device.first_us = select.column_int(7);
      device.last_us = select.column_int(8);
      device.counters.packets_out = static_cast<std::uint64_t>(select.column_int(9));
      device.counters.packets_in = static_cast<std::uint64_t>(select.column_int(10));
      device.counters.bytes_out = static_cast<std::uint64_t>(select.column_int(11));
      device.counters.bytes_in = static_cast<std::uint64_t>(select.column_int(12));
      device.risk_score = static_cast<int>(select.column_int(13));
      by_id.emplace(select.column_int(0), devices.size());
      devices.push_back(std::move(device));
    }
  }
  Statement attributes(db_, "SELECT device_id, attributes FROM device_attributes");
  if (!attributes.ok()) {
    return tl::unexpected(make_error(db_, "loading attributes"));
  }
  while (attributes.step() == SQLITE_ROW) {
    const std::int64_t device_id = attributes.column_int(0);
    const auto owner = by_id.find(device_id);
    if (owner == by_id.end()) {
      continue;
    }
    std::vector<inventory::AttributeValue>& into = devices[owner->second].attributes;
    for (StoredAttribute& stored : stored_attributes(db_, device_id, attributes.column_text(1))) {
      const auto attr = proto::attr_from_name(stored.name);
      if (!attr) {
        continue;  // written by a newer warden: not ours to interpret
      }
      inventory::AttributeValue value;
      value.attr = *attr;
      value.value = std::move(stored.value);
      value.protocol = std::move(stored.protocol);
      value.first_us = stored.first_us;
      value.last_us = stored.last_us;
      value.count = stored.count;
      into.push_back(std::move(value));
    }
    // By name, then first seen, then value: the order output has always had.
    std::sort(into.begin(), into.end(),
              [](const inventory::AttributeValue& a, const inventory::AttributeValue& b) {
                return std::tuple(proto::attr_name(a.attr), a.first_us, std::string_view(a.value),
                                  std::string_view(a.protocol)) <
                       std::tuple(proto::attr_name(b.attr), b.first_us, std::string_view(b.value),
                                  std::string_view(b.protocol));
              });
  }
  Statement peers(db_, "SELECT device_id, peers FROM device_peers");
  if (!peers.ok()) {
    return tl::unexpected(make_error(db_, "loading peers"));
  }
  while (peers.step() == SQLITE_ROW) {
    const auto owner = by_id.find(peers.column_int(0));
    if (owner == by_id.end()) {
      continue;
    }
    std::vector<inventory::PeerValue> decoded = decode_peers(peers.column_blob(1));
    // Busiest first, then by address: a stable order for output.
    std::sort(decoded.begin(), decoded.end(), [](const auto& a, const auto& b) {
      return a.flows != b.flows ? a.flows > b.flows : a.ip < b.ip;
    });
    devices[owner->second].peers = std::move(decoded);
  }
  Statement identity(db_,
                     "SELECT device_id, field, value, confidence, source, evidence FROM identity");
  if (!identity.ok()) {
    return tl::unexpected(make_error(db_, "loading identity"));
  }
  while (identity.step() == SQLITE_ROW) {
    const auto owner = by_id.find(identity.column_int(0));
    if (owner == by_id.end()) {
      continue;
    }
    inventory::IdentityField field;
    field.field = identity.column_text(1);
    field.value = identity.column_text(2);
    field.confidence = identity.column_double(3);
    field.source = identity.column_text(4);
    field.evidence = strings_from_json(identity.column_text(5));
    devices[owner->second].identity.push_back(std::move(field));
  }
  for (inventory::Device& device : devices) {
    std::sort(device.identity.begin(), device.identity.end(), [](const auto& a, const auto& b) {
      return field_order(a.field) < field_order(b.field);
    });
  }
  Statement findings(db_,
                     "SELECT device_id, id, title, severity, points, evidence, protocol, "
                     "first_seen_us, last_seen_us, count, remediation, controls FROM findings "
                     "ORDER BY device_id, points DESC, id");
  if (!findings.ok()) {
    return tl::unexpected(make_error(db_, "loading findings"));
  }
  while (findings.step() == SQLITE_ROW) {
    const auto owner = by_id.find(findings.column_int(0));
    if (owner == by_id.end()) {
      continue;
    }
    inventory::Finding finding;
    finding.id = findings.column_text(1);
    finding.title = findings.column_text(2);
    finding.severity = findings.column_text(3);
    finding.points = static_cast<int>(findings.column_int(4));
    finding.evidence = findings.column_text(5);
    finding.protocol = findings.column_text(6);
    finding.first_us = findings.column_int(7);
    finding.last_us = findings.column_int(8);
    finding.count = static_cast<std::uint64_t>(findings.column_int(9));
    finding.remediation = findings.column_text(10);
    finding.controls = strings_from_json(findings.column_text(11));
    devices[owner->second].findings.push_back(std::move(finding));
  }
  return {};
}

Expected<void> Database::store_assessment(const std::vector<inventory::Device>& devices) {
  std::vector<const inventory::Device*> pointers;
  pointers.reserve(devices.size());
  for (const inventory::Device& device : devices) {
    pointers.push_back(&device);
  }
  return store_assessment(pointers);
}

Expected<void> Database::store_assessment(std::span<const inventory::Device* const> devices) {
  Transaction transaction(db_);
  if (!transaction.begun()) {
    return transaction.begun();
  }
  Statement find_id(db_, "SELECT id FROM devices WHERE key = ?1");
  Statement clear_identity(db_, "DELETE FROM identity WHERE device_id = ?1");
  Statement clear_findings(db_, "DELETE FROM findings WHERE device_id = ?1");
  Statement score(db_, "UPDATE devices SET risk_score = ?2 WHERE id = ?1");
  Statement add_identity(db_,
                         "INSERT INTO identity (device_id, field, value, confidence, source, "
                         "evidence) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  Statement add_finding(db_,
                        "INSERT INTO findings (device_id, id, title, severity, points, evidence, "
                        "protocol, first_seen_us, last_seen_us, count, remediation, controls) "
                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
  for (const Statement* statement :
       {&find_id, &clear_identity, &clear_findings, &score, &add_identity, &add_finding}) {
    if (!statement->ok()) {
      return tl::unexpected(make_error(db_, "preparing the assessment"));
    }
  }
  auto run = [&](Statement& statement) {
    const int rc = statement.step();
    statement.reset();
    return rc == SQLITE_DONE || rc == SQLITE_ROW;
  };
  for (const inventory::Device* assessed : devices) {
    const inventory::Device& device = *assessed;
    find_id.bind(1, device.key);
    if (find_id.step() != SQLITE_ROW) {
      find_id.reset();
      continue;  // not stored: nothing to attach to
    }
    const std::int64_t id = find_id.column_int(0);
    find_id.reset();
    clear_identity.bind(1, id);
    clear_findings.bind(1, id);
    score.bind(1, id);
    score.bind(2, static_cast<std::int64_t>(device.risk_score));
    if (!run(clear_identity) || !run(clear_findings) || !run(score)) {
      return tl::unexpected(make_error(db_, "storing the assessment"));
    }
    for (const inventory::IdentityField& field : device.identity) {
      add_identity.bind(1, id);
      add_identity.bind(2, field.field);
      add_identity.bind(3, field.value);
      add_identity.bind_double(4, field.confidence);
      add_identity.bind(5, field.source);
      add_identity.bind(6, nlohmann::json(field.evidence).dump());
      if (!run(add_identity)) {
        return tl::unexpected(make_error(db_, "storing identity"));
      }
    }
    for (const inventory::Finding& finding : device.findings) {
      add_finding.bind(1, id);
      add_finding.bind(2, finding.id);
      add_finding.bind(3, finding.title);
      add_finding.bind(4, finding.severity);
      add_finding.bind(5, static_cast<std::int64_t>(finding.points));
      add_finding.bind(6, finding.evidence);
      add_finding.bind(7, finding.protocol);
      add_finding.bind(8, finding.first_us);
      add_finding.bind(9, finding.last_us);
      add_finding.bind(10, finding.count);
      add_finding.bind(11, finding.remediation);
      add_finding.bind(12, nlohmann::json(finding.controls).dump());
      if (!run(add_finding)) {
        return tl::unexpected(make_error(db_, "storing findings"));
      }
    }
  }
  return transaction.commit();
}

Expected<std::map<std::string, std::string>> Database::load_pins(const std::string& device_key) {
  std::map<std::string, std::string> pins;
  Statement select(db_,
                   "SELECT p.field, p.value FROM pins p JOIN devices d ON d.id = p.device_id "
                   "WHERE d.key = ?1");
  if (!select.ok()) {
    return tl::unexpected(make_error(db_, "loading pins"));
  }
  select.bind(1, device_key);
  while (select.step() == SQLITE_ROW) {
    pins.emplace(select.column_text(0), select.column_text(1));
  }
  return pins;
}

Expected<std::map<std::string, std::map<std::string, std::string>>> Database::load_all_pins() {
  std::map<std::string, std::map<std::string, std::string>> pins;
  Statement select(
      db_, "SELECT d.key, p.field, p.value FROM pins p JOIN devices d ON d.id = p.device_id");
  if (!select.ok()) {
    return tl::unexpected(make_error(db_, "loading pins"));
  }
  while (select.step() == SQLITE_ROW) {
    pins[select.column_text(0)].emplace(select.column_text(1), select.column_text(2));
  }
  return pins;
}

Expected<void> Database::set_pin(const std::string& device_key, const std::string& field,
                                 const std::optional<std::string>& value, std::int64_t now_us) {
  Statement statement(db_, value ? "INSERT INTO pins (device_id, field, value, set_at_us) "
                                   "SELECT id, ?2, ?3, ?4 FROM devices WHERE key = ?1 "
                                   "ON CONFLICT (device_id, field) DO UPDATE SET "
                                   "value = excluded.value, set_at_us = excluded.set_at_us"
                                 : "DELETE FROM pins WHERE field = ?2 AND device_id = "
                                   "(SELECT id FROM devices WHERE key = ?1)");
  if (!statement.ok()) {
    return tl::unexpected(make_error(db_, "preparing the pin"));
  }
  statement.bind(1, device_key);
  statement.bind(2, field);
  if (value) {
    statement.bind(3, *value);
    statement.bind(4, now_us);
  }
  if (statement.step() != SQLITE_DONE) {
    return tl::unexpected(make_error(db_, "storing the pin"));
  }
  return {};
}

Expected<std::set<std::string>> Database::device_keys() {
  std::set<std::string> keys;
  Statement select(db_, "SELECT key FROM devices");
  if (!select.ok()) {
    return tl::unexpected(make_error(db_, "listing devices"));
  }
  while (select.step() == SQLITE_ROW) {
    keys.insert(select.column_text(0));
  }
  return keys;
}

Expected<void> Database::store_alerts(const std::vector<detect::Alert>& alerts) {
  Transaction transaction(db_);
  if (!transaction.begun()) {
    return transaction.begun();
  }
  // Repeats of an alert (same id) add up: count, first and last seen widen; the latest message,
  // evidence, source and identity are kept (an alert about many sources, as a policy violation
  // from the internet, names its one source only while it has one: the message says which).
  Statement upsert(db_,
                   "INSERT INTO alerts (id, rule_id, rule_name, severity, techniques, device_key, "
                   "source_ip, source_mac, destination_ip, destination_port, transport, "
                   "first_seen_us, last_seen_us, count, message, evidence, device) VALUES (?1, "
                   "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17) ON "
                   "CONFLICT (id) DO UPDATE SET first_seen_us = min(first_seen_us, "
                   "excluded.first_seen_us), last_seen_us = max(last_seen_us, "
                   "excluded.last_seen_us), count = count + excluded.count, message = "
                   "excluded.message, evidence = excluded.evidence, device = excluded.device, "
                   "source_ip = excluded.source_ip, source_mac = excluded.source_mac");
  if (!upsert.ok()) {
    return tl::unexpected(make_error(db_, "preparing alerts"));
  }
  // In the order of their ids, the table's key: each insert lands next to the one before, where
  // in the detections' order they landed all over the table and its pages left SQLite's 2 MiB
  // cache and came back (7,679 alerts of the benchmark capture under a strict policy: 63 ms of
  // steps, 21 in order).
  std::vector<const detect::Alert*> in_order;
  in_order.reserve(alerts.size());
  for (const detect::Alert& alert : alerts) {
    in_order.push_back(&alert);
  }
  std::stable_sort(in_order.begin(), in_order.end(),  // repeats keep their order: the last wins
                   [](const detect::Alert* a, const detect::Alert* b) { return a->id < b->id; });
  // The texts are bound without copies (the alerts and these strings outlive each step).
  std::string techniques;
  std::string evidence;
  std::string device;
  for (const detect::Alert* entry : in_order) {
    const detect::Alert& alert = *entry;
    techniques = nlohmann::json(alert.techniques).dump();
    evidence = alert.evidence.dump();
    device = alert.device.dump();
    upsert.bind_static(1, alert.id);
    upsert.bind_static(2, alert.rule_id);
    upsert.bind_static(3, alert.rule_name);
    upsert.bind_static(4, alert.severity);
    upsert.bind_static(5, techniques);
    upsert.bind_static(6, alert.device_key);
    upsert.bind_static(7, alert.source_ip);
    upsert.bind_static(8, alert.source_mac);
    upsert.bind_static(9, alert.destination_ip);
    upsert.bind(10, static_cast<std::int64_t>(alert.destination_port));
    upsert.bind_static(11, alert.transport);
    upsert.bind(12, alert.first_us);
    upsert.bind(13, alert.last_us);
    upsert.bind(14, alert.count);
    upsert.bind_static(15, alert.message);
    upsert.bind_static(16, evidence);
    upsert.bind_static(17, device);
    const int rc = upsert.step();
    upsert.reset();
    if (rc != SQLITE_DONE) {
      return tl::unexpected(make_error(db_, "storing alerts"));
    }
  }
  return transaction.commit();
}

Expected<std::vector<detect::Alert>> Database::load_alerts() {
  std::vector<detect::Alert> alerts;
  Statement select(db_,
                   "SELECT id, rule_id, rule_name, severity, techniques, device_key, source_ip, "
                   "source_mac, destination_ip, destination_port, transport, first_seen_us, "
                   "last_seen_us, count, message, evidence, device FROM alerts ORDER BY "
                   "last_seen_us, id");
  if (!select.ok()) {
    return tl::unexpected(make_error(db_, "loading alerts"));
  }
  while (select.step() == SQLITE_ROW) {
    detect::Alert alert;
    alert.id = select.column_text(0);
    alert.rule_id = select.column_text(1);
    alert.rule_name = select.column_text(2);
    alert.severity = select.column_text(3);
    alert.techniques = strings_from_json(select.column_text(4));
    alert.device_key = select.column_text(5);
    alert.source_ip = select.column_text(6);
    alert.source_mac = select.column_text(7);
    alert.destination_ip = select.column_text(8);
    alert.destination_port = static_cast<std::uint16_t>(select.column_int(9));
    alert.transport = select.column_text(10);
    alert.first_us = select.column_int(11);
    alert.last_us = select.column_int(12);
    alert.count = static_cast<std::uint64_t>(select.column_int(13));
    alert.message = select.column_text(14);
    alert.evidence = nlohmann::json::parse(select.column_text(15), nullptr, false);
    alert.device = nlohmann::json::parse(select.column_text(16), nullptr, false);
    alerts.push_back(std::move(alert));
  }
  return alerts;
}

Expected<void> Database::set_approval(const std::string& device_key, const std::string& state,
                                      std::int64_t now_us) {
  Statement statement(db_,
                      "INSERT INTO approvals (device_id, state, set_at_us) SELECT id, ?2, ?3 FROM "
                      "devices WHERE key = ?1 ON CONFLICT (device_id) DO UPDATE SET state = "
                      "excluded.state, set_at_us = excluded.set_at_us");
  if (!statement.ok()) {
    return tl::unexpected(make_error(db_, "preparing the approval"));
  }
  statement.bind(1, device_key);
  statement.bind(2, state);
  statement.bind(3, now_us);
  if (statement.step() != SQLITE_DONE) {
    return tl::unexpected(make_error(db_, "storing the approval"));
  }
  return {};
}

Expected<std::set<std::string>> Database::approved_devices() {
  std::set<std::string> keys;
  Statement select(db_,
                   "SELECT d.key FROM approvals a JOIN devices d ON d.id = a.device_id WHERE "
                   "a.state = 'approved'");
  if (!select.ok()) {
    return tl::unexpected(make_error(db_, "loading approvals"));
  }
  while (select.step() == SQLITE_ROW) {
    keys.insert(select.column_text(0));
  }
  return keys;
}

Expected<std::map<std::string, std::set<std::string>>> Database::load_baselines() {
  std::map<std::string, std::set<std::string>> out;
  Statement select(db_, "SELECT device_key, value FROM baselines");
  if (!select.ok()) {
    return tl::unexpected(make_error(db_, "loading baselines"));
  }
  while (select.step() == SQLITE_ROW) {
    out[select.column_text(0)].insert(select.column_text(1));
  }
  return out;
}

Expected<void> Database::add_baselines(const std::map<std::string, std::set<std::string>>& values,
                                       std::int64_t now_us) {
  Transaction transaction(db_);
  if (!transaction.begun()) {
    return transaction.begun();
  }
  Statement insert(db_,
                   "INSERT OR IGNORE INTO baselines (device_key, value, learned_at_us) VALUES (?1, "
                   "?2, ?3)");
  if (!insert.ok()) {
    return tl::unexpected(make_error(db_, "preparing baselines"));
  }
  for (const auto& [key, set] : values) {
    for (const std::string& value : set) {
      insert.bind(1, key);
      insert.bind(2, value);
      insert.bind(3, now_us);
      const int rc = insert.step();
      insert.reset();
      if (rc != SQLITE_DONE) {
        return tl::unexpected(make_error(db_, "storing baselines"));
      }
    }
  }
  return transaction.commit();
}

Expected<void> Database::set_volume_baselines(const std::map<std::string, std::uint64_t>& volumes,
                                              std::int64_t now_us) {
  Transaction transaction(db_);
  if (!transaction.begun()) {
    return transaction.begun();
  }
  // The values that start with "bytes_out:" (';' follows ':'), found through the primary key.
  Statement remove(db_,
                   "DELETE FROM baselines WHERE device_key = ?1 AND value >= 'bytes_out:' AND "
                   "value < 'bytes_out;'");
  Statement insert(db_,
                   "INSERT INTO baselines (device_key, value, learned_at_us) VALUES (?1, ?2, ?3)");
  if (!remove.ok() || !insert.ok()) {
    return tl::unexpected(make_error(db_, "preparing volume baselines"));
  }
  for (const auto& [key, bytes] : volumes) {
    remove.bind(1, key);
    const int removed = remove.step();
    remove.reset();
    insert.bind(1, key);
    insert.bind(2, "bytes_out:" + std::to_string(bytes));
    insert.bind(3, now_us);
    const int inserted = insert.step();
    insert.reset();
    if (removed != SQLITE_DONE || inserted != SQLITE_DONE) {
      return tl::unexpected(make_error(db_, "storing volume baselines"));
    }
  }
  return transaction.commit();
}

Expected<std::int64_t> Database::count_devices() {
  Statement count(db_, "SELECT count(*) FROM devices");
  if (!count.ok() || count.step() != SQLITE_ROW) {
    return tl::unexpected(make_error(db_, "counting devices"));
  }
  return count.column_int(0);
}

Expected<std::vector<inventory::Device>> Database::load_devices() {
  std::vector<inventory::Device> devices;
  if (auto loaded = load_details(devices, ""); !loaded) {
    return tl::unexpected(loaded.error());
  }
  return devices;
}

Expected<std::optional<inventory::Device>> Database::find_device(const std::string& mac_or_ip) {
  std::string where;
  if (auto mac = MacAddress::parse(mac_or_ip)) {
    where = "WHERE mac = '" + mac->to_string() + "'";
  } else if (auto ip = IpAddress::parse(mac_or_ip)) {
    // Canonical text from the parsed address: safe to inline, and matches how it was stored.
    const std::string text = ip->to_string();
    where = "WHERE key = 'ip:" + text +
            "' OR id IN (SELECT device_id FROM attributes WHERE name IN "
            "('ipv4','ipv6') AND value = '" +
            text + "')";
  } else {
    return tl::unexpected(Error{"'" + mac_or_ip + "' is neither a MAC nor an IP address"});
  }
  std::vector<inventory::Device> devices;
  if (auto loaded = load_details(devices, where); !loaded) {
    return tl::unexpected(loaded.error());
  }
  if (devices.empty()) {
    return std::optional<inventory::Device>{};
  }
  // Prefer the MAC-keyed device when an address moved between devices.
  return std::optional<inventory::Device>{std::move(devices.front())};
}

}  // namespace warden::storage
