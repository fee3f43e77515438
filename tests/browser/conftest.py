"""Browser tests: Playwright's sync API driving Debian's Chromium against pytest-django's live server.

* One Chromium per run of this package (``browser``, package scope: Playwright's sync API keeps an
  asyncio loop running in the main thread while it lives, so it must not outlive these tests — the
  rest of the suite would run "inside" that loop). ``DJANGO_ALLOW_ASYNC_UNSAFE`` is set while it
  lives, because the tests call the ORM next to that loop (docs/stack.md).
* A fresh context per test (``page``): Vietnamese locale, no shared cookies.
* Without ``/usr/bin/chromium`` the tests skip with the reason; ``make test`` installs it.
* Tests are ``transaction=True`` (the live server runs in another thread and must see committed
  rows) with ``serialized_rollback=True``: on MariaDB the flush after each test empties the role
  groups that a data migration created, and the serialized copy brings them back.

``portal_world`` is the lifecycle world of ``tests/builders.py`` (units, officers, the 3-step procedure
1.009994) with an online form, a fee, full online level and a verified citizen.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from motcua.portal import services as portal_services
from motcua.portal.models import FormField
from motcua.procedures.models import Fee, RequiredDocument
from motcua.procedures.services import procedure_publish

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"

#: The marks every browser test carries (``pytestmark = BROWSER`` in each module).
BROWSER = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


PROCEDURE_NAME = "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ"
CITIZEN_EMAIL = "binh@example.vn"
CITIZEN_PHONE = "0912345678"
CITIZEN_PASSWORD = "Hai-Phong-2025"


# ----------------------------------------------------------------------------- the browser


@pytest.fixture(scope="package")
def browser(django_db_setup):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"browser tests need Debian's Chromium at {CHROMIUM} (make test installs it)")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    # Django's connections live in an asgiref Local that switches to other storage while an
    # asyncio loop runs in the thread, and Playwright's loop keeps running between calls: the
    # test would get fresh connection objects, without the test database's serialized copy
    # (serialized_rollback would silently restore nothing) and, on SQLite, not the live server's
    # shared in-memory connection. Keep the test database's objects in both storages.
    kept = {alias: connections[alias] for alias in connections}
    manager = sync_playwright().start()
    for alias, connection in kept.items():
        connections[alias] = connection
    try:
        chromium = manager.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()
    finally:
        manager.stop()
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


@pytest.fixture
def page(browser, live_server):
    """A page in a fresh context (Vietnamese, desktop size); closed after the test."""
    cache.clear()  # the lookup's rate limit counts in the cache, per IP
    context = browser.new_context(locale="vi-VN", viewport=DESKTOP)
    context.set_default_timeout(5_000)
    # Loading a page may take long on a shared machine (the first request of a process imports
    # every URLconf); what a page shows is still awaited for 5 s, so a missing element fails.
    context.set_default_navigation_timeout(60_000)
    page = context.new_page()
    yield page
    context.close()
    cache.clear()


def sign_in(page, live_server, user) -> None:
    """Give the page's context a session of *user* (a shortcut where the login is not the test)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


# ----------------------------------------------------------------------------- files


def pdf_bytes(text: str = "Don de nghi cap giay phep xay dung") -> bytes:
    """A small, well-formed one-page PDF (catalogue, page tree, font, content stream, xref)."""
    stream = b"BT /F1 16 Tf 72 770 Td (" + text.encode("ascii") + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
        b" /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def pdf_file(name: str, text: str = "Don de nghi cap giay phep xay dung") -> dict:
    """A file for ``set_input_files``, made in memory."""
    return {"name": name, "mimeType": "application/pdf", "buffer": pdf_bytes(text)}


# ----------------------------------------------------------------------------- the portal world

FORM_FIELDS = [
    dict(key="ten_cong_trinh", label="Tên công trình", kind="text", required=True),
    dict(
        key="dien_tich_san",
        label="Tổng diện tích sàn (m²)",
        kind="number",
        required=True,
        min_value=20,
        max_value=5000,
    ),
    dict(
        key="loai_nha",
        label="Loại nhà ở",
        kind="select",
        required=True,
        choices="Nhà ở riêng lẻ\nNhà ở kết hợp kinh doanh",
    ),
    dict(key="ngay_khoi_cong", label="Ngày dự kiến khởi công", kind="date", required=True),
    dict(key="dien_thoai_giam_sat", label="Điện thoại người giám sát thi công", kind="phone"),
]


@pytest.fixture
def portal_world(world):
    """The procedure online (full level) with a generated form, a PDF rule and a fee; a citizen."""
    procedure = world.procedure
    procedure.online_level = "full"  # the result may be returned online
    procedure.save()
    for order, spec in enumerate(FORM_FIELDS, start=1):
        field = FormField(procedure=procedure, order=order, **spec)
        field.full_clean()
        field.save()
    # One notion of "mandatory": the application must be uploaded online, the drawing is optional
    # (uploaded, or brought on paper later).
    RequiredDocument.objects.filter(procedure=procedure, name="Bản vẽ").update(is_mandatory=False)
    Fee.objects.create(procedure=procedure, name="Lệ phí cấp giấy phép xây dựng", amount=75000)
    world.version = procedure_publish(procedure=procedure)
    # a verified citizen: signed up with an e-mail address, then the link was opened
    world.citizen = portal_services.account_signup(
        kind="individual",
        full_name="Nguyễn Thị Bình",
        email=CITIZEN_EMAIL,
        phone=CITIZEN_PHONE,
        password=CITIZEN_PASSWORD,
        id_number="031190001234",
    )
    portal_services.account_verify(user=world.citizen)
    return world
