"""Monthly summaries: kept by the lifecycle == rebuilt from the dossiers == the direct formula."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command

from motcua.dossiers.models import Dossier
from motcua.reports import indicators as ind
from motcua.reports import summary_reads
from motcua.reports.models import MonthSummary, SummaryEntry
from motcua.reports.selectors import SYSTEM_READER, report_scope
from motcua.reports.summaries import COLUMNS, summaries_roll
from motcua.reports.summaries_rebuild import entries_rebuild, summaries_rebuild
from tests.reports.conftest import APRIL, MARCH, NOW

pytestmark = pytest.mark.django_db

PERIODS = [
    MARCH,
    APRIL,
    (date(2025, 1, 1), date(2025, 3, 31)),  # a quarter
    (date(2025, 2, 1), date(2025, 4, 30)),  # across the February dossier's due date
    (date(2025, 1, 1), date(2025, 12, 31)),  # the year, not over: pending judged now
    (date(2025, 5, 1), date(2025, 5, 31)),  # the month of "now"
]


def _rows() -> dict:
    return {
        (r.month, r.unit_id, r.procedure_id, r.channel): tuple(getattr(r, c) for c in COLUMNS)
        for r in MonthSummary.objects.all()
        if any(getattr(r, c) for c in COLUMNS)
    }


@pytest.fixture
def kept(march):
    """The set as the desk leaves it at NOW: the due sweep rolled the months that ended."""
    with time_machine.travel(NOW, tick=False):
        summaries_roll()
    return march


def test_incremental_rebuilt_and_direct_formula_agree(world, kept):
    incremental = _rows()
    assert incremental  # the lifecycle wrote rows
    with time_machine.travel(NOW, tick=False):
        entries = SummaryEntry.objects.count()
        MonthSummary.objects.all().delete()
        SummaryEntry.objects.all().delete()
        assert entries_rebuild() == entries == 8  # every counted dossier (not training)
        summaries_rebuild()
    assert _rows() == incremental
    scope = report_scope(user=SYSTEM_READER)
    for period in PERIODS:
        w = ind.window(*period, now=NOW)
        assert summary_reads.served(w, now=NOW), period
        fast = summary_reads.counts(scope, w, now=NOW)
        direct = ind.indicator_counts(Dossier.objects.all(), w)
        for key in ind.SUMMED:
            assert fast[key] == (direct[key] or 0), (period, key)


def test_the_sql_rebuild_in_month_batches_and_from_a_month_gives_the_same_rows(world, kept):
    """The rebuild sums in the database, a batch of months per transaction: any batch size and a
    rebuild from a given month give the lifecycle's rows; a stale month loses its rows."""
    from django.db.models import F

    incremental = _rows()
    months = sorted({key[0] for key in incremental})
    assert len(months) >= 3
    MonthSummary.objects.filter(month__gte=months[1]).update(received=F("received") + 5)
    row = MonthSummary.objects.order_by("month").first()
    MonthSummary.objects.create(
        month=date(2026, 1, 1),
        unit_id=row.unit_id,
        procedure_id=row.procedure_id,
        channel=row.channel,
        received=3,
    )
    with time_machine.travel(NOW, tick=False):
        written = summaries_rebuild(first_month=months[1], months_per_batch=1)
    assert _rows() == incremental
    assert written == sum(1 for key in incremental if key[0] >= months[1])
    MonthSummary.objects.all().delete()
    with time_machine.travel(NOW, tick=False):
        summaries_rebuild(months_per_batch=2)
    assert _rows() == incremental


def test_the_hand_computed_figures_come_out_of_the_summaries(world, kept):
    scope = report_scope(user=SYSTEM_READER)
    v = summary_reads.indicators(scope, ind.window(*MARCH, now=NOW), now=NOW)
    assert (v["received"], v["handled"]) == (7, 8)
    assert (v["resolved"], v["resolved_on_time"], v["resolved_late"]) == (3, 2, 1)
    assert (v["pending"], v["pending_in_time"], v["pending_overdue"]) == (5, 4, 1)
    assert v["on_time_rate"] == Decimal("75.00")
    assert v["satisfaction_rate"] == Decimal("62.50")
    assert v["avg_processing_days"] == Decimal("5.13")
    assert v["digitised_rate"] == Decimal("14.29")
    a = summary_reads.indicators(scope, ind.window(*APRIL, now=NOW), now=NOW)
    assert (a["handled"], a["resolved_on_time"], a["pending_in_time"], a["pending_overdue"]) == (
        5,
        1,
        1,
        3,
    )


