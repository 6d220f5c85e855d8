# Tiny Modbus/TCP server for a test capture (Warden): answers 43/14 and 3.
import socket, struct
objs = {0: b"Warden Test Devices", 1: b"WTD-502", 2: b"v1.2", 3: b"http://example.invalid",
        4: b"Warden Modbus Sim", 5: b"SIM-1"}
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.97.0.2", 502)); s.listen(1)
c, _ = s.accept()
buf = b""
while True:
    d = c.recv(4096)
    if not d: break
    buf += d
    while len(buf) >= 7:
        tid, pid, ln, uid = struct.unpack(">HHHB", buf[:7])
        if len(buf) < 6 + ln: break
        pdu = buf[7:6 + ln]; buf = buf[6 + ln:]
        fc = pdu[0]
        if fc == 0x2B and pdu[1] == 0x0E:
            code = pdu[2]
            ids = [0, 1, 2] if code == 1 else [0, 1, 2, 3, 4, 5]
            body = b"".join(bytes([i, len(objs[i])]) + objs[i] for i in ids)
            rsp = bytes([0x2B, 0x0E, code, 0x82 if code == 2 else 0x81, 0, 0, len(ids)]) + body
        elif fc == 3:
            n = struct.unpack(">H", pdu[3:5])[0]
            rsp = bytes([3, 2 * n]) + bytes(2 * n)
        else:
            rsp = bytes([fc | 0x80, 1])
        c.sendall(struct.pack(">HHHB", tid, 0, len(rsp) + 1, uid) + rsp)
c.close()
