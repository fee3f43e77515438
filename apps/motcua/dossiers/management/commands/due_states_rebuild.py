"""``manage.py due_states_rebuild``: compute the persisted due state of every open dossier.

For a database whose dossiers were written without the due columns (an upgrade from a version
before them, a bulk import, the load generator): open dossiers and their current steps get their
state, closed ones lose a stale one. Batched by id (each batch its own transaction, one UPDATE
per table), so it may be interrupted and run again; it changes nothing the second time.
"""

import time

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q

from motcua.dossiers.due_fields import DueState
from motcua.dossiers.due_state import due_states_refresh
from motcua.dossiers.models import Dossier
from motcua.dossiers.states import OPEN


def _ids(queryset, batch_size):
    last = 0
    while True:
        ids = list(
            queryset.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return
        last = ids[-1]
        yield ids


class Command(BaseCommand):
    help = "Compute the due state (in time / due soon / overdue / paused) of every open dossier."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, batch_size, **options):
        started = time.perf_counter()
        done = 0
        # open dossiers (index on status), then rows still carrying a state (index on due_state)
        for queryset in (
            Dossier.objects.filter(status__in=list(OPEN)),
            Dossier.objects.filter(~Q(due_state=DueState.NONE)).exclude(status__in=list(OPEN)),
        ):
            for ids in _ids(queryset, batch_size):
                with transaction.atomic():
                    done += due_states_refresh(dossier_ids=ids)
                rate = done / max(time.perf_counter() - started, 1e-6)
                self.stdout.write(f"\r{done} dossiers, {rate:.0f}/s", ending="")
        self.stdout.write(f"\n{done} dossiers in {time.perf_counter() - started:.1f} s")
