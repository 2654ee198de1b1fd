"""What the text around a span says about an organisation, and organisations the model left untagged.

An article before the name ("l'ONU"), a description ("la revue anglaise PC Gamer"), an
apposition ("Iteka, une association burundaise"), a role in the body ("porte-parole de
l'Entsoe"), a body of a place ("le parquet de Paris"), a ministry named by its portfolio
("le ministre de la Justice"), and shapes the model misses ("l'armée syrienne", "les
Gilets jaunes"). Used by organisations.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from ..text import fold
from .countries import is_demonym
from .lexicon import common_adjectives, common_nouns, common_words
from .org_words import DESCRIPTIONS, HEADS, is_adjective

_SHARE_BAR = re.compile(r"partager (?:cet article|sur)|share (?:this|on)", re.I)
_ARTICLE_BEFORE = re.compile(r"(?:^|[\s«\"(])((?:[Ll]es?|[Ll]a) |[Ll]['’] ?)$")


def article_before(text: str, start: int) -> re.Match | None:
    # The definite article right before a mention: "la CGT", "l'ONU", "l' ONU" (spaced as some texts are).
    return _ARTICLE_BEFORE.search(text[max(0, start - 6):start])


def with_article(article: str, name: str) -> str:
    article = article.replace("’", "'").strip()
    return f"{article}{name}" if article.endswith("'") else f"{article} {name}"


_DANGLING_LINK = re.compile(r"(?:^|\s)(?:de la|de l['’]|des|du|de|d['’])\s*$")


def dangling_place(text: str, end: int, places: Mapping[int, int]) -> int:
    # "Commission locale d'information de" + "Flamanville": a span left on a "de" before a
    # place the model tagged apart takes the place, which completes its name.
    if not _DANGLING_LINK.search(text, max(0, end - 8), end):
        return end
    gap = len(text[end:end + 3]) - len(text[end:end + 3].lstrip())
    return places.get(end + gap, end)


# Organisations the model leaves untagged, found in the text by their shape:
# - a capitalised body and an adjective: "l'État islamique", "l'Assemblée nationale";
# - an armed force or a parliament of a country in lower case: "l'armée syrienne", "le parlement cubain"
#   (not "le gouvernement français", which WiNER's annotators mostly leave untagged: 9 of 32);
# - a collective named by a capitalised plural noun and a plural adjective after "les"
#   or "des": "les Gilets jaunes", "des Bonnets rouges", "les Foulards rouges".
_BODY_ADJECTIVE = re.compile(r"(?<![\w-])([A-ZÀ-Ý][a-zà-ÿ]+(?:-[A-Za-zà-ÿ]+)?) ([a-zà-ÿ][a-zà-ÿ-]{3,})(?: (libre|populaire|nationale?))?")
_COUNTRY_BODY = re.compile(r"(?<![\w-])(armée|armées|parlement|marine|aviation) ([a-zà-ÿ][a-zà-ÿ-]{3,})")
_COLLECTIVE = re.compile(r"(?<![\w-])(?:les|des|aux|Les|Des) [«\"“]?\s?([A-ZÀ-Ý][a-zà-ÿ]+s [a-zà-ÿ]+s)\b")
_COLLECTIVE_ADJECTIVE = re.compile(r" ([a-zà-ÿ]+s)\b")
_COLOURS = {"jaunes", "rouges", "bleus", "blancs", "blanches", "noirs", "noires", "verts", "vertes", "roses", "oranges", "violets", "gris"}


def colour_after(text: str, end: int, name: str) -> str | None:
    """The colour after a one-word plural name, for "les « Gyros bleus »": the model stopped at the noun of a collective named by a thing and its colour."""
    collective = _COLLECTIVE_ADJECTIVE.match(text, end) if " " not in name and name.endswith("s") else None
    return collective.group(1) if collective and fold(collective.group(1)) in _COLOURS else None


def unlabelled(text: str) -> Iterable[tuple[int, int, str]]:
    for match in _BODY_ADJECTIVE.finditer(text):
        head, adjective = match.group(1), match.group(2)
        if (fold(head) in HEADS or fold(head) == "etat") and is_adjective(adjective):
            yield match.start(), match.end(), match.group(0)
    for match in _COUNTRY_BODY.finditer(text):
        if is_demonym(match.group(2)):
            yield match.start(), match.end(), match.group(0)
    for match in _COLLECTIVE.finditer(text):
        noun, adjective = match.group(1).split()
        if noun.lower()[:-1] in common_nouns() and adjective[:-1] in common_adjectives() and not is_demonym(noun):
            yield match.start(1), match.end(1), match.group(1)


# A body, up to two adjectives, a "de": "gouvernement fédéral du Canada", "Tribunal correctionnel de Paris".
_BODY_OF = re.compile(r"(?:^|[\s'’])([A-Za-zÀ-ÿ-]+)((?: [a-zà-ÿ-]+){0,2}) (?:de la |de l['’] ?|des |du |de |d['’] ?)$")
# A body of the place before a LOC span; not "groupe" in lower case (a group of people: "un groupe de Lyon"),
# nor a mairie or a préfecture, which are the buildings as often as the bodies.
_SEAT_HEADS = (HEADS | {"parquet"}) - {"groupe", "mairie", "prefecture"}


def seat_named(name: str) -> bool:
    # "université de Manchester", "diocèse de Moosonee": a body of the place, named by it ("de" then a capital).
    words = name.split()
    if len(words) < 2 or fold(words[0]) not in _SEAT_HEADS:
        return False
    return bool(re.match(r"d['’]\s?[A-ZÀ-Ý]", " ".join(words[1:]))) or (len(words) > 2 and words[1] in ("de", "du", "des") and words[2][:1].isupper())


def body_of_place(text: str, start: int) -> int | None:
    match = _BODY_OF.search(text, max(0, start - 60), start)
    if not match or fold(match.group(1)) not in _SEAT_HEADS:
        return None
    if match.group(2) and not all(is_adjective(w) for w in match.group(2).split()):
        return None
    return match.start(1)


def description_before(text: str, start: int) -> tuple[str, int] | None:
    # "l'agence Bloomberg", "la radio France Info", "le diocèse de Hearst", "l'association
    # des mushers de Two Rivers": a lower-case head, maybe with "de", before the span.
    link = r"(?:de la|de l['’]|des|du|de|d['’])"
    match = re.search(rf"(?:^|[\s'’])([a-zà-ÿ-]+)((?:\s+{link}\s*(?:[a-zà-ÿ-]+\s+{link}\s*)?)|\s+)$", text[max(0, start - 60):start])
    if not match or fold(match.group(1)) not in DESCRIPTIONS:
        return None
    return match.group(1), max(0, start - 60) + match.start(1)


# What the words around a span say it is, for MISC spans (the model's "other" names): an
# apposition after it ("Iteka, une association burundaise", "Forza Italia, le parti de
# Silvio Berlusconi") or a role in a body before it ("porte-parole de l'Entsoe", "PDG de
# Magento", "membres du Dark Energy Survey"). Kinds of bodies and roles, not names.
_APPOSITION_KINDS = DESCRIPTIONS | frozenset(fold(w) for w in [
    "parti", "fédération", "organisme", "organisation", "milice", "formation", "coalition", "alliance", "ligue", "institut", "équipe", "formation",
])
_APPOSITION = re.compile(r"\s*(?:\[\d+\]\s*)?,\s*(?:un|une|le|la|l['’]|les)\s*([\w-]+)(?:\s+([\w-]+))?")
_MEMBER_OF = re.compile(
    r"(?:^|\s)(?:PDG|président|présidente|directeur|directrice|porte-parole|membres?|fondateur|fondatrice|cofondateur|cofondatrice|dirigeants?|"
    r"dirigeantes?|patron|patronne|secrétaire général|secrétaire générale|communiqué|siège|représentants?|représentantes?|employés?|salariés?|"
    r"militants?|adhérents?|rédaction)\s+(?:de la|de l['’]|des|du|de|d['’])\s*$"
)


def described_as_organisation(text: str, start: int, end: int) -> bool:
    apposition = _APPOSITION.match(text, end)
    if apposition and any(w and fold(w) in _APPOSITION_KINDS for w in apposition.groups()):
        return True
    if _MEMBER_OF.search(text[max(0, start - 40):start]):
        return " " in text[start:end].strip() or text[start:end].strip().lower() not in common_nouns()  # not "président de la République"
    # "la revue anglaise PC Gamer", "le mouvement « En marche ! »": a kind of body, maybe an adjective, maybe a quote;
    # not "le réseau social Twitter", a product.
    before = re.search(r"(?:^|[\s'’])([a-zà-ÿ-]+)(?:\s+([a-zà-ÿ-]+))?\s*[«\"“]?\s*$", text[max(0, start - 40):start])
    if not before or fold(before.group(1)) not in DESCRIPTIONS:
        return False
    return before.group(2) is None or (is_adjective(before.group(2)) and not before.group(2).startswith("soci"))


def right_adjective(text: str, end: int) -> str | None:
    match = re.match(r" ([a-zà-ÿ][a-zà-ÿ-]+)", text[end:end + 30])
    if not match:
        return None
    word = match.group(1)
    return word if is_adjective(word) else None


def in_share_bar(text: str, start: int, end: int) -> bool:
    # "Partager cet article :\nCourriel ,\nFacebook ,\nTwitter": one label per line.
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start:line_end if line_end >= 0 else len(text)]
    if line.replace(text[start:end], "").strip(" ,.") != "":
        return False
    return bool(_SHARE_BAR.search(text[max(0, start - 200):start]))


def common_word_at_starts(name: str, text: str) -> bool:
    if name.lower() not in common_words():
        return False
    starts = [m.start() for m in re.finditer(rf"\b{re.escape(name)}\b", text)]
    return bool(starts) and all(starts_sentence(text, i) for i in starts)


def participle_at_starts(name: str, text: str) -> bool:
    # "Transportée à l'hôpital, …": a past participle opening a sentence.
    if not name.endswith(("é", "ée", "és", "ées")):
        return False
    starts = [m.start() for m in re.finditer(rf"\b{re.escape(name)}\b", text)]
    return bool(starts) and all(starts_sentence(text, i) for i in starts)


def starts_sentence(text: str, index: int) -> bool:
    head = text[max(0, index - 3):index].rstrip(" ")
    return not head or head[-1] in ".!?:\n–—-"
