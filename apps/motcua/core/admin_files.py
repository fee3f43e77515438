"""Desk form widgets that link a stored file through its scope-checked view, never ``/files/``.

Files are never served from ``MEDIA_URL`` (see :mod:`motcua.core.serving`), so Django's own file
widget — whose "currently" link is ``FieldFile.url`` — points at a URL that answers 404. This
widget keeps the upload control and links the current file through the view the caller names.
"""

from __future__ import annotations

from collections.abc import Callable

from unfold.widgets import UnfoldAdminFileFieldWidget


class _Linked:
    """A stand-in for the FieldFile that the widget template reads (``url`` and its name)."""

    def __init__(self, file, url: str):
        self._file, self.url = file, url

    def __str__(self) -> str:
        return str(self._file)

    def __bool__(self) -> bool:
        return bool(self._file)


class ServedFileWidget(UnfoldAdminFileFieldWidget):
    """``url_for(instance)`` returns the scope-checked URL of the instance's file."""

    def __init__(self, url_for: Callable[[object], str], attrs=None):
        super().__init__(attrs)
        self.url_for = url_for

    def format_value(self, value):
        if value and getattr(value, "instance", None) is not None and value.instance.pk:
            return _Linked(value, self.url_for(value.instance))
        return super().format_value(value)
