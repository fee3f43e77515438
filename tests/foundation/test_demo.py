"""The demo site: Hải Phòng after the 2025 merger (two-level local government: departments, a
service centre, wards and communes, no district), 15+ procedures, one user per role, the history
of one merger, loaded once."""

import pytest
from django.core.management import call_command

from motcua.core.roles import Role
from motcua.demo import loader as demo
from motcua.dossiers.models import Dossier
from motcua.dossiers.states import Action
from motcua.procedures.models import Procedure
from motcua.units.models import Membership, Reorganisation, ReorganisationStatus, Unit


@pytest.fixture
def logins_file(tmp_path, monkeypatch):
    path = tmp_path / "demo-logins.txt"
    monkeypatch.setattr(demo, "_logins_file", lambda: path)
    return path


@pytest.mark.django_db
def test_demo_has_the_promised_shape(logins_file):
    counts, logins = demo.demo_load()

    levels = list(Unit.objects.filter(valid_to=None).values_list("level__code", flat=True))
    assert levels.count("province") == 1
    assert levels.count("department") >= 5
    assert levels.count("service_centre") == 1
    assert levels.count("district") == 0  # the two-level model: districts only in the history
    assert levels.count("commune") >= 6
    assert Procedure.objects.count() >= 15
    units = {p.processing_unit for p in Procedure.objects.all()}
    assert units == {"working_days", "working_hours", "same_day"}
    assert all(p.versions.count() == 1 for p in Procedure.objects.all())
    assert all(p.steps.exists() for p in Procedure.objects.all())
    roles = {login.role for login in logins}
    assert roles == set(Role.values)
    assert Membership.objects.filter(role__name=Role.RECEPTION_OFFICER).exists()
    assert Dossier.objects.count() == counts["hồ sơ"] > 0


@pytest.mark.django_db
def test_demo_loads_once_and_keeps_changes(logins_file):
    demo.demo_load()
    unit = Unit.objects.get(agency_code="000.01.10.H27")
    unit.name = "UBND phường Hồng Bàng (đã sửa)"
    unit.save()
    first_passwords = logins_file.read_text()

    counts, logins = demo.demo_load()

    assert set(counts.values()) == {0}
    assert Unit.objects.get(agency_code="000.01.10.H27").name == "UBND phường Hồng Bàng (đã sửa)"
    assert logins_file.read_text() == first_passwords
    assert logins_file.stat().st_mode & 0o077 == 0


@pytest.mark.django_db
def test_demo_passwords_work_and_are_random(logins_file, client):
    _, logins = demo.demo_load()
    admin = next(x for x in logins if x.role == Role.ADMINISTRATOR)

    assert len({x.password for x in logins}) == len(logins)
    assert client.login(username=admin.username, password=admin.password)
    page = client.get("/admin/")
    assert page.status_code == 200


@pytest.mark.django_db
def test_load_demo_command_prints_urls_and_logins(logins_file, capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "http://127.0.0.1:8000/admin/" in out and "http://127.0.0.1:8000/desk/" in out
    assert "quantri" in out and "motcua.hongbang" in out


@pytest.mark.django_db
def test_demo_shows_one_finished_merger(logins_file):
    demo.demo_load()

    r = Reorganisation.objects.get()
    assert r.status == ReorganisationStatus.DONE and r.kind == "merge"
    ward = Unit.objects.get(agency_code="000.08.10.H27")
    assert r.successor == ward and ward.valid_to is None
    former = Unit.objects.filter(
        agency_code__in=["000.00.33.H27", "000.01.33.H27", "000.02.33.H27", "000.03.33.H27"]
    )
    assert former.count() == 4 and all(u.valid_to and not u.is_active for u in former)
    assert {u.level.code for u in former} == {"district", "commune"}
    # the finished dossiers stay with their old unit; the open one moved with its event
    closed = Dossier.objects.filter(unit__in=former).exclude(current_unit=ward)
    assert (
        closed.count() == 4 and not closed.filter(status__in=["received", "in_progress"]).exists()
    )
    moved = Dossier.objects.get(current_unit=ward)
    assert moved.unit.agency_code == "000.01.33.H27"
    assert moved.events.filter(action=Action.REHOME).count() == 1
    assert Membership.objects.filter(unit=ward, user__username="chuyenvien.anhong").exists()
    assert ward.procedures.filter(national_code="1.004873").exists()
