"""The site's working calendar as data editable in the desk (docs/architecture.md, Deadlines), and the audit of the
deadline recomputations that follow each change.

One site (deployment) has one :class:`WorkingCalendar`: its weekly office hours
(:class:`OfficeInterval`, several a day), working weekdays, same-day cut-off and working-day rule;
the dated rows :class:`Holiday` (a date or a range, with its name and the decision that declared it)
and :class:`MakeUpWorkingDay` belong to a calendar year, so a year can be imported, exported and
corrected on its own. Every row keeps a history (django-simple-history).

Writes go through :mod:`motcua.core.services` (which changes ``revision`` so that
:func:`motcua.core.selectors.site_calendar` rebuilds, and recomputes open deadlines); reads through
:mod:`motcua.core.selectors`.
"""

from __future__ import annotations

import uuid
from datetime import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from motcua.core.deadlines import DayRule
from motcua.core.workcalendar import WEEKDAY_CODES

WEEKDAY_LABELS = (
    ("mon", _("Thứ Hai")),
    ("tue", _("Thứ Ba")),
    ("wed", _("Thứ Tư")),
    ("thu", _("Thứ Năm")),
    ("fri", _("Thứ Sáu")),
    ("sat", _("Thứ Bảy")),
    ("sun", _("Chủ nhật")),
)
SITE_CALENDAR_KEY = "site"


def new_revision() -> str:
    """Return a fresh calendar revision token (random, so no two states share one)."""
    return uuid.uuid4().hex


def weekdays_from_text(text: str) -> frozenset[int]:
    """Return weekday numbers (0 = Monday) from a comma list of codes ("mon,tue")."""
    return frozenset(WEEKDAY_CODES.index(code.strip()) for code in text.split(",") if code.strip())


def weekdays_to_text(days) -> str:
    return ",".join(WEEKDAY_CODES[d] for d in sorted(days))


