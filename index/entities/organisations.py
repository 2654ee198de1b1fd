"""Organisations an article names: companies, unions, parties, institutions, media.

spaCy's ORG spans are the start. The rules here fix their boundaries ("le ministère de
l'Intérieur", not "l'Intérieur"; "la CGT" -> "CGT"; a line break or a person glued at
the end cut off), take LOC, MISC and PER spans that the words or the text around them
say are organisations ("Université Notre-Dame", "le parquet de Paris", "Iteka, une
association"), reject what is no organisation (a share bar, an abbreviation of a common
noun, a treaty or an event, a person's name), and hand the mentions to org_merges.py,
which joins an acronym to its long form ("l'Organisation du traité de l'Atlantique nord
(OTAN)") and shorter mentions to the full name; `resolve_acronyms` does the same across
the archive, and org_archive.py gives each body one facet value. The cleaning of one span
is the rule table in org_rules.py (its newer rules in org_fixes.py, the ministries in
org_ministries.py), the words are in org_words.py and org_classes.py (what a name's head
says it is besides a body), the context rules in org_context.py. A one-word name that is
the surname of a person of the article, with nothing around it saying company, is that
person ("Bolsonaro" beside "Jair Bolsonaro"; not "Bugatti" in "la Bugatti Chiron").
bench/eval_entities.py measures it; bench/org_values.py lists an index's values to judge.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence

from ..article import Organisation
from ..text import fold
from .org_context import article_before, dangling_place, unlabelled, with_article
from .org_merges import acronym_links, merge_organisations, resolve_acronyms
from .org_ministries import ministries
from .org_names import known_body
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


def find_organisations(text: str, spans: Sequence[Span], persons: Iterable[tuple[int, int]] = (),
                       forbids: Callable[[str, str], bool] | None = None) -> list[Organisation]:
    """The article's organisations, each once with its mentions, most mentioned first (`forbids`: the alias file's splits)."""
    persons = list(persons)
    organisations = merge_organisations(text, organisation_mentions(text, spans, persons), forbids)
    surnames = {fold(text[s:e]).split()[-1] for s, e in persons if len(text[s:e].split()) > 1}
    return [o for o in organisations if not _surname_alone(o, text, surnames)]


# What says a name is a company's, not a person's: an article or a preposition of places
# ("la Bugatti", "chez Porsche"), a maker's or a brand's noun ("le constructeur Bugatti"),
# or a model's name or number after it ("Bugatti Chiron", "Porsche 911").
_COMPANY_BEFORE = re.compile(
    r"(?:^|[\s(])(?:[Ll]es?|[Ll]a|[Ll]['’]|du|des|au|aux|chez|[a-zé]+eur|marque|groupe|firme|maison|société|écurie|modèle|[Uu]ne?)\s?$"
)
_MODEL_AFTER = re.compile(r" [A-Z0-9]")


def _surname_alone(organisation: Organisation, text: str, surnames: set[str]) -> bool:
    """True for "Bolsonaro" beside "Jair Bolsonaro": one word, the surname of a person the article names, and nothing
    around any of its mentions saying company (`_COMPANY_BEFORE`, `_MODEL_AFTER`)."""
    name = organisation.name
    if " " in name or is_acronym(name) or fold(name) not in surnames or known_body(name):
        return False
    at = text.find(name)
    while at >= 0:  # every mention of the name as a word (str.find: no regex compiled per name)
        end = at + len(name)
        whole = not (at and (text[at - 1].isalnum() or text[at - 1] == "-")) and not (end < len(text) and (text[end].isalnum() or text[end] == "-"))
        if whole and (_COMPANY_BEFORE.search(text, max(0, at - 15), at) or _MODEL_AFTER.match(text, end)):
            return False
        at = text.find(name, at + 1)
    return True
