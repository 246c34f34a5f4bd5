"""Embedding vectors kept in a file, read a block of rows at a time.

A million statements' vectors are 1.5 GB of float32: more than the rest of a
build's driver together. The Ray engine leaves them on disk (``VectorFile``,
written once from the embedding cache) and every stage reads the rows it needs:
a theme's members, a sample, or fixed blocks of ``BLOCK`` rows for a pass over
everyone. Rows are read with ``pread`` into the array returned, so the rows
read are the only ones in memory: a mapping of the file brought 64 KB around
every row read into the process (the kernel's fault-around), 1.3 GB for a
sample of 20,000 rows scattered over a million. The local engine keeps an ndarray; both go
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
        if isinstance(key, int | np.integer):
            return self._rows(np.array([key], dtype=np.int64))[0]
        if isinstance(key, slice):
            start, stop, step = key.indices(self.rows)
            if step == 1:
                out = np.empty((max(stop - start, 0), self.dim), dtype=np.float32)
                if len(out):
                    self._read(out, start)
                return out
        return self._rows(np.arange(self.rows, dtype=np.int64)[key])

    def _rows(self, rows: np.ndarray) -> np.ndarray:
        """The vectors of ``rows`` (any order, repeats allowed; negative from the end),
        read a run of consecutive rows at a time."""
        rows = np.where(rows < 0, rows + self.rows, rows)
        if len(rows) and (rows.min() < 0 or rows.max() >= self.rows):
            raise IndexError(f"row out of range for {self.rows} vectors")
        distinct, where = np.unique(rows, return_inverse=True)
        found = np.empty((len(distinct), self.dim), dtype=np.float32)
        breaks = np.flatnonzero(np.diff(distinct) != 1) + 1
        for a, b in zip([0, *breaks.tolist()], [*breaks.tolist(), len(distinct)], strict=True):
            if b > a:
                self._read(found[a:b], int(distinct[a]))
        return found[where.reshape(-1)]

    def _read(self, out: np.ndarray, row: int) -> None:
        """Fill the contiguous ``out`` with the rows from ``row`` on."""
        view = memoryview(out.data).cast("B")
        offset, done = row * self.dim * 4, 0
        fd = os.open(self.path, os.O_RDONLY)
        try:
            while done < len(view):
                n = os.preadv(fd, [view[done:]], offset + done)
                if n == 0:
                    raise OSError(f"{self.path}: ends before row {row + len(out)}")
                done += n
        finally:
            os.close(fd)

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
