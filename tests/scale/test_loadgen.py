"""generate_load: a reproducible provincial set, resumable, refusing another seed on the same data."""

import re
from datetime import date, datetime, time

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db.models import Q

from motcua.core.roles import Role
from motcua.core.selectors import site_calendar
from motcua.core.text import fold
from motcua.dossiers.loadgen import indexes, run
from motcua.dossiers.loadgen.rows import ID_BASE
from motcua.dossiers.models import (
    Dossier,
    DossierDocument,
    DossierEvent,
    DossierPause,
    DossierStep,
)
from motcua.dossiers.search_index import search_index_check
from motcua.dossiers.states import OPEN, PAUSED, TERMINAL, Status
from motcua.procedures.models import ProcedureVersion
from tests.dossiers.test_selectors import expected_visits, stored_visits

CODE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}-\d{6}-\d{4,}$")
UNTIL = date(2026, 12, 1)


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(run, "BATCH", 200)
    # Role groups come from a data migration; an earlier transactional test may have flushed them.
    for role in Role:
        Group.objects.get_or_create(name=role)


def _snapshot(total):
    # Only the generated range: the demo catalogue's own dossiers may take ids after it.
    return list(
        Dossier.objects.filter(pk__gte=ID_BASE, pk__lt=ID_BASE + total)
        .order_by("pk")
        .values_list("pk", "code", "status", "received_at", "due_at", "applicant_name")
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_set_is_plausible_and_the_same_seed_gives_the_same_rows(small_batches):
    assert run.load_generate(dossiers=1000, seed=7, until=UNTIL) == 1000
    rows = Dossier.objects.filter(pk__gte=ID_BASE, pk__lt=ID_BASE + 1000)
    assert rows.count() == 1000
    codes = list(rows.values_list("code", flat=True))
    assert len(set(codes)) == 1000 and all(CODE.match(c) for c in codes)
    shares = _shares(rows)
    assert 0.02 <= shares["open"] <= 0.06  # a few percent (3–5 % expected)
    assert shares["overdue"] < 0.3  # of the open ones: mostly in time at the set's "now"
    assert 0.04 <= shares["late"] <= 0.11  # of the resolved ones (5–10 % expected)
    online = rows.filter(channel=2).count()
    assert 0.25 < online / 1000 < 0.55
    paused = DossierPause.objects.filter(dossier__in=rows)
    assert 0.04 < paused.filter(kind="supplement").count() / 1000 < 0.13
    assert rows.filter(supplement_count=1).count() == paused.filter(kind="supplement").count()
    # The search column is what saving the dossier would fill in.
    for row in rows.values(
        "code",
        "applicant_name",
        "applicant_id_number",
        "applicant_phone",
        "applicant_tax_code",
        "search_text",
    ):
        assert row["search_text"] == fold(
            " ".join(
                [
                    row["code"],
                    row["applicant_name"],
                    row["applicant_id_number"],
                    row["applicant_phone"],
                    row["applicant_tax_code"],
                ]
            )
        )
    # Every step and event belongs to a generated dossier; the current step is one of its steps.
    assert DossierStep.objects.filter(dossier__pk__gte=ID_BASE).count() >= 1000
    assert DossierEvent.objects.filter(dossier__pk__gte=ID_BASE).count() >= 3000
    broken = rows.exclude(current_step=None).exclude(current_step__dossier_id=models_f("pk"))
    assert not broken.exists()
    # The history (written in SQL from the rows) leads to each dossier's status, enters each of
    # its steps once, and has the checklist of its procedure.
    events = DossierEvent.objects.filter(dossier__in=rows).order_by("dossier_id", "id")
    last = dict(events.values_list("dossier_id", "to_status"))
    assert last == dict(rows.values_list("pk", "status"))
    steps = DossierStep.objects.filter(dossier__in=rows)
    entered = list(events.exclude(to_step=None).values_list("to_step_id", flat=True))
    assert sorted(entered) == sorted(steps.values_list("pk", flat=True))
    documents = DossierDocument.objects.filter(dossier__in=rows)
    for dossier_id, version_id in rows.values_list("pk", "procedure_version_id")[:50]:
        names = documents.filter(dossier_id=dossier_id).values_list("name", flat=True)
        checklist = ProcedureVersion.objects.get(pk=version_id).snapshot.get("documents", [])
        assert sorted(names) == sorted(d["name"] for d in checklist[:4])  # the first four
    search_index_check()  # SQLite: the raw INSERTs reached the desk search's index (triggers)
    # Receipts in office hours of working days (make-up Saturdays included).
    calendar = site_calendar()
    for received in rows.exclude(received_at=None).values_list("received_at", flat=True):
        assert calendar.is_office_moment(received)
    # The units visited besides the receiving one are kept for the scoped selector.
    assert stored_visits() == expected_visits()
    assert stored_visits()  # the set has consultations with departments

    first = _snapshot(1000)
    assert run.load_generate(dossiers=1000, seed=7, until=UNTIL) == 0  # idempotent
    _forget(ID_BASE + 400, ID_BASE + 600)  # a killed run
    assert run.load_generate(dossiers=1000, seed=7) == 200  # resumes with the stored parameters
    assert _snapshot(1000) == first

    with pytest.raises(CommandError, match="--seed 7"):
        call_command("generate_load", dossiers=1000, seed=8, no_progress=True)


def _shares(rows) -> dict[str, float]:
    """Open share of the set, overdue share of the open ones at the set's "now" (midnight that
    starts UNTIL, where receipts stop; paused ones and online ones not yet received are not
    overdue), late share of the resolved ones."""
    now = datetime.combine(UNTIL, time.min, tzinfo=site_calendar().tz)
    open_ = rows.filter(status__in=list(OPEN))
    # overdue as the desk measures it: the dossier's deadline or its open current step's passed
    overdue = (
        open_.exclude(status__in=[*PAUSED, Status.SUBMITTED])
        .filter(Q(due_at__lte=now) | Q(current_step__state="open", current_step__due_at__lte=now))
        .distinct()
    )
    done = rows.filter(status__in=list(TERMINAL)).exclude(due_at=None)
    late = done.filter(finished_at__gt=models_f("due_at"))
    return {
        "open": open_.count() / rows.count(),
        "overdue": overdue.count() / open_.count(),
        "late": late.count() / done.count(),
    }


def _forget(lo: int, hi: int) -> None:
    """Remove dossiers lo..hi and every row that belongs to them, as a killed batch leaves it.

    The history is append-only and protected (database triggers on MariaDB, PROTECT foreign
    keys): only the data reset path (foreign-key checks off, as ``flush`` does) may remove it.
    """
    from django.db import connection

    q = connection.ops.quote_name
    where = f"BETWEEN {lo} AND {hi - 1}"
    with connection.constraint_checks_disabled(), connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {q('dossiers_consultation')} WHERE step_id IN "
            f"(SELECT id FROM {q('dossiers_dossierstep')} WHERE dossier_id {where})"
        )
        cursor.execute(
            f"UPDATE {q('dossiers_dossier')} SET current_step_id = NULL WHERE id {where}"
        )
        for table in connection.introspection.table_names():
            with connection.cursor() as inner:
                columns = {
                    c.name for c in connection.introspection.get_table_description(inner, table)
                }
            if "dossier_id" in columns:
                cursor.execute(f"DELETE FROM {q(table)} WHERE dossier_id {where}")
        cursor.execute(f"DELETE FROM {q('dossiers_dossier')} WHERE id {where}")


