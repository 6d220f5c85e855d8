#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Sends one SSDP M-SEARCH from --ip (a control point looking for devices), then fetches the
description at the LOCATION of the first answer, as a UPnP control point would."""
import argparse
import socket
import urllib.request

parser = argparse.ArgumentParser()
parser.add_argument("--ip", required=True)
parser.add_argument("--user-agent", default="Lab-Phone/1.0 UPnP/1.1")
args = parser.parse_args()
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(args.ip))
sock.bind((args.ip, 0))
sock.settimeout(3)
sock.sendto(("M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\n"
             f"MX: 1\r\nST: upnp:rootdevice\r\nUSER-AGENT: {args.user_agent}\r\n\r\n").encode(),
            ("239.255.255.250", 1900))
try:
    data, _ = sock.recvfrom(2048)
except socket.timeout:
    raise SystemExit("no SSDP answer")
location = next(line.split(":", 1)[1].strip() for line in data.decode().split("\r\n")
                if line.upper().startswith("LOCATION:"))
request = urllib.request.Request(location, headers={"User-Agent": args.user_agent})
print(urllib.request.urlopen(request, timeout=3).read()[:60])
