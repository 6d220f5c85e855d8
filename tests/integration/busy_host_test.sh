#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A busy host's identity is not crowded out by its activity, and the stored inventory stays bounded
# over many runs. A laptop looks up 600 names (more than the 512 values an address pair keeps) on a
# real dnsmasq, three times, each time into a capture of its own; after the last lookups it serves
# HTTP on port 8080 and the server fetches a page from it. The three captures are analyzed one by
# one into one database, as a sensor's intervals are:
#   * each run keeps 384 of the laptop's names (activity's three quarters) and counts 216 dropped;
#   * the service it offered after its lookups is in the inventory (before activity had a share
#     of its own, the names filled the pair's 512 values and the service was dropped);
#   * the database keeps the 1,024 names seen last of the 1,152 the three runs stored.
#
#   wbh-srv  10.86.0.1   00:1b:21 (Intel)  dnsmasq answering every name under busy.test
#   wbh-lap  10.86.0.20  f0:d5:bf (Intel)  BusyBox nslookup, then BusyBox httpd on :8080
# Needs root, iproute2, tcpdump, busybox, dnsmasq, sqlite3 and python3; skips (77) otherwise.
# Traffic never leaves the two namespaces.
set -euo pipefail
warden=${1:?usage: busy_host_test.sh WARDEN}
source "$(dirname "$0")/netns_pair.sh"
lab_needs busy-host ip tcpdump busybox dnsmasq sqlite3 python3
cleanup() {
  set +e
  netns_pair_remove wbh-srv wbh-lap
  rm -rf "$work"
}
trap cleanup EXIT
laptop=f0:d5:bf:86:00:20
netns_pair wbh-srv wbh-a 00:1b:21:86:00:01 10.86.0.1/24 wbh-lap wbh-b "$laptop" 10.86.0.20/24
ip netns exec wbh-srv dnsmasq --no-daemon --conf-file=/dev/null --interface=wbh-a \
  --bind-interfaces --no-resolv --no-hosts --address=/busy.test/10.86.0.1 --user=root \
  >"$work/dnsmasq.log" 2>&1 &
wait_listening wbh-srv udp 53

mkdir -p "$work/www"
echo "laptop page" >"$work/www/index.html"
for batch in 1 2 3; do
  start_capture wbh-srv wbh-a "$work/batch$batch.pcap" "$work/tcpdump$batch.log" -B 16384
  for name in $(seq 0 599); do
    ip netns exec wbh-lap busybox nslookup -type=a "n$batch-$name.busy.test" 10.86.0.1 >/dev/null 2>&1 ||
      { echo "busy-host: lookup $batch-$name failed"; cat "$work/dnsmasq.log"; exit 1; }
  done
  if [ "$batch" -eq 3 ]; then
    ip netns exec wbh-lap busybox httpd -f -p 8080 -h "$work/www" &
    wait_listening wbh-lap tcp 8080
    ip netns exec wbh-srv busybox wget -q -O "$work/page" http://10.86.0.20:8080/index.html
    cmp -s "$work/page" "$work/www/index.html" || { echo "busy-host: the page did not arrive"; exit 1; }
  fi
  stop_capture "$work/tcpdump$batch.log"
done

for batch in 1 2 3; do
  "$warden" analyze --no-progress --quiet --db "$work/busy.db" "$work/batch$batch.pcap"
done
"$warden" devices --db "$work/busy.db" --format json >"$work/devices.json"
sqlite3 "$work/busy.db" "SELECT stats FROM runs ORDER BY id" >"$work/runs.txt"
python3 - "$work/devices.json" "$work/runs.txt" "$laptop" <<'CHECK'
import json
import sys

devices = {device["mac"]: device for device in json.load(open(sys.argv[1]))}
runs = [json.loads(line) for line in open(sys.argv[2])]
laptop = devices.get(sys.argv[3])
failures = []
if laptop is None:
    sys.exit("busy-host: the laptop is not in the inventory")
dropped = [run["inventory"].get("activity_dropped") for run in runs]
evicted = [run.get("storage", {}).get("attributes_evicted", 0) for run in runs]
if dropped != [216, 216, 216]:
    failures.append(f"names dropped per run {dropped}, expected 216 each (600 looked up, 384 kept)")
if sum(evicted) != 128:
    failures.append(f"names evicted from the database {evicted}, expected 128 in all")
names = set(laptop["dns_queries"])
if len(names) != 1024:
    failures.append(f"{len(names)} names stored, expected 1024")
# The first 384 of each batch are kept by its run; the database keeps the last 256 of batch 1's.
expected = {f"n{batch}-{name}.busy.test" for batch in (2, 3) for name in range(384)}
expected |= {f"n1-{name}.busy.test" for name in range(128, 384)}
if names != expected:
    failures.append(f"names stored differ: {len(names - expected)} unexpected, {len(expected - names)} missing")
services = [service if isinstance(service, str) else json.dumps(service) for service in laptop["services"]]
if not any("8080" in service for service in services):
    failures.append(f"the laptop's web server is missing from its services: {services}")
if failures:
    sys.exit("busy-host: " + "; ".join(failures))
print(f"busy-host: per run 216 names dropped and 384 kept; the database kept 1024 (128 evicted); "
      f"the laptop's services {services}")
CHECK
