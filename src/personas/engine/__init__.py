"""Where a build's per-statement work runs: this process (``local``) or a Ray cluster (``ray``).

The pipeline asks an engine for the heavy, per-text part of a build, preparing
(the spaCy pass), embedding and giving every statement its nearest theme once
the themes are fitted, and keeps the rest: both engines hand back the same
``PrepareResult``, ``Embeddings`` and theme labels, so everything else is shared.
See ``personas.engine.local`` and ``personas.engine.ray``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import numpy as np

    from personas.config import Config
    from personas.output.store import Store
    from personas.understand.embed import Embeddings
    from personas.understand.prepare import PrepareResult
    from personas.understand.vectorfile import Vectors

Advance = Callable[[int], None] | None


class Engine(Protocol):
    """Prepares, embeds and assigns themes; the pipeline does everything else."""

    name: str

    def prepare(self, records: Any, progress: Advance = None) -> tuple[PrepareResult, str]:
        """Statements of every text of ``records`` and the spaCy pipeline's name."""
        ...

    def embed(
        self, ids: Sequence[str], texts: Sequence[str], store: Store, progress: Advance = None
    ) -> Embeddings:
        """Vectors for ``texts`` (aligned with ``ids``), from the store's cache where possible."""
        ...

    def nearest_themes(self, vectors: Vectors, centres: np.ndarray) -> np.ndarray:
        """Each vector's nearest theme centre, -1 for none (``clusters.nearest_themes``)."""
        ...


@contextmanager
def open_engine(config: Config, out_dir: Path) -> Iterator[Engine]:
    """The engine ``config.engine`` names, ready for work; a Ray cluster this
    started is shut down when the block ends, and the embedding model this process
    loaded is let go (``embed.release_model``): no stage after the engine's needs it."""
    from personas.understand.embed import release_model

    try:
        if config.engine == "ray":
            from personas.engine.ray import RayEngine, ray_session

            with ray_session(config.ray_address) as workers:
                yield RayEngine(out_dir=out_dir, device=config.device, workers=workers)
        else:
            from personas.engine.local import LocalEngine

            yield LocalEngine(device=config.device)
    finally:
        release_model()
