"""The scoped selector (docs/architecture.md, Scope): who sees which dossiers, in lists, search and detail.

Four dossiers: A and B received at Hồng Bàng (d), A with the citizen's account and forwarded to the
consultation of the Sở Xây dựng and the Sở Tài nguyên; C received at Lê Chân (d2); D submitted online
to Lê Chân by the citizen.
"""

from types import SimpleNamespace

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.db.models import F, Q

from motcua.core.roles import Role
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossier_get, dossier_search, dossiers_visible, worklist
from tests.builders import at
from tests.units.factories import make_membership, make_user


@pytest.fixture
def four(world, applicant, documents):
    u, units = world.users, world.units
    d2_reception = make_user("motcua.lechan")
    make_membership(d2_reception, units.d2, Role.RECEPTION_OFFICER)

    def person(name, **extra):
        return {**applicant, "applicant_name": name, **extra}

    with time_machine.travel(at(2025, 3, 3, 9, 0), tick=False):
        a = services.dossier_receive(
            user=u.reception,
            procedure=world.procedure,
            unit=units.d,
            documents=documents,
            applicant=person("Nguyễn Thị Bình", applicant_user=u.citizen),
        )
        a = services.dossier_forward(dossier=a, user=u.spec1, assignee=u.spec2)  # consultation
        b = services.dossier_receive(
            user=u.reception,
            procedure=world.procedure,
            unit=units.d,
            documents=documents,
            applicant=person("Trần Văn Đức"),
        )
        c = services.dossier_receive(
            user=d2_reception,
            procedure=world.procedure,
            unit=units.d2,
            documents=documents,
            applicant=person("Lê Văn Đức"),
        )
        d = services.dossier_submit_online(
            procedure=world.procedure,
            unit=units.d2,
            applicant=person("Phạm Thị Bình"),
            user=u.citizen,
        )
    return SimpleNamespace(a=a, b=b, c=c, d=d, d2_reception=d2_reception)


def visible(user) -> set[str]:
    return {_label(d) for d in dossiers_visible(user=user)}


def _label(dossier) -> str:
    return {
        "Nguyễn Thị Bình": "A",
        "Trần Văn Đức": "B",
        "Lê Văn Đức": "C",
        "Phạm Thị Bình": "D",
    }[dossier.applicant_name]


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("reception", "AB"),  # the counter of d
        ("spec1", "AB"),
        ("clerk", "AB"),  # staff of d without a processing role still reads d
        ("leader", "AB"),  # leader of d: d and below
        ("city_leader", "ABCD"),  # leader of P (subtree): every district
        ("admin", "ABCD"),  # administrator at P (subtree)
        ("other_spec", "CD"),  # d2 only
        ("citizen", "AD"),  # only dossiers whose applicant_user is them
        ("sxd_spec", "A"),  # consulted with their unit
        ("stn_spec", "A"),
    ],
)
def test_who_sees_which_dossiers(world, four, who, expected):
    assert visible(getattr(world.users, who)) == set(expected)


def test_anonymous_and_inactive_users_see_nothing(world, four):
    assert visible(AnonymousUser()) == set()
    world.users.reception.is_active = False
    world.users.reception.save()
    assert visible(world.users.reception) == set()


def test_superuser_sees_everything(world, four):
    root = make_user("root")
    root.is_superuser = True
    root.save()
    assert visible(root) == set("ABCD")


def test_a_citizen_role_membership_gives_no_unit_scope(world, four):
    # given: the citizen is (also) registered as a citizen of Hồng Bàng
    make_membership(world.users.citizen, world.units.d, Role.CITIZEN)
    assert visible(world.users.citizen) == set("AD")


def test_a_supervisor_of_the_province_reads_the_whole_subtree(world, four):
    supervisor = make_user("giamsat.tp")
    make_membership(supervisor, world.units.p, Role.SUPERVISOR)
    assert visible(supervisor) == set("ABCD")


def test_a_transferred_dossier_is_seen_by_both_units(world, four):
    u = world.users
    with time_machine.travel(at(2025, 3, 4, 9, 0), tick=False):
        services.dossier_transfer(
            dossier=four.b,
            user=four.b.current_step.assignee,
            to_unit=world.units.d2,
            assignee=u.other_spec,
        )
    assert visible(u.other_spec) == set("BCD")  # now handling it
    assert visible(u.reception) == set("AB")  # received it


