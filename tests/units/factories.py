"""Small factories for units, users and memberships (plain functions, no factory library)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from motcua.units.models import Membership, Unit, UnitLevel

LEVELS = {
    "province": ("Cấp tỉnh", 1),
    "department": ("Sở, ban, ngành", 2),
    "district": ("Cấp huyện", 2),
    "commune": ("Cấp xã", 3),
}


def make_levels() -> dict[str, UnitLevel]:
    return {
        code: UnitLevel.objects.get_or_create(code=code, defaults={"name": name, "rank": rank})[0]
        for code, (name, rank) in LEVELS.items()
    }


def make_unit(agency_code: str, name: str, level: UnitLevel, parent: Unit | None = None, **kw):
    return Unit.objects.create(agency_code=agency_code, name=name, level=level, parent=parent, **kw)


def make_user(username: str, *, is_staff: bool = True, **kw):
    return get_user_model().objects.create_user(username, password="x", is_staff=is_staff, **kw)


def make_membership(user, unit: Unit, role: str, **kw) -> Membership:
    return Membership.objects.create(user=user, unit=unit, role=Group.objects.get(name=role), **kw)


def xlsx_dataset(headers: list[str], rows: list[list]):
    """Return a tablib Dataset and its XLSX bytes, as a desk user would upload it."""
    import tablib

    dataset = tablib.Dataset(*rows, headers=headers)
    content = dataset.export("xlsx")
    return tablib.Dataset().load(content, format="xlsx"), content


def admin_import(client, app_model: str, content: bytes, filename: str = "import.xlsx"):
    """POST a file to the desk's import page (XLSX is format 0); return the preview response."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(
        filename,
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    return client.post(
        f"/admin/{app_model}/import/",
        {"resource": "0", "format": "0", "import_file": upload},
    )


def admin_confirm_import(client, app_model: str, preview_response):
    """Confirm a previewed import (the second step of the desk's import)."""
    confirm = preview_response.context["confirm_form"]
    return client.post(f"/admin/{app_model}/process_import/", confirm.initial)
