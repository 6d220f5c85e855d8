#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs everything Warden builds, tests and benchmarks with, from Debian 12 packages.
set -euo pipefail
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
packages=(
  # build
  cmake ninja-build g++ clang-14 clang-tidy-14 clang-format-14 libclang-rt-14-dev pkg-config
  # libraries
  libpcap-dev libsqlite3-dev libexpected-dev libfmt-dev libcli11-dev nlohmann-json3-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev libyaml-cpp-dev libpcre2-dev libtinyxml2-dev libabsl-dev
  libgoogle-perftools-dev
  # data: the IEEE MAC registries
  ieee-data
  # tests: real daemons in network namespaces, capture, references for the benchmark
  iproute2 tcpdump tshark dnsmasq busybox avahi-daemon lighttpd openssl python3 sqlite3 time
  nmap inetutils-telnetd rsyslog rsyslog-gnutls rsyslog-openssl nftables iptables
  mosquitto mosquitto-clients snmpd snmp libcoap3-bin slapd ldap-utils ptunnel-ng iodine
)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
  # slapd's package starts a directory on tcp/389 where the init system lets it; the tests run their
  # own inside a network namespace, so a freshly installed one is stopped and disabled.
  # (ptunnel-ng's and iodine's packages install their servers switched off: run_daemon="false" in
  # /etc/default/ptunnel-ng, START_IODINED="false" in /etc/default/iodine.)
  if [[ " ${missing[*]} " == *" slapd "* ]]; then
    $SUDO systemctl disable --now slapd >/dev/null 2>&1 || $SUDO service slapd stop >/dev/null 2>&1 || true
  fi
fi
# The BACnet lab's stack (@bacnet-js/client, MIT: tests/lab/bacnet) from the npm registry, at the
# versions its lock file pins. Debian's nodejs and npm only where no npm is installed (a machine
# may carry another build of node, whose package conflicts with Debian's npm).
if ! command -v npm >/dev/null 2>&1; then
  echo "installing: nodejs npm"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm
fi
bacnet_lab="$(cd "$(dirname "$0")/.." && pwd)/tests/lab/bacnet"
# Again whenever the lock file differs from the one the installed packages came from.
if ! cmp -s "$bacnet_lab/package-lock.json" "$bacnet_lab/node_modules/.warden-lock"; then
  echo "installing: the BACnet lab's npm packages"
  npm ci --prefix "$bacnet_lab" --no-audit --no-fund --loglevel=error
  cp "$bacnet_lab/package-lock.json" "$bacnet_lab/node_modules/.warden-lock"
fi
