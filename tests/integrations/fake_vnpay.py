"""A local HTTP server playing VNPay's payment page, for tests (docs/architecture.md, Jobs: real HTTP).

It checks the signed payment URL the way VNPay does (its own HMAC-SHA512 code, not the app's),
then does what VNPay does after the customer pays: calls the merchant's IPN URL server to server
and sends the browser back to ``vnp_ReturnUrl`` with the same signed result.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import urllib.request
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote_plus, urlencode, urlsplit
from zoneinfo import ZoneInfo


def sign(params: dict[str, str], secret: str) -> str:
    data = "&".join(f"{k}={quote_plus(v)}" for k, v in sorted(params.items()))
    return hmac.new(secret.encode(), data.encode(), hashlib.sha512).hexdigest()


class FakeVNPay:
    def __init__(self, *, secret: str, tmn_code: str, ipn_url: str, response_code: str = "00"):
        self.secret, self.tmn_code, self.ipn_url = secret, tmn_code, ipn_url
        self.response_code = response_code
        self.orders: list[dict[str, str]] = []
        self.ipn_answers: list[dict] = []
        self.callbacks: list[dict[str, str]] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def payment_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/paymentv2/vpcpay.html"

    def __enter__(self) -> FakeVNPay:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)

    def signed_result(self, order: dict[str, str], **overrides: str) -> dict[str, str]:
        """The result VNPay sends for *order*, signed (overrides applied before signing)."""
        paid = self.response_code == "00"
        result = {
            "vnp_Amount": order["vnp_Amount"],
            "vnp_BankCode": "NCB",
            "vnp_BankTranNo": "VNP14226112",
            "vnp_CardType": "ATM",
            "vnp_OrderInfo": order["vnp_OrderInfo"],
            "vnp_PayDate": datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).strftime("%Y%m%d%H%M%S"),
            "vnp_ResponseCode": self.response_code,
            "vnp_TmnCode": self.tmn_code,
            "vnp_TransactionNo": "14226112",
            "vnp_TransactionStatus": "00" if paid else "02",
            "vnp_TxnRef": order["vnp_TxnRef"],
            **overrides,
        }
        return {**result, "vnp_SecureHash": sign(result, self.secret)}

    def _handler(self):
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep pytest output clean
                pass

            def do_GET(self):
                parts = urlsplit(self.path)
                params = dict(parse_qsl(parts.query, keep_blank_values=True))
                given = params.pop("vnp_SecureHash", "")
                if (
                    parts.path != "/paymentv2/vpcpay.html"
                    or not hmac.compare_digest(given, sign(params, gateway.secret))
                    or params.get("vnp_TmnCode") != gateway.tmn_code
                    or params.get("vnp_Version") != "2.1.0"
                    or params.get("vnp_Command") != "pay"
                ):
                    self.send_response(400)
                    self.end_headers()
                    self.wfile.write(b"Sai chu ky / tham so")
                    return
                gateway.orders.append(params)
                result = gateway.signed_result(params)
                gateway.callbacks.append(result)
                with urllib.request.urlopen(
                    f"{gateway.ipn_url}?{urlencode(result)}", timeout=20
                ) as answer:
                    gateway.ipn_answers.append(json.loads(answer.read()))
                self.send_response(302)
                self.send_header("Location", f"{params['vnp_ReturnUrl']}?{urlencode(result)}")
                self.end_headers()

        return Handler
