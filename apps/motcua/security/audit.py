"""Record logins, failed logins, logouts and password changes in the security log.

Django announces logins through its auth signals and password changes through the password
validators' ``password_changed`` hook (called by ``User.save()`` after ``set_password``), which
covers the desk, the portal, the reset pages and the shell alike.
"""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from motcua.security.models import SecurityEventKind
from motcua.security.request_context import current_request
from motcua.security.services import security_event_record


@receiver(user_logged_in, dispatch_uid="motcua.security.login")
def _login(sender, request, user, **kwargs):
    security_event_record(kind=SecurityEventKind.LOGIN, user=user, request=request)


@receiver(user_login_failed, dispatch_uid="motcua.security.login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", "") or "")
    security_event_record(kind=SecurityEventKind.LOGIN_FAILED, username=username, request=request)


@receiver(user_logged_out, dispatch_uid="motcua.security.logout")
def _logout(sender, request, user, **kwargs):
    if user is not None:
        security_event_record(kind=SecurityEventKind.LOGOUT, user=user, request=request)


class PasswordChangeAudit:
    """A password "validator" that validates nothing and records every password change."""

    def validate(self, password, user=None):
        return None

    def password_changed(self, password, user=None):
        """Record the change with who made it: the account's owner (``password_change``), or
        another person — an administrator's reset in the desk — (``password_set_by_other``, the
        actor and the account both named). Without a request (shell, command) no actor is known,
        and the event says so."""
        if user is None or user.pk is None:
            return
        request = current_request()
        actor = getattr(request, "user", None)
        if actor is not None and not actor.is_authenticated:
            actor = None
        if actor is not None and actor.pk != user.pk:
            security_event_record(
                kind=SecurityEventKind.PASSWORD_SET_BY_OTHER,
                user=user,
                actor=actor,
                request=request,
                data={"by": actor.get_username(), "for": user.get_username()},
            )
            return
        security_event_record(
            kind=SecurityEventKind.PASSWORD_CHANGE,
            user=user,
            actor=actor,
            request=request,
            data={} if request is not None else {"via": "no request (shell or command)"},
        )

    def get_help_text(self):
        return ""
