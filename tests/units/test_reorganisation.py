"""Unit reorganisations: a merger of three communes, a split, a rename, a closure with dossiers
assigned one by one, and statistics read by the current and by the historical structure.

The merger world (:func:`tests.builders.build_communes`): on Mon 2/6/2025 the counters of xã An
Hồng (A), Lê Thiện (B) and Đại Bản (C) receive, at 09:00, 09:10, 09:20 …:

    A: a_open (in progress, with chuyenvien.anhong), a_paused (supplement asked 3/6 09:00),
       a_done (result issued 4/6 10:00, returned 15:00)
    B: b_open (in progress), b_suspended (suspended 3/6 10:00)
    C: c_done (refused 3/6 11:00)

On 1/7/2025 (the decision's effective date, NQ 1669/NQ-UBTVQH15) the three merge into the new
phường An Dương (``H27.10.25``, a QĐ 20/2020 code).
"""

from __future__ import annotations

import json
from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client

from motcua.core.roles import Role
from motcua.dossiers import reorganisation as reorg
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierEvent, DossierStep, StepState
from motcua.dossiers.selectors import dossiers_visible
from motcua.dossiers.states import Action, Status
from motcua.printing.registry import build_dossier_form, form_spec
from motcua.reports import indicators as ind
from motcua.reports.selectors import SYSTEM_READER, report_scope
from motcua.units.history import unit_identity_at, units_of
from motcua.units.models import (
    Membership,
    MembershipPolicy,
    Reorganisation,
    ReorganisationKind,
    ReorganisationStatus,
    Unit,
    UnitSuccession,
)
from tests.builders import at, build_communes
from tests.units.factories import make_membership, make_unit, make_user

pytestmark = pytest.mark.django_db

DOCS = [{"name": "Giấy đề nghị", "received": True}]
MERGER_DAY = date(2025, 7, 1)
AFTER = at(2025, 7, 1, 8, 0)


def _act(moment, func, **kwargs):
    with time_machine.travel(moment, tick=False):
        return func(**kwargs)


def _receive(c, i, moment, applicant):
    return _act(
        moment,
        services.dossier_receive,
        user=c.reception[i],
        procedure=c.procedure,
        unit=c.units[i],
        applicant=applicant,
        documents=DOCS,
        assignee=c.specialists[i],
    )


@pytest.fixture
def merger(world, applicant):
    c = build_communes(world)
    d = {}
    d["a_open"] = _receive(c, 0, at(2025, 6, 2, 9, 0), applicant)
    d["a_paused"] = _receive(c, 0, at(2025, 6, 2, 9, 10), applicant)
    d["a_done"] = _receive(c, 0, at(2025, 6, 2, 9, 20), applicant)
    d["b_open"] = _receive(c, 1, at(2025, 6, 2, 9, 30), applicant)
    d["b_suspended"] = _receive(c, 1, at(2025, 6, 2, 9, 40), applicant)
    d["c_done"] = _receive(c, 2, at(2025, 6, 2, 9, 50), applicant)
    s = c.specialists
    _act(
        at(2025, 6, 3, 9, 0),
        services.dossier_request_supplement,
        dossier=d["a_paused"],
        user=s[0],
        items=["Bản sao hợp đồng thuê nhà"],
    )
    _act(
        at(2025, 6, 4, 10, 0),
        services.dossier_issue_result,
        dossier=d["a_done"],
        user=s[0],
        result_number="12/GCN",
        result_date=date(2025, 6, 4),
    )
    _act(
        at(2025, 6, 4, 15, 0),
        services.dossier_return_result,
        dossier=d["a_done"],
        user=c.reception[0],
        delivery="counter",
    )
    _act(
        at(2025, 6, 3, 10, 0),
        services.dossier_suspend,
        dossier=d["b_suspended"],
        user=s[1],
        reason="Chờ ý kiến cơ quan thuế",
    )
    _act(
        at(2025, 6, 3, 11, 0),
        services.dossier_refuse,
        dossier=d["c_done"],
        user=s[2],
        reason="Ngành nghề cấm kinh doanh",
    )
    for key in d:
        d[key].refresh_from_db()
    c.dossiers = d
    c.world = world
    return c


