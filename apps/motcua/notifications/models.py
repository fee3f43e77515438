"""Notifications (every message is a row) and the escalation ladder configured in the desk.

A :class:`Notification` is written in the transaction of what caused it and delivered later by
:mod:`motcua.notifications.delivery`; its status, attempts, last error and provider message id are
what the desk shows. An :class:`EscalationPolicy` (one for the site, optionally one per procedure)
holds the "due soon" threshold and the :class:`EscalationLevel` rows of the ladder; each crossing of
a level by a dossier is one :class:`EscalationFiring`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class ChannelKind(models.TextChoices):
    DESK = "desk", _("Thông báo trên hệ thống")
    EMAIL = "email", _("Thư điện tử")
    SMS = "sms", _("Tin nhắn SMS")
    ZALO = "zalo", _("Zalo OA")
    CONSOLE = "console", _("Ghi nhật ký (bản cài đặt mặc định)")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    HELD = "held", _("Giữ lại ngoài giờ hành chính")
    SENDING = "sending", _("Đang gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Gửi không thành công")


class NotificationTemplate(models.Model):
    """The text of one event on one channel in one language, edited in the desk.

    Rendered with the sandboxed engine of the print forms (plain data only, autoescape on).
    Without a row the shipped text of :mod:`motcua.notifications.texts` is used.
    """

    event = models.CharField(_("sự kiện"), max_length=40)
    channel = models.CharField(_("kênh"), max_length=10, choices=ChannelKind.choices)
    language = models.CharField(_("ngôn ngữ"), max_length=5, choices=settings.LANGUAGES)
    subject = models.CharField(_("tiêu đề"), max_length=200, blank=True)
    body = models.TextField(_("nội dung"))
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("mẫu thông báo")
        verbose_name_plural = _("mẫu thông báo")
        ordering = ["event", "channel", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "channel", "language"], name="uniq_notification_template"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} / {self.channel} / {self.language}"

    def clean(self) -> None:
        from motcua.notifications.texts import template_check

        problems = template_check(self.subject, self.body)
        if problems:
            raise ValidationError({"body": problems})


class Notification(models.Model):
    """One message to one recipient on one channel; ``dedupe_key`` makes each send happen once."""

    dedupe_key = models.CharField(max_length=160, unique=True, editable=False)
    event = models.CharField(_("sự kiện"), max_length=40, db_index=True)
    channel = models.CharField(_("kênh"), max_length=10, choices=ChannelKind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("người nhận"),
    )
    address = models.CharField(_("địa chỉ nhận"), max_length=200, blank=True)
    language = models.CharField(_("ngôn ngữ"), max_length=5, default="vi")
    template = models.ForeignKey(
        NotificationTemplate,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("mẫu"),
    )
    subject = models.CharField(_("tiêu đề"), max_length=200, blank=True)
    body = models.TextField(_("nội dung"))
    link = models.CharField(_("đường dẫn"), max_length=300, blank=True)
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("hồ sơ"),
    )
    firing = models.ForeignKey(
        "EscalationFiring",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("lần nhắc hạn"),
    )
    for_staff = models.BooleanField(_("gửi cán bộ"), default=True)
    status = models.CharField(
        _("tình trạng"),
        max_length=10,
        choices=NotificationStatus.choices,
        default=NotificationStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    next_attempt_at = models.DateTimeField(_("gửi lần tới lúc"), null=True, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    provider_message_id = models.CharField(_("mã tin của nhà cung cấp"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), db_index=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notification_due"),
            models.Index(fields=["recipient", "channel", "read_at"], name="notification_inbox"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.recipient or self.address}: {self.subject}"


class EscalationPolicy(models.Model):
    """The due-soon threshold and ladder of the site (no procedure) or of one procedure."""

    procedure = models.OneToOneField(
        "procedures.Procedure",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="escalation_policy",
        verbose_name=_("thủ tục"),
        help_text=_("Để trống: áp dụng cho mọi thủ tục không có cấu hình riêng."),
    )
    due_soon_hours = models.PositiveSmallIntegerField(
        _("sắp đến hạn khi còn (giờ hành chính)"),
        null=True,
        blank=True,
        help_text=_("Để trống để lấy theo cấu hình của hệ thống (due_soon_hours)."),
    )

    class Meta:
        verbose_name = _("cấu hình nhắc hạn")
        verbose_name_plural = _("cấu hình nhắc hạn")
        ordering = [models.F("procedure").asc(nulls_first=True)]

    def __str__(self) -> str:
        return str(self.procedure) if self.procedure_id else str(_("Toàn hệ thống"))


class Trigger(models.TextChoices):
    DUE_SOON = "due_soon", _("Sắp đến hạn")
    OVERDUE = "overdue", _("Quá hạn")
    OVERDUE_DAYS = "overdue_days", _("Quá hạn từ N ngày làm việc")


class Audience(models.TextChoices):
    ASSIGNEE = "assignee", _("Cán bộ đang xử lý")
    UNIT_LEADER = "unit_leader", _("Lãnh đạo đơn vị đang xử lý")
    PARENT_LEADER = "parent_leader", _("Lãnh đạo đơn vị cấp trên")
    SUPERVISOR = "supervisor", _("Cán bộ giám sát")


class EscalationLevel(models.Model):
    """One rung: when a dossier crosses *trigger*, tell *audiences* through *channels*, once."""

    policy = models.ForeignKey(
        EscalationPolicy, models.CASCADE, related_name="levels", verbose_name=_("cấu hình")
    )
    trigger = models.CharField(_("khi"), max_length=14, choices=Trigger.choices)
    overdue_days = models.PositiveSmallIntegerField(
        _("số ngày làm việc quá hạn"), default=0, help_text=_("Chỉ dùng khi “Quá hạn từ N ngày”.")
    )
    audiences = models.JSONField(_("báo cho"), default=list)
    channels = models.JSONField(_("qua kênh"), default=list)
    is_active = models.BooleanField(_("đang áp dụng"), default=True)

    class Meta:
        verbose_name = _("bậc nhắc hạn")
        verbose_name_plural = _("bậc nhắc hạn")
        ordering = ["policy", "trigger", "overdue_days", "id"]

    def __str__(self) -> str:
        if self.trigger == Trigger.OVERDUE_DAYS:
            return str(_("Quá hạn từ %(n)s ngày làm việc") % {"n": self.overdue_days})
        return str(self.get_trigger_display())

    def clean(self) -> None:
        errors = {}
        if self.trigger == Trigger.OVERDUE_DAYS and not self.overdue_days:
            errors["overdue_days"] = _("Nhập số ngày làm việc quá hạn (ít nhất 1).")
        bad = [a for a in self.audiences or [] if a not in Audience.values]
        if bad or not self.audiences:
            errors["audiences"] = _("Chọn ít nhất một người nhận hợp lệ.")
        bad = [c for c in self.channels or [] if c not in ChannelKind.values]
        if bad or not self.channels:
            errors["channels"] = _("Chọn ít nhất một kênh hợp lệ.")
        if errors:
            raise ValidationError(errors)


class EscalationFiring(models.Model):
    """A dossier crossed a level for the deadline ``due_at``; cleared when the deadline moved back."""

    dossier = models.ForeignKey(
        "dossiers.Dossier", models.CASCADE, related_name="escalation_firings"
    )
    step = models.ForeignKey(
        "dossiers.DossierStep", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    level = models.ForeignKey(EscalationLevel, models.CASCADE, related_name="firings")
    due_at = models.DateTimeField(_("hạn đã vượt"))
    fired_at = models.DateTimeField(_("nhắc lúc"))
    cleared_at = models.DateTimeField(_("gỡ lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("lần nhắc hạn")
        verbose_name_plural = _("lần nhắc hạn")
        ordering = ["fired_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "level", "due_at"], name="uniq_escalation_crossing"
            )
        ]
        indexes = [models.Index(fields=["dossier", "cleared_at"], name="firing_open")]

    def __str__(self) -> str:
        return f"{self.level} — {self.dossier_id}"


class ApologyDraft(models.Model):
    """A form 04 (apology and new date) prepared when a dossier became overdue, to complete.

    Mẫu số 04 of Phụ lục I Thông tư 03/2025/TT-VPCP (the numbering of ``motcua.printing.registry``):
    the agency that is late apologises in writing and sets a new date. The draft proposes a date; the officer records the apology (with the date they
    decide) through the lifecycle, which marks the draft completed, and then prints form 04.
    """

    dossier = models.ForeignKey(
        "dossiers.Dossier", models.CASCADE, related_name="apology_drafts", verbose_name=_("hồ sơ")
    )
    due_at = models.DateTimeField(_("hạn đã vượt"))
    proposed_due_at = models.DateTimeField(_("ngày hẹn lại đề xuất"))
    created_at = models.DateTimeField(_("lập lúc"))
    completed_at = models.DateTimeField(_("đã xin lỗi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("dự thảo văn bản xin lỗi")
        verbose_name_plural = _("dự thảo văn bản xin lỗi")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "due_at"], name="uniq_apology_draft")
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} → {self.proposed_due_at:%d/%m/%Y}"


class StaffContact(models.Model):
    """Where a staff member receives SMS and Zalo messages (the ladder's and digests' channels).

    Kept by the person themself (the desk's "my contact details" page) or by an administrator of
    one of their units. E-mail stays on the user account. The Zalo id is the user's id as a
    follower of the province's Official Account (Zalo gives it when they follow the OA).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="staff_contact",
        verbose_name=_("cán bộ"),
    )
    phone = models.CharField(_("số điện thoại nhận tin nhắn"), max_length=20, blank=True)
    zalo_user_id = models.CharField(_("mã người dùng Zalo (Zalo OA)"), max_length=64, blank=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("liên lạc nhận thông báo của cán bộ")
        verbose_name_plural = _("liên lạc nhận thông báo của cán bộ")

    def __str__(self) -> str:
        return str(self.user)

    def clean(self) -> None:
        from motcua.core.identity import normalize_phone, phone_is_valid

        if self.phone:
            if not phone_is_valid(self.phone):
                raise ValidationError({"phone": _("Số điện thoại không hợp lệ.")})
            self.phone = normalize_phone(self.phone)
        self.zalo_user_id = (self.zalo_user_id or "").strip()
        if self.zalo_user_id and not self.zalo_user_id.isdigit():
            raise ValidationError({"zalo_user_id": _("Mã người dùng Zalo chỉ gồm chữ số.")})
