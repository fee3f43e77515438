"""Load the demo site (``fixtures/demo/*.yaml``): Hải Phòng units, procedures, users per role.

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

from motcua.core.roles import STAFF_ROLES
from motcua.procedures.models import Fee, Procedure, RequiredDocument, Sector
from motcua.procedures.services import procedure_publish
from motcua.units.models import Membership, Unit, UnitLevel

DEMO_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo"


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
    for row in data["units"]:  # parents come before children in the file
        if Unit.objects.filter(agency_code=row["agency_code"]).exists():
            continue
        fields = {k: v for k, v in row.items() if k not in {"parent", "level"}}
        parent = Unit.objects.get(agency_code=row["parent"]) if row.get("parent") else None
        Unit.objects.create(level=levels[row["level"]], parent=parent, **fields)
        created += 1
    return created


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
        procedure_publish(procedure=procedure, note="Dữ liệu mẫu")
        created += 1
    return created


def _logins_file() -> Path:
    return Path(settings.SITE.directory) / "demo-logins.txt"


def _saved_passwords() -> dict[str, str]:
    path = _logins_file()
    if not path.exists():
        return {}
    pairs = (line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if "\t" in line)
    return {user: password for user, password, *_ in pairs}


def demo_load_users() -> list[DemoLogin]:
    User = get_user_model()
    saved = _saved_passwords()
    logins = []
    for row in _read("users.yaml")["users"]:
        first, _, last = row["full_name"].rpartition(" ")
        user = User.objects.filter(username=row["username"]).first()
        if user is None:
            password = secrets.token_urlsafe(9)
            user = User.objects.create_user(
                row["username"], email=f"{row['username']}@demo.motcua.vn", password=password,
                first_name=last, last_name=first,
                is_staff=row["role"] in STAFF_ROLES, is_superuser=row.get("superuser", False),
            )
            saved[user.username] = password
        group = Group.objects.get(name=row["role"])
        user.groups.add(group)
        if row["unit"]:
            Membership.objects.get_or_create(
                user=user, unit=Unit.objects.get(agency_code=row["unit"]), role=group
            )
        logins.append(DemoLogin(user.username, saved.get(user.username, "(đã đổi)"), row["role"],
                                row["unit"] or ""))
    path = _logins_file()
    path.write_text("".join(f"{x.username}\t{x.password}\t{x.role}\n" for x in logins), encoding="utf-8")
    path.chmod(0o600)
    return logins


@transaction.atomic
def demo_load() -> tuple[dict[str, int], list[DemoLogin]]:
    """Load everything missing from the demo fixtures; return counts and the demo logins."""
    counts = {"units": demo_load_units(), "procedures": demo_load_procedures()}
    return counts, demo_load_users()
