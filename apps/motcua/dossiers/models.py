"""Dossiers (hồ sơ), their step instances, pauses, consultations, events and code counters.

A dossier keeps the procedure version it was received under (docs/architecture.md: legal parameters are versioned data): its workflow is read
from ``procedure_version.snapshot["workflow"]``, never from the live procedure.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from motcua.core.append_only import AppendOnly
from motcua.core.text import fold
from motcua.core.uploads import validate_stored_upload
from motcua.dossiers.due_fields import DueTracked
from motcua.dossiers.states import Action, Status


class Channel(models.IntegerChoices):
    """KenhThucHien of the national portal: 1 in person, 2 online, 3 postal."""

    IN_PERSON = 1, _("Trực tiếp")
    ONLINE = 2, _("Trực tuyến")
    POSTAL = 3, _("Bưu chính công ích")


class ApplicantKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Cá nhân")
    ORGANISATION = "organisation", _("Tổ chức, doanh nghiệp")


class Delivery(models.TextChoices):
    COUNTER = "counter", _("Nhận tại bộ phận một cửa")
    ONLINE = "online", _("Nhận trực tuyến")
    POST = "post", _("Nhận qua bưu chính")


class Dossier(DueTracked, models.Model):
    # 64: a QĐ 20/2020 agency code (up to 35 characters), the day, the TT 04/2025 "AA" and a
    # sequence past 9999, or an imported system's own code (docs/architecture.md, Codes).
    code = models.CharField(_("mã hồ sơ"), max_length=64, unique=True)
    unit = models.ForeignKey(
        "units.Unit",
        models.PROTECT,
        related_name="received_dossiers",
        verbose_name=_("đơn vị tiếp nhận"),
    )
    current_unit = models.ForeignKey(
        "units.Unit",
        models.PROTECT,
        related_name="handled_dossiers",
        verbose_name=_("đơn vị đang xử lý"),
    )
    # The unit that decides (NĐ 118/2025: a boundary-free dossier is received at one centre and
    # decided by another unit). Set at reception; empty on dossiers received before it existed,
    # which were decided by their receiving unit (``credit_unit`` in reports reads it so).
    competent_unit = models.ForeignKey(
        "units.Unit",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="competent_dossiers",
        verbose_name=_("cơ quan giải quyết"),
    )
    procedure = models.ForeignKey(
        "procedures.Procedure", models.PROTECT, related_name="dossiers", verbose_name=_("thủ tục")
    )
    procedure_version = models.ForeignKey(
        "procedures.ProcedureVersion",
        models.PROTECT,
        related_name="dossiers",
        verbose_name=_("phiên bản thủ tục"),
    )
    status = models.CharField(_("trạng thái"), max_length=24, choices=Status.choices, db_index=True)
    paused_from = models.CharField(max_length=24, choices=Status.choices, blank=True)
    channel = models.PositiveSmallIntegerField(_("kênh nộp"), choices=Channel.choices)

    applicant_kind = models.CharField(
        _("loại người nộp"),
        max_length=16,
        choices=ApplicantKind.choices,
        default=ApplicantKind.INDIVIDUAL,
    )
    applicant_name = models.CharField(_("người nộp / tổ chức"), max_length=200)
    applicant_id_number = models.CharField(_("số định danh / CCCD"), max_length=20, blank=True)
    applicant_tax_code = models.CharField(_("mã số thuế"), max_length=20, blank=True)
    applicant_phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    applicant_address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    applicant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="own_dossiers",
        verbose_name=_("tài khoản công dân"),
    )
    search_text = models.CharField(max_length=500, editable=False, db_index=True)
    form_data = models.JSONField(_("dữ liệu tờ khai"), default=dict, blank=True)

    fee_total = models.DecimalField(
        _("tổng phí, lệ phí"), max_digits=14, decimal_places=0, default=0
    )
    is_paid = models.BooleanField(_("đã nộp phí"), default=False)
    paid_online = models.BooleanField(_("thanh toán trực tuyến"), default=False)
    # A payment at the counter (receipt number, who took it, when) or an exemption: each is an
    # audited lifecycle event (``record_payment``, ``waive_fee``); these columns keep its facts.
    paid_at = models.DateTimeField(_("thời điểm nộp phí"), null=True, blank=True)
    fee_receipt_number = models.CharField(_("số biên lai thu phí"), max_length=40, blank=True)
    fee_collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cán bộ thu phí"),
    )
    fee_waived = models.BooleanField(_("miễn phí, lệ phí"), default=False)
    fee_waiver_reason = models.CharField(_("căn cứ miễn phí, lệ phí"), max_length=300, blank=True)

    submitted_at = models.DateTimeField(_("thời điểm nộp"), null=True, blank=True)
    received_at = models.DateTimeField(_("thời điểm tiếp nhận"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cán bộ tiếp nhận"),
    )
    due_at = models.DateTimeField(_("hạn trả kết quả"), null=True, blank=True, db_index=True)
    apology_due_at = models.DateTimeField(
        _("ngày hẹn lại (văn bản xin lỗi)"), null=True, blank=True
    )
    finished_at = models.DateTimeField(_("thời điểm kết thúc xử lý"), null=True, blank=True)
    returned_at = models.DateTimeField(_("thời điểm trả kết quả"), null=True, blank=True)

    current_step = models.ForeignKey(
        "DossierStep",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bước hiện tại"),
    )
    supplement_count = models.PositiveSmallIntegerField(_("số lần yêu cầu bổ sung"), default=0)
    supplement_items = models.JSONField(_("nội dung cần bổ sung"), default=list, blank=True)
    late_by_rule = models.BooleanField(
        _("tính trễ hạn theo quy định"),
        default=False,
        help_text=_("Yêu cầu bổ sung quá một lần (QĐ 766 §2.1)."),
    )

    delivery = models.CharField(
        _("hình thức nhận kết quả"),
        max_length=10,
        choices=Delivery.choices,
        default=Delivery.COUNTER,
    )
    delivery_address = models.CharField(_("địa chỉ nhận kết quả"), max_length=300, blank=True)
    postal_tracking = models.CharField(_("mã vận đơn"), max_length=40, blank=True)
    postal_carrier = models.CharField(_("đơn vị bưu chính"), max_length=100, blank=True)
    postal_sent_on = models.DateField(_("ngày gửi bưu chính"), null=True, blank=True)
    result_number = models.CharField(_("số văn bản kết quả"), max_length=60, blank=True)
    result_date = models.DateField(_("ngày ban hành kết quả"), null=True, blank=True)
    result_file = models.FileField(
        _("tệp kết quả"),
        upload_to="results/%Y/%m/",
        blank=True,
        max_length=200,
        validators=[validate_stored_upload],
    )
    result_original_name = models.CharField(_("tên tệp kết quả"), max_length=255, blank=True)
    result_content_type = models.CharField(_("kiểu tệp kết quả"), max_length=100, blank=True)

    is_training = models.BooleanField(_("hồ sơ tập huấn"), default=False, db_index=True)
    imported_from = models.ForeignKey(
        "DossierImport",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers",
        verbose_name=_("nhập từ hệ thống cũ"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["current_unit", "status"]),
            # Covers the sweep: keyset on (due_state, id), its conditions on the two moments.
            models.Index(
                fields=["due_state", "id", "watch_due_at", "due_soon_at"],
                name="dossier_due_state_id",
            ),
            # Drives the sweep: only the rows whose next transition moment is reached.
            models.Index(fields=["due_state", "due_next_position"], name="dossier_due_next"),
            # The worklist (counts by group and each group's page), index only: the tracked rows
            # by due moment, with every column the scope and the officer's own work test.
            models.Index(
                fields=[
                    "due_state",
                    "watch_due_at",
                    "due_soon_at",
                    "unit",
                    "current_unit",
                    "applicant_user",
                    "current_step",
                    "status",
                ],
                name="dossier_worklist_idx",
            ),
            # The admin list filtered by receiving unit and status, newest first.
            models.Index(fields=["unit", "status", "received_at"], name="dossier_unit_status_recv"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.applicant_name}"

    @property
    def deciding_unit(self):
        """The unit that decides: the competent unit, or the receiving one when none was set."""
        return self.competent_unit if self.competent_unit_id else self.unit

    @property
    def is_boundary_free(self) -> bool:
        """Received at one unit for another's decision (NĐ 118/2025, boundary-free reception)."""
        return bool(self.competent_unit_id) and self.competent_unit_id != self.unit_id

    def refresh_search_text(self) -> None:
        self.search_text = fold(
            " ".join(
                [
                    self.code,
                    self.applicant_name,
                    self.applicant_id_number,
                    self.applicant_phone,
                    self.applicant_tax_code,
                ]
            )
        )[:500]


