"""Write a site's ``plugins = [...]`` list, keeping the rest of ``site_config.toml`` as it is."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

_KEY = re.compile(r"^\s*plugins\s*=")
_TABLE = re.compile(r"^\s*\[")


def _render(names) -> str:
    return "plugins = [" + ", ".join(f'"{n}"' for n in names) + "]"


def write_plugins(path: Path, names) -> None:
    """Set the top-level ``plugins`` key of *path* to *names* (comments and order kept)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    line = _render(names)
    first_table = next((i for i, text in enumerate(lines) if _TABLE.match(text)), len(lines))
    start = next((i for i in range(first_table) if _KEY.match(lines[i])), None)
    if start is None:
        comment = "# Plugins enabled on this site (manage.py plugins enable NAME; docs/plugins.md)."
        at = first_table
        while at > 0 and not lines[at - 1].strip():
            at -= 1
        lines[at:at] = ["", comment, line] if at else [comment, line]
    else:
        end = start  # the list may span several lines: up to its closing bracket
        while "]" not in lines[end].split("#", 1)[0] and end + 1 < first_table:
            end += 1
        lines[start : end + 1] = [line]
    text = "\n".join(lines) + "\n"
    if tomllib.loads(text).get("plugins") != list(names):  # never write a config we misread
        raise ValueError(f"{path}: could not rewrite the 'plugins' key safely; edit it by hand")
    path.write_text(text, encoding="utf-8")