class WorkingCalendar(models.Model):
    """The site's working calendar (one per site): weekly hours, weekdays, cut-off, day rule."""

    key = models.CharField(
        _("Mã lịch"), max_length=20, unique=True, default=SITE_CALENDAR_KEY, editable=False
    )
    name = models.CharField(_("Tên lịch"), max_length=200, default=_("Lịch làm việc của cơ quan"))
    weekdays = models.CharField(
        _("Ngày làm việc trong tuần"),
        max_length=40,
        default="mon,tue,wed,thu,fri",
        help_text=_("Các ngày làm việc hằng tuần; thứ Bảy làm bù khai báo ở “Ngày làm bù”."),
    )
    same_day_cutoff = models.TimeField(
        _("Giờ chốt giải quyết trong ngày"),
        default=time(15, 0),
        help_text=_(
            "Hồ sơ “trong ngày” tiếp nhận trước giờ này được trả trong ngày; sau giờ này, "
            "trả vào cuối ngày làm việc tiếp theo."
        ),
    )
    day_rule = models.CharField(
        _("Cách tính ngày làm việc"),
        max_length=20,
        choices=DayRule.choices,
        default=DayRule.CIVIL_CODE,
    )
    revision = models.CharField(
        _("Phiên bản dữ liệu"), max_length=32, default=new_revision, editable=False
    )
    updated_at = models.DateTimeField(_("Cập nhật lúc"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Lịch làm việc")
        verbose_name_plural = _("Lịch làm việc")

    def __str__(self) -> str:
        return str(self.name)

    @property
    def weekday_numbers(self) -> frozenset[int]:
        return weekdays_from_text(self.weekdays)

    def clean(self) -> None:
        codes = [c.strip() for c in self.weekdays.split(",") if c.strip()]
        bad = [c for c in codes if c not in WEEKDAY_CODES]
        if bad:
            raise ValidationError(
                {
                    "weekdays": _("Ngày trong tuần không hợp lệ: %(codes)s")
                    % {"codes": ", ".join(bad)}
                }
            )
        if not codes:
            raise ValidationError({"weekdays": _("Cần ít nhất một ngày làm việc trong tuần.")})


class OfficeInterval(models.Model):
    """One interval of office hours (07:30–11:30), the same on every working day."""

    calendar = models.ForeignKey(
        WorkingCalendar,
        on_delete=models.CASCADE,
        related_name="office_intervals",
        verbose_name=_("Lịch làm việc"),
    )
    start = models.TimeField(_("Từ giờ"))
    end = models.TimeField(_("Đến giờ"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Khoảng giờ hành chính")
        verbose_name_plural = _("Giờ hành chính")
        ordering = ["calendar", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="core_officeinterval_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"

    def clean(self) -> None:
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValidationError({"end": _("Giờ kết thúc phải sau giờ bắt đầu.")})


class CalendarDayQuerySet(models.QuerySet):
    def for_year(self, year: int):
        return self.filter(year=year)


class Holiday(models.Model):
    """Days off (a date, or a range from–to) with their name and the deciding document."""

    calendar = models.ForeignKey(
        WorkingCalendar,
        on_delete=models.CASCADE,
        related_name="holidays",
        verbose_name=_("Lịch làm việc"),
    )
    year = models.PositiveSmallIntegerField(
        _("Năm"),
        blank=True,
        db_index=True,
        help_text=_("Năm lịch mà ngày nghỉ thuộc về; để trống thì lấy năm của ngày bắt đầu."),
    )
    start_date = models.DateField(_("Từ ngày"))
    end_date = models.DateField(
        _("Đến ngày"), blank=True, help_text=_("Để trống nếu chỉ nghỉ một ngày.")
    )
    name = models.CharField(_("Tên ngày nghỉ"), max_length=255, blank=True)
    decision = models.CharField(
        _("Văn bản quyết định"),
        max_length=255,
        blank=True,
        help_text=_("Số hiệu, ngày của văn bản công bố lịch nghỉ (ví dụ: TB 6150/TB-BLĐTBXH)."),
    )
    history = HistoricalRecords()
    objects = CalendarDayQuerySet.as_manager()

    class Meta:
        verbose_name = _("Ngày nghỉ lễ")
        verbose_name_plural = _("Ngày nghỉ lễ")
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="core_holiday_end_after_start"
            )
        ]

    def __str__(self) -> str:
        if self.end_date and self.end_date != self.start_date:
            return f"{self.start_date:%d/%m/%Y}–{self.end_date:%d/%m/%Y} {self.name}".strip()
        return f"{self.start_date:%d/%m/%Y} {self.name}".strip()

    def save(self, *args, **kwargs) -> None:
        self._fill()
        super().save(*args, **kwargs)

    @property
    def days(self) -> int:
        return (self.end_date - self.start_date).days + 1 if self.end_date else 1

    def _fill(self) -> None:
        if self.start_date and not self.end_date:
            self.end_date = self.start_date
        if self.start_date and not self.year:
            self.year = self.start_date.year

    def clean(self) -> None:
        self._fill()
        if not self.start_date:
            return
        if self.end_date < self.start_date:
            raise ValidationError({"end_date": _("Ngày kết thúc phải từ ngày bắt đầu trở đi.")})
        if self.calendar_id is None:
            return
        overlapping = (
            Holiday.objects.filter(
                calendar_id=self.calendar_id,
                start_date__lte=self.end_date,
                end_date__gte=self.start_date,
            )
            .exclude(pk=self.pk)
            .first()
        )
        if overlapping:
            raise ValidationError(
                _("Trùng với ngày nghỉ đã có: %(other)s") % {"other": overlapping}
            )
        clash = (
            MakeUpWorkingDay.objects.filter(
                calendar_id=self.calendar_id, date__range=(self.start_date, self.end_date)
            )
            .order_by("date")
            .first()
        )
        if clash:
            raise ValidationError(
                _("Ngày %(day)s đang là ngày làm bù; xóa ngày làm bù trước.")
                % {"day": f"{clash.date:%d/%m/%Y}"}
            )


class MakeUpWorkingDay(models.Model):
    """A day off by the weekly pattern declared working (a make-up Saturday)."""

    calendar = models.ForeignKey(
        WorkingCalendar,
        on_delete=models.CASCADE,
        related_name="working_days",
        verbose_name=_("Lịch làm việc"),
    )
    year = models.PositiveSmallIntegerField(
        _("Năm"), blank=True, db_index=True, help_text=_("Để trống thì lấy năm của ngày.")
    )
    date = models.DateField(_("Ngày làm bù"))
    name = models.CharField(_("Lý do"), max_length=255, blank=True)
    decision = models.CharField(_("Văn bản quyết định"), max_length=255, blank=True)
    history = HistoricalRecords()
    objects = CalendarDayQuerySet.as_manager()

    class Meta:
        verbose_name = _("Ngày làm bù")
        verbose_name_plural = _("Ngày làm bù")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="core_makeup_unique_date")
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}".strip()

    def save(self, *args, **kwargs) -> None:
        self._fill()
        super().save(*args, **kwargs)

    def _fill(self) -> None:
        if self.date and not self.year:
            self.year = self.date.year

    def clean(self) -> None:
        self._fill()
        if not self.date or self.calendar_id is None:
            return
        if self.date.weekday() in self.calendar.weekday_numbers:
            raise ValidationError(
                {
                    "date": _("Ngày %(day)s vốn là ngày làm việc trong tuần, không cần làm bù.")
                    % {"day": f"{self.date:%d/%m/%Y}"}
                }
            )
        clash = Holiday.objects.filter(
            calendar_id=self.calendar_id, start_date__lte=self.date, end_date__gte=self.date
        ).first()
        if clash:
            raise ValidationError(
                {"date": _("Ngày này nằm trong ngày nghỉ “%(other)s”.") % {"other": clash}}
            )


class DeadlineRecomputation(models.Model):
    """One run of recomputing open deadlines after a calendar change (who, when, why, counts)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang chạy")
        DONE = "done", _("Hoàn thành")
        FAILED = "failed", _("Có lỗi")
        SUPERSEDED = "superseded", _("Dừng, thay bằng lần tính sau")

    created_at = models.DateTimeField(_("Bắt đầu lúc"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("Chạy từ lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("Kết thúc lúc"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Người thực hiện"),
    )
    reason = models.CharField(_("Lý do"), max_length=255, blank=True)
    status = models.CharField(
        _("Trạng thái"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    calendar_revision = models.CharField(_("Phiên bản lịch"), max_length=32, blank=True)
    day_rule = models.CharField(
        _("Cách tính ngày làm việc"), max_length=20, choices=DayRule.choices, blank=True
    )
    checked = models.PositiveIntegerField(_("Số hạn đã kiểm tra"), default=0)
    changed = models.PositiveIntegerField(_("Số hạn thay đổi"), default=0)
    failed = models.PositiveIntegerField(_("Số hạn lỗi"), default=0)
    #: Open items counted when the run started (the progress bar's 100 %).
    total = models.PositiveIntegerField(_("Tổng số hạn cần kiểm tra"), null=True, blank=True)
    #: Calendar changes merged into this run while it waited in the queue (1 = none merged).
    requests = models.PositiveIntegerField(_("Số lần thay đổi lịch gộp"), default=1)
    #: ``{"sources_done": [...], "<source>": last id}``: where a killed run resumes.
    cursor = models.JSONField(_("Vị trí đã xử lý"), default=dict, blank=True, editable=False)
    #: The first calendar day the change touches (a holiday's or make-up day's date): only the
    #: deadlines whose count can reach that day are read. Empty: every open deadline (office
    #: hours, weekly days or the day rule changed).
    changed_from = models.DateField(_("Thay đổi lịch từ ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("Lần tính lại hạn xử lý")
        verbose_name_plural = _("Tính lại hạn xử lý")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return _("Tính lại hạn #%(id)s (%(changed)s thay đổi)") % {
            "id": self.pk,
            "changed": self.changed,
        }


class DeadlineChange(models.Model):
    """One deadline moved by a recomputation (old → new), or the error that prevented it."""

    run = models.ForeignKey(
        DeadlineRecomputation,
        on_delete=models.CASCADE,
        related_name="changes",
        verbose_name=_("Lần tính lại"),
    )
    source = models.CharField(_("Loại hạn"), max_length=100)
    item_id = models.CharField(_("Mã đối tượng"), max_length=100)
    old_due = models.DateTimeField(_("Hạn cũ"), null=True, blank=True)
    new_due = models.DateTimeField(_("Hạn mới"), null=True, blank=True)
    error = models.TextField(_("Lỗi"), blank=True)

    class Meta:
        verbose_name = _("Thay đổi hạn xử lý")
        verbose_name_plural = _("Thay đổi hạn xử lý")
        ordering = ["run", "id"]
        indexes = [models.Index(fields=["source", "item_id"], name="core_dlchange_item")]

    def __str__(self) -> str:
        return f"{self.source} {self.item_id}: {self.old_due} → {self.new_due}"