class DossierDocument(models.Model):
    """One line of the checklist of required documents (thành phần hồ sơ) and its file."""

    dossier = models.ForeignKey(Dossier, models.CASCADE, related_name="documents")
    name = models.CharField(_("tên giấy tờ"), max_length=400)
    originals = models.PositiveSmallIntegerField(_("bản chính"), default=0)
    copies = models.PositiveSmallIntegerField(_("bản sao"), default=0)
    is_mandatory = models.BooleanField(_("bắt buộc"), default=True)
    received = models.BooleanField(_("đã nhận"), default=False)
    file = models.FileField(
        _("tệp"),
        upload_to="dossiers/%Y/%m/",
        blank=True,
        max_length=200,
        validators=[validate_stored_upload],
    )
    original_name = models.CharField(_("tên tệp gốc"), max_length=255, blank=True)
    content_type = models.CharField(_("kiểu tệp"), max_length=100, blank=True)
    is_supplement = models.BooleanField(_("bổ sung"), default=False)

    class Meta:
        verbose_name = _("giấy tờ trong hồ sơ")
        verbose_name_plural = _("giấy tờ trong hồ sơ")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class StepState(models.TextChoices):
    OPEN = "open", _("Đang xử lý")
    DONE = "done", _("Đã hoàn thành")
    RETURNED = "returned", _("Bị trả lại")
    TRANSFERRED = "transferred", _("Đã chuyển liên thông")


