#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds a small IoT network from real daemons in network namespaces, captures it on the switch
# (a SPAN port), and writes the capture to $1. Needs root, iproute2, tcpdump, dnsmasq, busybox,
# avahi-daemon, lighttpd, openssl and python3 (all installed by scripts/setup.sh).
#
#   wl-gw       10.77.0.1   dnsmasq (DHCP + DNS), openssl s_server on 443
#   wl-cam      DHCP        44:19:b6:... (Hikvision OUI): hostname lab-camera, vendor class
#                           "Hikvision-IPC", lighttpd on 80, UPnP device (SSDP + description)
#   wl-speaker  DHCP        b8:27:eb:... (Raspberry Pi OUI): hostname lab-speaker, avahi publishing
#                           "Lab Speaker" _googlecast._tcp, TLS client with SNI
#   wl-phone    DHCP        da:a1:19:... (randomized): hostname lab-phone, HTTP client, SSDP search
# Traffic never leaves these namespaces.
set -euo pipefail
out=${1:?usage: lab.sh OUTPUT.pcap}
here=$(cd "$(dirname "$0")" && pwd)
prefix=wl
work=$(mktemp -d /tmp/warden-lab.XXXXXX)
hosts=(gw cam speaker phone)
declare -A mac=([gw]=00:1b:21:77:00:01 [cam]=44:19:b6:77:00:02 [speaker]=b8:27:eb:77:00:03
                [phone]=da:a1:19:77:00:04)

