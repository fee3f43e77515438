"""Pagination for lists that may hold a province's million dossiers: a cursor, never a count.

The cursor walks the primary key newest first, so each page is one index range whatever the
page's depth (an offset would read every row before it) and no page counts the whole set.
"""

from rest_framework.pagination import CursorPagination


class NewestFirstCursor(CursorPagination):
    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
