#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A UPnP device for the lab: serves its description over HTTP and announces it with SSDP NOTIFY
(UPnP Device Architecture 2.0, section 1.2) and answers M-SEARCH. Stops after --seconds."""
import argparse
import http.server
import socket
import struct
import threading
import time

DESCRIPTION = """<?xml version="1.0"?>
<root xmlns="urn:schemas-upnp-org:device-1-0">
  <specVersion><major>1</major><minor>0</minor></specVersion>
  <device>
    <deviceType>urn:schemas-upnp-org:device:Basic:1</deviceType>
    <friendlyName>Lab Camera &amp; Doorbell</friendlyName>
    <manufacturer>Hikvision</manufacturer>
    <modelName>DS-2CD2042WD-I</modelName>
    <modelNumber>2CD2042</modelNumber>
    <serialNumber>DS-2CD2042WD-I20170101AAWR123456789</serialNumber>
    <UDN>uuid:4e0fd2b0-1dd2-11b2-8000-4419b6000002</UDN>
  </device>
</root>
"""


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = "Linux/4.9 UPnP/1.0 Hikvision-Webs"
    sys_version = ""

    def do_GET(self):
        body = DESCRIPTION.encode()
        self.send_response(200)
        self.send_header("Content-Type", 'text/xml; charset="utf-8"')
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ip", required=True)
    parser.add_argument("--port", type=int, default=49152)
    parser.add_argument("--seconds", type=float, default=8)
    args = parser.parse_args()
    httpd = http.server.HTTPServer((args.ip, args.port), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    location = f"http://{args.ip}:{args.port}/description.xml"
    usn = "uuid:4e0fd2b0-1dd2-11b2-8000-4419b6000002"
    server = "Linux/4.9 UPnP/1.0 Hikvision-Webs/1.0"
    notify = (
        "NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nCACHE-CONTROL: max-age=1800\r\n"
        f"LOCATION: {location}\r\nNT: upnp:rootdevice\r\nNTS: ssdp:alive\r\nSERVER: {server}\r\n"
        f"USN: {usn}::upnp:rootdevice\r\n\r\n").encode()
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(args.ip))
    sock.bind(("", 1900))
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                    struct.pack("4s4s", socket.inet_aton("239.255.255.250"), socket.inet_aton(args.ip)))
    sock.settimeout(0.5)
    deadline = time.time() + args.seconds
    next_notify = 0.0
    while time.time() < deadline:
        if time.time() >= next_notify:
            sock.sendto(notify, ("239.255.255.250", 1900))
            next_notify = time.time() + 2
        try:
            data, peer = sock.recvfrom(2048)
        except socket.timeout:
            continue
        if data.startswith(b"M-SEARCH"):
            reply = ("HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\nEXT:\r\n"
                     f"LOCATION: {location}\r\nSERVER: {server}\r\nST: upnp:rootdevice\r\n"
                     f"USN: {usn}::upnp:rootdevice\r\n\r\n").encode()
            sock.sendto(reply, peer)
    httpd.shutdown()


if __name__ == "__main__":
    main()
