// SPDX-License-Identifier: Apache-2.0
#include "capture/pcap_source.hpp"

#include <fcntl.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <span>
#include <vector>

namespace warden::capture {
namespace {
/// libpcap's default 4 KiB stdio buffer costs about a third of read throughput; 1 MiB does not.
constexpr std::size_t kFileBufferBytes = 1U << 20;
/// Bytes of the file read at a time: small enough to stay in the CPU's cache while its packets are
/// analyzed, large enough that system calls cost nothing (one per about 1,700 packets).
constexpr std::uint64_t kWindowBytes = 1ULL << 20;
/// Largest record accepted (libpcap's own limit for most link types is 262144).
constexpr std::uint32_t kMaxRecordBytes = 262144;
constexpr std::uint32_t kMagicMicros = 0xA1B2C3D4U;
/// How long a live capture waits for packets before returning Idle.
constexpr int kLivePollMillis = 200;
constexpr std::uint32_t kMagicNanos = 0xA1B23C4DU;

/// libpcap's seconds and microseconds as microseconds, clamped: a pcapng file may claim any
/// 64-bit timestamp, and the product must not overflow.
std::int64_t to_micros(std::int64_t seconds, std::int64_t micros) {
  constexpr std::int64_t kMaxSeconds = std::numeric_limits<std::int64_t>::max() / 1'000'000 - 1;
  return std::clamp(seconds, -kMaxSeconds, kMaxSeconds) * 1'000'000 +
         std::clamp<std::int64_t>(micros, 0, 999'999);
}

std::uint32_t load_u32(const std::uint8_t* at, bool swapped) {
  std::uint32_t value = 0;
  std::memcpy(&value, at, sizeof(value));
  return swapped ? __builtin_bswap32(value) : value;
}
}  // namespace

/// A classic pcap file (either byte order, micro- or nanosecond stamps) read with pread() into a
/// window buffer of kWindowBytes that is reused for the whole file. Copying from the page cache
/// into a buffer that stays in the CPU cache costs less than mapping the file: mapping pays a
/// page-table update for every 4 KiB page and then reads each packet from main memory.
struct PcapSource::WindowedFile {
  int fd = -1;
  std::uint64_t size = 0;
  std::uint64_t offset = 24;  // next record header
  bool swapped = false;
  bool nanos = false;
  std::vector<std::uint8_t> window;
  std::uint64_t window_start = 0;
  std::uint64_t window_length = 0;

  ~WindowedFile() {
    if (fd >= 0) {
      close(fd);
    }
  }
  WindowedFile() = default;
  WindowedFile(const WindowedFile&) = delete;
  WindowedFile& operator=(const WindowedFile&) = delete;

  /// Reads [start, start + length) into the window if it is not there already; false on a read
  /// error or a file that shrank under us.
  bool ensure(std::uint64_t start, std::uint64_t length) {
    if (start >= window_start && start + length <= window_start + window_length) {
      return true;
    }
    const std::uint64_t want = std::min(size - start, std::max(kWindowBytes, length));
    if (window.size() < want) {
      window.resize(want);
    }
    if (!read_at(window.data(), want, start)) {
      window_length = 0;
      return false;
    }
    window_start = start;
    window_length = want;
    return start + length <= window_start + window_length;
  }

  /// Reads exactly `length` bytes at `start` into `into`; false (errno set) on an error or a file
  /// that shrank under us.
  bool read_at(std::uint8_t* into, std::uint64_t length, std::uint64_t start) const {
    std::uint64_t got = 0;
    while (got < length) {
      // NOLINTNEXTLINE(cppcoreguidelines-pro-bounds-pointer-arithmetic): within `length`
      const ssize_t count = ::pread(fd, into + got, length - got, static_cast<off_t>(start + got));
      if (count < 0 && errno == EINTR) {
        continue;
      }
      if (count <= 0) {
        if (count == 0) {
          errno = EIO;  // the file is shorter than it was when opened
        }
        return false;
      }
      got += static_cast<std::uint64_t>(count);
    }
    return true;
  }

