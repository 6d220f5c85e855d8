#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Checks in with --host:--port every --interval seconds, --count times, like a C2 implant's
beacon, or (--jitter) at irregular intervals like a person browsing. For the detection lab."""
import argparse
import random
import socket
import time

parser = argparse.ArgumentParser()
parser.add_argument("--host", required=True)
parser.add_argument("--port", type=int, default=443)
parser.add_argument("--interval", type=float, default=5)
parser.add_argument("--count", type=int, default=9)
parser.add_argument("--jitter", action="store_true")
parser.add_argument("--upload", type=int, default=0, help="bytes to send once (bulk upload)")
args = parser.parse_args()
for beat in range(args.count):
    try:
        sock = socket.create_connection((args.host, args.port), timeout=3)
        payload = b"x" * args.upload if args.upload else b"GET /checkin HTTP/1.0\r\n\r\n"
        sock.sendall(payload)
        sock.shutdown(socket.SHUT_WR)
        while sock.recv(65536):
            pass
        sock.close()
    except OSError:
        pass
    if beat + 1 < args.count:
        time.sleep(random.uniform(0.2, 3 * args.interval) if args.jitter else args.interval)
