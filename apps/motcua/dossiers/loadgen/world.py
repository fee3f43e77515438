"""The fixed part of a generated province: catalogue, staff and citizens, read once into memory.

The demo catalogue is loaded through :func:`motcua.demo.loader.demo_load` (idempotent); officers and
citizen accounts are added with ``bulk_create`` under reserved usernames (``tai.`` and ``dan.``) so
a rerun finds them instead of duplicating them. Everything the per-dossier generator needs is kept
in plain tuples so that generating a row never touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from motcua.core.roles import Role
from motcua.dossiers.workflow import StepSpec, step_unit, workflow_steps
from motcua.procedures.models import Procedure, ProcedureVersion
from motcua.units.models import Membership, Unit

#: Officers created per receiving unit and role (a district one-stop centre of a merged province).
STAFF_PER_UNIT = {
    Role.RECEPTION_OFFICER: 4,
    Role.SPECIALIST: 8,
    Role.UNIT_LEADER: 2,
    Role.CLERK: 2,
}
CITIZENS = 3000


@dataclass(frozen=True)
class ProcedurePlan:
    procedure_id: int
    version_id: int
    amount: str
    time_unit: str
    steps: tuple[StepSpec, ...]
    #: per receiving unit id: the handling unit id of each step (None when it cannot be resolved)
    step_units: dict[int, tuple[int, ...]]
    unit_ids: tuple[int, ...]
    documents: tuple[tuple[str, int, int, bool], ...]
    fee: int
    online: bool
    #: consulted unit ids per step index
    consult_units: dict[int, tuple[int, ...]]


@dataclass
class World:
    procedures: list[ProcedurePlan]
    #: (unit id, role) → officer ids
    officers: dict[tuple[int, str], tuple[int, ...]] = field(default_factory=dict)
    citizens: tuple[int, ...] = ()
    unit_codes: dict[int, str] = field(default_factory=dict)

    def officer(self, rng, unit_id: int, roles) -> int | None:
        for role in roles:
            pool = self.officers.get((unit_id, role))
            if pool:
                return pool[rng.randrange(len(pool))]
        return None


def _ensure_staff(units: list[Unit]) -> None:
    User = get_user_model()
    groups = {g.name: g for g in Group.objects.filter(name__in=list(STAFF_PER_UNIT))}
    for role in STAFF_PER_UNIT:
        groups.setdefault(role, Group.objects.get_or_create(name=role)[0])
    existing = set(
        User.objects.filter(username__startswith="tai.").values_list("username", flat=True)
    )
    new_users, plan = [], []
    for unit in units:
        for role, count in STAFF_PER_UNIT.items():
            for k in range(count):
                username = f"tai.{unit.pk}.{role}.{k}"
                plan.append((username, unit, role))
                if username not in existing:
                    new_users.append(
                        User(username=username, password="!", is_staff=True, first_name=role)
                    )
    with transaction.atomic():
        User.objects.bulk_create(new_users, batch_size=500)
        ids = dict(User.objects.filter(username__startswith="tai.").values_list("username", "pk"))
        have = set(
            Membership.objects.filter(user__username__startswith="tai.").values_list(
                "user_id", "unit_id", "role__name"
            )
        )
        Membership.objects.bulk_create(
            [
                Membership(
                    user_id=ids[username],
                    unit=unit,
                    role=groups[role],
                    scope=Membership.default_scope_for(role),
                )
                for username, unit, role in plan
                if (ids[username], unit.pk, role) not in have
            ],
            batch_size=500,
        )


def _ensure_citizens() -> tuple[int, ...]:
    User = get_user_model()
    have = set(User.objects.filter(username__startswith="dan.").values_list("username", flat=True))
    User.objects.bulk_create(
        [
            User(username=f"dan.{k:05d}", password="!")
            for k in range(CITIZENS)
            if f"dan.{k:05d}" not in have
        ],
        batch_size=1000,
    )
    return tuple(
        User.objects.filter(username__startswith="dan.")
        .order_by("username")
        .values_list("pk", flat=True)
    )


def world_build() -> World:
    """Load the demo catalogue if missing, add the generated staff, and read the plan."""
    from motcua.demo.loader import demo_load

    demo_load()
    procedures = []
    receiving: dict[int, Unit] = {}
    units_by_code = {u.agency_code: u for u in Unit.objects.all()}
    for procedure in Procedure.objects.filter(is_active=True).prefetch_related("units"):
        version = ProcedureVersion.objects.filter(procedure=procedure).order_by("-number").first()
        units = list(procedure.units.all())
        if version is None or not units:
            continue
        snapshot = version.snapshot
        steps = tuple(workflow_steps(snapshot))
        step_units = {}
        for unit in units:
            receiving[unit.pk] = unit
            resolved = []
            for spec in steps:
                try:
                    resolved.append(step_unit(spec, unit).pk)
                except Exception:  # noqa: BLE001 - an unresolvable step stays at the receiving unit
                    resolved.append(unit.pk)
            step_units[unit.pk] = tuple(resolved)
        consult = {
            spec.index: tuple(units_by_code[c].pk for c in spec.consult_units if c in units_by_code)
            for spec in steps
            if spec.consult_units
        }
        procedures.append(
            ProcedurePlan(
                procedure_id=procedure.pk,
                version_id=version.pk,
                amount=str(snapshot["procedure"]["processing_amount"]),
                time_unit=snapshot["procedure"]["processing_unit"],
                steps=steps,
                step_units=step_units,
                unit_ids=tuple(u.pk for u in units),
                documents=tuple(
                    (d["name"][:400], d.get("originals", 0), d.get("copies", 0), d["is_mandatory"])
                    for d in snapshot.get("documents", [])
                )[:4],
                fee=int(sum(float(f.get("amount", 0)) for f in snapshot.get("fees", []))),
                online=snapshot["procedure"].get("online_level", "none") != "none",
                consult_units=consult,
            )
        )
    handling = {pk for p in procedures for units in p.step_units.values() for pk in units}
    handling |= {pk for p in procedures for units in p.consult_units.values() for pk in units}
    staff_units = sorted({*receiving, *handling} & set(u.pk for u in units_by_code.values()))
    _ensure_staff([u for u in units_by_code.values() if u.pk in staff_units])
    officers: dict[tuple[int, str], list[int]] = {}
    for user_id, unit_id, role in (
        Membership.objects.filter(is_active=True, user__is_active=True)
        .order_by("user_id")
        .values_list("user_id", "unit_id", "role__name")
    ):
        officers.setdefault((unit_id, role), []).append(user_id)
    return World(
        procedures=sorted(procedures, key=lambda p: p.procedure_id),
        officers={k: tuple(v) for k, v in officers.items()},
        citizens=_ensure_citizens(),
        unit_codes={u.pk: u.agency_code for u in units_by_code.values()},
    )
