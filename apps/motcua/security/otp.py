"""Optional second factor: a TOTP app (django-otp), mandatory for the roles a site names.

Site config::

    [security]
    otp_required_roles = ["administrator", "unit_administrator", "unit_leader"]

A desk account holding an active membership in one of those roles (or a superuser, when
``"superuser"`` is listed) is sent to the second-factor page after signing in, and sees nothing
else of the desk until it has entered a code: the first time it scans a QR code into an
authenticator app (Google Authenticator, FreeOTP…) and confirms it with one code.
"""

from __future__ import annotations

import io

from django.conf import settings
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.qr import write_qrcode_image

from motcua.security.models import SecurityEventKind
from motcua.security.services import security_event_record
from motcua.units.models import Membership
from motcua.units.selectors import user_memberships


def otp_required(user) -> bool:
    """Return whether this desk account must pass the second factor (site config)."""
    roles = set(settings.MOTCUA_OTP_REQUIRED_ROLES)
    if not roles or not getattr(user, "is_authenticated", False) or not user.is_staff:
        return False
    if user.is_superuser and "superuser" in roles:
        return True
    remembered = user_memberships(user, roles)
    if remembered is not None:
        return bool(remembered)
    return Membership.objects.filter(user=user, is_active=True, role__name__in=roles).exists()


def otp_device(user, *, create: bool = False) -> TOTPDevice | None:
    """Return the user's confirmed TOTP device, or their pending one (created when asked)."""
    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "pk").first()
    if device is None and create:
        device = TOTPDevice.objects.create(user=user, name="motcua", confirmed=False)
    return device


def otp_qr_svg(device: TOTPDevice) -> str:
    out = io.BytesIO()
    write_qrcode_image(device.config_url, out)
    return out.getvalue().decode()


def otp_verify(request, device: TOTPDevice, token: str) -> bool:
    """Check *token*; on success confirm the device (first use) and mark the session verified."""
    if not device.verify_token(token.strip()):
        return False
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        security_event_record(
            kind=SecurityEventKind.ACCOUNT_CHANGE,
            user=request.user,
            actor=request.user,
            request=request,
            data={"action": "otp_device_confirmed"},
        )
    otp_login(request, device)
    return True
