"""``manage.py restore FILE.tar``: restore a backup into this (empty) site and verify its manifest."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core.management.commands._oneline import OneLineErrorsCommand, fail
from motcua.ops.backup import BackupError, site_restore


class Command(OneLineErrorsCommand):
    help = gettext_lazy(
        "Phục hồi một bản sao lưu vào site trống, kiểm tra số dòng và mã kiểm tra theo bản kê."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", metavar="FILE.tar")

    def handle(self, *args, **options):
        path = Path(options["archive"])
        if not path.is_file():
            raise fail(_("%(path)s: không có tệp này.") % {"path": path})
        try:
            report = site_restore(archive_path=path)
        except BackupError as exc:
            raise fail(str(exc)) from None
        self.stdout.write(
            _("Đã phục hồi %(tables)s bảng, %(rows)s dòng, %(files)s tệp; bản kê khớp.")
            % {"tables": report.tables, "rows": report.rows, "files": report.files}
        )
