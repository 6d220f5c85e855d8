# SPDX-License-Identifier: Apache-2.0
# Sourced by the integration tests that need two hosts on one link: two network namespaces joined
# by a veth pair, a tcpdump capture on one end, and a download through a tunnel checked byte for
# byte. Traffic never leaves the two namespaces.

# lab_needs LABEL TOOL...: exits 77 (the test is skipped) unless run as root with every TOOL on
# the PATH; then makes the test's work folder, readable by the daemons' users, in $work.
lab_needs() {
  local label=$1 tool
  shift
  [ "$(id -u)" -eq 0 ] || { echo "$label: needs root; skipping"; exit 77; }
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || { echo "$label: $tool missing; skipping"; exit 77; }
  done
  work=$(mktemp -d "/tmp/warden-$label.XXXXXX")
  chmod 755 "$work"
}

# netns_pair NS_A IF_A MAC_A IP_A/LEN NS_B IF_B MAC_B IP_B/LEN
# Makes the two namespaces (deleting leftovers of an earlier run), links them, IPv4 only, up.
netns_pair() {
  local ns_a=$1 if_a=$2 mac_a=$3 ip_a=$4 ns_b=$5 if_b=$6 mac_b=$7 ip_b=$8
  ip netns del "$ns_a" 2>/dev/null || true
  ip netns del "$ns_b" 2>/dev/null || true
  ip netns add "$ns_a"
  ip netns add "$ns_b"
  ip link add "$if_a" netns "$ns_a" type veth peer name "$if_b" netns "$ns_b"
  ip netns exec "$ns_a" ip link set "$if_a" address "$mac_a"
  ip netns exec "$ns_b" ip link set "$if_b" address "$mac_b"
  ip netns exec "$ns_a" ip addr add "$ip_a" dev "$if_a"
  ip netns exec "$ns_b" ip addr add "$ip_b" dev "$if_b"
  for ns in "$ns_a" "$ns_b"; do
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
    ip netns exec "$ns" ip link set lo up
  done
  ip netns exec "$ns_a" ip link set "$if_a" up
  ip netns exec "$ns_b" ip link set "$if_b" up
}

# netns_pair_remove NS...: stops every process left in the namespaces, then deletes them.
netns_pair_remove() {
  local ns
  for ns in "$@"; do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
  done
  sleep 0.3
  for ns in "$@"; do
    ip netns del "$ns" 2>/dev/null
  done
  return 0
}

# start_capture NS IF PCAP LOG [TCPDUMP OPTION...]: starts tcpdump in NS on IF and waits until it
# listens; its pid is in $capture_pid (stop it with `kill -INT`). Immediate mode: without it
# libpcap hands packets over a ring block at a time (after a timeout), and a capture stopped
# before the first block retires writes nothing.
start_capture() {
  local ns=$1 interface=$2 pcap=$3 log=$4
  shift 4
  ip netns exec "$ns" tcpdump -i "$interface" --immediate-mode "$@" -U -w "$pcap" >"$log" 2>&1 &
  capture_pid=$!
  for _ in $(seq 50); do
    grep -q "listening on" "$log" && return 0
    sleep 0.1
  done
  echo "tcpdump did not start"
  cat "$log"
  return 1
}

# wait_listening NS tcp|udp PORT: waits until a socket in NS listens on PORT (10 s at most), so
# that the first request does not race the daemon's start; fails when none does.
wait_listening() {
  local ns=$1 transport=$2 port=$3 flag=-ltn
  [ "$transport" = udp ] && flag=-lun
  for _ in $(seq 100); do
    ip netns exec "$ns" ss "$flag" "sport = :$port" | grep -q ":$port " && return 0
    sleep 0.1
  done
  echo "nothing listens on $transport/$port in $ns"
  return 1
}

# stop_capture LOG: stops the capture start_capture began (after a second for the last packets)
# and fails when the kernel dropped any packet of it.
stop_capture() {
  local log=$1
  sleep 1
  kill -INT "$capture_pid"
  wait "$capture_pid" || true
  grep -q "^0 packets dropped by kernel" "$log" && return 0
  echo "the capture lost packets"
  cat "$log"
  return 1
}

# fetch_through LABEL NS URL EXPECTED LOG...: BusyBox wget in NS downloads URL (through a tunnel)
# next to EXPECTED, and fails unless the bytes are EXPECTED's; a failed download prints the LOGs.
fetch_through() {
  local label=$1 ns=$2 url=$3 expected=$4
  shift 4
  if ! ip netns exec "$ns" busybox wget -q -O "$expected.got" "$url"; then
    echo "$label: the download through the tunnel failed"
    cat "$@"
    return 1
  fi
  cmp -s "$expected.got" "$expected" && return 0
  echo "$label: the tunnel delivered other bytes"
  return 1
}
