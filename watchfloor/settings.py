"""Configuration flows one way: shipped defaults -> user file -> environment -> one Settings object.

The user file is TOML (``watchfloor.toml`` in the working directory, or the path in
``WATCHFLOOR_CONFIG``). Environment variables override it: ``WATCHFLOOR_DB`` and
``WATCHFLOOR_ALLOW_NETWORKS`` (comma-separated CIDRs).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from watchfloor.errors import ConfigError

__all__ = ["Settings", "load_settings"]

DEFAULT_DB = "watchfloor.duckdb"


@dataclass(frozen=True)
class Settings:
    """Every knob watchfloor has, with its shipped default."""

    db: str = DEFAULT_DB
    coder: str = "watchfloor.coder.rules.v1"
    workers: int = 2
    batch_size: int = 64
    # fetching (ingest/fetch.py)
    user_agent: str = "watchfloor/0.1 (+https://github.com/watchfloor/watchfloor; news monitoring)"
    timeout_s: float = 20.0
    max_bytes: int = 10_000_000
    max_redirects: int = 5
    retries: int = 3
    per_host_interval_s: float = 1.0
    allow_networks: tuple[str, ...] = ()
    # analysis
    baseline_days: int = 28
    recent_days: int = 7
    # analysis: escalation, indicators and alerts (analysis/{escalation,indicators,alerts}.py)
    escalation_threshold: float = 2.0  # |z| at which a dyad's arrow moves
    escalation_history_days: int = 365  # look-back for "new actor" and "new dyad" flags
    indicators_file: str | None = None  # analyst's indicator YAML; None: the shipped demo set
    forecast_horizon_days: int = 28
    alert_channels: tuple[str, ...] = ("log",)  # any of: log, webhook, email
    alert_cooldown_hours: float = 24.0
    alert_retries: int = 3
    alert_retry_backoff_s: float = 1.0
    alert_watch_dyads: tuple[str, ...] = ()  # "USA*>VEN*"; empty: every country pair
    alert_webhook_url: str | None = None
    alert_webhook_timeout_s: float = 10.0
    alert_smtp_host: str = "localhost"
    alert_smtp_port: int = 25
    alert_smtp_starttls: bool = False
    alert_smtp_user: str | None = None
    alert_smtp_password: str | None = None
    alert_email_from: str = "watchfloor@localhost"
    alert_email_to: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


def load_settings(
    path: str | os.PathLike[str] | None = None,
    *,
    env: dict[str, str] | None = None,
    **overrides: Any,
) -> Settings:
    """Build the Settings: defaults, then the user file, then the environment, then overrides.

    >>> load_settings(env={}, db="x.duckdb").db
    'x.duckdb'
    """
    env = dict(os.environ) if env is None else env
    values: dict[str, Any] = {}
    file = Path(path) if path else _default_file(env)
    if file is not None:
        values.update(_read_file(file))
    if env.get("WATCHFLOOR_DB"):
        values["db"] = env["WATCHFLOOR_DB"]
    if env.get("WATCHFLOOR_ALLOW_NETWORKS"):
        values["allow_networks"] = tuple(
            n.strip() for n in env["WATCHFLOOR_ALLOW_NETWORKS"].split(",") if n.strip()
        )
    values.update({k: v for k, v in overrides.items() if v is not None})
    known = {f.name for f in fields(Settings)}
    extra = {k: v for k, v in values.items() if k not in known}
    settings = Settings(**{k: v for k, v in values.items() if k in known and k != "extra"})
    if isinstance(settings.allow_networks, list):
        settings = replace(settings, allow_networks=tuple(settings.allow_networks))
    return replace(settings, extra={**settings.extra, **extra}) if extra else settings


def _default_file(env: dict[str, str]) -> Path | None:
    if env.get("WATCHFLOOR_CONFIG"):
        return Path(env["WATCHFLOOR_CONFIG"])
    local = Path("watchfloor.toml")
    return local if local.is_file() else None


def _read_file(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{path}: settings file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    section = data.get("watchfloor", data)
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: expected a [watchfloor] table")
    return section
