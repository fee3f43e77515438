"""The models and the committed migrations agree (no drift)."""

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_missing_migrations():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exc:  # --check exits 1 when a migration would be created
        pytest.fail(f"models changed without a migration:\n{out.getvalue()} (exit {exc.code})")
