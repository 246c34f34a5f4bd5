"""Salted hashes of respondent keys, for sharing ``assignments.csv`` with partners.

``personas build --hash-keys`` writes ``h-`` + hex(HMAC-SHA256(salt, key)) in
place of each raw key (``email:jane@example.org``, ``id:10423``). A partner who
holds the same salt hashes their own keys the same way and joins on the
result; without the salt the hashes cannot be reversed by guessing emails.

The salt comes from ``--salt`` or the ``PERSONAS_SALT`` environment variable.
Without one, a salt is derived from the inputs (their hashes and every
respondent key, so it cannot be recomputed from the outputs) and written to
``OUT/salt.txt``: the same inputs give the same salt, so the same bytes, and
the file is there to hand to the partner separately. Never share it together
with the outputs. A salt the user gave is never written anywhere.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterable
from pathlib import Path

SALT_ENV = "PERSONAS_SALT"
PREFIX = "h-"


def hash_key(salt: str, key: str) -> str:
    """The shared form of one respondent key: ``h-`` + hex HMAC-SHA256 keyed by the salt."""
    return PREFIX + hmac.new(salt.encode("utf-8"), key.encode("utf-8"), hashlib.sha256).hexdigest()


def derived_salt(input_hashes: Iterable[str], respondent_keys: Iterable[str]) -> str:
    """A salt nobody can recompute without every respondent key (run.json lists only
    the input hashes)."""
    material = "\x1f".join(sorted(input_hashes)) + "\x1e" + "\x1f".join(sorted(respondent_keys))
    return hashlib.sha256(b"personas salt\x00" + material.encode("utf-8")).hexdigest()[:32]


def key_writer(
    salt_path: Path,
    hash_keys: bool,
    salt: str | None,
    input_hashes: Iterable[str],
    respondent_keys: Iterable[str],
) -> Callable[[str], str]:
    """How ``assignments.csv`` writes a key: raw, or salted-hashed. Writes or removes
    ``salt_path`` (``OUT/salt.txt``, named by ``personas.output.folder``) so the folder
    never keeps a salt from an earlier build."""
    if not hash_keys:
        salt_path.unlink(missing_ok=True)
        return lambda key: key
    if salt is None:
        salt = derived_salt(input_hashes, respondent_keys)
        salt_path.write_text(salt + "\n", encoding="utf-8")
    else:
        salt_path.unlink(missing_ok=True)
    chosen = salt
    return lambda key: hash_key(chosen, key)
