// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/byte_reader.hpp"

namespace warden::capture {

/// One captured frame. `data` aliases libpcap's buffer and is valid until the next `next()`.
struct RawPacket {
  std::int64_t ts_us = 0;
  std::uint32_t wire_length = 0;
  Bytes data;
};

/// Consecutive packets read in one go, for callers that hand the same bytes to several threads.
/// `packets[i].data` points into `bytes`; both are reused from one read to the next.
struct PacketChunk {
  std::vector<std::uint8_t> bytes;
  std::vector<RawPacket> packets;
};

/// Why a source stopped or could not start.
enum class SourceStatus : std::uint8_t {
  Ok,           ///< a packet was returned
  Idle,         ///< live capture: no packet within the poll interval (check stop flags, call again)
  End,          ///< clean end of file / live duration elapsed
  Truncated,    ///< the file ends inside a record or a record is corrupt: data up to it was read
  NotACapture,  ///< not a pcap or pcapng file
  Unreadable,   ///< missing, a directory, permission denied, ...
  LiveError,    ///< the interface could not be opened or failed while capturing
};

/// An error with the context a person needs: which file, where, why.
struct SourceError {
  SourceStatus status = SourceStatus::Ok;
  std::string input;         ///< file path or interface name
  std::uint64_t offset = 0;  ///< byte offset in the file where reading stopped (files only)
  std::string reason;
};

/// Options for live capture.
struct LiveOptions {
  std::string interface;
  std::string bpf_filter;
  std::optional<std::chrono::seconds> duration;  ///< stop after this long; none = until stopped
  int snaplen = 65535;
  int buffer_bytes = 64 << 20;  ///< kernel ring size: bursts on a busy mirror port need room
};

/// A packet source: a capture file or a live interface. The only code in Warden that reads
/// captures. Classic pcap files are read with pread() into a reused 1 MiB window (or into the
/// caller's chunk) and packets are handed out as views of it: libpcap copies each one twice
/// (kernel to stdio buffer to its own buffer). pcapng files and live interfaces go through
/// libpcap, files with a 1 MiB stdio buffer instead of its default 4 KiB.
class PcapSource {
 public:
  ~PcapSource();
  PcapSource(const PcapSource&) = delete;
  PcapSource& operator=(const PcapSource&) = delete;
  PcapSource(PcapSource&&) noexcept;
  PcapSource& operator=(PcapSource&&) noexcept;

  /// Opens a capture file. Fails with NotACapture or Unreadable.
  static tl::expected<PcapSource, SourceError> open_file(const std::string& path);
  /// Opens a live interface; applies the BPF filter. Fails with LiveError.
  static tl::expected<PcapSource, SourceError> open_live(const LiveOptions& options);

  /// The next packet, or End / Truncated / LiveError (then `error()` says more).
  SourceStatus next(RawPacket& out);
  /// Files only: replaces `chunk` with the next whole records, about `max_bytes` of them (more when
  /// a single record is larger). Ok when the chunk holds at least one packet; otherwise End or
  /// Truncated as for next(). Records before a break are returned first, the break on the call
  /// after. Classic pcap records are read straight into `chunk.bytes`; pcapng ones are copied.
  SourceStatus next_chunk(PacketChunk& chunk, std::size_t max_bytes);
  [[nodiscard]] const SourceError& error() const { return error_; }
  /// libpcap DLT_ value of the capture.
  [[nodiscard]] int link_type() const { return link_type_; }
  [[nodiscard]] const std::string& name() const { return name_; }
  /// Bytes consumed so far (files only; for progress).
  [[nodiscard]] std::uint64_t offset() const;
  /// Size of the file in bytes (files only; 0 for live).
  [[nodiscard]] std::uint64_t file_size() const { return file_size_; }
  /// Asks a live capture to stop (safe from a signal handler's flag check or another thread).
  void request_stop();
  /// Kernel drop counters for live capture: {received, dropped by kernel, dropped by interface}.
  [[nodiscard]] std::optional<std::array<std::uint64_t, 3>> live_stats() const;

 private:
  PcapSource() = default;
  struct Handle;
  struct WindowedFile;
  SourceStatus next_from_window(RawPacket& out);
  SourceStatus chunk_from_file(PacketChunk& chunk, std::size_t max_bytes);
  SourceStatus truncated(std::uint64_t offset, const std::string& reason);
  std::unique_ptr<Handle> handle_;
  std::unique_ptr<WindowedFile> windowed_;
  SourceError error_;
  std::string name_;
  int link_type_ = 0;
  std::uint64_t file_size_ = 0;
  bool live_ = false;
  SourceStatus deferred_ = SourceStatus::Ok;  ///< next_chunk(): the status after its packets
  std::vector<std::size_t> chunk_offsets_;    ///< next_chunk(): where each copied packet starts
  std::chrono::steady_clock::time_point deadline_{};
  bool has_deadline_ = false;
};

}  // namespace warden::capture