def test_a_month_not_rolled_yet_is_read_from_the_dossiers(world, march):
    """Before the sweep rolls the ended months, the summaries lack their stocks: the dashboard
    falls back to the dossiers rather than show a wrong number."""
    w = ind.window(*MARCH, now=NOW)
    assert not summary_reads.served(w, now=NOW)
    scope = report_scope(user=SYSTEM_READER)
    assert summary_reads.counts(scope, w, now=NOW)["handled"] == 8


def test_a_period_of_part_months_is_read_from_the_dossiers(world, kept):
    w = ind.window(date(2025, 3, 5), date(2025, 3, 20), now=NOW)
    assert not summary_reads.served(w, now=NOW)
    scope = report_scope(user=SYSTEM_READER)
    fast = summary_reads.counts(scope, w, now=NOW)
    assert fast["received"] == ind.indicator_counts(Dossier.objects.all(), w)["received"] == 2


def test_a_rating_moves_the_dissatisfied_count_in_the_same_transaction(world, kept):
    from motcua.portal.services import rating_create

    scope = report_scope(user=SYSTEM_READER)
    w = ind.window(*MARCH, now=NOW)
    with time_machine.travel(NOW, tick=False):
        rating_create(dossier=kept.twice, user=None, score=1)
        assert summary_reads.counts(scope, w, now=NOW)["dissatisfied"] == 2
    assert ind.indicator_counts(Dossier.objects.all(), w)["dissatisfied"] == 2


def test_a_recalculated_due_moment_updates_past_verdicts(world, kept):
    from motcua.dossiers.recalculation import dossier_due_moves_apply
    from tests.dossiers.conftest import at

    scope = report_scope(user=SYSTEM_READER)
    w = ind.window(*MARCH, now=NOW)
    with time_machine.travel(NOW, tick=False):
        # the February dossier (due 24/2) gets a later due moment: in time at the end of March
        dossier_due_moves_apply([(kept.overdue.pk, at(2025, 4, 30, 17, 0))])
        fast = summary_reads.counts(scope, w, now=NOW)
    direct = ind.indicator_counts(Dossier.objects.all(), w)
    assert (fast["pending_in_time"], fast["pending_overdue"]) == (5, 0)
    assert (direct["pending_in_time"], direct["pending_overdue"]) == (5, 0)