def _merge(c, *, successor=None, sources=None, memberships=MembershipPolicy.MOVE, **new):
    r = Reorganisation.objects.create(
        kind=ReorganisationKind.MERGE,
        effective_date=MERGER_DAY,
        decision_number="1669/NQ-UBTVQH15",
        decision_date=date(2025, 6, 16),
        decision_issuer="Ủy ban Thường vụ Quốc hội",
        created_by=c.world.users.admin,
        successor=successor,
        memberships=memberships,
        **new,
    )
    r.sources.set(sources or c.units)
    return r


def _new_ward(c):
    return {
        "new_name": "Ủy ban nhân dân phường An Dương",
        "new_agency_code": "H27.10.25",
        "new_level": c.world.levels["commune"],
        "new_parent": c.world.units.p,
    }


def _run(r, user, capture):
    with time_machine.travel(AFTER, tick=False), capture(execute=True):
        reorg.reorganisation_confirm(r, user=user)
    r.refresh_from_db()
    return r


OPEN_KEYS = ("a_open", "a_paused", "b_open", "b_suspended")
DONE_KEYS = ("a_done", "c_done")


def test_merging_three_communes_moves_every_open_dossier_with_its_event(
    merger, django_capture_on_commit_callbacks
):
    c = merger
    before = {k: Dossier.objects.get(pk=d.pk) for k, d in c.dossiers.items()}
    steps_before = {
        k: (d.current_step.pk, d.current_step.due_at) for k, d in before.items() if k in OPEN_KEYS
    }
    r = _run(_merge(c, **_new_ward(c)), c.world.users.admin, django_capture_on_commit_callbacks)

    assert r.status == ReorganisationStatus.DONE and r.done == r.total > 0
    ward = Unit.objects.get(agency_code="H27.10.25")
    assert r.successor == ward and ward.valid_from == MERGER_DAY
    assert sorted(r.outcome["dossiers_moved"]) == sorted(c.dossiers[k].pk for k in OPEN_KEYS)
    for key in OPEN_KEYS:
        d = Dossier.objects.get(pk=c.dossiers[key].pk)
        old = before[key]
        assert (d.status, d.due_at, d.code, d.unit_id) == (
            old.status,
            old.due_at,
            old.code,
            old.unit_id,
        ), key
        assert d.current_unit == ward and d.version == old.version + 1
        step = DossierStep.objects.get(pk=steps_before[key][0])
        assert (step.unit, step.due_at, step.state) == (ward, steps_before[key][1], StepState.OPEN)
        assert step.assignee == old.current_step.assignee  # the specialist moved with the unit
        events = list(DossierEvent.objects.filter(dossier=d, action=Action.REHOME))
        assert len(events) == 1, key
        assert events[0].data["from_unit"] == old.current_unit_id
        assert events[0].data["to_unit"] == ward.pk
        assert events[0].data["reorganisation"] == r.pk
        assert events[0].from_status == events[0].to_status == old.status
    for key in DONE_KEYS:
        d = Dossier.objects.get(pk=c.dossiers[key].pk)
        assert d.current_unit_id == before[key].current_unit_id
        assert not d.events.filter(action=Action.REHOME).exists()
    for unit in c.units:
        unit.refresh_from_db()
        assert unit.valid_to == MERGER_DAY and not unit.is_active
        assert UnitSuccession.objects.get(predecessor=unit).successor == ward
    assert set(c.procedure.units.all()) == {ward}
    assert not Membership.objects.filter(unit__in=c.units, is_active=True).exists()
    assert Membership.objects.filter(unit=ward, is_active=True).count() == 6


