"""Site configuration: loading, defaults, secrets and one-line errors naming the key."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.site import BASE_DIR, SiteConfigError, load_site, secret_key


def write_site(tmp_path: Path, name: str, body: str) -> Path:
    site = tmp_path / name
    site.mkdir()
    (site / "site_config.toml").write_text(body, encoding="utf-8")
    return tmp_path


MINIMAL = 'site_name = "Cổng DVC thử"\nagency_name = "UBND tỉnh thử"\n'


def test_minimal_site_gets_documented_defaults(tmp_path):
    config = load_site("thu", sites_dir=write_site(tmp_path, "thu", MINIMAL))

    assert config.site_name == "Cổng DVC thử"
    assert config.time_zone == "Asia/Ho_Chi_Minh"
    assert config.office_hours == (("07:30", "11:30"), ("13:00", "17:00"))
    assert config.sqlite_path == tmp_path / "thu" / "motcua.sqlite3"
    assert config.database_url == "" or config.database_url == os.environ.get("MOTCUA_DATABASE_URL")


def test_site_selected_by_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("MOTCUA_SITE", "haiphong")
    config = load_site(sites_dir=write_site(tmp_path, "haiphong", MINIMAL))
    assert config.name == "haiphong"


def test_default_site_in_repository_loads():
    config = load_site("default")
    assert config.agency_name.startswith("Ủy ban nhân dân")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('agency_name = "x"\n', "missing required key 'site_name'"),
        (MINIMAL + "time_zone = 7\n", "key 'time_zone' must be a str, got int"),
        (MINIMAL + 'time_zone = "Asia/Hanoii"\n', "key 'time_zone' is not a known time zone"),
        (
            MINIMAL + 'office_hours = [["17:00", "07:30"]]\n',
            "key 'office_hours' has a bad interval",
        ),
        (MINIMAL + 'office_hours = [["7h30", "11:30"]]\n', "key 'office_hours' has a bad interval"),
        (MINIMAL + 'same_day_cutoff = "25:00"\n', "key 'same_day_cutoff' must be \"HH:MM\""),
        (MINIMAL + "max_upload_mb = true\n", "key 'max_upload_mb' must be a int, got bool"),
        (MINIMAL + 'database_url = "mysql://u:secret@db/x"\n', "contains a password"),
        ("site_name = \n", "not valid TOML"),
    ],
)
def test_malformed_config_names_the_key_in_one_line(tmp_path, body, message):
    with pytest.raises(SiteConfigError) as excinfo:
        load_site("bad", sites_dir=write_site(tmp_path, "bad", body))
    text = str(excinfo.value)
    assert message in text
    assert "\n" not in text
    assert "site_config.toml" in text


def test_missing_site_folder_is_reported(tmp_path):
    with pytest.raises(SiteConfigError, match="file not found"):
        load_site("nowhere", sites_dir=tmp_path)


def test_bad_site_name_is_refused(tmp_path):
    with pytest.raises(SiteConfigError, match="bad site name"):
        load_site("../etc", sites_dir=tmp_path)


def test_secret_key_is_generated_once_outside_git(tmp_path, monkeypatch):
    monkeypatch.delenv("MOTCUA_SECRET_KEY", raising=False)
    config = load_site("thu", sites_dir=write_site(tmp_path, "thu", MINIMAL))

    first = secret_key(config)
    assert len(first) > 40
    assert secret_key(config) == first
    assert (tmp_path / "thu" / "secret_key").stat().st_mode & 0o077 == 0
    ignored = (BASE_DIR / ".gitignore").read_text()
    assert "sites/*/secret_key" in ignored


def test_secret_key_from_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("MOTCUA_SECRET_KEY", "from-env")
    config = load_site("thu", sites_dir=write_site(tmp_path, "thu", MINIMAL))
    assert secret_key(config) == "from-env"


def test_manage_py_prints_one_line_and_exits_2_on_broken_site(tmp_path):
    write_site(tmp_path, "broken", 'agency_name = "x"\n')
    env = {**os.environ, "MOTCUA_SITES_DIR": str(tmp_path), "MOTCUA_SITE": "broken"}

    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"motcua: {tmp_path}/broken/site_config.toml: missing required key 'site_name'"
    ]
