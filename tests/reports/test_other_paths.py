"""Officer evaluation, the public transparency page and the kpi command."""

import json
import subprocess
import sys
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError

from motcua.reports import evaluation
from motcua.reports.indicators import window
from tests.reports.conftest import MARCH, NOW

pytestmark = pytest.mark.django_db


def test_officer_evaluation_counts_steps_on_time_late_and_supplements(world, march):
    u = world.users
    result = evaluation.officer_evaluation(viewer=u.leader, officer=u.spec1, w=window(*MARCH))
    rows = {r["name"]: r for r in result["rows"]}
    # spec1 finished "Thẩm định hồ sơ" for on_time, twice and next (forwarded in time) and the
    # withdrawn one (closed by the withdrawal, in time); asked for 2 supplements (paused, twice)
    assert rows["Thẩm định hồ sơ"]["steps"] == 4
    assert rows["Thẩm định hồ sơ"]["late"] == 0
    assert result["supplements"] == 2
    assert result["on_time_rate"] == Decimal("100.00")


def test_only_the_officer_their_leaders_and_supervisors_see_the_evaluation(world, march, login):
    u = world.users
    url = f"/desk/reports/officers/{u.spec1.pk}/?date_from=2025-03-01&date_to=2025-03-31"
    assert login(u.spec1).get(url).status_code == 200
    assert login(u.leader).get(url).status_code == 200
    assert login(u.city_leader).get(url).status_code == 200  # subtree leader of the city
    assert login(u.spec2).get(url).status_code == 403  # a colleague
    assert login(u.other_spec).get(url).status_code == 403  # another unit
    assert evaluation.may_view(viewer=u.reception, officer=u.spec1) is False


def test_public_page_lists_units_without_personal_data_and_is_cached(world, march, client):
    cache.clear()
    with time_machine.travel(NOW, tick=False):
        html = client.get("/cong-khai-tien-do/").content.decode()
    assert "Ủy ban nhân dân quận Hồng Bàng" in html and "Ủy ban nhân dân quận Lê Chân" in html
    assert march.on_time.code not in html and march.on_time.applicant_name not in html
    assert "Trần Thị" not in html  # no officer names either
    # cached: a new dossier does not show until the cache expires
    from motcua.dossiers.models import Dossier

    Dossier.objects.filter(pk=march.training.pk).update(is_training=False)
    with time_machine.travel(NOW, tick=False):
        again = client.get("/cong-khai-tien-do/").content.decode()

    def table(page):
        return page.split("<tbody>")[1].split("</tbody>")[0]

    assert table(again) == table(html)


def test_kpi_command_prints_the_dashboard_numbers_as_json(world, march, capsys):
    with time_machine.travel(NOW, tick=False):
        call_command(
            "kpi",
            "--unit",
            "000.00.00.H27",
            "--subtree",
            "--from",
            "2025-03-01",
            "--to",
            "2025-03-31",
            "--json",
        )
    values = json.loads(capsys.readouterr().out)
    assert (values["received"], values["handled"], values["on_time_rate"]) == (7, 8, "75.00")
    with time_machine.travel(NOW, tick=False):
        call_command("kpi", "--unit", "000.00.31.H27", "--from", "2025-03-01", "--to", "2025-03-31")
    text = capsys.readouterr().out
    assert "received                 6" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--unit", "X.Y", "--from", "2025-03-01", "--to", "2025-03-31"],
            "Không có đơn vị mã 'X.Y'.",
        ),
        (
            ["--unit", "000.00.31.H27", "--from", "2025-3-1x", "--to", "2025-03-31"],
            "Ngày --from không hợp lệ",
        ),
    ],
)
def test_kpi_command_exits_2_with_one_line(world, args, message):
    with pytest.raises(CommandError) as exc:
        call_command("kpi", *args)
    assert exc.value.returncode == 2 and message in str(exc.value)


def test_kpi_command_exit_status_from_the_shell():
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "kpi",
            "--unit",
            "NOPE",
            "--from",
            "01/01/2025",
            "--to",
            "2025-01-02",
        ],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin", "MOTCUA_DATABASE_URL": "", "HOME": "/tmp"},
        check=False,
    )
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1


def test_processing_times_command_backfills_once(world, march, capsys):
    from motcua.reports.models import ProcessingTime

    ProcessingTime.objects.filter(dossier=march.on_time).delete()
    call_command("processing_times")
    assert "recorded 1, failed 0" in capsys.readouterr().out
    assert ProcessingTime.objects.get(dossier=march.on_time).office_seconds == 41 * 3600
    call_command("processing_times")
    assert "recorded 0, failed 0" in capsys.readouterr().out
