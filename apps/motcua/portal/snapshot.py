"""The ``"form"`` part of a procedure version's snapshot (DESIGN rule 5).

Registered from :meth:`motcua.portal.apps.PortalConfig.ready`. Its value::

    {"fields": [FormField.as_spec(), ...],            # in order
     "documents": [{"name": "Đơn đề nghị", "upload_required": true}, ...]}

``documents`` follows the order of the snapshot's ``documents`` part; a document without a
:class:`~motcua.portal.models.FormDocumentRule` may be uploaded but is not required online.
:func:`form_spec` reads it back, joined with the ``documents`` part (names, template files).
A version published before the portal existed has no ``"form"`` part: it reads as an empty form.
"""

from __future__ import annotations

from typing import Any

from motcua.procedures.snapshot import register_snapshot_part


def form_part(procedure) -> dict[str, Any]:
    from motcua.portal.models import FormDocumentRule

    rules = dict(
        FormDocumentRule.objects.filter(procedure=procedure).values_list(
            "required_document_id", "upload_required"
        )
    )
    return {
        "fields": [field.as_spec() for field in procedure.form_fields.order_by("order", "pk")],
        "documents": [
            {"name": doc.name, "upload_required": bool(rules.get(doc.pk, False))}
            for doc in procedure.documents.order_by("order", "pk")
        ],
    }


def register() -> None:
    register_snapshot_part("form")(form_part)


def form_spec(snapshot: dict) -> dict[str, Any]:
    """Return the ``"form"`` part of *snapshot*, completed for versions that predate it."""
    form = snapshot.get("form") or {}
    rules = {d["name"]: d.get("upload_required", False) for d in form.get("documents") or []}
    documents = [
        {
            "name": d["name"],
            "upload_required": bool(rules.get(d["name"], False)),
            "template_file": d.get("template_file", ""),
        }
        for d in snapshot.get("documents", [])
    ]
    return {"fields": list(form.get("fields") or []), "documents": documents}
