"""``manage.py import_dossiers FILE``: import dossiers exported by another system (XLSX or CSV).

The column mapping is docs/legacy-import.md. All or nothing: a file with a bad row saves nothing
and the errors are printed, one line per row and column (exit status 1).
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from motcua.dossiers.models import ImportStatus
from motcua.dossiers.services import dossiers_import


class Command(BaseCommand):
    help = "Import dossiers exported by another system (XLSX or CSV, docs/legacy-import.md)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx or .csv file")
        parser.add_argument("--source", default="", help="name of the system that exported it")
        parser.add_argument(
            "--user", required=True, help="username of the site administrator importing it"
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Không có tệp {path}.", returncode=2)
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"Không có người dùng {options['user']!r}.", returncode=2)
        with path.open("rb") as handle:
            record = dossiers_import(
                user=user, handle=handle, file_name=path.name, source_system=options["source"]
            )
        if record.status == ImportStatus.IMPORTED:
            self.stdout.write(f"Đã nhập {record.imported} hồ sơ từ {path.name} (lượt {record.pk}).")
            return
        for error in record.errors:
            where = f"dòng {error['row']}" if error["row"] else "tệp"
            column = f" [{error['column']}]" if error["column"] else ""
            self.stderr.write(f"{where}{column}: {error['message']}")
        raise CommandError(
            f"Không nhập tệp {path.name}: {len(record.errors)} lỗi; không có hồ sơ nào được lưu.",
            returncode=1,
        )
