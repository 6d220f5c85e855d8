#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A building controller and a workstation speaking BACnet/IP through a real BACnet stack
# (@bacnet-js/client, installed into tests/lab/bacnet by scripts/install-deps.sh) in two network
# namespaces: Who-Is, I-Am, then one ReadPropertyMultiple of the controller's identity (one
# property answered with an error) and of an analog input. The capture goes through
# `warden analyze`; the test checks what the ReadPropertyMultiple-ACK told about the controller.
#
#   wb-ctl  10.83.0.10  00:40:ae (Delta Controls)  controller.js: device 1083, vendor id 8
#   wb-ws   10.83.0.20  e4:54:e8 (Dell)            workstation.js
# Needs root, iproute2, tcpdump and node with the lab's node_modules; skips (77) otherwise.
# KEEP=DIR keeps the capture in DIR. Traffic never leaves the two namespaces.
set -euo pipefail
warden=${1:?usage: bacnet_test.sh WARDEN}
lab=$(cd "$(dirname "$0")/../lab/bacnet" && pwd)
source "$(dirname "$0")/netns_pair.sh"
[ -d "$lab/node_modules/@bacnet-js/client" ] ||
  { echo "bacnet: $lab/node_modules missing (scripts/install-deps.sh installs it); skipping"; exit 77; }
lab_needs bacnet ip tcpdump node python3
cleanup() {
  set +e
  netns_pair_remove wb-ctl wb-ws
  rm -rf "$work"
}
trap cleanup EXIT
netns_pair wb-ctl wb-c 00:40:ae:83:00:0a 10.83.0.10/24 wb-ws wb-w e4:54:e8:83:00:14 10.83.0.20/24
start_capture wb-ctl wb-c "$work/bacnet.pcap" "$work/tcpdump.log" udp port 47808

ip netns exec wb-ctl node "$lab/controller.js" 1083 8 "Delta Controls" "eBCON" "4.21.0" \
  "AHU-3 controller" >"$work/controller.log" 2>&1 &
for _ in $(seq 100); do  # until node has loaded the stack and bound the port (10 s at most)
  ip netns exec wb-ctl ss -lun 'sport = :47808' | grep -q 47808 && break
  sleep 0.1
done
ip netns exec wb-ws node "$lab/workstation.js" 10.83.0.255 >"$work/workstation.log" 2>&1
grep -q "read device 1083 at 10.83.0.10: 9 properties" "$work/workstation.log" ||
  { echo "bacnet: the workstation read no device"; cat "$work"/*.log; exit 1; }
stop_capture "$work/tcpdump.log"
if [ -n "${KEEP:-}" ]; then
  cp "$work/bacnet.pcap" "$KEEP/"
fi

"$warden" analyze -q --no-progress --db "$work/bacnet.db" "$work/bacnet.pcap"
"$warden" devices --db "$work/bacnet.db" --format json >"$work/devices.json"
python3 - "$work/devices.json" <<'PY'
import json, sys
devices = {d["ips"][0]: d for d in json.load(open(sys.argv[1])) if d["ips"]}
failures = []
controller = devices.get("10.83.0.10")
if controller is None:
    sys.exit("bacnet: no device for the controller: %s" % sorted(devices))
signals = controller["signals"]
# From the ReadPropertyMultiple-ACK (the I-Am gives the instance and the vendor id alone).
expected = {
    "ics.object_name": ["AHU-3 controller"],
    "ics.product": ["eBCON"],
    "ics.revision": ["4.21.0"],
    "ics.vendor": ["Delta Controls"],
    "ics.vendor_id": ["8"],
    "ics.address": ["bacnet device 1083"],
}
for name, values in expected.items():
    if sorted(signals.get(name, [])) != values:
        failures.append("%s: %s, expected %s" % (name, signals.get(name), values))
# The analog input's name is a point's, not the device's.
if "Supply air temperature" in json.dumps(controller):
    failures.append("the analog input's name landed on the device")
if controller["vendor"] != "Delta Controls" or controller["model"] != "eBCON" or \
        controller["firmware"] != "4.21.0":
    failures.append("identity: vendor %s, model %s, firmware %s" %
                    (controller["vendor"], controller["model"], controller["firmware"]))
workstation = devices.get("10.83.0.20")
if workstation is None or "bacnet read-property-multiple" not in \
        workstation["signals"].get("ics.function", []):
    failures.append("the workstation's read-property-multiple: %s" %
                    (workstation or {}).get("signals"))
if failures:
    sys.exit("bacnet: " + "; ".join(failures))
print("bacnet: the controller's name, model, firmware and vendor came from ReadPropertyMultiple")
PY