def test_work_continues_at_the_successor_and_old_dossiers_stay_readable(
    merger, django_capture_on_commit_callbacks
):
    c = merger
    _run(_merge(c, **_new_ward(c)), c.world.users.admin, django_capture_on_commit_callbacks)
    ward = Unit.objects.get(agency_code="H27.10.25")
    a_open = _act(
        at(2025, 7, 1, 9, 0),
        services.dossier_issue_result,
        dossier=c.dossiers["a_open"],
        user=c.specialists[0],
        result_number="1/GCN",
        result_date=date(2025, 7, 1),
    )
    assert a_open.status == Status.RESULT_READY
    # the specialist of the old commune reads the old commune's finished dossiers from the ward
    visible = set(dossiers_visible(user=c.specialists[0]).values_list("pk", flat=True))
    assert {c.dossiers["a_done"].pk, c.dossiers["c_done"].pk} <= visible
    assert ward.pk in units_of([ward.pk]) and set(units_of([ward.pk])) >= {u.pk for u in c.units}


def test_counters_continue_without_a_gap_or_a_duplicate_code(
    merger, applicant, django_capture_on_commit_callbacks
):
    c = merger
    old_codes = set(Dossier.objects.values_list("code", flat=True))
    # A absorbs B and C: A's own sequence of the day goes on; the new ward starts its own
    absorbing = _merge(c, successor=c.units[0], sources=c.units)
    absorbing.effective_date = date(2025, 6, 2)
    absorbing.save()
    with (
        time_machine.travel(at(2025, 6, 2, 10, 0), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        reorg.reorganisation_confirm(absorbing, user=c.world.users.admin)
    new = [
        _act(
            at(2025, 6, 2, 10, 10 + i),
            services.dossier_receive,
            user=c.reception[i],  # B's and C's counter officers now work at A
            procedure=c.procedure,
            unit=c.units[0],
            applicant=applicant,
            documents=DOCS,
        )
        for i in range(3)
    ]
    codes = [d.code for d in new]
    assert codes == [f"000.11.31.H27-250602-{n:04d}" for n in (4, 5, 6)]  # A had 0001–0003
    assert not set(codes) & old_codes
    assert len(set(Dossier.objects.values_list("code", flat=True))) == Dossier.objects.count()


def test_old_printed_forms_still_show_the_old_unit(merger, django_capture_on_commit_callbacks):
    c = merger
    _run(_merge(c, **_new_ward(c)), c.world.users.admin, django_capture_on_commit_callbacks)
    admin = c.world.users.admin
    for key in ("a_done", "a_open"):
        d = dossiers_visible(user=admin).get(pk=c.dossiers[key].pk)
        form = build_dossier_form(form_spec("06"), dossier=d, user=admin, now=AFTER)
        assert form.unit.name == "Ủy ban nhân dân xã An Hồng"
        assert form.unit.agency_code == "000.11.31.H27"
        assert (
            form.rows[0].giver_unit
            == "Bộ phận tiếp nhận và trả kết quả — Ủy ban nhân dân xã An Hồng"
        )
    done = dossiers_visible(user=admin).get(pk=c.dossiers["a_done"].pk)
    rows = build_dossier_form(form_spec("06"), dossier=done, user=admin, now=AFTER).rows
    assert all("An Dương" not in (row.receiver_unit + row.giver_unit) for row in rows)


def test_a_rename_keeps_the_old_name_on_old_forms_and_the_counter_under_the_new_code(
    merger, applicant, django_capture_on_commit_callbacks
):
    c = merger
    a = c.units[0]
    r = Reorganisation.objects.create(
        kind=ReorganisationKind.RENAME,
        effective_date=date(2025, 6, 2),
        decision_number="25/QĐ-UBND",
        decision_date=date(2025, 6, 1),
        created_by=c.world.users.admin,
        new_name="Ủy ban nhân dân xã An Hồng Mới",
        new_agency_code="H27.10.11",
    )
    r.sources.set([a])
    with (
        time_machine.travel(at(2025, 6, 2, 11, 0), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        reorg.reorganisation_confirm(r, user=c.world.users.admin)
    a.refresh_from_db()
    assert (a.name, a.agency_code) == ("Ủy ban nhân dân xã An Hồng Mới", "H27.10.11")
    assert unit_identity_at(a, at(2025, 6, 1, 9, 0)).agency_code == "000.11.31.H27"
    assert unit_identity_at(a, at(2025, 6, 2, 9, 0)).agency_code == "H27.10.11"
    new = _act(
        at(2025, 6, 2, 11, 30),
        services.dossier_receive,
        user=c.reception[0],
        procedure=c.procedure,
        unit=a,
        applicant=applicant,
        documents=DOCS,
    )
    assert new.code == "H27.10.11-250602-0004"  # same unit, same sequence, new prefix
    # a dossier received under the old identity prints it; the former code is never reused
    old = dossiers_visible(user=c.world.users.admin).get(pk=c.dossiers["a_open"].pk)
    form = build_dossier_form(form_spec("01"), dossier=old, user=c.world.users.admin, now=AFTER)
    assert form.unit.agency_code == "H27.10.11"  # received on 2/6, the day the new code began
    reuse = Unit(agency_code="000.11.31.H27", name="X", level=a.level, parent=a.parent)
    with pytest.raises(ValidationError) as excinfo:
        reuse.full_clean()
    assert "mã cũ" in str(excinfo.value)


def test_a_split_sends_open_dossiers_to_the_principal_successor(
    merger, django_capture_on_commit_callbacks
):
    c = merger
    lv, p = c.world.levels, c.world.units.p
    north = make_unit("H27.10.31", "Ủy ban nhân dân xã Lê Thiện Bắc", lv["commune"], p)
    south = make_unit("H27.10.32", "Ủy ban nhân dân xã Lê Thiện Nam", lv["commune"], p)
    r = Reorganisation.objects.create(
        kind=ReorganisationKind.SPLIT,
        effective_date=MERGER_DAY,
        decision_number="30/NQ-HĐND",
        decision_date=date(2025, 6, 20),
        created_by=c.world.users.admin,
        successor=north,
        memberships=MembershipPolicy.END,
    )
    r.sources.set([c.units[1]])
    r.other_successors.set([south])
    r = _run(r, c.world.users.admin, django_capture_on_commit_callbacks)
    assert r.status == ReorganisationStatus.DONE
    b_open = Dossier.objects.get(pk=c.dossiers["b_open"].pk)
    assert b_open.current_unit == north
    # the specialist did not move with the unit: the step is back in the new unit's queue
    assert b_open.current_step.unit == north and b_open.current_step.assignee is None
    event = b_open.events.get(action=Action.REHOME)
    assert event.data["assignee_kept"] is False
    assert set(c.procedure.units.all()) == {c.units[0], c.units[2], north, south}
    successions = UnitSuccession.objects.filter(predecessor=c.units[1])
    assert {(s.successor, s.is_principal) for s in successions} == {(north, True), (south, False)}
    assert not Membership.objects.filter(unit__in=[north, south]).exists()


def test_a_closed_unit_s_dossiers_are_assigned_one_by_one(
    merger, django_capture_on_commit_callbacks
):
    c = merger
    r = Reorganisation.objects.create(
        kind=ReorganisationKind.CLOSE,
        effective_date=MERGER_DAY,
        decision_number="1669/NQ-UBTVQH15",
        decision_date=date(2025, 6, 16),
        created_by=c.world.users.admin,
    )
    r.sources.set([c.units[1]])
    _run(r, c.world.users.admin, django_capture_on_commit_callbacks)
    b = c.units[1]
    b.refresh_from_db()
    assert b.valid_to == MERGER_DAY
    waiting = reorg.closed_unit_open_dossiers(user=c.world.users.admin)
    assert set(waiting.values_list("pk", flat=True)) == {
        c.dossiers["b_open"].pk,
        c.dossiers["b_suspended"].pk,
    }
    unit_admin = make_user("quantri.anhong")
    make_membership(unit_admin, c.units[0], Role.UNIT_ADMINISTRATOR)
    target = c.units[0]
    refusals = [
        {"user": unit_admin, "to_unit": target, "note": "QĐ 100/QĐ-UBND"},
        {"user": c.world.users.admin, "to_unit": target, "note": " "},
        {"user": c.world.users.admin, "to_unit": c.world.units.d, "note": "QĐ 100"},  # a district
    ]
    for kwargs in refusals:
        with pytest.raises(ValidationError):
            reorg.dossier_assign_from_closed(dossier_id=c.dossiers["b_open"].pk, **kwargs)
    moved = reorg.dossier_assign_from_closed(
        dossier_id=c.dossiers["b_open"].pk,
        to_unit=target,
        user=c.world.users.admin,
        note="QĐ 100/QĐ-UBND của Chủ tịch UBND thành phố",
    )
    assert moved == [c.dossiers["b_open"].pk]
    b_open = Dossier.objects.get(pk=c.dossiers["b_open"].pk)
    assert b_open.current_unit == target and b_open.current_step.unit == target
    event = b_open.events.get(action=Action.REHOME)
    assert event.note.startswith("QĐ 100") and event.data["reorganisation"] == r.pk
    assert set(waiting.values_list("pk", flat=True)) == {c.dossiers["b_suspended"].pk}
    with pytest.raises(ValidationError):  # already assigned
        reorg.dossier_assign_from_closed(
            dossier_id=b_open.pk, to_unit=c.units[2], user=c.world.users.admin, note="x"
        )


def _counts(unit, structure):
    # each count keeps to its unit's credit: reception to the receiving unit, processing to the
    # competent one (a re-homed open dossier is now decided by the successor)
    scope = report_scope(user=SYSTEM_READER, unit=unit, structure=structure)
    w = scope.credited(ind.window(date(2025, 6, 1), date(2025, 7, 31), now=at(2025, 8, 1, 9, 0)))
    values = ind.indicators(scope.dossiers, w, procedures=None)
    return values["received"], values["resolved"]


def test_statistics_read_by_the_current_or_the_historical_structure(
    merger, applicant, django_capture_on_commit_callbacks
):
    c = merger
    _run(_merge(c, **_new_ward(c)), c.world.users.admin, django_capture_on_commit_callbacks)
    ward = Unit.objects.get(agency_code="H27.10.25")
    for minute in (0, 10):
        _act(
            at(2025, 7, 2, 9, minute),
            services.dossier_receive,
            user=c.reception[0],
            procedure=c.procedure,
            unit=ward,
            applicant=applicant,
            documents=DOCS,
        )
    # By hand: A received 3, B 2, C 1 in June, the ward 2 in July; resolved: a_done, c_done.
    assert _counts(ward, "current") == (8, 2)
    assert _counts(ward, "historical") == (2, 0)
    assert _counts(c.units[0], "current") == (3, 1) == _counts(c.units[0], "historical")
    assert _counts(c.units[2], "historical") == (1, 1)


def test_kpi_command_reads_both_structures(merger, capsys, django_capture_on_commit_callbacks):
    c = merger
    _run(_merge(c, **_new_ward(c)), c.world.users.admin, django_capture_on_commit_callbacks)
    args = ["--unit", "H27.10.25", "--from", "2025-06-01", "--to", "2025-07-31", "--json"]
    with time_machine.travel(at(2025, 8, 1, 9, 0), tick=False):
        call_command("kpi", *args)
        current = json.loads(capsys.readouterr().out)
        call_command("kpi", *args, "--structure", "historical")
        historical = json.loads(capsys.readouterr().out)
    assert (current["received"], current["structure"]) == (6, "current")
    assert (historical["received"], historical["structure"]) == (0, "historical")


def test_a_merger_is_refused_with_clear_reasons(merger):
    c = merger
    r = _merge(c)  # neither an existing successor nor a new one
    problems = reorg.reorganisation_problems(r, for_confirmation=True)
    assert any("đơn vị kế thừa" in p for p in problems)
    r2 = _merge(c, **_new_ward(c))
    with (
        time_machine.travel(at(2025, 6, 20, 9, 0), tick=False),
        pytest.raises(ValidationError) as excinfo,
    ):
        reorg.reorganisation_confirm(r2, user=c.world.users.admin)
    assert "01/07/2025" in str(excinfo.value)
    assert r2.status == ReorganisationStatus.DRAFT


def test_a_killed_job_runs_again_without_moving_anything_twice(
    merger, django_capture_on_commit_callbacks
):
    c = merger
    r = _merge(c, **_new_ward(c))
    r = _run(r, c.world.users.admin, django_capture_on_commit_callbacks)
    Reorganisation.objects.filter(pk=r.pk).update(status=ReorganisationStatus.RUNNING)
    reorg.reorganisation_run(r.pk)  # the worker's retry
    assert DossierEvent.objects.filter(action=Action.REHOME).count() == len(OPEN_KEYS)


# --------------------------------------------------------------------------- the desk pages


def _client(user):
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "vi"
    return client


def test_the_desk_pages_for_the_site_administrator(merger, django_capture_on_commit_callbacks):
    c = merger
    admin = _client(c.world.users.admin)
    page = admin.get("/admin/units/reorganisation/add/")
    assert page.status_code == 200
    with time_machine.travel(AFTER, tick=False):
        response = admin.post(
            "/admin/units/reorganisation/add/",
            {
                "kind": "merge",
                "effective_date": "2025-07-01",
                "decision_number": "1669/NQ-UBTVQH15",
                "decision_date": "2025-06-16",
                "sources": [u.pk for u in c.units],
                "memberships": "move",
                "new_name": "Ủy ban nhân dân phường An Dương",
                "new_agency_code": "H27.10.25",
                "new_level": c.world.levels["commune"].pk,
                "new_parent": c.world.units.p.pk,
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        r = Reorganisation.objects.get()
        preview = admin.get(f"/admin/units/reorganisation/{r.pk}/preview/")
        text = preview.content.decode()
        assert "Ủy ban nhân dân xã An Hồng" in text and "Chờ bổ sung hồ sơ" in text
        assert "Xác nhận và thực hiện" in text
        with django_capture_on_commit_callbacks(execute=True):
            confirmed = admin.post(f"/admin/units/reorganisation/{r.pk}/preview/")
        assert confirmed.status_code == 302
        progress = admin.get(f"/admin/units/reorganisation/{r.pk}/progress/")
    r.refresh_from_db()
    assert f"{r.total}/{r.total}" in progress.content.decode()
    assert "Hồ sơ đang giải quyết đã chuyển" in progress.content.decode()
    assert admin.get("/admin/units/reorganisation/closed-dossiers/").status_code == 200
    assert admin.get(f"/admin/units/reorganisation/{r.pk}/change/").status_code == 200


def test_the_desk_pages_refuse_a_unit_administrator(merger):
    c = merger
    r = _merge(c, **_new_ward(c))
    unit_admin = make_user("quantri.tp")
    make_membership(unit_admin, c.world.units.p, Role.UNIT_ADMINISTRATOR)
    client = _client(unit_admin)
    for url in (
        "/admin/units/reorganisation/",
        "/admin/units/reorganisation/add/",
        f"/admin/units/reorganisation/{r.pk}/preview/",
        f"/admin/units/reorganisation/{r.pk}/progress/",
        "/admin/units/reorganisation/closed-dossiers/",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/admin/units/reorganisation/{r.pk}/preview/").status_code == 403
    r.refresh_from_db()
    assert r.status == ReorganisationStatus.DRAFT
