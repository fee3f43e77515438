"""``manage.py deadline`` (and the calendar import/export commands): output and exit status 2."""

import subprocess
import sys
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from motcua.core import services
from motcua.core.calendar_yaml import parse_calendar_year
from motcua.core.models import Holiday, MakeUpWorkingDay

ROOT = Path(__file__).resolve().parents[2]
SEED_2025 = str(ROOT / "fixtures" / "calendar" / "vn-2025.yaml")

CAL_2025 = """
office_hours: [["07:30", "11:30"], ["13:00", "17:00"]]
weekdays: [mon, tue, wed, thu, fri]
same_day_cutoff: "15:00"
holidays: ["2025-01-01", {from: "2025-01-25", to: "2025-02-02", name: "Tết Ất Tỵ"}]
working_days: ["2025-02-15"]
"""


@pytest.fixture
def cal_file(tmp_path) -> str:
    path = tmp_path / "cal-2025.yaml"
    path.write_text(CAL_2025, encoding="utf-8")
    return str(path)


def run(*args: str) -> str:
    out = StringIO()
    call_command("deadline", *args, stdout=out)
    return out.getvalue().strip()


def fails(*args: str) -> str:
    with pytest.raises(CommandError) as caught:
        call_command("deadline", *args, stdout=StringIO())
    assert caught.value.returncode == 2
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_the_issue_example(cal_file):
    out = run(
        "--calendar",
        cal_file,
        "--start",
        "2025-01-24T10:00",
        "--amount",
        "3",
        "--unit",
        "working_days",
    )
    assert out == "2025-02-05T17:00:00+07:00"


def test_working_hours_and_same_day(cal_file):
    base = ("--calendar", cal_file)
    assert (
        run(*base, "--start", "2025-01-24T16:00", "--amount", "4", "--unit", "working_hours")
        == "2025-02-03T10:30:00+07:00"
    )
    assert run(*base, "--start", "2025-01-24T15:30", "--unit", "same_day") == (
        "2025-02-03T17:00:00+07:00"
    )
    # The make-up Saturday 15/2 of the example file is a working day.
    assert (
        run(*base, "--start", "2025-02-14T16:00", "--amount", "1", "--unit", "working_days")
        == "2025-02-15T17:00:00+07:00"
    )


def test_start_with_an_offset_is_converted(cal_file):
    out = run(
        "--calendar",
        cal_file,
        "--start",
        "2025-01-24T03:00:00+00:00",
        "--amount",
        "3",
        "--unit",
        "working_days",
    )
    assert out == "2025-02-05T17:00:00+07:00"


def test_pauses_push_the_due_moment(cal_file):
    # Mon 3/3 10:00 + 3 wd → Thu 6/3 17:00; pause Tue 09:00–14:00 = 3.5 h → Fri 7/3 11:00.
    out = run(
        "--calendar",
        cal_file,
        "--start",
        "2025-03-03T10:00",
        "--amount",
        "3",
        "--unit",
        "working_days",
        "--pause",
        "2025-03-04T09:00,2025-03-04T14:00",
    )
    assert out == "2025-03-07T11:00:00+07:00"


def test_day_rule_option(cal_file):
    out = run(
        "--calendar",
        cal_file,
        "--start",
        "2025-03-03T10:00",
        "--amount",
        "3",
        "--unit",
        "working_days",
        "--day-rule",
        "office_time",
    )
    assert out == "2025-03-06T10:00:00+07:00"


def test_several_calendar_files_cover_the_turn_of_the_year(tmp_path):
    y2026 = tmp_path / "2026.yaml"
    y2026.write_text('holidays: ["2026-01-01", {from: "2026-01-02", to: "2026-01-04"}]')
    y2025 = tmp_path / "2025.yaml"
    y2025.write_text('holidays: ["2025-01-01"]')
    # Wed 31/12/2025 + 1 wd: 1/1 and 2/1/2026 off, weekend → Mon 5/1/2026.
    out = run(
        "--calendar",
        str(y2025),
        "--calendar",
        str(y2026),
        "--start",
        "2025-12-31T10:00",
        "--amount",
        "1",
        "--unit",
        "working_days",
    )
    assert out == "2026-01-05T17:00:00+07:00"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--start", "2025-01-24T10:00", "--amount", "3", "--unit", "weeks"), "--unit: 'weeks'"),
        (("--start", "2025-01-24T10:00", "--amount", "-3", "--unit", "working_days"), "âm"),
        (("--start", "2025-01-24T10:00", "--amount", "0", "--unit", "working_days"), "lớn hơn 0"),
        (
            ("--start", "2025-01-24T10:00", "--amount", "ba", "--unit", "working_days"),
            "không phải là số",
        ),
        (("--start", "2025-01-24T10:00", "--unit", "working_hours"), "--amount: cần"),
        (
            ("--start", "24/01/2025 10:00", "--amount", "3", "--unit", "working_days"),
            "--start: '24/01/2025",
        ),
        (("--start", "2025-02-30T10:00", "--amount", "3", "--unit", "working_days"), "--start"),
        (
            (
                "--start",
                "2025-03-03T10:00",
                "--amount",
                "3",
                "--unit",
                "working_days",
                "--pause",
                "2025-03-04T14:00,2025-03-04T09:00",
            ),
            "kết thúc trước khi bắt đầu",
        ),
        (
            (
                "--start",
                "2025-03-03T10:00",
                "--amount",
                "3",
                "--unit",
                "working_days",
                "--pause",
                "2025-03-04T09:00,2025-03-04T11:00",
                "--pause",
                "2025-03-04T10:00,2025-03-04T12:00",
            ),
            "chồng lên nhau",
        ),
        (
            (
                "--start",
                "2025-03-03T10:00",
                "--amount",
                "3",
                "--unit",
                "working_days",
                "--pause",
                "2025-03-04T09:00",
            ),
            "START,END",
        ),
        (
            (
                "--start",
                "2025-03-03T10:00",
                "--amount",
                "1",
                "--unit",
                "working_days",
                "--day-rule",
                "lunar",
            ),
            "lunar",
        ),
    ],
)
def test_bad_arguments_exit_2_with_one_line(cal_file, args, message):
    assert message in fails("--calendar", cal_file, *args)


