"""``manage.py assignment_state_rebuild``: rebuild the officers' open-step counts and turns.

For a database whose steps were written around the lifecycle (the load generator, a bulk import,
a manual fix): the least-loaded counts and the round-robin turns of ``dossiers/assignment.py``
are recomputed from the steps, set-based in keyset batches (each its own transaction). Safe to run
twice; the weekly job ``assignment_state_repair`` runs the same.
"""

import time

from django.core.management.base import BaseCommand

from motcua.dossiers.assignment import assignment_state_rebuild


class Command(BaseCommand):
    help = "Rebuild the assignment state (open steps per officer, last turn per unit and step)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=200_000, help="step ids per batch")

    def handle(self, *args, batch_size, **options):
        started = time.perf_counter()
        officers, turns = assignment_state_rebuild(batch_size=batch_size)
        self.stdout.write(
            f"{officers} officers with open steps, {turns} turn rows "
            f"in {time.perf_counter() - started:.1f} s"
        )
