#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Live capture through the same pipeline: warden listens on one end of a veth pair in a network
# namespace (with a BPF filter and a duration) while the other end sends ARP and UDP. Checks that
# it stops on time on an idle-then-busy link, drops root, and records the sender.
set -euo pipefail
warden=$1
if [ "$(id -u)" -ne 0 ] || ! ip netns add warden-live 2>/dev/null; then
  echo "live: needs root and network namespaces; skipping"
  exit 77
fi
work=$(mktemp -d)
chmod 755 "$work"
trap 'ip netns del warden-live 2>/dev/null; rm -rf "$work"' EXIT
ns() { ip netns exec warden-live "$@"; }
ns ip link add va type veth peer name vb
ns ip link set va address 00:1b:21:99:00:01
ns ip addr add 10.99.0.1/24 dev va
ns ip link set lo up
ns ip link set va up
ns ip link set vb up
start=$(date +%s)
ns "$warden" analyze --interface vb --filter "arp or udp" --duration 4 --db "$work/live.db" \
  --no-progress -q 2>"$work/stderr" &
pid=$!
sleep 2  # idle for a while first: the capture must still stop on time
ns busybox ping -c 2 -W 1 10.99.0.7 >/dev/null 2>&1 || true
ns sh -c 'echo hello | busybox nc -u -w 1 10.99.0.7 5000' >/dev/null 2>&1 || true
wait $pid
elapsed=$(( $(date +%s) - start ))
cat "$work/stderr"
[ "$elapsed" -le 8 ] || { echo "live: took ${elapsed}s for a 4s capture"; exit 1; }
owner=$(stat -c %U "$work/live.db")
[ "$owner" = nobody ] || { echo "live: database owned by $owner: privileges were not dropped"; exit 1; }
"$warden" devices --db "$work/live.db" --format csv | tee "$work/devices.csv"
grep -q "00:1b:21:99:00:01,10.99.0.1," "$work/devices.csv" || { echo "live: sender not recorded"; exit 1; }

# With --interval, every interval is stored, identified and checked on its own: three runs in 4 s.
ns "$warden" analyze --interface vb --filter "arp or udp" --duration 4 --interval 1 \
  --db "$work/interval.db" --no-progress -q 2>"$work/stderr2" &
pid=$!
for _ in 1 2 3; do
  ns busybox ping -c 1 -W 1 10.99.0.7 >/dev/null 2>&1 || true
done
wait $pid
runs=$(sqlite3 "$work/interval.db" "select count(*) from runs")
[ "$runs" -ge 3 ] || { cat "$work/stderr2"; echo "live: --interval recorded $runs runs"; exit 1; }
echo "live: stopped after ${elapsed}s, ran as nobody, recorded the sender; --interval 1 made $runs runs"
