"""Template filters shared by the desk, the portal and printed forms: ``{% load motcua %}``."""

from django import template

from motcua.core.formats import date_long, money_vnd, number_vn
from motcua.core.people import person_name

register = template.Library()

register.filter("vnd", money_vnd)
register.filter("date_long", date_long)
register.filter("number_vn", number_vn)
register.filter("person", person_name)
