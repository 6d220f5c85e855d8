#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A minimal inetd for the detection lab: accepts TCP connections on --port and runs the given
daemon (telnetd) with the connection as its stdin/stdout, as inetd does, for --seconds."""
import argparse
import os
import signal
import socket
import time

parser = argparse.ArgumentParser()
parser.add_argument("--ip", required=True)
parser.add_argument("--port", type=int, default=23)
parser.add_argument("--seconds", type=float, default=60)
parser.add_argument("command", nargs=argparse.REMAINDER)
args = parser.parse_args()
command = args.command[1:] if args.command[:1] == ["--"] else args.command
signal.signal(signal.SIGCHLD, signal.SIG_IGN)
server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind((args.ip, args.port))
server.listen(16)
server.settimeout(0.5)
deadline = time.time() + args.seconds
while time.time() < deadline:
    try:
        conn, _ = server.accept()
    except socket.timeout:
        continue
    if os.fork() == 0:
        server.close()
        fd = conn.fileno()
        os.dup2(fd, 0)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.execv(command[0], command)
    conn.close()
