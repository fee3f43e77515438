"""Load the demo site (``fixtures/demo/*.yaml``): Hải Phòng units, procedures, users per role.

The units are the post-2025 two-level ones (city, departments, service centre, wards and
communes), plus the history of one merger: the former units of ``units.yaml`` receive and close a
few dossiers, then :func:`demo_load_merger` merges them into a new ward through the reorganisation
service, as a site administrator would in the desk.

Loading is idempotent: a unit, sector or procedure that already exists (by its natural key) is left
as it is, so a second ``make run`` keeps what an administrator changed. Demo passwords are random,
generated once, and kept in ``sites/<site>/demo-logins.txt`` (mode 0600, ignored by git) so the run
command can print them again.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from motcua.core.calendar_yaml import read_calendar_year
from motcua.core.models import Holiday
from motcua.core.roles import STAFF_ROLES
from motcua.core.services import calendar_year_import
from motcua.procedures.models import Fee, Procedure, RequiredDocument, Sector
from motcua.procedures.services import procedure_publish
from motcua.procedures.workflow import WorkflowStep
from motcua.units.models import Membership, Unit, UnitLevel

DEMO_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo"
CALENDAR_DIR = Path(settings.BASE_DIR) / "fixtures" / "calendar"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    unit: str


def _read(name: str) -> dict:
    return yaml.safe_load((DEMO_DIR / name).read_text(encoding="utf-8"))


def demo_load_units() -> int:
    data = _read("units.yaml")
    levels = {}
    for row in data["levels"]:
        levels[row["code"]], _ = UnitLevel.objects.get_or_create(
            code=row["code"], defaults={"name": row["name"], "rank": row["rank"]}
        )
    created = 0
    for row in data["units"] + data.get("former", []):  # parents before children
        if Unit.objects.filter(agency_code=row["agency_code"]).exists():
            continue
        fields = {k: v for k, v in row.items() if k not in {"parent", "level"}}
        parent = Unit.objects.get(agency_code=row["parent"]) if row.get("parent") else None
        Unit.objects.create(level=levels[row["level"]], parent=parent, **fields)
        created += 1
    return created


def demo_load_calendar() -> int:
    """Import each year of ``fixtures/calendar`` that has no holidays in the database yet."""
    loaded = 0
    for path in sorted(CALENDAR_DIR.glob("*.yaml")):
        year = read_calendar_year(path)
        if not Holiday.objects.filter(year=year.year).exists():
            calendar_year_import(year, recompute=False)
            loaded += 1
    return loaded


def _step_duration(share: str | int, unit: str, procedure: Procedure) -> tuple[Decimal, str]:
    """Return a step's duration: a literal amount, or a percentage of the processing time."""
    if unit == "same":
        return procedure.processing_amount, procedure.processing_unit
    if isinstance(share, str) and share.endswith("%"):
        amount = procedure.processing_amount * Decimal(share[:-1]) / 100
        return max(Decimal(1), amount.to_integral_value(rounding="ROUND_FLOOR")), unit
    return Decimal(share), unit


def _workflow_template(row: dict, templates: dict) -> list[dict]:
    if "workflow" in row:
        return templates[row["workflow"]]
    amount, unit = row["processing"]
    return templates["standard" if unit == "working_days" and amount >= 5 else "short"]


def demo_add_workflow(procedure: Procedure, steps: list[dict]) -> None:
    for order, spec in enumerate(steps, start=1):
        mode, _, target = spec["unit"].partition(":")
        amount, unit = _step_duration(*spec["duration"], procedure)
        condition = spec.get("condition") or {}
        step = WorkflowStep.objects.create(
            procedure=procedure,
            order=order,
            name=spec["name"],
            unit_mode=mode,
            unit=Unit.objects.get(agency_code=target) if mode == "fixed" else None,
            level=UnitLevel.objects.get(code=target) if mode == "level" else None,
            duration_amount=amount,
            duration_unit=unit,
            actions=spec["actions"],
            assignment=spec.get("assignment", "manual"),
            condition_field=condition.get("field", ""),
            condition_op=condition.get("op", ""),
            condition_value=condition.get("value", ""),
            required_answers=spec.get("required_answers", 0),
        )
        step.roles.set(Group.objects.filter(name__in=spec["roles"]))
        step.consult_units.set(Unit.objects.filter(agency_code__in=spec.get("consult", [])))


