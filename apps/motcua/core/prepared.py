"""Querysets of a fixed shape composed once per process: the hot reads of public pages.

Rule: a :class:`Prepared` query is an ORM queryset whose only varying parts are its arguments.
Django composes the SQL of a queryset again on every evaluation (resolving fields, joins, the
ordering, the select list), which on the citizen's status page cost two to three times the query
itself. Here the queryset is built once per database (with a marker value for each argument),
Django composes its SQL and parameters, and every later call runs that same SQL with the
arguments in the markers' places, through ``Model.objects.raw`` (the model's own columns,
converters and instances: JSON, aware datetimes and choices as the ORM gives them).

Only querysets over the model's own columns qualify: no ``select_related``, annotations or
``values()`` (a raw query fills model fields by column name). ``only()``/``defer()`` work as in
the ORM: the columns left out of the SQL are deferred on the instances. Each marker must
reach the SQL parameters unchanged and exactly once; anything else is refused when the query is
first composed, not silently run with a wrong argument.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import router
from django.db.models import QuerySet
from django.db.models.query import ModelIterable


class Prepared:
    """``Prepared(lambda a, b: Model.objects.filter(x=a, y=b).order_by(...), markers=(…))``.

    *markers*: one value per argument, of the argument's type and unlike any constant of the
    query (a negative id, a string no row holds). ``prepared.rows(*args)`` returns the list of
    model instances the queryset built with *args* would return, in its order.
    """

    def __init__(self, build: Callable[..., QuerySet], *, markers: tuple[Any, ...]) -> None:
        self.build = build
        self.markers = markers
        self._model: Any = None
        self._compiled: dict[str, tuple[str, list[Any], list[int | None]]] = {}

    def _compile(self, alias: str) -> tuple[str, list[Any], list[int | None]]:
        queryset = self.build(*self.markers)
        query = queryset.query
        if query.select_related or query.annotations:
            raise ValueError("Prepared: only querysets over the model's own columns")
        if queryset._iterable_class is not ModelIterable or queryset._prefetch_related_lookups:
            raise ValueError("Prepared: only querysets of model instances, without prefetch")
        sql, params = query.get_compiler(using=alias).as_sql()
        slots: list[int | None] = [None] * len(params)
        for index, marker in enumerate(self.markers):
            found = [i for i, value in enumerate(params) if value == marker]
            if len(found) != 1:
                raise ValueError(f"Prepared: argument {index} is not one plain SQL parameter")
            slots[found[0]] = index
        return sql, list(params), slots

    def rows(self, *args: Any) -> list:
        if len(args) != len(self.markers):
            raise TypeError(f"Prepared: {len(self.markers)} arguments, {len(args)} given")
        if self._model is None:
            self._model = self.build(*self.markers).model
        alias = router.db_for_read(self._model)
        compiled = self._compiled.get(alias)
        if compiled is None:
            compiled = self._compiled[alias] = self._compile(alias)
        sql, constants, slots = compiled
        params = [constants[i] if slot is None else args[slot] for i, slot in enumerate(slots)]
        return list(self._model._default_manager.db_manager(alias).raw(sql, params))
