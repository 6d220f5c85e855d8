#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Sends TCP SYNs to ports 23 and 2323 of every host of --network the way Mirai's scanner does:
raw packets whose sequence number is the destination address. For the detection lab only."""
import argparse
import ipaddress
import random
import socket
import struct

parser = argparse.ArgumentParser()
parser.add_argument("--source", required=True)
parser.add_argument("--network", required=True)
parser.add_argument("--count", type=int, default=30)
args = parser.parse_args()


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return ~total & 0xFFFF


sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
src = socket.inet_aton(args.source)
hosts = list(ipaddress.ip_network(args.network).hosts())[: args.count]
for host in hosts:
    dst = socket.inet_aton(str(host))
    seq = struct.unpack("!I", dst)[0]
    port = 23 if random.random() < 0.9 else 2323
    header = struct.pack("!HHIIBBHHH", random.randint(1024, 65535), port, seq, 0, 5 << 4, 0x02,
                         14600, 0, 0)
    pseudo = src + dst + struct.pack("!BBH", 0, socket.IPPROTO_TCP, len(header))
    header = header[:16] + struct.pack("!H", checksum(pseudo + header)) + header[18:]
    sock.sendto(header, (str(host), 0))
print("sent", len(hosts))
