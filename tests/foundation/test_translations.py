"""The two catalogs (locale/README.md): en translates our Vietnamese msgids; vi translates the
English msgids of unfold, import-export, simple-history and Django's own gaps. Both must compile,
keep every placeholder, and actually show up in rendered pages."""

import io
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings as django_settings

LOCALE = Path(django_settings.BASE_DIR) / "locale"
CATALOGS = {lang: LOCALE / lang / "LC_MESSAGES" / "django.po" for lang in ("en", "vi")}

PLACEHOLDER = re.compile(r"%\(\w+\)[sdrif]|%[sdrif]|\{\w*\}")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def load(lang):
    with CATALOGS[lang].open("rb") as f:
        return read_po(f)


def entries(lang):
    return [m for m in load(lang) if m.id]


def strings(value):
    return [value] if isinstance(value, str) else list(value)


def label(message):
    return message.id if isinstance(message.id, str) else message.id[0]


@pytest.mark.parametrize("lang", CATALOGS)
def test_catalog_passes_msgfmt_check(lang):
    if shutil.which("msgfmt") is None:
        pytest.skip("GNU gettext (msgfmt) is not installed")
    result = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(CATALOGS[lang])],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("lang", CATALOGS)
def test_catalog_compiles_with_babel(lang):
    """What `make messages` does at setup: Babel refuses a fuzzy header or a broken placeholder."""
    catalog = load(lang)
    assert not catalog.fuzzy, "the header is marked fuzzy: Babel would skip the whole catalog"
    problems = [(label(m), errors) for m, errors in catalog.check()]
    assert problems == []
    write_mo(io.BytesIO(), catalog)


@pytest.mark.parametrize("lang", CATALOGS)
def test_every_entry_is_translated_and_reviewed(lang):
    empty = [label(m) for m in entries(lang) if not all(strings(m.string))]
    fuzzy = [label(m) for m in entries(lang) if m.fuzzy]  # skipped at runtime
    assert empty == []
    assert fuzzy == []


def test_english_plurals_have_two_forms():
    catalog = load("en")
    assert catalog.num_plurals == 2
    for m in entries("en"):
        if m.pluralizable:
            assert len(m.string) == 2, label(m)


@pytest.mark.parametrize("lang", CATALOGS)
def test_placeholders_and_tags_are_kept(lang):
    wrong = []
    for m in entries(lang):
        ids = strings(m.id)
        allowed = [Counter(PLACEHOLDER.findall(msgid)) for msgid in ids]
        tags = Counter(TAG.findall(ids[0]))
        for s in strings(m.string):
            if Counter(PLACEHOLDER.findall(s)) not in allowed or Counter(TAG.findall(s)) != tags:
                wrong.append((ids[0], s))
    assert wrong == []


# --- rendered pages -------------------------------------------------------------------------


@pytest.fixture
def fresh_catalogs(settings, tmp_path):
    """Compile the .po files as they are now (the committed .mo may be stale or absent)."""
    for lang in CATALOGS:
        target = tmp_path / lang / "LC_MESSAGES"
        target.mkdir(parents=True)
        with (target / "django.mo").open("wb") as f:
            write_mo(f, load(lang))
    settings.LOCALE_PATHS = [tmp_path]  # the setting_changed signal resets Django's catalog cache


@pytest.fixture
def superuser_client(client, django_user_model, fresh_catalogs):
    user = django_user_model.objects.create_superuser("quantri", "quantri@example.vn", "x")
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_english_desk_shows_our_model_names_in_english(superuser_client):
    superuser_client.cookies["django_language"] = "en"
    response = superuser_client.get("/admin/units/unit/")

    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    page = response.content.decode()
    assert "Select unit to change" in page  # "đơn vị" -> "unit" (verbose_name)
    assert "Cấp đơn vị" not in page  # the sidebar label is translated too
    assert "Unit level" in page


@pytest.mark.django_db
def test_vietnamese_desk_shows_unfold_strings_in_vietnamese(superuser_client):
    superuser_client.cookies["django_language"] = "vi"
    changelist = superuser_client.get("/admin/units/unit/").content.decode()
    assert "Nhập từ khóa để tìm kiếm" in changelist  # unfold: "Type to search"
    assert "Type to search" not in changelist
    assert "Chọn đơn vị để thay đổi" in changelist  # our msgid, no vi entry needed
    assert re.search(r">\s*Bộ lọc\s*<", changelist)  # unfold: "Filters"
    assert not re.search(r">\s*Filters\s*<", changelist)

    add_form = superuser_client.get("/admin/units/unit/add/").content.decode()
    assert re.search(r">\s*Lưu\s*<", add_form)  # "Save": Django says "Lưu lại"; we override
    assert "Lưu và tiếp tục chỉnh sửa" in add_form
    assert ">Save<" not in add_form

    user_form = superuser_client.get("/admin/auth/user/add/").content.decode()
    assert "Xác thực bằng mật khẩu" in user_form  # Django 5.2 string its own vi catalog lacks
    assert "Password-based authentication" not in user_form
