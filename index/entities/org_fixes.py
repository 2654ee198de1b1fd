"""The cleaning rules that complete a name the model cut short, or drop a span that names no body.

The functions of org_rules.RULES beside the boundary and naming rules there; each rule
fixes a class of spans (the classes are in org_classes.py), and its example is in the
table. A span is no body when its head is a holiday, a tax, an index, a law, an event,
a building or a place, or only function words; when it is a place's name ("place de
l'[Opéra]"), a portfolio alone ("[Comptes publics]"), a group on a network ("un groupe
[Facebook]"), a maker named by its town ("le constructeur de [Stuttgart]"), the State
as a place ("organisation de l'[État]"), an acronym the article spells out as a thing
("véhicules blindés à roues de la gendarmerie ([VBRG])"), or the holder of a role ("le
directeur général de l'OMS, [Tedros Adhanom Ghebreyesus]"). A generic head is completed
from the words after it ("[Centre] d'analyse du terrorisme"), and a long form the
model stopped at "et" is completed up to its acronym ("[Fédération du commerce] et de
la distribution (FCD)").
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..text import fold
from .countries import is_place_name
from .org_classes import (
    PLACE_HEADS_BEFORE,
    PLATFORM_PLACES,
    PLATFORMS,
    complement_after,
    is_bare_head,
    is_portfolio,
    not_body_kind,
    spelled_as_thing,
)
from .org_context import description_before
from .org_draft import Draft, Outcome
from .org_names import known_body
from .org_words import HEADS, LINKS, has_organisation_head, is_acronym, organisation_words

_PLACE_BEFORE = re.compile(
    rf"(?:^|[\s'’(])(?:{'|'.join(PLACE_HEADS_BEFORE)}|Place|Rue|Avenue|Boulevard|Quai|Gare|Pont)"
    r"( (?:de la|de l['’]|des|du|de|d['’]))? ?$"
)
_WORD_BEFORE = re.compile(r"(?:^|\s)([a-zà-ÿ]+)\s+$")
_LINK_BEFORE = re.compile(r"\s(?:de la|de l['’]|des|du|de|d['’])\s?$")
_CONTINUED_TO_ACRONYM = re.compile(
    r"((?:,| et)(?: (?:de la |de l['’]|des |du |de |d['’]|la |le |les |l['’])?[a-zà-ÿ][\w’'-]*){1,6}) ?\(([A-ZÀ-Ý][A-Za-zÀ-ÿ0-9&-]{1,9})\)"
)


def not_a_body(d: Draft) -> Outcome:
    """None when the name's head says it is a holiday, a tax, an index, a law, an event, a place, or only function words."""
    return None if not_body_kind(d.name) else d


def in_a_place_name(d: Draft) -> Outcome:
    # "la place de l'Opéra", "l'avenue des Champs-Élysées", "la gare Saint-Lazare": the
    # span names a place. Not an ORG span after "place" ("la place du PS à gauche").
    place = _PLACE_BEFORE.search(d.text, max(0, d.start - 25), d.start)
    if place and d.label == "ORG" and place.group(1) and not is_bare_head(d.name):
        return d  # "la place du PS à gauche"; but "l'espace Schengen", "la zone euro", whatever the label
    return None if place else d


def portfolio_alone(d: Draft) -> Outcome:
    # The ministry rules took the portfolios that follow a minister or a ministry; one
    # left alone ("la Justice", "les Finances") names no one body.
    return None if is_portfolio(d.name) else d


def group_on_a_platform(d: Draft) -> Outcome:
    if " " in d.name or fold(d.name) not in PLATFORMS:
        return d
    before = _WORD_BEFORE.search(d.text, max(0, d.start - 20), d.start)
    return None if before and fold(before.group(1)) in PLATFORM_PLACES else d


def description_of_a_place(d: Draft) -> Outcome:
    # "le constructeur de Stuttgart", "le club de Liverpool" written as "la formation de
    # Liverpool": a kind of company and the place it is from, a way of not naming it.
    # Heads of bodies ("l'université de Manchester") are their name; so is "de" + a body.
    if d.body or not _LINK_BEFORE.search(d.text, max(0, d.start - 8), d.start) or not (d.label == "LOC" or is_place_name(d.name)):
        return d
    head = description_before(d.text, d.start)
    return None if head and fold(head[0]) not in HEADS else d


