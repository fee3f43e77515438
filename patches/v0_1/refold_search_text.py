"""Recompute the unaccented search columns of units, sectors and procedures.

Rows written before ``motcua.core.text.fold`` folded đ → d (or imported by raw SQL) would not be
found by an unaccented query; saving them through ``fold`` again makes search consistent.
"""

from django.apps import apps

from motcua.core.text import fold

_MODELS = {
    "units.Unit": lambda o: f"{o.agency_code} {o.name} {o.short_name}",
    "procedures.Sector": lambda o: f"{o.code} {o.name}",
    "procedures.Procedure": lambda o: f"{o.national_code} {o.name}",
}


def execute() -> str:
    changed = 0
    for label, text_of in _MODELS.items():
        model = apps.get_model(label)
        for obj in model.objects.iterator(chunk_size=500):
            value = fold(text_of(obj))
            if obj.search_text != value:
                model.objects.filter(pk=obj.pk).update(search_text=value)
                changed += 1
    return f"{changed} rows refolded"
