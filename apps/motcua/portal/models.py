"""The citizen portal's data: online form configuration, drafts, uploads, submissions, ratings.

* :class:`FormField` and :class:`FormDocumentRule` are *configuration*, edited by administrators on
  the procedure's desk page. They are frozen into every procedure version's snapshot (part
  ``"form"``, see :mod:`motcua.portal.snapshot`), so a dossier keeps the form it was submitted under
  (docs/architecture.md: legal parameters are versioned data); the portal always builds its form from the snapshot, never from these rows.
* :class:`Draft`, :class:`Upload`, :class:`Submission`, :class:`Rating` and :class:`CitizenProfile`
  are the citizen's data. Files are stored under ``portal/<yyyy>/<mm>/<random>`` on the default
  storage (a local folder of the site, or S3-compatible storage by setting ``STORAGES``).
"""

from __future__ import annotations

import re
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import ApplicantKind

KEY_RE = r"^[a-z][a-z0-9_]{0,39}$"
key_validator = RegexValidator(
    KEY_RE,
    message=_(
        "Mã trường chỉ gồm chữ thường không dấu, chữ số và dấu gạch dưới, bắt đầu bằng chữ cái "
        "(ví dụ: dien_tich_dat)."
    ),
)


def field_kind_choices():
    """The core's kinds and the enabled plugins' (``motcua.portal.forms.builders``)."""
    from motcua.portal.forms.builders import field_kind_choices as choices

    return choices()


class FieldKind(models.TextChoices):
    TEXT = "text", _("Văn bản")
    NUMBER = "number", _("Số")
    DATE = "date", _("Ngày")
    SELECT = "select", _("Chọn trong danh sách")
    CHECKBOX = "checkbox", _("Ô đánh dấu")
    ADDRESS = "address", _("Địa chỉ")
    ID_NUMBER = "id_number", _("Số định danh cá nhân (CCCD)")
    PHONE = "phone", _("Số điện thoại")
    EMAIL = "email", _("Thư điện tử")
    TABLE = "table", _("Bảng nhiều dòng")
    FILE = "file", _("Tệp đính kèm")


#: Kinds a table column may have.
COLUMN_KINDS = ("text", "number", "date")


def parse_columns(text: str) -> list[dict]:
    """Parse table columns, one per line: ``mã | nhãn | kiểu | *`` (kiểu and * optional).

    ``ho_ten | Họ và tên | text | *`` is a required text column; kiểu is text, number or date.
    Raise ``ValidationError`` with a Vietnamese message naming the bad line.
    """
    columns: list[dict] = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        if not raw.strip():
            continue
        parts = [p.strip() for p in raw.split("|")]
        key, label = parts[0], parts[1] if len(parts) > 1 else ""
        kind = (parts[2] if len(parts) > 2 else "") or "text"
        flag = parts[3] if len(parts) > 3 else ""
        if (
            not re.match(KEY_RE, key)
            or not label
            or kind not in COLUMN_KINDS
            or flag not in ("", "*")
        ):
            raise ValidationError(
                _(
                    "Dòng %(n)s của danh sách cột không hợp lệ: viết “mã | nhãn | kiểu | *”, "
                    "kiểu là text, number hoặc date, dấu * nếu bắt buộc."
                ),
                params={"n": number},
            )
        if any(c["key"] == key for c in columns):
            raise ValidationError(_("Mã cột “%(key)s” bị trùng."), params={"key": key})
        columns.append({"key": key, "label": label, "kind": kind, "required": flag == "*"})
    return columns