class DossierStep(DueTracked, models.Model):
    """One pass of a dossier through one workflow step; lateness is pinned to it (docs/architecture.md, Deadlines)."""

    dossier = models.ForeignKey(Dossier, models.CASCADE, related_name="steps")
    index = models.PositiveSmallIntegerField(_("thứ tự bước"))
    name = models.CharField(_("tên bước"), max_length=200)
    unit = models.ForeignKey(
        "units.Unit", models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    roles = models.JSONField(_("vai trò được xử lý"), default=list)
    actions = models.JSONField(_("thao tác được phép"), default=list)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="dossier_steps",
        verbose_name=_("cán bộ xử lý"),
    )
    state = models.CharField(
        _("tình trạng"), max_length=12, choices=StepState.choices, default=StepState.OPEN
    )
    started_at = models.DateTimeField(_("bắt đầu"))
    due_at = models.DateTimeField(_("hạn bước"), null=True, blank=True)
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    duration_amount = models.DecimalField(max_digits=6, decimal_places=1, default=0)
    duration_unit = models.CharField(max_length=16, blank=True)
    required_answers = models.PositiveSmallIntegerField(_("số ý kiến cần có"), default=0)

    class Meta:
        verbose_name = _("bước xử lý của hồ sơ")
        verbose_name_plural = _("bước xử lý của hồ sơ")
        ordering = ["started_at", "id"]
        indexes = [
            models.Index(fields=["assignee", "state"]),
            models.Index(
                fields=["due_state", "id", "watch_due_at", "due_soon_at"],
                name="dossierstep_due_state_id",
            ),
            # Drives the sweep: only the rows whose next transition moment is reached.
            models.Index(fields=["due_state", "due_next_position"], name="dossierstep_due_next"),
            # The open steps (a few percent) for the recomputation after a calendar change.
            models.Index(fields=["state", "id"], name="dossierstep_state_id"),
            # The open steps whose deadline can reach a changed calendar day.
            models.Index(fields=["state", "due_at"], name="dossierstep_state_due"),
        ]

    def __str__(self) -> str:
        return f"{self.index + 1}. {self.name}"

    @property
    def is_late(self) -> bool:
        return bool(self.due_at and self.finished_at and self.finished_at > self.due_at)


class ConsultationVerdict(models.TextChoices):
    AGREE = "agree", _("Đồng ý")
    DISAGREE = "disagree", _("Không đồng ý")


