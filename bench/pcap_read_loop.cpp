// SPDX-License-Identifier: Apache-2.0
// The floor for whole-program throughput: read every packet of a capture with libpcap, through
// the same 1 MiB stdio buffer Warden uses, touching each packet's first byte. Prints the count.
#include <pcap/pcap.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: pcap_read_loop FILE\n");
    return 2;
  }
  std::FILE* file = std::fopen(argv[1], "rb");  // NOLINT: argv
  if (file == nullptr) {
    std::perror(argv[1]);  // NOLINT: argv
    return 1;
  }
  std::vector<char> buffer(1U << 20);
  std::setvbuf(file, buffer.data(), _IOFBF, buffer.size());
  std::array<char, PCAP_ERRBUF_SIZE> errbuf{};
  pcap_t* pcap = pcap_fopen_offline(file, errbuf.data());
  if (pcap == nullptr) {
    std::fprintf(stderr, "%s\n", errbuf.data());
    return 1;
  }
  pcap_pkthdr* header = nullptr;
  const std::uint8_t* data = nullptr;
  std::uint64_t packets = 0;
  std::uint64_t checksum = 0;
  while (pcap_next_ex(pcap, &header, &data) == 1) {
    ++packets;
    checksum += header->caplen > 0 ? data[0] : 0;
  }
  pcap_close(pcap);
  std::printf("%llu packets (checksum %llu)\n", static_cast<unsigned long long>(packets),
              static_cast<unsigned long long>(checksum));
  return 0;
}
