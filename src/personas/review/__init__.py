"""Review personas in the browser: reviewed edits kept in ``personas.toml`` and applied
by the next build (``edits``: the types; ``store``: reading and writing them;
``apply``: what a build does with them; ``server``: the ``personas review`` page)."""
