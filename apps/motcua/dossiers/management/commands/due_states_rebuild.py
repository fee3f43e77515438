"""``manage.py due_states_rebuild``: compute the persisted due state of every open dossier.

For a database whose dossiers were written without the due columns (an upgrade from a version
before them, a bulk import, a restore, the load generator): open dossiers and their current steps
get their state, closed ones lose a stale one. Set-based and batched
(:mod:`motcua.dossiers.due_rebuild`: each batch its own transaction, one UPDATE per table), so it
may be interrupted and run again; it changes nothing the second time.
"""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from motcua.dossiers.due_rebuild import due_states_rebuild


class Command(BaseCommand):
    help = "Compute the due state (in time / due soon / overdue / paused) of every open dossier."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, batch_size, no_progress, **options):
        bar = None

        def progress(counts):
            nonlocal bar
            if bar is None:
                bar = tqdm(total=counts.total, unit=" hồ sơ", disable=no_progress, smoothing=0.1)
            bar.update(counts.done - bar.n)

        counts = due_states_rebuild(batch_size=batch_size, progress=progress)
        if bar is not None:
            bar.close()
        self.stdout.write(
            f"{counts.done} open dossiers in {counts.elapsed:.1f} s ({counts.rate:.0f}/s): "
            f"{counts.dossiers_written} dossiers and {counts.steps_written} steps written, "
            f"{counts.cleared} stale rows cleared"
        )
