"""Sites in a temporary folder and ``manage.py`` run for one of them in a child process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

MANAGE = str(Path(settings.BASE_DIR) / "manage.py")

#: What a process of a site has registered: its jobs, channels, field kinds, apps and pages.
PROBE = """
import json
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from motcua.jobs.schedule import active_schedule
from motcua.notifications.channels import CHANNELS
from motcua.portal.forms.builders import field_kind_choices
try:
    page = reverse("postal:pending")
except NoReverseMatch:
    page = None
print("PROBE " + json.dumps({
    "jobs": [job.name for job in active_schedule()],
    "channels": sorted(CHANNELS),
    "kinds": [kind for kind, _ in field_kind_choices()],
    "apps": list(settings.INSTALLED_APPS),
    "page": page,
    "menu": [i["title"] for g in settings.UNFOLD["SIDEBAR"]["navigation"] for i in g["items"]],
}, default=str))
"""


def make_site(sites_dir: Path, name: str, plugins=(), extra: str = "") -> Path:
    folder = sites_dir / name
    folder.mkdir(parents=True, exist_ok=True)
    listed = ", ".join(f'"{p}"' for p in plugins)
    (folder / "site_config.toml").write_text(
        f'site_name = "Cổng {name}"\nagency_name = "UBND {name}"\n'
        f'redis_url = ""\nplugins = [{listed}]\n{extra}',
        encoding="utf-8",
    )
    return folder


def manage(sites_dir: Path, site: str, *args, python: str | None = None, env=None, cwd=None):
    """Run ``manage.py`` for *site* (its own SQLite file, inline jobs); return the result."""
    child = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTEST", "DJANGO_SETTINGS", "MOTCUA_"))
    }
    child.update(
        MOTCUA_SITES_DIR=str(sites_dir),
        MOTCUA_SITE=site,
        MOTCUA_DATABASE_URL="",
        MOTCUA_REDIS_URL="",
        MOTCUA_SECRET_KEY="plugins-test",
        MOTCUA_STATIC_ROOT=str(sites_dir / "static"),
        **(env or {}),
    )
    return subprocess.run(
        [python or sys.executable, MANAGE, *args],
        env=child,
        cwd=cwd or settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=600,
    )


def probe(sites_dir: Path, site: str, **kw) -> dict:
    result = manage(sites_dir, site, "shell", "-c", PROBE, **kw)
    assert result.returncode == 0, result.stderr
    line = next(x for x in result.stdout.splitlines() if x.startswith("PROBE "))
    return json.loads(line.removeprefix("PROBE "))
