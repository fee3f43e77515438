"""The recomputation after a calendar change as a queued job: merged, superseded, resumed."""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from django.utils import timezone

from motcua.core import deadline_sources, recompute_jobs, services
from motcua.core.deadline_sources import DeadlineItem
from motcua.core.models import DeadlineChange, DeadlineRecomputation, Holiday
from motcua.jobs import recompute as recompute_job

from .conftest import at

pytestmark = pytest.mark.django_db


class Killed(BaseException):
    """Stands for a worker killed in the middle of a run (not an error the run could record)."""


class Source:
    """Open items 1..n, each 1 working day from Mon 3/3/2025 10:00; resumable (``after``)."""

    name = "tests.resumable"
    label = "Hồ sơ giả"

    def __init__(self, n, kill_after_batches=None, on_batch=None):
        self.rows = {
            i: DeadlineItem(
                id=i,
                start=at(2025, 3, 3, 10),
                amount=1,
                unit="working_days",
                due=at(2025, 3, 4, 17),
            )
            for i in range(1, n + 1)
        }
        self.kill_after_batches = kill_after_batches
        self.on_batch = on_batch
        self.applied_ids: list[int] = []
        self.batches = 0

    def count(self):
        return len(self.rows)

    def open_items(self, *, batch_size, after=None):
        ids = [i for i in sorted(self.rows) if after is None or i > after]
        for k in range(0, len(ids), batch_size):
            if self.kill_after_batches is not None and self.batches == self.kill_after_batches:
                raise Killed
            self.batches += 1
            if self.on_batch:
                self.on_batch(self.batches)
            yield [self.rows[i] for i in ids[k : k + batch_size]]

    def apply(self, updates):
        for item_id, due in updates:
            self.applied_ids.append(item_id)
            self.rows[item_id] = replace(self.rows[item_id], due=due)


@pytest.fixture
def source():
    made = []

    def make(*args, **kwargs):
        s = Source(*args, **kwargs)
        deadline_sources.register(s)
        made.append(s)
        return s

    yield make
    for s in made:
        deadline_sources.unregister(s.name)


def _day_off():
    row = services.calendar_ensure()
    Holiday.objects.create(calendar=row, start_date=date(2025, 3, 4), name="Nghỉ đột xuất")


def test_the_save_only_queues_and_a_second_change_is_merged(source):
    items = source(10)
    _day_off()
    first = services.calendar_changed(reason="thêm 4/3")
    second = services.calendar_changed(reason="sửa tên")
    assert first.pk == second.pk  # merged into the run still waiting
    run = DeadlineRecomputation.objects.get()
    assert (run.status, run.requests, run.reason) == ("queued", 2, "thêm 4/3; sửa tên")
    assert all(item.due == at(2025, 3, 4, 17) for item in items.rows.values())  # nothing yet

    assert recompute_job.recompute_pending(batch_size=4) == 1
    run.refresh_from_db()
    assert (run.status, run.total, run.checked, run.changed) == ("done", 10, 10, 10)
    assert all(item.due == at(2025, 3, 5, 17) for item in items.rows.values())
    assert recompute_job.recompute_pending() == 0  # nothing left to do


def test_a_change_while_a_run_works_supersedes_it_and_nothing_is_lost(source):
    def change_during_second_batch(n):
        if n == 2:
            row = services.calendar_ensure()
            Holiday.objects.create(calendar=row, start_date=date(2025, 3, 5), name="Nghỉ thêm")
            services.calendar_changed(reason="thêm 5/3")

    items = source(10, on_batch=change_during_second_batch)
    _day_off()
    services.calendar_changed(reason="thêm 4/3")
    assert recompute_job.recompute_pending(batch_size=4) == 2
    first, second = DeadlineRecomputation.objects.order_by("pk")
    assert first.status == "superseded" and first.checked == 8  # stopped after its batch
    assert second.status == "done" and second.checked == 10
    # every item follows the newest calendar (4/3 and 5/3 off)
    assert all(item.due == at(2025, 3, 6, 17) for item in items.rows.values())


