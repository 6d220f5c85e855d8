#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Lists the anomaly names parsers can report (string literals "<proto>.<what>" passed to fail(),
# error() or sink.anomaly()), minus attribute names, for docs/anomalies.md.
set -euo pipefail
cd "$(dirname "$0")/.."
attributes=$(grep -oE 'return "[a-z0-9_.]+";' src/protocols/observation.cpp | cut -d'"' -f2)
grep -rhoE '"(dns|dhcp|dhcpv6|netbios|http|ssdp|upnp|tls|lldp|cdp|icmpv6|mdns|llmnr|mqtt|coap|rtsp|snmp|telnet|ftp|modbus|enip|bacnet|s7comm|dnp3|tcp|ubnt|ldap)\.[a-z0-9_]+"' \
  src --include='*.cpp' --include='*.hpp' --exclude='*_test.cpp' --exclude-dir=identify | tr -d '"' | sort -u |
  grep -vxF "$attributes"
