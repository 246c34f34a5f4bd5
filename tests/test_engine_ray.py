"""The Ray engine gives the local engine's answers, resumes embedding from its shards,
and asking for it without Ray installed is one clear error.

The Ray tests (marked ``ray``) share one local cluster (2 CPUs, a small object
store) started in this process; the CLI joins it with ``--ray-address``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from personas.config import load_config
from personas.errors import PersonasError
from tests.conftest import DEMO, run_cli
from tests.test_e2e import shareable_files

OBJECT_STORE = 100 * 1024**2


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[str]:
    """A local Ray cluster with 2 CPUs, for every test of this module; yields its address."""
    ray = pytest.importorskip("ray")
    ray.init(
        num_cpus=2,
        object_store_memory=OBJECT_STORE,
        include_dashboard=False,
        log_to_driver=False,
        configure_logging=False,
    )
    try:
        yield ray.get_runtime_context().gcs_address
    finally:
        ray.shutdown()


@pytest.mark.ray
def test_ray_build_gives_the_local_answers(
    ray_cluster: str, demo_build: Path, tmp_path: Path
) -> None:
    """`--engine ray` on the demo (prepare, embedding and every kind's nearest-theme
    assignment on the workers) writes the same assignments, themes, statements and
    documents, byte for byte, as the local build."""
    out = tmp_path / "ray"
    result = run_cli(
        "build", str(DEMO), "-o", str(out), "--quiet", "--engine", "ray",
        "--ray-address", ray_cluster,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    local = {p.relative_to(demo_build) for p in shareable_files(demo_build)} - {Path("run.json")}
    distributed = {p.relative_to(out) for p in shareable_files(out)} - {Path("run.json")}
    assert local == distributed
    for rel in sorted(local):
        assert (demo_build / rel).read_bytes() == (out / rel).read_bytes(), rel
    assert not (out / "embedding-shards").exists()  # merged into the store


@pytest.mark.ray
def test_rerun_embeds_only_what_no_shard_holds(ray_cluster: str, tmp_path: Path) -> None:
    """A killed run's shards are reused: only the other texts are embedded, the shards
    are merged into the DuckDB cache, and the vectors are the local engine's."""
    from personas.engine.ray import RayEngine, ray_session, shard_folder, write_shard
    from personas.output.store import Store
    from personas.understand.embed import encode, model_identity, text_hash

    texts = [f"statement number {i} about delivery and sizes" for i in range(12)]
    local = encode(texts)
    earlier = texts[:5]  # what the killed run finished
    write_shard(
        shard_folder(tmp_path, model_identity()), [text_hash(t) for t in earlier], local[:5]
    )
    store = Store(tmp_path / "personas.duckdb")
    try:
        with ray_session(ray_cluster) as workers:
            got = RayEngine(tmp_path, workers=workers).embed(
                [f"s{i}" for i in range(12)], texts, store
            )
        assert got.cached == 5
        np.testing.assert_allclose(got.vectors, local, atol=1e-6)
        cached = store.cached_vectors(model_identity(), [text_hash(t) for t in texts])
        assert len(cached) == 12
    finally:
        store.close()
    assert not (tmp_path / "embedding-shards").exists()


@pytest.mark.ray
def test_theme_assignment_on_the_workers_gives_the_local_labels(
    ray_cluster: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The nearest-theme assignment in Ray tasks (centres shipped with them, blocks of
    ``chunk`` rows) gives the labels of ``clusters.nearest_themes``, -1s included."""
    from personas.engine.ray import nearest_on_ray, ray_session
    from personas.understand import clusters

    rng = np.random.default_rng(5)
    vectors = rng.standard_normal((2500, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    centres = np.eye(16)[:5] + 0.01
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    monkeypatch.setattr(clusters, "ASSIGN_CHUNK", 1000)
    local = clusters.nearest_themes(vectors, centres)
    with ray_session(ray_cluster):
        distributed = nearest_on_ray(vectors, centres, 1000)
    assert distributed.dtype == local.dtype and (distributed == local).all()
    assert (local == -1).any() and len(set(local.tolist())) == 6


def test_ray_without_the_extra_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """No Ray installed: the error names the install command."""
    from personas.engine.ray import require_ray

    monkeypatch.setitem(sys.modules, "ray", None)
    with pytest.raises(PersonasError, match=r'pip install "personas\[ray\]"'):
        require_ray()


def test_build_without_ray_stops_before_reading(tmp_path: Path) -> None:
    """`personas build --engine ray` where Ray cannot be imported: one Error: line, no OUT."""
    import subprocess

    script = (
        "import sys; sys.modules['ray'] = None; sys.argv = ['personas', *sys.argv[1:]]\n"
        "from personas.cli import main; main()"
    )
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-c", script, "build", str(DEMO), "-o", str(out), "--engine", "ray"],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        'Error: --engine ray needs Ray, which is not installed: pip install "personas[ray]"'
    ]
    assert not out.exists()


def test_engine_and_device_come_from_the_config_file(tmp_path: Path) -> None:
    """`engine`, `ray_address` and `device` in personas.toml; flags override them."""
    (tmp_path / "personas.toml").write_text(
        'engine = "ray"\nray_address = "10.0.0.5:6379"\ndevice = "auto"\n', encoding="utf-8"
    )
    config = load_config(tmp_path)
    assert (config.engine, config.ray_address, config.device) == ("ray", "10.0.0.5:6379", "auto")
    assert load_config(tmp_path, engine="local").engine == "local"
    assert load_config(tmp_path.parent).engine == "local"  # the default


def test_unknown_engine_is_refused() -> None:
    """A typo in --engine is a usage error naming the choices."""
    result = run_cli("build", str(DEMO), "-o", "unused", "--engine", "spark")
    assert result.returncode != 0
    assert "local" in result.stderr and "ray" in result.stderr


def test_the_engine_does_not_change_the_fingerprint() -> None:
    """Both engines write the same outputs, so a build with either reuses the other's;
    the device may change the vectors, so it counts."""
    from personas.config import Config
    from personas.output.reuse import data_fingerprint

    local = data_fingerprint([], [], Config())
    assert data_fingerprint([], [], Config(engine="ray", ray_address="head:6379")) == local
    assert data_fingerprint([], [], Config(device="cuda")) != local
