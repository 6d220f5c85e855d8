#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Proves with real traffic that the rules Warden exports enforce the policy.
#
#   nft_enforcement.sh POLICY_EXPORT_TOOL [SOURCE_DIR]
#
# Three host namespaces (servers, cameras, clinical) hang off one router namespace with
# forwarding on. The router loads the nftables ruleset exported from
# tests/policy/enforcement.yaml; TCP connects and UDP echoes (tests/policy/netprobe.py) then
# show allowed conduits pass and every other flow between zones drops, in both directions,
# over IPv4 and IPv6. A quarantine ruleset must then cut one host off except from its
# management host, also after the host changes its address (MAC rule); lifting it restores
# the traffic. Last, when iptables-restore is present, the iptables export must enforce the
# same flows. A baseline run without rules first shows every flow passes, so the drops come
# from the rules. Needs root, nft, iproute2 and python3 (exit 77 otherwise). Addresses are
# 10.97.0.0/16 and fd97::/16 inside the namespaces it creates; nothing leaves them.
set -u

TOOL=${1:-}
SRC=${2:-$(cd "$(dirname "$0")/../.." && pwd)}
POLICY=$SRC/tests/policy/enforcement.yaml
PROBE=$SRC/tests/policy/netprobe.py

skip() {
  echo "SKIP: $*"
  exit 77
}
[ -n "$TOOL" ] && [ -x "$TOOL" ] || { echo "usage: $0 POLICY_EXPORT_TOOL [SOURCE_DIR]" >&2; exit 2; }
[ "$(id -u)" = 0 ] || skip "needs root"
for tool in nft ip python3; do
  command -v "$tool" >/dev/null 2>&1 || skip "needs $tool"
done

TAG=$$
R=wpol-r-$TAG # router
S=wpol-s-$TAG # servers 10.97.1.0/24, fd97:1::/64
C=wpol-c-$TAG # cameras 10.97.2.0/24, fd97:2::/64
K=wpol-k-$TAG # clinical 10.97.3.0/24
WORK=$(mktemp -d)
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null
  done
  for ns in "$S" "$C" "$K" "$R"; do
    ip netns del "$ns" 2>/dev/null
  done
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

ip netns add "$R" 2>/dev/null || skip "cannot create network namespaces"
for ns in "$S" "$C" "$K"; do
  ip netns add "$ns"
done
nft_in() { ip netns exec "$R" nft "$@"; }
nft_in list tables >/dev/null 2>&1 || skip "nftables is not usable in a namespace"

# Router side veth names: rs, rc, rk; each host sees eth0.
link() { # host-ns router-if v4-net v6-net(optional)
  local host=$1 rif=$2 net4=$3 net6=${4:-}
  ip -n "$R" link add "$rif" type veth peer name eth0 netns "$host"
  ip -n "$R" addr add "$net4.1/24" dev "$rif"
  ip -n "$R" link set "$rif" up
  ip -n "$host" link set lo up
  ip -n "$host" link set eth0 up
  ip -n "$host" addr add "$net4.10/24" dev eth0
  ip -n "$host" route add default via "$net4.1"
  if [ -n "$net6" ]; then
    ip -n "$R" addr add "$net6::1/64" dev "$rif" nodad
    ip -n "$host" addr add "$net6::10/64" dev eth0 nodad
    ip -n "$host" -6 route add default via "$net6::1"
  fi
}
set -e
ip -n "$R" link set lo up
ip netns exec "$R" sysctl -qw net.ipv4.ip_forward=1
ip netns exec "$R" sysctl -qw net.ipv6.conf.all.forwarding=1
link "$S" rs 10.97.1 fd97:1
link "$C" rc 10.97.2 fd97:2
link "$K" rk 10.97.3
ip -n "$S" addr add 10.97.1.20/24 dev eth0 # the management host of the quarantine
set +e

# Servers: every port any check uses, in every host namespace.
for ns in "$S" "$C" "$K"; do
  ip netns exec "$ns" python3 "$PROBE" serve --tcp 443,554,8005,8011 --udp 514 --lifetime 90 \
    >"$WORK/serve-$ns" 2>&1 &
  PIDS+=($!)
done
for _ in $(seq 50); do
  ready=0
  for ns in "$S" "$C" "$K"; do
    grep -q ready "$WORK/serve-$ns" 2>/dev/null && ready=$((ready + 1))
  done
  [ "$ready" = 3 ] && break
  sleep 0.1
done
[ "$ready" = 3 ] || { echo "FAIL: probe servers did not start"; cat "$WORK"/serve-*; exit 1; }

