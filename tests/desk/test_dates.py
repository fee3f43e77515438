"""Desk date inputs: text inputs showing dd/mm/yyyy, read day first (config/formats)."""

from datetime import date

import pytest
from django.utils import translation

from motcua.desk.forms import ApologyForm, IssueResultForm
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.printing.forms import LedgerForm


@pytest.mark.django_db
def test_desk_and_ledger_date_inputs_are_text_showing_dd_mm_yyyy(world, received):
    with translation.override("vi"):
        issue = IssueResultForm(dossier=received, user=world.users.leader).as_p()
        apology = ApologyForm(dossier=received, user=world.users.leader).as_p()
        ledger = LedgerForm(user=world.users.reception).as_p()
    for html in (issue, ledger):
        assert 'type="date"' not in html and 'placeholder="dd/mm/yyyy"' in html
    assert 'type="datetime-local"' not in apology and "dd/mm/yyyy hh:mm" in apology


@pytest.mark.django_db
def test_an_officer_types_the_result_date_day_first(world, received, login):
    u = world.users
    d = services.dossier_forward(dossier=received, user=u.spec1, assignee=u.spec2)
    d = services.consultation_answer(dossier=d, user=u.sxd_spec, answer="Đồng ý")
    d = services.dossier_forward(dossier=d, user=u.spec2)

    response = login(u.leader).post(
        f"/desk/dossiers/{d.pk}/act/issue_result/",
        {"version": d.version, "result_number": "125/GPXD", "result_date": "10/03/2025"},
    )

    assert response.status_code == 302
    assert Dossier.objects.get(pk=d.pk).result_date == date(2025, 3, 10)