def models_f(name):
    from django.db.models import F

    return F(name)


@pytest.mark.mariadb  # worker processes need a database they can all connect to
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_processes_write_the_same_rows(small_batches):
    run.load_generate(dossiers=600, seed=3, until=UNTIL)
    serial = _snapshot(600)
    _forget(ID_BASE, ID_BASE + 600)
    run.load_generate(dossiers=600, seed=3, until=UNTIL, jobs=2)
    assert _snapshot(600) == serial


class _Killed(Exception):
    pass


@pytest.mark.mariadb  # indexes are set aside on MariaDB only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_run_killed_without_its_indexes_gets_them_back_on_the_rerun(small_batches, monkeypatch):
    before = indexes.present()
    run.load_generate(dossiers=1000, seed=5, until=UNTIL, defer_indexes=False)
    kept = _snapshot(1000)
    _forget(ID_BASE, ID_BASE + 1000)

    def kill_after_three_batches(done, total):
        if done >= 600:
            raise _Killed

    with pytest.raises(_Killed):
        run.load_generate(
            dossiers=1000,
            seed=5,
            until=UNTIL,
            defer_indexes=True,
            progress=kill_after_three_batches,
        )
    pending = run.stored_meta()[run.DEFERRED_KEY]
    assert "dossier_received_idx" in pending["dossiers_dossier"]
    assert "dossier_received_idx" not in indexes.present()["dossiers_dossier"]
    assert "code" in indexes.present()["dossiers_dossier"]  # unique ones stay

    assert run.load_generate(dossiers=1000, seed=5) == 400
    assert indexes.present() == before
    assert run.DEFERRED_KEY not in run.stored_meta()
    assert _snapshot(1000) == kept  # the same rows with or without the indexes


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_finished_set_gets_its_due_states_and_summaries_once(small_batches):
    from motcua.dossiers.due_fields import DueState
    from motcua.dossiers.states import OPEN
    from motcua.reports.models import MonthSummary

    run.load_generate(dossiers=400, seed=9, until=UNTIL)
    generated = Dossier.objects.filter(pk__gte=ID_BASE, pk__lt=ID_BASE + 400)
    assert run.load_finish() is True
    tracked = generated.filter(status__in=list(OPEN)).exclude(due_at=None)
    assert tracked.exists()
    assert not tracked.filter(due_state=DueState.NONE).exists()
    assert MonthSummary.objects.exists()
    assert run.load_finish() is False  # ready: nothing to do until rows are added
    assert run.stored_meta()[run.READY_KEY] is True
