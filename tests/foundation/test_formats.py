"""Money and dates are formatted the Vietnamese way by default (Babel), English on request."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.template import Context, Template
from django.utils import translation

from motcua.core.formats import date_long, money_vnd


def test_money_is_grouped_with_dots_in_vietnamese():
    with translation.override("vi"):
        assert money_vnd(1500000) == "1.500.000\xa0₫"
        assert money_vnd(None) == "0\xa0₫"
    with translation.override("en"):
        assert money_vnd("75000") == "₫75,000"


def test_a_moment_is_dated_in_hanoi_time():
    late_evening_utc = datetime(
        2026, 2, 16, 18, 0, tzinfo=ZoneInfo("UTC")
    )  # 01:00 on 17/2 in Hà Nội
    with translation.override("vi"):
        assert date_long(late_evening_utc) == "Thứ Ba, 17 tháng 2, 2026"
        assert date_long(date(2026, 2, 17)) == "Thứ Ba, 17 tháng 2, 2026"


def test_template_filters():
    with translation.override("vi"):
        html = Template("{% load motcua %}{{ fee|vnd }}").render(Context({"fee": 150000}))
    assert html == "150.000\xa0₫"
