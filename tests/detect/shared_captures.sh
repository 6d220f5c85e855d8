#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The public captures docs/detections.md reports on (the MANIFEST's botnet, scan, brute-force and
# exfiltration captures), each analyzed alone: the alerts each raises must be the ones the table
# below (and the documentation's) lists, no more and no fewer. Skipped (77) without ../shared/pcaps.
set -uo pipefail
warden=${1:?usage: shared_captures.sh WARDEN PCAPS}
pcaps=${2:?usage: shared_captures.sh WARDEN PCAPS}
[ -d "$pcaps" ] || { echo "shared captures: $pcaps absent; skipping"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
# capture | devices | alerts per rule (without the WARDEN-DET- prefix), sorted; "none" for none
while IFS='|' read -r capture devices expected; do
  [ -z "$capture" ] && continue
  if [ ! -f "$pcaps/$capture" ]; then
    echo "FAIL: $capture: absent from $pcaps"; fail=1
    continue
  fi
  rm -f "$work"/a.db*
  if ! "$warden" analyze --quiet --no-progress --db "$work/a.db" "$pcaps/$capture" 2>"$work/err"; then
    echo "FAIL: $capture: analyze failed"; cat "$work/err"; fail=1
    continue
  fi
  got_devices=$("$warden" devices --db "$work/a.db" --format ndjson | wc -l)
  got=$("$warden" alerts --db "$work/a.db" --format ndjson | python3 -c '
import collections, json, sys
counts = collections.Counter(json.loads(line)["rule"]["id"].removeprefix("WARDEN-DET-") for line in sys.stdin)
print(", ".join("%s %d" % item for item in sorted(counts.items())) or "none")')
  if [ "$got_devices" != "$devices" ] || [ "$got" != "$expected" ]; then
    echo "FAIL: $capture: $got_devices devices, $got (expected $devices devices, $expected)"; fail=1
  else
    echo "ok: $capture: $devices devices, $got"
  fi
done <<'TABLE'
slips/test7-malicious.pcap|3|HOST-SWEEP 1, MIRAI-SCAN 1, UNEXPECTED-PORT 1
slips/test8-malicious.pcap|4|ARP-SWEEP 1
slips/test12-icmp-portscan.pcap|16|none
ndpi/synscan.pcap|1|PORT-SCAN 1, UNEXPECTED-PORT 1
ndpi/tcp_scan.pcapng|2|none
zeek/nmap-vsn.pcap|8|ARP-SWEEP 1
zeek/rfb__vnc-scanner.pcap|2|none
slips/malicious-ssh-bruteforce.pcap|2|BRUTE-FORCE 1
zeek/ssh__sshguess.pcap|2|BRUTE-FORCE 1
zeek/ftp__bruteforce.pcap|2|BRUTE-FORCE 1
zeek/ldap__ldap_invalid_credentials.pcap|2|BRUTE-FORCE 1
ndpi/dns_exfiltration.pcap|2|DGA 1, DNS-TUNNEL 1
ndpi/dns-tunnel-iodine.pcap|2|DNS-TUNNEL 1
ndpi/dns2tcp_tunnel.pcap|1|none
ndpi/icmp-tunnel.pcap|2|ICMP-TUNNEL 1
ndpi/dns-exf.pcap|2|DNS-FILE 1
slips/test-cc-capture-1.pcap|1|none
slips/test-cc-capture-2.pcap|2|none
ndpi/bot.pcap|0|none
ndpi/malware.pcap|2|none
ndpi/emotet.pcap|5|UNEXPECTED-PORT 1
ndpi/trickbot.pcap|2|UNEXPECTED-PORT 1
TABLE
exit "$fail"