# A role in a body, the body, a comma: "le directeur général de l'Organisation, [Tedros
# Adhanom Ghebreyesus]", "le patron de la CGT, [Philippe Martinez]", or no comma after an
# acronym ("le chef de l'OMS [Tedros Adhanom Ghebreyesus]"); or the role after the name
# ("[Tedros Adhanom Ghebreyesus], directeur de l'OMS"): the name is the role's holder.
_ROLES = (
    r"(?:directeur|directrice|président|présidente|patron|patronne|porte-parole|secrétaire|chef|PDG|fondateur|fondatrice|ministre|"
    r"dirigeant|dirigeante|commissaire|gouverneur|maire|député|députée|sénateur|sénatrice)"
)
_ROLE_OF_BEFORE = re.compile(
    _ROLES + r"(?: [a-zéè-]+)? (?:de la |de l['’] ?|des |du |de |d['’] ?)(?:[^,.;:()\n]|\([A-ZÀ-Ý][A-Za-zÀ-ÿ]{1,8}\)){1,70}"
    r"(?:, ?|(?<=[A-ZÀ-Ý]{2}) )$"
)
_ROLE_AFTER = re.compile(r", (?:le |la |l['’])?(?:nouveau |nouvelle |ancien |ancienne |actuel |actuelle )?" + _ROLES + r"\b")


# English words of bodies' names, which the French word lists do not know: "The Independent", "Rainforest Foundation Norway".
_ENGLISH_BODY_WORDS = frozenset([
    "the", "foundation", "institute", "times", "post", "news", "watch", "fund", "council", "association", "inquirer", "journal", "herald",
    "tribune", "group", "company", "bank", "university", "college", "society", "agency", "network", "media", "press", "paper", "amazon",
])


def holder_of_a_role(d: Draft) -> Outcome:
    words = d.name.split()
    if not 2 <= len(words) <= 4 or not all(w[:1].isupper() for w in words) or has_organisation_head(d.name) or organisation_words(d.name):
        return d
    if _ENGLISH_BODY_WORDS & set(fold(d.name).split()):
        return d
    if known_body(d.name) or any(is_acronym(w) for w in words):
        return d
    if _ROLE_OF_BEFORE.search(d.text, max(0, d.start - 110), d.start) or _ROLE_AFTER.match(d.text, d.end):
        return None
    return d


def acronym_of_a_thing(d: Draft) -> Outcome:
    return None if is_acronym(d.name) and spelled_as_thing(d.text, d.name) else d


def complete_bare_head(d: Draft) -> Outcome:
    """A generic head alone ("Centre", "Haut Conseil") takes the words after it that say which one."""
    if not is_bare_head(d.name):
        return d
    complement = complement_after(d.text, d.end)
    if not complement:
        return d  # org_merges.py drops it unless a longer mention of the article takes it in
    name = " ".join(f"{d.name}{complement}".replace("’", "'").split())
    return replace(d, name=name, end=d.end + len(complement), forms=(*d.forms, name))


def continued_to_acronym(d: Draft) -> Outcome:
    # "la Fédération du commerce et de la distribution (FCD)" tagged up to "commerce": the
    # words to the acronym complete the name when its initials spell the acronym and the
    # span's own initials do not.
    match = _CONTINUED_TO_ACRONYM.match(d.text, d.end)
    if not match or is_acronym(d.name) or not d.name[:1].isupper():
        return d
    acronym = fold(match.group(2)).replace(" ", "")
    longer = " ".join(f"{d.name}{match.group(1)}".replace("’", "'").split())
    if _initials(d.name) == acronym or _initials(longer) != acronym:
        return d
    return replace(d, name=longer, end=d.end + len(match.group(1)), forms=(*d.forms, longer))


def _initials(name: str) -> str:
    return "".join(w[0] for w in fold(name).split() if w not in LINKS)


def state_as_a_place(text: str, body: int, start: int, end: int) -> bool:
    """True for "organisation de l'État", "services de l'État": a lower-case noun of the State, which is no place a body sits in."""
    return text[body:body + 1].islower() and fold(text[start:end]) == "etat"


__all__ = [
    "acronym_of_a_thing", "complete_bare_head", "continued_to_acronym", "description_of_a_place",
    "group_on_a_platform", "holder_of_a_role", "in_a_place_name", "not_a_body", "portfolio_alone", "state_as_a_place",
]
