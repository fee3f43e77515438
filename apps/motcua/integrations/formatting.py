"""Amounts for people: Babel's Vietnamese currency format (Django's vi formats do not group)."""

from decimal import Decimal

from babel.numbers import format_currency


def format_vnd(amount: Decimal | int | None) -> str:
    """Return *amount* in đồng as Vietnamese write it: ``1500000`` → ``"1.500.000 ₫"``."""
    return format_currency(amount or 0, "VND", locale="vi_VN")
