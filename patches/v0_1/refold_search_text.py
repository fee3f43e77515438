"""Recompute the unaccented search columns of units, sectors and procedures.

Rows written before ``motcua.core.text.fold`` folded đ → d, or loaded by raw SQL or ``loaddata``
(which bypass ``save()``), would not be found by an unaccented query. Each model's own
``build_search_text()`` gives the value; only changed rows are written, without history noise.
"""

from django.apps import apps

_MODELS = ("units.Unit", "procedures.Sector", "procedures.Procedure")


def execute() -> str:
    changed = 0
    for label in _MODELS:
        model = apps.get_model(label)
        for obj in model.objects.iterator(chunk_size=500):
            value = obj.build_search_text()
            if obj.search_text != value:
                model.objects.filter(pk=obj.pk).update(search_text=value)
                changed += 1
    return f"{changed} rows refolded"
