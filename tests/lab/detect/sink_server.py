#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""An internet-side server for the detection lab: accepts TCP connections on the given ports,
reads everything, answers a short line, for --seconds."""
import argparse
import select
import socket
import threading
import time

parser = argparse.ArgumentParser()
parser.add_argument("--ip", required=True)
parser.add_argument("--ports", required=True)
parser.add_argument("--seconds", type=float, default=90)
args = parser.parse_args()


def serve(conn):
    conn.settimeout(5)
    try:
        while conn.recv(65536):
            pass
        conn.sendall(b"ok\n")
    except OSError:
        pass
    conn.close()


servers = []
for port in args.ports.split(","):
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((args.ip, int(port)))
    server.listen(64)
    servers.append(server)
deadline = time.time() + args.seconds
while time.time() < deadline:
    ready, _, _ = select.select(servers, [], [], 0.5)
    for server in ready:
        conn, _ = server.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()
