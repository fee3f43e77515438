"""Refresh locale/vi/LC_MESSAGES/django.po: Vietnamese for the English msgids of third-party apps.

Run from the repository root:  .venv/bin/python locale/update_vi.py

django-unfold ships no locale at all; django-import-export and django-simple-history ship no ``vi``.
This script copies their sources to a temporary directory, extracts their msgids with
``django-admin makemessages -l vi``, joins them with ``msgcat --use-first``, drops every msgid that
Django's own Vietnamese catalogs (admin, auth, ...) already translate, and merges the result into
our vi catalog with ``msgmerge`` (existing translations are kept, vanished msgids are removed).

Kept on purpose although Django translates them: entries whose translator comment starts with
``Overrides Django`` (Django's Vietnamese is wrong or clumsy there, e.g. "History" -> "Bản ghi nhớ").

Our own msgids are Vietnamese already, so this catalog holds no entry of ours: never run
``makemessages -l vi`` on the project itself.

Needs GNU gettext (msgcat, msgmerge, msgattrib). Prints the entries still to translate or review
(empty or ``#, fuzzy``) and exits 1 while there are any.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import django
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.po"
SITE_PACKAGES = Path(django.__file__).resolve().parent.parent
DJANGO_ADMIN = Path(sys.executable).with_name("django-admin")
OVERRIDE_MARK = "Overrides Django"

#: package -> sub-folders left out (unfold.contrib apps that motcua does not install).
PACKAGES = {
    "unfold": [
        "contrib/constance",
        "contrib/guardian",
        "contrib/location_field",
        "contrib/inlines",
    ],
    "import_export": [],
    "simple_history": [],
}


def key(message) -> tuple:
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    return (message.context, msgid)


def translated(message) -> bool:
    s = message.string
    return bool(s) if isinstance(s, str) else bool(s) and all(s)


def django_vi_keys() -> set:
    """msgids that Django's own Vietnamese catalogs already translate."""
    keys = set()
    base = Path(django.__file__).resolve().parent
    for mo in base.glob("**/locale/vi/LC_MESSAGES/django.mo"):
        with mo.open("rb") as f:
            keys.update(key(m) for m in read_mo(f) if m.id and translated(m))
    return keys


def extract(workdir: Path) -> Path:
    """One catalog per package (references read "unfold/admin.py:44"), joined with msgcat."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    catalogs = []
    for package, skipped in PACKAGES.items():
        project = workdir / package
        shutil.copytree(
            SITE_PACKAGES / package,
            project / package,
            ignore=shutil.ignore_patterns("locale", "static", "__pycache__"),
        )
        for folder in skipped:
            shutil.rmtree(project / package / folder, ignore_errors=True)
        (project / "locale").mkdir()
        subprocess.run(
            [str(DJANGO_ADMIN), "makemessages", "-l", "vi", "-v", "0"],
            cwd=project,
            env=env,
            check=True,
        )
        catalogs.append(str(project / "locale" / "vi" / "LC_MESSAGES" / "django.po"))
    joined = workdir / "joined.po"
    subprocess.run(["msgcat", "--use-first", "-o", str(joined), *catalogs], check=True)
    return joined


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        joined = extract(workdir)
        # makemessages writes two msgstr[] for plurals; Babel warns (on stdout) as vi has one.
        with joined.open("rb") as f, contextlib.redirect_stdout(io.StringIO()):
            pot = read_po(f, locale="vi")

        overrides = set()
        if CATALOG.exists():
            with CATALOG.open("rb") as f:
                overrides = {
                    key(m)
                    for m in read_po(f)
                    if any(c.startswith(OVERRIDE_MARK) for c in m.user_comments)
                }
        covered = django_vi_keys() - overrides
        for message in list(pot):
            if message.id and key(message) in covered:
                pot.delete(message.id, context=message.context)
        for message in pot:
            message.string = ("",) * pot.num_plurals if message.pluralizable else ""
            message.flags.discard("fuzzy")
        filtered = workdir / "thirdparty.pot"
        with filtered.open("wb") as f:
            write_po(f, pot, width=79)

        CATALOG.parent.mkdir(parents=True, exist_ok=True)
        if CATALOG.exists():
            # No fuzzy matching: it would copy an "Overrides Django" comment onto a new entry.
            subprocess.run(
                [
                    "msgmerge",
                    "--quiet",
                    "--update",
                    "--backup=none",
                    "--no-fuzzy-matching",
                    str(CATALOG),
                    str(filtered),
                ],
                check=True,
            )
            subprocess.run(
                ["msgattrib", "--no-obsolete", "-o", str(CATALOG), str(CATALOG)], check=True
            )
        else:
            shutil.copy(filtered, CATALOG)

    with CATALOG.open("rb") as f:
        catalog = read_po(f)
    todo = [m for m in catalog if m.id and (not translated(m) or m.fuzzy)]
    print(
        f"{CATALOG.relative_to(ROOT)}: {len(catalog)} entries, {len(todo)} to translate or review"
    )
    for m in todo:
        print(("  fuzzy: " if m.fuzzy else "  empty: ") + repr(key(m)[1]))
    return 1 if todo else 0


if __name__ == "__main__":
    sys.exit(main())
