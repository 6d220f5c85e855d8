#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""HTTPS receiver for the SIEM integration tests (src/siem/integration_test.cpp).

Records every POST as one JSON line {"path", "headers", "body"} in --out and answers
200 {"text":"Success","code":0}; the first --fail-count POSTs to --fail-path get 503 instead,
so the tests see a receiver that refuses, then accepts. Writes --ready once listening.
"""
import argparse
import http.server
import json
import ssl
import threading

parser = argparse.ArgumentParser()
parser.add_argument("--bind", required=True)
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--cert", required=True)
parser.add_argument("--key", required=True)
parser.add_argument("--out", required=True)
parser.add_argument("--ready", required=True)
parser.add_argument("--fail-path", default="/flaky")
parser.add_argument("--fail-count", type=int, default=2)
args = parser.parse_args()

lock = threading.Lock()
failures = {"left": args.fail_count}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length).decode("utf-8", "replace")
        with lock:
            if self.path == args.fail_path and failures["left"] > 0:
                failures["left"] -= 1
                status = 503
            else:
                status = 200
                with open(args.out, "a", encoding="utf-8") as out:
                    out.write(json.dumps({"path": self.path,
                                          "headers": dict(self.headers.items()),
                                          "body": body}) + "\n")
        reply = b'{"text":"Success","code":0}' if status == 200 else b'{"text":"busy"}'
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *unused):
        pass


server = http.server.ThreadingHTTPServer((args.bind, args.port), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(args.cert, args.key)
server.socket = context.wrap_socket(server.socket, server_side=True)
with open(args.ready, "w", encoding="utf-8") as ready:
    ready.write("ready\n")
server.serve_forever()
