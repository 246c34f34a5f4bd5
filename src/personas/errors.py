"""One exception family for every mistake a user can make.

The CLI turns a ``PersonasError`` into one ``Error: ...`` line on stderr and a
non-zero exit. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations


class PersonasError(Exception):
    """A problem the user can fix; the message says what and where."""


class InputError(PersonasError):
    """The input folder or a file in it cannot be used."""


class NoUsableInput(InputError):
    """Nothing usable remains after skipping what could not be read."""


class ConfigError(PersonasError):
    """personas.toml (or --config) is invalid; the message names the key."""


class OutputError(PersonasError):
    """The output folder cannot be written, or is not a personas output."""
