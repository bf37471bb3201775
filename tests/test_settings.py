from __future__ import annotations

from pathlib import Path

import pytest

from watchfloor.errors import ConfigError
from watchfloor.settings import load_settings


def test_settings_layers_file_then_env_then_overrides(tmp_path: Path) -> None:
    file = tmp_path / "watchfloor.toml"
    file.write_text('[watchfloor]\ndb = "from-file.duckdb"\nworkers = 1\n')
    assert load_settings(file, env={}).db == "from-file.duckdb"
    assert load_settings(file, env={"WATCHFLOOR_DB": "env.duckdb"}).db == "env.duckdb"
    assert (
        load_settings(file, env={"WATCHFLOOR_DB": "env.duckdb"}, db="arg.duckdb").db == "arg.duckdb"
    )
    assert load_settings(file, env={}).workers == 1


def test_settings_allow_networks_from_env() -> None:
    settings = load_settings(env={"WATCHFLOOR_ALLOW_NETWORKS": "127.0.0.0/8, 10.0.0.0/8"})
    assert settings.allow_networks == ("127.0.0.0/8", "10.0.0.0/8")


def test_settings_bad_file_is_a_config_error(tmp_path: Path) -> None:
    file = tmp_path / "bad.toml"
    file.write_text("db = [unclosed")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(file, env={})
