"""The carrier's HTTP API (one JSON interface; a carrier's own API sits behind an adapter).

Site config::

    [postal]
    api_url = "https://api.carrier.example.vn/v1"   # required
    carrier = "vnpost"                              # a Carrier code (fixture), default "vnpost"

and the token in the environment, ``MOTCUA_POSTAL_API_TOKEN`` (``Authorization: Bearer``).

* ``POST {api_url}/shipments`` ``{"reference", "recipient": {"name", "phone", "address"}}`` →
  ``{"tracking"}``. The reference is the dossier's code: the carrier answers a repeated
  registration with the same tracking number, so a retry never sends the result twice.
* ``GET {api_url}/shipments/{tracking}/events`` → ``{"events": [{"id", "status", "text", "at"}]}``
  in time order; ``status`` is ``in_transit``, ``delivered`` or ``returned``.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

HTTP_TIMEOUT = 15  # seconds: a hung carrier must not hold the officer's request or the worker


class CarrierError(Exception):
    """The carrier refused or could not be reached; the message is for the officer."""


def postal_config() -> dict:
    config = settings.SITE.extra.get("postal") or {}
    return config if isinstance(config, dict) else {}


@dataclass(frozen=True)
class TrackingEvent:
    id: str
    status: str
    text: str
    at: str


class CarrierClient:
    def __init__(self, api_url: str | None = None, token: str | None = None):
        self.api_url = (api_url or str(postal_config().get("api_url", ""))).rstrip("/")
        self.token = token if token is not None else os.environ.get("MOTCUA_POSTAL_API_TOKEN", "")
        if not self.api_url:
            raise CarrierError(
                _("Chưa cấu hình địa chỉ API của đơn vị chuyển phát ([postal] api_url).")
            )

    def _call(self, method: str, path: str, payload: dict | None = None) -> dict:
        request = urllib.request.Request(
            self.api_url + path,
            data=json.dumps(payload).encode() if payload is not None else None,
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"},
            method=method,
        )
        try:
            with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as response:
                body = response.read()
        except urllib.error.HTTPError as exc:
            raise CarrierError(
                _("Đơn vị chuyển phát trả lỗi HTTP %(code)s.") % {"code": exc.code}
            ) from None
        except (urllib.error.URLError, TimeoutError, OSError):
            raise CarrierError(_("Không kết nối được với đơn vị chuyển phát.")) from None
        try:
            answer = json.loads(body or b"{}")
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise CarrierError(_("Đơn vị chuyển phát trả lời không đúng định dạng."))
        return answer

    def shipment_create(self, *, reference: str, name: str, phone: str, address: str) -> str:
        """Register a shipment; return its tracking number (upper case)."""
        answer = self._call(
            "POST",
            "/shipments",
            {
                "reference": reference,
                "recipient": {"name": name, "phone": phone, "address": address},
            },
        )
        tracking = str(answer.get("tracking") or "").strip().upper()
        if not tracking or len(tracking) > 40:
            raise CarrierError(_("Đơn vị chuyển phát không trả mã vận đơn."))
        return tracking

    def events(self, tracking: str) -> list[TrackingEvent]:
        """The shipment's tracking events, oldest first."""
        answer = self._call("GET", f"/shipments/{urllib.parse.quote(tracking)}/events")
        events = answer.get("events")
        if not isinstance(events, list):
            raise CarrierError(_("Đơn vị chuyển phát trả lời không đúng định dạng."))
        return [
            TrackingEvent(
                id=str(e.get("id", ""))[:64],
                status=str(e.get("status", "")),
                text=str(e.get("text", ""))[:500],
                at=str(e.get("at", "")),
            )
            for e in events
            if isinstance(e, dict) and e.get("id")
        ]
