#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The identification lab: device personalities run as real daemons in network namespaces on one
# bridge, captured at the bridge. Writes the capture to $1 and the truth (what each device
# really is) to $2. Traffic never leaves these namespaces.
#
#   host     MAC (OUI owner)           truth type / vendor     what runs
#   gw       00:1b:21 Intel            router / -              dnsmasq DHCP+DNS
#   cam      44:47:cc Hikvision        ip_camera / Hikvision   lighttpd with the camera's Server tag
#   printer  04:0e:3c HP Inc.          printer / HP            avahi _ipp._tcp, snmpd (JetDirect sysDescr)
#   switch   f4:bd:9e Cisco            switch / Cisco          snmpd (IOS sysDescr, Cisco sysObjectID)
#   hub      dc:a6:32 Raspberry Pi     iot_hub / Raspberry Pi  mosquitto (anonymous allowed), avahi _home-assistant._tcp
#   sensor   24:6f:28 Espressif        sensor / -              mosquitto_pub telemetry (chip maker only: no vendor)
#   coap     14:42:fc Texas Instr.     sensor / -              coap-server
#   pc       f0:d5:bf Intel            computer / -            udhcpc "MSFT 5.0", snmpget, HTTP client
#   phone    7c:89:56 Samsung          phone_tablet / Samsung  udhcpc "android-dhcp-13", HTTP client
#   tv       58:cb:52 Google           smart_tv / Google       avahi _googlecast._tcp md=Chromecast
#   plc      00:00:54 Schneider        plc / Schneider Electric  Modbus/TCP device (modbus_device.py)
#   hmi      e4:54:e8 Dell             hmi / Dell              Modbus poller (modbus_hmi.py)
#   quiet    00:1a:2b Ayecom           unknown / Ayecom        only pings: no identifying traffic
set -euo pipefail
out=${1:?usage: ident_lab.sh OUTPUT.pcap TRUTH.csv}
truth=${2:?usage: ident_lab.sh OUTPUT.pcap TRUTH.csv}
here=$(cd "$(dirname "$0")" && pwd)
prefix=wi
work=$(mktemp -d /tmp/warden-ident-lab.XXXXXX)
chmod 755 "$work"
hosts=(gw cam printer switch hub sensor coap pc phone tv plc hmi quiet)
declare -A mac=([gw]=00:1b:21:78:00:01 [cam]=44:47:cc:78:00:02 [printer]=04:0e:3c:78:00:03
                [switch]=f4:bd:9e:78:00:04 [hub]=dc:a6:32:78:00:05 [sensor]=24:6f:28:78:00:06
                [coap]=14:42:fc:78:00:07 [pc]=f0:d5:bf:78:00:08 [phone]=7c:89:56:78:00:09
                [tv]=58:cb:52:78:00:0a [plc]=00:00:54:78:00:0b [hmi]=e4:54:e8:78:00:0c
                [quiet]=00:1a:2b:78:00:0d)
# Static addresses for the infrastructure and OT devices; the rest lease by DHCP.
declare -A static=([gw]=10.78.0.1 [switch]=10.78.0.2 [plc]=10.78.0.20 [hmi]=10.78.0.21
                   [quiet]=10.78.0.30)

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
for h in "${hosts[@]}" sw; do ip netns del "$prefix-$h" 2>/dev/null || true; done

in_ns() { local h=$1; shift; ip netns exec "$prefix-$h" "$@"; }
bg() {  # bg NAME HOST CMD...
  local name=$1 h=$2; shift 2
  in_ns "$h" "$@" >"$work/$name.log" 2>&1 &
  echo $! >"$work/$name.pid"
}

ip netns add "$prefix-sw"
in_ns sw sysctl -qw net.ipv6.conf.all.disable_ipv6=1
in_ns sw sysctl -qw net.ipv6.conf.default.disable_ipv6=1
in_ns sw ip link add br0 type bridge
in_ns sw ip link set br0 up
for h in "${hosts[@]}"; do
  ip netns add "$prefix-$h"
  ip link add "w-$h" netns "$prefix-sw" type veth peer name eth0 netns "$prefix-$h"
  in_ns sw ip link set "w-$h" master br0 up
  in_ns "$h" ip link set eth0 address "${mac[$h]}"
  in_ns "$h" ip link set lo up
  in_ns "$h" ip link set eth0 up
  in_ns "$h" sysctl -qw net.ipv6.conf.eth0.disable_ipv6=1 || true
  if [ -n "${static[$h]:-}" ]; then
    in_ns "$h" ip addr add "${static[$h]}/24" dev eth0
  fi
  in_ns "$h" ip route add 224.0.0.0/4 dev eth0 2>/dev/null || true
