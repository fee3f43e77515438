"""Recompute the unit tree's materialized paths (after ``loaddata`` or a manual SQL repair)."""

from django.core.management.base import BaseCommand

from motcua.units.services import unit_rebuild_paths


class Command(BaseCommand):
    help = "Recompute Unit.path and Unit.depth from the parent links."

    def handle(self, *args, **options):
        changed = unit_rebuild_paths()
        self.stdout.write(f"{changed} unit path(s) updated.")
