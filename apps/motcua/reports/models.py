"""Data of the reporting side: editable scoring of the QĐ 766 indicators, saved reports, their
subscriptions and delivery log, and the processing time the lifecycle records for indicator 2.2.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class IndicatorSetting(models.Model):
    """How one indicator is scored (QĐ 766/QĐ-TTg; provinces apply their own variants).

    The portal's formula description gives the rule "đạt từ X% trở lên sẽ đạt điểm tối đa; dưới X%:
    tỷ lệ × điểm tối đa / X%" and X for some indicators; the decision's point weights are not
    available to us, so the shipped maximum points are placeholders an administrator sets.
    """

    code = models.CharField(_("mã chỉ số"), max_length=20, unique=True)
    name = models.CharField(_("tên chỉ số"), max_length=300)
    target_percent = models.DecimalField(
        _("ngưỡng đạt điểm tối đa (%)"), max_digits=5, decimal_places=2, default=100
    )
    max_points = models.DecimalField(_("điểm tối đa"), max_digits=6, decimal_places=2, default=0)
    is_active = models.BooleanField(_("đang áp dụng"), default=True)
    source = models.CharField(_("nguồn quy định"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("cách chấm điểm chỉ số")
        verbose_name_plural = _("cách chấm điểm chỉ số")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ScoreBand(models.Model):
    """A band of the total score in percent of the maximum (e.g. ≥ 90% "Tốt")."""

    min_percent = models.DecimalField(_("từ (% tổng điểm)"), max_digits=5, decimal_places=2)
    label = models.CharField(_("xếp loại"), max_length=100)

    class Meta:
        verbose_name = _("mức xếp loại")
        verbose_name_plural = _("mức xếp loại")
        ordering = ["-min_percent"]

    def __str__(self) -> str:
        return f"≥ {self.min_percent}%: {self.label}"


class ProcessingTime(models.Model):
    """The processing time of a finished dossier (QĐ 766 §2.2), recorded when it gets a result.

    Office time from reception to the result, paused office time excluded, in seconds and in the
    procedure's own time unit (working days or working hours), so averages are a plain AVG.
    """

    dossier = models.OneToOneField(
        "dossiers.Dossier", models.CASCADE, primary_key=True, related_name="processing_time"
    )
    office_seconds = models.BigIntegerField(_("thời gian xử lý (giây hành chính)"))
    amount = models.DecimalField(_("thời gian xử lý"), max_digits=10, decimal_places=2)
    unit = models.CharField(_("đơn vị thời gian"), max_length=16)

    class Meta:
        verbose_name = _("thời gian giải quyết hồ sơ")
        verbose_name_plural = _("thời gian giải quyết hồ sơ")

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.amount} {self.unit}"


class SavedReport(models.Model):
    """A report builder definition saved with a name, shared with roles and/or units."""

    name = models.CharField(_("tên báo cáo"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="saved_reports"
    )
    definition = models.JSONField(_("định nghĩa"))
    shared_roles = models.ManyToManyField(
        "auth.Group", blank=True, related_name="+", verbose_name=_("chia sẻ với vai trò")
    )
    shared_units = models.ManyToManyField(
        "units.Unit", blank=True, related_name="+", verbose_name=_("chia sẻ với đơn vị")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("báo cáo đã lưu")
        verbose_name_plural = _("báo cáo đã lưu")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Hằng tuần")
    MONTHLY = "monthly", _("Hằng tháng")
    QUARTERLY = "quarterly", _("Hằng quý")


class ReportSubscription(models.Model):
    """A person receives a saved report, or the standard unit summary, by e-mail each period."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="report_subscriptions"
    )
    report = models.ForeignKey(
        SavedReport,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="subscriptions",
        help_text=_("Để trống để nhận báo cáo tổng hợp chuẩn của đơn vị."),
    )
    frequency = models.CharField(_("định kỳ"), max_length=10, choices=Frequency.choices)
    is_active = models.BooleanField(_("đang nhận"), default=True)
    last_period_end = models.DateField(_("kỳ đã gửi gần nhất"), null=True, blank=True)

    class Meta:
        verbose_name = _("đăng ký nhận báo cáo")
        verbose_name_plural = _("đăng ký nhận báo cáo")

    def __str__(self) -> str:
        return f"{self.user} — {self.report or _('Báo cáo tổng hợp')} ({self.frequency})"


