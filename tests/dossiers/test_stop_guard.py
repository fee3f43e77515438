"""TT 03/2025/TT-VPCP Điều 7: the stop flow (form 05) only while no decision or result has been
issued; a guard of the declared ``stop`` action (core/lifecycle.py, dossiers/guards.py)."""

from datetime import date

import pytest
import time_machine

from motcua.core.lifecycle import LIFECYCLE, Guard
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.permissions import dossier_available_actions
from motcua.dossiers.services.engine import GuardRefused
from motcua.dossiers.states import Action, Status
from tests.builders import at, receive_at_counter

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_progress(world, applicant, documents):
    with time_machine.travel(at(2025, 3, 3, 9, 0), tick=False):
        return receive_at_counter(world, applicant, documents, assignee=world.users.spec1)


def test_stop_is_declared_with_the_no_result_guard():
    assert LIFECYCLE[Action.STOP].guard == Guard.NO_RESULT_ISSUED


def test_stop_without_a_decision_is_allowed(world, in_progress):
    assert Action.STOP in dossier_available_actions(user=world.users.spec1, dossier=in_progress)
    stopped = services.dossier_stop(
        dossier=in_progress, user=world.users.spec1, reason="Rút yêu cầu"
    )
    assert stopped.status == Status.STOPPED


def test_stop_after_a_decision_was_issued_is_refused_and_changes_nothing(world, in_progress):
    # the decision is on the dossier (its number and date) while it is still in progress
    Dossier.objects.filter(pk=in_progress.pk).update(
        result_number="125/QĐ-UBND", result_date=date(2025, 3, 5)
    )
    dossier = Dossier.objects.get(pk=in_progress.pk)
    events = DossierEvent.objects.filter(dossier=dossier).count()
    assert Action.STOP not in dossier_available_actions(user=world.users.spec1, dossier=dossier)
    with pytest.raises(GuardRefused, match="Điều 7"):
        services.dossier_stop(dossier=dossier, user=world.users.spec1, reason="Dừng")
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROGRESS
    assert DossierEvent.objects.filter(dossier=dossier).count() == events


def test_the_desk_refuses_the_stop_of_a_decided_dossier(client, world, in_progress):
    Dossier.objects.filter(pk=in_progress.pk).update(result_number="125/QĐ-UBND")
    client.force_login(world.users.spec1)
    response = client.post(
        f"/desk/dossiers/{in_progress.pk}/act/stop/",
        {"reason": "Dừng", "version": in_progress.version},
    )
    assert response.status_code == 400
    assert "TT 03/2025/TT-VPCP Điều 7" in response.content.decode()
    assert Dossier.objects.get(pk=in_progress.pk).status == Status.IN_PROGRESS
