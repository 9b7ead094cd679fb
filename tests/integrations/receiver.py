"""A local webhook receiver for the tests and the benchmark: verifies every delivery with the
reference ``standardwebhooks`` library, answers by a script, and deduplicates on webhook-id."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook, WebhookVerificationError


class Receiver:
    def __init__(self, secret: str | None = None, *, failures: int = 0, refuse=None):
        self.secret = secret
        self.failures_left = failures  # answer 500 to this many attempts first
        self.refuse = refuse  # callable(attempt_number) -> bool: answer 500 when true
        self.attempts: list[dict] = []  # every attempt: id, status, valid, body
        self.unique: dict[str, dict] = {}  # webhook-id -> first body (after deduplication)
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.receive(self, body)

            def log_message(self, *_args):
                pass

        self.handler = Handler
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hooks"

    def _serve(self) -> None:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def __enter__(self):
        self._serve()
        return self

    def go_down(self, seconds: float) -> None:
        """Stop listening for ``seconds`` (connections are refused), then listen again on the
        same port."""
        self.server.shutdown()
        self.server.server_close()
        time.sleep(seconds)
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), self.handler)
        self._serve()

    def __exit__(self, *_exc):
        self.server.shutdown()
        self.server.server_close()

    def receive(self, handler, body: bytes) -> None:
        headers = {k: v for k, v in handler.headers.items()}
        try:
            Webhook(self.secret).verify(body, headers)
            valid = True
        except (WebhookVerificationError, TypeError, ValueError):
            valid = False
        with self.lock:
            number = len(self.attempts) + 1
            failing = self.failures_left > 0 or (self.refuse is not None and self.refuse(number))
            if self.failures_left > 0:
                self.failures_left -= 1
            status = 500 if failing or not valid else 200
            self.attempts.append({"id": headers.get("webhook-id"), "status": status, "valid": valid,
                                  "body": json.loads(body), "at": time.time()})
            if status == 200:
                self.unique.setdefault(headers.get("webhook-id"), json.loads(body))
        handler.send_response(status)
        handler.send_header("Content-Type", "text/plain")
        handler.end_headers()
        handler.wfile.write(b"ok" if status == 200 else b"temporarily down")
