"""Recomputing open deadlines when the calendar changes: registry, batches, audit, isolation."""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError
from django.urls import reverse

from motcua.core import deadline_sources, services
from motcua.core.calendar_yaml import parse_calendar_year
from motcua.core.deadline_sources import DeadlineItem
from motcua.core.deadlines import DayRule, DeadlineError, Pause, due_at
from motcua.core.models import DeadlineChange, DeadlineRecomputation, Holiday
from motcua.core.services import DueMemo

from .conftest import at, calendar_2025


class FakeSource:
    """An in-memory deadline source, the shape the dossiers app will register."""

    label = "Hồ sơ giả"

    def __init__(self, items, name="tests.fake", fail_on_apply=False):
        self.name = name
        self.rows = {item.id: item for item in items}
        self.applied: list[list] = []
        self.batches: list[list] = []
        self.fail_on_apply = fail_on_apply

    def open_items(self, *, batch_size):
        ids = sorted(self.rows)
        for k in range(0, len(ids), batch_size):
            batch = [self.rows[i] for i in ids[k : k + batch_size]]
            self.batches.append([item.id for item in batch])
            yield batch

    def apply(self, updates):
        if self.fail_on_apply:
            raise DatabaseError("ổ đĩa đầy")
        self.applied.append(list(updates))
        for item_id, due in updates:
            self.rows[item_id] = replace(self.rows[item_id], due=due)


def item(pk, start, amount, unit="working_days", due=None, pauses=()):
    return DeadlineItem(id=pk, start=start, amount=amount, unit=unit, due=due, pauses=pauses)


@pytest.fixture
def registered():
    """Register sources for one test and unregister them afterwards."""
    names = []

    def _register(source):
        deadline_sources.register(source)
        names.append(source.name)
        return source

    yield _register
    for name in names:
        deadline_sources.unregister(name)


# -- registry -------------------------------------------------------------------------------


def test_register_and_unregister():
    source = FakeSource([], name="tests.registry")
    try:
        deadline_sources.register(source)
        assert source in deadline_sources.registered()
        deadline_sources.register(FakeSource([], name="tests.registry"))  # replaces
        assert [s.name for s in deadline_sources.registered()].count("tests.registry") == 1
    finally:
        deadline_sources.unregister("tests.registry")
    assert all(s.name != "tests.registry" for s in deadline_sources.registered())


def test_register_rejects_objects_that_are_not_sources():
    with pytest.raises(TypeError):
        deadline_sources.register(object())


# -- the recomputation itself ----------------------------------------------------------------


@pytest.mark.django_db
def test_recompute_moves_changed_deadlines_and_audits_old_to_new():
    # Stored dues were computed before Tết was declared: Fri 24/1 + 3 wd = Wed 29/1.
    source = FakeSource(
        [
            item(1, at(2025, 1, 24, 10), 3, due=at(2025, 1, 29, 17)),
            item(2, at(2025, 3, 3, 10), 3, due=at(2025, 3, 6, 17)),  # unaffected
        ]
    )
    run = services.deadlines_recompute(
        calendar=calendar_2025(), day_rule="civil_code", sources=[source], reason="thử"
    )
    assert (run.checked, run.changed, run.failed) == (2, 1, 0)
    assert run.status == DeadlineRecomputation.Status.DONE
    assert run.finished_at is not None
    assert source.applied == [[(1, at(2025, 2, 5, 17))]]
    change = DeadlineChange.objects.get(run=run)
    assert (change.source, change.item_id) == ("tests.fake", "1")
    assert change.old_due == at(2025, 1, 29, 17)
    assert change.new_due == at(2025, 2, 5, 17)
    assert change.error == ""


@pytest.mark.django_db
def test_running_twice_changes_nothing_the_second_time():
    source = FakeSource([item(1, at(2025, 1, 24, 10), 3, due=at(2025, 1, 29, 17))])
    cal = calendar_2025()
    services.deadlines_recompute(calendar=cal, day_rule="civil_code", sources=[source])
    second = services.deadlines_recompute(calendar=cal, day_rule="civil_code", sources=[source])
    assert (second.checked, second.changed) == (1, 0)
    assert not second.changes.exists()


@pytest.mark.django_db
def test_work_is_done_in_batches():
    items = [item(k, at(2025, 3, 3, 10), k, due=None) for k in range(1, 6)]
    source = FakeSource(items)
    run = services.deadlines_recompute(
        calendar=calendar_2025(), day_rule="civil_code", sources=[source], batch_size=2
    )
    assert source.batches == [[1, 2], [3, 4], [5]]
    assert [len(b) for b in source.applied] == [2, 2, 1]
    assert (run.checked, run.changed) == (5, 5)


