"""Records of one-off data patches (Frappe's ``patches.txt`` idea, see ``patches/``)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppliedPatch(models.Model):
    """A patch from ``patches/patches.txt`` that has run once; it never runs again."""

    name = models.CharField(_("bản vá"), max_length=200, unique=True)
    applied_at = models.DateTimeField(_("thời điểm chạy"), auto_now_add=True)
    duration_ms = models.PositiveIntegerField(_("thời gian chạy (ms)"), default=0)
    output = models.TextField(_("kết quả"), blank=True)

    class Meta:
        verbose_name = _("bản vá dữ liệu đã chạy")
        verbose_name_plural = _("bản vá dữ liệu đã chạy")
        ordering = ["applied_at", "id"]

    def __str__(self) -> str:
        return self.name


class JobLock(models.Model):
    """A named lease held by one run of a job; an expired lease (killed worker) is free again."""

    name = models.CharField(max_length=60, unique=True)
    holder = models.CharField(max_length=64, blank=True)
    held_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("khóa tác vụ")
        verbose_name_plural = _("khóa tác vụ")

    def __str__(self) -> str:
        return self.name


class SweepRun(models.Model):
    """One run of the due-state sweep: what it changed and which batches failed."""

    class Outcome(models.TextChoices):
        RUNNING = "running", _("Đang chạy")
        DONE = "done", _("Hoàn thành")
        PARTIAL = "partial", _("Hoàn thành, có lô lỗi")
        SKIPPED = "skipped", _("Bỏ qua (lần chạy khác đang giữ khóa)")

    started_at = models.DateTimeField(_("bắt đầu"), db_index=True)
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    outcome = models.CharField(
        _("kết quả"), max_length=10, choices=Outcome.choices, default=Outcome.RUNNING
    )
    batches = models.PositiveIntegerField(_("số lô"), default=0)
    changed = models.PositiveIntegerField(_("số dòng thay đổi"), default=0)
    fired = models.PositiveIntegerField(_("số lần nhắc hạn"), default=0)
    errors = models.JSONField(_("lỗi theo lô"), default=list, blank=True)

    class Meta:
        verbose_name = _("lần quét hạn xử lý")
        verbose_name_plural = _("lần quét hạn xử lý")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.outcome}"


class TaskRun(models.Model):
    """One long piece of work started from the desk (e.g. closing old training dossiers), run as
    a job: who asked, what, how far it got. A killed run is resumed by the schedule."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang chạy")
        DONE = "done", _("Hoàn thành")
        FAILED = "failed", _("Có lỗi")

    func = models.CharField(max_length=200, editable=False)  # dotted path of the job function
    label = models.CharField(_("tác vụ"), max_length=255)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người yêu cầu"),
    )
    params = models.JSONField(_("tham số"), default=dict, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    total = models.PositiveIntegerField(_("tổng số"), null=True, blank=True)
    done = models.PositiveIntegerField(_("đã xong"), default=0)
    failed = models.PositiveIntegerField(_("lỗi"), default=0)
    errors = models.JSONField(_("lỗi chi tiết"), default=list, blank=True)
    created_at = models.DateTimeField(_("yêu cầu lúc"), auto_now_add=True)
    started_at = models.DateTimeField(_("chạy từ"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)
    # A file the task produced (e.g. the ledger's PDF), served to the person who asked for it.
    result_file = models.FileField(_("tệp kết quả"), upload_to="tasks/%Y/%m/", blank=True)

    class Meta:
        verbose_name = _("tác vụ dài")
        verbose_name_plural = _("tác vụ dài")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="taskrun_status")]

    def __str__(self) -> str:
        return f"{self.label} ({self.get_status_display()})"
