"""The import layers of docs/architecture.md, checked on the source text (no database)."""

import re
from pathlib import Path

import motcua

ROOT = Path(motcua.__file__).parent
DOMAIN_APPS = (
    "units",
    "procedures",
    "dossiers",
    "desk",
    "portal",
    "printing",
    "integrations",
    "jobs",
    "demo",
)


def _imports(folder: str) -> dict[str, set[str]]:
    """Return {module path: the motcua modules it imports} for the code of *folder*."""
    found = {}
    for path in (ROOT / folder).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        names = re.findall(r"^\s*(?:from|import) (motcua\.[\w.]+)", path.read_text(), re.M)
        found[str(path.relative_to(ROOT))] = set(names)
    return found


def test_core_imports_no_domain_app():
    offending = {
        module: sorted(n for n in names if n.split(".")[1] in DOMAIN_APPS)
        for module, names in _imports("core").items()
    }
    assert {m: n for m, n in offending.items() if n} == {}


def test_the_lifecycle_vocabulary_imports_no_model():
    text = (ROOT / "core" / "lifecycle.py").read_text()
    assert "models import" not in text.replace("from django.db import models", "")


def test_payment_providers_import_no_service():
    offending = {
        module: names
        for module, names in _imports("integrations/payments").items()
        if "motcua.integrations.services" in names
    }
    assert offending == {}


def test_procedures_and_units_do_not_import_dossiers():
    for folder in ("procedures", "units"):
        offending = {m: n for m, n in _imports(folder).items() if any("dossiers" in x for x in n)}
        assert offending == {}, folder
