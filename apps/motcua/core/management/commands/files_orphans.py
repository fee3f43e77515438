"""``manage.py files_orphans [--delete] [--min-age-minutes N]``: files of the store no row names."""

from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core.management.commands._oneline import OneLineErrorsCommand
from motcua.core.orphan_files import MIN_AGE, orphan_files_delete


class Command(OneLineErrorsCommand):
    help = gettext_lazy(
        "Đếm (hoặc xóa với --delete) các tệp trong kho lưu trữ không còn bản ghi nào trỏ tới."
    )

    def add_arguments(self, parser):
        parser.add_argument("--delete", action="store_true", help=_("xóa các tệp mồ côi"))
        parser.add_argument(
            "--min-age-minutes",
            type=int,
            default=int(MIN_AGE.total_seconds() // 60),
            help=_("chỉ tính các tệp cũ hơn số phút này (mặc định một ngày)"),
        )

    def handle(self, *args, **options):
        counts = orphan_files_delete(
            min_age=timedelta(minutes=options["min_age_minutes"]), dry_run=not options["delete"]
        )
        self.stdout.write(_("%(files)s tệp, %(orphans)s tệp mồ côi, đã xóa %(deleted)s.") % counts)
