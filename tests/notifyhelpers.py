"""Real local servers for the notification tests: an HTTP server that records the
webhook posts, and an aiosmtpd SMTP server that records the mails. Both on loopback,
on ports the OS picks."""

from __future__ import annotations

import json
import socket
import threading
from email import message_from_bytes
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class HookServer:
    """Records each POST as (path with query, JSON body); answers ``status`` and ``reply``."""

    def __init__(self, port: int = 0, status: int = 200, reply: dict | None = None):
        self.requests: list[tuple[str, dict]] = []
        self.status, self.reply = status, reply if reply is not None else {"errcode": 0, "errmsg": "ok"}
        self.lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the http.server name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with owner.lock:
                    owner.requests.append((self.path, json.loads(body.decode("utf-8"))))
                self.send_response(owner.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps(owner.reply).encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> HookServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()

    def bodies(self) -> list[dict]:
        with self.lock:
            return [body for _path, body in self.requests]


class SmtpServer:
    """aiosmtpd on loopback; ``messages`` are the parsed mails it accepted."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages = []
        owner = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
                owner.messages.append((list(envelope.rcpt_tos),
                                       message_from_bytes(envelope.content, policy=default_policy)))
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()


class Clock:
    """A clock to inject (a watcher's, a service's): it says ``now`` until it is moved."""

    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now
