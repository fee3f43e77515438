"""The calendar as data: validation, the cached site calendar, history, the desk pages."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from motcua.core import selectors, services
from motcua.core.calendar_yaml import CalendarFileError, parse_calendar_year
from motcua.core.models import (
    Holiday,
    MakeUpWorkingDay,
    OfficeInterval,
    WorkingCalendar,
)
from motcua.core.workcalendar import CalendarError

pytestmark = pytest.mark.django_db

YEAR_2025 = """
year: 2025
office_hours: [["07:30", "11:30"], ["13:00", "17:00"]]
weekdays: [mon, tue, wed, thu, fri]
same_day_cutoff: "15:00"
holidays:
  - {date: "2025-01-01", name: "Tết Dương lịch"}
  - {from: "2025-01-25", to: "2025-02-02", name: "Tết Ất Tỵ", decision: "TB 6150/TB-BLĐTBXH"}
working_days: [{date: "2025-04-26", name: "Làm bù cho 2/5", decision: "CV 1/VPCP"}]
"""


@pytest.fixture(autouse=True)
def fresh_cache():
    selectors.site_calendar_clear()
    yield
    selectors.site_calendar_clear()


@pytest.fixture
def row() -> WorkingCalendar:
    return services.calendar_ensure()


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("admin", "admin@example.com", "pw")
    client.force_login(user)
    return client


# -- validation -----------------------------------------------------------------------------


def test_holiday_end_before_start_is_a_vietnamese_validation_error(row):
    holiday = Holiday(calendar=row, start_date=date(2025, 2, 2), end_date=date(2025, 1, 25))
    with pytest.raises(ValidationError) as caught:
        holiday.full_clean()
    assert caught.value.message_dict["end_date"] == ["Ngày kết thúc phải từ ngày bắt đầu trở đi."]


def test_holiday_end_before_start_is_refused_by_the_database(row):
    with pytest.raises(IntegrityError), transaction.atomic():
        Holiday.objects.create(
            calendar=row, year=2025, start_date=date(2025, 2, 2), end_date=date(2025, 1, 25)
        )


def test_single_day_holiday_fills_end_date_and_year(row):
    holiday = Holiday.objects.create(calendar=row, start_date=date(2025, 4, 7), name="Giỗ Tổ")
    assert (holiday.end_date, holiday.year, holiday.days) == (date(2025, 4, 7), 2025, 1)


def test_overlapping_holidays_are_refused(row):
    Holiday.objects.create(
        calendar=row, start_date=date(2025, 1, 25), end_date=date(2025, 2, 2), name="Tết"
    )
    other = Holiday(calendar=row, start_date=date(2025, 2, 1), end_date=date(2025, 2, 4))
    with pytest.raises(ValidationError, match="Trùng với ngày nghỉ đã có: 25/01/2025–02/02/2025"):
        other.full_clean()


def test_make_up_day_on_an_ordinary_weekday_is_refused(row):
    day = MakeUpWorkingDay(calendar=row, date=date(2025, 3, 4))  # Tuesday
    with pytest.raises(ValidationError) as caught:
        day.full_clean()
    assert "vốn là ngày làm việc" in caught.value.message_dict["date"][0]


def test_make_up_day_inside_a_holiday_is_refused_both_ways(row):
    Holiday.objects.create(
        calendar=row, start_date=date(2025, 1, 25), end_date=date(2025, 2, 2), name="Tết"
    )
    with pytest.raises(ValidationError, match="nằm trong ngày nghỉ"):
        MakeUpWorkingDay(calendar=row, date=date(2025, 2, 1)).full_clean()
    MakeUpWorkingDay.objects.create(calendar=row, date=date(2025, 2, 15))
    with pytest.raises(ValidationError, match="đang là ngày làm bù"):
        Holiday(calendar=row, start_date=date(2025, 2, 15)).full_clean()


def test_office_interval_must_end_after_it_starts(row):
    with pytest.raises(ValidationError) as caught:
        OfficeInterval(calendar=row, start=time(11, 30), end=time(7, 30)).full_clean()
    assert caught.value.message_dict["end"] == ["Giờ kết thúc phải sau giờ bắt đầu."]


def test_calendar_weekdays_are_checked(row):
    row.weekdays = "mon,funday"
    with pytest.raises(ValidationError, match="funday"):
        row.full_clean()
    row.weekdays = ""
    with pytest.raises(ValidationError):
        row.full_clean()


# -- the site calendar ------------------------------------------------------------------------


def test_without_any_row_the_site_calendar_is_the_site_config_default():
    cal = selectors.site_calendar()
    assert cal.office_hours == ((time(7, 30), time(11, 30)), (time(13, 0), time(17, 0)))
    assert cal.same_day_cutoff == time(15, 0)
    assert str(cal.tz) == "Asia/Ho_Chi_Minh"
    assert selectors.site_day_rule() == "civil_code"
    assert not WorkingCalendar.objects.exists()  # reading never writes


def test_calendar_ensure_creates_the_row_once_with_default_hours():
    first = services.calendar_ensure()
    assert services.calendar_ensure().pk == first.pk
    assert [str(i) for i in first.office_intervals.all()] == ["07:30–11:30", "13:00–17:00"]


def test_site_calendar_is_built_from_the_database(row):
    services.calendar_year_import(parse_calendar_year(YEAR_2025), recompute=False)
    cal = selectors.site_calendar()
    assert not cal.is_working_day(date(2025, 1, 28))
    assert cal.holiday_name(date(2025, 1, 28)) == "Tết Ất Tỵ"
    assert cal.is_working_day(date(2025, 4, 26))
    assert cal.add_working_days(date(2025, 1, 24), 3) == date(2025, 2, 5)


def test_site_calendar_is_cached_until_a_service_changes_it(row, django_assert_num_queries):
    cal = selectors.site_calendar()
    with django_assert_num_queries(1):  # the revision check only
        assert selectors.site_calendar() is cal
    Holiday.objects.create(calendar=row, start_date=date(2025, 3, 4), name="Nghỉ")
    assert selectors.site_calendar() is cal  # changed behind the services' back: not seen
    services.calendar_touch()
    fresh = selectors.site_calendar()
    assert fresh is not cal
    assert not fresh.is_working_day(date(2025, 3, 4))


def test_a_change_by_another_process_is_seen_through_the_revision(row):
    cal = selectors.site_calendar()
    Holiday.objects.create(calendar=row, start_date=date(2025, 3, 4), name="Nghỉ")
    # Another process's service call: a new revision in the database, our cache untouched.
    WorkingCalendar.objects.filter(pk=row.pk).update(revision="from-another-process")
    assert selectors.site_calendar() is not cal
    assert not selectors.site_calendar().is_working_day(date(2025, 3, 4))


def test_a_calendar_without_intervals_raises_a_calendar_error(row):
    row.office_intervals.all().delete()
    services.calendar_touch()
    with pytest.raises(CalendarError):
        selectors.site_calendar()


# -- import / export services ----------------------------------------------------------------


def test_import_replaces_only_that_year(row):
    Holiday.objects.create(calendar=row, start_date=date(2024, 1, 1), name="Tết DL 2024")
    Holiday.objects.create(calendar=row, start_date=date(2025, 5, 19), name="cũ, sẽ bị thay")
    result = services.calendar_year_import(parse_calendar_year(YEAR_2025), recompute=False)
    assert result.summary() == "Năm 2025: 2 đợt nghỉ (10 ngày), 1 ngày làm bù"
    assert set(Holiday.objects.values_list("name", flat=True)) == {
        "Tết Dương lịch",
        "Tết DL 2024",
        "Tết Ất Tỵ",
    }
    tet = Holiday.objects.get(name="Tết Ất Tỵ")
    assert (tet.start_date, tet.end_date, tet.decision) == (
        date(2025, 1, 25),
        date(2025, 2, 2),
        "TB 6150/TB-BLĐTBXH",
    )


def test_import_updates_the_weekly_settings_and_says_so(row):
    text = (
        'year: 2025\noffice_hours: [["08:00", "12:00"]]\nweekdays: [mon, tue, wed, thu, fri, sat]\n'
    )
    text += 'same_day_cutoff: "10:00"\n'
    result = services.calendar_year_import(parse_calendar_year(text), recompute=False)
    assert result.settings_changed == (
        "giờ hành chính",
        "ngày làm việc trong tuần",
        "giờ chốt trong ngày",
    )
    row.refresh_from_db()
    assert row.weekdays == "mon,tue,wed,thu,fri,sat"
    assert row.same_day_cutoff == time(10, 0)
    cal = selectors.site_calendar()
    assert cal.office_hours == ((time(8), time(12)),)


def test_import_is_all_or_nothing(row):
    services.calendar_year_import(parse_calendar_year(YEAR_2025), recompute=False)
    before = list(Holiday.objects.values_list("start_date", "name"))
    bad = parse_calendar_year(
        'year: 2025\nweekdays: [mon]\nholidays: ["2025-05-19"]\nworking_days: ["2025-03-03"]'
    )
    with pytest.raises(CalendarFileError, match="working_days\\[0\\]: .*vốn là ngày làm việc"):
        services.calendar_year_import(bad, recompute=False)
    assert list(Holiday.objects.values_list("start_date", "name")) == before
    row.refresh_from_db()
    assert row.weekdays == "mon,tue,wed,thu,fri"


def test_import_refuses_a_holiday_clashing_with_another_year(row):
    services.calendar_year_import(
        parse_calendar_year('year: 2019\nholidays: ["2018-12-31", "2019-01-01"]'), recompute=False
    )
    clash = parse_calendar_year('year: 2018\nholidays: ["2018-12-31"]')
    with pytest.raises(CalendarFileError, match="holidays\\[0\\]: Trùng với ngày nghỉ đã có"):
        services.calendar_year_import(clash, recompute=False)


def test_import_needs_a_year():
    with pytest.raises(CalendarFileError, match="year"):
        services.calendar_year_import(parse_calendar_year("weekdays: [mon]"), recompute=False)


def test_export_round_trips_through_import(row):
    services.calendar_year_import(parse_calendar_year(YEAR_2025), recompute=False)
    text = services.calendar_year_export(2025)
    assert text.startswith("# Lịch làm việc năm 2025, xuất từ motcua lúc ")
    assert parse_calendar_year(text) == parse_calendar_year(YEAR_2025)
    assert selectors.calendar_years() == [2025]


# -- history --------------------------------------------------------------------------------


def test_calendar_rows_keep_a_history(row):
    holiday = Holiday.objects.create(calendar=row, start_date=date(2025, 4, 7), name="Giỗ Tổ")
    holiday.name = "Giỗ Tổ Hùng Vương"
    holiday.save()
    assert list(holiday.history.values_list("name", flat=True)) == ["Giỗ Tổ Hùng Vương", "Giỗ Tổ"]
    row.same_day_cutoff = time(16, 0)
    row.save()
    assert row.history.first().same_day_cutoff == time(16, 0)


# -- the desk -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "admin:core_workingcalendar_changelist",
        "admin:core_holiday_changelist",
        "admin:core_makeupworkingday_changelist",
        "admin:core_deadlinerecomputation_changelist",
        "admin:core_deadlinechange_changelist",
    ],
)
def test_desk_lists_open_with_search_and_filters(admin_client, row, url):
    services.calendar_year_import(parse_calendar_year(YEAR_2025), recompute=False)
    response = admin_client.get(reverse(url), {"q": "Tết"})
    assert response.status_code == 200
    model_admin = response.context["cl"].model_admin
    assert model_admin.search_fields and model_admin.list_filter


def test_desk_holiday_filter_by_year(admin_client, row):
    services.calendar_year_import(parse_calendar_year(YEAR_2025), recompute=False)
    Holiday.objects.create(calendar=row, start_date=date(2024, 1, 1), name="Tết DL 2024")
    response = admin_client.get(reverse("admin:core_holiday_changelist"), {"year": "2024"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


def test_desk_holiday_overlap_is_shown_in_vietnamese(admin_client, row):
    Holiday.objects.create(
        calendar=row, start_date=date(2025, 1, 25), end_date=date(2025, 2, 2), name="Tết"
    )
    response = admin_client.post(
        reverse("admin:core_holiday_add"),
        {"start_date": "2025-02-01", "end_date": "", "name": "x", "decision": "", "year": ""},
    )
    assert response.status_code == 200
    assert "Trùng với ngày nghỉ đã có" in response.content.decode()
    assert Holiday.objects.count() == 1


def test_desk_calendar_change_form_saves_hours_and_recomputes(admin_client, row):
    intervals = list(row.office_intervals.all())
    data = {
        "name": "Lịch UBND",
        "weekdays": ["mon", "tue", "wed", "thu", "fri", "sat"],
        "same_day_cutoff": "16:00",
        "day_rule": "office_time",
        "office_intervals-TOTAL_FORMS": "2",
        "office_intervals-INITIAL_FORMS": "2",
        "office_intervals-MIN_NUM_FORMS": "1",
        "office_intervals-MAX_NUM_FORMS": "1000",
        "office_intervals-0-id": str(intervals[0].pk),
        "office_intervals-0-calendar": str(row.pk),
        "office_intervals-0-start": "07:00",
        "office_intervals-0-end": "11:00",
        "office_intervals-1-id": str(intervals[1].pk),
        "office_intervals-1-calendar": str(row.pk),
        "office_intervals-1-start": "13:30",
        "office_intervals-1-end": "17:30",
    }
    url = reverse("admin:core_workingcalendar_change", args=[row.pk])
    response = admin_client.post(url, data, follow=True)
    assert response.status_code == 200
    assert "được tính lại trong nền" in response.content.decode()
    cal = selectors.site_calendar()
    assert cal.office_hours == ((time(7), time(11)), (time(13, 30), time(17, 30)))
    assert cal.weekdays == frozenset(range(6))
    assert selectors.site_day_rule() == "office_time"


def test_desk_calendar_refuses_overlapping_hours(admin_client, row):
    intervals = list(row.office_intervals.all())
    data = {
        "name": "Lịch",
        "weekdays": ["mon"],
        "same_day_cutoff": "15:00",
        "day_rule": "civil_code",
        "office_intervals-TOTAL_FORMS": "2",
        "office_intervals-INITIAL_FORMS": "2",
        "office_intervals-MIN_NUM_FORMS": "1",
        "office_intervals-MAX_NUM_FORMS": "1000",
        "office_intervals-0-id": str(intervals[0].pk),
        "office_intervals-0-calendar": str(row.pk),
        "office_intervals-0-start": "07:30",
        "office_intervals-0-end": "13:30",
        "office_intervals-1-id": str(intervals[1].pk),
        "office_intervals-1-calendar": str(row.pk),
        "office_intervals-1-start": "13:00",
        "office_intervals-1-end": "17:00",
    }
    response = admin_client.post(reverse("admin:core_workingcalendar_change", args=[row.pk]), data)
    assert response.status_code == 200
    assert "chồng lên nhau" in response.content.decode()
    assert str(row.office_intervals.first()) == "07:30–11:30"


def test_desk_has_no_second_calendar_and_no_delete(admin_client, row):
    assert admin_client.get(reverse("admin:core_workingcalendar_add")).status_code == 403
    url = reverse("admin:core_workingcalendar_delete", args=[row.pk])
    assert admin_client.get(url).status_code == 403


def test_desk_imports_a_yaml_year(admin_client, row):
    upload = SimpleUploadedFile("lich-2025.yaml", YEAR_2025.encode(), "application/yaml")
    response = admin_client.post(
        reverse("admin:core_workingcalendar_import_yaml"), {"file": upload}, follow=True
    )
    assert response.status_code == 200
    assert "Năm 2025: 2 đợt nghỉ (10 ngày), 1 ngày làm bù" in response.content.decode()
    assert Holiday.objects.filter(year=2025).count() == 2


def test_desk_import_shows_the_one_line_error_and_saves_nothing(admin_client, row):
    upload = SimpleUploadedFile("lich.yaml", b'holidays: ["2025-02-30"]', "application/yaml")
    response = admin_client.post(
        reverse("admin:core_workingcalendar_import_yaml"), {"file": upload}
    )
    assert response.status_code == 200
    assert "lich.yaml: holidays[0]:" in response.content.decode()
    assert not Holiday.objects.exists()


def test_desk_import_page_opens(admin_client, row):
    response = admin_client.get(reverse("admin:core_workingcalendar_import_yaml"))
    assert response.status_code == 200
    assert "Nhập lịch năm từ tệp YAML" in response.content.decode()


def test_desk_exports_a_yaml_year(admin_client, row):
    services.calendar_year_import(parse_calendar_year(YEAR_2025), recompute=False)
    assert admin_client.get(reverse("admin:core_workingcalendar_export_yaml")).status_code == 200
    response = admin_client.post(
        reverse("admin:core_workingcalendar_export_yaml"), {"year": "2025"}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="lich-2025.yaml"'
    assert parse_calendar_year(response.content.decode()) == parse_calendar_year(YEAR_2025)


def test_desk_import_needs_the_change_permission(client, row):
    clerk = get_user_model().objects.create_user("clerk", password="pw", is_staff=True)
    client.force_login(clerk)
    response = client.get(reverse("admin:core_workingcalendar_import_yaml"))
    assert response.status_code == 403


def test_desk_forms_and_history_pages_open(admin_client, row):
    holiday = Holiday.objects.create(calendar=row, start_date=date(2025, 4, 7), name="Giỗ Tổ")
    pages = [
        reverse("admin:core_workingcalendar_change", args=[row.pk]),
        reverse("admin:core_workingcalendar_history", args=[row.pk]),
        reverse("admin:core_holiday_add"),
        reverse("admin:core_holiday_change", args=[holiday.pk]),
        reverse("admin:core_holiday_history", args=[holiday.pk]),
        reverse("admin:core_makeupworkingday_add"),
    ]
    for url in pages:
        response = admin_client.get(url)
        assert response.status_code == 200, url
    calendar_page = admin_client.get(pages[0]).content.decode()
    assert "Thứ Bảy" in calendar_page and "Nhập lịch năm từ YAML" in calendar_page


def test_holiday_list_buttons_lead_to_the_calendar_import_and_export(admin_client, row):
    response = admin_client.get(reverse("admin:core_holiday_import_yaml"))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:core_workingcalendar_import_yaml")
    response = admin_client.get(reverse("admin:core_makeupworkingday_export_yaml"))
    assert response["Location"] == reverse("admin:core_workingcalendar_export_yaml")


def test_site_due_at_uses_the_site_calendar_and_rule(row):
    services.calendar_year_import(parse_calendar_year(YEAR_2025), recompute=False)
    start = datetime(2025, 1, 24, 10, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    due = selectors.site_due_at(start=start, amount=3, unit="working_days")
    assert due.isoformat() == "2025-02-05T17:00:00+07:00"
    row.refresh_from_db()
    row.day_rule = "office_time"
    row.save()
    services.calendar_touch()
    due = selectors.site_due_at(start=start, amount=1, unit="working_days")
    assert due.isoformat() == "2025-02-03T10:00:00+07:00"
