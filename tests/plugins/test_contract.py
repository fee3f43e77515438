"""The plugin contract: what a hooks module may declare, versions, the site's list, the guards."""

import types

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.site import SiteConfigError, load_site
from motcua.core import lifecycle
from motcua.dossiers import selectors
from motcua.plugins.contract import PluginError, read_hooks
from motcua.plugins.discovery import core_plugins, enabled_plugins
from motcua.plugins.guards import check_core_intact, core_problems
from motcua.plugins.registry import install
from motcua.plugins.siteconfig import write_plugins


def _hooks(**values):
    module = types.ModuleType("sample_plugin.hooks")
    module.__dict__.update({"name": "sample", "requires_motcua": ">=0.1,<0.2", **values})
    return module


def test_a_hooks_module_declares_identity_and_hooks():
    plugin = read_hooks(_hooks(label="Mẫu", notification_channels={"fax": "x.Fax"}))
    assert (plugin.name, plugin.label, plugin.core) == ("sample", "Mẫu", False)
    assert plugin.get("notification_channels") == {"fax": "x.Fax"}
    assert plugin.supports("0.1.0") and not plugin.supports("0.2.0")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"notification_channel": {}}, "unknown hook 'notification_channel'"),
        ({"transitions": {}}, "'transitions' is not allowed"),
        ({"selectors": {}}, "'selectors' is not allowed"),
        ({"requires_motcua": ""}, "'requires_motcua' is missing"),
        ({"requires_motcua": "0.1 or later"}, "not a version specifier"),
        ({"name": "Tên có dấu"}, "'name' must be lower-case"),
    ],
)
def test_an_unsound_hooks_module_is_refused_with_one_line(values, message):
    with pytest.raises(PluginError, match=message) as caught:
        read_hooks(_hooks(**values))
    assert "\n" not in str(caught.value)


def test_an_enabled_plugin_that_is_not_installed_is_one_line():
    with pytest.raises(PluginError, match="'thu_phi_x' is enabled but not installed") as caught:
        enabled_plugins(["thu_phi_x"])
    assert "\n" not in str(caught.value) and "plugins disable thu_phi_x" in str(caught.value)


def test_the_core_apps_are_plugins_that_ship_enabled():
    names = [p.name for p in enabled_plugins([])]
    assert names == [p.name for p in core_plugins()]
    assert all(p.core for p in core_plugins())
    hooks = {hook for p in core_plugins() for hook in p.hooks}
    assert hooks >= {
        "scheduled_jobs",
        "payment_providers",
        "notification_channels",
        "outbox_handlers",
        "deadline_sources",
        "snapshot_parts",
    }


def test_two_plugins_cannot_contribute_the_same_name():
    first = read_hooks(_hooks(notification_channels={"email": "motcua_sms.channel.SmsChannel"}))
    with pytest.raises(ImproperlyConfigured, match="channel 'email' is already contributed"):
        install([*core_plugins(), first])


def test_the_site_config_lists_plugins_by_name(tmp_path):
    site = tmp_path / "tinh"
    site.mkdir()
    path = site / "site_config.toml"
    path.write_text('site_name = "A"\nagency_name = "B"\nplugins = ["postal", "Postal!"]\n')
    with pytest.raises(SiteConfigError, match="key 'plugins' must be a list of plugin names"):
        load_site("tinh", sites_dir=tmp_path)
    path.write_text('site_name = "A"\nagency_name = "B"\nplugins = ["postal"]\n')
    assert load_site("tinh", sites_dir=tmp_path).plugins == ("postal",)


def test_enabling_rewrites_only_the_plugins_key(tmp_path):
    path = tmp_path / "site_config.toml"
    path.write_text(
        '# Tỉnh A\nsite_name = "A"\nagency_name = "B"\n\n[payments]\nprovider = "sandbox"\n'
    )
    write_plugins(path, ["postal"])
    assert path.read_text() == (
        '# Tỉnh A\nsite_name = "A"\nagency_name = "B"\n\n'
        "# Plugins enabled on this site (manage.py plugins enable NAME; docs/plugins.md).\n"
        'plugins = ["postal"]\n\n[payments]\nprovider = "sandbox"\n'
    )
    write_plugins(path, ["postal", "sms_gateway"])
    write_plugins(path, ["sms_gateway"])
    text = path.read_text()
    assert 'plugins = ["sms_gateway"]\n' in text and text.count("plugins =") == 1
    assert text.endswith('[payments]\nprovider = "sandbox"\n')


def test_a_plugin_that_changes_the_transition_table_or_the_selector_stops_start_up(monkeypatch):
    assert core_problems() == []
    rule = lifecycle.LIFECYCLE[lifecycle.Action.STOP]
    monkeypatch.setitem(
        lifecycle.LIFECYCLE,
        lifecycle.Action.STOP,
        type(rule)(**{**rule.__dict__, "sources": frozenset()}),
    )
    with pytest.raises(ImproperlyConfigured, match="the lifecycle table .* was changed"):
        check_core_intact()
    monkeypatch.undo()
    monkeypatch.setattr(selectors, "dossiers_visible", lambda *, user: None)
    with pytest.raises(ImproperlyConfigured, match="dossiers_visible was replaced"):
        check_core_intact()
