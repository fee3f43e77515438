"""The one on-time verdict (QĐ 766 §2.1): SQL expressions and the per-dossier function agree."""

import pytest

from motcua.dossiers import ontime
from motcua.dossiers.models import Dossier
from motcua.printing import context
from tests.dossiers.conftest import at
from tests.reports.conftest import NOW

pytestmark = pytest.mark.django_db

END_OF_MARCH = at(2025, 4, 1, 0, 0)

# name → (late when judged at the end of March, end moment)
EXPECTED = {
    "on_time": (False, at(2025, 3, 10, 10, 0)),
    "paused": (False, at(2025, 3, 4, 9, 0)),  # waiting for a supplement: ends at the request
    "twice": (True, at(2025, 3, 11, 10, 0)),  # two supplement requests: late by rule
    "withdrawn": (False, at(2025, 3, 5, 10, 0)),
    "next": (False, END_OF_MARCH),  # unfinished on 31/3: judged at the period's end
    "overdue": (True, END_OF_MARCH),
    "online": (False, END_OF_MARCH),
}


def test_sql_and_python_verdicts_agree_on_every_case(march):
    rows = Dossier.objects.annotate(
        end=ontime.end_moment(END_OF_MARCH), late=ontime.is_late(END_OF_MARCH)
    ).in_bulk()
    for name, (late, end) in EXPECTED.items():
        dossier = getattr(march, name)
        row = rows[dossier.pk]
        verdict = ontime.dossier_verdict(dossier, at=END_OF_MARCH)
        assert (bool(row.late), row.end) == (late, end), name
        assert (verdict.late, verdict.end) == (late, end), name


def test_a_dossier_judged_before_its_result_is_unfinished(march):
    verdict = ontime.dossier_verdict(march.next, at=at(2025, 3, 31, 12, 0))
    assert (verdict.ended, verdict.end) == (False, at(2025, 3, 31, 12, 0))
    assert ontime.dossier_verdict(march.next, at=NOW).ended


def test_printing_uses_the_same_verdict(march):
    assert context.dossier_outcome(march.twice, now=NOW) == (
        "Quá hạn (yêu cầu bổ sung quá một lần)",
        True,
    )
    assert context.dossier_outcome(march.on_time, now=NOW) == ("Trước hạn", False)
    rows = context.ledger_rows([march.twice, march.overdue], now=NOW)
    assert [r.outcome for r in rows] == ["Quá hạn", "Đang quá hạn"]
