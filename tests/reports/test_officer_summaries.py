"""Per-officer monthly summaries: kept by the lifecycle == rebuilt == the direct formula, the
officer ranking's late steps and their list, and the figures the officer evaluation shows."""

from datetime import date

import pytest
import time_machine

from motcua.dossiers.models import Dossier
from motcua.reports import dashboard as dash
from motcua.reports import indicators as ind
from motcua.reports import summary_reads
from motcua.reports.models import OfficerEntry, OfficerMonth
from motcua.reports.officer_summaries import (
    COLUMNS,
    officer_counts_direct,
    officer_months_rebuild,
)
from motcua.reports.selectors import SYSTEM_READER, report_scope
from motcua.reports.summaries_rebuild import entries_rebuild
from tests.reports.conftest import APRIL, MARCH, NOW

pytestmark = pytest.mark.django_db

PERIODS = [
    MARCH,
    APRIL,
    (date(2025, 1, 1), date(2025, 12, 31)),  # the year, not over
    (date(2025, 3, 5), date(2025, 4, 20)),  # part months at both ends
    (date(2025, 3, 10), date(2025, 3, 20)),  # inside one month: the steps themselves
    (date(2025, 2, 15), date(2025, 5, 31)),  # from mid-February to a month not over
]


def _rows() -> dict:
    return {
        (r.month, r.assignee_id, r.unit_id, r.procedure_id, r.channel): tuple(
            getattr(r, c) for c in COLUMNS
        )
        for r in OfficerMonth.objects.all()
        if any(getattr(r, c) for c in COLUMNS)
    }


def test_incremental_rebuilt_and_direct_formula_agree(world, late_step):
    incremental = _rows()
    with time_machine.travel(NOW, tick=False):
        OfficerEntry.objects.all().delete()
        OfficerMonth.objects.all().delete()
        entries_rebuild()
        officer_months_rebuild()
    assert _rows() == incremental
    scope = report_scope(user=SYSTEM_READER)
    for period in PERIODS:
        w = ind.window(*period, now=NOW)
        direct = officer_counts_direct(Dossier.objects.all(), w)
        assert summary_reads.officer_counts(scope, w, now=NOW) == direct, period
    # by hand (March): spec1 finished the first step of on_time, twice, withdrawn (5/3) and
    # next (26/3) in time, and the February dossier's on 12/3 after its due moment (13/2); asked
    # for the supplements of paused and twice; spec2 finished three consultation steps in time;
    # the leader asked for twice's second supplement (the leader's steps are not assigned).
    u = world.users
    march = summary_reads.officer_counts(scope, ind.window(*MARCH, now=NOW), now=NOW)
    assert {k: march[u.spec1.pk][k] for k in ("steps", "late_steps", "supplements")} == {
        "steps": 5,
        "late_steps": 1,
        "supplements": 2,
    }
    assert (march[u.spec2.pk]["steps"], march[u.spec2.pk]["late_steps"]) == (3, 0)
    assert (march[u.leader.pk]["steps"], march[u.leader.pk]["supplements"]) == (0, 1)


def test_the_ranking_counts_late_steps_and_lists_their_dossiers(world, late_step):
    scope = report_scope(user=SYSTEM_READER)
    w = ind.window(*MARCH, now=NOW)
    with time_machine.travel(NOW, tick=False):
        rows = dash.overdue_officers(scope, w)
    assert [(r["assignee"], r["late_steps"]) for r in rows] == [(world.users.spec1.pk, 1)]
    listed = dash.drilldown(
        scope.dossiers, scope.credited(w), dash.OFFICER_LATE, officer=rows[0]["assignee"]
    )
    assert [d.pk for d in listed] == [late_step.overdue.pk]
    # a unit leader of Lê Chân sees neither the number nor the list (the dossier is Hồng Bàng's)
    other = report_scope(user=world.users.other_spec)
    with time_machine.travel(NOW, tick=False):
        assert dash.overdue_officers(other, w) == []
    assert not dash.drilldown(
        other.dossiers, other.credited(w), dash.OFFICER_LATE, officer=world.users.spec1.pk
    ).exists()


def test_a_dossier_with_two_late_steps_of_one_officer_is_listed_twice(world, late_step):
    """The number counts steps; its list has one row per step, so the two agree."""
    from motcua.dossiers.models import DossierStep
    from motcua.reports.summaries import summary_refresh
    from tests.dossiers.conftest import at

    first = DossierStep.objects.get(dossier=late_step.overdue, assignee=world.users.spec1)
    second = DossierStep.objects.get(pk=first.pk)
    second.pk = None
    second.started_at, second.finished_at = at(2025, 3, 12, 10, 0), at(2025, 3, 14, 9, 0)
    second.due_at = at(2025, 3, 13, 17, 0)
    second.save()
    with time_machine.travel(NOW, tick=False):
        summary_refresh(dossier_ids=[late_step.overdue.pk])
    scope = report_scope(user=SYSTEM_READER)
    w = ind.window(*MARCH, now=NOW)
    with time_machine.travel(NOW, tick=False):
        rows = dash.overdue_officers(scope, w)
    assert rows[0]["late_steps"] == 2
    listed = dash.drilldown(
        scope.dossiers, scope.credited(w), dash.OFFICER_LATE, officer=rows[0]["assignee"]
    )
    assert listed.count() == 2 and {d.pk for d in listed} == {late_step.overdue.pk}
