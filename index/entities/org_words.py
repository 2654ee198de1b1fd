"""What the words of a name say about an organisation: kinds of bodies, company words, acronyms, and a clean name.

Shared by organisations.py (the span rules), org_context.py (what the text around a
span says) and org_merges.py (an article's mentions grouped). No spaCy, no Whoosh.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..text import ELISION, fold
from .countries import is_demonym, is_place_name
from .lexicon import common_adjectives, common_nouns, is_given_name

Span = tuple[int, int, str, str]
# First words (folded) that make a span an organisation whatever label the model gave it:
# "Université Notre-Dame" (LOC), "Conseil départemental de Vaucluse" (LOC), "Banque de
# France" (PER or LOC). Kinds of bodies, not names.
HEADS = frozenset(fold(w) for w in [
    "université", "universités", "conseil", "cour", "commission", "comité", "ministère", "ministères", "parti", "fondation", "agence", "banque",
    "association", "fédération", "confédération", "union", "syndicat", "institut", "office", "compagnie", "groupe", "groupement", "front",
    "mouvement", "armée", "armées", "assemblée", "parlement", "sénat", "gouvernement", "mairie", "préfecture", "tribunal", "police", "gendarmerie",
    "brigade", "brigades", "forces", "ligue", "organisation", "organisations", "mission", "communauté", "société", "club", "école", "lycée",
    "collège", "hôpital", "centre", "service", "direction", "bureau", "académie", "croix-rouge", "croissant-rouge", "église", "diocèse", "ordre",
    "conférence", "caisse", "régie", "autorité", "haut-commissariat", "secrétariat", "délégation", "alliance", "coalition", "banque", "fonds",
    "observatoire", "laboratoire", "musée", "orchestre", "théâtre", "opéra", "chambre", "congrès", "tribunal", "conservatoire", "clinique", "chu",
    "département", "administration", "agence", "régiment", "division", "flotte", "marine", "garde", "collectif", "fraternité",
])
# Heads that stay in the name when a proper name follows them directly: "collège
# Lucie-Aubrac", "hôpital Pasteur" (without the head, a person's or a saint's name).
# Other heads before a name are a description: "l'agence Bloomberg" is "Bloomberg".
PLACE_HEADS = frozenset(fold(w) for w in [
    "collège", "lycée", "école", "université", "hôpital", "clinique", "musée", "théâtre", "opéra", "diocèse", "mairie", "préfecture",
])
# Lower-case descriptions before an organisation's name: "la radio France Info", "le journal Le Monde".
# Not "équipe" ("l'équipe de France" is a team of players) nor "parti" (a participle: "il est parti de Londres").
DESCRIPTIONS = frozenset(fold(w) for w in [
    "agence", "radio", "journal", "quotidien", "hebdomadaire", "mensuel", "magazine", "revue", "chaîne", "télévision", "site", "réseau", "groupe",
    "société", "compagnie", "constructeur", "opérateur", "entreprise", "firme", "enseigne", "marque", "label", "banque", "assureur", "club",
    "syndicat", "mouvement", "association", "fondation", "ong", "collectif", "média",
]) | PLACE_HEADS
# First words of what is no organisation though the model often says so: treaties, laws,
# plans, prizes, competitions, events, documents.
NOT_HEADS = frozenset(fold(w) for w in [
    "pacte", "traité", "traités", "accord", "accords", "constitution", "loi", "lois", "plan", "brevet", "prix", "trophée", "coupe", "championnat",
    "championnats", "festival", "jeux", "tour", "grand", "opération", "ironman", "rallye", "marathon", "sommet", "salon", "journée", "journées",
    "semaine", "année", "déclaration", "charte", "code", "statut", "programme", "projet", "rapport", "concours",
])
ROLES = frozenset(fold(w) for w in ["secrétaire", "porte-parole", "président", "présidente", "directeur", "directrice", "chef", "gouverneur", "compagnon"])
ARTICLES = {"le", "la", "les", "l"}
LINKS = {"de", "du", "des", "d", "la", "le", "les", "l", "et", "en", "pour", "sur", "aux", "au", "a"}
_ADJECTIVE_ENDINGS = (
    "ale", "al", "aux", "ales", "ique", "iques", "aire", "aires", "éenne", "éen", "ienne", "ien", "aise", "ais", "aine",
    "ain", "elle", "el", "ive", "if", "iste", "istes", "oise", "ois", "ère", "ier", "ane", "an", "ue",
)
_ADJECTIVES = {"libre", "suprême", "unis", "unies", "uni", "unie", "sud-coréen", "nord-coréen"}
_ACRONYM = re.compile(r"^[A-ZÀ-Ý][A-ZÀ-Ý0-9&-]{1,9}$")


@lru_cache(maxsize=1)
def not_organisation_names() -> frozenset[str]:
    """Folded abbreviations and words that the model tags as organisations but name none."""
    text = resources.files(__package__).joinpath("data/not_organisations.txt").read_text("utf-8")
    return frozenset(fold(line) for line in text.splitlines() if line.strip() and not line.startswith("#"))


@dataclass
class OrgMention:
    """One way the text names an organisation: the clean name, the forms seen, where."""

    name: str
    forms: list[str]
    start: int
    end: int


def is_acronym(name: str) -> bool:
    """True for "OTAN", "CFE-CGC", "GM&S": one word of capitals (digits after the first letter)."""
    return bool(_ACRONYM.match(name)) and sum(ch.isalpha() for ch in name) >= 2


def has_organisation_head(name: str) -> bool:
    """True when the name starts with a kind of body ("Banque de France", "Parti socialiste")."""
    words = fold(name).split()
    return bool(words) and (words[0] in HEADS or (len(words) > 1 and words[0] in ARTICLES and words[1] in HEADS))


# Last words of company and media names: "Vinci Autoroutes", "Charlie Hebdo", "France Inter".
COMPANY_WORDS = {
    "hebdo", "inter", "info", "infos", "autoroutes", "airlines", "airways", "group", "groupe", "presse", "matin", "soir", "tv",
    "medias", "media", "telecom", "telecoms", "energie", "energies", "assurances", "immobilier", "magazine", "mag", "motors",
    "bank", "banque", "television", "televisions", "radio", "news", "hebdomadaire", "quotidien", "express", "observateur",
}


def organisation_words(name: str) -> bool:
    """True when the words of a name say it is a company or a medium, not a person.

    Its last word is one of the words company and media names end with ("Vinci
    Autoroutes", "Charlie Hebdo", "France Inter"), or it is a place followed by a common
    noun ("Paris Match", "France Télévisions").
    """
    words = name.split()
    if len(words) < 2:
        return False
    if fold(words[-1]) in COMPANY_WORDS:
        return True
    return len(words) == 2 and is_place_name(words[0]) and words[1].lower().rstrip("s") in common_nouns() and not is_given_name(words[1])


def clean_name(surface: str) -> str | None:
    text = " ".join(surface.replace("’", "'").split()).strip(" ,;:.!?«»\"()[]-–—")
    text = re.sub(r"\s*\(.*$", "", text)  # an acronym in parentheses belongs to the next mention
    words = text.split()
    while words:
        first = words[0]
        if ELISION.match(first) and len(first) > 2 and first[2:3].isupper():
            words[0] = first[2:]  # "l'ONU" -> "ONU", "d'EDF" -> "EDF"
            continue
        if len(words) > 1 and fold(first) in ARTICLES and (first.islower() or is_acronym(words[1]) or fold(words[1]) in HEADS or len(words) > 2):
            words = words[1:]  # "la CGT", "Le Parti socialiste"; "Le Monde", "Les Républicains" keep theirs
            continue
        if len(words) > 1 and first.islower() and fold(first) in LINKS:
            words = words[1:]
            continue
        break
    while words and fold(words[-1]) in LINKS and words[-1].islower():
        words = words[:-1]  # "Conseil des droits de l'homme des"
    name = " ".join(words).strip(" ,;:.-'")
    return name or None


def is_adjective(word: str) -> bool:
    # Adjectives by their ending or the lexicon: "européenne", "islamique", "syrienne",
    # "sud-coréen"; a participle ("chargée de") is not one here.
    if word in _ADJECTIVES or is_demonym(word):
        return True
    if word.endswith(("é", "ée", "és", "ées")) or fold(word) in LINKS:
        return False
    base = word[:-1] if word.endswith("s") else word
    return (len(word) > 4 and word.endswith(_ADJECTIVE_ENDINGS)) or (base in common_adjectives() and base not in common_nouns())
