"""Vietnamese text helpers shared by search columns.

SQLite folds only ASCII case and neither backend matches "duc" with "Đức" (docs/stack.md), so every
searchable model keeps an unaccented, lower-cased copy of its text, filled on save.
"""

import unicodedata


def fold(text: str | None) -> str:
    """Return *text* lower-cased without diacritics, with đ → d ("Đức Hòa" → "duc hoa")."""
    if not text:
        return ""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.lower().split())
