#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""An HMI for the identification lab: identifies the PLC, polls registers, writes a setpoint."""
import argparse
import socket
import struct
import time

parser = argparse.ArgumentParser()
parser.add_argument("--plc", required=True)
parser.add_argument("--polls", type=int, default=5)
args = parser.parse_args()


def adu(tid, pdu):
    return struct.pack(">HHHB", tid, 0, len(pdu) + 1, 1) + pdu


conn = socket.create_connection((args.plc, 502), timeout=3)
tid = 1
for request in [bytes([0x2B, 0x0E, 0x01, 0x00]), bytes([0x2B, 0x0E, 0x02, 0x00])]:
    conn.sendall(adu(tid, request))
    conn.recv(4096)
    tid += 1
for _ in range(args.polls):
    conn.sendall(adu(tid, bytes([0x03, 0, 0, 0, 4])))
    conn.recv(4096)
    tid += 1
    time.sleep(0.2)
conn.sendall(adu(tid, bytes([0x06, 0, 1, 0, 0x2A])))  # setpoint write
conn.recv(4096)
conn.close()
