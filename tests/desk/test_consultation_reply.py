"""A consulted unit replies agree / disagree with an optional signed reply document; the reply
goes through the lifecycle's declared action, shows on the dossier page and on form 06."""

from __future__ import annotations

import pytest

from motcua.dossiers import services
from motcua.dossiers.models import Consultation, DossierEvent
from motcua.dossiers.states import Action
from motcua.printing.context import control_rows
from tests.desk.test_uploads import PDF, REFUSED, SVG, _act, _file

pytestmark = pytest.mark.django_db


@pytest.fixture
def consulted(world, received):
    """At step 2 of the building permit, the Sở Xây dựng is asked (the workflow consults it)."""
    return services.dossier_forward(
        dossier=received, user=world.users.spec1, assignee=world.users.spec2
    )


def _answer(client, d, **data):
    return client.post(_act(d, "answer_consultation"), {"version": d.version, **data})


def test_a_reply_with_a_document_and_a_verdict_is_recorded_and_shown(world, consulted, login):
    client = login(world.users.sxd_spec)
    response = _answer(
        client,
        consulted,
        verdict="disagree",
        answer="Chưa đủ điều kiện về chỉ giới xây dựng.",
        reply_file=_file("Văn bản 125-SXD.pdf", PDF),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    reply = Consultation.objects.get(step__dossier=consulted, unit=world.units.sxd)
    assert reply.verdict == "disagree" and reply.reply_original_name == "Văn bản 125-SXD.pdf"
    event = DossierEvent.objects.filter(dossier=consulted).latest("id")
    assert event.action == Action.ANSWER_CONSULTATION  # the lifecycle's declared path
    assert event.note == "Không đồng ý: Chưa đủ điều kiện về chỉ giới xây dựng."
    assert event.data["verdict"] == "disagree"

    page = login(world.users.spec2).get(f"/desk/dossiers/{consulted.pk}/").content.decode()
    assert "<strong>Không đồng ý</strong>" in page
    url = f"/desk/dossiers/{consulted.pk}/consultations/{reply.pk}/"
    assert url in page
    served = login(world.users.spec2).get(url)
    assert served.status_code == 200 and served["Content-Type"] == "application/pdf"
    assert login(world.users.other_spec).get(url).status_code == 404  # out of scope

    rows, _verdict = control_rows(consulted, now=event.created_at)
    assert any("Có ý kiến (không đồng ý)" in row.note for row in rows)


def test_a_reply_needs_a_verdict(world, consulted, login):
    response = _answer(login(world.users.sxd_spec), consulted, answer="Ý kiến không rõ")
    assert response.status_code == 400
    assert "Cần chọn đồng ý hoặc không đồng ý." in response.content.decode()
    assert not Consultation.objects.filter(step__dossier=consulted).exclude(answered_at=None)


def test_a_reply_document_with_script_is_refused(world, consulted, login):
    response = _answer(
        login(world.users.sxd_spec),
        consulted,
        verdict="agree",
        answer="Đồng ý",
        reply_file=_file("y-kien.pdf", SVG),
    )
    assert response.status_code == 400
    assert REFUSED in response.content.decode()
