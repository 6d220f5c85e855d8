#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs the network-namespace lab (tests/lab/lab.sh: dnsmasq, udhcpc, avahi, lighttpd, a UPnP device,
# openssl), captures it with tcpdump, analyzes the capture, and checks every device's identity and
# that no attribute landed on the wrong device. Skips (77) without root or network namespaces.
set -euo pipefail
warden=$1
here=$(cd "$(dirname "$0")" && pwd)
if [ "$(id -u)" -ne 0 ] || ! ip netns add warden-probe 2>/dev/null; then
  echo "integration: needs root and network namespaces; skipping"
  exit 77
fi
ip netns del warden-probe
for tool in dnsmasq busybox avahi-daemon lighttpd tcpdump openssl python3; do
  command -v "$tool" >/dev/null || { echo "integration: $tool missing; run scripts/setup.sh"; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$here/../lab/lab.sh" "$work/lab.pcap"
"$warden" analyze --no-progress --quiet --db "$work/lab.db" "$work/lab.pcap"
"$warden" devices --db "$work/lab.db" --format json >"$work/devices.json"
python3 "$here/check_lab.py" "$work/devices.json"
