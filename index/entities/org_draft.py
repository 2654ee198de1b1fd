"""A span being cleaned into an organisation mention, and the shape of a cleaning rule (org_rules.py runs them)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from .org_words import OrgMention


@dataclass(frozen=True)
class Draft:
    """A mention being cleaned: where it is, its name and forms so far, what says it is an organisation."""

    text: str
    start: int
    end: int
    label: str  # the model's: ORG, LOC, MISC or PER
    votes: Mapping[str, Counter]  # the labels the model gave each folded surface in the article
    persons: Sequence[tuple[int, int]]  # the (start, end) ranges the person rules kept
    surface: str  # the span as the boundary rules cut it
    name: str = ""
    forms: tuple[str, ...] = ()
    body: bool = False  # the span was a place and the mention is now the body before it
    evidence: bool = False  # the label, the model's votes or the words around say organisation


Outcome = Draft | OrgMention | None  # go on with the rules; a finished mention; no organisation


@dataclass(frozen=True)
class Rewrite:
    """One cleaning rule: `apply` rewrites the draft, finishes the mention, or drops it (None)."""

    name: str
    apply: Callable[[Draft], Outcome]
    example_in: str  # the sentence that motivated the rule, the span in [brackets]
    example_out: str | None  # the name the whole cleaning gives it; None: not an organisation
    why: str
    label: str = "ORG"  # the model's label on the example span
    example_form: str | None = None  # a form the example's mention has, for the rules that add forms
