"""The upload rule's helpers used by every entry point (motcua.core.uploads, motcua.core.serving)."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.core import serving, uploads

PDF = b"%PDF-1.4\n%%EOF\n"


def test_accept_renames_to_random_and_keeps_the_sanitised_original():
    upload = SimpleUploadedFile('..\\C:/tmp/Đơn "đề nghị".PDF.exe', PDF)
    uploads.accept(upload)
    assert upload.sniffed_type == uploads.PDF
    assert upload.original_name == "Đơn đề nghị.PDF.pdf"
    assert len(upload.name) == 36 and upload.name.endswith(".pdf")
    assert uploads.stored_fields(upload) == {
        "file": upload,
        "original_name": "Đơn đề nghị.PDF.pdf",
        "content_type": uploads.PDF,
    }


def test_stored_fields_of_a_stored_name_keep_what_was_given():
    given = {"file": "portal/2025/03/x.pdf", "original_name": "a.pdf", "content_type": uploads.PDF}
    assert uploads.stored_fields(given) == given
    assert uploads.stored_fields({"file": None}) == {
        "file": "",
        "original_name": "",
        "content_type": "",
    }


def test_the_model_validator_checks_new_files_only():
    class Stored:
        _committed = True

    uploads.validate_stored_upload(Stored())  # already stored: not read again

    class New:
        _committed = False
        file = SimpleUploadedFile("x.pdf", b"<html><script>alert(1)</script></html>")

    with pytest.raises(ValidationError, match="không được chấp nhận"):
        uploads.validate_stored_upload(New())


@pytest.mark.parametrize(
    ("name", "inline", "header"),
    [
        ("don.pdf", True, "inline; filename=\"don.pdf\"; filename*=UTF-8''don.pdf"),
        (
            "Đơn đề nghị.docx",
            False,
            'attachment; filename="Don de nghi.docx"; '
            "filename*=UTF-8''%C4%90%C6%A1n%20%C4%91%E1%BB%81%20ngh%E1%BB%8B.docx",
        ),
    ],
)
def test_content_disposition_has_an_ascii_and_an_rfc5987_name(name, inline, header):
    assert serving.content_disposition(name, inline=inline) == header