class Consultation(models.Model):
    """One party asked for an opinion in a parallel consultation step (N of M must answer).

    The reply: agree or disagree, the opinion in words, and optionally the reply document (văn
    bản trả lời) the consulted unit signed, served only through the desk's scope-checked view.
    """

    step = models.ForeignKey(DossierStep, models.CASCADE, related_name="consultations")
    unit = models.ForeignKey(
        "units.Unit", models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answer = models.TextField(_("ý kiến"), blank=True)
    verdict = models.CharField(
        _("kết luận"), max_length=10, choices=ConsultationVerdict.choices, blank=True
    )
    reply_file = models.FileField(
        _("văn bản trả lời"),
        upload_to="consultations/%Y/%m/",
        blank=True,
        max_length=200,
        validators=[validate_stored_upload],
    )
    reply_original_name = models.CharField(_("tên tệp trả lời"), max_length=255, blank=True)
    reply_content_type = models.CharField(_("kiểu tệp trả lời"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("xin ý kiến")
        verbose_name_plural = _("xin ý kiến")

    def __str__(self) -> str:
        return f"{self.unit} ({'đã trả lời' if self.answered_at else 'chờ trả lời'})"


class DossierVisit(models.Model):
    """A unit other than the receiving one at which a dossier had a step or a consultation.

    Kept by :mod:`motcua.dossiers.visits` so that the scoped selector reads the cross-unit part of
    a dossier's scope from one short index (``(unit, dossier)``) instead of every step.
    """

    unit = models.ForeignKey("units.Unit", models.PROTECT, related_name="+")
    dossier = models.ForeignKey(Dossier, models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("đơn vị hồ sơ đã đi qua")
        verbose_name_plural = _("đơn vị hồ sơ đã đi qua")
        constraints = [
            models.UniqueConstraint(fields=["unit", "dossier"], name="dossier_visit_unit_dossier")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} → {self.dossier_id}"


class PauseKind(models.TextChoices):
    SUPPLEMENT = "supplement", _("Chờ bổ sung")
    SUSPEND = "suspend", _("Tạm dừng")


class DossierPause(models.Model):
    """A stretch of time in which the clock is stopped; on resume due moments move later."""

    dossier = models.ForeignKey(Dossier, models.CASCADE, related_name="pauses")
    kind = models.CharField(max_length=12, choices=PauseKind.choices)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("lần tạm dừng của hồ sơ")
        verbose_name_plural = _("lần tạm dừng của hồ sơ")
        ordering = ["started_at", "id"]
        indexes = [
            # Pauses still open or closed after a changed calendar day (recomputation).
            models.Index(fields=["ended_at"], name="dossierpause_ended"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {timezone.localtime(self.started_at):%d/%m/%Y %H:%M}"


class DossierEvent(AppendOnly):
    """Append-only history: who did what, when, from which state to which (Phiếu kiểm soát)."""

    # PROTECT everywhere: the history is append-only, so neither a delete nor a SET NULL may
    # reach it (the database refuses both on MariaDB; see security/migrations/0003).
    dossier = models.ForeignKey(Dossier, models.PROTECT, related_name="events")
    action = models.CharField(_("thao tác"), max_length=24, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("thay mặt"),
    )
    from_status = models.CharField(_("từ trạng thái"), max_length=24, blank=True)
    to_status = models.CharField(_("sang trạng thái"), max_length=24)
    step = models.ForeignKey(
        DossierStep, models.PROTECT, null=True, blank=True, related_name="events"
    )
    to_step = models.ForeignKey(
        DossierStep, models.PROTECT, null=True, blank=True, related_name="+"
    )
    unit = models.ForeignKey("units.Unit", models.PROTECT, null=True, blank=True, related_name="+")
    note = models.TextField(_("ghi chú"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("thời điểm"), db_index=True)

    class Meta:
        verbose_name = _("nhật ký xử lý hồ sơ")
        verbose_name_plural = _("nhật ký xử lý hồ sơ")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.from_status or '—'} → {self.to_status}"


class DossierCodeCounter(models.Model):
    """Daily sequence per receiving unit; locked row gives gap-free codes under concurrency."""

    unit = models.ForeignKey("units.Unit", models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("bộ đếm số hồ sơ trong ngày")
        verbose_name_plural = _("bộ đếm số hồ sơ trong ngày")
        constraints = [models.UniqueConstraint(fields=["unit", "day"], name="uniq_code_counter")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day}: {self.last}"


class Delegation(models.Model):
    """Officer *delegator*'s work may be done by *delegate* between two dates ("B thay A")."""

    delegator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="delegations_given",
        verbose_name=_("người ủy quyền"),
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="delegations_received",
        verbose_name=_("người được ủy quyền"),
    )
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"))
    note = models.CharField(_("ghi chú"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("ủy quyền xử lý")
        verbose_name_plural = _("ủy quyền xử lý")

    def __str__(self) -> str:
        return f"{self.delegate} ← {self.delegator} ({self.starts_on}–{self.ends_on})"

    def clean(self):
        """Check the date range and that nobody delegates to themselves (messages for the desk)."""
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("Ngày kết thúc ủy quyền không được trước ngày bắt đầu.")
        if self.delegator_id and self.delegator_id == self.delegate_id:
            errors["delegate"] = _("Người được ủy quyền phải khác người ủy quyền.")
        if errors:
            raise ValidationError(errors)


class CodeAgency(models.TextChoices):
    """Whose agency code a dossier code carries (and whose daily counter numbers it)."""

    RECEIVING = "receiving", _("Đơn vị tiếp nhận")
    COMPETENT = "competent", _("Cơ quan giải quyết")


class CodePattern(models.Model):
    """The structure of dossier codes from a day on: versioned site data (TT 03/2025 Điều 13).

    The pattern in force on a day is the row with the latest ``valid_from`` not after it; a code,
    once given, is stored on the dossier and never rebuilt, so a new pattern changes only the
    codes given from its first day. The template's fields are ``{agency}`` (the agency code of
    the unit chosen by ``agency``), ``{yymmdd}`` (the day of reception), ``{AA}`` (the two digits
    of ``system_digits``) and ``{seq}`` (the day's sequence of that agency, zero-padded to
    ``min_digits`` and longer when the day needs it: "độ dài dãy số theo thực tế hồ sơ phát sinh,
    tối thiểu gồm 04 ký tự", TT 03/2025 Điều 13 k.3 đ.d, added by TT 04/2025 Điều 23 k.2).
    Rules enforced by :meth:`clean` and :mod:`motcua.dossiers.services.codes`, see there.
    """

    valid_from = models.DateField(
        _("áp dụng từ ngày"),
        unique=True,
        error_messages={"unique": _("Đã có một cấu trúc mã hồ sơ áp dụng từ ngày này.")},
    )
    template = models.CharField(
        _("cấu trúc mã"),
        max_length=100,
        help_text=_(
            "Các thành phần: {agency} mã định danh cơ quan, {yymmdd} ngày tiếp nhận, {AA} hai chữ "
            "số của cơ quan chủ quản hệ thống, {seq} số thứ tự trong ngày. Ví dụ "
            "{agency}-{yymmdd}-{seq} hoặc {agency}-{yymmdd}-{AA}{seq}."
        ),
    )
    agency = models.CharField(
        _("mã định danh trong mã hồ sơ"),
        max_length=10,
        choices=CodeAgency.choices,
        default=CodeAgency.RECEIVING,
        help_text=_(
            "TT 03/2025 Điều 13 k.3 (dịch vụ công tập trung): mã định danh của cơ quan giải quyết."
        ),
    )
    system_digits = models.CharField(
        _("hai chữ số AA"),
        max_length=2,
        blank=True,
        help_text=_(
            "Hai chữ số trong mã định danh điện tử của cơ quan chủ quản hệ thống cung cấp dịch vụ "
            "công tập trung (TT 03/2025 Điều 13 k.3 đ.c); chỉ dùng khi cấu trúc có {AA}."
        ),
    )
    min_digits = models.PositiveSmallIntegerField(
        _("số chữ số tối thiểu của số thứ tự"),
        default=4,
        help_text=_("Tối thiểu 04 ký tự (TT 03/2025 Điều 13 k.3 đ.d); dài hơn khi cần."),
    )
    legal_basis = models.CharField(_("căn cứ"), max_length=255, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("cấu trúc mã hồ sơ")
        verbose_name_plural = _("cấu trúc mã hồ sơ")

    def __str__(self) -> str:
        return f"{self.template} ({self.valid_from:%d/%m/%Y})"

    def clean(self):
        from motcua.dossiers.services.codes import pattern_problems

        errors = pattern_problems(self)
        if errors:
            raise ValidationError(errors)


class ImportStatus(models.TextChoices):
    IMPORTED = "imported", _("Đã nhập")
    REFUSED = "refused", _("Không nhập (tệp có lỗi)")


class DossierImport(models.Model):
    """One file of dossiers exported by another system, and what became of it (an audit record).

    All or nothing per file (``dossiers/legacy/``): a file with one bad row imports nothing and
    its row-level errors are kept here; a good file's dossiers point to this record
    (``Dossier.imported_from``), so they stay marked as imported.
    """

    file_name = models.CharField(_("tên tệp"), max_length=255)
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64, db_index=True)
    source_system = models.CharField(_("hệ thống nguồn"), max_length=200, blank=True)
    status = models.CharField(_("kết quả"), max_length=10, choices=ImportStatus.choices)
    rows = models.PositiveIntegerField(_("số dòng"), default=0)
    imported = models.PositiveIntegerField(_("số hồ sơ đã nhập"), default=0)
    errors = models.JSONField(_("lỗi theo dòng"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người nhập"),
    )
    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("lượt nhập hồ sơ từ hệ thống cũ")
        verbose_name_plural = _("nhập hồ sơ từ hệ thống cũ")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()}, {self.imported}/{self.rows})"


# The assignment state's models live in their own module (registered with this app on import).
from motcua.dossiers.assignment_models import (  # noqa: E402, F401
    AssignmentQueue,
    AssignmentTurn,
    OfficerLoad,
)