@pytest.mark.django_db
def test_pauses_are_used_in_the_recomputation():
    pause = Pause(at(2025, 3, 4, 9), at(2025, 3, 4, 14))  # 3.5 h of office time
    source = FakeSource([item(7, at(2025, 3, 3, 10), 3, pauses=(pause,), due=at(2025, 3, 6, 17))])
    services.deadlines_recompute(calendar=calendar_2025(), day_rule="civil_code", sources=[source])
    assert source.rows[7].due == at(2025, 3, 7, 11)


@pytest.mark.django_db
def test_step_and_dossier_sources_both_run_with_the_site_rule():
    dossiers = FakeSource([item(1, at(2025, 3, 3, 10), 3)], name="tests.dossier")
    steps = FakeSource([item(1, at(2025, 3, 3, 10), 4, unit="working_hours")], name="tests.step")
    run = services.deadlines_recompute(
        calendar=calendar_2025(), day_rule="office_time", sources=[dossiers, steps]
    )
    assert dossiers.rows[1].due == at(2025, 3, 6, 10)  # alternative rule
    assert steps.rows[1].due == at(2025, 3, 3, 15, 30)
    assert run.day_rule == "office_time"
    assert set(run.changes.values_list("source", flat=True)) == {"tests.dossier", "tests.step"}


@pytest.mark.django_db
def test_an_item_that_cannot_be_computed_is_recorded_and_the_rest_go_on():
    bad_pauses = (Pause(at(2025, 3, 4, 9), at(2025, 3, 4, 8)),)
    source = FakeSource(
        [
            item(1, at(2025, 3, 3, 10), 3, pauses=bad_pauses, due=at(2025, 3, 6, 17)),
            item(2, at(2025, 1, 24, 10), 3, due=at(2025, 1, 29, 17)),
        ]
    )
    run = services.deadlines_recompute(
        calendar=calendar_2025(), day_rule="civil_code", sources=[source]
    )
    assert (run.checked, run.changed, run.failed) == (2, 1, 1)
    assert run.status == DeadlineRecomputation.Status.FAILED
    error = run.changes.get(item_id="1")
    assert "kết thúc trước khi bắt đầu" in error.error
    assert error.new_due is None
    assert source.rows[1].due == at(2025, 3, 6, 17)  # left alone
    assert source.rows[2].due == at(2025, 2, 5, 17)


@pytest.mark.django_db
def test_a_batch_whose_apply_fails_is_recorded_and_other_sources_go_on():
    broken = FakeSource([item(1, at(2025, 1, 24, 10), 3)], name="tests.broken", fail_on_apply=True)
    fine = FakeSource([item(1, at(2025, 1, 24, 10), 3)], name="tests.fine")
    run = services.deadlines_recompute(
        calendar=calendar_2025(), day_rule="civil_code", sources=[broken, fine]
    )
    assert (run.checked, run.changed, run.failed) == (2, 1, 1)
    failed = run.changes.get(source="tests.broken")
    assert "ổ đĩa đầy" in failed.error
    assert fine.rows[1].due == at(2025, 2, 5, 17)


@pytest.mark.django_db
def test_default_sources_are_the_registered_ones(registered):
    source = registered(FakeSource([item(1, at(2025, 1, 24, 10), 3)]))
    run = services.deadlines_recompute(calendar=calendar_2025(), day_rule="civil_code")
    assert run.changed == 1 and source.applied


# -- triggered by calendar changes ----------------------------------------------------------


@pytest.mark.django_db
def test_importing_a_year_recomputes_with_the_new_calendar(
    registered, django_capture_on_commit_callbacks
):
    source = registered(FakeSource([item(1, at(2025, 1, 24, 10), 3, due=at(2025, 1, 29, 17))]))
    year = parse_calendar_year('holidays: [{from: "2025-01-25", to: "2025-02-02", name: "Tết"}]')
    with django_capture_on_commit_callbacks(execute=True):
        result = services.calendar_year_import(year)
        assert source.rows[1].due == at(2025, 1, 29, 17)  # queued, not run in the import
    assert source.rows[1].due == at(2025, 2, 5, 17)
    result.run.refresh_from_db()
    assert result.run.changed == 1
    assert result.run.reason == "Nhập lịch năm 2025"


@pytest.mark.django_db
def test_calendar_changed_uses_the_fresh_calendar(registered, django_capture_on_commit_callbacks):
    source = registered(FakeSource([item(1, at(2025, 3, 3, 10), 1, due=at(2025, 3, 4, 17))]))
    row = services.calendar_ensure()
    Holiday.objects.create(calendar=row, start_date=date(2025, 3, 4), name="Nghỉ đột xuất")
    with django_capture_on_commit_callbacks(execute=True):
        run = services.calendar_changed(reason="thêm ngày nghỉ")
    run.refresh_from_db()
    assert source.rows[1].due == at(2025, 3, 5, 17)
    assert run.changed == 1 and run.reason == "thêm ngày nghỉ"


