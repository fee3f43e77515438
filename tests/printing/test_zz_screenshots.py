"""Refresh docs/screenshots/form-01.png and form-06.png (first page, 80 dpi) for reviewers.

Skipped unless ``MOTCUA_SHOTS=1``: ``MOTCUA_SHOTS=1 .venv/bin/pytest tests/printing -k screenshots``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from motcua.printing.render import render_form_pdf

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

pytestmark = pytest.mark.skipif(
    os.environ.get("MOTCUA_SHOTS") != "1" or shutil.which("pdftoppm") is None,
    reason="set MOTCUA_SHOTS=1 (needs poppler-utils' pdftoppm) to refresh the screenshots",
)


@pytest.mark.parametrize("code", ["01", "06"])
def test_screenshots(demo, world, frozen_print, tmp_path, code):
    pdf = tmp_path / f"form-{code}.pdf"
    pdf.write_bytes(render_form_pdf(code=code, user=world.users.reception, dossier=demo.full))
    SHOTS.mkdir(parents=True, exist_ok=True)
    target = SHOTS / f"form-{code}"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-singlefile", "-f", "1", str(pdf), str(target)],
        check=True,
    )
    png = target.with_suffix(".png")
    assert png.stat().st_size < 300 * 1024
