"""A paginator for lists over very large tables: it never counts more than a few pages ahead.

Django's paginator runs ``COUNT(*)`` over the whole filtered list on every page, which at a
million dossiers costs more than the page itself. :class:`CappedCountPaginator` counts at most
``cap`` rows (``SELECT COUNT(*) FROM (… LIMIT cap)``, an index range), so the page links reach
as far as ``cap`` rows and a narrower filter or a search finds the rest.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedCountPaginator(Paginator):
    cap = 10_000

    @cached_property
    def count(self) -> int:
        """The number of rows, or ``cap`` when there are at least that many."""
        rows = self.object_list
        if hasattr(rows, "values"):
            return rows.values("pk")[: self.cap].count()
        return min(len(rows), self.cap)

    @property
    def capped(self) -> bool:
        return self.count >= self.cap
