"""``manage.py calendar_export YEAR [-o FILE.yaml]``: write one year of the site calendar as YAML."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core.management.commands._oneline import OneLineErrorsCommand, fail
from motcua.core.services import calendar_year_export


class Command(OneLineErrorsCommand):
    help = gettext_lazy("Xuất lịch làm việc của một năm ra tệp YAML (định dạng nhập lại được).")

    def add_arguments(self, parser):
        parser.add_argument("year", help=_("năm, ví dụ 2025"))
        parser.add_argument("-o", "--output", metavar="FILE.yaml", help=_("mặc định: stdout"))

    def handle(self, *args, **options):
        text = options["year"]
        if not text.isdigit() or not 1900 <= int(text) <= 2999:
            raise fail(_("year: %(value)r không phải là năm") % {"value": text})
        yaml_text = calendar_year_export(int(text))
        if options["output"]:
            try:
                Path(options["output"]).write_text(yaml_text, encoding="utf-8")
            except OSError as exc:
                raise fail(f"{options['output']}: {exc}") from None
        else:
            self.stdout.write(yaml_text, ending="")
