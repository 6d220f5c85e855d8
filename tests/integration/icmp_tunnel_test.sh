#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A TCP download tunnelled through ICMP echo by a real ptunnel-ng, beside ordinary ping, in two
# network namespaces: the capture goes through `warden analyze`, and the test checks that the
# ICMP tunnel rule names the tunnel and nothing else.
#
#   wi-srv  10.82.0.2  00:1b:21 (Intel)       ptunnel-ng proxy, forwarding to a BusyBox httpd on
#                                             its own 127.0.0.1:8080 (nothing listens outside)
#   wi-cam  10.82.0.3  44:19:b6 (Hikvision)   ptunnel-ng client on its own 127.0.0.1:2222; BusyBox
#                                             wget fetches 300 kB through it (a camera's upload path
#                                             turned around: what matters is data in echo traffic)
# Benign beside it: wi-srv pings wi-cam 10 times with 56 data bytes and 10 times with 1,400 (BusyBox
# ping, as IoT firmware ships it).
# Needs root, iproute2, tcpdump, busybox and ptunnel-ng; skips (77) otherwise. Traffic never leaves
# the two namespaces.
set -euo pipefail
warden=${1:?usage: icmp_tunnel_test.sh WARDEN}
source "$(dirname "$0")/netns_pair.sh"
lab_needs icmp-tunnel ip tcpdump busybox ptunnel-ng python3 cmp
cleanup() {
  set +e
  netns_pair_remove wi-srv wi-cam
  rm -rf "$work"
}
trap cleanup EXIT
netns_pair wi-srv wi-a 00:1b:21:82:00:02 10.82.0.2/24 wi-cam wi-b 44:19:b6:82:00:03 10.82.0.3/24

mkdir "$work/www"
head -c 300000 /dev/urandom >"$work/www/blob.bin"
ip netns exec wi-srv busybox httpd -f -p 127.0.0.1:8080 -h "$work/www" &
# A 32 MiB buffer: with the default 2 MiB the kernel dropped a third of the tunnel's burst on veth.
start_capture wi-srv wi-a "$work/tunnel.pcap" "$work/tcpdump.log" -B 32768

ip netns exec wi-srv busybox ping -q -c 10 -i 0.1 10.82.0.3 >/dev/null
ip netns exec wi-srv busybox ping -q -c 10 -i 0.1 -s 1400 10.82.0.3 >/dev/null
ip netns exec wi-srv ptunnel-ng -v 1 "-o$work/proxy.log" &
sleep 0.5
ip netns exec wi-cam ptunnel-ng -p10.82.0.2 -l2222 -r127.0.0.1 -R8080 -v 1 "-o$work/client.log" &
for _ in $(seq 50); do
  grep -q "Relaying packets" "$work/client.log" 2>/dev/null && break
  sleep 0.1
done
fetch_through icmp-tunnel wi-cam http://127.0.0.1:2222/blob.bin "$work/www/blob.bin" "$work"/*.log
stop_capture "$work/tcpdump.log"

"$warden" analyze -q --no-progress --db "$work/tunnel.db" "$work/tunnel.pcap"
"$warden" alerts --db "$work/tunnel.db" --format json >"$work/alerts.json"
python3 - "$work/alerts.json" <<'PY'
import json, sys
alerts = json.load(open(sys.argv[1]))
failures = []
tunnels = [a for a in alerts if a["rule"]["id"] == "WARDEN-DET-ICMP-TUNNEL"]
if len(tunnels) != 1:
    failures.append("expected one ICMP tunnel alert, got %d: %s" % (len(tunnels), tunnels))
else:
    alert = tunnels[0]
    evidence = alert["warden"]["evidence"]
    if alert["source"]["ip"] != "10.82.0.3" or alert["destination"]["ip"] != "10.82.0.2":
        failures.append("the tunnel alert names %s > %s" % (alert["source"]["ip"],
                                                             alert["destination"]["ip"]))
    if alert["source"].get("mac") != "44-19-B6-82-00-03":  # ECS writes MACs so
        failures.append("the tunnel alert has no camera MAC: %s" % alert["source"])
    # ptunnel-ng's proxy sends the download in echo replies to requests it never had.
    if evidence["replies_unsolicited"] <= evidence["echo_requests"]:
        failures.append("replies to no request do not outnumber requests: %s" % evidence)
    if evidence["reply_data_bytes"] < 300000:
        failures.append("less reply data than the download: %s" % evidence)
    # Its header names it, and the client's first request says where the proxy is to connect.
    if evidence.get("ptunnel_packets", 0) < 300 or \
            evidence.get("ptunnel_destination") != "127.0.0.1:8080":
        failures.append("ptunnel's header was not seen: %s" % evidence)
    if sorted(alert["threat"]["technique"]["id"]) != ["T1095", "T1572"]:
        failures.append("techniques %s" % alert["threat"]["technique"]["id"])
# The pings the other way (10 of 56 data bytes, 10 of 1,400) are ping: nothing else fires.
others = [a["rule"]["id"] for a in alerts if a["rule"]["id"] != "WARDEN-DET-ICMP-TUNNEL"]
if others:
    failures.append("other alerts: %s" % others)
print("icmp-tunnel: %d alerts; %s" % (len(alerts), tunnels[0]["message"] if tunnels else "-"))
for failure in failures:
    print("FAIL:", failure)
sys.exit(1 if failures else 0)
PY
