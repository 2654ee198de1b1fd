"""Organisations an article names: companies, unions, parties, institutions, media.

spaCy's ORG spans are the start. The rules here fix their boundaries ("le ministère de
l'Intérieur", not "l'Intérieur"; "la CGT" -> "CGT"; a line break or a person glued at
the end cut off), take LOC, MISC and PER spans that the words or the text around them
say are organisations ("Université Notre-Dame", "le parquet de Paris", "Iteka, une
association"), reject what is no organisation (a share bar, an abbreviation of a common
noun, a treaty or an event, a person's name), and hand the mentions to org_merges.py,
which joins an acronym to its long form ("l'Organisation du traité de l'Atlantique nord
(OTAN)") and shorter mentions to the full name; `resolve_acronyms` does the same across
the archive. The words are in org_words.py, the context rules in org_context.py.
bench/eval_entities.py measures it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from ..article import Organisation
from ..text import fold
from .countries import is_demonym, is_place_name
from .lexicon import is_given_name
from .org_context import (
    article_before,
    body_of_place,
    colour_after,
    common_word_at_starts,
    dangling_place,
    described_as_organisation,
    description_before,
    in_share_bar,
    link_before,
    ministries,
    ministry_portfolio,
    participle_at_starts,
    portfolio_forms,
    right_adjective,
    seat_named,
    starts_sentence,
    unlabelled,
    with_article,
)
from .org_merges import acronym_links, merge_organisations, resolve_acronyms
from .org_words import (
    HEADS,
    NOT_HEADS,
    PLACE_HEADS,
    ROLES,
    OrgMention,
    Span,
    clean_name,
    has_organisation_head,
    is_acronym,
    not_organisation_names,
    organisation_words,
)

__all__ = [
    "OrgMention", "acronym_links", "find_organisations", "has_organisation_head", "is_acronym", "merge_organisations", "organisation_mentions",
    "organisation_words", "resolve_acronyms",
]

# Roles that name their body: "le ministre de l'Intérieur" is the ministry's ("Intérieur").
_MINISTER = re.compile(r"^(?:l[ae] |les )?(?:ex-|ancien(?:ne)? )?(?:ministres?|ministère|ministères)\s+(?:de la |de l['’]|des |du |de )(.+)$", re.I)
_MINISTRY_BEFORE = re.compile(r"(?:[Mm]inistres?|[Mm]inistères?) ((?:de la |de l['’]|des |du |de ))$")
# "Ve République" is a regime, "XXIe" a century, "X e" an arrondissement; "Vive la République ! Vive la France" a cry.
_BAD = re.compile(r"[@#/\\|<>{}\[\]()=+*_«»\"]|\d{3,}|^[IVX]+e |^[IVXLC]+ ?e$|[!?] +\w")


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
            mention = _mention(text, part_start, part_end, label, votes, person_ranges)
            if mention:
                found.append(mention)
    taken = [(m.start, m.end) for m in found] + [(s, e) for s, e, _, _ in spans] + person_ranges
    for start, end, name in unlabelled(text):
        if not any(s < end and start < e for s, e in taken) and _looks_like_organisation(name, text, "ORG"):
            forms = [name, " ".join(text[start:end].split())]
            article = article_before(text, start)
            if article:  # "l'armée irakienne": the form with its article, as written
                forms.append(with_article(article.group(1), name))
            found.append(OrgMention(name, forms, start, end))
    for mention in ministries(text):
        if not any(s < mention.end and mention.start < e for s, e in taken):
            found.append(mention)
    return found


_GLUED_PERSON = re.compile(r"(?:\s+(?:de|d['’])\s*|\s+)([A-ZÀ-Ý][a-zà-ÿ]+(?:-[A-ZÀ-Ý][a-zà-ÿ]+)?) [A-ZÀ-Ý][\w-]+$")
_SPACED_DASH = re.compile(r"\s+[-–—]\s+")


def _parts(text: str, start: int, end: int) -> list[tuple[int, int]]:
    parts, begin = [], start
    for match in _SPACED_DASH.finditer(text, start, end):
        parts.append((begin, match.start()))
        begin = match.end()
    return [*parts, (begin, end)]


def _mention(text: str, start: int, end: int, label: str, votes: dict[str, Counter], persons: list[tuple[int, int]]) -> OrgMention | None:
    surface = text[start:end]
    if "\n" in surface.strip():  # a span across lines joins a heading or a credit to the next line
        end = start + len(surface) - len(surface.lstrip()) + surface.strip().index("\n")
        surface = text[start:end]
    cuts = [ps for ps, _ in persons if start < ps < end]
    glued = _GLUED_PERSON.search(surface)  # "Justice Nicole Belloubet", "Justice de Dilma Rousseff"
    if glued and is_given_name(glued.group(1)) and not has_organisation_head(surface[glued.start(1):]):
        cuts.append(start + glued.start())
    if cuts:  # a person's name inside the span ends it
        end = min(cuts)
        surface = re.sub(r"\s+(?:de|du|des|d['’]|par|et)\s*$", "", text[start:end])
        end = start + len(surface)
        if not surface.strip():
            return None
    if in_share_bar(text, start, end):
        return None
    forms = [" ".join(surface.split()).strip(" ,;:.!?«»\"()[]")]
    name = clean_name(surface)
    if not name:
        return None
    article = article_before(text, start)
    if article:  # "les Républicains", "l'Union", "la Piccola Familia", "l'ONU": the form as written
        forms.append(with_article(article.group(1), name))
    if article and not is_acronym(name):
        capital = article.group(1)[0].isupper() and article.group(1)[-1] == " " and article.group(1)[-2] not in "'’"
        if capital and not starts_sentence(text, start - len(article.group(1))):
            name = article.group(1) + name  # "( Les Républicains )", "« La Piccola Familia »"
    contracted = re.search(r"(?:^|\s)([dDaA]u|[dDaA](?:es|ux)) $", text[max(0, start - 5):start])
    if contracted and not is_acronym(name) and name[:1].isupper():  # "du Monde", "au Parisien": "Le Monde"
        forms.append(("Les " if contracted.group(1).lower() in ("des", "aux") else "Le ") + name)
    before = _MINISTRY_BEFORE.search(text, max(0, start - 30), start)
    if before and name[:1].isupper() and not has_organisation_head(name):  # "le ministre de l'Intérieur" tagged "Intérieur"
        name = f"ministère {before.group(1).replace('’', chr(39))}{name}"
    minister = _MINISTER.match(name)
    if minister:  # "ministre de la Défense de la Corée du Nord": the ministry, named by its portfolio
        portfolio = ministry_portfolio(minister.group(1))
        if not portfolio:
            return None
        link = link_before(name, minister.start(1))
        return OrgMention(f"ministère {link}{portfolio}", [*forms, portfolio, *portfolio_forms(link, portfolio)], start, end)
    body = body_of_place(text, start) if label == "LOC" else None
    if body is not None:  # "le parquet de Paris", "l'armée du Zimbabwe": the body is the organisation, the place its seat
        name = clean_name(text[body:end]) or name
        start, forms = body, [" ".join(text[body:end].split())]
    head = None if body is not None else description_before(text, start)
    label_says_org = body is not None or label == "ORG" or _voted_org(name, votes) or (label == "MISC" and described_as_organisation(text, start, end))
    if head:
        word, begin = head
        long_form = " ".join(text[begin:end].split())
        if fold(word) in PLACE_HEADS or not (label_says_org or is_acronym(name)):
            # "collège Lucie-Aubrac", "diocèse de Hearst": the head is part of the name
            name = clean_name(long_form) or name
        forms.append(long_form)
        label_says_org = True
    if right_adjective(text, end) and len(name.split()) == 1 and fold(name) in HEADS | {"etat"}:
        adjective = right_adjective(text, end)
        name, end = f"{name} {adjective}", end + 1 + len(adjective)
        forms.append(name)
        label_says_org = True
    colour = colour_after(text, end, name)
    if colour:  # "les « Gyros bleus »"
        name, end = f"{name} {colour}", end + 1 + len(colour)
        forms.append(name)
    if label == "PER" and organisation_words(name):
        label_says_org = True
    if not label_says_org and not (has_organisation_head(name) and (label != "LOC" or name[:1].isupper() or seat_named(name))):
        return None  # a LOC span headed in lower case is a building: "l'église Saint-Marc", "le lycée Suger"
    if not _looks_like_organisation(name, text, label):
        return None
    return OrgMention(name, list(dict.fromkeys([name, *forms])), start, end)


def _voted_org(name: str, votes: dict[str, Counter]) -> bool:
    # The model's own vote in the article: "Syctom" tagged ORG once and LOC twice is
    # still the one organisation the article names.
    counts = votes.get(fold(name), Counter())
    return counts["ORG"] > 0 and counts["ORG"] >= max(counts["PER"], 1) / 2


def _looks_like_organisation(name: str, text: str, label: str) -> bool:
    words = name.split()
    if not words or len(words) > 12 or len(name) < 2 or _BAD.search(name):
        return False
    folded = fold(name)
    if not folded or folded in not_organisation_names() or words[0][:1].isdigit():
        return False
    first = fold(words[0])
    if first in NOT_HEADS or first in ROLES:
        return False  # "Pacte budgétaire européen", "Secrétaire d'État chargé du Commerce"
    if not any(w[:1].isupper() for w in words) and first not in HEADS:
        return False  # "club loirétains"
    if len(words) > 1 and words[0][:1].isupper() and is_demonym(words[0]) and not has_organisation_head(name):
        return False  # "Iranien Mojtaba Abedini": a person introduced by their nationality
    if len(words) == 1 and is_place_name(name) and label != "ORG":
        return False
    # "Transportée à l'hôpital", "Cinéma : Carrie Fisher": a word capitalised only at sentence starts
    return not (len(words) == 1 and not is_acronym(name) and (common_word_at_starts(name, text) or participle_at_starts(name, text)))


def find_organisations(text: str, spans: Sequence[Span], persons: Iterable[tuple[int, int]] = ()) -> list[Organisation]:
    """The article's organisations, each once with its mentions, most mentioned first."""
    return merge_organisations(text, organisation_mentions(text, spans, persons))
