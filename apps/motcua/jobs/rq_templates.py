"""The job dashboard (django-rq) in the desk's language.

django-rq's templates are written in English with no translation tags, so the dashboard stayed
English in a Vietnamese desk. This template loader reads them as they are and wraps every piece
of plain text between tags (a heading, a column title, a button: "Queues", "Failed jobs",
"Requeue All") in ``{% translate %}``; the Vietnamese is in ``locale/vi/LC_MESSAGES/django.po``
(English msgids, like the other third-party strings there) and English stays English. Text that
is not whole (inside scripts, styles, or mixed with template variables) is left as it is.
Only templates under ``django_rq/`` are touched; every other template loads unchanged.
"""

from __future__ import annotations

import re

from django.template.loaders.app_directories import Loader as AppDirectoriesLoader

#: Template tags, variables, comments, HTML tags, and whole script/style elements.
_TOKENS = re.compile(
    r"(<script\b.*?</script>|<style\b.*?</style>|\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}|<[^>]*>)",
    re.DOTALL | re.IGNORECASE,
)
_WORDS = re.compile(r"[A-Za-z]")


def _wrap(text: str) -> str:
    phrase = text.strip()
    words = re.sub(r"&\w+;", "", phrase)  # an entity alone ("&rsaquo;") is not text
    if "\n" in phrase or '"' in phrase or len(words) < 2 or not _WORDS.search(words):
        return text
    start = text.index(phrase)
    translated = '{% translate "' + phrase + '" %}'
    return text[:start] + translated + text[start + len(phrase) :]


def translate_template_text(source: str) -> str:
    """Return *source* with its plain-text pieces wrapped in ``{% translate %}``."""
    parts = _TOKENS.split(source)
    # Even indexes are the text between tokens; odd ones the tokens themselves.
    out = [part if i % 2 else _wrap(part) for i, part in enumerate(parts)]
    result = "".join(out)
    # ``{% load %}`` must follow ``{% extends %}``: add i18n to the template's first load tag.
    if "{% load " in result:
        return result.replace("{% load ", "{% load i18n ", 1)
    return "{% load i18n %}" + result


class Loader(AppDirectoriesLoader):
    def get_contents(self, origin):
        contents = super().get_contents(origin)
        if str(origin.template_name or "").startswith("django_rq/"):
            return translate_template_text(contents)
        return contents
