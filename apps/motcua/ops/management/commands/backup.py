"""``manage.py backup [-o FILE.tar]``: the site's database and files in one archive with a manifest."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core.management.commands._oneline import OneLineErrorsCommand, fail
from motcua.ops.backup import BackupError, site_backup


class Command(OneLineErrorsCommand):
    help = gettext_lazy(
        "Sao lưu cơ sở dữ liệu và tệp của site vào một tệp .tar có bản kê (số dòng, mã kiểm tra)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "-o",
            "--output",
            metavar="FILE.tar",
            help=_("mặc định: sites/SITE/backups/motcua-SITE-YYYYmmdd-HHMMSS.tar"),
        )

    def handle(self, *args, **options):
        if options["output"]:
            output = Path(options["output"])
        else:
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            output = (
                settings.SITE.directory / "backups" / f"motcua-{settings.SITE.name}-{stamp}.tar"
            )
        if output.exists():
            raise fail(_("%(path)s đã tồn tại.") % {"path": output})
        try:
            output.parent.mkdir(parents=True, exist_ok=True)
            manifest = site_backup(output=output)
        except (BackupError, OSError) as exc:
            raise fail(str(exc)) from None
        rows = sum(t["rows"] for t in manifest["tables"].values())
        self.stdout.write(
            _("%(path)s: %(tables)s bảng, %(rows)s dòng, %(files)s tệp.")
            % {
                "path": output,
                "tables": len(manifest["tables"]),
                "rows": rows,
                "files": len(manifest["files"]),
            }
        )
