"""For tests of sites using this plugin: a carrier's HTTP API as a local server (port 0)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeCarrier:
    """``POST /shipments`` → a tracking number per reference (the same one on a repeat);
    ``GET /shipments/<tracking>/events`` → ``events[tracking]``; ``fail`` answers 500."""

    def __init__(self):
        self.shipments: dict[str, str] = {}
        self.events: dict[str, list[dict]] = {}
        self.requests: list[tuple[str, str, dict, dict]] = []
        self.fail: set[str] = set()
        carrier = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, status, payload):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                headers = {k.lower(): v for k, v in self.headers.items()}
                carrier.requests.append(("POST", self.path, headers, body))
                if "create" in carrier.fail:
                    return self._answer(500, {"error": "busy"})
                reference = body["reference"]
                tracking = carrier.shipments.setdefault(
                    reference, f"eb{len(carrier.shipments) + 100000001}vn"
                )
                self._answer(201, {"tracking": tracking})

            def do_GET(self):
                carrier.requests.append(("GET", self.path, {}, {}))
                tracking = self.path.split("/")[-2]
                if tracking in carrier.fail:
                    return self._answer(500, {"error": "down"})
                self._answer(200, {"events": carrier.events.get(tracking, [])})

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