  /// Whether a record of `caplen` bytes whose header starts at `record` is sane and in the file.
  [[nodiscard]] bool record_fits(std::uint64_t record, std::uint32_t caplen) const {
    return caplen <= kMaxRecordBytes && record + 16 + caplen <= size;
  }

  /// What is wrong with a record that does not fit (record_fits() is false).
  [[nodiscard]] std::string record_problem(std::uint64_t record, std::uint32_t caplen) const {
    if (caplen > kMaxRecordBytes) {
      return "corrupt record: captured length " + std::to_string(caplen) + " exceeds " +
             std::to_string(kMaxRecordBytes);
    }
    return "truncated record: " + std::to_string(size - record - 16) + " of " +
           std::to_string(caplen) + " bytes";
  }

  /// The packet whose 16-byte record header is at `header` (its data follows the header).
  [[nodiscard]] RawPacket packet_at(const std::uint8_t* header) const {
    RawPacket packet;
    const std::uint32_t seconds = load_u32(header, swapped);
    const std::uint32_t fraction = load_u32(header + 4, swapped);  // NOLINT: pointer math
    const std::uint32_t caplen = load_u32(header + 8, swapped);    // NOLINT: pointer math
    packet.ts_us =
        static_cast<std::int64_t>(seconds) * 1'000'000 + (nanos ? fraction / 1000 : fraction);
    packet.wire_length = load_u32(header + 12, swapped);  // NOLINT: pointer math
    packet.data = Bytes(header + 16, caplen);             // NOLINT: pointer math
    return packet;
  }

  [[nodiscard]] const std::uint8_t* at(std::uint64_t file_offset) const {
    // Within the window (ensure() said so); a zero-length record may end exactly at its end.
    return std::span<const std::uint8_t>(window).subspan(file_offset - window_start).data();
  }
};

struct PcapSource::Handle {
  pcap_t* pcap = nullptr;
  std::FILE* file = nullptr;  // owned by pcap after pcap_fopen_offline succeeds
  std::vector<char> buffer;

