"""Vectors on disk (the Ray engine's driver) and the block helpers both engines share."""

from __future__ import annotations

import gc
from pathlib import Path

import numpy as np
import pytest

from personas.output.store import Store
from personas.understand.vectorfile import BLOCK, VectorFile, blocks, dot_rows, mean_rows, take


def _unit(n: int, dim: int = 16, seed: int = 0) -> np.ndarray:
    x = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _file(tmp_path: Path, x: np.ndarray) -> VectorFile:
    vf = VectorFile.create(tmp_path / "v.f32", len(x), x.shape[1])
    order = np.random.default_rng(1).permutation(len(x))  # written in any order, as DuckDB sends
    for part in np.array_split(order, 7):
        vf.write(part, x[part])
    return vf


def test_rows_read_back_as_written(tmp_path: Path) -> None:
    x = _unit(1000)
    vf = _file(tmp_path, x)
    assert len(vf) == 1000 and vf.shape == (1000, 16) and vf.size == 16_000
    assert np.array_equal(vf[:], x)
    assert np.array_equal(vf[5], x[5])
    assert np.array_equal(vf[10:20], x[10:20])
    assert np.array_equal(vf[[3, 1, 3]], x[[3, 1, 3]])
    picked = np.array([900, 2, 450])
    view = vf.subset(picked)
    assert len(view) == 3 and np.array_equal(view[:], x[picked])
    assert np.array_equal(view.subset(np.array([2, 0]))[:], x[[450, 900]])
    assert isinstance(take(vf, picked), VectorFile)
    assert np.array_equal(take(x, picked), x[picked])


def test_the_file_goes_with_the_last_object_using_it(tmp_path: Path) -> None:
    vf = _file(tmp_path, _unit(10))
    view = vf.subset(np.array([1, 2]))
    del vf
    gc.collect()
    assert (tmp_path / "v.f32").exists()  # the view still reads it
    assert view[:].shape == (2, 16)
    del view
    gc.collect()
    assert not (tmp_path / "v.f32").exists()


@pytest.mark.parametrize("n", [1, 7, BLOCK, BLOCK + 1, 3 * BLOCK + 17])
def test_mean_rows_is_numpys_mean_bit_for_bit(tmp_path: Path, n: int) -> None:
    """Block by block, from memory or from the file, the very bits of ``x[rows].mean(0)``."""
    x = _unit(n + 5, dim=384, seed=n)
    rows = np.sort(np.random.default_rng(n).choice(n + 5, n, replace=False))
    want = x[rows].mean(axis=0)
    assert np.array_equal(mean_rows(x, rows), want)
    assert np.array_equal(mean_rows(_file(tmp_path, x), rows), want)


def test_blocks_and_dot_rows_agree_between_memory_and_file(tmp_path: Path) -> None:
    x = _unit(2 * BLOCK + 3, dim=32)
    vf = _file(tmp_path, x)
    assert [len(b) for b in blocks(vf)] == [BLOCK, BLOCK, 3]
    rows = np.arange(len(x))[::-1]
    centre = x[0]
    assert np.array_equal(dot_rows(x, rows, centre), dot_rows(vf, rows, centre))
    assert np.allclose(dot_rows(x, rows, centre), x[rows] @ centre, atol=1e-6)


def test_store_streams_the_cache_into_a_file(tmp_path: Path) -> None:
    """Shards into the cache inside DuckDB, then every statement's vector out in
    batches: repeated texts get the same vector, order follows the statements."""
    from personas.engine.ray import aligned_file, write_shard

    x = _unit(50, dim=8)
    hashes = [f"h{i:03d}" for i in range(50)]
    shards = tmp_path / "shards"
    write_shard(shards, hashes[:30], x[:30])
    write_shard(shards, hashes[30:], x[30:])
    (shards / "broken.parquet").write_bytes(b"not parquet")  # a killed writer's
    store = Store(tmp_path / "db.duckdb")
    try:
        assert store.add_shards("m", shards) == 2
        assert store.add_shards("m", shards) == 2  # again: nothing doubled
        assert store.known_hashes("m", [*hashes[:3], "zzz"]) == set(hashes[:3])
        assert store.known_hashes("other model", hashes) == set()
        wanted = [hashes[7], hashes[40], hashes[7], hashes[0]]
        got = aligned_file(store, "m", wanted, tmp_path / "aligned.f32")
        assert np.array_equal(got[:], x[[7, 40, 7, 0]])
        with pytest.raises(Exception, match="lacks 1 vectors"):
            aligned_file(store, "m", ["nope", hashes[1]], tmp_path / "missing.f32")
    finally:
        store.close()


