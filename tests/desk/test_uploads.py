"""Every desk entry point checks files by content, stores them under a random name, and serves
them by the one policy of motcua.core.serving (type from the content, original name, headers)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierDocument
from motcua.dossiers.states import Status
from tests.desk.test_counter import MONDAY, _form

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b"<?xml version='1.0'?><svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"
)
REFUSED = "không được chấp nhận: nội dung tệp không phải PDF, ảnh hay tài liệu văn phòng"


def _file(name, content):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _act(dossier, action):
    return f"/desk/dossiers/{dossier.pk}/act/{action}/"


@pytest.mark.parametrize(
    ("name", "content"), [("ban-ve.pdf", HTML), ("so-do.svg", SVG), ("anh.png", SVG)]
)
def test_a_counter_scan_that_is_html_or_svg_is_refused_in_vietnamese(world, login, name, content):
    import time_machine

    client = login(world.users.reception)
    with time_machine.travel(MONDAY, tick=False):
        response = client.post("/desk/receive/", {**_form(world), "file_0": _file(name, content)})
    assert response.status_code == 400
    html = response.content.decode()
    assert f"Tệp “{name}” {REFUSED}" in html
    assert not Dossier.objects.exists()
    assert not DossierDocument.objects.exists()


def test_a_counter_scan_is_stored_under_a_random_name_and_served_with_its_own(world, login):
    import time_machine

    client = login(world.users.reception)
    with time_machine.travel(MONDAY, tick=False):
        response = client.post(
            "/desk/receive/", {**_form(world), "file_0": _file("Đơn đề nghị <1>.PDF", PDF)}
        )
    assert response.status_code == 302
    document = Dossier.objects.get().documents.exclude(file="").get()
    stored = document.file.name
    assert stored.startswith("dossiers/") and stored.endswith(".pdf")
    assert "don" not in stored.lower() and len(stored.rsplit("/", 1)[-1]) == 36  # 32 hex + .pdf
    assert (document.original_name, document.content_type) == (
        "Đơn đề nghị 1.pdf",
        "application/pdf",
    )

    served = client.get(f"/desk/dossiers/{document.dossier_id}/documents/{document.pk}/")

    assert served.status_code == 200
    assert served["Content-Type"] == "application/pdf"
    assert served["Content-Disposition"] == (
        'inline; filename="Don de nghi 1.pdf"; '
        "filename*=UTF-8''%C4%90%C6%A1n%20%C4%91%E1%BB%81%20ngh%E1%BB%8B%201.pdf"
    )
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Security-Policy"] == "sandbox"
    assert b"".join(served.streaming_content) == PDF
    # out of scope: the same 404 as the dossier itself
    other = login(world.users.other_spec)
    assert (
        other.get(f"/desk/dossiers/{document.dossier_id}/documents/{document.pk}/").status_code
        == 404
    )


def test_a_photo_scanned_at_the_counter_is_shown_inline_as_an_image(world, login):
    """Issue 12, item 3: an image is previewed in the browser, under its own name and type."""
    import time_machine

    from tests.portal.conftest import png_bytes

    client = login(world.users.reception)
    with time_machine.travel(MONDAY, tick=False):
        client.post(
            "/desk/receive/", {**_form(world), "file_0": _file("Ảnh hiện trạng", png_bytes())}
        )
    document = DossierDocument.objects.exclude(file="").get()
    served = client.get(f"/desk/dossiers/{document.dossier_id}/documents/{document.pk}/")
    assert served["Content-Type"] == "image/png"
    assert served["Content-Disposition"].startswith('inline; filename="Anh hien trang.png"')


def test_a_supplement_renamed_pdf_is_refused_and_nothing_changes(world, received, login):
    d = services.dossier_request_supplement(
        dossier=received, user=world.users.spec1, items=["Bản vẽ mặt cắt"]
    )
    response = login(world.users.reception).post(
        _act(d, "supplement"),
        {"version": d.version, "document_name": "Bản vẽ", "file": _file("mat-cat.pdf", HTML)},
    )
    assert response.status_code == 400
    assert f"Tệp “mat-cat.pdf” {REFUSED}" in response.content.decode()
    after = Dossier.objects.get(pk=d.pk)
    assert (after.status, after.version) == (Status.SUPPLEMENT_REQUESTED, d.version)
    assert not after.documents.filter(is_supplement=True).exists()


def _ready_to_issue(world, received):
    u = world.users
    d = services.dossier_forward(dossier=received, user=u.spec1, assignee=u.spec2)
    d = services.consultation_answer(dossier=d, user=u.sxd_spec, answer="Đồng ý")
    return services.dossier_forward(dossier=d, user=u.spec2)


def _issue(client, d, file):
    return client.post(
        _act(d, "issue_result"),
        {
            "version": d.version,
            "result_number": "125/GPXD",
            "result_date": "2025-03-12",
            "result_file": file,
        },
    )


def test_a_result_file_with_script_is_refused(world, received, login):
    d = _ready_to_issue(world, received)
    response = _issue(login(world.users.leader), d, _file("giay-phep.pdf", SVG))
    assert response.status_code == 400
    assert f"Tệp “giay-phep.pdf” {REFUSED}" in response.content.decode()
    after = Dossier.objects.get(pk=d.pk)
    assert (after.status, after.version, after.result_file.name) == (d.status, d.version, "")


def test_a_result_file_keeps_its_name_and_type_for_desk_and_portal(world, received, login):
    d = _ready_to_issue(world, received)
    client = login(world.users.leader)
    assert _issue(client, d, _file("Giấy phép.pdf", PDF)).status_code == 302
    d = Dossier.objects.get(pk=d.pk)
    assert d.result_file.name.startswith("results/") and d.result_file.name.endswith(".pdf")
    assert (d.result_original_name, d.result_content_type) == ("Giấy phép.pdf", "application/pdf")

    served = client.get(f"/desk/dossiers/{d.pk}/result/")

    assert served["Content-Type"] == "application/pdf"
    assert served["Content-Disposition"].startswith('inline; filename="Giay phep.pdf"')


def test_an_office_document_is_downloaded_not_shown(world, login, settings):
    import io
    import zipfile

    import time_machine

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            b'<Types><Override ContentType="application/vnd.openxmlformats-officedocument.'
            b'wordprocessingml.document.main+xml"/></Types>',
        )
    client = login(world.users.reception)
    with time_machine.travel(MONDAY, tick=False):
        client.post(
            "/desk/receive/", {**_form(world), "file_0": _file("to-khai", buffer.getvalue())}
        )
    document = DossierDocument.objects.exclude(file="").get()
    served = client.get(f"/desk/dossiers/{document.dossier_id}/documents/{document.pk}/")
    assert served["Content-Type"].endswith("wordprocessingml.document")
    assert served["Content-Disposition"].startswith('attachment; filename="to-khai.docx"')


def test_production_can_hand_the_file_to_nginx(world, login, settings):
    import dataclasses

    import time_machine

    client = login(world.users.reception)
    with time_machine.travel(MONDAY, tick=False):
        client.post("/desk/receive/", {**_form(world), "file_0": _file("don.pdf", PDF)})
    document = DossierDocument.objects.exclude(file="").get()
    settings.SITE = dataclasses.replace(
        settings.SITE, extra={**settings.SITE.extra, "file_offload": "x-accel-redirect"}
    )

    served = client.get(f"/desk/dossiers/{document.dossier_id}/documents/{document.pk}/")

    assert served["X-Accel-Redirect"] == f"/protected-files/{document.file.name}"
    assert served.content == b""
    assert served["Content-Type"] == "application/pdf"
    assert served["Content-Security-Policy"] == "sandbox"


def test_media_files_have_no_public_url(world, login):
    import time_machine

    client = login(world.users.reception)
    with time_machine.travel(MONDAY, tick=False):
        client.post("/desk/receive/", {**_form(world), "file_0": _file("don.pdf", PDF)})
    document = DossierDocument.objects.exclude(file="").get()
    assert client.get(document.file.url).status_code == 404
