#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A real DNS tunnel: iodine's client in one network namespace, its server (iodined, the DNS server
# of t.warden.test) in another, an HTTP download through the tunnel, and ordinary lookups beside
# it. The capture goes through `warden analyze`; the DNS tunnel rule must name the client and
# the domain, and nothing else may fire.
#
#   wd-srv  10.83.0.2  00:1b:21 (Intel)       iodined for t.warden.test (tunnel address
#                                             192.168.99.1) and a BusyBox httpd on that address
#   wd-cam  10.83.0.3  44:19:b6 (Hikvision)   iodine (DNS mode only, -r), BusyBox wget fetching
#                                             100 kB through the tunnel; BusyBox nslookup of ten
#                                             ordinary names
# Needs root, iproute2, tcpdump, busybox, iodine and /dev/net/tun; skips (77) otherwise. Traffic
# never leaves the two namespaces.
set -euo pipefail
warden=${1:?usage: dns_tunnel_test.sh WARDEN}
source "$(dirname "$0")/netns_pair.sh"
[ -c /dev/net/tun ] || { echo "dns-tunnel: no /dev/net/tun; skipping"; exit 77; }
lab_needs dns-tunnel ip tcpdump busybox iodine iodined python3 cmp
cleanup() {
  set +e
  netns_pair_remove wd-srv wd-cam
  rm -rf "$work"
}
trap cleanup EXIT
netns_pair wd-srv wd-a 00:1b:21:83:00:02 10.83.0.2/24 wd-cam wd-b 44:19:b6:83:00:03 10.83.0.3/24
start_capture wd-srv wd-a "$work/tunnel.pcap" "$work/tcpdump.log" -B 32768

# The lookups of a device going about its business: answered or not, they are no tunnel.
for name in time.example.com api.example.com cdn.example.net www.example.org \
  firmware.example.com mqtt.example.com ntp.example.org cloud.example.net \
  status.example.com update.example.org; do
  ip netns exec wd-cam busybox nslookup "$name" 10.83.0.2 >/dev/null 2>&1 || true
done

ip netns exec wd-srv iodined -f -c -P warden-lab 192.168.99.1 t.warden.test \
  >"$work/iodined.log" 2>&1 &
for _ in $(seq 50); do
  grep -q "Listening to dns" "$work/iodined.log" && break
  sleep 0.1
done
# -r: DNS only (no raw UDP after the handshake); -m: no probing of the fragment size (seconds).
ip netns exec wd-cam iodine -f -r -m 1024 -P warden-lab 10.83.0.2 t.warden.test >"$work/iodine.log" 2>&1 &
for _ in $(seq 300); do
  grep -q "Connection setup complete" "$work/iodine.log" && break
  sleep 0.1
done
grep -q "Connection setup complete" "$work/iodine.log" ||
  { echo "dns-tunnel: iodine did not connect"; cat "$work"/iodine*.log; exit 1; }
mkdir "$work/www"
head -c 100000 /dev/urandom >"$work/www/blob.bin"
ip netns exec wd-srv busybox httpd -f -p 192.168.99.1:8080 -h "$work/www" &
wait_listening wd-srv tcp 8080
fetch_through dns-tunnel wd-cam http://192.168.99.1:8080/blob.bin "$work/www/blob.bin" \
  "$work"/iodine*.log
stop_capture "$work/tcpdump.log"

"$warden" analyze -q --no-progress --db "$work/tunnel.db" "$work/tunnel.pcap"
"$warden" alerts --db "$work/tunnel.db" --format json >"$work/alerts.json"
python3 - "$work/alerts.json" <<'PY'
import json, sys
alerts = json.load(open(sys.argv[1]))
failures = []
tunnels = [a for a in alerts if a["rule"]["id"] == "WARDEN-DET-DNS-TUNNEL"]
if len(tunnels) != 1:
    failures.append("expected one DNS tunnel alert, got %d: %s" % (len(tunnels), tunnels))
else:
    alert = tunnels[0]
    evidence = alert["warden"]["evidence"]
    if alert["source"]["ip"] != "10.83.0.3":
        failures.append("the tunnel alert names %s" % alert["source"]["ip"])
    if evidence.get("domain") != "warden.test" or evidence.get("distinct_names", 0) < 50:
        failures.append("the tunnel alert's evidence: %s" % evidence)
others = [a["rule"]["id"] for a in alerts if a["rule"]["id"] != "WARDEN-DET-DNS-TUNNEL"]
if others:
    failures.append("other alerts: %s" % others)
print("dns-tunnel: %d alerts; %s %s" % (len(alerts), tunnels[0]["message"] if tunnels else "-",
                                        tunnels[0]["warden"]["evidence"] if tunnels else ""))
for failure in failures:
    print("FAIL:", failure)
sys.exit(1 if failures else 0)
PY
