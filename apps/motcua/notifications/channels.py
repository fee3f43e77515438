"""The delivery channels behind one interface: ``send(notification) -> provider message id``.

A channel raises :class:`ChannelError` when the message did not go out; the delivery job then
retries with backoff. Channels are contributed through the plugin contract (hook
``notification_channels``, docs/plugins.md): the core ships e-mail, Zalo, desk and console
(``motcua.notifications.hooks``); SMS gateways are plugins (``plugins/sms_gateway``). Gateways are
site data (``site_config.toml``): ``zalo_api_url`` / ``MOTCUA_ZALO_ACCESS_TOKEN`` for the Zalo
Official Account "send message" API (``{"recipient": {"user_id"}, "message": {"text"}}`` →
``{"error": 0, "data": {"message_id"}}``). A channel may define ``available() -> bool`` (is it
configured on this site?); the citizen's notices only use the channels that are.

Delivery and a worker that dies mid-HTTP: the row is marked "sending" (with the attempt counted)
before the call, and a row left "sending" past its lease is taken up again. A channel whose
provider de-duplicates a repeated message declares ``idempotent = True`` and gets it again with
the same key — the SMS gateway (our id as ``ref`` and as the ``Idempotency-Key`` header), e-mail
(our fixed ``Message-ID``, which mail clients use to fold duplicates), the desk and the console —
so it arrives once. A channel whose provider has no such key (Zalo OA's "send message" API) is
not sent blindly again: the row is marked failed, "outcome unknown", for a person to check and
re-send from the desk. The window that remains is the provider's: a gateway that ignores the key
may deliver twice; Zalo messages are at most once unless re-sent by hand.
"""

from __future__ import annotations

import json
import logging
import os
import urllib.error
import urllib.request
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.utils import DNS_NAME

from motcua.notifications.models import Notification

log = logging.getLogger(__name__)

HTTP_TIMEOUT = 15  # seconds; a hung gateway must not hold the worker


class ChannelError(Exception):
    """The message was not accepted; the text is kept as the notification's last error."""


class Channel(Protocol):
    def send(self, notification: Notification) -> str: ...


def channel_is_idempotent(channel) -> bool:
    """Whether sending the same notification again through *channel* is de-duplicated."""
    return bool(getattr(channel, "idempotent", False))


def idempotency_key(notification: Notification) -> str:
    """Our stable id of a message, sent to providers that de-duplicate on it."""
    return f"motcua-notification-{notification.pk}"


def _site(key: str, default: str = "") -> str:
    return str(settings.SITE.extra.get(key, default))


def _secret(key: str) -> str:
    """A gateway token: ``MOTCUA_<KEY>`` in the environment (secrets stay out of the site file)."""
    return os.environ.get(f"MOTCUA_{key.upper()}") or _site(key)


def _post_json(url: str, payload: dict, headers: dict[str, str]) -> dict:
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", **headers},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as response:
            body = response.read()
    except urllib.error.HTTPError as exc:
        raise ChannelError(f"HTTP {exc.code} from {url}: {exc.read()[:300]!r}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise ChannelError(f"{url}: {exc}") from None
    try:
        return json.loads(body or b"{}")
    except ValueError:
        raise ChannelError(f"{url} answered with invalid JSON: {body[:300]!r}") from None


class EmailChannel:
    """Django's mail backend; the provider id is the Message-ID header we set (one per message,
    the same on a repeated attempt, so the recipient's client folds a duplicate)."""

    idempotent = True

    def send(self, notification: Notification) -> str:
        if not notification.address:
            raise ChannelError("no e-mail address")
        message_id = f"<{idempotency_key(notification)}@{DNS_NAME}>"
        mail = EmailMessage(
            notification.subject,
            notification.body,
            to=[notification.address],
            headers={"Message-ID": message_id},
        )
        try:
            mail.send()
        except OSError as exc:
            raise ChannelError(f"mail server: {exc}") from None
        return message_id


class ZaloChannel:
    """Zalo Official Account API v3 ("tin tư vấn"); the address is the follower's user_id."""

    def send(self, notification: Notification) -> str:
        url = _site("zalo_api_url", "https://openapi.zalo.me/v3.0/oa/message/cs")
        if not notification.address:
            raise ChannelError("no Zalo user id")
        answer = _post_json(
            url,
            {
                "recipient": {"user_id": notification.address},
                "message": {"text": notification.body[:2000]},
            },
            {"access_token": _secret("zalo_access_token")},
        )
        if answer.get("error") not in (0, None):
            raise ChannelError(f"Zalo error {answer.get('error')}: {answer.get('message')}")
        provider_id = (answer.get("data") or {}).get("message_id")
        if not provider_id:
            raise ChannelError(f"Zalo gave no message id: {answer!r}"[:500])
        return str(provider_id)


class DeskChannel:
    """In-desk notification: the row itself is the message; the bell counts the unread ones."""

    idempotent = True

    def send(self, notification: Notification) -> str:
        if notification.recipient_id is None:
            raise ChannelError("a desk notification needs a staff recipient")
        return f"desk:{notification.pk}"


class ConsoleChannel:
    """The embedded default: the message goes to the log (one line), nothing leaves the machine."""

    idempotent = True

    def send(self, notification: Notification) -> str:
        log.info(
            "notification %s to %s: %s",
            notification.pk,
            notification.address or notification.recipient_id,
            notification.subject or notification.body[:120],
        )
        return f"console:{notification.pk}"


#: kind → channel, filled from every active plugin's ``notification_channels`` hook.
CHANNELS: dict[str, Channel] = {}


def register_channel(kind: str, channel: Channel) -> Channel:
    """Register *channel* for *kind* (called by ``motcua.plugins.registry``, one per kind)."""
    if not callable(getattr(channel, "send", None)):
        raise TypeError(f"{channel!r} is not a channel (it has no send(notification))")
    CHANNELS[kind] = channel
    return channel


def channel_available(kind: str) -> bool:
    """Whether *kind* has a channel on this site and it is configured (``available()``)."""
    channel = CHANNELS.get(kind)
    return channel is not None and bool(getattr(channel, "available", lambda: True)())


#: For channels of plugins: the site's settings, secrets and the JSON POST with its errors.
site_setting, site_secret, post_json = _site, _secret, _post_json


def channel_for(kind: str) -> Channel:
    """Return the channel of *kind*; unknown kinds are a configuration error."""
    try:
        return CHANNELS[kind]
    except KeyError:
        raise ChannelError(
            f"channel {kind!r} is not available on this site (is its plugin enabled?)"
        ) from None
