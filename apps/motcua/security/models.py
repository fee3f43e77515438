"""The security log: logins, failures, lock-outs, logouts, password and access changes.

Append-only (like the dossier history): what an auditor reads must not be rewritten. The site
administrator reads it in the desk (Nhật ký an toàn thông tin).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.append_only import AppendOnly
from motcua.units.models import MembershipScope


class SecurityEventKind(models.TextChoices):
    LOGIN = "login", _("Đăng nhập")
    LOGIN_FAILED = "login_failed", _("Đăng nhập sai")
    LOCKOUT = "lockout", _("Khóa tạm do đăng nhập sai nhiều lần")
    LOGOUT = "logout", _("Đăng xuất")
    PASSWORD_CHANGE = "password_change", _("Đổi mật khẩu")
    PASSWORD_SET_BY_OTHER = "password_set_by_other", _("Quản trị đặt lại mật khẩu")
    ACCOUNT_CHANGE = "account_change", _("Thay đổi quyền của tài khoản")
    MEMBERSHIP_CHANGE = "membership_change", _("Thay đổi phân công")
    ROLE_PERMISSION_CHANGE = "role_permission_change", _("Thay đổi quyền của vai trò")


class SecurityEvent(AppendOnly):
    at = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)
    kind = models.CharField(_("sự kiện"), max_length=24, choices=SecurityEventKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tài khoản"),
    )
    username = models.CharField(_("tên đăng nhập"), max_length=150, blank=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    ip = models.CharField(_("địa chỉ IP"), max_length=45, blank=True)
    path = models.CharField(_("trang"), max_length=255, blank=True)
    data = models.JSONField(_("chi tiết"), default=dict, blank=True)

    class Meta:
        verbose_name = _("nhật ký an toàn thông tin")
        verbose_name_plural = _("nhật ký an toàn thông tin")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["kind", "at"], name="security_event_kind_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.username or '—'}"


class RoleScope(models.Model):
    """The scope a role reads at: its unit, its unit and the units below, or the whole site.

    Data, edited by the site administrator on the role permission page (every change in the
    security log). A new membership without a chosen scope takes its role's
    (``Membership.default_scope_for``); memberships that had the role's scope follow a change of
    it, a membership given another scope by hand keeps it.
    """

    group = models.OneToOneField(
        "auth.Group", models.CASCADE, related_name="read_scope", verbose_name=_("vai trò")
    )
    scope = models.CharField(
        _("phạm vi xem"),
        max_length=10,
        choices=MembershipScope.choices,
    )

    class Meta:
        verbose_name = _("phạm vi xem của vai trò")
        verbose_name_plural = _("phạm vi xem của vai trò")

    def __str__(self) -> str:
        return f"{self.group.name}: {self.get_scope_display()}"