def test_a_killed_run_resumes_after_its_last_committed_batch(source):
    items = source(10, kill_after_batches=2)
    _day_off()
    services.calendar_changed(reason="thêm 4/3")
    with pytest.raises(Killed):
        recompute_job.recompute_pending(batch_size=4)
    run = DeadlineRecomputation.objects.get()
    assert (run.status, run.checked, run.cursor["tests.resumable"]) == ("running", 8, 8)
    # the lease of the dead worker expires; the scheduled call resumes the run
    from motcua.jobs.models import JobLock

    JobLock.objects.filter(name=recompute_job.LOCK).update(
        held_until=timezone.now() - timedelta(seconds=1)
    )
    items.kill_after_batches = None
    assert recompute_job.recompute_pending(batch_size=4) == 1
    run.refresh_from_db()
    assert (run.status, run.checked, run.changed) == ("done", 10, 10)
    assert sorted(items.applied_ids) == list(range(1, 11))  # each item moved exactly once
    assert DeadlineChange.objects.filter(run=run).count() == 10


def test_progress_shows_done_total_rate_and_eta():
    start = at(2025, 3, 3, 10)
    run = DeadlineRecomputation.objects.create(
        status="running", started_at=start, total=100_000, checked=25_000
    )
    progress = recompute_jobs.recompute_progress(run, now=start + timedelta(seconds=10))
    assert (progress.done, progress.total, progress.percent) == (25_000, 100_000, 25)
    assert progress.rate == 2500
    assert progress.eta == start + timedelta(seconds=40)


def test_the_calendar_page_polls_while_a_run_is_active(admin_client, source):
    source(3)
    services.calendar_changed(reason="thêm 4/3")
    page = admin_client.get("/admin/core/workingcalendar/").content.decode()
    assert "Đang chờ" in page and 'hx-trigger="every 3s"' in page
    recompute_job.recompute_pending()
    fragment = admin_client.get("/admin/core/workingcalendar/recompute-progress/")
    text = fragment.content.decode()
    assert "Hoàn thành" in text and "Đã kiểm tra 3/3 hạn" in text
    assert 'hx-trigger="every 3s"' not in text


def test_the_first_changed_day_is_kept_when_changes_are_merged(source):
    source(3)
    services.calendar_changed(reason="thêm 12/3", changed_from=date(2025, 3, 12))
    services.calendar_changed(reason="thêm 5/3", changed_from=date(2025, 3, 5))
    services.calendar_changed(reason="thêm 20/3", changed_from=date(2025, 3, 20))
    run = DeadlineRecomputation.objects.get()
    assert (run.requests, run.changed_from) == (3, date(2025, 3, 5))
    # office hours touch no single day: the merged run rechecks every open deadline
    services.calendar_changed(reason="giờ hành chính")
    run.refresh_from_db()
    assert (run.requests, run.changed_from) == (4, None)


def test_a_superseded_run_hands_its_first_day_to_the_run_that_follows(source):
    def change_during_second_batch(n):
        if n == 2:
            row = services.calendar_ensure()
            Holiday.objects.create(calendar=row, start_date=date(2025, 3, 20), name="Nghỉ thêm")
            services.calendar_changed(reason="thêm 20/3", changed_from=date(2025, 3, 20))

    source(10, on_batch=change_during_second_batch)
    _day_off()
    services.calendar_changed(reason="thêm 4/3", changed_from=date(2025, 3, 4))
    assert recompute_job.recompute_pending(batch_size=4) == 2
    first, second = DeadlineRecomputation.objects.order_by("pk")
    assert (first.status, first.changed_from) == ("superseded", date(2025, 3, 4))
    # what the first run did not reach (from 4/3) is read by the second
    assert (second.status, second.changed_from, second.checked) == ("done", date(2025, 3, 4), 10)


def test_the_desk_save_of_a_holiday_queues_a_run_from_its_first_day(admin_client):
    row = services.calendar_ensure()
    form = {"name": "Nghỉ đột xuất", "decision": "", "year": "2025", "end_date": ""}
    admin_client.post("/admin/core/holiday/add/", {**form, "start_date": "20/03/2025"})
    holiday = Holiday.objects.get(calendar=row)
    assert DeadlineRecomputation.objects.get(status="queued").changed_from == date(2025, 3, 20)
    DeadlineRecomputation.objects.update(status="done")
    # moved later: the run starts from the day it was on before
    admin_client.post(
        f"/admin/core/holiday/{holiday.pk}/change/", {**form, "start_date": "27/03/2025"}
    )
    holiday.refresh_from_db()
    assert holiday.start_date == date(2025, 3, 27)
    assert DeadlineRecomputation.objects.get(status="queued").changed_from == date(2025, 3, 20)
    DeadlineRecomputation.objects.update(status="done")
    admin_client.post(f"/admin/core/holiday/{holiday.pk}/delete/", {"post": "yes"})
    assert not Holiday.objects.exists()
    assert DeadlineRecomputation.objects.get(status="queued").changed_from == date(2025, 3, 27)
