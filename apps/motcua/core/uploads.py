"""Attachments: checked by content, limited in size, stored under a random name — one rule for
every entry point (portal uploads, counter scans, supplements and result files in the desk, admin
file fields).

Rules:

1. Only PDF, images (JPEG, PNG, GIF, WebP) and office documents (Word, Excel, PowerPoint: OOXML and
   the 97–2003 formats; OpenDocument text, spreadsheet, presentation) are accepted, and the type is
   read from the *content*, never from the file name or the browser's Content-Type: an ``.exe``
   renamed ``.pdf`` is refused. Office formats are recognised by their structure — the zip's
   ``[Content_Types].xml`` main part or ODF ``mimetype`` entry, the OLE2 compound file's stream
   names (``WordDocument``, ``Workbook``…) — so an MSI installer (also OLE2) or a macro-enabled
   document (``.docm``, a VBA storage) is refused too.
2. One file may not exceed ``settings.SITE.max_upload_mb`` MB, nor all files of one dossier
   ``settings.SITE.max_dossier_upload_mb`` MB (site config).
3. Files are saved on the default storage (the site's ``files`` folder, or S3-compatible storage
   when ``STORAGES["default"]`` says so) under a random name with the detected type's extension
   (:func:`random_name`); the original name, sanitised (:func:`safe_name`), and the detected type
   are kept only in the database, for the download (:mod:`motcua.core.serving`).
4. SVG, HTML, scripts and anything else not in :data:`ALLOWED` are refused: they can carry scripts
   that would run in the site's origin.

Why no library: ``filetype`` (PyPI, last release 2022) guesses OOXML and OLE2 formats from bytes at
fixed offsets of the first 8 KB, which misses valid files and cannot tell a ``.doc`` from an MSI;
the standard library's ``zipfile`` and a 40-line OLE2 directory reader check the real structure.
"""

from __future__ import annotations

import hashlib
import struct
import uuid
import zipfile
from collections.abc import Iterable
from typing import IO, Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

MB = 1024 * 1024

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
DOC = "application/msword"
XLS = "application/vnd.ms-excel"
PPT = "application/vnd.ms-powerpoint"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODP = "application/vnd.oasis.opendocument.presentation"

#: Content type → extension used for the download name when the original has none.
ALLOWED: dict[str, str] = {
    PDF: "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    DOCX: "docx",
    XLSX: "xlsx",
    PPTX: "pptx",
    DOC: "doc",
    XLS: "xls",
    PPT: "ppt",
    ODT: "odt",
    ODS: "ods",
    ODP: "odp",
}

#: Types a browser may show inline (preview); everything else is downloaded.
INLINE_TYPES = frozenset({PDF, "image/jpeg", "image/png", "image/gif", "image/webp"})

_OOXML_MAIN = {
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
    b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": PPTX,
}
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE_STREAMS = {"WordDocument": DOC, "Workbook": XLS, "Book": XLS, "PowerPoint Document": PPT}
_OLE_MACROS = {"Macros", "_VBA_PROJECT_CUR", "VBA"}
_SMALL_ENTRY = 2 * MB  # a [Content_Types].xml or mimetype entry is tiny; refuse zip bombs

#: The ``accept`` attribute of file inputs: a hint for the browser's picker, never the check.
ACCEPT = ".pdf,.jpg,.jpeg,.png,.gif,.webp,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp"

ACCEPTED_HINT = _(
    "Chỉ nhận tệp PDF, ảnh (JPG, PNG, GIF, WebP) và tài liệu văn phòng (Word, Excel, PowerPoint, "
    "OpenDocument)."
)


