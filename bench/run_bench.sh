#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Whole-program throughput and memory, measured in one run beside two references on the same
# capture: a bare libpcap read loop (the floor) and tshark extracting DHCP/DNS/HTTP/TLS-SNI fields.
# Reports packets per CPU-second (user + system), wall time and peak RSS for each.
#   bench/run_bench.sh [CAPTURE]   default: ../shared/bench/gen_iot_pcap.py --scale 1.0 output
# Warden runs four times a round: one and two threads, each without and with the segmentation
# policy bench/policy.yaml (`--policy`: every conversation checked, its violations stored).
# Environment: WARDEN_BENCH_SKIP_TSHARK=1 skips tshark (it takes about a minute);
#   WARDEN_BENCH_ROUNDS=N runs the read loop and both Warden rows N times (default 1) and ends with
#   each round's ratios and their medians: these machines are noisy, ratios within a round are not.
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
    printf "%-28s %8.2f %8.2f %14.0f %14.0f %10.1f\n", n, w, cpu, p / cpu, p / w, r / 1024 }'
}
printf "%-28s %8s %8s %14s %14s %10s\n" contender wall_s cpu_s pkts_per_cpu_s pkts_per_wall_s peak_MB
rounds=${WARDEN_BENCH_ROUNDS:-1}
: >"$out/ratios-none.txt"
: >"$out/ratios-policy.txt"
for ((round = 1; round <= rounds; round++)); do
  measure pcap_read_loop build/release/pcap_read_loop "$capture"
  read -r _ floor_user floor_sys _ <"$out/time.txt"
  # On these VMs a run is faster when the memory it touches was freed by the run just before (the
  # host still backs it: docs/performance.md), and two threads touch about 20 MB more than one:
  # one thread runs first in odd rounds and second in even ones, so neither row keeps the warmer
  # place.
  for policy in none policy; do
    for threads in $( ((round % 2)) && echo 1 2 || echo 2 1); do
      name="warden --threads $threads"
      args=()
      if [ "$policy" = policy ]; then
        name="$name --policy"
        args=(--policy bench/policy.yaml)
      fi
      measure "$name" build/release/warden analyze --quiet --no-progress \
        --threads "$threads" "${args[@]}" --db "$out/bench-$policy-$threads.db" "$capture"
      if [ "$threads" -eq 1 ]; then
        read -r one_wall one_user one_sys _ <"$out/time.txt"
      else
        read -r two_wall _ _ _ <"$out/time.txt"
      fi
    done
    if [ "$round" -eq 1 ]; then
      # The speed-up must not change the answer: the same inventory and alerts from both.
      for threads in 1 2; do
        build/release/warden devices --db "$out/bench-$policy-$threads.db" --format json \
          >"$out/devices-$policy-$threads.json"
        build/release/warden alerts --db "$out/bench-$policy-$threads.db" --format ndjson \
          >"$out/alerts-$policy-$threads.json"
      done
      alerts=$(wc -l <"$out/alerts-$policy-1.json")
      if cmp -s "$out/devices-$policy-1.json" "$out/devices-$policy-2.json" &&
        cmp -s "$out/alerts-$policy-1.json" "$out/alerts-$policy-2.json"; then
        echo "bench ($policy): one and two threads stored the same devices and alerts ($alerts alerts)"
      else
        echo "bench ($policy): one and two threads stored different devices or alerts" \
          "(see $out/devices-$policy-*.json)"
      fi
    fi
    rm -f "$out"/bench-*.db*
    # Two threads' speed-up in wall time; one thread's packets per CPU-second against the floor's.
    awk -v fu="$floor_user" -v fs="$floor_sys" -v ou="$one_user" -v os="$one_sys" \
      -v ow="$one_wall" -v tw="$two_wall" -v p="$packets" 'BEGIN {
        printf "%.2f %.3f %.0f\n", ow / tw, (fu + fs) / (ou + os), p / (ou + os) }' \
      >>"$out/ratios-$policy.txt"
  done
done
for policy in none policy; do
  label=$([ "$policy" = none ] && echo "" || echo " --policy")
  sort -n "$out/ratios-$policy.txt" | awk -v l="$label" '{ speedup[NR] = $1 } END {
    printf "ratios, %d round(s): --threads 2%s against --threads 1%s in wall time:", NR, l, l
    for (i = 1; i <= NR; i++) printf " %.2f", speedup[i]
    printf " (median %.2f)\n", NR % 2 ? speedup[(NR + 1) / 2] : (speedup[NR / 2] + speedup[NR / 2 + 1]) / 2 }'
  sort -n -k2 "$out/ratios-$policy.txt" | awk -v l="$label" '{ floor[NR] = $2 } END {
    printf "ratios, %d round(s): one thread%s'"'"'s packets per CPU-second against the read loop'"'"'s:", NR, l
    for (i = 1; i <= NR; i++) printf " %.1f%%", 100 * floor[i]
    printf " (median %.1f%%)\n", 100 * (NR % 2 ? floor[(NR + 1) / 2] : (floor[NR / 2] + floor[NR / 2 + 1]) / 2) }'
  sort -n -k3 "$out/ratios-$policy.txt" | awk -v l="$label" '{ rate[NR] = $3; if ($3 >= 2000000) met++ } END {
    printf "one thread%s, packets per CPU-second, %d round(s): median %.0f, at least 2.0 M in %d\n", l, NR,
      NR % 2 ? rate[(NR + 1) / 2] : (rate[NR / 2] + rate[NR / 2 + 1]) / 2, met }'
done
if [ "${WARDEN_BENCH_SKIP_TSHARK:-0}" != 1 ] && command -v tshark >/dev/null; then
  measure "tshark -T fields" tshark -n -r "$capture" -T fields -e dhcp.option.hostname \
    -e dns.qry.name -e http.user_agent -e http.server -e tls.handshake.extensions_server_name
fi