FAILED=0
PASSED=0
# run_checks LABEL < lines of "name namespace transport host port expect [src]"; the probes of
# one batch run in parallel, so a batch takes about one probe timeout: 1 s for a flow that must
# drop, 3 s for one that must pass (a loaded machine may answer late; it never answers a drop).
run_checks() {
  local label=$1 name ns transport host port expect src
  local -a names=() expects=() probes=()
  local index=0
  while read -r name ns transport host port expect src; do
    [ -z "$name" ] && continue
    ip netns exec "$ns" python3 "$PROBE" probe "$transport" "$host" "$port" \
      ${src:+--src "$src"} --timeout "$([ "$expect" = pass ] && echo 3 || echo 1)" \
      >"$WORK/result-$index" 2>&1 &
    probes+=($!)
    names+=("$name")
    expects+=("$expect")
    index=$((index + 1))
  done
  [ "${#probes[@]}" -gt 0 ] && wait "${probes[@]}"
  for ((i = 0; i < index; i++)); do
    local got
    got=$(head -n1 "$WORK/result-$i")
    local want=${expects[$i]}
    if { [ "$want" = pass ] && [ "$got" = open ]; } || { [ "$want" = drop ] && [ "$got" = timeout ]; }; then
      echo "ok   [$label] ${names[$i]}: $want ($got)"
      PASSED=$((PASSED + 1))
    else
      echo "FAIL [$label] ${names[$i]}: expected $want, got '$got'"
      FAILED=$((FAILED + 1))
    fi
  done
}
# The policy's flows: conduits one way, denials the other.
POLICY_CHECKS="
servers-to-cameras-rtsp      $S tcp 10.97.2.10 554  pass
servers-to-cameras-range     $S tcp 10.97.2.10 8005 pass
servers-to-cameras-outside   $S tcp 10.97.2.10 8011 drop
cameras-to-servers-reverse   $C tcp 10.97.1.10 554  drop
cameras-to-servers-syslog    $C udp 10.97.1.10 514  pass
servers-to-cameras-syslog    $S udp 10.97.2.10 514  drop
clinical-to-servers-ehr      $K tcp 10.97.1.10 443  pass
servers-to-clinical-ehr      $S tcp 10.97.3.10 443  drop
servers-to-clinical-admin    $S tcp 10.97.3.10 8005 pass
clinical-to-servers-admin    $K tcp 10.97.1.10 8005 drop
clinical-to-cameras          $K tcp 10.97.2.10 554  drop
cameras-to-clinical          $C tcp 10.97.3.10 443  drop
"
V6_CHECKS="
v6-servers-to-cameras-rtsp   $S tcp fd97:2::10 554  pass
v6-cameras-to-servers-rtsp   $C tcp fd97:1::10 554  drop
v6-cameras-to-servers-syslog $C udp fd97:1::10 514  pass
"

# Routes and neighbours settle (IPv6 neighbour discovery) before anything is measured.
for target in "$C 10.97.1.10" "$C fd97:1::10" "$S fd97:2::10" "$K 10.97.1.10" "$S 10.97.3.10"; do
  read -r ns host <<<"$target"
  for _ in $(seq 10); do
    ip netns exec "$ns" python3 "$PROBE" probe tcp "$host" 554 --timeout 0.5 >/dev/null && break
  done
done

# 0. Baseline: without rules, the flows the policy forbids go through.
run_checks baseline <<EOF
servers-to-cameras-outside   $S tcp 10.97.2.10 8011 pass
cameras-to-servers-reverse   $C tcp 10.97.1.10 554  pass
servers-to-clinical-ehr      $S tcp 10.97.3.10 443  pass
v6-cameras-to-servers-rtsp   $C tcp fd97:1::10 554  pass
EOF

# 1. The exported nftables ruleset.
"$TOOL" export "$POLICY" nftables >"$WORK/policy.nft" || { echo "FAIL: export"; exit 1; }
if ! nft_in -f "$WORK/policy.nft"; then
  echo "FAIL: nft -f rejected the exported ruleset"
  exit 1
fi
nft_in -f "$WORK/policy.nft" || { echo "FAIL: loading the ruleset twice"; FAILED=$((FAILED + 1)); }
run_checks nftables <<<"$POLICY_CHECKS$V6_CHECKS"
if nft_in list chain inet warden_policy forward | grep -q 'counter packets [1-9]'; then
  echo "ok   [nftables] default-deny counter saw the dropped packets"
  PASSED=$((PASSED + 1))
else
  echo "FAIL [nftables] default-deny counter is zero"
  FAILED=$((FAILED + 1))
fi

# 2. Quarantine of the clinical host, managed from 10.97.1.20, with its MAC. Its accepts do not
# override the policy's drops, so the management flows checked are ones the policy allows.
MAC=$(ip -n "$K" -o link show eth0 | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2)
"$TOOL" quarantine 10.97.3.10 --mac "$MAC" --allow 10.97.1.20 >"$WORK/quarantine.nft"
nft_in -f "$WORK/quarantine.nft" || { echo "FAIL: nft -f rejected the quarantine"; exit 1; }
ip -n "$K" addr add 10.97.3.11/24 dev eth0 # the device moves to a new address
run_checks quarantine <<EOF
quarantined-to-servers       $K tcp 10.97.1.10 443  drop
quarantined-to-management    $K tcp 10.97.1.20 443  pass
management-to-quarantined    $S tcp 10.97.3.10 8005 pass 10.97.1.20
servers-to-quarantined       $S tcp 10.97.3.10 8005 drop
new-address-same-mac         $K tcp 10.97.1.10 443  drop 10.97.3.11
others-unaffected            $S tcp 10.97.2.10 554  pass
EOF
nft_in delete table inet "$("$TOOL" quarantine 10.97.3.10 | sed -n 's/^add table inet //p')"
run_checks lifted <<EOF
clinical-to-servers-again    $K tcp 10.97.1.10 443  pass
EOF

# 3. The iptables export, same flows (IPv4).
if command -v iptables-restore >/dev/null 2>&1; then
  nft_in flush ruleset
  "$TOOL" export "$POLICY" iptables >"$WORK/policy.ipt"
  if ip netns exec "$R" iptables-restore "$WORK/policy.ipt"; then
    run_checks iptables <<<"$POLICY_CHECKS"
  else
    echo "FAIL: iptables-restore rejected the exported rules"
    FAILED=$((FAILED + 1))
  fi
else
  echo "note: iptables-restore missing, iptables export not exercised"
fi

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
