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


def test_numbers_are_shown_the_vietnamese_way():
    from decimal import Decimal

    from motcua.core.formats import number_vn

    with translation.override("vi"):
        assert number_vn(10.0) == "10"  # never "10.0"
        assert number_vn("24.5") == "24,5"  # never "24.5"
        assert number_vn(Decimal("1500000.25")) == "1.500.000,25"
        assert number_vn("không rõ") == "không rõ"
        assert Template("{% load motcua %}{{ x|number_vn }}").render(Context({"x": 10.5})) == "10,5"
    with translation.override("en"):
        assert number_vn(Decimal("1500000.25")) == "1,500,000.25"


def test_form_data_numbers_are_shown_the_vietnamese_way():
    from motcua.portal.snapshot import form_rows

    snapshot = {
        "form": {
            "fields": [
                {"key": "dien_tich_san", "label": "Diện tích sàn (m²)", "kind": "number"},
                {"key": "so_tang", "label": "Số tầng", "kind": "number"},
            ]
        },
        "documents": [],
    }
    with translation.override("vi"):
        rows = form_rows(snapshot, {"dien_tich_san": "1250.5", "so_tang": 3.0, "ghi_chu": 24.5})
    assert rows == [("Diện tích sàn (m²)", "1.250,5"), ("Số tầng", "3"), ("ghi_chu", "24,5")]