def _zip_type(stream: IO[bytes]) -> str | None:
    try:
        archive = zipfile.ZipFile(stream)
        infos = {info.filename: info for info in archive.infolist()}
        if any(name.lower().endswith("vbaproject.bin") for name in infos):
            return None  # macro-enabled
        mimetype = infos.get("mimetype")
        if mimetype is not None and mimetype.file_size < 200:
            kind = archive.read(mimetype).decode("ascii", "replace").strip()
            return kind if kind in (ODT, ODS, ODP) else None
        types = infos.get("[Content_Types].xml")
        if types is not None and types.file_size < _SMALL_ENTRY:
            content = archive.read(types)
            for marker, kind in _OOXML_MAIN.items():
                if marker in content:
                    return kind
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
        return None
    return None


def _ole_names(stream: IO[bytes]) -> set[str] | None:
    """Return the storage and stream names of an OLE2 compound file (MS-CFB §2.6), or None."""
    stream.seek(0)
    header = stream.read(512)
    if len(header) < 512 or header[:8] != _OLE_SIGNATURE:
        return None
    (sector_shift,) = struct.unpack_from("<H", header, 30)
    if sector_shift not in (9, 12):
        return None
    size = 1 << sector_shift
    num_fat, first_dir = struct.unpack_from("<II", header, 44)
    first_difat, num_difat = struct.unpack_from("<II", header, 68)
    end = 0xFFFFFFFA  # values at or above are markers (free, end of chain, FAT sector…)

    def sector(number: int) -> bytes:
        stream.seek((number + 1) * size)
        return stream.read(size)

    fat_sectors = [s for s in struct.unpack_from("<109I", header, 76) if s < end]
    difat, hops = first_difat, 0
    while difat < end and hops < min(num_difat, 1000):
        values = struct.unpack(f"<{size // 4}I", sector(difat).ljust(size, b"\xff"))
        fat_sectors += [s for s in values[:-1] if s < end]
        difat, hops = values[-1], hops + 1
    fat: list[int] = []
    for number in fat_sectors[: min(num_fat, 20000)]:
        fat += struct.unpack(f"<{size // 4}I", sector(number).ljust(size, b"\xff"))
    names: set[str] = set()
    current, seen = first_dir, set()
    while current < end and current not in seen and len(seen) < 100000:
        seen.add(current)
        data = sector(current)
        for offset in range(0, len(data) - 127, 128):
            entry = data[offset : offset + 128]
            (length,) = struct.unpack_from("<H", entry, 64)
            if entry[66] in (1, 2, 5) and 2 <= length <= 64:
                names.add(entry[: length - 2].decode("utf-16-le", "replace"))
        current = fat[current] if current < len(fat) else end
    return names


def sniff(stream: IO[bytes]) -> str | None:
    """Return the content type of an accepted file from its bytes, or None if not accepted."""
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    kind: str | None = None
    if head.startswith(b"%PDF-"):
        kind = PDF
    elif head.startswith(b"\xff\xd8\xff"):
        kind = "image/jpeg"
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = "image/png"
    elif head[:6] in (b"GIF87a", b"GIF89a"):
        kind = "image/gif"
    elif head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        kind = "image/webp"
    elif head.startswith(b"PK\x03\x04"):
        kind = _zip_type(stream)
    elif head.startswith(_OLE_SIGNATURE):
        names = _ole_names(stream)
        if names and not names & _OLE_MACROS:
            kind = next((t for n, t in _OLE_STREAMS.items() if n in names), None)
    stream.seek(0)
    return kind


def max_file_bytes() -> int:
    return settings.SITE.max_upload_mb * MB


def max_dossier_bytes() -> int:
    return settings.SITE.max_dossier_upload_mb * MB


def check_upload(upload) -> str:
    """Return the sniffed content type of an uploaded file, or raise a Vietnamese ValidationError."""
    name = upload.name or ""
    if upload.size > max_file_bytes():
        raise ValidationError(
            _("Tệp “%(name)s” có dung lượng %(size)s, vượt quá giới hạn %(limit)s MB cho mỗi tệp."),
            code="too_large",
            params={
                "name": name,
                "size": filesizeformat(upload.size),
                "limit": settings.SITE.max_upload_mb,
            },
        )
    if upload.size == 0:
        raise ValidationError(_("Tệp “%(name)s” rỗng."), code="empty", params={"name": name})
    kind = sniff(upload)
    if kind is None:
        raise ValidationError(
            _(
                "Tệp “%(name)s” không được chấp nhận: nội dung tệp không phải PDF, ảnh hay tài liệu "
                "văn phòng (hệ thống kiểm tra nội dung, không dựa vào tên tệp)."
            ),
            code="bad_type",
            params={"name": name},
        )
    return kind