def test_a_step_at_another_unit_shows_the_dossier_there(world, applicant):
    from tests.dossiers.test_lifecycle import make_procedure

    u = world.users
    procedure = make_procedure(
        world,
        "1.000003",
        "Thủ tục có bước tại Sở Tài nguyên",
        [
            ("Thẩm định", [Role.SPECIALIST], 1, {"actions": ["forward"]}),
            (
                "Sở Tài nguyên xác nhận",
                [Role.SPECIALIST],
                1,
                {"actions": ["issue_result"], "unit_mode": "fixed", "unit": world.units.stn},
            ),
        ],
    )
    with time_machine.travel(at(2025, 3, 3, 9, 0), tick=False):
        dossier = services.dossier_receive(
            user=u.reception,
            procedure=procedure,
            unit=world.units.d,
            applicant=applicant,
            assignee=u.spec1,
        )
        assert not dossiers_visible(user=u.stn_spec).exists()
        services.dossier_forward(dossier=dossier, user=u.spec1, assignee=u.stn_spec)
    # the assignee and their colleagues at the step's unit; not the other department
    colleague = make_user("chuyenvien2.stn")
    make_membership(colleague, world.units.stn, Role.SPECIALIST)
    assert list(dossiers_visible(user=u.stn_spec)) == [dossier]
    assert list(dossiers_visible(user=colleague)) == [dossier]
    assert not dossiers_visible(user=u.sxd_spec).exists()


def test_a_membership_that_ended_gives_no_scope(world, four):
    world.users.spec1.memberships.update(is_active=False)
    assert visible(world.users.spec1) == set()


def test_visible_dossiers_are_not_repeated(world, four):
    # A has several steps, consultations and an applicant account: still one row per dossier
    rows = list(dossiers_visible(user=world.users.city_leader).values_list("pk", flat=True))
    assert len(rows) == len(set(rows)) == 4


# --------------------------------------------------------------------------- search and detail


@pytest.mark.parametrize(
    ("who", "query", "expected"),
    [
        ("reception", "duc", "B"),  # unaccented, lower case finds "Đức"
        ("reception", "Đức", "B"),
        ("city_leader", "van duc", "BC"),
        ("other_spec", "duc", "C"),
        ("citizen", "binh", "AD"),
        ("sxd_spec", "binh", "A"),
        ("other_spec", "binh", "D"),
        ("reception", "", ""),  # an empty query finds nothing
    ],
)
def test_search_stays_within_the_scope(world, four, who, query, expected):
    found = {_label(d) for d in dossier_search(user=getattr(world.users, who), query=query)}
    assert found == set(expected)


def test_search_by_code_within_the_scope(world, four):
    u = world.users
    assert list(dossier_search(user=u.reception, query=four.a.code)) == [four.a]
    assert list(dossier_search(user=u.other_spec, query=four.a.code)) == []
    assert list(dossier_search(user=AnonymousUser(), query="binh")) == []


def test_detail_outside_the_scope_is_not_found(world, four):
    u = world.users
    assert dossier_get(user=u.reception, pk=four.a.pk) == four.a
    with pytest.raises(Dossier.DoesNotExist):
        dossier_get(user=u.other_spec, pk=four.a.pk)
    with pytest.raises(Dossier.DoesNotExist):
        dossier_get(user=u.citizen, pk=four.b.pk)
    with pytest.raises(Dossier.DoesNotExist):
        dossier_get(user=AnonymousUser(), pk=four.a.pk)


def test_worklist_lists_only_visible_open_dossiers_awaiting_the_officer(world, four):
    now = at(2025, 3, 4, 9, 0)
    listed = worklist(user=world.users.other_spec, now=now)
    # C is assigned to them; D (submitted online) waits on the intake queue, not the worklist
    assert {_label(d) for group in vars(listed).values() for d in group} == set("C")
    assert worklist(user=AnonymousUser(), now=now).counts() == {
        "overdue": 0,
        "due_today": 0,
        "due_soon": 0,
        "in_time": 0,
        "paused": 0,
    }


def test_worklist_is_the_officers_own_work_and_the_leaders_whole_unit(world, four):
    u = world.users
    now = at(2025, 3, 4, 9, 0)

    def listed(user, **kw):
        return {
            _label(d) for group in vars(worklist(user=user, now=now, **kw)).values() for d in group
        }

    # A sits at the consultation step assigned to spec2; B's first step went by round robin to
    # spec2 too (spec1 had the first step of A, so spec2 was the one assigned longest ago)
    assert four.b.current_step.assignee == u.spec2
    assert listed(u.spec2) == {"A", "B"}
    assert listed(u.spec1) == set()
    # the clerk has no step and no consultation waiting: nothing to act on
    assert listed(u.clerk) == set()
    # the consulted department sees A while its answer is due
    assert listed(u.sxd_spec) == {"A"}
    # the unit leader sees the whole unit, filterable by officer
    assert listed(u.leader) == {"A", "B"}
    assert listed(u.leader, officer=u.spec2) == {"A", "B"}
    assert listed(u.leader, officer=u.spec1) == set()


# --------------------------------------------------------------------------- cross-unit visits


