"""Helpers shared by the portal's views: login requirement and serving a stored file."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from motcua.portal import uploads


def portal_login_required(view):
    """Send anonymous visitors to the portal's login page (not the desk's)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("portal:login"))
        return view(request, *args, **kwargs)

    return wrapper


def serve_file(file, *, download_name: str, content_type: str | None = None) -> FileResponse:
    """Stream a stored file with its real type (read from its content when unknown).

    PDF and images are shown inline (preview); office documents and anything unrecognised are
    downloaded. ``nosniff`` stops a browser from guessing a different type.
    """
    if not file:
        raise Http404(_("Không có tệp."))
    try:
        handle = file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404(_("Không có tệp.")) from exc
    kind = content_type or uploads.sniff(handle) or "application/octet-stream"
    inline = kind in uploads.INLINE_TYPES
    response = FileResponse(
        handle,
        content_type=kind,
        as_attachment=not inline,
        filename=uploads.safe_name(download_name, kind)
        if kind in uploads.ALLOWED
        else download_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