def test_the_rebuild_command_refuses_a_malformed_date(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as caught:
        call_command("reports_rebuild", "--from", "2025-13-01")
    assert caught.value.returncode == 2


def test_the_rebuild_command_backfills_a_range(world, kept):
    incremental = _rows()
    MonthSummary.objects.filter(month__gte=date(2025, 3, 1)).delete()
    SummaryEntry.objects.filter(received_month=date(2025, 3, 1)).delete()
    with time_machine.travel(NOW, tick=False):
        call_command("reports_rebuild", "--from", "2025-03-01", "--to", "2025-03-31")
    assert _rows() == incremental


def test_a_builder_count_of_whole_months_is_read_from_the_summaries(world, kept, superuser):
    from motcua.reports import builder

    received = {"field": "received_at", "op": "range", "value": ["2025-02-01", "2025-03-31"]}
    group_by = ["unit.name", "procedure.name"]
    plan = builder.validate(
        {"group_by": group_by, "aggregates": [{"fn": "count"}], "filters": [received]}
    )
    assert builder.summary_plan(plan, user=superuser)
    assert not builder.summary_plan(plan, user=world.users.leader)  # a partial scope: dossiers
    raw = builder.validate(  # an average is not in the summaries: read from the dossiers
        {
            "group_by": group_by,
            "aggregates": [{"fn": "count"}, {"fn": "avg", "field": "fee_total"}],
            "filters": [received],
        }
    )
    assert not builder.summary_plan(raw, user=superuser)
    fast = {
        (r["unit__name"], r["procedure__name"]): r["count"]
        for r in builder.run(plan, user=superuser)
    }
    slow = {
        (r["unit__name"], r["procedure__name"]): r["count"]
        for r in builder.run(raw, user=superuser)
    }
    assert fast == slow and sum(fast.values()) == 8  # 7 in March and the February one
    assert builder.totals(plan, user=superuser)["count"] == 8
    part = builder.validate(
        {
            "group_by": group_by,
            "aggregates": [{"fn": "count"}],
            "filters": [{**received, "value": ["2025-03-05", "2025-03-31"]}],
        }
    )
    assert not builder.summary_plan(part, user=superuser)  # part of a month: the dossiers


def test_the_weekly_repair_restores_what_a_write_outside_the_hooks_broke(world, kept):
    from motcua.reports.summaries_rebuild import summaries_repair
    from tests.dossiers.conftest import at

    incremental = _rows()
    MonthSummary.objects.filter(month=date(2025, 4, 1)).update(received=99)
    summaries_repair(now=at(2025, 5, 5, 9, 0))  # from 1 April on
    assert _rows() == incremental


PARTIAL = [
    (date(2025, 2, 10), date(2025, 4, 20)),  # part months at both ends, March whole
    (date(2025, 2, 10), date(2025, 3, 31)),  # from mid-February: its open dossier at the start
    (date(2025, 3, 21), date(2025, 4, 30)),  # after the Lê Chân and online receptions
    (date(2025, 3, 15), date(2025, 5, 31)),  # mid-month to a month not over: pending now
    (date(2025, 1, 20), date(2025, 3, 11)),  # ends on the day twice got its result
]


def test_a_period_starting_mid_month_reads_whole_months_and_the_days_around(world, kept):
    """Whole months from the summaries and the days at either end from the dossiers received or
    ended in them: the same numbers as the direct formula, in total and per unit."""
    scope = report_scope(user=SYSTEM_READER)
    for period in PARTIAL:
        w = ind.window(*period, now=NOW)
        head, months, tail = summary_reads.month_split(w, now=NOW)
        assert months is not None and (head or tail), period  # the split path, not the dossiers
        fast = summary_reads.counts(scope, w, now=NOW)
        direct = ind.indicator_counts(Dossier.objects.all(), w)
        for key in ind.SUMMED:
            assert fast[key] == (direct[key] or 0), (period, key)
        by_unit = ind.combine(summary_reads.grouped_counts(scope, w, "unit", now=NOW), "unit")
        slow = ind.combine(ind.grouped_counts(Dossier.objects.all(), w, "unit"), "unit")
        assert {r["unit"]: r["handled"] for r in by_unit if r["handled"]} == {
            r["unit"]: r["handled"] for r in slow if r["handled"]
        }, period
    # by hand, 10/2–20/4: open at the start the February dossier (received 3/2); received the
    # seven others but training; ended on_time, twice, withdrawn and next (2/4)
    v = summary_reads.counts(scope, ind.window(*PARTIAL[0], now=NOW), now=NOW)
    assert (v["handled"], v["received"], v["resolved"]) == (8, 7, 4)
    assert (v["pending_in_time"], v["pending_overdue"]) == (1, 3)  # judged at 20/4: paused waits
    from motcua.reports.dashboard import monthly_trend

    trend = monthly_trend(scope, *PARTIAL[0], now=NOW)  # February and April in part
    assert [(m["received"], m["on_time"], m["late"]) for m in trend] == [
        (0, 0, 0),  # 10–28/2: the February dossier came on 3/2
        (7, 2, 1),  # March (whole): on_time and withdrawn in time, twice late by rule
        (0, 1, 0),  # 1–20/4: next ended on 2/4
    ]


def test_a_report_summing_fees_over_whole_months_reads_the_summaries(
    world, kept, superuser, monkeypatch
):
    """Whole months from the summaries; the days of part months at either end (10/2–28/2,
    1/4–20/4) from their dossiers: the same groups and totals as the dossiers alone."""
    from motcua.reports import builder, builder_summaries

    plans = [
        builder.validate(
            {
                "group_by": ["unit.name", "procedure.name"],
                "aggregates": [{"fn": "count"}, {"fn": "sum", "field": "fee_total"}],
                "filters": [{"field": "received_at", "op": "range", "value": [low, high]}],
            }
        )
        for low, high in (("2025-01-01", "2025-04-30"), ("2025-02-10", "2025-04-20"))
    ]
    served = []
    for plan in plans:
        assert builder.summary_plan(plan, user=superuser)
        served.append((builder.run(plan, user=superuser), builder.totals(plan, user=superuser)))
    assert builder_summaries.summary_source(plans[1], user=superuser).edges
    # the same plans on the dossiers
    monkeypatch.setattr(builder_summaries, "summary_source", lambda *a, **k: None)
    for plan, (rows, totals) in zip(plans, served, strict=True):
        assert rows == builder.run(plan, user=superuser)
        assert totals == builder.totals(plan, user=superuser)
    # the online dossier's fee only; 10/2–20/4 holds the seven March dossiers
    assert served[0][1] == {"count": 8, "sum__fee_total": 200000}
    assert served[1][1] == {"count": 7, "sum__fee_total": 200000}
