"""Attachments are recognised by their content, never by their name (uploads rule 1–2)."""

import io

import pytest
from django.core.exceptions import ValidationError

from motcua.core import uploads
from tests.portal.conftest import (
    EXE,
    WORD_TYPES,
    docx_bytes,
    ole_bytes,
    pdf_bytes,
    png_bytes,
    upload,
    zip_bytes,
)


def _kind(content: bytes):
    return uploads.sniff(io.BytesIO(content))


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (pdf_bytes(), uploads.PDF),
        (png_bytes(), "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\0" * 32, "image/jpeg"),
        (b"GIF89a" + b"\0" * 32, "image/gif"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\0" * 32, "image/webp"),
        (docx_bytes(), uploads.DOCX),
        (
            zip_bytes(
                {
                    "[Content_Types].xml": WORD_TYPES.replace(
                        b"wordprocessingml.document.main", b"spreadsheetml.sheet.main"
                    )
                }
            ),
            uploads.XLSX,
        ),
        (zip_bytes({"mimetype": uploads.ODT.encode(), "content.xml": b"<x/>"}), uploads.ODT),
        (ole_bytes("WordDocument", "\x05SummaryInformation"), uploads.DOC),
        (ole_bytes("Workbook"), uploads.XLS),
    ],
)
def test_accepted_types_are_recognised_by_content(content, expected):
    assert _kind(content) == expected


def test_a_real_xlsx_written_by_openpyxl_is_accepted():
    openpyxl = pytest.importorskip("openpyxl")
    buffer = io.BytesIO()
    book = openpyxl.Workbook()
    book.active["A1"] = "Diện tích"
    book.save(buffer)
    assert _kind(buffer.getvalue()) == uploads.XLSX


@pytest.mark.parametrize(
    "content",
    [
        EXE,  # a Windows program
        b"\x7fELF\x02\x01\x01" + b"\0" * 64,  # a Linux program
        b"<html><script>alert(1)</script></html>",
        b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>",
        zip_bytes({"virus.exe": EXE}),  # a plain zip
        zip_bytes(
            {
                "[Content_Types].xml": WORD_TYPES.replace(
                    b"wordprocessingml.document.main", b"ms-word.document.macroEnabled.main"
                )
            }
        ),  # .docm
        zip_bytes({"[Content_Types].xml": WORD_TYPES, "word/vbaProject.bin": b"\0"}),
        ole_bytes("\x05SummaryInformation", "Property"),  # an OLE2 file that is no document (MSI)
        ole_bytes("WordDocument", "Macros"),  # a .doc with macros
        b"PK\x03\x04 truncated",
        b"%PDF",  # too short to be "%PDF-"
        b"",
    ],
)
def test_other_content_is_refused_whatever_its_name(content):
    assert _kind(content) is None


def test_an_exe_renamed_pdf_is_refused_with_a_clear_message():
    with pytest.raises(ValidationError) as refused:
        uploads.check_upload(upload("ho-so.pdf", EXE))
    assert refused.value.code == "bad_type"
    assert "Tệp “ho-so.pdf” không được chấp nhận" in refused.value.messages[0]
    assert "không dựa vào tên tệp" in refused.value.messages[0]


def test_a_file_over_the_site_limit_is_refused(small_limits):
    with pytest.raises(ValidationError) as refused:
        uploads.check_upload(upload("lon.pdf", pdf_bytes(1024 * 1024 + 1)))
    assert refused.value.code == "too_large"
    assert "vượt quá giới hạn 1 MB cho mỗi tệp" in refused.value.messages[0]
    assert uploads.check_upload(upload("vua.pdf", pdf_bytes(1024 * 1024))) == uploads.PDF


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError) as refused:
        uploads.check_upload(upload("rong.pdf", b""))
    assert refused.value.code == "empty"


def test_the_dossier_total_is_limited(small_limits):
    uploads.check_total([1024 * 1024, 1024 * 1024])
    with pytest.raises(ValidationError) as refused:
        uploads.check_total([1024 * 1024, 1024 * 1024, 1])
    assert "vượt quá giới hạn 2 MB" in refused.value.messages[0]


def test_download_names_carry_the_real_type_not_the_claimed_one():
    assert uploads.safe_name("C:\\Users\\an\\đơn đề nghị.PDF", uploads.PDF) == "đơn đề nghị.pdf"
    assert uploads.safe_name("anh.exe", "image/png") == "anh.png"
    assert uploads.safe_name('../../"x<y>".docx', uploads.DOCX) == "xy.docx"
