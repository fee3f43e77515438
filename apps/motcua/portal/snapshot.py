"""The ``"form"`` part of a procedure version's snapshot (docs/architecture.md: legal parameters are versioned data).

Declared in ``motcua.portal.hooks`` (hook ``snapshot_parts``). Its value::

    {"fields": [FormField.as_spec(), ...],            # in order
     "documents": [{"name": "Đơn đề nghị", "upload_required": true}, ...]}

``documents`` follows the order of the snapshot's ``documents`` part. One notion of "mandatory"
per document: ``RequiredDocument.is_mandatory`` (ticked in the procedure's "thành phần hồ sơ").
"Must be uploaded online" is derived from it — a mandatory document must be uploaded with an
online dossier, an optional one may be. Versions published while a separate upload rule existed
(:class:`~motcua.portal.models.FormDocumentRule`, no longer edited) read as required when either
said so, which is what migration ``portal 0003`` made of their procedures.
:func:`form_spec` reads it back, joined with the ``documents`` part (names, template files).
A version published before the portal existed has no ``"form"`` part: it reads as an empty form.
"""

from __future__ import annotations

from typing import Any


def form_part(procedure) -> dict[str, Any]:
    return {
        "fields": [field.as_spec() for field in procedure.form_fields.order_by("order", "pk")],
        "documents": [
            {"name": doc.name, "upload_required": doc.is_mandatory}
            for doc in procedure.documents.order_by("order", "pk")
        ],
    }


def form_spec(snapshot: dict) -> dict[str, Any]:
    """Return the ``"form"`` part of *snapshot*, completed for versions that predate it."""
    form = snapshot.get("form") or {}
    rules = {d["name"]: d.get("upload_required", False) for d in form.get("documents") or []}
    documents = [
        {
            "name": d["name"],
            "is_mandatory": bool(d.get("is_mandatory", True)),
            "upload_required": bool(d.get("is_mandatory", True) or rules.get(d["name"], False)),
            "template_file": d.get("template_file", ""),
        }
        for d in snapshot.get("documents", [])
    ]
    return {"fields": list(form.get("fields") or []), "documents": documents}


def form_rows(snapshot: dict, form_data: dict) -> list[tuple[str, object]]:
    """Return ``(label, value)`` pairs of a dossier's form data for display, in form order.

    Labels come from the form the dossier was submitted under; keys the form does not know (data
    typed at the counter, older versions) follow with their key as label. Dates stay as stored
    (ISO) but are shown dd/mm/yyyy; booleans read "Có"/"Không"; tables show one row per line.
    """
    from datetime import date
    from decimal import Decimal

    from django.utils.translation import gettext as _

    from motcua.core.formats import number_vn

    def shown(kind: str, value):
        if kind == "date" and isinstance(value, str):
            try:
                return date.fromisoformat(value).strftime("%d/%m/%Y")
            except ValueError:
                return value
        if isinstance(value, bool):
            return _("Có") if value else _("Không")
        if kind == "number" or isinstance(value, (int, float, Decimal)):
            return number_vn(value)  # "24,5" and "1.500", never "24.5"
        if isinstance(value, list):
            return "; ".join(
                ", ".join(str(v) for v in row.values()) if isinstance(row, dict) else str(row)
                for row in value
            )
        return value

    rows, seen = [], set()
    for field in form_spec(snapshot)["fields"]:
        seen.add(field["key"])  # files are listed with the documents, not here
        if field["key"] in form_data and field["kind"] != "file":
            rows.append((field["label"], shown(field["kind"], form_data[field["key"]])))
    rows += [(key, shown("", value)) for key, value in form_data.items() if key not in seen]
    return rows
