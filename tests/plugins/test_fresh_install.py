"""A plugin installed with pip from its own folder into a fresh environment works, core unchanged.

The fresh venv has no pip and nothing installed; motcua's own packages (Django …) are reachable
through a ``.pth`` line, but the plugins' editable installs of the project venv are not (their
import hooks live in ``.pth`` files, which are not read from a path added that way). The SMS
plugin is built and installed from ``plugins/sms_gateway`` by pip (``--no-deps
--no-build-isolation``: offline), then a site of that venv enables it and sends an SMS through a
local gateway.
"""

import json
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from django.conf import settings

from tests.notifications.test_channels import Gateway
from tests.plugins.sites import make_site, manage

SEND = """
from types import SimpleNamespace
import motcua_sms
from motcua.notifications.channels import CHANNELS
sent = CHANNELS["sms"].send(SimpleNamespace(pk=7, address="0912345678", body="Hồ sơ đã có kết quả"))
print("SENT", sent, motcua_sms.__file__)
"""


@pytest.fixture
def gateway():
    server = Gateway([(200, {"id": "SMS-FRESH-1"})])
    yield server
    server.close()


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="the child site uses SQLite; run in the SQLite pass",
)
def test_the_sms_plugin_pip_installed_into_a_fresh_venv_sends(tmp_path, gateway):
    url = gateway.url
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    fresh = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    (fresh / "motcua-host.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--target",
            str(fresh),
            str(Path(settings.BASE_DIR) / "plugins" / "sms_gateway"),
        ],
        check=True,
        capture_output=True,
    )
    sites = tmp_path / "sites"
    make_site(sites, "tinh_moi", plugins=["sms_gateway"], extra=f'sms_gateway_url = "{url}"\n')

    listed = manage(sites, "tinh_moi", "plugins", "list", "--json", python=str(python))
    assert listed.returncode == 0, listed.stderr
    rows = {row["name"]: row for row in json.loads(listed.stdout)["plugins"]}
    assert rows["sms_gateway"]["enabled"] and rows["sms_gateway"]["version"] == "1.0.0"
    assert rows["sms_gateway"]["contributes"] == ["channel sms"]

    sent = manage(sites, "tinh_moi", "shell", "-c", SEND, python=str(python))
    assert sent.returncode == 0, sent.stderr
    line = next(x for x in sent.stdout.splitlines() if x.startswith("SENT "))
    _, provider_id, module_file = line.split(" ", 2)
    assert provider_id == "SMS-FRESH-1"
    assert module_file.startswith(str(fresh))  # the copy pip installed, not the repository's
    assert [body for _headers, body in gateway.requests] == [
        {"to": "0912345678", "text": "Hồ sơ đã có kết quả", "ref": "7"}
    ]
