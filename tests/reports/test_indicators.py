"""QĐ 766 indicators on the hand-built set of conftest.py; every expected number is by hand."""

from decimal import Decimal

import pytest

from motcua.dossiers.models import Dossier
from motcua.reports import indicators as ind
from tests.reports.conftest import APRIL, MARCH, NOW

pytestmark = pytest.mark.django_db


def _march(world):
    return ind.indicators(
        Dossier.objects.all(),
        ind.window(*MARCH, now=NOW),
        procedures=world.procedure.__class__.objects.all(),
    )


def test_march_counts_follow_the_on_time_rule(world, march):
    v = _march(world)
    # received in March: on_time, paused, twice, withdrawn, next, online, lechan (training and
    # the February one are not); handled adds the February dossier still open on 1/3.
    assert (v["received"], v["handled"]) == (7, 8)
    # ended in March: on_time (10/3), twice (11/3, late by rule), withdrawn (5/3)
    assert (v["resolved"], v["resolved_on_time"], v["resolved_late"]) == (3, 2, 1)
    assert (v["with_result"], v["withdrawn"], v["refused_stopped"]) == (2, 1, 0)
    # open at the end of March: paused (judged at its request 4/3 ≤ 24/3), next, online,
    # lechan in time; the February one overdue since 24/2.
    assert (v["pending"], v["pending_in_time"], v["pending_overdue"]) == (5, 4, 1)
    assert v["on_time_rate"] == Decimal("75.00")  # (2 + 4) / 8


def test_march_shares_and_satisfaction(world, march):
    v = _march(world)
    assert v["online_rate"] == Decimal("14.29")  # 1 online of 7 received
    assert v["paid_online_rate"] == Decimal("100.00")  # 1 of the 1 with a fee
    assert v["electronic_result_rate"] == Decimal("50.00")  # on_time of on_time, twice
    assert v["digitised_rate"] == Decimal("14.29")  # on_time's scanned document, of 7
    assert v["late_rate"] == Decimal("25.00")  # (1 ended late + 1 pending overdue) / 8
    assert v["dissatisfied_rate"] == Decimal("12.50")  # 1 rated ≤ 2 of 8
    assert v["satisfaction_rate"] == Decimal("62.50")  # 100 − 25 − 12.5
    # one procedure, offered partly online
    assert (v["procedures"], v["online_partial"], v["online_procedure_rate"]) == (
        1,
        1,
        Decimal("100.00"),
    )


def test_average_processing_time_excludes_pauses_and_counts_later_results(world, march):
    v = _march(world)
    # received in March with a result: on_time 41 h, twice 49 h − 16 h paused = 33 h,
    # next (result in April) 49 h → 41 h = 5.125 working days of 8 h
    assert v["avg_processing_days"] == Decimal("5.13")
    assert march.twice.processing_time.office_seconds == 33 * 3600
    assert march.on_time.processing_time.amount == Decimal("5.13")


def test_a_dossier_received_in_march_and_resolved_in_april_counts_in_both(world, march):
    v = ind.indicators(Dossier.objects.all(), ind.window(*APRIL, now=NOW))
    # handled in April: paused, next, overdue, online, lechan; next ended on time on 2/4
    assert (v["received"], v["handled"], v["resolved"], v["resolved_on_time"]) == (0, 5, 1, 1)
    # at the end of April: paused still in time; overdue, online and lechan (due 10/4) late
    assert (v["pending_in_time"], v["pending_overdue"]) == (1, 3)
    assert v["on_time_rate"] == Decimal("40.00")
    assert v["online_rate"] is None  # nothing received: N/A, not 0


def test_training_dossiers_are_never_counted(world, march):
    w = ind.window(*MARCH, now=NOW)
    for m in ind.COUNTS:
        assert not ind.drilldown(Dossier.objects.all(), w, m.key).filter(is_training=True)


def test_every_count_equals_its_drilldown_list(world, march):
    w = ind.window(*MARCH, now=NOW)
    counts = ind.indicator_counts(Dossier.objects.all(), w)
    for m in ind.COUNTS:
        assert ind.drilldown(Dossier.objects.all(), w, m.key).count() == counts[m.key], m.key


def test_grouping_by_unit_splits_the_province_numbers(world, march):
    w = ind.window(*MARCH, now=NOW)
    rows = {r["unit"]: r for r in ind.indicator_rows(Dossier.objects.all(), w, "unit")}
    assert rows[world.units.d.pk]["received"] == 6
    assert rows[world.units.d2.pk]["received"] == 1
    assert rows[world.units.d2.pk]["on_time_rate"] == Decimal("100.00")


def test_score_uses_the_editable_thresholds(world, march):
    from motcua.reports.models import IndicatorSetting

    v = _march(world)
    lines = {line["code"]: line for line in v["score"]["lines"]}
    # 3.3: 14.29% online of a 50% target, 10 points → 14.29 × 10 / 50
    assert lines["3.3"]["points"] == Decimal("2.86")
    assert lines["3.6"]["points"] == Decimal("10")
    IndicatorSetting.objects.filter(code="3.3").update(target_percent=10)
    lines = {line["code"]: line for line in _march(world)["score"]["lines"]}
    assert lines["3.3"]["points"] == Decimal("10")
