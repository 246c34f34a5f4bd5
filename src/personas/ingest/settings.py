"""``personas init``: what ingest inferred, written as a commented ``personas.toml``.

Every source gets its kind and every column its role, each with the reason as a
comment, so a user corrects a wrong guess by editing one value. The text is
valid TOML that :func:`personas.config.load_config` reads back unchanged.
"""

from __future__ import annotations

import json
from typing import get_args

from personas.models import ColumnRole, ColumnRoleName, RowIssue, Source, SourceKind

_HEADER = """\
# personas.toml: what `personas init` inferred from this folder.
# Correct any kind or column role below; delete a line to let personas decide again.
# `personas inspect {folder}` shows what a build reads with these settings.
#
# kinds: {kinds}
# column roles: {roles}

seed = 42
# personas = 4            # force the number of personas (default: chosen from k_min..k_max)
# strict = true           # any skipped row or unreadable file stops the build
"""


def config_text(
    folder: str, sources: list[Source], roles: list[ColumnRole], ignored: list[RowIssue]
) -> str:
    """The commented TOML text for these sources and roles."""
    lines = [
        _HEADER.format(
            folder=folder,
            kinds=" | ".join(get_args(SourceKind)),
            roles=", ".join(get_args(ColumnRoleName)),
        )
    ]
    if ignored:
        lines.append("# files not read:")
        lines += [f"#   {_one_line(i.source)}: {_one_line(i.reason)}" for i in ignored]
        lines.append("")
    by_source: dict[str, list[ColumnRole]] = {}
    for role in roles:
        by_source.setdefault(role.source, []).append(role)
    for source in sources:
        key = _quote(source.path)
        lines.append(f"[sources.{key}]")
        lines.append(f"kind = {_quote(source.kind)}  # {_one_line(source.reason)}")
        lines.append("# skip = true")
        columns = by_source.get(source.path, [])
        if columns:
            lines.append("")
            lines.append(f"[sources.{key}.columns]")
            for role in columns:
                why = f"{role.confidence:.2f}: {_one_line(role.reason)}"
                lines.append(f"{_quote(role.column)} = {_quote(role.role)}  # {why}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _quote(text: str) -> str:
    """A TOML basic string (JSON's escapes are valid TOML escapes)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _one_line(text: str) -> str:
    return " ".join(text.split())
