"""Features in words, for a persona and for one customer.

A build describes how a persona differs from everyone else ("complains more than
others about “delivery charges”", ``describe_feature``); real-time assignment
gives the reasons a customer got a persona with their own values ("complains
about “delivery charges”", "age 67", ``describe_value``). Both name a feature
the same way (``theme_words``, ``words``), so a persona page and an assignment
never call one theme or column two things.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from personas.segment.features import Profile


class Labelled(Protocol):
    """A theme as the build has it (``models.Theme``) or as a bundle keeps it."""

    @property
    def kind(self) -> str: ...

    @property
    def label(self) -> str: ...


def words(name: str) -> str:
    """A column or attribute name as prose: ``order_count`` reads "order count"."""
    return name.replace("_", " ")


def theme_words(theme_id: str, themes: Mapping[str, Labelled]) -> tuple[str, str]:
    """How people voicing a theme are said to speak ("complains" for a pain point,
    "talks" otherwise) and the theme's label in running text; an unknown theme is
    named by its id."""
    theme = themes.get(theme_id)
    label = theme.label.lower() if theme else theme_id
    verb = {"pain": "complains", "motivation": "talks", "goal": "talks"}.get(
        theme.kind if theme else "", "talks"
    )
    return verb, label


def describe_feature(feature: str, themes: Mapping[str, Labelled]) -> str:
    """A distinctive feature of a segment (``"age +0.80"``) as a persona reads it."""
    name, _, effect = feature.rpartition(" ")
    more = effect.startswith("+")
    if name.startswith("theme:"):
        verb, label = theme_words(name[6:], themes)
        return f"{verb} {'more' if more else 'less'} than others about “{label}”"
    if name == "tone":
        return (
            "praises more than others (more motivations than pain points)"
            if more
            else "complains more than others (more pain points than motivations)"
        )
    if "=" in name:
        attr, _, level = name.partition("=")
        if attr == "products":
            return f"buy {level} {'more' if more else 'less'} often than others"
        return f"{'more' if more else 'less'} often {words(attr)}: {level}"
    return f"{'higher' if more else 'lower'} {words(name)} than others"


def describe_value(name: str, themes: Mapping[str, Labelled], profile: Profile) -> str:
    """A feature group (a number, an attribute or ``theme:<id>``) with one customer's
    own value: "complains about “delivery charges”", "age 67", "device: Mobile"."""
    if name.startswith("theme:"):
        verb, label = theme_words(name[6:], themes)
        return f"{verb} about “{label}”"
    if name in profile.numbers:
        value = profile.numbers[name]
        shown = f"{value:,.0f}" if abs(value) >= 10 else f"{value:,.2f}".rstrip("0").rstrip(".")
        return f"{words(name)} {shown}"
    if name in profile.attributes:
        return f"{words(name)}: {profile.attributes[name]}"
    return words(name)
