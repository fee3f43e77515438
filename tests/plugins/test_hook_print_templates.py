"""Hook ``print_templates``: a plugin's layout of a legal form sits between the site-wide desk
copy and the shipped default, only where the plugin is enabled; a broken one stops start-up."""

import dataclasses
import sys
import types

import pytest
from django.core.exceptions import ImproperlyConfigured

from motcua.plugins.contract import read_hooks
from motcua.plugins.registry import contributions, install
from motcua.printing import plugin_templates, render
from motcua.printing.models import PrintTemplate
from motcua.printing.registry import FORMS
from motcua.printing.render import render_html


class _Data:
    """The context a form renders (only what these templates print)."""

    def as_context(self):
        return {"who": "<b>Nguyễn Văn A</b>"}


@pytest.fixture
def registry(monkeypatch):
    """An empty plugin-template registry for the test (the process's own is left as it was);
    the shipped default is stood in for by its form code (its own tests are in tests/printing)."""
    monkeypatch.setattr(plugin_templates, "PLUGIN_TEMPLATES", {})
    monkeypatch.setattr(render, "render_default", lambda spec, data: f"shipped {spec.code}")
    return plugin_templates.PLUGIN_TEMPLATES


def _plugin(tmp_path, monkeypatch, templates: dict[str, str], **hooks):
    """A plugin whose hooks module lives in *tmp_path* and ships *templates* (file -> source)."""
    folder = tmp_path / "mau_in"
    folder.mkdir()
    for file, source in templates.items():
        (folder / file).parent.mkdir(parents=True, exist_ok=True)
        (folder / file).write_text(source, encoding="utf-8")
    module = types.ModuleType("mau_in.hooks")
    module.__file__ = str(folder / "hooks.py")
    module.__dict__.update({"name": "mau_in", "requires_motcua": ">=0.1,<0.2", **hooks})
    monkeypatch.setitem(sys.modules, "mau_in.hooks", module)
    return read_hooks(module)


def test_a_plugins_template_is_used_only_where_the_plugin_is_enabled(
    tmp_path, monkeypatch, registry, db
):
    plugin = _plugin(
        tmp_path,
        monkeypatch,
        {"forms/receipt.html": "<p>Biên nhận của tỉnh: {{ who }}</p>"},
        print_templates={"01": "forms/receipt.html"},
    )
    spec = FORMS["01"]

    install([])  # a site that does not enable the plugin
    assert render_html(spec, _Data(), unit=None) == ("shipped 01", None, None)

    install([plugin])  # a site that enables it
    html, template, problem = render_html(spec, _Data(), unit=None)
    assert "<p>Biên nhận của tỉnh: &lt;b&gt;Nguyễn Văn A&lt;/b&gt;</p>" in html
    assert template is None and problem is None
    assert contributions([plugin]) == {"mau_in": ["print template 01"]}
    # The other forms keep the shipped default.
    assert render_html(FORMS["02"], _Data(), unit=None)[0] == "shipped 02"


def test_the_site_wide_desk_copy_wins_over_the_plugins_template(
    tmp_path, monkeypatch, registry, db
):
    install(
        [_plugin(tmp_path, monkeypatch, {"r.html": "plugin"}, print_templates={"01": "r.html"})]
    )
    desk = PrintTemplate.objects.create(form_code="01", title="Mẫu của sở", body="desk {{ who }}")
    html, template, _problem = render_html(FORMS["01"], _Data(), unit=None)
    assert html.startswith("desk ") and template == desk
    desk.is_active = False
    desk.save()
    assert render_html(FORMS["01"], _Data(), unit=None)[0] == "plugin"


@pytest.mark.parametrize(
    ("templates", "declared", "message"),
    [
        (
            {"r.html": "{% load static %}{{ who }}"},
            {"01": "r.html"},
            r"^plugin mau_in: print template 01 \(r\.html\): dòng 1: .*'load'",
        ),
        (
            {"r.html": "{{ who|safe }}"},
            {"01": "r.html"},
            r"^plugin mau_in: print template 01 \(r\.html\): .*safe",
        ),
        (
            {"r.html": "{% if %}"},
            {"03": "r.html"},
            r"^plugin mau_in: print template 03 \(r\.html\)",
        ),
        ({}, {"02": "missing.html"}, r"^plugin mau_in: print template 02 \(.*missing\.html\)"),
        ({"r.html": "x"}, {"08": "r.html"}, r"^plugin mau_in: print template '08': no such form"),
    ],
)
def test_a_template_the_sandbox_refuses_stops_start_up_with_one_line(
    tmp_path, monkeypatch, registry, templates, declared, message
):
    plugin = _plugin(tmp_path, monkeypatch, templates, print_templates=declared)
    with pytest.raises(ImproperlyConfigured, match=message) as caught:
        install([plugin])
    assert "\n" not in str(caught.value)
    assert registry == {}


def test_two_plugins_cannot_ship_the_same_form(tmp_path, monkeypatch, registry):
    first = _plugin(tmp_path, monkeypatch, {"r.html": "x"}, print_templates={"01": "r.html"})
    second = dataclasses.replace(first, name="mau_khac")
    with pytest.raises(ImproperlyConfigured, match="print template '01' is already contributed"):
        install([first, second])


def test_a_refused_contribution_stops_the_process_with_one_line(monkeypatch, capsys):
    from django.apps import apps

    from motcua.plugins import registry

    def refuse():
        raise ImproperlyConfigured("plugin mau_in: print template 01 (r.html): dòng 1: lỗi")

    monkeypatch.setattr(registry, "install", refuse)
    with pytest.raises(SystemExit) as caught:
        apps.get_app_config("plugins").ready()
    assert caught.value.code == 2
    assert (
        capsys.readouterr().err
        == "motcua: plugin mau_in: print template 01 (r.html): dòng 1: lỗi\n"
    )