def _rule_from_steps(user) -> set[int]:
    """The rule read from the steps and consultations themselves (what the visits must equal)."""
    from motcua.dossiers.models import Consultation, DossierStep
    from motcua.dossiers.selectors import scope_unit_ids

    scope = scope_unit_ids(user=user)
    condition = Q(applicant_user=user)
    if scope:
        condition |= (
            Q(unit__in=scope)
            | Q(current_unit__in=scope)
            | Q(pk__in=DossierStep.objects.filter(unit__in=scope).values("dossier_id"))
            | Q(pk__in=Consultation.objects.filter(unit__in=scope).values("step__dossier_id"))
        )
    return set(Dossier.objects.filter(condition).values_list("pk", flat=True))


def expected_visits() -> set[tuple[int, int]]:
    """(unit, dossier) for every step and consultation unit other than the receiving unit."""
    from motcua.dossiers.models import Consultation, DossierStep

    steps = DossierStep.objects.exclude(unit_id=F("dossier__unit_id"))
    consulted = Consultation.objects.exclude(unit_id=F("step__dossier__unit_id"))
    return set(steps.values_list("unit_id", "dossier_id")) | set(
        consulted.values_list("unit_id", "step__dossier_id")
    )


def stored_visits() -> set[tuple[int, int]]:
    from motcua.dossiers.models import DossierVisit

    return set(DossierVisit.objects.values_list("unit_id", "dossier_id"))


def _assert_rule_unchanged(world, monkeypatch):
    """Both shapes of the visited part (ids written out for a small scope, a subquery for a
    large one) give the rule's set for every person of the world."""
    from motcua.dossiers import selectors

    for small_scope in (selectors.SMALL_SCOPE, 0):
        monkeypatch.setattr(selectors, "SMALL_SCOPE", small_scope)
        for name, user in vars(world.users).items():
            seen = set(dossiers_visible(user=user).values_list("pk", flat=True))
            assert seen == _rule_from_steps(user), (name, small_scope)


def test_the_lifecycle_records_each_unit_visited_besides_the_receiving_one(
    world, four, monkeypatch
):
    u = world.users
    # A went to the consultation of both departments; B, C, D stayed at their receiving unit
    assert stored_visits() == {(world.units.sxd.pk, four.a.pk), (world.units.stn.pk, four.a.pk)}
    assert stored_visits() == expected_visits()
    with time_machine.travel(at(2025, 3, 4, 9, 0), tick=False):
        services.dossier_transfer(
            dossier=four.b, user=four.b.current_step.assignee, to_unit=world.units.d2
        )
        b = Dossier.objects.get(pk=four.b.pk)
        services.dossier_consult(
            dossier=b, user=b.current_step.assignee or u.other_spec, units=[world.units.stn]
        )
    assert (world.units.d2.pk, four.b.pk) in stored_visits()
    assert (world.units.stn.pk, four.b.pk) in stored_visits()
    assert stored_visits() == expected_visits()
    _assert_rule_unchanged(world, monkeypatch)


def test_a_rebuild_gives_the_rows_the_lifecycle_kept(world, four):
    from motcua.dossiers.models import DossierVisit
    from motcua.dossiers.visits import visits_rebuild

    kept = stored_visits()
    DossierVisit.objects.all().delete()
    ids = sorted(Dossier.objects.values_list("pk", flat=True))
    visits_rebuild(first=ids[0], last=ids[-1])
    assert stored_visits() == kept == expected_visits()
    visits_rebuild(dossier_ids=[four.a.pk])  # idempotent, one dossier at a time too
    assert stored_visits() == kept


def test_rehoming_moves_the_visit_to_the_new_unit(world, four, monkeypatch):
    from motcua.dossiers.rehoming import dossiers_rehome

    u = world.users
    with time_machine.travel(at(2025, 3, 4, 9, 0), tick=False):
        services.dossier_transfer(
            dossier=four.b, user=four.b.current_step.assignee, to_unit=world.units.d2
        )
    assert four.b.pk in set(dossiers_visible(user=u.other_spec).values_list("pk", flat=True))
    # Lê Chân ends into the Sở Tài nguyên (a test-sized reorganisation): B's open step moves
    dossiers_rehome([four.b.pk], from_unit_ids=[world.units.d2.pk], to_unit_id=world.units.stn.pk)
    assert (world.units.d2.pk, four.b.pk) not in stored_visits()
    assert (world.units.stn.pk, four.b.pk) in stored_visits()
    assert stored_visits() == expected_visits()
    _assert_rule_unchanged(world, monkeypatch)


def test_the_rule_holds_in_both_shapes_for_the_four_dossiers(world, four, monkeypatch):
    _assert_rule_unchanged(world, monkeypatch)


def test_the_migration_fills_the_visits_of_existing_dossiers(world, four, monkeypatch):
    import importlib

    from django.apps import apps

    from motcua.dossiers.models import DossierVisit

    migration = importlib.import_module("motcua.dossiers.migrations.0013_h10_dossier_visits")
    monkeypatch.setattr(migration, "BATCH", 2)  # several batches over the four dossiers
    kept = stored_visits()
    DossierVisit.objects.all().delete()
    migration.fill(apps, None)
    assert stored_visits() == kept == expected_visits()
