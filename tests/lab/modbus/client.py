import socket, struct, time
c = socket.create_connection(("10.97.0.2", 502))
def adu(tid, uid, pdu): return struct.pack(">HHHB", tid, 0, len(pdu) + 1, uid) + pdu
c.sendall(adu(1, 1, bytes([0x2B, 0x0E, 0x01, 0x00]))); time.sleep(0.2); c.recv(4096)
c.sendall(adu(2, 1, bytes([0x2B, 0x0E, 0x02, 0x00]))); time.sleep(0.2); c.recv(4096)
# two ADUs in one segment: read holding registers + write single register (answered with exception 01)
c.sendall(adu(3, 1, bytes([0x03, 0, 0, 0, 2])) + adu(4, 1, bytes([0x06, 0, 1, 0, 0x2A]))); time.sleep(0.2); c.recv(4096)
c.close()
