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

import uuid
from datetime import date
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from motcua.core import conditions, uploads
from motcua.core.identity import (
    IdNumberField,
    PhoneField,
    TaxCodeField,
)
from motcua.dossiers.models import ApplicantKind, Delivery
from motcua.portal.forms.base import PortalFormMixin
from motcua.portal.forms.builders import build_field
from motcua.portal.forms.fields import DocumentFileField
from motcua.portal.models import FieldKind


def condition_holds(controller: dict, actual, expected: str) -> bool:
    """Whether a controlling field's value *actual* satisfies ``show_if.value`` (rule 1), by the
    rules of :mod:`motcua.core.conditions` (the same as the workflow's routing)."""
    return conditions.holds("==", actual, expected, kind=controller["kind"])


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
    applicant_tax_code = TaxCodeField(
        label=_("Mã số thuế"),
        required=False,
        help_text=_("10 chữ số, hoặc 13 ký tự dạng 0100109106-001 với chi nhánh."),
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