class ReportDelivery(models.Model):
    """One e-mail of a subscription for one period: sent or failed, with the error."""

    subscription = models.ForeignKey(ReportSubscription, models.CASCADE, related_name="deliveries")
    period_start = models.DateField()
    period_end = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)
    ok = models.BooleanField(default=False)
    rows = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("lần gửi báo cáo")
        verbose_name_plural = _("lần gửi báo cáo")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "period_end"],
                condition=models.Q(ok=True),
                name="uniq_report_delivery_sent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subscription_id} {self.period_start}–{self.period_end}"


class SummaryEntry(models.Model):
    """What one counted dossier adds to the monthly summaries, as last computed.

    Kept beside :class:`MonthSummary` so a change is applied as a difference (the rows the old
    entry added are taken away, the new ones added) without recomputing the dossier's past; see
    :mod:`motcua.reports.summaries`. Months are the first day of a local calendar month.
    """

    dossier = models.OneToOneField(
        "dossiers.Dossier", models.CASCADE, primary_key=True, related_name="summary_entry"
    )
    unit = models.ForeignKey("units.Unit", models.DO_NOTHING, db_constraint=False, related_name="+")
    #: The unit credited with the processing: the competent unit of a boundary-free dossier,
    #: else the receiving one (``reports/indicators.py``, Units).
    processing_unit = models.ForeignKey(
        "units.Unit", models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    procedure = models.ForeignKey(
        "procedures.Procedure", models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    channel = models.PositiveSmallIntegerField()
    received_month = models.DateField()
    with_fee = models.BooleanField(default=False)
    paid_online = models.BooleanField(default=False)
    #: The fees of the dossier (VND) and the part paid online (all of it when paid online).
    fee_total = models.BigIntegerField(default=0)
    fee_paid_online = models.BigIntegerField(default=0)
    digitised = models.BooleanField(default=False)
    dissatisfied = models.BooleanField(default=False)
    office_seconds = models.BigIntegerField(null=True)
    end_month = models.DateField(null=True)
    late = models.BooleanField(default=False)
    with_result = models.BooleanField(default=False)
    electronic_result = models.BooleanField(default=False)
    refused_stopped = models.BooleanField(default=False)
    withdrawn = models.BooleanField(default=False)
    is_open = models.BooleanField(default=True)
    stock_to = models.DateField(null=True)
    overdue_from = models.DateField(null=True)

    class Meta:
        verbose_name = _("đóng góp của hồ sơ vào số liệu tổng hợp")
        verbose_name_plural = _("đóng góp của hồ sơ vào số liệu tổng hợp")
        indexes = [
            models.Index(
                fields=["is_open", "stock_to", "received_month"], name="reports_entry_open_stock"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.received_month:%m/%Y}"


class MonthSummary(models.Model):
    """Counts of one month for one (credited unit, procedure, channel): the dashboard's source.

    The unit is the one each count is credited to (``reports/indicators.py``, Units): reception
    counts (received, with a fee, paid online, digitised) the receiving unit's, every other count
    the processing unit's; they differ only for a boundary-free dossier (NĐ 118/2025/NĐ-CP).

    Flows are counted in the month their moment falls in (reception: received, fees, paid online,
    digitised, rated dissatisfied, processing time; end: ended on time / late, with a result,
    electronic result, refused or stopped, withdrawn). Stocks are the dossiers still being
    processed at the month's end, judged then (in time / overdue, and rated dissatisfied); they
    exist for months that have ended. Maintained by :mod:`motcua.reports.summaries`.
    """

    pk = models.CompositePrimaryKey("month", "unit_id", "procedure_id", "channel")
    month = models.DateField()
    unit = models.ForeignKey("units.Unit", models.DO_NOTHING, db_constraint=False, related_name="+")
    procedure = models.ForeignKey(
        "procedures.Procedure", models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    channel = models.PositiveSmallIntegerField()
    received = models.IntegerField(default=0)
    #: Received in the month, counted for the processing unit ("handled" is a processing count).
    received_processing = models.IntegerField(default=0)
    received_with_fee = models.IntegerField(default=0)
    paid_online = models.IntegerField(default=0)
    #: Sums of the fees of the dossiers received in the month (VND), all and paid online.
    fee_total = models.BigIntegerField(default=0)
    fee_paid_online = models.BigIntegerField(default=0)
    digitised = models.IntegerField(default=0)
    dissatisfied_received = models.IntegerField(default=0)
    office_seconds_n = models.IntegerField(default=0)
    office_seconds_sum = models.BigIntegerField(default=0)
    resolved_on_time = models.IntegerField(default=0)
    resolved_late = models.IntegerField(default=0)
    with_result = models.IntegerField(default=0)
    electronic_result = models.IntegerField(default=0)
    refused_stopped = models.IntegerField(default=0)
    withdrawn = models.IntegerField(default=0)
    pending_in_time = models.IntegerField(default=0)
    pending_overdue = models.IntegerField(default=0)
    dissatisfied_open = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("số liệu tổng hợp theo tháng")
        verbose_name_plural = _("số liệu tổng hợp theo tháng")

    def __str__(self) -> str:
        return f"{self.month:%m/%Y} {self.unit_id}/{self.procedure_id}/{self.channel}"


class OfficerFigures(models.Model):
    """The keys and sums an officer row holds (:mod:`motcua.reports.officer_summaries`)."""

    month = models.DateField()
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    unit = models.ForeignKey("units.Unit", models.DO_NOTHING, db_constraint=False, related_name="+")
    procedure = models.ForeignKey(
        "procedures.Procedure", models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    channel = models.PositiveSmallIntegerField()
    steps = models.IntegerField(default=0)
    late_steps = models.IntegerField(default=0)
    office_seconds = models.BigIntegerField(default=0)
    supplements = models.IntegerField(default=0)

    class Meta:
        abstract = True


class OfficerEntry(OfficerFigures):
    """What one counted dossier adds to the per-officer monthly summary, as last computed: one row
    per (month, officer) with its steps finished in that month (late: after the step's due
    moment), their office time, and the supplements the officer requested then. Kept beside
    :class:`OfficerMonth` so a change is applied as a difference; see
    :mod:`motcua.reports.officer_summaries`."""

    dossier = models.ForeignKey(
        "dossiers.Dossier", models.CASCADE, db_constraint=False, related_name="+"
    )

    class Meta:
        verbose_name = _("đóng góp của hồ sơ vào số liệu theo cán bộ")
        verbose_name_plural = _("đóng góp của hồ sơ vào số liệu theo cán bộ")
        indexes = [models.Index(fields=["dossier"], name="reports_officerentry_dossier")]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.assignee_id} {self.month:%m/%Y}"


class OfficerMonth(OfficerFigures):
    """Per month and officer (and the dossiers' credited unit, procedure, channel): steps finished,
    those finished after their due moment, their office time, supplements requested — the officer
    evaluation's figures and the dashboard's officer ranking, summed over whole months.

    The unit is the one that processes the dossiers (the competent unit, else the receiving one;
    ``reports/indicators.py``, Units). Maintained by :mod:`motcua.reports.officer_summaries`.
    """

    pk = models.CompositePrimaryKey("month", "assignee_id", "unit_id", "procedure_id", "channel")

    class Meta:
        verbose_name = _("số liệu theo cán bộ và tháng")
        verbose_name_plural = _("số liệu theo cán bộ và tháng")

    def __str__(self) -> str:
        return f"{self.month:%m/%Y} {self.assignee_id}"