  ~Handle() {
    if (pcap != nullptr) {
      pcap_close(pcap);  // also closes `file`
    } else if (file != nullptr) {
      std::fclose(file);
    }
  }
};

PcapSource::~PcapSource() = default;
PcapSource::PcapSource(PcapSource&&) noexcept = default;
PcapSource& PcapSource::operator=(PcapSource&&) noexcept = default;

tl::expected<PcapSource, SourceError> PcapSource::open_file(const std::string& path) {
  SourceError error{SourceStatus::Unreadable, path, 0, ""};
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    error.reason = std::strerror(errno);  // NOLINT(concurrency-mt-unsafe): opened serially
    return tl::unexpected(error);
  }
  if (!S_ISREG(info.st_mode)) {
    error.reason = "not a regular file";
    return tl::unexpected(error);
  }
  PcapSource source;
  source.name_ = path;
  source.file_size_ = static_cast<std::uint64_t>(info.st_size);
  if (source.file_size_ >= 24) {
    auto windowed = std::make_unique<WindowedFile>();
    windowed->fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    std::array<std::uint8_t, 24> header{};
    if (windowed->fd >= 0 && ::pread(windowed->fd, header.data(), header.size(), 0) ==
                                 static_cast<ssize_t>(header.size())) {
      std::uint32_t magic = 0;
      std::memcpy(&magic, header.data(), sizeof(magic));
      const bool native = magic == kMagicMicros || magic == kMagicNanos;
      const bool swapped =
          __builtin_bswap32(magic) == kMagicMicros || __builtin_bswap32(magic) == kMagicNanos;
      if (native || swapped) {
        windowed->swapped = swapped;
        windowed->nanos = (swapped ? __builtin_bswap32(magic) : magic) == kMagicNanos;
        windowed->size = source.file_size_;
        posix_fadvise(windowed->fd, 0, 0, POSIX_FADV_SEQUENTIAL);  // a hint: larger read-ahead
        // The upper bits of the link-type field carry FCS information (pcap spec §4).
        source.link_type_ = static_cast<int>(load_u32(&header[20], swapped) & 0x0FFFFFFFU);
        source.windowed_ = std::move(windowed);
        return source;
      }
    }
  }
  source.handle_ = std::make_unique<Handle>();
  Handle& handle = *source.handle_;
  handle.file = std::fopen(path.c_str(), "rb");
  if (handle.file == nullptr) {
    error.reason = std::strerror(errno);  // NOLINT(concurrency-mt-unsafe): opened serially
    return tl::unexpected(error);
  }
  handle.buffer.resize(kFileBufferBytes);
  std::setvbuf(handle.file, handle.buffer.data(), _IOFBF, handle.buffer.size());
  std::array<char, PCAP_ERRBUF_SIZE> errbuf{};
  handle.pcap = pcap_fopen_offline_with_tstamp_precision(handle.file, PCAP_TSTAMP_PRECISION_MICRO,
                                                         errbuf.data());
  if (handle.pcap == nullptr) {
    error.status = SourceStatus::NotACapture;
    error.reason = errbuf.data();
    if (error.reason.empty()) {
      error.reason = "not a pcap or pcapng capture";
    }
    return tl::unexpected(error);
  }
  source.link_type_ = pcap_datalink(handle.pcap);
  return source;
}

tl::expected<PcapSource, SourceError> PcapSource::open_live(const LiveOptions& options) {
  SourceError error{SourceStatus::LiveError, options.interface, 0, ""};
  std::array<char, PCAP_ERRBUF_SIZE> errbuf{};
  PcapSource source;
  source.live_ = true;
  source.name_ = options.interface;
  source.handle_ = std::make_unique<Handle>();
  pcap_t* pcap = pcap_create(options.interface.c_str(), errbuf.data());
  if (pcap == nullptr) {
    error.reason = errbuf.data();
    return tl::unexpected(error);
  }
  source.handle_->pcap = pcap;
  pcap_set_snaplen(pcap, options.snaplen);
  pcap_set_promisc(pcap, 1);
  pcap_set_buffer_size(pcap, options.buffer_bytes);
  pcap_set_immediate_mode(pcap, 1);
  pcap_set_timeout(pcap, 200);
  pcap_set_tstamp_precision(pcap, PCAP_TSTAMP_PRECISION_MICRO);
  if (const int status = pcap_activate(pcap); status < 0) {
    error.reason = std::string(pcap_statustostr(status)) + ": " + pcap_geterr(pcap);
    return tl::unexpected(error);
  }
  if (!options.bpf_filter.empty()) {
    bpf_program program{};
    if (pcap_compile(pcap, &program, options.bpf_filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
      error.reason = std::string("bad BPF filter: ") + pcap_geterr(pcap);
      return tl::unexpected(error);
    }
    const int set = pcap_setfilter(pcap, &program);
    pcap_freecode(&program);
    if (set != 0) {
      error.reason = std::string("cannot set BPF filter: ") + pcap_geterr(pcap);
      return tl::unexpected(error);
    }
  }
  // Non-blocking, with our own poll in next(): libpcap's blocking read may wait past its timeout
  // indefinitely on an idle interface, and then neither the duration nor a signal could stop it.
  if (pcap_setnonblock(pcap, 1, errbuf.data()) != 0) {
    error.reason = std::string("cannot set non-blocking mode: ") + errbuf.data();
    return tl::unexpected(error);
  }
  if (options.duration) {
    source.has_deadline_ = true;
    source.deadline_ = std::chrono::steady_clock::now() + *options.duration;
  }
  source.link_type_ = pcap_datalink(pcap);
  return source;
}

SourceStatus PcapSource::truncated(std::uint64_t offset, const std::string& reason) {
  error_ = SourceError{SourceStatus::Truncated, name_, offset, reason};
  return SourceStatus::Truncated;
}

SourceStatus PcapSource::next_from_window(RawPacket& out) {
  WindowedFile& file = *windowed_;
  // Nearly every record lies whole in the window already, with a sane length (the window never
  // reaches past the end of the file).
  if (file.offset >= file.window_start) {
    const std::uint64_t at = file.offset - file.window_start;
    if (at + 16 <= file.window_length) {
      const std::uint8_t* header = file.at(file.offset);
      const std::uint32_t caplen = load_u32(header + 8, file.swapped);  // NOLINT: pointer math
      if (caplen <= kMaxRecordBytes && at + 16 + caplen <= file.window_length) {
        out = file.packet_at(header);
        file.offset += 16 + std::uint64_t{caplen};
        return SourceStatus::Ok;
      }
    }
  }
  if (file.offset == file.size) {
    return SourceStatus::End;
  }
  if (file.offset + 16 > file.size) {
    return truncated(file.offset, "truncated record header: " +
                                      std::to_string(file.size - file.offset) + " of 16 bytes");
  }
  if (!file.ensure(file.offset, 16)) {
    return truncated(file.offset,
                     std::string("cannot read file: ") + std::strerror(errno));  // NOLINT
  }
  const std::uint32_t caplen = load_u32(file.at(file.offset) + 8, file.swapped);  // NOLINT
  if (!file.record_fits(file.offset, caplen)) {
    return truncated(file.offset, file.record_problem(file.offset, caplen));
  }
  if (!file.ensure(file.offset, 16 + std::uint64_t{caplen})) {
    return truncated(file.offset,
                     std::string("cannot read file: ") + std::strerror(errno));  // NOLINT
  }
  out = file.packet_at(file.at(file.offset));
  file.offset += 16 + std::uint64_t{caplen};
  return SourceStatus::Ok;
}

SourceStatus PcapSource::chunk_from_file(PacketChunk& chunk, std::size_t max_bytes) {
  WindowedFile& file = *windowed_;
  chunk.packets.clear();
  if (file.offset == file.size) {
    return SourceStatus::End;
  }
  if (file.offset + 16 > file.size) {
    return truncated(file.offset, "truncated record header: " +
                                      std::to_string(file.size - file.offset) + " of 16 bytes");
  }
  std::uint64_t want =
      std::min<std::uint64_t>(file.size - file.offset, std::max<std::size_t>(max_bytes, 16));
  // Twice at most: the second read is for a first record larger than `max_bytes`.
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (chunk.bytes.size() < want) {
      chunk.bytes.resize(want);
    }
    if (!file.read_at(chunk.bytes.data(), want, file.offset)) {
      return truncated(file.offset,
                       std::string("cannot read file: ") + std::strerror(errno));  // NOLINT
    }
    std::uint64_t used = 0;
    std::uint64_t first_needs = 0;
    while (used + 16 <= want) {  // each record takes at least 16 bytes
      const std::uint8_t* header = &chunk.bytes[used];
      const std::uint32_t caplen = load_u32(header + 8, file.swapped);  // NOLINT: pointer math
      if (!file.record_fits(file.offset + used, caplen)) {
        if (chunk.packets.empty()) {
          return truncated(file.offset + used, file.record_problem(file.offset + used, caplen));
        }
        break;  // the records before it first; the next call reports it
      }
      if (used + 16 + caplen > want) {
        first_needs = chunk.packets.empty() ? 16 + std::uint64_t{caplen} : 0;
        break;
      }
      chunk.packets.push_back(file.packet_at(header));
      used += 16 + std::uint64_t{caplen};
    }
    if (!chunk.packets.empty()) {
      file.offset += used;
      return SourceStatus::Ok;
    }
    want = first_needs;  // checked against the file's size above
  }
  return truncated(file.offset, "cannot read record");  // not reached: the second read fits
}

SourceStatus PcapSource::next_chunk(PacketChunk& chunk, std::size_t max_bytes) {
  if (windowed_) {
    return chunk_from_file(chunk, max_bytes);
  }
  chunk.packets.clear();
  if (deferred_ != SourceStatus::Ok) {
    return deferred_;
  }
  // Copied record by record; the spans are set once the buffer has stopped growing.
  chunk_offsets_.clear();
  std::size_t used = 0;
  RawPacket raw;
  while (used < max_bytes) {
    const SourceStatus status = next(raw);
    if (status != SourceStatus::Ok) {
      if (chunk.packets.empty()) {
        return status;
      }
      deferred_ = status;  // after the packets read before it
      break;
    }
    if (chunk.bytes.size() < used + raw.data.size()) {
      chunk.bytes.resize(std::max(used + raw.data.size(), max_bytes));
    }
    std::copy(raw.data.begin(), raw.data.end(),
              chunk.bytes.begin() + static_cast<std::ptrdiff_t>(used));
    chunk_offsets_.push_back(used);
    chunk.packets.push_back(raw);
    used += raw.data.size();
  }
  for (std::size_t index = 0; index < chunk.packets.size(); ++index) {
    RawPacket& packet = chunk.packets[index];
    packet.data = Bytes(chunk.bytes).subspan(chunk_offsets_[index], packet.data.size());
  }
  return SourceStatus::Ok;
}

SourceStatus PcapSource::next(RawPacket& out) {
  if (windowed_) {
    return next_from_window(out);
  }
  pcap_pkthdr* header = nullptr;
  const std::uint8_t* data = nullptr;
  while (true) {
    if (has_deadline_ && std::chrono::steady_clock::now() >= deadline_) {
      return SourceStatus::End;
    }
    const int status = pcap_next_ex(handle_->pcap, &header, &data);
    if (status == 1) {
      out.ts_us = to_micros(header->ts.tv_sec, header->ts.tv_usec);
      out.wire_length = header->len;
      // caplen never exceeds the bytes libpcap read for this record.
      out.data = Bytes(data, header->caplen);
      return SourceStatus::Ok;
    }
    if (status == 0) {  // live, nothing waiting: wait a little, then let the caller check flags
      pollfd descriptor{pcap_get_selectable_fd(handle_->pcap), POLLIN, 0};
      if (descriptor.fd >= 0) {
        ::poll(&descriptor, 1, kLivePollMillis);
      }
      return SourceStatus::Idle;
    }
    if (status == PCAP_ERROR_BREAK) {
      return SourceStatus::End;
    }
    error_.input = name_;
    error_.offset = offset();
    error_.reason = pcap_geterr(handle_->pcap);
    error_.status = live_ ? SourceStatus::LiveError : SourceStatus::Truncated;
    return error_.status;
  }
}

std::uint64_t PcapSource::offset() const {
  if (windowed_) {
    return windowed_->offset;
  }
  if (live_ || !handle_ || handle_->pcap == nullptr) {
    return 0;
  }
  std::FILE* file = pcap_file(handle_->pcap);
  if (file == nullptr) {
    return 0;
  }
  const long position = std::ftell(file);
  return position < 0 ? 0 : static_cast<std::uint64_t>(position);
}

void PcapSource::request_stop() {
  if (handle_ && handle_->pcap != nullptr) {
    pcap_breakloop(handle_->pcap);
  }
}

std::optional<std::array<std::uint64_t, 3>> PcapSource::live_stats() const {
  if (!live_ || !handle_ || handle_->pcap == nullptr) {
    return std::nullopt;
  }
  pcap_stat stats{};
  if (pcap_stats(handle_->pcap, &stats) != 0) {
    return std::nullopt;
  }
  return std::array<std::uint64_t, 3>{stats.ps_recv, stats.ps_drop, stats.ps_ifdrop};
}

}  // namespace warden::capture