def demo_add_form(procedure: Procedure, fields: list[dict]) -> None:
    """The portal form of a demo procedure (portal.FormField rows; frozen at publish)."""
    from motcua.portal.models import FormField

    for order, spec in enumerate(fields, start=1):
        FormField.objects.create(
            procedure=procedure,
            order=order,
            key=spec["key"],
            label=spec["label"],
            kind=spec["kind"],
            required=spec.get("required", False),
            help_text=spec.get("help", ""),
            choices=spec.get("choices", ""),
            min_value=spec.get("min"),
            max_value=spec.get("max"),
        )


def demo_load_procedures() -> int:
    data = _read("procedures.yaml")
    sectors = {}
    for row in data["sectors"]:
        sectors[row["code"]], _ = Sector.objects.get_or_create(code=row["code"], defaults=row)
    created = 0
    for row in data["procedures"]:
        if Procedure.objects.filter(national_code=row["national_code"]).exists():
            continue
        amount, unit = row["processing"]
        procedure = Procedure.objects.create(
            national_code=row["national_code"],
            name=row["name"],
            sector=sectors[row["sector"]],
            level=UnitLevel.objects.get(code=row["level"]),
            legal_basis=row["legal_basis"],
            processing_amount=Decimal(amount),
            processing_unit=unit,
            online_level=row["online_level"],
            result_type=row["result_type"],
        )
        procedure.units.set(Unit.objects.filter(agency_code__in=row["units"]))
        for order, doc in enumerate(row["documents"], start=1):
            RequiredDocument.objects.create(
                procedure=procedure,
                name=doc["name"],
                originals=doc.get("originals", 1),
                copies=doc.get("copies", 0),
                is_mandatory=doc.get("mandatory", True),
                order=order,
            )
        for fee in row["fees"]:
            Fee.objects.create(procedure=procedure, name=fee["name"], amount=Decimal(fee["amount"]))
        demo_add_workflow(procedure, _workflow_template(row, data["workflows"]))
        demo_add_form(procedure, row.get("form", []))
        procedure_publish(procedure=procedure, note="Dữ liệu mẫu")
        created += 1
    return created


def _logins_file() -> Path:
    return Path(settings.SITE.directory) / "demo-logins.txt"


def _saved_passwords() -> dict[str, str]:
    path = _logins_file()
    if not path.exists():
        return {}
    pairs = (
        line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if "\t" in line
    )
    return {user: password for user, password, *_ in pairs}


def demo_load_users() -> list[DemoLogin]:
    User = get_user_model()
    saved = _saved_passwords()
    logins = []
    for row in _read("users.yaml")["users"]:
        # first_name = given name (tên), last_name = family and middle names (motcua.core.people)
        family, _, given = row["full_name"].rpartition(" ")
        user = User.objects.filter(username=row["username"]).first()
        if user is None:
            password = secrets.token_urlsafe(9)
            user = User.objects.create_user(
                row["username"],
                email=f"{row['username']}@demo.motcua.vn",
                password=password,
                first_name=given,
                last_name=family,
                is_staff=row["role"] in STAFF_ROLES,
                is_superuser=row.get("superuser", False),
            )
            saved[user.username] = password
        if row["role"] == "citizen":
            _demo_citizen_profile(user, row["full_name"])
        group = Group.objects.get(name=row["role"])
        user.groups.add(group)
        if row["unit"]:
            Membership.objects.get_or_create(
                user=user, unit=Unit.objects.get(agency_code=row["unit"]), role=group
            )
        logins.append(
            DemoLogin(
                user.username, saved.get(user.username, "(đã đổi)"), row["role"], row["unit"] or ""
            )
        )
    path = _logins_file()
    path.write_text(
        "".join(f"{x.username}\t{x.password}\t{x.role}\n" for x in logins), encoding="utf-8"
    )
    path.chmod(0o600)
    return logins


def _demo_citizen_profile(user, full_name: str) -> None:
    """A verified portal profile, so the demo citizen can submit online at once."""
    from django.utils import timezone

    from motcua.portal.models import CitizenProfile

    CitizenProfile.objects.get_or_create(
        user=user,
        defaults={
            "full_name": full_name,
            "phone": "0912000111",
            "id_number": "031190009999",
            "address": "15 Điện Biên Phủ, Hồng Bàng, Hải Phòng",
            "email_verified_at": timezone.now(),
        },
    )


