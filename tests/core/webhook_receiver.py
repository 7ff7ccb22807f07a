"""A small webhook receiver for the tests: an ``http.server`` on 127.0.0.1 in a thread that
checks each call's signature (HMAC-SHA256 of ``f"{t}.{body}"`` with the endpoint's secret,
and a recent ``t``) the way a partner's receiver would, and answers the codes it is told."""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Call:
    path: str
    headers: dict[str, str]
    body: bytes
    signature_ok: bool


@dataclass
class Receiver:
    secret: str = ""
    codes: list[int] = field(default_factory=list)  # answered in turn; 200 once used up
    reply: bytes = b"ok"
    extra_headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    calls: list[Call] = field(default_factory=list)
    url: str = ""

    def check(self, body: bytes, value: str) -> bool:
        try:
            fields = dict(part.split("=", 1) for part in value.split(","))
            t = int(fields["t"])
        except (KeyError, ValueError):
            return False
        if abs(time.time() - t) > 300:
            return False
        expected = hmac.new(self.secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, fields.get("v1", ""))

    def wait_for(self, n: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while len(self.calls) < n and time.monotonic() < deadline:
            time.sleep(0.05)


def start(receiver: Receiver) -> tuple[ThreadingHTTPServer, threading.Thread]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            ok = receiver.check(body, self.headers.get("Sanad-Signature", ""))
            receiver.calls.append(Call(self.path, dict(self.headers.items()), body, ok))
            if receiver.delay:
                time.sleep(receiver.delay)
            code = receiver.codes.pop(0) if receiver.codes else 200
            self.send_response(code)
            for name, value in receiver.extra_headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(receiver.reply)))
            self.end_headers()
            self.wfile.write(receiver.reply)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread
