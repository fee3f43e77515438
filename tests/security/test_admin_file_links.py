"""Desk model pages link stored files through scope-checked views, never ``/files/…`` (which is
not served at all and answered 404)."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from motcua.procedures.models import RequiredDocument

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_the_dossier_page_links_its_result_file_through_the_desk(world, received, client):
    received.result_file.save("ket-qua.pdf", ContentFile(PDF))
    client.force_login(world.users.leader)
    page = client.get(f"/admin/dossiers/dossier/{received.pk}/change/").content.decode()
    assert f'href="/desk/dossiers/{received.pk}/result/"' in page
    assert 'href="/files/' not in page


def test_the_procedure_page_links_a_blank_form_through_its_scoped_view(world, client):
    document = RequiredDocument.objects.filter(procedure=world.procedure).first()
    document.template_file.save("mau-don.pdf", ContentFile(PDF))
    client.force_login(world.users.admin)
    base = f"/admin/procedures/procedure/{world.procedure.pk}"
    page = client.get(f"{base}/change/").content.decode()
    url = f"{base}/documents/{document.pk}/template/"
    assert f'href="{url}"' in page and 'href="/files/' not in page
    served = client.get(url)
    assert served.status_code == 200 and served["Content-Type"] == "application/pdf"
    assert b"".join(served.streaming_content if served.streaming else [served.content]) == PDF
    client.force_login(world.users.citizen)
    assert client.get(url).status_code in (302, 403)
