#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Whole-program throughput and memory, measured in one run beside two references on the same
# capture: a bare libpcap read loop (the floor) and tshark extracting DHCP/DNS/HTTP/TLS-SNI fields.
# Reports packets per CPU-second (user + system), wall time and peak RSS for each.
#   bench/run_bench.sh [CAPTURE]   default: ../shared/bench/gen_iot_pcap.py --scale 1.0 output
# Environment: WARDEN_BENCH_SKIP_TSHARK=1 skips tshark (it takes about a minute).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=bench/out
mkdir -p "$out"
capture=${1:-$out/iot-scale1.pcap}
if [ ! -f "$capture" ]; then
  generator=../shared/bench/gen_iot_pcap.py
  [ -f "$generator" ] || { echo "bench: $generator not found"; exit 1; }
  echo "bench: generating $capture"
  python3 "$generator" "$capture" --scale 1.0
fi
cmake --preset release >/dev/null
cmake --build --preset release --target warden pcap_read_loop >/dev/null
packets=$(build/release/pcap_read_loop "$capture" | awk '{print $1}')
echo "bench: $capture: $packets packets, $(stat -c %s "$capture") bytes"
cat "$capture" >/dev/null  # warm the page cache for every contender alike

measure() {  # measure NAME CMD...: prints one row
  local name=$1; shift
  /usr/bin/time -f "%e %U %S %M" -o "$out/time.txt" "$@" >/dev/null 2>"$out/$name.stderr"
  read -r wall user sys rss_kb <"$out/time.txt"
  awk -v n="$name" -v p="$packets" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss_kb" 'BEGIN {
    cpu = u + s; if (cpu <= 0) cpu = 0.001;
    printf "%-22s %8.2f %8.2f %14.0f %14.0f %10.1f\n", n, w, cpu, p / cpu, p / w, r / 1024 }'
}
printf "%-22s %8s %8s %14s %14s %10s\n" contender wall_s cpu_s pkts_per_cpu_s pkts_per_wall_s peak_MB
measure pcap_read_loop build/release/pcap_read_loop "$capture"
measure "warden --threads 1" build/release/warden analyze --quiet --no-progress --threads 1 \
  --db "$out/bench1.db" "$capture"
measure "warden --threads 2" build/release/warden analyze --quiet --no-progress --threads 2 \
  --db "$out/bench2.db" "$capture"
rm -f "$out"/bench*.db*
if [ "${WARDEN_BENCH_SKIP_TSHARK:-0}" != 1 ] && command -v tshark >/dev/null; then
  measure "tshark -T fields" tshark -n -r "$capture" -T fields -e dhcp.option.hostname \
    -e dns.qry.name -e http.user_agent -e http.server -e tls.handshake.extensions_server_name
fi
