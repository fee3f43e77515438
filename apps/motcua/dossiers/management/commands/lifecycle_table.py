"""``manage.py lifecycle_table``: print the lifecycle declarations as docs/architecture.md's table."""

from django.core.management.base import BaseCommand

from motcua.core.lifecycle import lifecycle_table_markdown


class Command(BaseCommand):
    help = "Print the table of lifecycle actions (core/lifecycle.py) in Markdown."

    def handle(self, *args, **options):
        self.stdout.write(lifecycle_table_markdown())
