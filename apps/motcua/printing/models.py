"""Print templates: an administrator's edited copy of a legal form, for the site or one unit.

Resolution (:func:`motcua.printing.selectors.print_template_for`): the active template of the
issuing unit, else of its nearest ancestor, else the site-wide one (``unit`` empty), else the
default shipped in ``printing/templates/printing/forms/``. Templates are data (docs/architecture.md: legal parameters are versioned data);
the shipped default is never edited in place, so a broken copy can always fall back to it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class FormCode(models.TextChoices):
    """The one-stop forms of docs/architecture.md (numbering of the project, see ``registry.FORMS``)."""

    RECEIPT = "01", _("01 — Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
    SUPPLEMENT = "02", _("02 — Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ")
    REFUSAL = "03", _("03 — Phiếu từ chối tiếp nhận giải quyết hồ sơ")
    APOLOGY = "04", _("04 — Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết")
    STOP = "05", _("05 — Thông báo dừng giải quyết hồ sơ")
    CONTROL_SHEET = "06", _("06 — Phiếu kiểm soát quá trình giải quyết hồ sơ")
    LEDGER = "07", _("07 — Sổ theo dõi hồ sơ")


class PrintTemplate(models.Model):
    """A Django template source for one form, rendered in the sandbox (``printing.sandbox``)."""

    form_code = models.CharField(_("biểu mẫu"), max_length=2, choices=FormCode.choices)
    unit = models.ForeignKey(
        "units.Unit",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("đơn vị"),
        help_text=_(
            "Để trống: áp dụng cho cả hệ thống. Chọn đơn vị: áp dụng cho đơn vị đó và các đơn vị "
            "trực thuộc chưa có mẫu riêng."
        ),
    )
    title = models.CharField(_("tên mẫu"), max_length=200)
    body = models.TextField(
        _("nội dung mẫu"),
        help_text=_(
            "Mã nguồn mẫu (cú pháp Django template). Dữ liệu của người nộp luôn được tự động "
            "thoát ký tự HTML; không dùng được {% load %}, {% include %}, |safe."
        ),
    )
    is_active = models.BooleanField(_("đang áp dụng"), default=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("người cập nhật"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mẫu in")
        verbose_name_plural = _("mẫu in")
        ordering = ["form_code", "unit__path", "-updated_at"]
        indexes = [models.Index(fields=["form_code", "is_active"])]

    def __str__(self) -> str:
        where = self.unit.name if self.unit_id else _("toàn hệ thống")
        return f"{self.form_code} — {self.title} ({where})"

    def clean(self):
        """One active template per form and unit (or site-wide): resolution must be unambiguous.

        Checked here rather than with a conditional unique constraint, which MariaDB lacks.
        """
        super().clean()
        if not self.is_active or not self.form_code:
            return
        others = PrintTemplate.objects.filter(
            form_code=self.form_code, unit_id=self.unit_id, is_active=True
        ).exclude(pk=self.pk)
        if others.exists():
            raise ValidationError(
                {
                    "is_active": _(
                        "Đã có một mẫu đang áp dụng cho biểu mẫu này ở cùng phạm vi; hãy ngừng "
                        "áp dụng mẫu đó trước."
                    )
                }
            )
