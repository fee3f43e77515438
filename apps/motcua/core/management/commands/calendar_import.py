"""``manage.py calendar_import FILE.yaml [...]``: replace years of the site calendar from files.

Each file is one year (the format of ``motcua.core.calendar_yaml``), imported in its own
transaction: a bad file changes nothing and stops the command with status 2 and one line.
Open deadlines are recomputed and audited unless ``--no-recompute``.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core.calendar_yaml import CalendarFileError, read_calendar_year
from motcua.core.management.commands._oneline import OneLineErrorsCommand, fail
from motcua.core.services import calendar_year_import


class Command(OneLineErrorsCommand):
    help = gettext_lazy("Nhập lịch làm việc của một hoặc nhiều năm từ tệp YAML.")

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE.yaml")
        parser.add_argument(
            "--no-recompute",
            action="store_true",
            help=_("không tính lại hạn xử lý đang mở (chỉ dùng khi khởi tạo)"),
        )

    def handle(self, *args, **options):
        for path in options["files"]:
            try:
                result = calendar_year_import(
                    read_calendar_year(path), recompute=not options["no_recompute"]
                )
            except CalendarFileError as exc:
                message = str(exc)
                if not message.startswith(path.rsplit("/", 1)[-1]):
                    message = f"{path}: {message}"
                raise fail(message) from None
            self.stdout.write(f"{path}: {result.summary()}")
