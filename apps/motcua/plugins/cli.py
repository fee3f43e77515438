"""``manage.py plugins list | enable NAME | disable NAME`` for the site chosen by ``MOTCUA_SITE``.

Runs before Django is set up (``manage.py`` hands these arguments here first), so a site whose
start-up a plugin stops — not installed, wrong motcua version — can still list and disable it.
Enabling writes the site config, then runs, in a new process with the new config, ``migrate``
(the plugin's migrations), ``run_patches`` (its patches after the core's) and ``loaddata`` of its
fixtures; when one fails the config is restored. Disabling only removes the name from the config:
the plugin's tables and rows stay, and enabling it again finds them.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from importlib import resources

from config.site import BASE_DIR, SiteConfigError, load_site
from motcua.plugins.contract import PluginError
from motcua.plugins.discovery import core_plugins, installed_plugins, motcua_version
from motcua.plugins.registry import contributions
from motcua.plugins.siteconfig import write_plugins


def _manage(*args: str) -> None:
    subprocess.run([sys.executable, str(BASE_DIR / "manage.py"), *args], check=True)


def _fixture_paths(plugin) -> list[str]:
    if not plugin.get("fixtures"):
        return []
    package = (plugin.app or plugin.hooks_module).rsplit(".apps.", 1)[0]
    return [str(resources.files(package).joinpath(f)) for f in plugin.get("fixtures")]


def _list(site, as_json: bool, out) -> int:
    version = motcua_version()
    broken: dict[str, str] = {}
    installed = installed_plugins(broken=broken)
    rows = []
    for plugin in [*core_plugins(), *installed.values()]:
        rows.append(
            {
                "name": plugin.name,
                "label": plugin.label,
                "version": plugin.version or version,
                "requires_motcua": plugin.requires_motcua,
                "core": plugin.core,
                "enabled": plugin.core or plugin.name in site.plugins,
                "supported": plugin.supports(version),
                "contributes": contributions([plugin])[plugin.name],
            }
        )
    for name, error in broken.items():
        rows.append(
            {"name": name, "enabled": name in site.plugins, "error": error, "contributes": []}
        )
    for name in site.plugins:
        if name not in installed and name not in broken:
            rows.append({"name": name, "enabled": True, "installed": False, "contributes": []})
    if as_json:
        json.dump({"site": site.name, "motcua": version, "plugins": rows}, out, ensure_ascii=False)
        out.write("\n")
        return 0
    out.write(f"site {site.name}, motcua {version}\n")
    for row in rows:
        state = "core" if row.get("core") else ("enabled" if row["enabled"] else "disabled")
        if row.get("installed") is False:
            state = "enabled, NOT INSTALLED"
        elif row.get("error"):
            state += f", BROKEN: {row['error']}"
        elif not row.get("supported", True):
            state += f", needs motcua {row['requires_motcua']}"
        out.write(f"  {row['name']:<24} {row.get('version', ''):<10} {state}\n")
        for item in row["contributes"]:
            out.write(f"      {item}\n")
    return 0


def _enable(site, name: str, out) -> int:
    if name in {p.name for p in core_plugins()}:
        out.write(f"{name} is part of the core: always enabled\n")
        return 0
    broken: dict[str, str] = {}
    plugin = installed_plugins(broken=broken).get(name)
    if name in broken:
        raise PluginError(broken[name])
    if plugin is None:
        raise PluginError(f"plugin {name!r} is not installed (pip install it first)")
    if not plugin.supports(motcua_version()):
        raise PluginError(
            f"plugin {name} {plugin.version} supports motcua {plugin.requires_motcua}, "
            f"this is motcua {motcua_version()}"
        )
    path = site.directory / "site_config.toml"
    before = path.read_text(encoding="utf-8")
    if name not in site.plugins:
        write_plugins(path, [*site.plugins, name])
    try:
        _manage("migrate", "--noinput", "-v", "0")
        _manage("run_patches")
        fixtures = _fixture_paths(plugin)
        if fixtures:
            _manage("loaddata", *fixtures)
    except subprocess.CalledProcessError as exc:
        path.write_text(before, encoding="utf-8")
        raise PluginError(
            f"plugin {name}: enabling failed (see above); the site config is restored"
        ) from exc
    out.write(f"{name} enabled on site {site.name}; restart the site's processes\n")
    return 0


def _disable(site, name: str, out) -> int:
    if name in {p.name for p in core_plugins()}:
        raise PluginError(f"{name} is part of the core and cannot be disabled")
    if name not in site.plugins:
        out.write(f"{name} is not enabled on site {site.name}\n")
        return 0
    write_plugins(site.directory / "site_config.toml", [n for n in site.plugins if n != name])
    out.write(
        f"{name} disabled on site {site.name}; its data is kept. Restart the site's processes\n"
    )
    return 0


def main(argv: list[str], out=None) -> int:
    """Run the command; one line on stderr and status 2 for a site config or plugin error."""
    out = out or sys.stdout
    parser = argparse.ArgumentParser(prog="manage.py plugins", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    listing = sub.add_parser("list", help="installed plugins and what each contributes")
    listing.add_argument("--json", action="store_true")
    for command in ("enable", "disable"):
        sub.add_parser(command).add_argument("name")
    args = parser.parse_args(argv)
    try:
        site = load_site()
        if args.command == "list":
            return _list(site, args.json, out)
        if args.command == "enable":
            return _enable(site, args.name, out)
        return _disable(site, args.name, out)
    except (SiteConfigError, PluginError, ValueError) as exc:
        sys.stderr.write(f"motcua: {exc}\n")
        return 2


if __name__ == "__main__":  # pragma: no cover
    os.environ.setdefault("MOTCUA_SITE", "default")
    raise SystemExit(main(sys.argv[1:]))
