"""Files written by a lifecycle transaction that fails are deleted again (core/stored_files.py)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.core import uploads
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierDocument
from tests.portal.conftest import pdf_bytes

pytestmark = pytest.mark.django_db


def _scan(name: str):
    return uploads.accept(SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf"))


def _stored() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def receive_with_scan(world, applicant) -> str:
    """Receive a dossier at the counter with the scan of its first document; return its name."""
    dossier = services.dossier_receive(
        user=world.users.reception,
        procedure=world.procedure,
        unit=world.units.d,
        applicant=applicant,
        documents=[
            {"name": "Đơn đề nghị", "received": True, "file": _scan("don.pdf")},
            {"name": "Bản vẽ", "received": True},
        ],
    )
    (name,) = (
        DossierDocument.objects.filter(dossier=dossier)
        .exclude(file="")
        .values_list("file", flat=True)
    )
    return name


def test_a_refused_counter_reception_leaves_no_file_and_an_accepted_one_keeps_its_own(
    world, applicant
):
    before = _stored()
    # the scan of the first document is written, then the missing second one refuses it all
    with pytest.raises(services.DossierError, match="Còn thiếu giấy tờ bắt buộc"):
        services.dossier_receive(
            user=world.users.reception,
            procedure=world.procedure,
            unit=world.units.d,
            applicant=applicant,
            documents=[{"name": "Đơn đề nghị", "received": True, "file": _scan("don.pdf")}],
        )
    assert not Dossier.objects.exists()
    assert _stored() == before

    name = receive_with_scan(world, applicant)

    assert _stored() == before | {name}