def parse_choices(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class FormField(models.Model):
    """One input of a procedure's online form (tờ khai trực tuyến), configured without code."""

    procedure = models.ForeignKey(
        "procedures.Procedure",
        models.CASCADE,
        related_name="form_fields",
        verbose_name=_("thủ tục"),
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    key = models.CharField(
        _("mã trường"),
        max_length=40,
        validators=[key_validator],
        help_text=_("Dùng trong điều kiện hiển thị và điều kiện chuyển bước, ví dụ dien_tich."),
    )
    label = models.CharField(_("nhãn"), max_length=300)
    kind = models.CharField(
        _("kiểu dữ liệu"), max_length=12, choices=field_kind_choices, default=FieldKind.TEXT
    )
    required = models.BooleanField(_("bắt buộc"), default=False)
    help_text = models.CharField(_("hướng dẫn"), max_length=500, blank=True)
    choices = models.TextField(
        _("các lựa chọn"),
        blank=True,
        help_text=_("Với kiểu “Chọn trong danh sách”: mỗi dòng một lựa chọn."),
    )
    pattern = models.CharField(
        _("mẫu kiểm tra (biểu thức chính quy)"),
        max_length=200,
        blank=True,
        help_text=_("Ví dụ ^\\d{6}$ cho 6 chữ số. Để trống nếu không cần."),
    )
    pattern_message = models.CharField(
        _("thông báo khi sai mẫu"),
        max_length=200,
        blank=True,
        help_text=_("Để trống: “Giá trị không đúng định dạng yêu cầu.”"),
    )
    min_value = models.DecimalField(
        _("tối thiểu"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Số: giá trị nhỏ nhất; văn bản: số ký tự ít nhất; bảng: số dòng ít nhất."),
    )
    max_value = models.DecimalField(
        _("tối đa"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_(
            "Số: giá trị lớn nhất; văn bản: số ký tự nhiều nhất; bảng: số dòng nhiều nhất."
        ),
    )
    show_if_field = models.CharField(
        _("chỉ hiện khi trường"),
        max_length=40,
        blank=True,
        help_text=_("Mã của một trường khác trong tờ khai; để trống nếu luôn hiện."),
    )
    show_if_value = models.CharField(
        _("có giá trị"),
        max_length=200,
        blank=True,
        help_text=_("Với ô đánh dấu: “có” hoặc “không”."),
    )
    columns = models.TextField(
        _("các cột của bảng"),
        blank=True,
        help_text=_(
            "Với kiểu “Bảng nhiều dòng”: mỗi dòng một cột, dạng “mã | nhãn | kiểu | *” "
            "(kiểu: text, number, date; * nếu bắt buộc). Ví dụ: ho_ten | Họ và tên | text | *"
        ),
    )

    class Meta:
        ordering = ["procedure", "order", "pk"]
        verbose_name = _("trường của tờ khai trực tuyến")
        verbose_name_plural = _("tờ khai trực tuyến (các trường)")
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "key"],
                name="portal_formfield_unique_key",
                violation_error_message=_("Mã trường này đã có trong tờ khai của thủ tục."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.key})"

    def clean(self):
        super().clean()
        errors: dict[str, list] = {}
        if self.kind == FieldKind.SELECT and not parse_choices(self.choices):
            errors["choices"] = [_("Kiểu “Chọn trong danh sách” cần ít nhất một lựa chọn.")]
        if self.kind == FieldKind.TABLE:
            try:
                if not parse_columns(self.columns):
                    errors["columns"] = [_("Bảng cần ít nhất một cột.")]
            except ValidationError as exc:
                errors["columns"] = exc.messages
        if self.pattern:
            try:
                re.compile(self.pattern)
            except re.error:
                errors["pattern"] = [_("Biểu thức chính quy không hợp lệ.")]
        if (
            self.min_value is not None
            and self.max_value is not None
            and self.min_value > self.max_value
        ):
            errors["max_value"] = [_("Giá trị tối đa phải lớn hơn hoặc bằng giá trị tối thiểu.")]
        if self.show_if_field and self.show_if_field == self.key:
            errors["show_if_field"] = [_("Một trường không thể phụ thuộc vào chính nó.")]
        if errors:
            raise ValidationError(errors)

    def as_spec(self) -> dict:
        """Return the JSON-native description frozen into the version snapshot."""

        def number(value: Decimal | None) -> str | None:
            return None if value is None else format(value.normalize(), "f")

        return {
            "key": self.key,
            "label": self.label,
            "kind": self.kind,
            "required": self.required,
            "help_text": self.help_text,
            "choices": parse_choices(self.choices) if self.kind == FieldKind.SELECT else [],
            "pattern": self.pattern,
            "pattern_message": self.pattern_message,
            "min": number(self.min_value),
            "max": number(self.max_value),
            "show_if": (
                {"field": self.show_if_field, "value": self.show_if_value}
                if self.show_if_field
                else None
            ),
            "columns": parse_columns(self.columns) if self.kind == FieldKind.TABLE else [],
            "order": self.order,
        }


class FormDocumentRule(models.Model):
    """Formerly: whether the file of one required document must be uploaded online.

    No longer read or edited: "must be uploaded online" is derived from the document's own
    ``is_mandatory`` (one notion, ``motcua.portal.snapshot``); migration ``0003_h12_…`` folded the
    rules into it. The table stays so that the migration is additive (drop it in a later release).
    """

    procedure = models.ForeignKey(
        "procedures.Procedure",
        models.CASCADE,
        related_name="document_rules",
        verbose_name=_("thủ tục"),
    )
    required_document = models.OneToOneField(
        "procedures.RequiredDocument",
        models.CASCADE,
        related_name="upload_rule",
        verbose_name=_("thành phần hồ sơ"),
    )
    upload_required = models.BooleanField(
        _("bắt buộc tải lên khi nộp trực tuyến"),
        default=True,
        help_text=_("Không đánh dấu: công dân có thể tải lên hoặc nộp bản giấy sau."),
    )

    class Meta:
        verbose_name = _("quy định tải lên giấy tờ")
        verbose_name_plural = _("giấy tờ phải tải lên khi nộp trực tuyến")

    def __str__(self) -> str:
        return str(self.required_document)

    def clean(self):
        super().clean()
        if (
            self.required_document_id
            and self.procedure_id
            and self.required_document.procedure_id != self.procedure_id
        ):
            raise ValidationError(
                {"required_document": _("Giấy tờ này không thuộc thành phần hồ sơ của thủ tục.")}
            )


class CitizenProfile(models.Model):
    """What a portal account says about its holder (a person, or an organisation with a tax code)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="citizen_profile"
    )
    kind = models.CharField(
        _("loại tài khoản"),
        max_length=16,
        choices=ApplicantKind.choices,
        default=ApplicantKind.INDIVIDUAL,
    )
    full_name = models.CharField(_("họ và tên"), max_length=200)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    id_number = models.CharField(_("số định danh cá nhân"), max_length=20, blank=True)
    organisation_name = models.CharField(_("tên tổ chức, doanh nghiệp"), max_length=300, blank=True)
    tax_code = models.CharField(_("mã số thuế"), max_length=20, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    email_verified_at = models.DateTimeField(_("xác minh thư điện tử lúc"), null=True, blank=True)
    created_at = models.DateTimeField(_("ngày đăng ký"), auto_now_add=True)

    class Meta:
        verbose_name = _("tài khoản công dân, tổ chức")
        verbose_name_plural = _("tài khoản công dân, tổ chức")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.kind == ApplicantKind.ORGANISATION and self.organisation_name:
            return self.organisation_name
        return self.full_name


class Draft(models.Model):
    """A form being filled, kept until it is submitted ("Lưu nháp"); one per person and procedure.

    The owner is an account, or an anonymous visitor identified by a random token kept in their
    session; the token's drafts move to the account when the visitor logs in.
    """

    procedure = models.ForeignKey(
        "procedures.Procedure", models.CASCADE, related_name="+", verbose_name=_("thủ tục")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, null=True, blank=True, related_name="+"
    )
    token = models.CharField(max_length=64, blank=True, db_index=True)
    form_data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(_("lưu lúc"), auto_now=True)

    class Meta:
        verbose_name = _("bản nháp")
        verbose_name_plural = _("bản nháp")
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"{self.procedure_id} / {self.user_id or 'ẩn danh'}"


def upload_path(instance: Upload, filename: str) -> str:
    """``portal/<yyyy>/<mm>/<random>.<ext>``: never the citizen's file name (it may carry anything)."""
    from django.utils import timezone

    from motcua.core.uploads import random_name

    now = timezone.localtime()
    return f"portal/{now:%Y}/{now:%m}/{random_name(instance.content_type)}"


class Upload(models.Model):
    """One file a citizen uploaded, after its content was checked (see :mod:`.uploads`)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    file = models.FileField(upload_to=upload_path, max_length=200)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    token = models.CharField(max_length=64, blank=True, db_index=True)
    draft = models.ForeignKey(Draft, models.SET_NULL, null=True, blank=True, related_name="uploads")
    slot = models.CharField(max_length=60, blank=True)
    dossier = models.ForeignKey(
        "dossiers.Dossier", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tệp tải lên")
        verbose_name_plural = _("tệp tải lên")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.original_name


class Submission(models.Model):
    """One press of "Nộp hồ sơ": the idempotency key of the rendered form, unique.

    The row is inserted first in the submission's transaction, so a second request with the same
    key (double click, network retry) fails on the unique index, rolls back everything it did, and
    is answered with the dossier of the first one.
    """

    key = models.UUIDField(unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    dossier = models.OneToOneField(
        "dossiers.Dossier",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="portal_submission",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lượt nộp trực tuyến")
        verbose_name_plural = _("lượt nộp trực tuyến")

    def __str__(self) -> str:
        return str(self.key)


class Score(models.IntegerChoices):
    """The five satisfaction levels of the citizen's rating (QĐ 766/QĐ-TTg, satisfaction index)."""

    VERY_SATISFIED = 5, _("Rất hài lòng")
    SATISFIED = 4, _("Hài lòng")
    NEUTRAL = 3, _("Bình thường")
    DISSATISFIED = 2, _("Không hài lòng")
    VERY_DISSATISFIED = 1, _("Rất không hài lòng")


class Rating(models.Model):
    """The applicant's rating of the service for one dossier; one per dossier, after the result."""

    dossier = models.OneToOneField(
        "dossiers.Dossier", models.CASCADE, related_name="rating", verbose_name=_("hồ sơ")
    )
    score = models.PositiveSmallIntegerField(_("mức độ hài lòng"), choices=Score.choices)
    comment = models.TextField(_("góp ý"), blank=True, max_length=2000)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("đánh giá lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("đánh giá mức độ hài lòng")
        verbose_name_plural = _("đánh giá mức độ hài lòng")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.get_score_display()}"


class DossierLink(models.Model):
    """Audit of a counter dossier linked to a portal account after a code + phone/ID lookup.

    A dossier received at the counter has no account; the lifecycle lets only the applicant's
    account (or a reception officer) supplement or withdraw. The visitor who proved the dossier code
    and the applicant's phone or ID number in this session may link it to their account; from then
    on they act as the applicant (see ``services.dossier_link_account``).
    """

    dossier = models.ForeignKey("dossiers.Dossier", models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    proof = models.CharField(max_length=20)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("liên kết hồ sơ với tài khoản")
        verbose_name_plural = _("liên kết hồ sơ với tài khoản")

    def __str__(self) -> str:
        return f"{self.dossier_id} → {self.user_id}"


class PublicPageRevision(models.Model):
    """The revision of the public catalogue pages: one row, a random token replaced on every change.

    The cached catalogue and procedure pages (:mod:`motcua.portal.pagecache`) are keyed by this
    token, so a change to a procedure, its version, documents, fees or form, a sector or a unit
    (saved by any process) makes every cached page stale at once.
    """

    token = models.CharField(max_length=32)

    class Meta:
        verbose_name = _("phiên bản trang công khai")
        verbose_name_plural = _("phiên bản trang công khai")

    def __str__(self) -> str:
        return self.token
