"""Portal tests reuse the lifecycle world (units, officers, a 3-step procedure) of tests/builders.py,
with an online form configured on the procedure and a few citizens.

Files are built in memory with their real structure (a PDF header, a PNG, a DOCX zip, an OLE2
compound file), so the content checks see what a browser would upload.
"""

from __future__ import annotations

import dataclasses
import io
import struct
import uuid
import zipfile
from types import SimpleNamespace

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from motcua.core.roles import Role
from motcua.dossiers import services as lifecycle
from motcua.portal.models import CitizenProfile, FormField
from motcua.procedures.models import Fee, RequiredDocument
from motcua.procedures.services import procedure_publish
from tests.builders import at  # noqa: F401  (imported by portal tests from here)
from tests.units.factories import make_user

# ----------------------------------------------------------------------------- files


def pdf_bytes(size: int = 0) -> bytes:
    body = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    return body + b"%" + b"0" * max(0, size - len(body) - 1) if size else body


def png_bytes() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


WORD_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.wordprocessingml.document.main+xml"/></Types>'
)


def docx_bytes() -> bytes:
    return zip_bytes({"[Content_Types].xml": WORD_TYPES, "word/document.xml": b"<w:document/>"})


def ole_bytes(*names: str) -> bytes:
    """A minimal OLE2 compound file (MS-CFB v3) whose directory holds *names* as streams."""
    free, end, fat_sector = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 40, 0, 1, 1, 0, 4096, end, 0, end, 0)
    struct.pack_into("<109I", header, 76, 0, *([free] * 108))
    fat = struct.pack("<128I", fat_sector, end, *([free] * 126))
    directory = bytearray(512)

    def entry(index: int, name: str, kind: int) -> None:
        encoded = (name + "\x00").encode("utf-16-le")
        offset = index * 128
        directory[offset : offset + len(encoded)] = encoded
        struct.pack_into("<HB", directory, offset + 64, len(encoded), kind)

    entry(0, "Root Entry", 5)
    for index, name in enumerate(names[:3], start=1):
        entry(index, name, 2)
    return bytes(header) + fat + bytes(directory)


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200 + b"PE\x00\x00"


# ----------------------------------------------------------------------------- the portal world


def configure_form(procedure) -> None:
    """The online form of "Cấp giấy phép xây dựng": every kind the portal tests exercise."""
    fields = [
        dict(
            key="dien_tich",
            label="Diện tích xây dựng (m²)",
            kind="number",
            required=True,
            min_value=10,
            max_value=10000,
        ),
        dict(
            key="loai_cong_trinh",
            label="Loại công trình",
            kind="select",
            required=True,
            choices="Nhà ở riêng lẻ\nNhà xưởng",
        ),
        dict(
            key="so_tang",
            label="Số tầng nhà xưởng",
            kind="number",
            required=True,
            show_if_field="loai_cong_trinh",
            show_if_value="Nhà xưởng",
        ),
        dict(
            key="ma_buu_chinh",
            label="Mã bưu chính",
            kind="text",
            pattern=r"^\d{6}$",
            pattern_message="Mã bưu chính gồm 6 chữ số.",
        ),
        dict(key="co_tang_ham", label="Có tầng hầm", kind="checkbox"),
        dict(
            key="dien_tich_ham",
            label="Diện tích tầng hầm",
            kind="number",
            required=True,
            show_if_field="co_tang_ham",
            show_if_value="có",
        ),
        dict(
            key="thanh_vien",
            label="Thành viên hộ gia đình",
            kind="table",
            columns="ho_ten | Họ và tên | text | *\nngay_sinh | Ngày sinh | date",
        ),
        dict(key="ban_ve_phu", label="Bản vẽ bổ sung", kind="file"),
    ]
    for order, spec in enumerate(fields, start=1):
        field = FormField(procedure=procedure, order=order, **spec)
        field.full_clean()
        field.save()
    # One notion of "mandatory": the application must be uploaded online, the drawing is optional
    # (uploaded, or brought on paper later).
    RequiredDocument.objects.filter(procedure=procedure, name="Bản vẽ").update(is_mandatory=False)
    Fee.objects.create(procedure=procedure, name="Lệ phí cấp giấy phép", amount=75000)


def make_citizen(username: str, *, phone: str = "", full_name: str = "Nguyễn Thị Bình", **profile):
    user = make_user(username, is_staff=False, email=f"{username}@example.vn")
    user.groups.add(Group.objects.get(name=Role.CITIZEN))
    CitizenProfile.objects.create(user=user, full_name=full_name, phone=phone, **profile)
    return user


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def portal(world):
    configure_form(world.procedure)
    world.version = procedure_publish(procedure=world.procedure)
    world.citizen = make_citizen("binh", phone="0912345678", id_number="031190001234")
    world.other_citizen = make_citizen("an", phone="0987654321", full_name="Trần Văn An")
    return world


@pytest.fixture
def login():
    def make(user=None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        client.cookies["django_language"] = "vi"
        return client

    return make


@pytest.fixture
def small_limits(settings):
    """One file at most 1 MB and one dossier at most 2 MB."""
    settings.SITE = dataclasses.replace(settings.SITE, max_upload_mb=1, max_dossier_upload_mb=2)
    return settings.SITE


def form_data(world, **overrides) -> dict:
    """A complete, valid POST of the portal form (files added by the caller)."""
    data = {
        "idempotency_key": str(uuid.uuid4()),
        "version": world.version.number,
        "applicant_kind": "individual",
        "applicant_name": "Nguyễn Thị Bình",
        "applicant_id_number": "031190001234",
        "applicant_phone": "0912 345 678",
        "applicant_email": "binh@example.vn",
        "applicant_address": "12 Lý Tự Trọng, Hồng Bàng",
        "unit": str(world.units.d.pk),
        "delivery": "counter",
        "f_dien_tich": "120,5",
        "f_loai_cong_trinh": "Nhà ở riêng lẻ",
        "f_ma_buu_chinh": "180000",
        "f_thanh_vien-0-ho_ten": "Nguyễn Văn Cường",
        "f_thanh_vien-0-ngay_sinh": "1980-05-01",
        "action": "submit",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def apply_url(world) -> str:
    return f"/thu-tuc/{world.procedure.national_code}/nop-ho-so/"


def submit(client, world, files: dict | None = None, **overrides):
    data = form_data(world, **overrides)
    if files is None:
        files = {"doc_0": upload("don-de-nghi.pdf", pdf_bytes())}
    data.update(files)
    return client.post(apply_url(world), data)


def ns(**kw):
    return SimpleNamespace(**kw)


def stored_files() -> set[str]:
    """Every file the portal wrote under the (test) media folder."""
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.MEDIA_ROOT) / "portal"
    return (
        {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}
        if root.exists()
        else set()
    )


@pytest.fixture
def counter_dossier(portal, applicant, documents):
    """A dossier received at the Hồng Bàng counter: no portal account."""
    with time_machine.travel(at(2025, 3, 3, 9, 0), tick=False):
        return lifecycle.dossier_receive(
            user=portal.users.reception,
            procedure=portal.procedure,
            unit=portal.units.d,
            applicant=applicant,
            documents=documents,
        )
