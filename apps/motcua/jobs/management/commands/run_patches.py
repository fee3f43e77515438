"""``manage.py run_patches``: apply the one-off data patches of ``patches/patches.txt`` once each."""

from django.core.management.base import BaseCommand

from motcua.jobs.patches import patches_run


class Command(BaseCommand):
    help = "Chạy các bản vá dữ liệu chưa chạy trong patches/patches.txt (mỗi bản vá một lần)."

    def handle(self, *args, **options):
        results = patches_run()
        ran = [r for r in results if r.ran]
        for r in ran:
            self.stdout.write(f"applied {r.name}: {r.output}".rstrip(": "))
        self.stdout.write(
            f"run_patches: {len(ran)} applied, {len(results) - len(ran)} already applied"
        )
