"""A dossier's files (documents and result), sent by the one serving policy of
:mod:`motcua.core.serving`.

The *dossier* passed in must come from a scoped read — ``dossiers_visible`` in the desk, the
owner's or the lookup's read in the portal — so scope is checked before any byte is read: a
document of another dossier is a 404, like a dossier out of scope.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _

from motcua.core.serving import file_response
from motcua.dossiers.models import Dossier


def document_file_response(*, dossier: Dossier, document_pk: int):
    """The file of the document *document_pk* of *dossier* (404 if it is not one of its own)."""
    document = next((d for d in dossier.documents.all() if d.pk == document_pk), None)
    if document is None or not document.file:
        raise Http404(_("Không có tệp."))
    return file_response(
        document.file,
        original_name=document.original_name,
        content_type=document.content_type,
        fallback_name=document.name,
    )


def result_file_response(*, dossier: Dossier):
    """The dossier's result file (kết quả giải quyết)."""
    return file_response(
        dossier.result_file,
        original_name=dossier.result_original_name,
        content_type=dossier.result_content_type,
        fallback_name=f"ket-qua-{dossier.code}",
    )


def consultation_file_response(*, dossier: Dossier, consultation_pk: int):
    """The reply document of one consultation of *dossier* (404 if not one of its own)."""
    from motcua.dossiers.models import Consultation

    consultation = Consultation.objects.filter(pk=consultation_pk, step__dossier=dossier).first()
    if consultation is None or not consultation.reply_file:
        raise Http404(_("Không có tệp."))
    return file_response(
        consultation.reply_file,
        original_name=consultation.reply_original_name,
        content_type=consultation.reply_content_type,
        fallback_name=f"y-kien-{consultation.unit_id}",
    )
