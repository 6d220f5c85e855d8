#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A Modbus/TCP device for the identification lab: answers Read Device Identification (43/14),
Read Holding Registers (3) and Write Single Register (6) like a PLC, for --seconds."""
import argparse
import socket
import struct
import time

parser = argparse.ArgumentParser()
parser.add_argument("--ip", required=True)
parser.add_argument("--vendor", default="Schneider Electric")
parser.add_argument("--product-code", default="BMX P34 2020")
parser.add_argument("--revision", default="v3.1")
parser.add_argument("--product-name", default="BMX P34 2020")
parser.add_argument("--seconds", type=float, default=20)
args = parser.parse_args()

objects = {0: args.vendor.encode(), 1: args.product_code.encode(), 2: args.revision.encode(),
           4: args.product_name.encode()}
server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind((args.ip, 502))
server.listen(4)
server.settimeout(0.5)
registers = [0] * 16
deadline = time.time() + args.seconds
while time.time() < deadline:
    try:
        conn, _ = server.accept()
    except socket.timeout:
        continue
    conn.settimeout(2)
    buffer = b""
    while True:
        try:
            data = conn.recv(4096)
        except socket.timeout:
            break
        if not data:
            break
        buffer += data
        while len(buffer) >= 7:
            tid, _pid, length, unit = struct.unpack(">HHHB", buffer[:7])
            if len(buffer) < 6 + length:
                break
            pdu, buffer = buffer[7:6 + length], buffer[6 + length:]
            function = pdu[0]
            if function == 0x2B and len(pdu) >= 4 and pdu[1] == 0x0E:
                code = pdu[2]
                ids = [0, 1, 2] if code == 1 else [0, 1, 2, 4]
                body = b"".join(bytes([i, len(objects[i])]) + objects[i] for i in ids)
                reply = bytes([0x2B, 0x0E, code, 0x81, 0, 0, len(ids)]) + body
            elif function == 3 and len(pdu) >= 5:
                count = min(struct.unpack(">H", pdu[3:5])[0], 16)
                reply = bytes([3, 2 * count]) + b"".join(struct.pack(">H", r) for r in registers[:count])
            elif function == 6 and len(pdu) >= 5:
                address, value = struct.unpack(">HH", pdu[1:5])
                registers[address % 16] = value
                reply = pdu[:5]
            else:
                reply = bytes([function | 0x80, 1])
            conn.sendall(struct.pack(">HHHB", tid, 0, len(reply) + 1, unit) + reply)
    conn.close()
