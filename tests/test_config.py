"""Unit tests for settings: defaults, personas.toml, CLI overrides, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from personas.config import load_config
from personas.errors import ConfigError


def test_defaults_without_a_file(tmp_path: Path) -> None:
    """No personas.toml: the documented defaults."""
    config = load_config(tmp_path)
    assert (config.seed, config.personas, config.k_min, config.k_max) == (42, None, 3, 8)


def test_file_then_flags(tmp_path: Path) -> None:
    """personas.toml overrides defaults; CLI flags override the file; None flags do not."""
    (tmp_path / "personas.toml").write_text(
        'seed = 7\nk_max = 5\n[sources."a.csv"]\nkind = "reviews"\ncolumns = { "Why?" = "text" }\n',
        encoding="utf-8",
    )
    config = load_config(tmp_path, seed=None, personas=4)
    assert config.seed == 7 and config.k_max == 5 and config.personas == 4
    assert config.sources["a.csv"].kind == "reviews" and config.sources["a.csv"].columns == {
        "Why?": "text"
    }


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("k_min = 5\nk_max = 3\n", "k_min"),
        ('[sources."a.csv"]\nkind = "tweets"\n', "sources.a.csv.kind"),
        ('[sources."a.csv"]\ncolumns = { "X" = "shoe size" }\n', "sources.a.csv.columns.X"),
        ("personas = 1\n", "personas"),
    ],
)
def test_errors_name_the_key(tmp_path: Path, text: str, key: str) -> None:
    """An invalid value is a ConfigError naming the file and the key."""
    (tmp_path / "personas.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path)
    assert "personas.toml" in str(err.value) and key.split(".")[0] in str(err.value)


def test_broken_toml_and_missing_file(tmp_path: Path) -> None:
    """Unparseable TOML and a missing --config file are clear errors."""
    (tmp_path / "personas.toml").write_text("seed = = 3", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(tmp_path)
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path, tmp_path / "nope.toml")
