"""The administrative procedure catalogue (thủ tục hành chính) and its immutable versions.

A procedure is edited freely; what a dossier relies on is a :class:`ProcedureVersion`, a frozen
snapshot taken by :func:`motcua.procedures.services.procedure_publish` (docs/architecture.md: a dossier
keeps the procedure version it was received under).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from motcua.core.text import fold
from motcua.core.timeunits import TimeUnit
from motcua.core.uploads import validate_stored_upload
from motcua.procedures.fields import TimeUnitField

NEGATIVE_TIME_MESSAGE = _("Thời hạn giải quyết không được âm.")


class SectorManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Sector(models.Model):
    """A field of state management (lĩnh vực), e.g. Xây dựng, Tư pháp."""

    code = models.CharField(
        _("mã lĩnh vực"),
        max_length=50,
        unique=True,
        error_messages={"unique": _("Mã lĩnh vực này đã được dùng.")},
    )
    name = models.CharField(_("tên lĩnh vực"), max_length=255)
    search_text = models.TextField(editable=False, blank=True)

    objects = SectorManager()
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        ordering = ["name"]
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.search_text = self.build_search_text()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    def build_search_text(self) -> str:
        return fold(f"{self.code} {self.name}")

    def natural_key(self):
        return (self.code,)


class OnlineLevel(models.TextChoices):
    """How far the procedure can be done online (Decree 42/2022/NĐ-CP: toàn trình / một phần)."""

    FULL = "full", _("Toàn trình")
    PARTIAL = "partial", _("Một phần")
    NONE = "none", _("Không trực tuyến")


class ProcedureManager(models.Manager):
    def get_by_natural_key(self, national_code):
        return self.get(national_code=national_code)


class Procedure(models.Model):
    """An administrative procedure as published in the national database of procedures."""

    national_code = models.CharField(
        _("mã thủ tục"),
        max_length=50,
        unique=True,
        help_text=_("Mã trên Cơ sở dữ liệu quốc gia về thủ tục hành chính, ví dụ 1.009994."),
        error_messages={"unique": _("Mã thủ tục này đã có trong danh mục.")},
    )
    name = models.CharField(_("tên thủ tục"), max_length=1000)
    search_text = models.TextField(editable=False, blank=True)
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, related_name="procedures", verbose_name=_("lĩnh vực")
    )
    level = models.ForeignKey(
        "units.UnitLevel",
        on_delete=models.PROTECT,
        related_name="procedures",
        verbose_name=_("cấp thực hiện"),
    )
    units = models.ManyToManyField(
        "units.Unit",
        blank=True,
        related_name="procedures",
        verbose_name=_("đơn vị tiếp nhận, giải quyết"),
    )
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)
    processing_amount = models.DecimalField(
        _("thời hạn giải quyết"),
        max_digits=6,
        decimal_places=1,
        validators=[MinValueValidator(Decimal(0), message=NEGATIVE_TIME_MESSAGE)],
    )
    processing_unit = TimeUnitField(_("đơn vị thời gian"), default=TimeUnit.WORKING_DAYS)
    online_level = models.CharField(
        _("mức độ trực tuyến"),
        max_length=10,
        choices=OnlineLevel.choices,
        default=OnlineLevel.NONE,
    )
    result_type = models.CharField(
        _("kết quả thực hiện"),
        max_length=500,
        help_text=_("Ví dụ: Giấy phép xây dựng."),
    )
    fee_note = models.TextField(_("ghi chú về phí, lệ phí"), blank=True)
    fee_before_return = models.BooleanField(
        _("chỉ trả kết quả khi đã nộp phí, lệ phí"),
        null=True,
        blank=True,
        help_text=_(
            "Để trống: theo cấu hình chung của hệ thống (mặc định: có). Chọn “Không” cho thủ tục "
            "thu phí sau khi trả kết quả."
        ),
    )
    # NĐ 118/2025/NĐ-CP: the provincial and commune public-administration service centres receive
    # procedures "không phụ thuộc vào địa giới hành chính trong phạm vi cấp tỉnh"; which
    # procedures is the province's published list, so each flag carries its decision.
    boundary_free = models.BooleanField(
        _("tiếp nhận không phụ thuộc địa giới hành chính"),
        default=False,
        help_text=_(
            "Trung tâm Phục vụ hành chính công cấp tỉnh và mọi Trung tâm cấp xã trong tỉnh được "
            "tiếp nhận hồ sơ của thủ tục này cho đơn vị có thẩm quyền (NĐ 118/2025/NĐ-CP)."
        ),
    )
    boundary_free_decision = models.CharField(
        _("quyết định công bố danh mục"),
        max_length=255,
        blank=True,
        help_text=_("Số, ngày của quyết định công bố thủ tục tiếp nhận không phụ thuộc địa giới."),
    )
    is_active = models.BooleanField(_("đang áp dụng"), default=True)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ngày cập nhật"), auto_now=True)

    objects = ProcedureManager()
    history = HistoricalRecords(excluded_fields=["search_text", "updated_at"])

    class Meta:
        ordering = ["national_code"]
        verbose_name = _("thủ tục")
        verbose_name_plural = _("thủ tục")

    def __str__(self):
        return f"{self.national_code} — {self.name}"

    def save(self, *args, **kwargs):
        self.search_text = self.build_search_text()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    def build_search_text(self) -> str:
        return fold(f"{self.national_code} {self.name}")

    def natural_key(self):
        return (self.national_code,)

    def clean(self):
        super().clean()
        if self.boundary_free and not (self.boundary_free_decision or "").strip():
            raise ValidationError(
                {
                    "boundary_free_decision": _(
                        "Cần ghi quyết định công bố thủ tục tiếp nhận không phụ thuộc địa giới "
                        "hành chính."
                    )
                }
            )
        amount = self.processing_amount
        if (
            amount is not None
            and amount == 0
            and self.processing_unit in (TimeUnit.WORKING_DAYS, TimeUnit.WORKING_HOURS)
        ):
            raise ValidationError(
                {
                    "processing_amount": _(
                        "Thời hạn giải quyết phải lớn hơn 0, trừ thủ tục giải quyết trong ngày."
                    )
                }
            )


class RequiredDocument(models.Model):
    """One document of the dossier (thành phần hồ sơ) with how many originals and copies."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="documents", verbose_name=_("thủ tục")
    )
    name = models.CharField(_("tên giấy tờ"), max_length=1000)
    originals = models.PositiveSmallIntegerField(_("số bản chính"), default=1)
    copies = models.PositiveSmallIntegerField(_("số bản sao"), default=0)
    template_file = models.FileField(
        _("mẫu đơn, tờ khai"),
        upload_to="procedure_templates/",
        blank=True,
        validators=[validate_stored_upload],
    )
    is_mandatory = models.BooleanField(_("bắt buộc"), default=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        ordering = ["procedure", "order", "pk"]
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")

    def __str__(self):
        return self.name


class Fee(models.Model):
    """A fee or charge (phí, lệ phí) of a procedure, in đồng."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="fees", verbose_name=_("thủ tục")
    )
    name = models.CharField(_("tên phí, lệ phí"), max_length=500)
    amount = models.DecimalField(
        _("mức thu (đồng)"),
        max_digits=14,
        decimal_places=0,
        validators=[MinValueValidator(Decimal(0), message=_("Mức thu không được âm."))],
    )
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    class Meta:
        ordering = ["procedure", "pk"]
        verbose_name = _("phí, lệ phí")
        verbose_name_plural = _("phí, lệ phí")

    def __str__(self):
        return self.name


class ProcedureVersion(models.Model):
    """A frozen snapshot of a procedure; never changed once written (docs/architecture.md: legal parameters are versioned data).

    A version with ``effective_at`` in the future is a draft: new dossiers keep using the version
    in effect until that moment (see :func:`~motcua.procedures.selectors.procedure_current_version`).
    """

    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="versions", verbose_name=_("thủ tục")
    )
    number = models.PositiveIntegerField(_("phiên bản số"))
    snapshot = models.JSONField(_("nội dung"))
    snapshot_hash = models.CharField(_("mã băm nội dung"), max_length=64, db_index=True)
    created_at = models.DateTimeField(_("thời điểm ban hành"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người ban hành"),
    )
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    effective_at = models.DateTimeField(
        _("áp dụng từ"),
        null=True,
        blank=True,
        help_text=_("Để trống: áp dụng ngay khi ban hành."),
    )

    class Meta:
        ordering = ["procedure", "-number"]
        verbose_name = _("phiên bản thủ tục")
        verbose_name_plural = _("phiên bản thủ tục")
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "number"], name="procedures_version_unique_number"
            )
        ]

    def __str__(self):
        return f"{self.procedure.national_code} v{self.number}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("A procedure version is immutable; publish a new one instead.")
        super().save(*args, **kwargs)


from motcua.procedures.workflow import WorkflowStep  # noqa: E402, F401  (registers the model and its snapshot part)
