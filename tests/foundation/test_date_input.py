"""Dates are typed and shown day/month/year everywhere (admin, desk, portal), in both languages;
ISO is accepted; a month-first, two-digit-year or impossible date is refused in Vietnamese."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.contrib import admin
from django.test import RequestFactory
from django.utils import translation

from motcua.core.models import Holiday

VIETNAMESE_REFUSAL = (
    "Nhập ngày theo dạng ngày/tháng/năm, ví dụ 25/12/2026 (ngày phải có trong lịch)."
)


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("10/12/2026", date(2026, 12, 10)),  # 10 December, never 12 October
        ("25/12/2026", date(2026, 12, 25)),
        ("25-12-2026", date(2026, 12, 25)),
        ("2026-12-25", date(2026, 12, 25)),
        ("5/1/2026", date(2026, 1, 5)),
    ],
)
def test_day_first_and_iso_dates_are_read_as_typed(language, typed, expected):
    with translation.override(language):
        assert forms.DateField().clean(typed) == expected


@pytest.mark.parametrize("typed", ["12/25/2026", "31/02/2026", "10/12/26", "2026/12/10", "10/12"])
def test_month_first_short_year_and_impossible_dates_are_refused_in_vietnamese(typed):
    with translation.override("vi"), pytest.raises(forms.ValidationError) as refused:
        forms.DateField().clean(typed)
    assert refused.value.messages == [VIETNAMESE_REFUSAL]


def test_a_date_and_a_moment_are_shown_day_first():
    with translation.override("vi"):
        assert forms.DateField().widget.format_value(date(2026, 12, 10)) == "10/12/2026"
        moment = forms.DateTimeField().clean("10/12/2026 14:30")
        assert moment == datetime(2026, 12, 10, 14, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    with translation.override("en"):
        assert forms.DateField().widget.format_value(date(2026, 12, 10)) == "10/12/2026"


@pytest.mark.django_db
def test_the_admin_date_widget_reads_and_shows_day_first(admin_user):
    request = RequestFactory().get("/admin/core/holiday/add/")
    request.user = admin_user
    form_class = admin.site._registry[Holiday].get_form(request)
    field = form_class.base_fields["start_date"]
    with translation.override("vi"):
        assert field.clean("25/12/2026") == date(2026, 12, 25)
        assert field.widget.format_value(date(2026, 12, 10)) == "10/12/2026"
        with pytest.raises(forms.ValidationError):
            field.clean("12/25/2026")
