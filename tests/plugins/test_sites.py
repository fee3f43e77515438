"""Two sites, one codebase: a plugin contributes only where its site enables it (child processes).

Each site is a folder of a temporary sites directory (``MOTCUA_SITES_DIR``) with its own SQLite
file; ``manage.py`` runs in a child process per site, as the site's web or worker process would.
"""

import sqlite3
import textwrap

import pytest
from django.conf import settings

from tests.plugins.sites import make_site, manage, probe

pytest.importorskip("motcua_postal")
pytest.importorskip("motcua_sms")

# Each child site runs on its own SQLite file whatever the suite's database: which plugins a site
# runs does not depend on the engine, so these run once, in the SQLite pass (the plugins' own
# tests, under plugins/, run in both passes).
pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="child sites use SQLite; run in the SQLite pass",
)


def test_a_plugin_contributes_its_job_channel_field_kind_and_page_only_where_enabled(tmp_path):
    make_site(tmp_path, "tinh_a", plugins=["postal", "sms_gateway"])
    make_site(tmp_path, "tinh_b")
    a, b = probe(tmp_path, "tinh_a"), probe(tmp_path, "tinh_b")

    assert "postal_tracking_poll" in a["jobs"] and "postal_tracking_poll" not in b["jobs"]
    assert "sms" in a["channels"] and "sms" not in b["channels"]
    assert "postal_code" in a["kinds"] and "postal_code" not in b["kinds"]
    assert a["page"] == "/plugins/postal/" and b["page"] is None
    assert "Gửi kết quả qua bưu chính" in a["menu"] and "Gửi kết quả qua bưu chính" not in b["menu"]
    assert "motcua_postal" in a["apps"] and "motcua_postal" not in b["apps"]
    # The core's contributions are the same on both.
    core = {"due_sweep", "outbox_deliver", "notifications_deliver"}
    assert core <= set(a["jobs"]) and core <= set(b["jobs"])
    assert {"email", "desk", "zalo", "console"} <= set(b["channels"])


def _install_fake_plugin(where, *, requires: str):
    """A plugin distribution written by hand (dist-info + package) in *where*, for PYTHONPATH."""
    (where / "motcua_vieux").mkdir(parents=True)
    (where / "motcua_vieux" / "__init__.py").write_text("")
    (where / "motcua_vieux" / "hooks.py").write_text(
        textwrap.dedent(
            f"""
            name = "vieux"
            requires_motcua = "{requires}"
            notification_channels = {{"fax": "motcua_vieux.hooks.Fax"}}
            """
        )
    )
    info = where / "motcua_vieux-2.3.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: motcua-vieux\nVersion: 2.3\n")
    (info / "entry_points.txt").write_text("[motcua.plugins]\nvieux = motcua_vieux.hooks\n")


def test_a_plugin_for_another_motcua_version_stops_start_up_with_one_line(tmp_path):
    packages = tmp_path / "packages"
    _install_fake_plugin(packages, requires=">=9.0,<10")
    make_site(tmp_path / "sites", "tinh_c", plugins=["vieux"])
    env = {"PYTHONPATH": str(packages)}

    refused = manage(tmp_path / "sites", "tinh_c", "check", env=env)
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1 and refused.stdout == ""
    assert refused.stderr.startswith("motcua: ")
    assert "plugin vieux 2.3 supports motcua >=9.0,<10, this is motcua 0.1.0" in refused.stderr

    # The lifecycle command still works on that site, and disabling lets it start again.
    listed = manage(tmp_path / "sites", "tinh_c", "plugins", "list", env=env)
    assert listed.returncode == 0 and "needs motcua >=9.0,<10" in listed.stdout
    assert (
        manage(tmp_path / "sites", "tinh_c", "plugins", "disable", "vieux", env=env).returncode == 0
    )
    assert manage(tmp_path / "sites", "tinh_c", "check", env=env).returncode == 0


def test_a_site_enabling_a_plugin_that_is_not_installed_stops_with_one_line(tmp_path):
    make_site(tmp_path, "tinh_d", plugins=["khong_co"])
    refused = manage(tmp_path, "tinh_d", "check")
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1
    assert "plugin 'khong_co' is enabled but not installed" in refused.stderr


def test_disabling_keeps_the_plugins_data_and_enabling_again_finds_it(tmp_path):
    folder = make_site(tmp_path, "tinh_e")
    enabled = manage(tmp_path, "tinh_e", "plugins", "enable", "postal")
    assert enabled.returncode == 0, enabled.stderr
    assert 'plugins = ["postal"]' in (folder / "site_config.toml").read_text()
    db = sqlite3.connect(folder / "motcua.sqlite3")
    # Enabling ran the plugin's migrations, its patch and loaded its fixture (two carriers).
    assert db.execute("select count(*) from motcua_postal_carrier").fetchone() == (2,)
    assert db.execute(
        "select count(*) from jobs_appliedpatch where name = ?",
        ("motcua_postal.patches.tracking_upper_case",),
    ).fetchone() == (1,)
    db.execute(
        "insert into motcua_postal_carrier (code, name, tracking_page) values ('ghn', 'GHN', '')"
    )
    db.commit()

    assert manage(tmp_path, "tinh_e", "plugins", "disable", "postal").returncode == 0
    assert (
        "postal"
        not in (folder / "site_config.toml").read_text().split("plugins =")[1].split("\n")[0]
    )
    off = probe(tmp_path, "tinh_e")
    assert "motcua_postal" not in off["apps"] and "postal_code" not in off["kinds"]
    assert db.execute("select code from motcua_postal_carrier order by id").fetchall() == [
        ("vnpost",),
        ("viettelpost",),
        ("ghn",),
    ]

    assert manage(tmp_path, "tinh_e", "plugins", "enable", "postal").returncode == 0
    assert db.execute("select count(*) from motcua_postal_carrier").fetchone() == (3,)
    assert "motcua_postal" in probe(tmp_path, "tinh_e")["apps"]
    db.close()


def test_the_core_cannot_be_disabled(tmp_path):
    make_site(tmp_path, "tinh_f")
    refused = manage(tmp_path, "tinh_f", "plugins", "disable", "motcua_notifications")
    assert refused.returncode == 2 and "part of the core" in refused.stderr
