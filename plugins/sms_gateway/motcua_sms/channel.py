"""A configurable HTTP SMS gateway: brand-name SMS providers all take a JSON POST.

Site data (``site_config.toml``): ``sms_gateway_url``; the token is a secret, from
``MOTCUA_SMS_GATEWAY_TOKEN`` in the environment. The request is JSON ``{"to", "text", "ref"}`` with
``Authorization: Bearer <token>``; the answer ``{"id"}`` (or ``{"message_id"}``) is the provider's
message id. ``ref`` is the notification's id, also sent as the ``Idempotency-Key`` header, so a
gateway that honours either never sends a retry twice: the channel is ``idempotent``, and a message
left "sending" by a worker that died mid-call is sent again with the same key (the core's
``notifications/channels.py`` docstring says what remains). Failures raise the core's
``ChannelError``: the delivery job retries with backoff.
"""

from __future__ import annotations

from motcua.notifications.channels import (
    ChannelError,
    idempotency_key,
    post_json,
    site_secret,
    site_setting,
)


class SmsChannel:
    """The ``sms`` channel of motcua's notification interface (``send(notification) -> id``)."""

    idempotent = True  # our id as ``ref`` and ``Idempotency-Key``: a retry is not sent twice

    def available(self) -> bool:
        """SMS is offered to citizens only where the site names a gateway."""
        return bool(site_setting("sms_gateway_url"))

    def send(self, notification) -> str:
        url = site_setting("sms_gateway_url")
        if not url:
            raise ChannelError("sms_gateway_url is not set in site_config.toml")
        if not notification.address:
            raise ChannelError("no phone number")
        answer = post_json(
            url,
            {"to": notification.address, "text": notification.body, "ref": str(notification.pk)},
            {
                "Authorization": f"Bearer {site_secret('sms_gateway_token')}",
                "Idempotency-Key": idempotency_key(notification),
            },
        )
        provider_id = answer.get("id") or answer.get("message_id")
        if not provider_id:
            raise ChannelError(f"SMS gateway gave no message id: {answer!r}"[:500])
        return str(provider_id)
