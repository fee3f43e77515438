"""XLSX/CSV import and export of the procedure catalogue, all-or-nothing, publishing versions.

One row per procedure, identified by ``national_code``. ``sector`` and ``level`` are codes;
``units`` is a comma-separated list of agency codes; ``processing_unit`` and ``online_level`` take
the stored value or the Vietnamese label ("ngày làm việc", "Toàn trình"). Two optional text columns
carry the lists, one item per line, parts separated by ``|``:

* ``documents``: ``tên giấy tờ | số bản chính | số bản sao | bắt buộc (có/không)``
* ``fees``: ``tên phí | mức thu (đồng) | ghi chú``

and two JSON columns, ``workflow`` (the steps) and ``form`` (the online form's fields), described
in :mod:`motcua.procedures.exchange`. Headers are Vietnamese in an exported file ("Mã thủ tục",
"Thành phần hồ sơ", "Quy trình xử lý", …); an import also accepts the code names above.

When a list column is present it replaces the list (a document keeps its template file when its
name is unchanged); when absent, the list is left as it is. After a successful import every new or
changed procedure gets a new version (:func:`procedure_publish`).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from import_export import fields
from import_export.results import RowResult

from motcua.core.text import fold
from motcua.core.timeunits import TimeUnit
from motcua.procedures.exchange import cell_data, parse_workflow, workflow_replace, workflow_text
from motcua.procedures.fields import INVALID_TIME_UNIT_MESSAGE
from motcua.procedures.models import (
    Fee,
    OnlineLevel,
    Procedure,
    RequiredDocument,
    Sector,
)
from motcua.procedures.services import procedure_publish
from motcua.procedures.snapshot import decimal_text
from motcua.units.models import Unit, UnitLevel
from motcua.units.resources import (
    AtomicModelResource,
    ChoicesWidget,
    DecimalWidget,
    LookupForeignKeyWidget,
    LookupManyToManyWidget,
)

_YES = {"co", "x", "1", "true", "yes", "bat buoc"}
_NO = {"khong", "0", "false", "no", "khong bat buoc"}


def _lines(value) -> list[list[str]]:
    text = "" if value is None else str(value)
    return [
        [part.strip() for part in line.split("|")]
        for line in text.replace("\r\n", "\n").split("\n")
        if line.strip()
    ]


def _count(text: str, default: int, line: int, label) -> int:
    if text == "":
        return default
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = Decimal(-1)
    if number < 0 or number != number.to_integral_value() or number > 32767:
        raise ValueError(
            _("Dòng %(line)s: %(label)s “%(value)s” phải là số nguyên không âm.")
            % {"line": line, "label": label, "value": text}
        )
    return int(number)


def parse_documents(value) -> list[dict]:
    """Parse the ``documents`` column into field dicts; raise ``ValueError`` in Vietnamese."""
    documents = []
    for line, parts in enumerate(_lines(value), start=1):
        parts += [""] * (4 - len(parts))
        name, originals, copies, mandatory = parts[:4]
        if not name:
            raise ValueError(_("Dòng %(line)s: thiếu tên giấy tờ.") % {"line": line})
        if fold(mandatory) not in _YES | _NO | {""}:
            raise ValueError(
                _("Dòng %(line)s: cột bắt buộc chỉ nhận “có” hoặc “không”, không nhận “%(value)s”.")
                % {"line": line, "value": mandatory}
            )
        documents.append(
            {
                "name": name,
                "originals": _count(originals, 1, line, _("số bản chính")),
                "copies": _count(copies, 0, line, _("số bản sao")),
                "is_mandatory": fold(mandatory) not in _NO,
                "order": line,
            }
        )
    return documents


def parse_fees(value) -> list[dict]:
    """Parse the ``fees`` column into field dicts; raise ``ValueError`` in Vietnamese."""
    fees = []
    for line, parts in enumerate(_lines(value), start=1):
        parts += [""] * (3 - len(parts))
        name, amount, note = parts[:3]
        digits = amount.replace(".", "").replace(",", "").replace(" ", "")
        if not name or not digits.isdigit():
            raise ValueError(
                _("Dòng %(line)s: phí cần có tên và mức thu là số đồng không âm (“%(value)s”).")
                % {"line": line, "value": amount}
            )
        fees.append({"name": name, "amount": Decimal(digits), "note": note})
    return fees


def _documents_text(procedure: Procedure) -> str:
    return "\n".join(
        f"{d.name} | {d.originals} | {d.copies} | {'có' if d.is_mandatory else 'không'}"
        for d in procedure.documents.order_by("order", "pk")
    )


def _fees_text(procedure: Procedure) -> str:
    return "\n".join(
        f"{f.name} | {decimal_text(f.amount, 0)} | {f.note}".rstrip(" |")
        for f in procedure.fees.order_by("pk")
    )


def _comparable_documents(items) -> list[tuple]:
    return [(d["name"], d["originals"], d["copies"], d["is_mandatory"]) for d in items]


def _comparable_fees(items) -> list[tuple]:
    return [(f["name"], Decimal(f["amount"]), f["note"]) for f in items]


class ProcedureResource(AtomicModelResource):
    sector = fields.Field(
        attribute="sector",
        column_name="sector",
        widget=LookupForeignKeyWidget(Sector, "code", _("Không có lĩnh vực mã “%(value)s”.")),
    )
    level = fields.Field(
        attribute="level",
        column_name="level",
        widget=LookupForeignKeyWidget(
            UnitLevel, "code", _("Không có cấp thực hiện mã “%(value)s”.")
        ),
    )
    units = fields.Field(
        attribute="units",
        column_name="units",
        widget=LookupManyToManyWidget(Unit, "agency_code", _("Không có đơn vị mã: %(value)s.")),
    )
    processing_amount = fields.Field(
        attribute="processing_amount",
        column_name="processing_amount",
        widget=DecimalWidget(_("Thời hạn giải quyết “%(value)s” không phải là số.")),
    )
    processing_unit = fields.Field(
        attribute="processing_unit",
        column_name="processing_unit",
        widget=ChoicesWidget(TimeUnit, INVALID_TIME_UNIT_MESSAGE),
    )
    online_level = fields.Field(
        attribute="online_level",
        column_name="online_level",
        widget=ChoicesWidget(
            OnlineLevel,
            _("Mức độ trực tuyến “%(value)s” không hợp lệ; chỉ dùng: full, partial, none."),
        ),
    )
    documents = fields.Field(column_name="documents", readonly=True)
    fees = fields.Field(column_name="fees", readonly=True)
    workflow = fields.Field(column_name="workflow", readonly=True)
    form = fields.Field(column_name="form", readonly=True)
    column_headers = {
        "workflow": _("quy trình xử lý"),
        "form": _("tờ khai trực tuyến"),
        "documents": _("thành phần hồ sơ"),
        "fees": _("phí, lệ phí"),
        "units": _("đơn vị tiếp nhận (mã định danh)"),
        "sector": _("lĩnh vực (mã)"),
        "level": _("cấp thực hiện (mã)"),
    }

    class Meta:
        model = Procedure
        import_id_fields = ["national_code"]
        fields = [
            "national_code",
            "name",
            "sector",
            "level",
            "units",
            "legal_basis",
            "processing_amount",
            "processing_unit",
            "online_level",
            "result_type",
            "fee_note",
            "is_active",
            "documents",
            "fees",
            "workflow",
            "form",
        ]
        export_order = fields
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def get_queryset(self):
        return Procedure.objects.select_related("sector", "level").order_by("national_code")

    def dehydrate_documents(self, procedure: Procedure) -> str:
        return _documents_text(procedure)

    def dehydrate_workflow(self, procedure: Procedure) -> str:
        return workflow_text(procedure)

    def dehydrate_form(self, procedure: Procedure) -> str:
        from motcua.portal.exchange import form_text

        return form_text(procedure)

    def dehydrate_fees(self, procedure: Procedure) -> str:
        return _fees_text(procedure)

    # -- import --------------------------------------------------------------------------------

    def import_instance(self, instance, row, **kwargs):
        """Read the fields, and check the list columns and the unit codes before any save."""
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        instance._import_lists = {}
        for name, parse in (("documents", parse_documents), ("fees", parse_fees)):
            column = self.fields[name].column_name
            if column in row:
                try:
                    instance._import_lists[name] = parse(row[column])
                except ValueError as exc:
                    errors[name] = ValidationError(str(exc), code="invalid")
        from motcua.portal.exchange import parse_form

        for name, parse in (("workflow", parse_workflow), ("form", parse_form)):
            column = self.fields[name].column_name
            if column in row and not self._unchanged(name, row[column], instance):
                try:
                    instance._import_lists[name] = parse(row[column])
                except ValueError as exc:
                    errors[name] = ValidationError(str(exc), code="invalid")
        if self.fields["units"].column_name in row:
            try:
                self.fields["units"].clean(row)
            except ValueError as exc:
                errors["units"] = ValidationError(str(exc), code="invalid")
        if errors:
            raise ValidationError(errors)

    def _unchanged(self, name: str, value, instance: Procedure) -> bool:
        """Whether a workflow or form cell says what the stored procedure already has."""
        if instance.pk is None:
            return cell_data(value) == []
        current = getattr(self, f"dehydrate_{name}")(instance)
        return cell_data(value) == cell_data(current)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if not super().skip_row(instance, original, row, import_validation_errors):
            return False
        lists = getattr(instance, "_import_lists", {})
        if "workflow" in lists or "form" in lists:
            return False
        if "documents" in lists and _comparable_documents(lists["documents"]) != [
            (d.name, d.originals, d.copies, d.is_mandatory)
            for d in original.documents.order_by("order", "pk")
        ]:
            return False
        return not (
            "fees" in lists
            and _comparable_fees(lists["fees"])
            != [(f.name, f.amount, f.note) for f in original.fees.order_by("pk")]
        )

    def after_save_instance(self, instance, row, **kwargs):
        super().after_save_instance(instance, row, **kwargs)
        if not self._is_using_transactions(kwargs) and self._is_dry_run(kwargs):
            return
        lists = getattr(instance, "_import_lists", {})
        if "documents" in lists:
            kept = {d.name: d for d in instance.documents.all()}
            wanted = lists["documents"]
            for item in wanted:
                document = kept.pop(item["name"], None) or RequiredDocument(procedure=instance)
                for name, value in item.items():
                    setattr(document, name, value)
                document.save()
            RequiredDocument.objects.filter(pk__in=[d.pk for d in kept.values()]).delete()
        if "fees" in lists:
            instance.fees.all().delete()
            Fee.objects.bulk_create(Fee(procedure=instance, **item) for item in lists["fees"])
        if "workflow" in lists:
            workflow_replace(instance, lists["workflow"])
        if "form" in lists:
            from motcua.portal.exchange import form_replace

            form_replace(instance, lists["form"])

    def after_import(self, dataset, result, **kwargs):
        """Publish a version of every procedure the import created or changed."""
        super().after_import(dataset, result, **kwargs)
        if self._is_dry_run(kwargs) or result.has_errors() or result.has_validation_errors():
            return
        changed = {
            row.object_id
            for row in result.rows
            if row.import_type in (RowResult.IMPORT_TYPE_NEW, RowResult.IMPORT_TYPE_UPDATE)
        }
        user = kwargs.get("user")
        for procedure in Procedure.objects.filter(pk__in=changed):
            procedure_publish(procedure=procedure, user=user, note=str(_("Nhập từ tệp")))
