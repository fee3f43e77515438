"""``manage.py generate_load --dossiers N [--seed S]``: fill the site's database for benchmarks.

See :mod:`motcua.dossiers.loadgen`. Resumable and idempotent for the same seed; never run it on a
production database (it adds officers, citizens and three years of dossiers, and on MariaDB sets
the plain indexes of the dossier tables aside while it writes). At the end the due states and the
report summaries are rebuilt (timed separately; ``--no-finish`` skips them), so the database is
ready for every bench.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from motcua.dossiers.loadgen.run import LoadError, load_finish, load_generate


class Command(BaseCommand):
    help = "Sinh dữ liệu tải (đơn vị, thủ tục, cán bộ và hồ sơ 3 năm) để đo hiệu năng."

    def add_arguments(self, parser):
        parser.add_argument("--dossiers", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--until", type=date.fromisoformat, default=None, help="ngày kết thúc (YYYY-MM-DD)"
        )
        parser.add_argument("--jobs", type=int, default=1, help="số tiến trình ghi song song")
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument(
            "--keep-indexes",
            action="store_true",
            help="không tạm bỏ các chỉ mục phụ khi ghi (MariaDB)",
        )
        parser.add_argument(
            "--no-finish",
            action="store_true",
            help="không tính lại trạng thái hạn và bảng tổng hợp báo cáo sau khi ghi",
        )

    def handle(
        self, *args, dossiers, seed, until, jobs, no_progress, keep_indexes, no_finish, **options
    ):
        bar = tqdm(total=dossiers, unit=" hồ sơ", disable=no_progress, smoothing=0.1)

        def progress(done, total):
            bar.update(done - bar.n)

        try:
            written = load_generate(
                dossiers=dossiers,
                seed=seed,
                until=until,
                jobs=jobs,
                progress=progress,
                log=lambda line: self.stdout.write(f"generate_load: {line}"),
                defer_indexes=False if keep_indexes else None,
            )
        except LoadError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            bar.close()
        self.stdout.write(f"generate_load: {written} hồ sơ mới, tổng {dossiers} (seed {seed}).")
        if not no_finish:
            load_finish(log=lambda line: self.stdout.write(f"generate_load: {line}"))
