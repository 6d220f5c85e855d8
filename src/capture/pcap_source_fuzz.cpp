// SPDX-License-Identifier: Apache-2.0
// Fuzzes capture-file reading. The input is written to an in-memory file and read twice, packet
// by packet and in chunks (of a size the input picks); both reads must give the same packets and
// stop with the same status at the same offset.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "capture/pcap_source.hpp"

namespace {
using warden::capture::PacketChunk;
using warden::capture::PcapSource;
using warden::capture::RawPacket;
using warden::capture::SourceStatus;

struct Read {
  std::vector<std::pair<std::int64_t, std::vector<std::uint8_t>>> packets;
  SourceStatus status = SourceStatus::Ok;
  std::uint64_t offset = 0;
  bool opened = false;
  friend bool operator==(const Read&, const Read&) = default;
};

void keep(Read& read, const RawPacket& raw) {
  read.packets.emplace_back(raw.ts_us, std::vector<std::uint8_t>(raw.data.begin(), raw.data.end()));
}

/// Reads the file at `path` with `read_some(source, read)` until it returns other than Ok.
template <typename ReadSome>
Read read_all(const std::string& path, ReadSome&& read_some) {
  Read read;
  auto source = PcapSource::open_file(path);
  if (!source) {
    read.status = source.error().status;
    return read;
  }
  read.opened = true;
  // Every record takes at least 16 bytes of the input: the loop ends.
  while ((read.status = read_some(*source, read)) == SourceStatus::Ok) {
  }
  read.offset = source->error().offset;
  return read;
}

Read one_by_one(const std::string& path) {
  RawPacket raw;
  return read_all(path, [&raw](PcapSource& source, Read& read) {
    const SourceStatus status = source.next(raw);
    if (status == SourceStatus::Ok) {
      keep(read, raw);
    }
    return status;
  });
}

Read in_chunks(const std::string& path, std::size_t max_bytes) {
  PacketChunk chunk;
  return read_all(path, [&chunk, max_bytes](PcapSource& source, Read& read) {
    const SourceStatus status = source.next_chunk(chunk, max_bytes);
    if (status == SourceStatus::Ok && chunk.packets.empty()) {
      __builtin_trap();  // Ok promises at least one packet
    }
    for (const RawPacket& raw : chunk.packets) {
      keep(read, raw);
    }
    return status;
  });
}
}  // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the entry point name is fixed by libFuzzer.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const int fd = memfd_create("warden-capture-fuzz", MFD_CLOEXEC);
  if (fd < 0) {
    return 0;
  }
  if (size == 0 || write(fd, data, size) == static_cast<ssize_t>(size)) {
    const std::string path = "/proc/self/fd/" + std::to_string(fd);
    // Chunks from 16 bytes to a few KiB, so that record boundaries fall everywhere.
    const warden::Bytes input(data, size);
    const std::size_t max_bytes = 16 + (input.empty() ? 0 : input.back() * std::size_t{16});
    if (one_by_one(path) != in_chunks(path, max_bytes)) {
      __builtin_trap();
    }
  }
  close(fd);
  return 0;
}
