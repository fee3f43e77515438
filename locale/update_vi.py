"""Refresh locale/vi/LC_MESSAGES/django.po: Vietnamese for English msgids the desk would show.

Run from the repository root:  .venv/bin/python locale/update_vi.py

Two sources of English msgids:

1. Third-party apps without Vietnamese: django-unfold (no locale at all), django-import-export and
   django-simple-history (no ``vi``). Their sources are copied to a temporary directory, their
   msgids extracted with ``django-admin makemessages -l vi`` and joined with ``msgcat
   --use-first``. Msgids that Django's own Vietnamese already translates are dropped.
2. Django's own gaps: msgids of the installed Django apps (core, admin, auth, contenttypes,
   sessions) that Django's ``vi`` catalogs leave untranslated, e.g. the password-based
   authentication fields added in Django 5.1. Language names and the DEBUG-only welcome page
   are left out. When Django translates one of them later, it leaves this catalog by itself.

The result is merged into our vi catalog with ``msgmerge`` (existing translations kept, vanished
msgids removed). Entries whose translator comment starts with ``Overrides Django`` are kept even
though Django translates them: Django's Vietnamese is wrong or clumsy there ("History" ->
"Bản ghi nhớ"); ``LOCALE_PATHS`` comes first, so ours wins.

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
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.po"
DJANGO = Path(django.__file__).resolve().parent
SITE_PACKAGES = DJANGO.parent
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

#: Django's catalogs that motcua loads: the core one and the installed contrib apps with text.
DJANGO_CATALOGS = [
    "conf",
    "contrib/admin",
    "contrib/auth",
    "contrib/contenttypes",
    "contrib/sessions",
    "contrib/humanize",
]
#: Django sources whose msgids are not worth translating (language names, DEBUG-only page).
DJANGO_SKIPPED = {"conf/global_settings.py", "views/templates/default_urlconf.html"}
#: humanize's msgids are taken only to know what Django translates; motcua does not use them.
DJANGO_GAPS_FROM = [c for c in DJANGO_CATALOGS if c != "contrib/humanize"]


def key(message) -> tuple:
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    return (message.context, msgid)


def translated(message) -> bool:
    s = message.string
    done = bool(s) if isinstance(s, str) else bool(s) and all(s)
    return done and not message.fuzzy


def quiet_read_po(path: Path, **kwargs):
    """makemessages and Django's en catalogs write two msgstr[]; Babel warns as vi has one."""
    with path.open("rb") as f, contextlib.redirect_stdout(io.StringIO()):
        return read_po(f, **kwargs)


def django_catalog(folder: str, lang: str):
    path = DJANGO / folder / "locale" / lang / "LC_MESSAGES" / "django.po"
    return quiet_read_po(path) if path.exists() else None


def django_vi_keys() -> set:
    """msgids that Django's own Vietnamese catalogs (of the installed apps) translate."""
    keys = set()
    for folder in DJANGO_CATALOGS:
        catalog = django_catalog(folder, "vi")
        if catalog is not None:
            keys.update(key(m) for m in catalog if m.id and translated(m))
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


def add_django_rq(pot, django_keys: set) -> None:
    """The job dashboard's text: django-rq has no translation tags, so ``motcua.jobs.rq_templates``
    wraps its plain text in ``{% translate %}`` when loading; the same wrapping gives the msgids."""
    import re

    sys.path.insert(0, str(ROOT / "apps"))
    from motcua.jobs.rq_templates import translate_template_text

    present = {key(m) for m in pot if m.id}
    for path in sorted((SITE_PACKAGES / "django_rq" / "templates").rglob("*.html")):
        source = translate_template_text(path.read_text(encoding="utf-8"))
        for msgid in re.findall(r'\{% translate "(.*?)" %\}', source):
            if (None, msgid) in django_keys or (None, msgid) in present:
                continue
            pot.add(msgid, locations=[(f"django_rq/templates/django_rq/{path.name}", 0)])
            present.add((None, msgid))


def add_django_gaps(pot, django_keys: set) -> None:
    present = {key(m) for m in pot if m.id}
    for folder in DJANGO_GAPS_FROM:
        for m in django_catalog(folder, "en"):
            if not m.id or key(m) in django_keys or key(m) in present:
                continue
            if any(path in DJANGO_SKIPPED for path, _line in m.locations):
                continue
            pot.add(
                m.id,
                locations=[("django/" + path, line) for path, line in m.locations],
                flags=m.flags,
                auto_comments=m.auto_comments,
                context=m.context,
            )
            present.add(key(m))


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        pot = quiet_read_po(extract(workdir), locale="vi")

        overrides = set()
        if CATALOG.exists():
            overrides = {
                key(m)
                for m in quiet_read_po(CATALOG)
                if any(c.startswith(OVERRIDE_MARK) for c in m.user_comments)
            }
        django_keys = django_vi_keys()
        for message in list(pot):
            if message.id and key(message) in django_keys - overrides:
                pot.delete(message.id, context=message.context)
        add_django_gaps(pot, django_keys)
        add_django_rq(pot, django_keys)
        for message in pot:
            message.string = ("",) * pot.num_plurals if message.pluralizable else ""
            message.flags.discard("fuzzy")
        filtered = workdir / "desk-english.pot"
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

    catalog = quiet_read_po(CATALOG)
    todo = [m for m in catalog if m.id and not translated(m)]
    print(
        f"{CATALOG.relative_to(ROOT)}: {len(catalog)} entries, {len(todo)} to translate or review"
    )
    for m in todo:
        print(("  fuzzy: " if m.fuzzy else "  empty: ") + repr(key(m)[1]))
    return 1 if todo else 0


if __name__ == "__main__":
    sys.exit(main())
