"""Locale formats for Django (``FORMAT_MODULE_PATH``): dates are day/month/year in every language.

Django's defaults read "10/12/2026" as 12 October (``%m/%d/%Y``) and refuse "25/12/2026"; a
Vietnamese office writes day first (the date line of every administrative document, "ngày 10
tháng 12 năm 2026", Nghị định 30/2020/NĐ-CP Phụ lục I). So both catalogues accept day/month/year
with a four-digit year, and ISO 8601 (what the browser's own date pickers send), nothing else: a
month-first or two-digit-year entry is refused, never guessed.
"""
