"""Portal forms: the dossier form generated from a version's snapshot, and the small forms.

The dossier form (:class:`DossierForm`) is built from ``snapshot["form"]`` (see
:mod:`motcua.portal.snapshot`): one field per configured input, with its label, help text, required
flag and validators, every message in Vietnamese and naming the field. Rules:

1. A field with a show-if condition is validated only when shown: its controlling field (placed
   before it) has the given value, and is itself shown. A hidden field is never required and its
   value is dropped.
2. The form validates in two modes. *Submit* checks everything. *Draft* ("Lưu nháp") checks only the
   files (a bad file is refused even in a draft) and the per-dossier size, so half-filled forms
   can be kept; the draft stores the raw input, which restores the form as it was typed.
3. Validation is server-side only (``novalidate``): the browser's own messages are neither
   Vietnamese nor tied to the field, and hidden conditional fields would block its submit.
4. Every error is tied to its input (``aria-invalid``, ``aria-describedby`` → the error's id).
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinLengthValidator,
    MinValueValidator,
    RegexValidator,
)
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from motcua.core.text import fold
from motcua.core.widgets import DayInput
from motcua.dossiers.models import ApplicantKind, Delivery
from motcua.portal import uploads
from motcua.portal.models import FieldKind, Score

PHONE_RE = r"^0\d{9,10}$"
ID_NUMBER_RE = r"^(\d{9}|\d{12})$"
TAX_CODE_RE = r"^\d{10}(-\d{3})?$"
TRUTHY = {"1", "true", "on", "yes", "co", "x", "dung", "chon"}
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"]
ACCEPT = ".pdf,.jpg,.jpeg,.png,.gif,.webp,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp"


def normalize_phone(value: str) -> str:
    """Return a Vietnamese phone number as digits starting with 0 ("+84 912.345.678" → 0912345678)."""
    digits = re.sub(r"[\s.\-()]", "", value or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits


def _literal(text) -> str:
    """Escape ``%`` so a message with a field label survives ValidationError's formatting."""
    return str(text).replace("%", "%%")


class PortalFormMixin:
    """Tie every error to its input and keep the browser's validation out (rule 3, 4)."""

    use_required_attribute = False

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            bound = self[name]
            refs = [f"{bound.auto_id}_error"]
            if self.fields[name].help_text:
                refs.append(f"{bound.auto_id}_helptext")
            attrs = self.fields[name].widget.attrs
            attrs["aria-invalid"] = "true"
            attrs["aria-describedby"] = " ".join(refs)


# ----------------------------------------------------------------------------- special fields


class PhoneField(forms.CharField):
    def __init__(self, *, label, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
        )
        super().__init__(label=label, **kwargs)
        self.validators.append(
            RegexValidator(
                PHONE_RE,
                message=_literal(
                    _g(
                        "“%(label)s” không đúng: số điện thoại gồm 10 hoặc 11 chữ số, bắt đầu bằng 0."
                    )
                    % {"label": label}
                ),
            )
        )

    def to_python(self, value):
        return normalize_phone(super().to_python(value))


