"""``manage.py plugins list | enable NAME | disable NAME`` (see :mod:`motcua.plugins.cli`).

``manage.py`` runs these before Django is set up; this command is the same for ``call_command``.
"""

from django.core.management.base import BaseCommand, CommandError

from motcua.plugins.cli import main


class Command(BaseCommand):
    help = (
        "Liệt kê, bật, tắt tiện ích mở rộng (plugin) của site: list | enable NAME | disable NAME."
    )

    def add_arguments(self, parser):
        parser.add_argument("args", nargs="+")

    def handle(self, *args, **options):
        if main(list(args), out=self.stdout) != 0:
            raise CommandError("plugins: failed (see above)")
