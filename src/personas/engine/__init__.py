"""Where a build's per-statement work runs: this process (``local``) or a Ray cluster (``ray``).

The pipeline asks an engine for the heavy middle of a build (prepare, embed)
and keeps everything else; see ``personas.engine.local`` and ``personas.engine.ray``.
"""
