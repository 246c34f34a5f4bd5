"""Embedding vectors kept in a file, read a block of rows at a time.

A million statements' vectors are 1.5 GB of float32: more than the rest of a
build's driver together. The Ray engine leaves them on disk (``VectorFile``,
written once from the embedding cache) and every stage reads the rows it needs:
a theme's members, a sample, or fixed blocks of ``BLOCK`` rows for a pass over
everyone. Each read maps the file, copies the rows and unmaps it, so the rows
read are the only ones in memory. The local engine keeps an ndarray; both go
through the helpers below, which take either and read in the same blocks, so
the two engines compute the very same numbers (BLAS can round a row's dot
product differently in a block of another size).
"""

from __future__ import annotations

import contextlib
import os
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

BLOCK = 8192  # rows per block of a pass over many rows


class VectorFile:
    """A (rows, dim) float32 matrix in a file, or a view on some of its rows.

    Supports ``len``, ``shape``, ``dtype``, ``size`` and ``v[rows]`` (an int, a
    slice, a list or an integer array), which returns an in-memory copy; not
    arithmetic on the whole. ``create`` makes a file that is removed when the
    last object using it goes away."""

    def __init__(self, path: Path, rows: int, dim: int, index: np.ndarray | None = None) -> None:
        self.path = path
        self.rows = rows
        self.dim = dim
        self.index = index  # the rows of the file this view shows, or None for all
        self.dtype = np.dtype(np.float32)
        self._root: VectorFile | None = None  # a view keeps the file's owner (and file) alive

    @classmethod
    def create(cls, path: Path, rows: int, dim: int) -> VectorFile:
        """An all-zero file of ``rows`` vectors at ``path``, removed with the object."""
        with path.open("wb") as f:
            f.truncate(rows * dim * 4)
        out = cls(path, rows, dim)
        weakref.finalize(out, _remove, path)
        return out

    def __len__(self) -> int:
        return self.rows if self.index is None else len(self.index)

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self), self.dim)

    @property
    def size(self) -> int:
        return len(self) * self.dim

    def subset(self, rows: np.ndarray) -> VectorFile:
        """A view on ``rows`` of this one, nothing read."""
        rows = np.asarray(rows, dtype=np.int64)
        view = VectorFile(
            self.path, self.rows, self.dim, rows if self.index is None else self.index[rows]
        )
        view._root = self._root or self
        return view

    def __getitem__(self, key: Any) -> np.ndarray:
        if self.index is not None:
            key = self.index[key]
        if len(self) == 0 or self.rows == 0:
            return np.zeros((0, self.dim), dtype=np.float32)[key]
        mapped = np.memmap(self.path, dtype=np.float32, mode="r", shape=(self.rows, self.dim))
        try:
            return np.array(mapped[key], dtype=np.float32)
        finally:
            del mapped  # unmapped: the pages read leave this process

    def write(self, rows: np.ndarray, vectors: np.ndarray) -> None:
        """Put ``vectors`` at ``rows`` of the file, a row a write: rows scattered over a
        mapped file would each bring a page of it into this process until unmapped."""
        data = np.ascontiguousarray(vectors, dtype=np.float32)
        size = self.dim * 4
        fd = os.open(self.path, os.O_WRONLY)
        try:
            for j, row in enumerate(np.asarray(rows).tolist()):
                os.pwrite(fd, data[j], row * size)
        finally:
            os.close(fd)


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


Vectors = np.ndarray | VectorFile


def take(vectors: Vectors, rows: np.ndarray) -> Vectors:
    """``vectors[rows]``: a copy of an ndarray's rows, a view on a file's (read later)."""
    if isinstance(vectors, VectorFile):
        return vectors.subset(rows)
    return vectors[rows]


def blocks(vectors: Vectors, rows: np.ndarray | None = None) -> Iterator[np.ndarray]:
    """The rows (all, or ``rows`` in order) in blocks of ``BLOCK``, each in memory."""
    n = len(vectors) if rows is None else len(rows)
    for start in range(0, n, BLOCK):
        part = slice(start, start + BLOCK)
        yield vectors[part] if rows is None else vectors[rows[part]]


def mean_rows(vectors: Vectors, rows: np.ndarray | list[int]) -> np.ndarray:
    """``vectors[rows].mean(axis=0)``, bit for bit, without the rows in memory at once:
    numpy sums a C-ordered matrix down its rows one after another, so carrying the
    running sum into the next block as its first row keeps the very same order."""
    rows = np.asarray(rows, dtype=np.int64)
    total: np.ndarray | None = None
    for block in blocks(vectors, rows):
        total = block.sum(axis=0) if total is None else np.vstack([total, block]).sum(axis=0)
    if total is None:
        return np.full(vectors.shape[1], np.nan, dtype=np.float32)
    return total / len(rows)


def dot_rows(vectors: Vectors, rows: np.ndarray | list[int], centre: np.ndarray) -> np.ndarray:
    """``vectors[rows] @ centre``, a block of ``BLOCK`` rows at a time."""
    rows = np.asarray(rows, dtype=np.int64)
    parts = [block @ centre for block in blocks(vectors, rows)]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)