done

bg tcpdump sw tcpdump -i br0 -U -s 0 -w "$out"
sleep 1

bg dnsmasq gw dnsmasq --no-daemon --conf-file=/dev/null --interface=eth0 --bind-interfaces \
  --dhcp-range=10.78.0.100,10.78.0.150,255.255.255.0,12h --dhcp-leasefile="$work/leases" \
  --no-resolv --no-hosts --address=/lab.example/10.78.0.1 \
  --dhcp-option=option:router,10.78.0.1 --user=root
sleep 0.5

cat >"$work/udhcpc.sh" <<'SCRIPT'
#!/bin/sh
case "$1" in
  bound|renew) ip addr flush dev "$interface"; ip addr add "$ip/${mask:-24}" dev "$interface";;
esac
SCRIPT
chmod +x "$work/udhcpc.sh"
declare -A ipof
for h in "${!static[@]}"; do ipof[$h]=${static[$h]}; done
lease() {  # lease HOST HOSTNAME VENDOR_CLASS
  in_ns "$1" busybox udhcpc -i eth0 -q -n -t 5 -T 1 -x "hostname:$2" -V "$3" -s "$work/udhcpc.sh" \
    >"$work/udhcpc-$1.log" 2>&1 || true
  ipof[$1]=$(in_ns "$1" ip -4 -o addr show dev eth0 | awk '{print $4}' | cut -d/ -f1)
  [ -n "${ipof[$1]}" ] || { echo "ident-lab: DHCP failed for $1" >&2; exit 1; }
}
lease cam DS-2CD2143G0-I "udhcp 1.31.1"
lease printer HP3CD92B "udhcp 1.35.0"
lease hub homeassistant "udhcp 1.35.0"
lease sensor tempsensor-livingroom "udhcp 1.35.0"
lease coap node-07 "udhcp 1.35.0"
lease pc DESKTOP-4F2K9QZ "MSFT 5.0"
lease phone Galaxy-S23 "android-dhcp-13"
lease tv Chromecast "udhcp 1.35.0"

# Camera: its web server announces itself as the Hikvision firmware does.
mkdir -p "$work/www"
echo '<html>login</html>' >"$work/www/index.html"
cat >"$work/lighttpd.conf" <<CONF
server.document-root = "$work/www"
server.port = 80
server.bind = "${ipof[cam]}"
server.tag = "App-webs/"
server.pid-file = "$work/lighttpd.real.pid"
server.errorlog = "$work/lighttpd.err"
CONF
bg lighttpd cam lighttpd -D -f "$work/lighttpd.conf"

# SNMP agents: the printer and the switch.
snmp_conf() {  # snmp_conf HOST IP SYSDESCR SYSOBJECTID SYSNAME
  cat >"$work/snmpd-$1.conf" <<CONF
agentAddress udp:$2:161
rocommunity public
sysDescr $3
sysObjectID $4
sysName $5
sysLocation lab
sysContact lab
CONF
  bg "snmpd-$1" "$1" snmpd -f -Lo -C -c "$work/snmpd-$1.conf" -p "$work/snmpd-$1.real.pid"
}
snmp_conf printer "${ipof[printer]}" "HP ETHERNET MULTI-ENVIRONMENT,ROM none,JETDIRECT,JD153,EEPROM JSI23900011" \
  .1.3.6.1.4.1.11.2.3.9.1 NPI3CD92B
snmp_conf switch "${ipof[switch]}" \
  "Cisco IOS Software, C2960 Software (C2960-LANBASEK9-M), Version 12.2(55)SE7, RELEASE SOFTWARE (fc1)" \
  .1.3.6.1.4.1.9.1.716 sw-floor2

