"""What the article says a name the model took for a person is, besides a person.

Each time a name is written, the words right around it may say it names a place, a
building, a business or a body rather than someone: "le collège Victor Hugo", "le
supermarché Leclerc", "(Éd. Albin Michel)", "la plateforme Leetchi", "Leetchi,
plateforme en ligne", "Vinci Autoroutes" (a longer organisation name), "le député du
Nord", "les droits de l'Homme" (an article before a common word). A title says the
opposite ("le général Leclerc", "Me Kheops Lara"). `named_as_other` weighs them for one
article: used by persons.person_mentions, which indexing and bench/eval_entities.py run.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..text import fold
from .countries import is_place_name
from .lexicon import common_words, is_given_name
from .org_words import COMPANY_WORDS, has_organisation_head, organisation_words
from .person_names import TITLE_WORDS

Span = tuple[int, int, str, str]

# Nouns that, right before a name, make it the name of a place or a building ("rue",
# "collège", "parc") or of a business, a brand or a body ("supermarché", "éditions",
# "plateforme", "fondation"). Kinds of places and businesses, not names; none of them
# takes a person's name after it the way "l'affaire Benalla" or "le gouvernement
# Philippe" do.
PLACE_CUES = frozenset(fold(w) for w in [
    "rue", "boulevard", "bd", "avenue", "av", "place", "quai", "allée", "impasse", "square", "cours", "chemin", "route", "pont", "parc",
    "jardin", "esplanade", "station", "gare", "métro", "aéroport", "port", "stade", "salle", "lycée", "collège", "école", "université",
    "hôpital", "clinique", "musée", "église", "cathédrale", "basilique", "mosquée", "centre", "complexe", "résidence", "quartier",
])
BUSINESS_CUES = frozenset(fold(w) for w in [
    "supermarché", "supermarchés", "hypermarché", "hypermarchés", "magasin", "magasins", "boutique", "boutiques", "enseigne", "marque",
    "éditions", "éd", "ed", "société", "entreprise", "firme", "plateforme", "application", "cagnotte", "label", "maison", "fondation",
    "institut", "site",
])
CUE_WORDS = PLACE_CUES | BUSINESS_CUES
# Kinds of things an apposition after the name says it is: "Leetchi, plateforme en ligne".
BUSINESS_APPOSITIONS = BUSINESS_CUES | frozenset(fold(w) for w in [
    "association", "organisation", "organisme", "groupe", "collectif", "syndicat", "parti", "mouvement", "réseau", "journal", "quotidien",
    "chaîne", "radio",
])
APPOSITION_WORDS = CUE_WORDS | BUSINESS_APPOSITIONS | frozenset(fold(w) for w in ["commune", "village", "ville", "localité"])
_WORD_BEFORE = re.compile(r"(?:^|(?<=[\s'’(«\"“]))([\w.-]+)[\s«\"“(]*$")  # "l'avenue George V": "avenue"
_LOCATIVE = re.compile(r"(?<![\w-])(?:à|près de|près d['’]|vers|depuis|côté de|côté d['’]) ?$")
_ARTICLE_BEFORE = re.compile(r"(?:(?<![\w-])(?:[Ll]e|[Ll]a|[Ll]es|du|des|au|aux) |(?<![\w-])[ld]['’] ?)$")
# Nouns of places that a place's name follows after "de": "le port de Wandre", "le site pétrolier de Wandre".
PLACE_OF = frozenset(fold(w) for w in [
    "port", "ports", "commune", "ville", "village", "quartier", "localité", "région", "province", "département", "zone", "gare", "aéroport",
    "site", "sites", "centre-ville", "banlieue", "habitant", "habitante", "habitants", "maire", "mairie",
])
# Kinds of businesses that a name follows after adjectives: "le groupe autoroutier Vinci",
# "le gestionnaire autoroutier français Vinci"; and roles in a business: "PDG de Vinci".
BUSINESS_WORDS = frozenset(fold(w) for w in [
    "groupe", "gestionnaire", "concessionnaire", "opérateur", "constructeur", "exploitant", "compagnie", "société", "entreprise", "firme",
    "enseigne", "marque", "géant", "filiale", "distributeur", "fabricant", "éditeur", "plateforme", "site", "réseau", "chaîne",
])
_DESCRIBED = re.compile(r"([\w-]+)((?: [a-zà-ÿ-]+){1,2}) $")
_NOT_ADJECTIVES = {"de", "du", "des", "d", "la", "le", "les", "l", "et", "ou", "a", "au", "aux", "en", "par", "pour", "sur", "avec", "dont", "que", "qui"}
_BUSINESS_OF = re.compile(r"(?<![\w-])(?:PDG|actionnaires|salariés|employés|filiale|siège|clients) (?:de|du|d['’]) ?$")
_PLACE_OF = re.compile(r"([\w-]+)(?: [a-zà-ÿ-]+)? (?:de|d['’]|du) ?$")
_GOVERNMENT = re.compile(r"(?:gouvernement|cabinet) $")
_APPOSITION = re.compile(r"\s*,\s*(?:(?:un|une|le|la|l['’]|les)\s*)?([\w-]+)")


def named_as_other(name: str, text: str, spans: Sequence[Span], full_names: set[str]) -> bool:
    """True when the article's words name `name` as a place, a business or a body, and never as a person.

    Every written occurrence of the name is read: one that the words around call
    something else counts against it, one after a title for it. A one-word name is
    something else when one occurrence says so and none is titled; a name of several
    words ("Victor Hugo", the school or the writer) when such occurrences are at least
    as many as the others. A one-word name that is the surname of a full name of the
    article (`full_names`, folded) is that person's.
    """
    words = name.split()
    key = fold(name)
    if len(words) == 1 and any(full.endswith(" " + key) for full in full_names):
        return False
    other = person = plain = 0
    matches = list(re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text))
    if len(words) == 1 and matches and not is_given_name(name) and all(_LOCATIVE.search(text, max(0, m.start() - 12), m.start()) for m in matches):
        return True  # "à Wandre", "du côté de Wandre" each time: a place
    for match in matches:
        before = text[max(0, match.start() - 40):match.start()]
        if _titled(before):
            person += 1
        elif _cued(name, before, text, match.start(), match.end(), spans):
            other += 1
        else:
            plain += 1
    if person or not other:
        return False
    return len(words) == 1 or other >= plain


def _titled(before: str) -> bool:
    words = before.split()
    return any(fold(" ".join(words[-n:])) in TITLE_WORDS for n in range(1, min(3, len(words)) + 1))


def business_cue(text: str, start: int, end: int) -> bool:
    """True when the words around `text[start:end]` call it a business, a brand or a body.

    "le supermarché Leclerc", "(Ed. Albin Michel)", "le groupe autoroutier Vinci", "PDG
    de Vinci", "Leetchi, plateforme en ligne": used here against a person, and by the
    organisation rules for a span the model tagged PER that is no person.
    """
    before = text[max(0, start - 40):start]
    word = _WORD_BEFORE.search(before)
    if word and fold(word.group(1).rstrip(".")) in BUSINESS_CUES:
        return True
    apposition = _APPOSITION.match(text, end)
    if apposition and fold(apposition.group(1)) in BUSINESS_APPOSITIONS:
        return True
    described = _DESCRIBED.search(before)
    if described and fold(described.group(1)) in BUSINESS_WORDS and not set(map(fold, described.group(2).split())) & _NOT_ADJECTIVES:
        return True
    return bool(_BUSINESS_OF.search(before))


def _cued(name: str, before: str, text: str, start: int, end: int, spans: Sequence[Span]) -> bool:
    if business_cue(text, start, end):
        return True
    word = _WORD_BEFORE.search(before)
    if word and fold(word.group(1).rstrip(".")) in PLACE_CUES:
        return True  # "collège Victor Hugo", "l'avenue George V"
    apposition = _APPOSITION.match(text, end)
    if apposition and fold(apposition.group(1)) in APPOSITION_WORDS:
        return True  # "Wandre, commune de Liège"
    if " " not in name:
        place_of = _PLACE_OF.search(before)
        if place_of and fold(place_of.group(1)) in PLACE_OF:
            return True  # "les ports pétroliers de Wandre"
    elif re.search(r" [IVX]+$", name) and _GOVERNMENT.search(before):
        return True  # "le gouvernement Michel II": a government, named after its head
    after = re.match(r" ([\w-]+)", text[end:end + 30])
    if after and fold(after.group(1)) in COMPANY_WORDS:
        return True  # "Vinci Autoroutes", even tagged as a person
    if " " not in name and _listed_with_other(text, start, end, spans):
        return True  # "à Sclessin et Wandre", "Eiffage, Vinci et Sanef": in a list of places or of companies
    if " " not in name and _ARTICLE_BEFORE.search(before) and (name.lower() in common_words() or is_place_name(name)) and not is_given_name(name):
        return True  # "les droits de l'Homme", "le député du Nord", "au Cinquantenaire"
    # Inside a longer organisation name the model tagged: "Vinci Autoroutes", "Fondation Jean Jaurès".
    return any(
        s <= start and end <= e and (s, e) != (start, end) and (organisation_words(text[s:e]) or has_organisation_head(text[s:e]))
        for s, e, label, _ in spans if label == "ORG"
    )


_LIST_BEFORE = re.compile(r" (?:et|ou) (?:de |d['’]|à )?$")
_LIST_AFTER = re.compile(r" (?:et|ou) (?:de |d['’]|à )?")


def _listed_with_other(text: str, start: int, end: int, spans: Sequence[Span]) -> bool:
    # A one-word name joined by "et" or "ou" to a span the model tagged as a place or an
    # organisation, right before or after it, is one of the same kind.
    others = {(s, e) for s, e, label, _ in spans if label in ("LOC", "ORG")}
    ends = {e for _, e in others}
    starts = {s for s, _ in others}
    before = _LIST_BEFORE.search(text, max(0, start - 8), start)
    after = _LIST_AFTER.match(text, end)
    return bool(before and before.start() in ends) or bool(after and after.end() in starts)
