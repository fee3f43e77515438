"""Run the ordered one-off data patches listed in ``patches/patches.txt``, each once.

Each line of ``patches.txt`` is a dotted module path (``patches.v0_1.refold_search_text``) whose
module defines ``execute() -> str | None``. A patch runs in a transaction with its record, so a
failure leaves neither half-applied data nor a record and the next run tries again. Blank lines and
``#`` comments are ignored. The patches of the site's enabled plugins (hook ``patches``,
docs/plugins.md) follow the core's, in plugin order.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from motcua.jobs.models import AppliedPatch

PATCHES_FILE = Path(settings.BASE_DIR) / "patches" / "patches.txt"


@dataclass(frozen=True)
class PatchResult:
    name: str
    ran: bool
    output: str = ""


def patches_listed(path: Path | None = None) -> list[str]:
    """Return the patch module paths in file order, without comments or duplicates."""
    names: list[str] = []
    for raw in (path or PATCHES_FILE).read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line and line not in names:
            names.append(line)
    return names


def plugin_patches() -> list[str]:
    """The patch modules of the site's enabled plugins, in plugin order."""
    return [name for p in settings.MOTCUA_PLUGINS for name in p.get("patches", [])]


def patches_run(*, path: Path | None = None) -> list[PatchResult]:
    """Run every listed patch not yet recorded, in order; stop at the first failure (re-raised)."""
    done = set(AppliedPatch.objects.values_list("name", flat=True))
    results = []
    names = patches_listed(path) if path else [*patches_listed(), *plugin_patches()]
    for name in names:
        if name in done:
            results.append(PatchResult(name, ran=False))
            continue
        execute = import_string(f"{name}.execute")
        started = time.perf_counter()
        with transaction.atomic():
            output = execute() or ""
            AppliedPatch.objects.create(
                name=name,
                duration_ms=int((time.perf_counter() - started) * 1000),
                output=str(output)[:5000],
            )
        results.append(PatchResult(name, ran=True, output=str(output)))
    return results
