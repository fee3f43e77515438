"""The demo site: a Hải Phòng-like province, 15+ procedures, one user per role, loaded once."""

import pytest
from django.core.management import call_command

from motcua.core.roles import Role
from motcua.demo import loader as demo
from motcua.dossiers.models import Dossier
from motcua.procedures.models import Procedure
from motcua.units.models import Membership, Unit


@pytest.fixture
def logins_file(tmp_path, monkeypatch):
    path = tmp_path / "demo-logins.txt"
    monkeypatch.setattr(demo, "_logins_file", lambda: path)
    return path


@pytest.mark.django_db
def test_demo_has_the_promised_shape(logins_file):
    counts, logins = demo.demo_load()

    levels = Unit.objects.values_list("level__code", flat=True)
    assert list(levels).count("province") == 1
    assert list(levels).count("department") >= 5
    assert list(levels).count("district") >= 3
    assert list(levels).count("commune") >= 6
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
    unit = Unit.objects.get(agency_code="000.00.31.H27")
    unit.name = "UBND quận Hồng Bàng (đã sửa)"
    unit.save()
    first_passwords = logins_file.read_text()

    counts, logins = demo.demo_load()

    assert set(counts.values()) == {0}
    assert Unit.objects.get(agency_code="000.00.31.H27").name == "UBND quận Hồng Bàng (đã sửa)"
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
