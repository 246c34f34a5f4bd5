"""Shared fixtures. The hub libraries are forced offline for every test."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from personas.offline import OFFLINE_ENV

for _key, _value in OFFLINE_ENV.items():
    os.environ[_key] = _value

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "corpora" / "demo-shop"
SHARED_DATA = ROOT.parent / "shared" / "data"


def run_cli(
    *args: str, cwd: Path | None = None, timeout: int = 600
) -> subprocess.CompletedProcess[str]:
    """Run the real `personas` console script in a subprocess."""
    exe = Path(sys.executable).with_name("personas")
    return subprocess.run(
        [str(exe), *args], capture_output=True, text=True, cwd=cwd, timeout=timeout, check=False
    )


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One real build of the demo corpus, shared by the end-to-end tests."""
    out = tmp_path_factory.mktemp("demo") / "out"
    result = run_cli("build", str(DEMO), "-o", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    return out