@transaction.atomic
def demo_load() -> tuple[dict[str, int], list[DemoLogin]]:
    """Load everything missing from the demo fixtures; return counts and the demo logins."""
    counts = {
        "năm lịch làm việc": demo_load_calendar(),
        "đơn vị": demo_load_units(),
        "thủ tục": demo_load_procedures(),
    }
    logins = demo_load_users()
    counts["hồ sơ"] = demo_load_dossiers()
    counts["đợt sắp xếp đơn vị"] = demo_load_merger()
    return counts, logins


def demo_load_merger() -> int:
    """Run the demo merger of ``units.yaml`` once, through the reorganisation service."""
    from django.utils import timezone

    from motcua.dossiers.reorganisation import reorganisation_confirm, reorganisation_run
    from motcua.units.models import Reorganisation, ReorganisationKind

    spec = _read("units.yaml").get("merger")
    if not spec or Reorganisation.objects.filter(decision_number=spec["decision_number"]).exists():
        return 0
    sources = list(Unit.objects.filter(agency_code__in=spec["sources"]))
    if any(unit.valid_to is not None for unit in sources):
        return 0
    new = spec["new"]
    admin = get_user_model().objects.get(username="quantri")
    r = Reorganisation.objects.create(
        kind=ReorganisationKind.MERGE,
        effective_date=timezone.localdate(),  # see units.yaml: the demo replays it on loading
        decision_number=spec["decision_number"],
        decision_date=spec["decision_date"],
        decision_issuer=spec.get("decision_issuer", ""),
        note=spec.get("note", ""),
        new_agency_code=new["agency_code"],
        new_name=new["name"],
        new_short_name=new.get("short_name", ""),
        new_level=UnitLevel.objects.get(code=new["level"]),
        new_parent=Unit.objects.get(agency_code=new["parent"]) if new.get("parent") else None,
        created_by=admin,
    )
    r.sources.set(sources)
    reorganisation_confirm(r, user=admin)
    reorganisation_run(r.pk)  # now, not after the commit: the demo is loaded in one transaction
    return 1


#: Where the demo's current dossiers are received (phường Hồng Bàng) and by whom.
DEMO_COUNTER = {
    "unit": "000.01.10.H27",
    "counter": "motcua.hongbang",
    "specialist": "chuyenvien.hongbang",
}


def demo_load_dossiers() -> int:
    """Receive a few dossiers at the demo counters and move some along, once.

    ``dossiers`` are received at phường Hồng Bàng; ``history`` at the former units of the demo
    merger, each at its own counter (received, then returned, refused or left open).
    """
    from motcua.dossiers.models import Dossier

    if Dossier.objects.exists():
        return 0
    data = _read("dossiers.yaml")
    rows = [{**DEMO_COUNTER, **row} for row in data["dossiers"]] + data.get("history", [])
    for row in rows:
        _demo_dossier(row)
    return len(rows)


def _demo_dossier(row: dict) -> None:
    from django.utils import timezone

    from motcua.dossiers import services

    User = get_user_model()
    counter = User.objects.get(username=row["counter"])
    specialist = User.objects.get(username=row["specialist"])
    procedure = Procedure.objects.get(national_code=row["procedure"])
    documents = [
        {"name": d["name"], "received": True}
        for d in procedure.versions.order_by("-number")[0].snapshot["documents"]
    ]
    dossier = services.dossier_receive(
        user=counter,
        procedure=procedure,
        unit=Unit.objects.get(agency_code=row["unit"]),
        applicant=row["applicant"],
        form_data=row.get("form_data", {}),
        documents=documents,
        assignee=specialist if row.get("then") in ("return", "refuse") else None,
    )
    then = row.get("then")
    if then == "supplement":
        services.dossier_request_supplement(dossier=dossier, user=specialist, items=row["items"])
    elif then == "forward":
        services.dossier_forward(dossier=dossier, user=specialist)
    elif then == "refuse":
        services.dossier_refuse(dossier=dossier, user=specialist, reason=row["reason"])
    elif then == "return":
        dossier = services.dossier_issue_result(
            dossier=dossier,
            user=specialist,
            result_number=f"{dossier.pk}/KQ",
            result_date=timezone.localdate(),
        )
        if dossier.fee_total and not dossier.is_paid:  # the fee is paid before the return
            dossier = services.dossier_record_payment(
                dossier=dossier, user=counter, receipt_number=f"BL-{dossier.pk:06d}"
            )
        services.dossier_return_result(dossier=dossier, user=counter, delivery="counter")
