"""Load one deployment's configuration from ``sites/<name>/site_config.toml``.

A *site* is one deployment (a province, a training copy, a developer's laptop). Its folder holds the
config file, the embedded SQLite database, uploaded files and logs. ``MOTCUA_SITE`` selects the
site; ``default`` is used when it is unset. Secrets (secret key, database password) never live in
the config file in git: they come from the environment (``MOTCUA_SECRET_KEY``,
``MOTCUA_DATABASE_URL``) or from ``sites/<name>/secret_key``, which is generated once and ignored by
git.

Every problem is reported as a single-line :class:`SiteConfigError` that names the file and the key.
"""

from __future__ import annotations

import os
import re
import secrets
import tomllib
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SITES_DIR = Path(os.environ.get("MOTCUA_SITES_DIR", BASE_DIR / "sites"))

_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


#: The settings module of each kind of deployment. Every process — web, worker, scheduler, commands
#: — takes the same one: ``DJANGO_SETTINGS_MODULE`` when set, else the site's ``environment`` key.
ENVIRONMENTS = {"development": "config.settings.dev", "production": "config.settings.prod"}


class SiteConfigError(Exception):
    """A missing or malformed site configuration; the message is one line naming the key."""


@dataclass(frozen=True)
class SiteConfig:
    name: str
    directory: Path
    site_name: str
    agency_name: str
    time_zone: str = "Asia/Ho_Chi_Minh"
    language: str = "vi"
    database_url: str = ""
    redis_url: str = ""
    office_hours: tuple[tuple[str, str], ...] = (("07:30", "11:30"), ("13:00", "17:00"))
    same_day_cutoff: str = "15:00"
    training: bool = False
    max_upload_mb: int = 20
    max_dossier_upload_mb: int = 100
    allowed_hosts: tuple[str, ...] = ("127.0.0.1", "localhost")
    environment: str = "development"
    #: Plugins enabled on this site, by name (docs/plugins.md); the core's apps are always on.
    plugins: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict)

    @property
    def sqlite_path(self) -> Path:
        return self.directory / "motcua.sqlite3"

    @property
    def files_dir(self) -> Path:
        return self.directory / "files"

    @property
    def logs_dir(self) -> Path:
        return self.directory / "logs"


def _require(data: dict, key: str, kind: type, where: str):
    if key not in data:
        raise SiteConfigError(f"{where}: missing required key '{key}'")
    return _typed(data, key, kind, where)


