#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Detections on real tools in network namespaces (tests/lab/detect_lab.sh): a benign capture
# raises no alert and becomes the learned baseline; then an attack capture (Mirai-style scan with
# the sequence trait, telnet password guessing, nmap TCP and UDP port scans, sweep, ARP and ping
# sweeps, a 5 s beacon to a listed C2 address, a DNS tunnel and generated domains, a bulk upload
# measured against the NAS's learned volume, internet hosts reaching a recorder's telnet) raises
# each expected alert, about the right device.
# Needs root, iproute2, tcpdump, nmap, telnetd, dnsmasq; skips (77) otherwise.
set -uo pipefail
warden=${1:?usage: detect_test.sh WARDEN}
here=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" -eq 0 ] || { echo "detect: needs root; skipping"; exit 77; }
for tool in ip tcpdump nmap dnsmasq /usr/sbin/telnetd busybox python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "detect: $tool missing; skipping"; exit 77; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db="$work/warden.db"
printf '# lab threat list\n198.51.100.66\nc2.bad.example\n' >"$work/intel.txt"
cat >"$work/policy.yaml" <<'YAML'
version: 1
zones:
  cameras: {select: {type: [ip_camera]}}
  lan: {cidrs: [10.79.0.0/24]}
  internet: {internet: true}
conduits:
  - {name: dns, from: [cameras, lan], to: lan, transport: udp, ports: [53]}
  - {name: web, from: [cameras, lan], to: internet, transport: tcp, ports: [443]}
default: deny
YAML
cat >"$work/outputs.yaml" <<YAML
outputs:
  - type: file
    path: $work/siem.ndjson
YAML

"$here/../lab/detect_lab.sh" benign "$work/benign.pcap" || exit 1
"$warden" analyze -q --no-progress --db "$db" --learn --intel "$work/intel.txt" \
  --policy "$work/policy.yaml" "$work/benign.pcap" || exit 1
