"""Organisations an article names: companies, unions, parties, institutions, media.

spaCy's ORG spans are the start. The rules here fix their boundaries ("le ministère de
l'Intérieur", not "l'Intérieur"; "la CGT" -> "CGT"; a line break or a person glued at
the end cut off), take LOC, MISC and PER spans that the words or the text around them
say are organisations ("Université Notre-Dame", "le parquet de Paris", "Iteka, une
association"), reject what is no organisation (a share bar, an abbreviation of a common
noun, a treaty or an event, a person's name), and hand the mentions to org_merges.py,
which joins an acronym to its long form ("l'Organisation du traité de l'Atlantique nord
(OTAN)") and shorter mentions to the full name; `resolve_acronyms` does the same across
the archive. The cleaning of one span is the rule table in org_rules.py, the words are
in org_words.py, the context rules in org_context.py.
bench/eval_entities.py measures it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from ..article import Organisation
from ..text import fold
from .org_context import article_before, dangling_place, ministries, unlabelled, with_article
from .org_merges import acronym_links, merge_organisations, resolve_acronyms
from .org_rules import clean_mention, looks_like_organisation
from .org_words import OrgMention, Span, has_organisation_head, is_acronym, organisation_words

__all__ = [
    "OrgMention", "acronym_links", "find_organisations", "has_organisation_head", "is_acronym", "merge_organisations", "organisation_mentions",
    "organisation_words", "resolve_acronyms",
]


def organisation_mentions(text: str, spans: Sequence[Span], persons: Iterable[tuple[int, int]] = ()) -> list[OrgMention]:
    """The article's organisation mentions, from NER spans over `text`.

    `persons` are the (start, end) ranges the person rules kept: a span inside one is a
    person ("Laurent Berger"), and one starting inside an organisation span cuts it
    ("Justice de Dilma Rousseff" -> "Justice").
    """
    person_ranges = list(persons)
    votes: dict[str, Counter] = {}
    for _, _, label, surface in spans:
        votes.setdefault(fold(surface), Counter())[label] += 1
    found: list[OrgMention] = []
    places = {s: e for s, e, label, _ in spans if label == "LOC"}
    for start, end, label, _ in spans:
        if any(ps <= start and end <= pe for ps, pe in person_ranges) or label not in ("ORG", "LOC", "MISC", "PER"):
            continue
        end = dangling_place(text, end, places) if label in ("ORG", "MISC") else end
        for part_start, part_end in _parts(text, start, end):  # "Renault - Nissan": two companies
            mention = clean_mention(text, part_start, part_end, label, votes, person_ranges)
            if mention:
                found.append(mention)
    taken = [(m.start, m.end) for m in found] + [(s, e) for s, e, _, _ in spans] + person_ranges
    for start, end, name in unlabelled(text):
        if not any(s < end and start < e for s, e in taken) and looks_like_organisation(name, text, "ORG"):
            forms = [name, " ".join(text[start:end].split())]
            article = article_before(text, start)
            if article:  # "l'armée irakienne": the form with its article, as written
                forms.append(with_article(article.group(1), name))
            found.append(OrgMention(name, forms, start, end))
    for mention in ministries(text):
        if not any(s < mention.end and mention.start < e for s, e in taken):
            found.append(mention)
    return found


_SPACED_DASH = re.compile(r"\s+[-–—]\s+")


def _parts(text: str, start: int, end: int) -> list[tuple[int, int]]:
    parts, begin = [], start
    for match in _SPACED_DASH.finditer(text, start, end):
        parts.append((begin, match.start()))
        begin = match.end()
    return [*parts, (begin, end)]


def find_organisations(text: str, spans: Sequence[Span], persons: Iterable[tuple[int, int]] = ()) -> list[Organisation]:
    """The article's organisations, each once with its mentions, most mentioned first."""
    return merge_organisations(text, organisation_mentions(text, spans, persons))