cleanup() {
  set +e
  for pidfile in "$work"/*.pid; do
    [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null
  done
  sleep 0.3
  for h in "${hosts[@]}" sw; do
    ip netns pids "$prefix-$h" 2>/dev/null | xargs -r kill 2>/dev/null
    ip netns del "$prefix-$h" 2>/dev/null
    rm -rf "/etc/netns/$prefix-$h"
  done
  rm -rf "$work"
}
trap cleanup EXIT
cleanup_stale() { for h in "${hosts[@]}" sw; do ip netns del "$prefix-$h" 2>/dev/null || true; done; }
cleanup_stale

in_ns() { local h=$1; shift; ip netns exec "$prefix-$h" "$@"; }
bg() {  # bg NAME HOST CMD...: run in the background, remember the pid
  local name=$1 h=$2; shift 2
  # Not through in_ns: a function sent to the background is a subshell, whose pid is not the
  # command's (killing it left tcpdump running). `ip netns exec` becomes the command.
  ip netns exec "$prefix-$h" "$@" >"$work/$name.log" 2>&1 &
  echo $! >"$work/$name.pid"
}

ip netns add "$prefix-sw"
# The switch itself stays silent (no IPv6 autoconfiguration on its ports).
in_ns sw sysctl -qw net.ipv6.conf.all.disable_ipv6=1
in_ns sw sysctl -qw net.ipv6.conf.default.disable_ipv6=1
in_ns sw ip link add br0 type bridge
in_ns sw ip link set br0 up
in_ns sw ip link set lo up
for h in "${hosts[@]}"; do
  ip netns add "$prefix-$h"
  ip link add "v-$h" netns "$prefix-sw" type veth peer name eth0 netns "$prefix-$h"
  in_ns sw ip link set "v-$h" master br0 up
  in_ns "$h" ip link set eth0 address "${mac[$h]}"
  in_ns "$h" ip link set lo up
  in_ns "$h" ip link set eth0 up
  in_ns "$h" sysctl -qw net.ipv6.conf.eth0.disable_ipv6=1 || true
done
in_ns gw ip addr add 10.77.0.1/24 dev eth0
for h in cam speaker phone; do in_ns "$h" ip route add 224.0.0.0/4 dev eth0 2>/dev/null || true; done

# Capture everything crossing the switch.
bg tcpdump sw tcpdump -i br0 -U -s 0 -w "$out"
for _ in $(seq 100); do  # until it listens (10 s at most)
  grep -q "listening on" "$work/tcpdump.log" && break
  sleep 0.1
done

# Gateway: DHCP and DNS.
bg dnsmasq gw dnsmasq --no-daemon --conf-file=/dev/null --interface=eth0 --bind-interfaces \
  --dhcp-range=10.77.0.100,10.77.0.150,255.255.255.0,12h --dhcp-leasefile="$work/leases" \
  --no-resolv --no-hosts --address=/gw.lab/10.77.0.1 --address=/cloud.example/10.77.0.1 \
  --dhcp-option=option:router,10.77.0.1 --pid-file="$work/dnsmasq.real.pid" --user=root
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" \
  -days 2 -subj "/CN=gw.lab/O=Warden Lab" >/dev/null 2>&1
bg tls gw openssl s_server -accept 443 -cert "$work/cert.pem" -key "$work/key.pem" -www -quiet
sleep 0.5

# Clients lease addresses with their hostnames and vendor classes (busybox udhcpc).
cat >"$work/udhcpc.sh" <<'SCRIPT'
#!/bin/sh
case "$1" in
  bound|renew) ip addr flush dev "$interface"; ip addr add "$ip/${mask:-24}" dev "$interface"
               echo "$ip" >"/tmp/warden-lab-ip-$interface-$(cat /proc/sys/kernel/hostname)";;
esac
SCRIPT
chmod +x "$work/udhcpc.sh"
lease() {  # lease HOST HOSTNAME VENDOR_CLASS
  in_ns "$1" busybox udhcpc -i eth0 -q -n -t 5 -T 1 -x "hostname:$2" -V "$3" -s "$work/udhcpc.sh" \
    >"$work/udhcpc-$1.log" 2>&1
  in_ns "$1" ip -4 -o addr show dev eth0 | awk '{print $4}' | cut -d/ -f1
}
cam_ip=$(lease cam lab-camera "Hikvision-IPC")
speaker_ip=$(lease speaker lab-speaker "udhcp 1.35.0")
phone_ip=$(lease phone lab-phone "android-dhcp-13")
[ -n "$cam_ip" ] && [ -n "$speaker_ip" ] && [ -n "$phone_ip" ] || {
  echo "lab: DHCP failed" >&2; cat "$work"/udhcpc-*.log "$work/dnsmasq.log" >&2; exit 1; }

# Camera: web server and UPnP device.
mkdir -p "$work/www"
echo '<html>camera</html>' >"$work/www/index.html"
cat >"$work/lighttpd.conf" <<CONF
server.document-root = "$work/www"
server.port = 80
server.bind = "$cam_ip"
server.pid-file = "$work/lighttpd.real.pid"
server.errorlog = "$work/lighttpd.err"
CONF
bg lighttpd cam lighttpd -D -f "$work/lighttpd.conf"
bg ssdp cam python3 "$here/ssdp_device.py" --ip "$cam_ip" --seconds 8

# Speaker: DNS-SD service through avahi (its own config via /etc/netns).
mkdir -p "/etc/netns/$prefix-speaker/avahi/services"
cat >"/etc/netns/$prefix-speaker/avahi/avahi-daemon.conf" <<CONF
[server]
host-name=lab-speaker
use-ipv4=yes
use-ipv6=no
allow-interfaces=eth0
enable-dbus=no
[publish]
publish-addresses=yes
publish-hinfo=no
publish-workstation=no
[rlimits]
CONF
cat >"/etc/netns/$prefix-speaker/avahi/services/cast.service" <<'CONF'
<?xml version="1.0" standalone='no'?>
<!DOCTYPE service-group SYSTEM "avahi-service.dtd">
<service-group>
  <name>Lab Speaker</name>
  <service>
    <type>_googlecast._tcp</type>
    <port>8009</port>
    <txt-record>md=Lab Speaker Mini</txt-record>
    <txt-record>fn=Lab Speaker</txt-record>
  </service>
</service-group>
CONF
bg avahi speaker avahi-daemon --no-drop-root --no-chroot --no-rlimits -f \
  "/etc/netns/$prefix-speaker/avahi/avahi-daemon.conf"
sleep 3

# Traffic: DNS lookups, HTTP from the phone to the camera, SSDP search and description fetch,
# TLS with SNI from the speaker.
in_ns phone busybox nslookup gw.lab 10.77.0.1 >/dev/null 2>&1 || true
in_ns speaker busybox nslookup speaker.cloud.example 10.77.0.1 >/dev/null 2>&1 || true
in_ns phone busybox wget -q -O /dev/null -U "LabPhone/13 (Android)" "http://$cam_ip/index.html" || true
in_ns phone python3 "$here/msearch.py" --ip "$phone_ip" >/dev/null 2>&1 || true
in_ns speaker sh -c "echo | timeout 5 openssl s_client -connect 10.77.0.1:443 \
  -servername speaker.cloud.example -alpn h2,http/1.1" >/dev/null 2>&1 || true
# TLS 1.2 as well: its certificate travels in the clear.
in_ns speaker sh -c "echo | timeout 5 openssl s_client -connect 10.77.0.1:443 -tls1_2 \
  -servername speaker.cloud.example" >/dev/null 2>&1 || true
sleep 6
# Stopped and waited for, so the capture is whole before anyone reads it; what it counted is
# printed (a loaded machine can drop packets, and a test that then fails says why).
kill -INT "$(cat "$work/tcpdump.pid")" 2>/dev/null || true
wait "$(cat "$work/tcpdump.pid")" 2>/dev/null || true
grep "packets" "$work/tcpdump.log" | paste -sd ';' || true
echo "lab: captured $(stat -c %s "$out") bytes to $out (cam $cam_ip, speaker $speaker_ip, phone $phone_ip)"