# Avahi for the printer, the hub and the TV, each with its own configuration.
avahi() {  # avahi HOST HOSTNAME SERVICE-XML
  mkdir -p "/etc/netns/$prefix-$1/avahi/services"
  cat >"/etc/netns/$prefix-$1/avahi/avahi-daemon.conf" <<CONF
[server]
host-name=$2
use-ipv4=yes
use-ipv6=no
allow-interfaces=eth0
enable-dbus=no
[publish]
publish-addresses=yes
publish-hinfo=no
publish-workstation=no
CONF
  echo "$3" >"/etc/netns/$prefix-$1/avahi/services/lab.service"
  # Each avahi needs its own /run/avahi-daemon (pid file and socket): a private mount.
  bg "avahi-$1" "$1" unshare -m sh -c "mount -t tmpfs tmpfs /run/avahi-daemon 2>/dev/null || \
    { mkdir -p /run/avahi-daemon && mount -t tmpfs tmpfs /run/avahi-daemon; }; \
    exec avahi-daemon --no-drop-root --no-chroot --no-rlimits -f \
    /etc/netns/$prefix-$1/avahi/avahi-daemon.conf"
}
service_xml() {  # service_xml NAME TYPE PORT TXT...
  local name=$1 type=$2 port=$3; shift 3
  printf '<?xml version="1.0" standalone="no"?>\n<!DOCTYPE service-group SYSTEM "avahi-service.dtd">\n'
  printf '<service-group><name>%s</name><service><type>%s</type><port>%s</port>' "$name" "$type" "$port"
  for txt in "$@"; do printf '<txt-record>%s</txt-record>' "$txt"; done
  printf '</service></service-group>\n'
}
avahi printer HP3CD92B "$(service_xml 'HP LaserJet Pro M404dn' _ipp._tcp 631 'ty=HP LaserJet Pro M404dn' 'usb_MFG=HP' 'usb_MDL=LaserJet Pro M404dn' 'rp=ipp/print')"
avahi hub homeassistant "$(service_xml 'Home' _home-assistant._tcp 8123 'version=2024.5.1' 'base_url=http://homeassistant.local:8123')"
avahi tv Chromecast "$(service_xml 'Living Room TV' _googlecast._tcp 8009 'md=Chromecast' 'fn=Living Room TV' 've=05')"

# MQTT broker on the hub: anonymous clients allowed, as on many home hubs.
cat >"$work/mosquitto.conf" <<CONF
listener 1883 ${ipof[hub]}
allow_anonymous true
persistence false
CONF
bg mosquitto hub mosquitto -c "$work/mosquitto.conf"

# CoAP node.
bg coap-server coap coap-server-notls -A "${ipof[coap]}" -p 5683

# PLC.
bg plc plc python3 "$here/modbus_device.py" --ip "${ipof[plc]}" --seconds 30
sleep 4

# Traffic.
in_ns sensor mosquitto_pub -h "${ipof[hub]}" -i tempsensor-livingroom -u admin -P admin \
  -t home/livingroom/temperature -m 21.5 || true
in_ns sensor mosquitto_pub -h "${ipof[hub]}" -i tempsensor-livingroom \
  -t home/livingroom/humidity -m 40 || true
in_ns hub coap-client-notls -m get "coap://${ipof[coap]}/.well-known/core" >/dev/null 2>&1 || true
in_ns hub coap-client-notls -m get "coap://${ipof[coap]}/time" >/dev/null 2>&1 || true
for agent in printer switch; do
  in_ns pc snmpget -v2c -c public -t 1 -r 1 "${ipof[$agent]}" 1.3.6.1.2.1.1.1.0 1.3.6.1.2.1.1.2.0 \
    1.3.6.1.2.1.1.5.0 >/dev/null 2>&1 || true
done
in_ns pc busybox wget -q -O /dev/null \
  -U "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36" \
  "http://${ipof[cam]}/index.html" || true
in_ns phone busybox wget -q -O /dev/null \
  -U "Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36" \
  "http://${ipof[cam]}/index.html" || true
in_ns phone busybox nslookup connectivitycheck.gstatic.com 10.78.0.1 >/dev/null 2>&1 || true
in_ns hmi python3 "$here/modbus_hmi.py" --plc "${ipof[plc]}" || true
in_ns quiet busybox ping -c 2 -W 1 10.78.0.1 >/dev/null 2>&1 || true
sleep 3
kill "$(cat "$work/tcpdump.pid")" 2>/dev/null || true
sleep 0.5

{
  echo "mac,type,vendor,note"
  echo "${mac[gw]},router,,dnsmasq DHCP and DNS server; Intel NIC"
  echo "${mac[cam]},ip_camera,Hikvision,"
  echo "${mac[printer]},printer,HP,"
  echo "${mac[switch]},switch,Cisco,"
  echo "${mac[hub]},iot_hub,Raspberry Pi,"
  echo "${mac[sensor]},sensor,,Espressif module: the brand is not in the traffic"
  echo "${mac[coap]},sensor,,TI chip: the brand is not in the traffic"
  echo "${mac[pc]},computer,,Intel NIC"
  echo "${mac[phone]},phone_tablet,Samsung,"
  echo "${mac[tv]},smart_tv,Google,"
  echo "${mac[plc]},plc,Schneider Electric,"
  echo "${mac[hmi]},hmi,Dell,"
  echo "${mac[quiet]},unknown,Ayecom,only ARP and ping: no identifying evidence"
} >"$truth"
echo "ident-lab: captured $(stat -c %s "$out") bytes to $out"
