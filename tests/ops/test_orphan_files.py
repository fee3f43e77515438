"""The daily sweep of files no row names (core/orphan_files.py): old orphans only."""

import os
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from motcua.core.orphan_files import orphan_files_delete
from tests.dossiers.test_stored_files import receive_with_scan
from tests.portal.conftest import pdf_bytes

pytestmark = pytest.mark.django_db


def _age(name: str, hours: float) -> None:
    path = Path(settings.MEDIA_ROOT) / name
    moment = time.time() - hours * 3600
    os.utime(path, (moment, moment))


def test_only_old_files_that_no_row_names_are_deleted(world, applicant, capsys):
    named = receive_with_scan(world, applicant)
    old_orphan = default_storage.save("dossiers/x/mo-coi-cu.pdf", ContentFile(pdf_bytes()))
    young_orphan = default_storage.save("portal/y/mo-coi-moi.pdf", ContentFile(pdf_bytes()))
    for name in (named, old_orphan):
        _age(name, 30)

    call_command("files_orphans")  # counts only
    assert default_storage.exists(old_orphan)
    assert "1 tệp mồ côi, đã xóa 0" in capsys.readouterr().out

    counts = orphan_files_delete()

    assert counts["orphans"] == counts["deleted"] == 1 and counts["files"] >= 3
    assert not default_storage.exists(old_orphan)
    assert default_storage.exists(named) and default_storage.exists(young_orphan)