class IdNumberField(forms.CharField):
    def __init__(self, *, label, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric"}))
        super().__init__(label=label, **kwargs)
        self.validators.append(
            RegexValidator(
                ID_NUMBER_RE,
                message=_literal(
                    _g(
                        "“%(label)s” không đúng: số định danh cá nhân (CCCD) gồm 12 chữ số (CMND cũ: 9 chữ số)."
                    )
                    % {"label": label}
                ),
            )
        )

    def to_python(self, value):
        return re.sub(r"\s", "", super().to_python(value))


class LooseDecimalField(forms.DecimalField):
    """A number typed the Vietnamese way too: "12,5" is 12.5 when there is no dot."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(" ", "")
            if "," in value and "." not in value and value.count(",") == 1:
                value = value.replace(",", ".")
        return super().to_python(value)


class DocumentFileField(forms.FileField):
    """An upload checked by content and size (rule 1–2 of :mod:`.uploads`); type kept on the file."""

    widget = forms.FileInput

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", ACCEPT)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and hasattr(upload, "size") and hasattr(upload, "read"):
            upload.sniffed_type = uploads.check_upload(upload)
        return upload


class TableWidget(forms.Widget):
    """Rows of inputs named ``<name>-<row>-<column>``; blank rows are dropped when read."""

    MAX_ROWS = 200

    def __init__(self, columns: list[dict], label: str = "", extra_rows: int = 1, attrs=None):
        super().__init__(attrs)
        self.columns, self.label, self.extra_rows = columns, label, extra_rows

    def value_from_datadict(self, data, files, name):
        rows = []
        for index in range(self.MAX_ROWS):
            keys = [f"{name}-{index}-{c['key']}" for c in self.columns]
            if not any(k in data for k in keys):
                break
            row = {
                c["key"]: (data.get(k) or "").strip()
                for c, k in zip(self.columns, keys, strict=True)
            }
            if any(row.values()):
                rows.append(row)
        return rows

    def value_omitted_from_data(self, data, files, name):
        return False

    def render(self, name, value, attrs=None, renderer=None):
        rows = value if isinstance(value, list) else []
        rows = [r for r in rows if isinstance(r, dict)] + [{}] * self.extra_rows
        base_id = (attrs or {}).get("id") or f"id_{name}"
        described = (attrs or {}).get("aria-describedby") or self.attrs.get("aria-describedby", "")
        head = format_html_join(
            "",
            '<th scope="col">{}{}</th>',
            ((c["label"], " *" if c["required"] else "") for c in self.columns),
        )
        body = []
        for index, row in enumerate(rows):
            cells = []
            for column in self.columns:
                kind = {"number": "text", "date": "date"}.get(column["kind"], "text")
                extra = (
                    format_html(' inputmode="{}"', "decimal") if column["kind"] == "number" else ""
                )
                cells.append(
                    format_html(
                        '<td><input type="{}" name="{}-{}-{}" id="{}-{}-{}" value="{}"'
                        ' aria-label="{}"{}{}></td>',
                        kind,
                        name,
                        index,
                        column["key"],
                        base_id,
                        index,
                        column["key"],
                        row.get(column["key"], ""),
                        _g("%(column)s, dòng %(row)s")
                        % {"column": column["label"], "row": index + 1},
                        format_html(' aria-describedby="{}"', described) if described else "",
                        extra,
                    )
                )
            body.append(
                format_html(
                    '<tr data-row="{}">{}</tr>',
                    index,
                    format_html_join("", "{}", ((c,) for c in cells)),
                )
            )
        return format_html(
            '<div class="table-field" id="{}" data-table="{}"><table><thead><tr>{}</tr></thead>'
            "<tbody>{}</tbody></table>"
            '<button type="submit" name="_add_row" value="{}" class="secondary">{}</button></div>',
            base_id,
            name,
            head,
            format_html_join("", "{}", ((r,) for r in body)),
            name,
            _g("Thêm dòng"),
        )


class TableField(forms.Field):
    """A table of rows (a list of dicts), each column validated by its kind and required flag."""

    def __init__(self, *, columns: list[dict], label: str, min_rows=None, max_rows=None, **kwargs):
        self.columns, self.min_rows, self.max_rows = columns, min_rows, max_rows
        kwargs.setdefault("widget", TableWidget(columns, label))
        super().__init__(label=label, **kwargs)

    def to_python(self, value):
        return value if isinstance(value, list) else []

    def validate(self, value):
        super().validate(value)
        label = self.label
        if self.min_rows is not None and value and len(value) < self.min_rows:
            raise ValidationError(
                _g("“%(label)s” cần ít nhất %(n)s dòng.") % {"label": label, "n": self.min_rows}
            )
        if self.max_rows is not None and len(value) > self.max_rows:
            raise ValidationError(
                _g("“%(label)s” chỉ được tối đa %(n)s dòng.") % {"label": label, "n": self.max_rows}
            )

    def clean(self, value):
        rows = super().clean(value)
        problems, cleaned = [], []
        for number, row in enumerate(rows, start=1):
            out = {}
            for column in self.columns:
                text = (row.get(column["key"]) or "").strip()
                where = {"row": number, "column": column["label"]}
                if not text:
                    if column["required"]:
                        problems.append(_g("Dòng %(row)s: chưa nhập “%(column)s”.") % where)
                    out[column["key"]] = ""
                    continue
                if column["kind"] == "number":
                    try:
                        text = format(
                            Decimal(text.replace(",", ".") if "." not in text else text), "f"
                        )
                    except InvalidOperation:
                        problems.append(_g("Dòng %(row)s: “%(column)s” phải là một số.") % where)
                elif column["kind"] == "date":
                    parsed = _parse_date(text)
                    if parsed is None:
                        problems.append(
                            _g("Dòng %(row)s: “%(column)s” phải là một ngày (ngày/tháng/năm).")
                            % where
                        )
                    else:
                        text = parsed.isoformat()
                out[column["key"]] = text
            cleaned.append(out)
        if problems:
            raise ValidationError(problems)
        return cleaned


def _parse_date(text: str) -> date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    return None


# ----------------------------------------------------------------------------- generated fields


def _number(text):
    return None if text in (None, "") else Decimal(str(text))


def build_field(spec: dict) -> forms.Field:
    """Return the form field of one configured input (``FormField.as_spec()``)."""
    kind, label = spec["kind"], spec["label"]
    low, high = _number(spec.get("min")), _number(spec.get("max"))
    common = {
        "label": label,
        "required": bool(spec.get("required")),
        "help_text": spec.get("help_text", ""),
    }
    lit = {"label": _literal(label)}
    required_msg = _g("Vui lòng nhập “%(label)s”.") % {"label": label}
    validators = []
    if spec.get("pattern") and kind in (
        FieldKind.TEXT,
        FieldKind.ADDRESS,
        FieldKind.ID_NUMBER,
        FieldKind.PHONE,
        FieldKind.EMAIL,
    ):
        message = (
            spec.get("pattern_message") or _g("“%(label)s” không đúng định dạng yêu cầu.") % lit
        )
        validators.append(
            RegexValidator(
                spec["pattern"],
                message=_literal(message) if spec.get("pattern_message") else message,
            )
        )
    if kind in (FieldKind.TEXT, FieldKind.ADDRESS):
        if low is not None:
            validators.append(
                MinLengthValidator(
                    int(low),
                    message=_g("“%(label)s” cần ít nhất %(n)s ký tự.") % {**lit, "n": int(low)},
                )
            )
        limit = int(high) if high is not None else (2000 if kind == FieldKind.TEXT else 500)
        validators.append(
            MaxLengthValidator(
                limit, message=_g("“%(label)s” chỉ được tối đa %(n)s ký tự.") % {**lit, "n": limit}
            )
        )
        widget = forms.Textarea(attrs={"rows": 3}) if kind == FieldKind.ADDRESS else forms.TextInput
        if kind == FieldKind.ADDRESS:
            widget.attrs["autocomplete"] = "street-address"
        field = forms.CharField(widget=widget, validators=validators, **common)
    elif kind == FieldKind.NUMBER:
        if low is not None:
            validators.append(
                MinValueValidator(
                    low,
                    message=_g("“%(label)s” phải lớn hơn hoặc bằng %(n)s.")
                    % {**lit, "n": format(low.normalize(), "f")},
                )
            )
        if high is not None:
            validators.append(
                MaxValueValidator(
                    high,
                    message=_g("“%(label)s” phải nhỏ hơn hoặc bằng %(n)s.")
                    % {**lit, "n": format(high.normalize(), "f")},
                )
            )
        field = LooseDecimalField(
            widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            validators=validators,
            error_messages={
                "invalid": _g("“%(label)s” phải là một số.") % {"label": label},
                "max_digits": _g("“%(label)s” quá dài.") % lit,
                "max_decimal_places": _g("“%(label)s” có quá nhiều chữ số thập phân.") % lit,
                "max_whole_digits": _g("“%(label)s” quá lớn.") % lit,
            },
            max_digits=20,
            decimal_places=6,
            **common,
        )
    elif kind == FieldKind.DATE:
        field = forms.DateField(
            input_formats=DATE_FORMATS,
            widget=DayInput(),
            error_messages={
                "invalid": _g("“%(label)s” phải là một ngày hợp lệ (ngày/tháng/năm).")
                % {"label": label}
            },
            **common,
        )
    elif kind == FieldKind.SELECT:
        choices = [("", _g("— Chọn —")), *((c, c) for c in spec.get("choices", []))]
        field = forms.ChoiceField(
            choices=choices,
            error_messages={"invalid_choice": _g("Lựa chọn cho “%(label)s” không hợp lệ.") % lit},
            **common,
        )
        required_msg = _g("Vui lòng chọn “%(label)s”.") % {"label": label}
    elif kind == FieldKind.CHECKBOX:
        field = forms.BooleanField(**common)
        required_msg = _g("Vui lòng đánh dấu “%(label)s”.") % {"label": label}
    elif kind == FieldKind.ID_NUMBER:
        field = IdNumberField(validators=validators, **common)
    elif kind == FieldKind.PHONE:
        field = PhoneField(validators=validators, **common)
    elif kind == FieldKind.EMAIL:
        field = forms.EmailField(
            widget=forms.EmailInput(attrs={"autocomplete": "email"}),
            validators=validators,
            error_messages={
                "invalid": _g("“%(label)s” không phải địa chỉ thư điện tử hợp lệ.") % lit
            },
            **common,
        )
    elif kind == FieldKind.TABLE:
        field = TableField(
            columns=spec.get("columns", []),
            min_rows=int(low) if low is not None else None,
            max_rows=int(high) if high is not None else None,
            **common,
        )
        required_msg = _g("Vui lòng nhập ít nhất một dòng cho “%(label)s”.") % {"label": label}
    elif kind == FieldKind.FILE:
        # Whether a file is required is decided with the draft's files in DossierForm.clean().
        field = DocumentFileField(**{**common, "required": False})
    else:  # an unknown kind from a newer snapshot schema: keep the value as text
        field = forms.CharField(**common)
    field.error_messages["required"] = required_msg
    field.spec = spec
    return field


def _truthy(value) -> bool:
    if isinstance(value, bool):
        return value
    return fold(str(value or "")) in TRUTHY


def condition_holds(controller: dict, actual, expected: str) -> bool:
    """Return whether a controlling field's value *actual* satisfies ``show_if.value``."""
    if controller["kind"] == FieldKind.CHECKBOX:
        return _truthy(actual) == _truthy(expected)
    if controller["kind"] == FieldKind.NUMBER:
        try:
            return Decimal(str(actual).replace(",", ".")) == Decimal(
                str(expected).replace(",", ".")
            )
        except (InvalidOperation, ValueError):
            return False
    return fold(str(actual if actual is not None else "")) == fold(expected)


# ----------------------------------------------------------------------------- the dossier form


def field_name(key: str) -> str:
    return f"f_{key}"


def document_slot(index: int) -> str:
    return f"doc_{index}"


class DossierForm(PortalFormMixin, forms.Form):
    """The portal form of one procedure version; see the module docstring for its rules."""

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    applicant_kind = forms.ChoiceField(
        label=_("Người nộp là"),
        choices=ApplicantKind.choices,
        widget=forms.RadioSelect,
        initial=ApplicantKind.INDIVIDUAL,
        error_messages={"required": _("Vui lòng chọn người nộp là cá nhân hay tổ chức.")},
    )
    applicant_name = forms.CharField(
        label=_("Họ và tên người nộp"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Vui lòng nhập họ và tên người nộp.")},
    )
    applicant_id_number = IdNumberField(label=_("Số định danh cá nhân (CCCD)"), required=False)
    organisation_name = forms.CharField(
        label=_("Tên tổ chức, doanh nghiệp"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    applicant_tax_code = forms.CharField(
        label=_("Mã số thuế"),
        max_length=14,
        required=False,
        help_text=_("10 chữ số, hoặc 13 ký tự dạng 0100109106-001 với chi nhánh."),
        validators=[
            RegexValidator(
                TAX_CODE_RE, message=_("Mã số thuế gồm 10 chữ số, hoặc dạng 0100109106-001.")
            )
        ],
    )
    applicant_phone = PhoneField(
        label=_("Số điện thoại"),
        help_text=_("Dùng để tra cứu hồ sơ và nhận thông báo."),
        error_messages={"required": _("Vui lòng nhập số điện thoại.")},
    )
    applicant_email = forms.EmailField(
        label=_("Thư điện tử"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Địa chỉ thư điện tử không hợp lệ.")},
    )
    applicant_address = forms.CharField(
        label=_("Địa chỉ liên hệ"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    unit = forms.ModelChoiceField(
        label=_("Nơi nộp hồ sơ"),
        queryset=None,
        empty_label=_("— Chọn cơ quan —"),
        error_messages={
            "required": _("Vui lòng chọn nơi nộp hồ sơ."),
            "invalid_choice": _("Cơ quan đã chọn không tiếp nhận thủ tục này."),
        },
    )
    delivery = forms.ChoiceField(
        label=_("Hình thức nhận kết quả"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Vui lòng chọn hình thức nhận kết quả.")},
    )
    delivery_address = forms.CharField(
        label=_("Địa chỉ nhận kết quả qua bưu chính"),
        max_length=300,
        required=False,
        help_text=_("Bưu chính công ích chuyển kết quả đến địa chỉ này."),
    )

    APPLICANT_FIELDS = (
        "applicant_kind",
        "applicant_name",
        "applicant_id_number",
        "organisation_name",
        "applicant_tax_code",
        "applicant_phone",
        "applicant_email",
        "applicant_address",
    )

    def __init__(
        self, *args, spec: dict, units, online_level: str, existing: dict | None = None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.spec = spec
        self.existing = dict(existing or {})  # slot → Upload already in the draft
        self.draft_mode = False
        self.fields["unit"].queryset = units
        choices = [(Delivery.COUNTER, Delivery.COUNTER.label), (Delivery.POST, Delivery.POST.label)]
        if online_level == "full":
            choices.insert(0, (Delivery.ONLINE, Delivery.ONLINE.label))
        self.fields["delivery"].choices = choices
        self.spec_fields: list[tuple[str, dict]] = []
        for item in spec["fields"]:
            name = field_name(item["key"])
            self.fields[name] = build_field(item)
            self.spec_fields.append((name, item))
            condition = item.get("show_if")
            if condition:
                controller = next(
                    (s for s in spec["fields"] if s["key"] == condition["field"]), None
                )
                if controller is not None:
                    note = _g("Chỉ điền khi “%(field)s” là “%(value)s”.") % {
                        "field": controller["label"],
                        "value": condition["value"],
                    }
                    help_text = self.fields[name].help_text
                    self.fields[name].help_text = f"{help_text} {note}".strip()
        self.document_slots: list[tuple[str, dict]] = []
        for index, doc in enumerate(spec["documents"]):
            slot = document_slot(index)
            self.fields[slot] = DocumentFileField(
                label=doc["name"],
                required=False,
                help_text=(
                    _g("Bắt buộc tải lên.")
                    if doc["upload_required"]
                    else _g("Không bắt buộc tải lên khi nộp trực tuyến.")
                ),
            )
            self.fields[slot].error_messages["required"] = _g("Vui lòng tải lên “%(label)s”.") % {
                "label": doc["name"]
            }
            self.document_slots.append((slot, doc))
        for slot, upload in self.existing.items():
            if slot in self.fields:
                self.fields[f"clear_{slot}"] = forms.BooleanField(
                    label=_g("Xóa tệp đã tải lên “%(name)s”") % {"name": upload.original_name},
                    required=False,
                )

    # -- show-if (rule 1) ------------------------------------------------------------------------

    def _raw(self, name: str):
        if self.is_bound:
            return self.fields[name].widget.value_from_datadict(
                self.data, self.files, self.add_prefix(name)
            )
        return self.initial.get(name)

    def visible_names(self) -> set[str]:
        """Names of the configured fields shown for the current input (conditions in order)."""
        shown: set[str] = set()
        by_key = {item["key"]: (name, item) for name, item in self.spec_fields}
        for name, item in self.spec_fields:
            condition = item.get("show_if")
            if not condition:
                shown.add(name)
                continue
            controller = by_key.get(condition["field"])
            if (
                controller
                and controller[0] in shown
                and condition_holds(
                    controller[1], self._raw(controller[0]), condition.get("value", "")
                )
            ):
                shown.add(name)
        return shown

    @property
    def file_slots(self) -> list[str]:
        return [n for n, f in self.fields.items() if isinstance(f, DocumentFileField)]

    def full_clean(self):
        """Validate; hidden fields (and in draft mode every non-file field) are skipped (rule 1–2)."""
        visible = self.visible_names()
        self.hidden_names = {n for n, _item in self.spec_fields} - visible
        skipped = set(self.hidden_names)
        if self.draft_mode:
            skipped |= {n for n in self.fields if n not in self.file_slots}
        saved = {n: (self.fields[n].disabled, self.fields[n].required) for n in skipped}
        for name in skipped:
            self.fields[name].disabled, self.fields[name].required = True, False
        try:
            super().full_clean()
        finally:
            for name, (disabled, required) in saved.items():
                self.fields[name].disabled, self.fields[name].required = disabled, required
        if hasattr(self, "cleaned_data"):
            for name in self.hidden_names:
                self.cleaned_data.pop(name, None)

    def validate_draft(self) -> bool:
        self.draft_mode = True
        self._errors = None
        return self.is_valid()

    def clean(self):
        data = super().clean()
        self._check_sizes(data)
        if self.draft_mode:
            return data
        if data.get("applicant_kind") == ApplicantKind.ORGANISATION:
            if not data.get("organisation_name"):
                self.add_error("organisation_name", _("Vui lòng nhập tên tổ chức, doanh nghiệp."))
            if not data.get("applicant_tax_code") and "applicant_tax_code" not in self.errors:
                self.add_error("applicant_tax_code", _("Vui lòng nhập mã số thuế của tổ chức."))
        elif not data.get("applicant_id_number") and "applicant_id_number" not in self.errors:
            self.add_error("applicant_id_number", _("Vui lòng nhập số định danh cá nhân (CCCD)."))
        if (
            data.get("delivery") == Delivery.POST
            and not (data.get("delivery_address") or "").strip()
        ):
            self.add_error(
                "delivery_address", _("Vui lòng nhập địa chỉ nhận kết quả qua bưu chính.")
            )
        for slot, doc in self.document_slots:
            if doc["upload_required"] and not self.file_for(slot) and slot not in self.errors:
                self.add_error(slot, self.fields[slot].error_messages["required"])
        for name, item in self.spec_fields:
            if (
                item["kind"] == FieldKind.FILE
                and item.get("required")
                and name not in self.hidden_names
                and not self.file_for(name)
                and name not in self.errors
            ):
                self.add_error(name, _g("Vui lòng tải lên “%(label)s”.") % {"label": item["label"]})
        return data

    def file_for(self, slot: str):
        """Return the new upload of *slot*, else the draft's kept one, else None."""
        new = (getattr(self, "cleaned_data", {}) or {}).get(slot)
        if new:
            return new
        if self.is_bound and self.data.get(self.add_prefix(f"clear_{slot}")):
            return None
        return self.existing.get(slot)

    def _check_sizes(self, data) -> None:
        sizes = []
        for slot in self.file_slots:
            if slot in getattr(self, "hidden_names", set()):
                continue
            current = data.get(slot) or self.file_for(slot)
            if current is not None:
                sizes.append(current.size)
        try:
            uploads.check_total(sizes)
        except ValidationError as exc:
            self.add_error(None, exc)

    # -- what is saved ---------------------------------------------------------------------------

    def raw_values(self) -> dict:
        """The input as typed, for a draft (files are kept apart, as uploads)."""
        files = set(self.file_slots)
        return {
            name: self._raw(name)
            for name in self.fields
            if name not in files
            and not name.startswith("clear_")
            and name not in ("idempotency_key", "version")
        }

    def new_files(self) -> dict:
        """Slot → newly uploaded (and checked) file."""
        data = getattr(self, "cleaned_data", {}) or {}
        return {slot: data[slot] for slot in self.file_slots if data.get(slot)}

    def cleared_slots(self) -> set[str]:
        return {
            slot
            for slot in self.existing
            if self.is_bound and self.data.get(self.add_prefix(f"clear_{slot}"))
        }

    def applicant(self) -> dict:
        data = self.cleaned_data
        organisation = data["applicant_kind"] == ApplicantKind.ORGANISATION
        return {
            "applicant_kind": data["applicant_kind"],
            "applicant_name": data["organisation_name"] if organisation else data["applicant_name"],
            "applicant_id_number": data.get("applicant_id_number") or "",
            "applicant_tax_code": data.get("applicant_tax_code") if organisation else "",
            "applicant_phone": data["applicant_phone"],
            "applicant_email": data.get("applicant_email") or "",
            "applicant_address": data.get("applicant_address") or "",
        }

    def form_values(self) -> dict:
        """The configured fields' values as JSON (key → value), hidden fields left out.

        Numbers are decimal strings, dates ISO strings, tables lists of dicts; files are filled in by
        the submission service (``{"upload": id, "name": ..., "size": ...}``).
        """
        data = self.cleaned_data
        values: dict = {}
        for name, item in self.spec_fields:
            if name in self.hidden_names or item["kind"] == FieldKind.FILE:
                continue
            value = data.get(name)
            if isinstance(value, Decimal):
                value = (
                    format(value.normalize(), "f")
                    if value == value.to_integral()
                    else format(value, "f")
                )
            elif isinstance(value, date):
                value = value.isoformat()
            values[item["key"]] = value if value is not None else ""
        if data["applicant_kind"] == ApplicantKind.ORGANISATION:
            values["_representative"] = data["applicant_name"]
        return values

    # -- rendering -------------------------------------------------------------------------------

    def applicant_rows(self) -> list[dict]:
        """Applicant fields with their show-if (organisation fields only for organisations)."""
        organisation = {
            "name": "applicant_kind",
            "value": ApplicantKind.ORGANISATION,
            "kind": "radio",
        }
        individual = {"name": "applicant_kind", "value": ApplicantKind.INDIVIDUAL, "kind": "radio"}
        conditions = {
            "organisation_name": organisation,
            "applicant_tax_code": organisation,
            "applicant_id_number": individual,
        }
        # Required when shown, though optional to the form itself (checked in clean()).
        required = {"organisation_name", "applicant_tax_code", "applicant_id_number"}
        return [
            {"field": self[n], "show_if": conditions.get(n), "required": n in required}
            for n in self.APPLICANT_FIELDS
        ]

    def delivery_rows(self) -> list[dict]:
        post = {"name": "delivery", "value": Delivery.POST, "kind": "radio"}
        return [
            {"field": self["delivery"], "show_if": None},
            {"field": self["delivery_address"], "show_if": post, "required": True},
        ]

    def configured_rows(self) -> list[dict]:
        """The configured fields with their show-if and, for files, the draft's upload."""
        kinds = {item["key"]: item["kind"] for _name, item in self.spec_fields}
        rows = []
        for name, item in self.spec_fields:
            condition = item.get("show_if")
            show_if = None
            if condition and condition["field"] in kinds:
                show_if = {
                    "name": field_name(condition["field"]),
                    "value": condition.get("value", ""),
                    "kind": kinds[condition["field"]],
                }
            rows.append(
                {
                    "field": self[name],
                    "show_if": show_if,
                    "existing": self.existing.get(name),
                    "clear": self._clear(name),
                    "required": item.get("required"),
                }
            )
        return rows

    def document_rows(self) -> list[dict]:
        return [
            {
                "field": self[slot],
                "doc": doc,
                "existing": self.existing.get(slot),
                "clear": self._clear(slot),
                "required": doc["upload_required"],
                "index": index,
            }
            for index, (slot, doc) in enumerate(self.document_slots)
        ]

    def _clear(self, slot):
        name = f"clear_{slot}"
        return self[name] if name in self.fields else None


def new_idempotency_key() -> str:
    return str(uuid.uuid4())


# ----------------------------------------------------------------------------- small forms


class LookupForm(PortalFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Mã hồ sơ"),
        max_length=40,
        help_text=_("In trên giấy tiếp nhận, ví dụ 000.00.31.H27-250303-0001."),
        error_messages={"required": _("Vui lòng nhập mã hồ sơ.")},
    )
    proof = forms.CharField(
        label=_("Số điện thoại hoặc số định danh (CCCD) của người nộp"),
        max_length=20,
        error_messages={
            "required": _("Vui lòng nhập số điện thoại hoặc số định danh của người nộp.")
        },
    )

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()

    def clean_proof(self):
        return re.sub(r"[\s.\-()]", "", self.cleaned_data["proof"])


class SupplementForm(PortalFormMixin, forms.Form):
    """One file per requested item, and a note; at least one of them."""

    note = forms.CharField(
        label=_("Ghi chú gửi cán bộ"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, items: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for index, item in enumerate(items):
            self.fields[f"item_{index}"] = DocumentFileField(label=item, required=False)

    def clean(self):
        data = super().clean()
        files = self.files_by_item()
        if not files and not (data.get("note") or "").strip():
            raise ValidationError(
                _("Vui lòng tải lên ít nhất một tệp bổ sung hoặc ghi nội dung bổ sung.")
            )
        try:
            uploads.check_total(f.size for f in files.values())
        except ValidationError as exc:
            self.add_error(None, exc)
        return data

    def files_by_item(self) -> dict:
        data = getattr(self, "cleaned_data", {}) or {}
        return {
            item[:400]: data[f"item_{i}"]
            for i, item in enumerate(self.items)
            if data.get(f"item_{i}")
        }


class WithdrawForm(PortalFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Lý do rút hồ sơ"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Vui lòng ghi lý do rút hồ sơ.")},
    )
    confirm = forms.BooleanField(
        label=_("Tôi hiểu rằng hồ sơ đã rút sẽ không được tiếp tục giải quyết."),
        error_messages={"required": _("Vui lòng xác nhận việc rút hồ sơ.")},
    )


class DeliveryForm(PortalFormMixin, forms.Form):
    delivery = forms.ChoiceField(
        label=_("Hình thức nhận kết quả"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Vui lòng chọn hình thức nhận kết quả.")},
    )
    delivery_address = forms.CharField(
        label=_("Địa chỉ nhận kết quả qua bưu chính"), max_length=300, required=False
    )

    def __init__(self, *args, online: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(Delivery.COUNTER, Delivery.COUNTER.label), (Delivery.POST, Delivery.POST.label)]
        if online:
            choices.insert(0, (Delivery.ONLINE, Delivery.ONLINE.label))
        self.fields["delivery"].choices = choices

    def clean(self):
        data = super().clean()
        if (
            data.get("delivery") == Delivery.POST
            and not (data.get("delivery_address") or "").strip()
        ):
            self.add_error(
                "delivery_address", _("Vui lòng nhập địa chỉ nhận kết quả qua bưu chính.")
            )
        return data


class RatingForm(PortalFormMixin, forms.Form):
    score = forms.TypedChoiceField(
        label=_("Mức độ hài lòng của ông/bà"),
        choices=Score.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Vui lòng chọn mức độ hài lòng.")},
    )
    comment = forms.CharField(
        label=_("Góp ý (không bắt buộc)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# ----------------------------------------------------------------------------- accounts


class SignupForm(PortalFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Loại tài khoản"),
        choices=ApplicantKind.choices,
        widget=forms.RadioSelect,
        initial=ApplicantKind.INDIVIDUAL,
    )
    full_name = forms.CharField(
        label=_("Họ và tên"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Vui lòng nhập họ và tên.")},
    )
    email = forms.EmailField(
        label=_("Thư điện tử"),
        required=False,
        help_text=_("Nhập thư điện tử hoặc số điện thoại (hoặc cả hai) để đăng nhập."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Địa chỉ thư điện tử không hợp lệ.")},
    )
    phone = PhoneField(label=_("Số điện thoại"), required=False)
    id_number = IdNumberField(label=_("Số định danh cá nhân (CCCD)"), required=False)
    organisation_name = forms.CharField(
        label=_("Tên tổ chức, doanh nghiệp"),
        max_length=300,
        required=False,
        help_text=_("Chỉ với tài khoản tổ chức."),
    )
    tax_code = forms.CharField(
        label=_("Mã số thuế"),
        max_length=14,
        required=False,
        help_text=_("Chỉ với tài khoản tổ chức: 10 chữ số, hoặc dạng 0100109106-001."),
        validators=[
            RegexValidator(
                TAX_CODE_RE, message=_("Mã số thuế gồm 10 chữ số, hoặc dạng 0100109106-001.")
            )
        ],
    )
    password1 = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Ít nhất 8 ký tự, không toàn chữ số, không quá giống thông tin cá nhân."),
        error_messages={"required": _("Vui lòng nhập mật khẩu.")},
    )
    password2 = forms.CharField(
        label=_("Nhập lại mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Vui lòng nhập lại mật khẩu.")},
    )

    def clean_email(self):
        email = (self.cleaned_data.get("email") or "").strip().lower()
        user_model = get_user_model()
        if email and (
            user_model.objects.filter(username__iexact=email).exists()
            or user_model.objects.filter(email__iexact=email).exists()
        ):
            raise ValidationError(_("Thư điện tử này đã được dùng cho một tài khoản khác."))
        return email

    def clean_phone(self):
        from motcua.portal.models import CitizenProfile

        phone = self.cleaned_data.get("phone") or ""
        if phone and (
            CitizenProfile.objects.filter(phone=phone).exists()
            or get_user_model().objects.filter(username=phone).exists()
        ):
            raise ValidationError(_("Số điện thoại này đã được dùng cho một tài khoản khác."))
        return phone

    def clean(self):
        data = super().clean()
        if (
            not data.get("email")
            and not data.get("phone")
            and not {"email", "phone"} & set(self.errors)
        ):
            self.add_error("email", _("Vui lòng nhập thư điện tử hoặc số điện thoại."))
        if data.get("kind") == ApplicantKind.ORGANISATION:
            if not data.get("organisation_name"):
                self.add_error("organisation_name", _("Vui lòng nhập tên tổ chức, doanh nghiệp."))
            if not data.get("tax_code") and "tax_code" not in self.errors:
                self.add_error("tax_code", _("Vui lòng nhập mã số thuế của tổ chức."))
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("Hai mật khẩu không khớp nhau."))
        elif first:
            probe = get_user_model()(
                username=data.get("email") or data.get("phone") or "",
                email=data.get("email") or "",
                first_name=data.get("full_name") or "",
            )
            try:
                password_validation.validate_password(first, probe)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data


def resolve_login(identifier: str) -> str:
    """Return the username for what a citizen types to log in: an e-mail or a phone number."""
    from motcua.portal.models import CitizenProfile

    text = (identifier or "").strip()
    if "@" in text:
        user = get_user_model().objects.filter(email__iexact=text).order_by("pk").first()
        return user.get_username() if user else text.lower()
    phone = normalize_phone(text)
    if re.match(PHONE_RE, phone):
        profile = CitizenProfile.objects.filter(phone=phone).select_related("user").first()
        return profile.user.get_username() if profile else phone
    return text


class LoginForm(PortalFormMixin, AuthenticationForm):
    """Log in with an e-mail address or a phone number (or a desk username)."""

    error_messages = {
        "invalid_login": _("Thông tin đăng nhập hoặc mật khẩu không đúng."),
        "inactive": _(
            "Tài khoản chưa được kích hoạt: vui lòng mở liên kết xác minh trong thư điện tử "
            "đã gửi cho ông/bà."
        ),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Thư điện tử hoặc số điện thoại")
        self.fields["username"].error_messages["required"] = _(
            "Vui lòng nhập thư điện tử hoặc số điện thoại."
        )
        self.fields["password"].label = _("Mật khẩu")
        self.fields["password"].error_messages["required"] = _("Vui lòng nhập mật khẩu.")

    def clean(self):
        if self.cleaned_data.get("username"):
            username = resolve_login(self.cleaned_data["username"])
            user = get_user_model().objects.filter(username=username).first()
            password = self.cleaned_data.get("password") or ""
            if user is not None and not user.is_active and user.check_password(password):
                raise ValidationError(self.error_messages["inactive"], code="inactive")
            self.cleaned_data["username"] = username
        return super().clean()


class PortalPasswordResetForm(PortalFormMixin, PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Thư điện tử của tài khoản")
        self.fields["email"].error_messages = {
            "required": _("Vui lòng nhập thư điện tử."),
            "invalid": _("Địa chỉ thư điện tử không hợp lệ."),
        }


class PortalSetPasswordForm(PortalFormMixin, SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("Mật khẩu mới")
        self.fields["new_password2"].label = _("Nhập lại mật khẩu mới")
        self.fields["new_password1"].help_text = _("Ít nhất 8 ký tự, không toàn chữ số.")
        self.error_messages = {
            **self.error_messages,
            "password_mismatch": _("Hai mật khẩu không khớp nhau."),
        }