def _typed(data: dict, key: str, kind: type, where: str):
    value = data[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise SiteConfigError(
            f"{where}: key '{key}' must be a {kind.__name__}, got {type(value).__name__}"
        )
    return value


def _office_hours(value, where: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, list) or not value:
        raise SiteConfigError(
            f"{where}: key 'office_hours' must be a non-empty list of [start, end]"
        )
    result = []
    for pair in value:
        if (
            not isinstance(pair, list)
            or len(pair) != 2
            or not all(isinstance(p, str) and _HHMM.match(p) for p in pair)
            or pair[0] >= pair[1]
        ):
            raise SiteConfigError(
                f'{where}: key \'office_hours\' has a bad interval {pair!r} (want ["HH:MM", "HH:MM"], start < end)'
            )
        result.append((pair[0], pair[1]))
    return tuple(result)


def load_site(name: str | None = None, sites_dir: Path | None = None) -> SiteConfig:
    """Return the configuration of site *name* (``MOTCUA_SITE`` or ``default``)."""
    name = name or os.environ.get("MOTCUA_SITE") or "default"
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", name):
        raise SiteConfigError(f"MOTCUA_SITE: bad site name {name!r} (letters, digits, _ . - only)")
    directory = (sites_dir or SITES_DIR) / name
    path = directory / "site_config.toml"
    where = str(path.relative_to(BASE_DIR)) if path.is_relative_to(BASE_DIR) else str(path)
    if not path.is_file():
        raise SiteConfigError(f"{where}: file not found (create it or set MOTCUA_SITE)")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SiteConfigError(f"{where}: not valid TOML ({exc})") from None
    site_name = _require(data, "site_name", str, where)
    agency_name = _require(data, "agency_name", str, where)
    kwargs: dict = {}
    for key, kind in (
        ("environment", str),
        ("language", str),
        ("database_url", str),
        ("redis_url", str),
        ("training", bool),
        ("max_upload_mb", int),
        ("max_dossier_upload_mb", int),
    ):
        if key in data:
            kwargs[key] = _typed(data, key, kind, where)
    if kwargs.get("environment", "development") not in ENVIRONMENTS:
        raise SiteConfigError(
            f"{where}: key 'environment' must be one of {', '.join(sorted(ENVIRONMENTS))}, "
            f"got {kwargs['environment']!r}"
        )
    if "time_zone" in data:
        tz = _typed(data, "time_zone", str, where)
        try:
            zoneinfo.ZoneInfo(tz)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise SiteConfigError(
                f"{where}: key 'time_zone' is not a known time zone: {tz!r}"
            ) from None
        kwargs["time_zone"] = tz
    if "office_hours" in data:
        kwargs["office_hours"] = _office_hours(data["office_hours"], where)
    if "same_day_cutoff" in data:
        cutoff = _typed(data, "same_day_cutoff", str, where)
        if not _HHMM.match(cutoff):
            raise SiteConfigError(
                f"{where}: key 'same_day_cutoff' must be \"HH:MM\", got {cutoff!r}"
            )
        kwargs["same_day_cutoff"] = cutoff
    if "allowed_hosts" in data:
        hosts = _typed(data, "allowed_hosts", list, where)
        if not all(isinstance(h, str) for h in hosts):
            raise SiteConfigError(f"{where}: key 'allowed_hosts' must be a list of strings")
        kwargs["allowed_hosts"] = tuple(hosts)
    if "plugins" in data:
        names = _typed(data, "plugins", list, where)
        if not all(isinstance(n, str) and re.fullmatch(r"[a-z0-9_]+", n) for n in names):
            raise SiteConfigError(
                f"{where}: key 'plugins' must be a list of plugin names (a-z, 0-9, _)"
            )
        if len(set(names)) != len(names):
            raise SiteConfigError(f"{where}: key 'plugins' names a plugin twice")
        kwargs["plugins"] = tuple(names)
    if "password" in str(data.get("database_url", "")).split("@")[0] or re.search(
        r"://[^/:@]+:[^/@]+@", str(data.get("database_url", ""))
    ):
        raise SiteConfigError(
            f"{where}: key 'database_url' contains a password; put secrets in MOTCUA_DATABASE_URL instead"
        )
    env_db = os.environ.get("MOTCUA_DATABASE_URL")
    if env_db:
        kwargs["database_url"] = env_db
    env_redis = os.environ.get("MOTCUA_REDIS_URL")
    if env_redis is not None:
        kwargs["redis_url"] = env_redis
    known = {
        "site_name",
        "agency_name",
        "time_zone",
        "office_hours",
        "same_day_cutoff",
        "allowed_hosts",
        "plugins",
        *kwargs,
    }
    extra = {k: v for k, v in data.items() if k not in known}
    return SiteConfig(
        name=name,
        directory=directory,
        site_name=site_name,
        agency_name=agency_name,
        extra=extra,
        **kwargs,
    )


def settings_module() -> str:
    """Return the settings module for this process (see :data:`ENVIRONMENTS`).

    An unreadable site config falls back to the development settings, whose import then reports
    the problem as its usual one line.
    """
    if os.environ.get("DJANGO_SETTINGS_MODULE"):
        return os.environ["DJANGO_SETTINGS_MODULE"]
    try:
        return ENVIRONMENTS[load_site().environment]
    except SiteConfigError:
        return ENVIRONMENTS["development"]


def secret_key(site: SiteConfig) -> str:
    """Return the secret key from ``MOTCUA_SECRET_KEY`` or the site's untracked key file."""
    env = os.environ.get("MOTCUA_SECRET_KEY")
    if env:
        return env
    path = site.directory / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()
