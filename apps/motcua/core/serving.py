"""Serving a stored attachment: one policy for the desk and the portal.

The caller has already decided *who* may read the file (a dossier read through the scoped
selectors, a citizen's own draft, a public blank form); this module decides *how* it is sent:

1. The content type is the one detected when the file was accepted (:mod:`motcua.core.uploads`),
   or, for files stored before that was recorded, read again from the content. A file whose content
   is not an accepted type is sent as ``application/octet-stream``, as a download.
2. PDF and images are shown inline (the desk's preview); everything else is downloaded.
3. The download name is the original name, sanitised, with the extension of the real type, in
   ``Content-Disposition`` both as an ASCII ``filename`` and as an RFC 5987 ``filename*`` (UTF-8),
   so "Giấy chứng nhận.pdf" keeps its Vietnamese letters.
4. ``X-Content-Type-Options: nosniff`` stops a browser from guessing another type,
   ``Content-Security-Policy: sandbox`` keeps whatever the file holds out of the site's origin,
   and ``Cache-Control: private, no-store`` keeps personal documents out of shared caches.
5. Production may hand the bytes to the web server: site config ``file_offload`` =
   ``x-accel-redirect`` (nginx; ``file_offload_prefix``, default ``/protected-files/``, is an
   ``internal`` location aliased to the files folder) or ``x-sendfile`` (Apache mod_xsendfile,
   lighttpd). The headers of rule 1–4 are set by this module either way.
6. With files in an object store (site table ``[storage]``, ``config/operation.py``) the bytes are
   streamed through this view (``serve = "proxy"``, the default), or the browser is redirected to
   a signed URL of the object valid ``signed_url_seconds`` (default 60) that carries the type and
   the download name of rules 1–3 (``serve = "signed-url"``): the redirect itself is only given
   after the caller's scope check, and the object is private, so the URL is the only way in and
   it expires. The offload of rule 5 applies to a local folder only.

Files are never reachable by a public media URL: ``config/urls.py`` does not serve ``MEDIA_URL``.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.utils.translation import gettext as _

from motcua.core import uploads

OFFLOAD_ACCEL = "x-accel-redirect"
OFFLOAD_SENDFILE = "x-sendfile"
DEFAULT_OFFLOAD_PREFIX = "/protected-files/"


def content_disposition(name: str, *, inline: bool) -> str:
    """``inline``/``attachment`` with an ASCII fallback name and the RFC 5987 UTF-8 name."""
    kind = "inline" if inline else "attachment"
    folded = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    ascii_name = "".join(
        ch for ch in folded.encode("ascii", "ignore").decode() if ch not in '"\\'
    ).strip()
    ascii_name = ascii_name or "tep"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def _offload() -> tuple[str, str]:
    extra = getattr(settings.SITE, "extra", {}) or {}
    mode = str(extra.get("file_offload", "") or "").lower()
    prefix = str(extra.get("file_offload_prefix", DEFAULT_OFFLOAD_PREFIX))
    return (mode if mode in (OFFLOAD_ACCEL, OFFLOAD_SENDFILE) else ""), prefix


def file_response(
    file, *, original_name: str = "", content_type: str = "", fallback_name: str = ""
):
    """Return the response sending *file* (a FieldFile or an open storage file) — rules 1–5.

    *original_name* is the name the person chose (stored at upload); *fallback_name* is used when
    none was recorded (older rows). Raises 404 when there is no file or it is missing on disk.
    """
    if not file:
        raise Http404(_("Không có tệp."))
    if settings.MOTCUA_STORAGE.get("serve") == "signed-url":
        return _signed_redirect(file, original_name, content_type, fallback_name)
    try:
        handle = file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404(_("Không có tệp.")) from exc
    kind = content_type if content_type in uploads.ALLOWED else uploads.sniff(handle)
    kind = kind or "application/octet-stream"
    inline = kind in uploads.INLINE_TYPES
    stored = getattr(file, "name", "") or ""
    name = _download_name(stored, kind, original_name, fallback_name)
    mode, prefix = _offload()
    if mode and settings.MOTCUA_STORAGE.get("backend") != "local":
        mode = ""  # an object store has no path for the web server: stream (rule 6)
    if mode:
        handle.close()
        response = HttpResponse(content_type=kind)
        if mode == OFFLOAD_ACCEL:
            response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(stored.lstrip("/"))
        else:
            response["X-Sendfile"] = str(file.path)
    else:
        response = FileResponse(handle, content_type=kind)
    response["Content-Disposition"] = content_disposition(name, inline=inline)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def _download_name(stored: str, kind: str, original_name: str, fallback_name: str) -> str:
    name = original_name or fallback_name or stored.rsplit("/", 1)[-1]
    return uploads.safe_name(name, kind) if kind in uploads.ALLOWED else uploads.safe_name(name, "")


def _signed_redirect(file, original_name: str, content_type: str, fallback_name: str):
    """Rule 6: a short-lived signed URL of the private object, with rules 1–3 in its parameters."""
    from django.core.files.storage import default_storage

    stored = getattr(file, "name", "") or ""
    storage = getattr(file, "storage", None) or default_storage
    if not stored or not storage.exists(stored):
        raise Http404(_("Không có tệp."))
    kind = content_type if content_type in uploads.ALLOWED else ""
    if not kind:
        with storage.open(stored, "rb") as handle:
            kind = uploads.sniff(handle) or "application/octet-stream"
    name = _download_name(stored, kind, original_name, fallback_name)
    url = storage.url(
        stored,
        parameters={
            "ResponseContentType": kind,
            "ResponseContentDisposition": content_disposition(
                name, inline=kind in uploads.INLINE_TYPES
            ),
            "ResponseCacheControl": "private, no-store",
        },
        expire=settings.MOTCUA_STORAGE["signed_url_seconds"],
    )
    response = HttpResponse(status=302)
    response["Location"] = url
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