def check_total(sizes: Iterable[int]) -> None:
    """Raise if files of one dossier together exceed the site's per-dossier limit."""
    total = sum(sizes)
    if total > max_dossier_bytes():
        raise ValidationError(
            _(
                "Tổng dung lượng các tệp của hồ sơ (%(size)s) vượt quá giới hạn %(limit)s MB. "
                "Vui lòng giảm dung lượng (ví dụ quét ở độ phân giải thấp hơn)."
            ),
            code="dossier_too_large",
            params={"size": filesizeformat(total), "limit": settings.SITE.max_dossier_upload_mb},
        )


def sha256_of(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    stream.seek(0)
    for chunk in iter(lambda: stream.read(1024 * 1024), b""):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


def safe_name(name: str, content_type: str) -> str:
    """Return a download name: the person's base name, with the extension of the real type.

    Only a real extension (1–5 letters or digits) is replaced, so "ket-qua-000.00.31.H27-…" keeps
    its dots.
    """
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip() or "tep"
    stem, dot, suffix = base.rpartition(".")
    if not (dot and stem and suffix.isalnum() and len(suffix) <= 5):
        stem = base
    stem = "".join(ch for ch in stem if ch.isprintable() and ch not in '<>:"|?*;')[:120] or "tep"
    return f"{stem}.{ALLOWED.get(content_type, 'bin')}"


def random_name(content_type: str) -> str:
    """A stored file name: 32 random hex digits and the detected type's extension (rule 3)."""
    return f"{uuid.uuid4().hex}.{ALLOWED.get(content_type, 'bin')}"


def accept(upload) -> Any:
    """Check *upload* (rule 1–2) and prepare it for storage; return it.

    Sets ``upload.sniffed_type`` (the detected type) and ``upload.original_name`` (the sanitised
    name the person chose, for the download) and renames it to :func:`random_name`, so whatever
    model field saves it stores a random name. Raises a Vietnamese ``ValidationError``.
    """
    if getattr(upload, "sniffed_type", None):  # already checked (a form cleaned twice)
        return upload
    kind = check_upload(upload)
    upload.original_name = safe_name(upload.name, kind)[:255]
    upload.sniffed_type = kind
    upload.name = random_name(kind)
    return upload


def stored_fields(given) -> dict[str, Any]:
    """The ``file``, ``original_name`` and ``content_type`` to store for one attachment.

    *given* is a file accepted by :func:`accept`, or a mapping with ``file`` (such a file, or the
    name of one already stored) and optionally ``original_name`` and ``content_type``. Unknown
    values stay empty; serving then reads the type from the content.
    """
    if isinstance(given, dict):
        file = given.get("file") or ""
        name, kind = given.get("original_name", ""), given.get("content_type", "")
    else:
        file, name, kind = given or "", "", ""
    return {
        "file": file,
        "original_name": (name or getattr(file, "original_name", "") or "")[:255],
        "content_type": kind or getattr(file, "sniffed_type", "") or "",
    }


def validate_stored_upload(value) -> None:
    """Model field validator (admin file fields): a *new* file must pass rule 1–2."""
    if value and not getattr(value, "_committed", True):
        check_upload(value.file)


class UploadField(forms.FileField):
    """A file input whose upload goes through :func:`accept` (every form of desk and portal)."""

    widget = forms.FileInput

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", ACCEPT)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and hasattr(upload, "size") and hasattr(upload, "read"):
            accept(upload)
        return upload