@pytest.mark.django_db
def test_desk_save_of_a_holiday_queues_the_recompute_and_shows_its_progress(
    client, registered, django_capture_on_commit_callbacks
):
    source = registered(
        FakeSource(
            [
                item(1, at(2025, 3, 3, 10), 1, due=at(2025, 3, 4, 17)),
                item(2, at(2025, 3, 10, 10), 1, due=at(2025, 3, 11, 17)),
            ]
        )
    )
    admin = get_user_model().objects.create_superuser("admin", "a@example.com", "pw")
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:core_holiday_add"),
            {
                "start_date": "2025-03-04",
                "end_date": "",
                "name": "Nghỉ đột xuất",
                "decision": "QĐ 1",
                "year": "",
            },
            follow=True,
        )
        # The save returned before any deadline moved: the job runs after the commit.
        assert source.rows[1].due == at(2025, 3, 4, 17)
        text = response.content.decode()
        assert "Hạn xử lý của các hồ sơ đang mở được tính lại trong nền" in text
        assert "Đang chờ" in text  # the queued run on the calendar page it redirects to
    assert source.rows[1].due == at(2025, 3, 5, 17)
    page = client.get(reverse("admin:core_holiday_changelist")).content.decode()
    assert "Đã kiểm tra 2/? hạn" in page and "1 thay đổi, 0 lỗi" in page
    run = DeadlineRecomputation.objects.get()
    assert run.actor == admin
    assert run.reason.startswith("Thêm: 04/03/2025")


@pytest.mark.django_db
def test_desk_delete_of_a_holiday_recomputes(
    client, registered, django_capture_on_commit_callbacks
):
    row = services.calendar_ensure()
    holiday = Holiday.objects.create(calendar=row, start_date=date(2025, 3, 4), name="Nghỉ")
    source = registered(FakeSource([item(1, at(2025, 3, 3, 10), 1, due=at(2025, 3, 5, 17))]))
    admin = get_user_model().objects.create_superuser("admin", "a@example.com", "pw")
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:core_holiday_delete", args=[holiday.pk]), {"post": "yes"}, follow=True
        )
    assert response.status_code == 200
    assert source.rows[1].due == at(2025, 3, 4, 17)
    assert DeadlineRecomputation.objects.get().changed == 1


@pytest.mark.django_db
def test_recomputation_runs_are_listed_in_the_desk_with_old_and_new(client):
    source = FakeSource([item(1, at(2025, 1, 24, 10), 3, due=at(2025, 1, 29, 17))])
    run = services.deadlines_recompute(
        calendar=calendar_2025(), day_rule="civil_code", sources=[source], reason="thử tết"
    )
    admin = get_user_model().objects.create_superuser("admin", "a@example.com", "pw")
    client.force_login(admin)
    listing = client.get(reverse("admin:core_deadlinerecomputation_changelist") + "?q=tết")
    assert listing.status_code == 200 and "thử tết" in listing.content.decode()
    detail = client.get(reverse("admin:core_deadlinerecomputation_change", args=[run.pk]))
    assert detail.status_code == 200
    assert "tests.fake" in detail.content.decode()
    changes = client.get(reverse("admin:core_deadlinechange_changelist") + "?q=1")
    assert changes.status_code == 200


def test_the_run_memo_gives_what_due_at_gives_for_every_start():
    """The day-keyed shortcut (Civil Code, working days, no pause) and the exact-key memo agree
    with ``due_at`` at every half hour from Thu 24/4 to Tue 6/5/2025: the 26/4 make-up Saturday,
    the 30/4–4/5 holidays, before and after office hours and the same-day cut-off."""
    cal = calendar_2025()
    pause = (Pause(at(2025, 5, 7, 9, 0), at(2025, 5, 8, 10, 0)),)  # after every start
    for rule in (DayRule.CIVIL_CODE, DayRule.OFFICE_TIME):
        memo = DueMemo(cal, rule)
        start = at(2025, 4, 24, 0, 0)
        while start < at(2025, 5, 7, 0, 0):
            for amount, unit, pauses in (
                (3, "working_days", ()),
                (15, "working_days", ()),
                (3, "working_days", pause),
                (4, "working_hours", ()),
                (0, "same_day", ()),
            ):
                given = item(1, start, amount, unit, pauses=pauses)
                expected = due_at(
                    cal, start=start, amount=amount, unit=unit, pauses=pauses, day_rule=rule
                )
                assert memo(given) == expected, (rule, start, amount, unit, pauses)
            start += timedelta(minutes=30)
        # 13 days × 48 starts × 5 deadlines; under the Civil Code the two working-day deadlines
        # without pauses are kept once per day (13 × 2) instead of once per start
        assert len(memo.memo) == (13 * 48 * 3 + 13 * 2 if rule == DayRule.CIVIL_CODE else 3120)
    with pytest.raises(DeadlineError):
        DueMemo(cal, DayRule.CIVIL_CODE)(item(2, at(2025, 4, 24, 9, 0), 0, "working_days"))
