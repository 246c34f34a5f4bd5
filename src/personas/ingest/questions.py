"""Questions that span several columns: SurveyMonkey matrix and "check all that apply" questions.

SurveyMonkey writes such a question as one column per row label or option, with
the question in the first header row and the label in the second. Roles keep
them together: each column's role names its question (``ColumnRole.group``),
and option columns of a multi-select question are read back into one list.
"""

from __future__ import annotations

from personas.ingest.profile import Profile


def question_groups(profiles: list[Profile]) -> dict[str, tuple[str, bool]]:
    """Columns of one multi-column question: column name -> (question, is a multi-select option).

    SurveyMonkey writes a matrix or "check all that apply" question as one column
    per row label / option, the question above them and the label below. When every
    answer in a column is that column's own label, the column is a multi-select option.
    """
    by_question: dict[str, list[Profile]] = {}
    for p in profiles:
        if p.column.sub and p.column.sub.lower() not in ("response", "open-ended response"):
            by_question.setdefault(p.column.question, []).append(p)
    out: dict[str, tuple[str, bool]] = {}
    for question, members in by_question.items():
        if len(members) < 2 or not question:
            continue
        for p in members:
            label = p.column.sub.strip().lower()
            option = bool(p.values) and all(v.strip().lower() == label for v in p.sample)
            out[p.column.name] = (question, option)
    return out