benign=$("$warden" alerts --db "$db" --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
if [ "$benign" != 0 ]; then
  echo "FAIL: the benign capture raised $benign alerts"; "$warden" alerts --db "$db"; exit 1
fi
for mac in 44:47:cc:79:00:14 00:1a:2b:79:00:1e 00:11:32:79:00:32 00:1b:21:79:00:01; do
  "$warden" device "$mac" approve --db "$db" >/dev/null 2>&1 || true
done

"$here/../lab/detect_lab.sh" attack "$work/attack.pcap" || exit 1
# No --exfil-mb: the NAS's 6 MB upload must stand out against the 60 kB it sent while learning.
"$warden" analyze -q --no-progress --db "$db" --intel "$work/intel.txt" \
  --policy "$work/policy.yaml" --outputs "$work/outputs.yaml" "$work/attack.pcap" || exit 1
"$warden" alerts --db "$db"
"$warden" alerts --db "$db" --format json >"$work/alerts.json"
python3 - "$work/alerts.json" "$work/siem.ndjson" <<'PY'
import json, sys
# `warden alerts --format json`: Elastic Common Schema objects (docs/siem.md).
alerts = [{"rule_id": a["rule"]["id"], "source_ip": a.get("source", {}).get("ip", ""),
           "evidence": a["warden"].get("evidence", {}), "device": a["warden"].get("device", {}),
           "techniques": a.get("threat", {}).get("technique", {}).get("id", [])}
          for a in json.load(open(sys.argv[1]))]
raw = json.load(open(sys.argv[1]))
want = {  # rule -> the source address it must be about
    "WARDEN-DET-MIRAI-SCAN": "10.79.0.20",
    "WARDEN-DET-BRUTE-FORCE": "10.79.0.20",
    "WARDEN-DET-BEACON": "10.79.0.20",
    "WARDEN-DET-INTEL-IP": "10.79.0.20",
    "WARDEN-DET-INTEL-DOMAIN": "10.79.0.20",
    "WARDEN-DET-DNS-TUNNEL": "10.79.0.20",
    "WARDEN-DET-DGA": "10.79.0.20",
    "WARDEN-DET-ROLE-VIOLATION": "10.79.0.20",
    "WARDEN-DET-UNEXPECTED-PORT": "10.79.0.20",
    "WARDEN-DET-NEW-BEHAVIOUR": "",
    "WARDEN-DET-PORT-SCAN": "10.79.0.40",
    "WARDEN-DET-UDP-PORT-SCAN": "10.79.0.40",
    "WARDEN-DET-HOST-SWEEP": "10.79.0.40",
    "WARDEN-DET-PING-SWEEP": "10.79.0.40",
    "WARDEN-DET-ARP-SWEEP": "10.79.0.40",
    "WARDEN-DET-NEW-DEVICE": "10.79.0.40",
    "WARDEN-DET-ROGUE-DEVICE": "10.79.0.40",
    "WARDEN-DET-EXFILTRATION": "10.79.0.50",
    "WARDEN-DET-DNS-FILE": "10.79.0.50",
    "WARDEN-POL-VIOLATION": "10.79.0.20",
}
failures = []
for rule, source in want.items():
    hits = [a for a in alerts if a["rule_id"] == rule and (not source or a["source_ip"] == source)]
    if not hits:
        failures.append("%s about %s did not fire" % (rule, source or "any device"))
mirai = [a for a in alerts if a["rule_id"] == "WARDEN-DET-MIRAI-SCAN"]
if mirai and mirai[0]["evidence"].get("mirai_sequence_syns", 0) < 3:
    failures.append("the Mirai sequence trait was not seen")
exfil = [a for a in alerts if a["rule_id"] == "WARDEN-DET-EXFILTRATION"]
if exfil and not exfil[0]["evidence"].get("from_baseline"):
    failures.append("the exfiltration alert did not come from the learned volume: %s" %
                    exfil[0]["evidence"])
# dns_tunnel.py's 16 generated names (seed 3): 14 of them have 3 bits of entropy or more.
dga = [a for a in alerts if a["rule_id"] == "WARDEN-DET-DGA"]
if dga and dga[0]["evidence"].get("domains") != 14:
    failures.append("the DGA alert counts %s generated domains, not 14" %
                    dga[0]["evidence"].get("domains"))
# Two internet hosts reached the recorder's telnet: one violation for the exposed service, about
# the recorder, counting both sources and naming neither as its one source.
inbound = [a for a in raw if a["event"]["id"] == "WARDEN-POL-VIOLATION:zone:internet>10.79.0.30:tcp/23"]
if not inbound:
    failures.append("no policy violation for the recorder's telnet reached from the internet")
elif (inbound[0]["warden"]["evidence"].get("sources"), inbound[0]["warden"]["evidence"].get(
        "source_sample"), inbound[0].get("source", {}).get("ip"),
        inbound[0]["warden"]["device"].get("key")) != (
        2, ["198.51.100.10", "198.51.100.77"], None, "mac:00:1a:2b:79:00:1e"):
    failures.append("the internet's violation: %s" % inbound[0])
dns_file = [a for a in alerts if a["rule_id"] == "WARDEN-DET-DNS-FILE"]
if dns_file and (dns_file[0]["evidence"].get("format"), dns_file[0]["evidence"].get("encoding")) != (
        "gzip", "base64"):
    failures.append("the file in DNS names was not seen as gzip in base64: %s" %
                    dns_file[0]["evidence"])
cam = [a for a in alerts if a["source_ip"] == "10.79.0.20" and a["device"]]
if cam and cam[0]["device"].get("type") != "ip_camera":
    failures.append("alerts do not carry the camera's identity: %s" % cam[0]["device"])
for alert in alerts:
    if not alert["techniques"]:
        failures.append("%s has no technique id" % alert["rule_id"])
# The same alerts went out to the SIEM file output as ECS lines (with findings and new devices).
delivered = [json.loads(line) for line in open(sys.argv[2])]
delivered_rules = {d["rule"]["id"] for d in delivered if d["event"]["kind"] == "alert"}
for rule in want:
    if rule not in delivered_rules:
        failures.append("%s was not delivered to the SIEM file output" % rule)
if not any(d["event"]["kind"] == "state" for d in delivered):
    failures.append("no finding was delivered")
print("detect: %d alerts, %d SIEM events" % (len(alerts), len(delivered)))
for failure in failures:
    print("FAIL:", failure)
sys.exit(1 if failures else 0)
PY