def test_calendar_with_no_working_time_exits_2(tmp_path):
    path = tmp_path / "empty.yaml"
    path.write_text("weekdays: []\n")
    message = fails(
        "--calendar",
        str(path),
        "--start",
        "2025-03-03T10:00",
        "--amount",
        "1",
        "--unit",
        "working_days",
    )
    assert "không có thời gian làm việc" in message


def test_malformed_calendar_file_exits_2_naming_the_key(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text('holidays: ["2025-13-01"]\n')
    message = fails(
        "--calendar",
        str(path),
        "--start",
        "2025-03-03T10:00",
        "--amount",
        "1",
        "--unit",
        "working_days",
    )
    assert message.startswith('bad.yaml: holidays[0]: "2025-13-01"')


def test_missing_calendar_file_exits_2(tmp_path):
    message = fails(
        "--calendar",
        str(tmp_path / "nope.yaml"),
        "--start",
        "2025-03-03T10:00",
        "--amount",
        "1",
        "--unit",
        "working_days",
    )
    assert "không tìm thấy tệp" in message


def test_missing_required_argument_exits_2():
    message = fails("--start", "2025-03-03T10:00", "--amount", "1")
    assert "--unit" in message


@pytest.mark.django_db
def test_without_calendar_file_the_site_calendar_is_used():
    services.calendar_year_import(parse_calendar_year(CAL_2025), recompute=False)
    assert run("--start", "2025-01-24T10:00", "--amount", "3", "--unit", "working_days") == (
        "2025-02-05T17:00:00+07:00"
    )


@pytest.mark.django_db
def test_without_calendar_file_the_site_day_rule_is_used():
    row = services.calendar_ensure()
    row.day_rule = "office_time"
    row.save()
    services.calendar_touch()
    assert run("--start", "2025-03-03T10:00", "--amount", "3", "--unit", "working_days") == (
        "2025-03-06T10:00:00+07:00"
    )


# -- the command's output and errors (call_command), and one real process ---------------------


#: Three working days from Fri 24/1/2025 10:00, with the Tết break of the 2025 seed.
SEED_ARGS = ("--calendar", SEED_2025, "--start", "2025-01-24T10:00", "--amount", "3")


def test_the_command_prints_the_due_moment():
    assert run(*SEED_ARGS, "--unit", "working_days") == "2025-02-05T17:00:00+07:00"


def test_a_bad_unit_is_named_in_one_line():
    assert "fortnights" in fails(*SEED_ARGS, "--unit", "fortnights")


def test_a_missing_argument_is_named():
    with pytest.raises(CommandError, match="the following arguments are required: --start"):
        call_command(
            "deadline",
            "--calendar",
            SEED_2025,
            "--amount",
            "3",
            "--unit",
            "same_day",
            stdout=StringIO(),
        )


def test_process_exits_2_with_one_line_on_stderr():
    """The one subprocess smoke test: the real exit status and stderr of ``manage.py``."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "deadline", *SEED_ARGS, "--unit", "fortnights"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert len(done.stderr.strip().splitlines()) == 1
    assert "fortnights" in done.stderr


# -- import / export commands ---------------------------------------------------------------


@pytest.mark.django_db
def test_calendar_import_then_export_round_trips(tmp_path):
    out = StringIO()
    call_command("calendar_import", SEED_2025, stdout=out)
    # 1/1 (1) + 25/1–2/2 (9) + 7/4 (1) + 30/4–4/5 (5) + 30/8–2/9 (4) = 20 days.
    assert "Năm 2025: 5 đợt nghỉ (20 ngày), 1 ngày làm bù" in out.getvalue()
    assert Holiday.objects.filter(year=2025).count() == 5
    assert MakeUpWorkingDay.objects.get().date == date(2025, 4, 26)
    target = tmp_path / "out.yaml"
    call_command("calendar_export", "2025", "-o", str(target))
    again = parse_calendar_year(target.read_text(encoding="utf-8"))
    original = parse_calendar_year(Path(SEED_2025).read_text(encoding="utf-8"))
    assert again == original


@pytest.mark.django_db
def test_calendar_import_of_a_bad_file_exits_2_and_changes_nothing(tmp_path):
    call_command("calendar_import", SEED_2025, stdout=StringIO())
    bad = tmp_path / "bad-2025.yaml"
    bad.write_text('year: 2025\nholidays: ["2025-01-01"]\nworking_days: ["2025-03-04"]\n')
    with pytest.raises(CommandError) as caught:
        call_command("calendar_import", str(bad), stdout=StringIO())
    assert caught.value.returncode == 2
    assert "working_days[0]" in str(caught.value)
    assert Holiday.objects.filter(year=2025).count() == 5  # the earlier import is intact


@pytest.mark.django_db
def test_calendar_export_rejects_a_bad_year():
    with pytest.raises(CommandError) as caught:
        call_command("calendar_export", "20x5", stdout=StringIO())
    assert caught.value.returncode == 2
