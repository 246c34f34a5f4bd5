"""Questions that span several columns: matrix and "check all that apply" questions.

SurveyMonkey writes such a question as one column per row label or option, with
the question in the first header row and the label in the second. Typeform
writes a multiple-selection question as one column per choice under a single
header row: the header is the choice's label, and a cell holds that label when
the respondent chose it (empty otherwise). Roles keep them together: each
column's role names its question (``ColumnRole.group``), and option columns of a
multi-select question are read back into one list.
"""

from __future__ import annotations

import re

from personas.ingest.profile import Profile
from personas.models import SourceKind

Groups = dict[str, tuple[str, bool]]  # column name -> (question, is a multi-select option)

_QUESTION_WORD = re.compile(
    r"^(what|which|how|why|where|when|who|whom|whose|do|does|did|are|is|was|were|have|has"
    r"|would|could|will|can|should)\b",
    re.IGNORECASE,
)
_REPEAT = re.compile(r" \(\d+\)$")  # "Other (2)": the reader's name for a repeated header
_SHOWN = 3  # option labels named in a group's fallback name


def question_groups(profiles: list[Profile], kind: SourceKind | None = None) -> Groups:
    """Columns of one multi-column question: column name -> (question, is a multi-select option).

    SurveyMonkey's two-row headers are grouped whatever the source's kind (the layout
    itself says so). Typeform-style option columns (:func:`option_runs`) only in
    surveys: in a review, order or support export a column that repeats its own
    header ("Verified", "Gift") is a flag about one row, not a choice a person made.
    """
    out = _two_row_groups(profiles)
    if kind == "survey":
        taken = {question for question, _ in out.values()}
        for name, (question, option) in option_runs(profiles, taken).items():
            out.setdefault(name, (question, option))
    return out


def _two_row_groups(profiles: list[Profile]) -> Groups:
    """SurveyMonkey: the question above the columns, the row label / option below.

    When every answer in a column is that column's own label, the column is a
    multi-select option.
    """
    by_question: dict[str, list[Profile]] = {}
    for p in profiles:
        if p.column.sub and p.column.sub.lower() not in ("response", "open-ended response"):
            by_question.setdefault(p.column.question, []).append(p)
    out: Groups = {}
    for question, members in by_question.items():
        if len(members) < 2 or not question:
            continue
        for p in members:
            label = p.column.sub.strip().lower()
            option = bool(p.values) and all(v.strip().lower() == label for v in p.sample)
            out[p.column.name] = (question, option)
    return out


def option_runs(profiles: list[Profile], taken: set[str] | None = None) -> Groups:
    """Typeform-style multi-select questions: runs of adjacent one-header option columns.

    A column is an option when it has answers and every sampled answer is its own
    header (case and spacing aside; a repeated header's " (2)" suffix too). A run
    needs at least two such columns side by side: one column that repeats its header
    ("Subscribed" holding "Subscribed") is a yes/no flag and stays on its own. A
    column with no answers in the sample inside a run is an option nobody chose;
    at the ends of a run it is left out, as nothing ties it to the run. Typeform
    gives the "Other" choice a column of free text after the options; it does not
    repeat its header, so it is not an option and keeps its own role.

    The run is named by the column right before it when that column reads as a
    question (ends with "?" or starts with a question word) and has no answers of
    its own: an export that writes the question as a header-only column above its
    choices. A question column *with* answers is a different question, and one
    further back with other columns between is too loosely tied to trust, so
    otherwise the name is built from the options ("Choices: Hiking / Camping /
    Climbing…"): it is what the respondent saw, never a guess at wording the file
    does not hold. ``taken`` holds names already used (SurveyMonkey questions), so a
    run never shares one with another question and their answers never merge.
    """
    used = set(taken or ())
    out: Groups = {}
    for start, end in _runs(profiles):
        members = profiles[start:end]
        before = profiles[start - 1] if start > 0 else None
        if before is not None and not before.values and _reads_as_question(before):
            name = _unique(before.column.question.strip() or before.column.name, used)
            out[before.column.name] = (name, False)
        else:
            name = _unique(_options_name([p for p in members if p.values]), used)
        out.update((p.column.name, (name, True)) for p in members)
    return out


def _runs(profiles: list[Profile]) -> list[tuple[int, int]]:
    """(start, end) of each run of >= 2 option columns, empty columns between them allowed."""
    runs: list[tuple[int, int]] = []
    start: int | None = None
    last = -1  # index of the latest option column of the open run
    for i, p in enumerate([*profiles, None]):
        if p is not None and _is_option(p):
            start = i if start is None else start
            last = i
        elif p is not None and start is not None and _is_unchosen(p):
            continue
        else:
            if start is not None and sum(_is_option(q) for q in profiles[start : last + 1]) >= 2:
                runs.append((start, last + 1))
            start = None
    return runs


def _is_option(p: Profile) -> bool:
    """Answers that are all the column's own header: a choice that was ticked."""
    if p.column.sub or p.column.multi or not p.values:
        return False
    labels = {_plain(p.column.question), _plain(_REPEAT.sub("", p.column.name))}
    if not any(re.search(r"[^\W\d_]", label) for label in labels):
        return False  # "1", "2": scores or counts, not labels
    return all(_plain(v) in labels for v in p.sample)


def _is_unchosen(p: Profile) -> bool:
    """A one-header column without answers that is not itself a question."""
    return not p.values and not p.column.sub and not _reads_as_question(p)


def _reads_as_question(p: Profile) -> bool:
    header = (p.column.question or p.column.name).strip()
    return header.endswith("?") or bool(_QUESTION_WORD.match(header))


def _plain(text: str) -> str:
    return " ".join(text.lower().split())


def _options_name(members: list[Profile]) -> str:
    labels = [_REPEAT.sub("", p.column.name).strip() for p in members]
    shown = " / ".join(labels[:_SHOWN])
    return f"Choices: {shown}{'…' if len(labels) > _SHOWN else ''}"


def _unique(name: str, used: set[str]) -> str:
    candidate, n = name, 1
    while candidate in used:
        n += 1
        candidate = f"{name} ({n})"
    used.add(candidate)
    return candidate
