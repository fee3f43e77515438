"""A paginator for lists over very large tables: it never counts more than a few pages ahead.

Django's paginator runs ``COUNT(*)`` over the whole filtered list on every page, which at a
million dossiers costs more than the page itself. :class:`CappedCountPaginator` counts at most
``cap`` rows (``SELECT COUNT(*) FROM (… LIMIT cap)``, an index range), so the page links reach
as far as ``cap`` rows and a narrower filter or a search finds the rest.

A list whose rows are a union (a person's scope: receiving unit, current unit, visits) cannot
count that union through one index; ``subsets`` (querysets each contained in the list, each
answered by one index) are counted first, and one reaching ``cap`` settles the count without
evaluating the union.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedCountPaginator(Paginator):
    cap = 10_000
    #: unfold's admin pagination includes it: a capped count reads "10.000+".
    template_name = "core/capped_pagination.html"

    def __init__(self, *args, subsets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.subsets = list(subsets)

    @cached_property
    def count(self) -> int:
        """The number of rows, or ``cap`` when there are at least that many."""
        rows = self.object_list
        if not hasattr(rows, "values"):
            return min(len(rows), self.cap)
        for subset in self.subsets:
            if self._capped_count(subset) >= self.cap:
                return self.cap
        return self._capped_count(rows)

    def _capped_count(self, rows) -> int:
        # No ORDER BY: the count is the same in any order, and the plan is free to take the
        # filter's index instead of walking the list's order.
        return rows.order_by().values("pk")[: self.cap].count()

    @property
    def capped(self) -> bool:
        return self.count >= self.cap
