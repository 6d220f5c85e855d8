#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Real traffic for tests/policy/nft_enforcement.sh.

  netprobe.py serve --tcp 443,554 --udp 514 [--lifetime 60]
      Listens on every address (IPv4 and IPv6) of the namespace it runs in: TCP ports answer
      "ok" and close, UDP ports echo. Prints "ready" when bound; exits after --lifetime seconds.
  netprobe.py probe tcp|udp HOST PORT [--src ADDR] [--timeout 1]
      Prints "open" (TCP connected and read the greeting / UDP echo came back), "timeout" or
      "refused"; exits 0 only for "open".
"""
import argparse
import selectors
import socket
import sys
import time


def serve(args):
    selector = selectors.DefaultSelector()
    tcp_ports = [int(p) for p in args.tcp.split(",") if p]
    udp_ports = [int(p) for p in args.udp.split(",") if p]
    for port in tcp_ports:
        sock = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("::", port))
        sock.listen(16)
        sock.setblocking(False)
        selector.register(sock, selectors.EVENT_READ, "tcp")
    for port in udp_ports:
        sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        sock.bind(("::", port))
        sock.setblocking(False)
        selector.register(sock, selectors.EVENT_READ, "udp")
    print("ready", flush=True)
    deadline = time.monotonic() + args.lifetime
    while time.monotonic() < deadline:
        for key, _ in selector.select(timeout=0.5):
            sock = key.fileobj
            try:
                if key.data == "tcp":
                    conn, _ = sock.accept()
                    conn.sendall(b"ok\n")
                    conn.close()
                else:
                    data, peer = sock.recvfrom(2048)
                    sock.sendto(data, peer)
            except OSError:
                pass
    return 0


def probe(args):
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    kind = socket.SOCK_STREAM if args.transport == "tcp" else socket.SOCK_DGRAM
    sock = socket.socket(family, kind)
    sock.settimeout(args.timeout)
    result = "open"
    try:
        if args.src:
            sock.bind((args.src, 0))
        if args.transport == "tcp":
            sock.connect((args.host, args.port))
            if not sock.recv(16).startswith(b"ok"):
                result = "refused"
        else:
            sock.sendto(b"warden-probe", (args.host, args.port))
            data, _ = sock.recvfrom(64)
            if data != b"warden-probe":
                result = "refused"
    except socket.timeout:
        result = "timeout"
    except OSError:
        result = "refused"
    finally:
        sock.close()
    print(result)
    return 0 if result == "open" else 1


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    server = sub.add_parser("serve")
    server.add_argument("--tcp", default="")
    server.add_argument("--udp", default="")
    server.add_argument("--lifetime", type=float, default=60.0)
    client = sub.add_parser("probe")
    client.add_argument("transport", choices=["tcp", "udp"])
    client.add_argument("host")
    client.add_argument("port", type=int)
    client.add_argument("--src", default="")
    client.add_argument("--timeout", type=float, default=1.0)
    args = parser.parse_args()
    return serve(args) if args.command == "serve" else probe(args)


if __name__ == "__main__":
    sys.exit(main())
