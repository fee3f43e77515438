"""Writes of the printing module: signing PDFs with the unit's certificate."""

from __future__ import annotations

from django.utils.translation import gettext as _

from motcua.dossiers.selectors import dossiers_visible
from motcua.printing.signing import sign_pdf


class NoResultPdf(Exception):
    """The dossier has no result file in PDF; the message is for the officer."""


def pdf_sign(*, pdf: bytes, reason: str | None = None) -> bytes:
    """Return *pdf* signed (PAdES) with the site's certificate; raises ``SigningUnavailable``."""
    return sign_pdf(pdf, reason=reason)


def dossier_result_pdf(*, user, pk: int) -> tuple[bytes, str]:
    """Return the result PDF of a dossier visible to *user* and its file name.

    Raises ``Dossier.DoesNotExist`` outside the user's scope and :class:`NoResultPdf` when the
    result is missing or not a PDF (only PDFs can carry a PAdES signature).
    """
    dossier = dossiers_visible(user=user).get(pk=pk)
    if not dossier.result_file:
        raise NoResultPdf(_("Hồ sơ chưa có tệp kết quả."))
    with dossier.result_file.open("rb") as handle:
        content = handle.read()
    if not content.startswith(b"%PDF-"):
        raise NoResultPdf(_("Tệp kết quả không phải PDF nên không ký số được."))
    return content, f"ket-qua-{dossier.code}.pdf"