def test_every_kind_of_index_reads_numpys_rows(tmp_path: Path) -> None:
    """Rows are read with pread, a run of consecutive rows at a time: any index numpy
    takes gives numpy's rows, and the view's index composes with it."""
    x = _unit(300)
    vf = _file(tmp_path, x)
    rng = np.random.default_rng(3)
    scattered = rng.integers(0, 300, 500)  # unsorted, with repeats
    mask = rng.random(300) < 0.3
    for key in (
        scattered,
        mask,
        [299, 0, 1, 2, 150],
        slice(290, 400),
        slice(10, 2),
        slice(None, None, 7),
        -1,
        np.int64(7),
        [-3, -1],
    ):
        assert np.array_equal(vf[key], x[key]), key
    assert vf[slice(10, 2)].shape == (0, 16)
    with pytest.raises(IndexError):
        vf[[300]]
    view = vf.subset(scattered)
    assert np.array_equal(view[10:40], x[scattered[10:40]])


def test_scattered_rows_do_not_bring_their_neighbours_into_memory(tmp_path: Path) -> None:
    """A mapping of the file brought 64 KB around every row read into the process (the
    kernel's fault-around): a sample of rows scattered over a big file took most of it."""
    rows, dim = 40_000, 384  # 61 MB
    vf = VectorFile.create(tmp_path / "big.f32", rows, dim)
    vf.write(np.arange(rows), np.ones((rows, dim), dtype=np.float32))
    picked = np.arange(0, rows, 40)  # 1,000 rows, one every 60 KB

    def status_kib(field: str) -> int:
        return int(Path("/proc/self/status").read_text().split(f"{field}:")[1].split()[0])

    Path("/proc/self/clear_refs").write_text("5")  # the peak (VmHWM) restarts from now
    before = status_kib("VmRSS")
    got = vf[picked]
    assert got.shape == (1000, dim) and float(got.sum()) == 1000 * dim
    assert status_kib("VmHWM") - before < 8 * 1024  # not tens of MB of the file mapped


def test_shards_go_in_under_a_low_memory_limit_or_the_normal_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache is filled with DuckDB held to SCAN_MEMORY; where that limit is too low
    for an insert, the rest go in at MEMORY_LIMIT instead of failing; the limit is the
    normal one afterwards either way. ``known_keys`` answers for sorted S64 keys."""
    import duckdb

    from personas.engine.ray import write_shard
    from personas.output import store as store_module

    x = _unit(20, dim=8)
    hashes = [f"{i:064x}" for i in range(20)]
    shards = tmp_path / "shards"
    write_shard(shards, hashes[:10], x[:10])
    write_shard(shards, hashes[10:], x[10:])
    store = Store(tmp_path / "db.duckdb")
    real = store.con
    limits: list[str] = []

    class Tight:  # the low limit refuses every insert, as a too-small limit would
        def execute(self, sql: str, params: object = None) -> object:
            if sql.startswith("SET memory_limit"):
                limits.append(sql.split("'")[1])
            elif sql.startswith("INSERT") and limits[-1] == store_module.SCAN_MEMORY:
                raise duckdb.OutOfMemoryException("could not allocate")
            return real.execute(sql, params) if params is not None else real.execute(sql)

        def __getattr__(self, name: str) -> object:
            return getattr(real, name)

    try:
        store.con = Tight()  # type: ignore[assignment]
        assert store.add_shards("m", shards) == 2
        assert limits[0] == store_module.SCAN_MEMORY and limits[-1] == store_module.MEMORY_LIMIT
        assert store_module.SCAN_MEMORY not in limits[2:]  # once refused, not tried again
        store.con = real
        keys = np.array(sorted([hashes[3], hashes[15], "f" * 64]), dtype="S64")
        assert store.known_keys("m", keys).tolist() == [True, True, False]
        assert store.known_keys("m", keys[:0]).tolist() == []
    finally:
        store.con = real
        store.close()
