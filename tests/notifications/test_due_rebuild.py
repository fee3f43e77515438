"""``manage.py due_states_rebuild`` (set-based) writes the rows the lifecycle's per-dossier path
writes, on a hand-built set: in time, due soon, overdue, paused, an apology date, closed."""

import io

import pytest
from django.core.management import call_command

from motcua.dossiers import services
from motcua.dossiers.due_state import CLEARED, FIELDS, due_state_apply
from motcua.dossiers.models import Dossier, DossierStep
from tests.dossiers.conftest import at
from tests.notifications.conftest import act, receive

pytestmark = pytest.mark.django_db

NOW = at(2025, 4, 29, 10, 0)  # Tue; 30/4 and 1/5 are holidays


@pytest.fixture
def mixed(world, applicant, documents, holidays, ladder):
    """Six dossiers whose due columns at NOW differ; their step deadlines are 8 working days on."""

    def new(when):
        return receive(world, applicant, documents, when)

    due_soon = new(at(2025, 4, 17, 9, 0))  # step due Tue 29/4 17:00: 8 office hours left at NOW
    overdue = new(at(2025, 4, 2, 9, 0))
    in_time = new(at(2025, 4, 24, 9, 0))
    paused = act(
        at(2025, 4, 25, 10, 0),
        services.dossier_request_supplement,
        dossier=new(at(2025, 4, 18, 9, 0)),
        user=world.users.spec1,
        items=["Bản vẽ mặt cắt"],
    )
    apology = act(
        at(2025, 4, 21, 9, 0),
        services.dossier_apologize,
        dossier=new(at(2025, 4, 3, 9, 0)),
        user=world.users.spec1,
        new_due_at=at(2025, 5, 16, 17, 0),
        reason="Chờ kết quả đo đạc",
    )
    closed = new(at(2025, 4, 10, 9, 0))
    Dossier.objects.filter(pk=closed.pk).update(status="returned")
    return [due_soon, overdue, in_time, paused, apology, closed]


def _wipe(closed):
    """The state of a set written without due columns; the closed dossier keeps a stale one."""
    Dossier.objects.update(**CLEARED)
    DossierStep.objects.update(**CLEARED)
    stale = {"due_state": "overdue", "overdue_since": NOW, "overdue_office_hours": 3}
    Dossier.objects.filter(pk=closed.pk).update(**stale)
    DossierStep.objects.filter(dossier_id=closed.pk).update(**stale)


def _rows():
    return {
        model.__name__: sorted(model.objects.order_by("pk").values_list("pk", *FIELDS))
        for model in (Dossier, DossierStep)
    }


def test_the_rebuild_writes_what_the_per_dossier_path_writes(mixed):
    _wipe(mixed[-1])
    for dossier in mixed:
        act(NOW, due_state_apply, dossier=Dossier.objects.get(pk=dossier.pk), now=NOW)
    expected = _rows()
    states = dict(Dossier.objects.values_list("pk", "due_state"))
    assert [states[d.pk] for d in mixed] == [
        "due_soon",
        "overdue",
        "in_time",
        "paused",
        "in_time",
        "",
    ]

    _wipe(mixed[-1])
    out = io.StringIO()
    act(NOW, call_command, command_name="due_states_rebuild", no_progress=True, stdout=out)
    assert _rows() == expected
    assert "5 open dossiers" in out.getvalue()
    assert "5 dossiers and 5 steps written, 2 stale rows cleared" in out.getvalue()

    out = io.StringIO()  # run again: nothing to write
    act(NOW, call_command, command_name="due_states_rebuild", no_progress=True, stdout=out)
    assert "0 dossiers and 0 steps written, 0 stale rows cleared" in out.getvalue()
    assert _rows() == expected


def test_a_small_batch_size_gives_the_same_rows(mixed):
    from motcua.dossiers.due_rebuild import due_states_rebuild

    _wipe(mixed[-1])
    act(NOW, due_states_rebuild, batch_size=10)
    expected = _rows()
    _wipe(mixed[-1])
    seen = []
    counts = act(NOW, due_states_rebuild, batch_size=1, progress=lambda c: seen.append(c.done))
    assert _rows() == expected
    assert (counts.total, counts.done, counts.cleared) == (5, 5, 2)
    assert seen[:5] == [1, 2, 3, 4, 5]  # one progress call per batch
