"""A person's name as written in a NER span: titles, roles, articles and glued words taken off, or no name at all.

`clean_person` turns "le président Poutine", "la chancelière Angela Merkel", "de M.
Lavrov" into the name; it returns None for what has no name's shape (an acronym, a
street, a place or an organisation the gazetteers know, a caption fragment). Used by
persons.py, which decides from the article which spans are persons.
"""

from __future__ import annotations

import re

from ..text import ELISION, NAME_PARTICLES, fold
from .countries import is_demonym, is_place_name
from .lexicon import common_words, is_given_name, not_person_names
from .org_words import has_organisation_head, is_acronym, organisation_words

# Civilities come only before a person's name; roles also before a body ("le député LaREM").
CIVILITIES = [
    "M.", "MM.", "M", "Mme", "Mmes", "Mme.", "Mlle", "Mlles", "Dr", "Dr.", "Pr", "Pr.", "Me", "Mes", "Maîtres", "Mgr", "Sr", "Sir", "Lord",
    "Lady", "Dame", "Maître", "Monsieur", "Madame", "Mademoiselle", "Docteur", "Professeur", "Saint-Père", "Mr", "Mr.", "Mrs", "Mrs.", "Ms", "Ms.",
]
TITLES = [
    *CIVILITIES,
    "président", "présidente", "ministre", "Premier ministre", "premier ministre", "première ministre", "pape",
    "général", "générale", "colonel", "commandant", "capitaine", "lieutenant", "sergent", "amiral", "maréchal",
    "sénateur", "sénatrice", "député", "députée", "maire", "juge", "procureur", "procureure", "roi", "reine",
    "prince", "princesse", "cheikh", "émir", "ayatollah", "imam", "abbé", "père", "sœur", "frère", "cardinal",
    "chancelière", "chancelier", "secrétaire", "gouverneur", "gouverneure", "porte-parole", "entraîneur", "chef",
    "secrétaire d'État", "secrétaire d’État", "secrétaire général", "secrétaire générale", "chef d'État", "chef de l'État",
    "chef du gouvernement", "vice-président", "vice-présidente", "ex-président", "ancien président", "ancienne présidente",
    "ancien ministre", "ancienne ministre", "candidat", "candidate", "président de la République", "président américain",
    "président russe", "président français", "sélectionneur", "joueur", "joueuse", "acteur", "actrice", "chanteur", "chanteuse",
    "écrivain", "écrivaine", "auteur", "autrice", "journaliste", "avocat", "avocate", "patron", "patronne", "directeur", "directrice",
    "PDG", "leader", "opposant", "opposante", "militant", "militante", "dirigeant", "dirigeante", "commissaire", "ambassadeur",
    "ambassadrice", "conseiller", "conseillère", "présentateur", "présentatrice", "champion", "championne", "pilote",
    "President", "Prime Minister", "Minister", "Senator", "Gen.", "Rep.",
]
TITLE_WORDS = {fold(t) for t in TITLES}
CIVILITY_WORDS = {fold(t) for t in CIVILITIES}
_LEADING_FUNCTION = {"le", "la", "les", "l", "de", "du", "des", "d", "a", "au", "aux", "et", "ou", "par", "pour", "selon", "chez", "avec", "sur", "un", "une"}
# A particle joined to a capitalised name by a hyphen: "al-Assad", "el-Sissi", "ben-Ali".
_PARTICLE_PREFIX = re.compile(r"^(?:al|el|ben|bin|ibn|abu|ould|ag)-[A-ZÀ-Ý]")
_DASH_BREAK = re.compile(r"\s[-–—]\s*|\s*[-–—]\s")
_DASH_OPENS = re.compile(r"\s[-–—](?=\w)")
_BAD_CHARS = re.compile(r"[\d@#/\\|<>{}\[\]=+*_]")


def clean_person(span: str) -> str | None:
    """A person's name as written, without titles or elided articles; None if it is not a name."""
    if "\n" in span.strip():
        return None  # a span across lines joins a caption credit to the next line
    if _DASH_BREAK.search(span):
        # A dash with a space on one side at least is a break, not a hyphen. Glued to the
        # next word it opens what follows ("- Tous de Gaulle -Emmanuel Macron n'est pas"):
        # the name is after it; between spaces, a credit or an outlet follows the name.
        attached = _DASH_OPENS.split(span)
        parts = attached[-1:] if len(attached) > 1 else _DASH_BREAK.split(span)
        return next(filter(None, map(clean_person, parts)), None)
    text = " ".join(span.replace("’", "'").split()).strip(" ,;:.!?«»\"'()[]-–—")
    text = re.sub(r"'s$", "", text)  # English possessive in captions
    words = text.split()
    # Strip leading articles and prepositions ("de", "le", "d'"), then titles and roles,
    # in any order: "de M. Lavrov", "le président Poutine", "la chancelière Angela Merkel".
    # After a title, a lower-case particle belongs to the name: "le général de Gaulle".
    after_title = False
    changed = True
    while words and changed:
        changed = False
        first = words[0]
        if not after_title and ELISION.match(first) and len(first) > 2:
            words[0] = ELISION.sub("", first)
            changed = True
            continue
        for n in (4, 3, 2, 1):
            if len(words) > n and fold(" ".join(words[:n])) in TITLE_WORDS:
                words = words[n:]
                after_title = changed = True
                break
        else:
            # "le président …" or "Le président …" at a sentence start, but not "Le Pen", "Le Drian".
            leading = not after_title and len(words) > 1 and fold(first) in _LEADING_FUNCTION
            if leading and (first[:1].islower() or words[1][:1].islower()):
                words = words[1:]
                changed = True
            elif len(words) > 1 and first[:1].isupper() and is_demonym(first):
                words = words[1:]  # "le Chinois Xi Jinping", "l'Américain Trump"
                changed = True
            elif len(words) > 1 and is_lower_word(first) and first in common_words() and fold(first) not in NAME_PARTICLES and words[1][:1].isupper():
                words = words[1:]  # a common noun before the name: "affaire Troadec"
                changed = True
    words = _unglue(words)
    if not words:
        return None
    name = " ".join(words).strip(" ,;:.-'")
    if not looks_like_name(name):
        return None
    return name


# What a place named after a person starts with: "Boulevard Victor Hugo", "rue Félix-Éboué".
_PLACE_WORDS = {
    "rue", "boulevard", "avenue", "place", "quai", "allee", "impasse", "square", "cours", "chemin", "route", "pont", "lycee",
    "college", "ecole", "stade", "gare", "station", "eglise", "hopital", "universite", "parc", "jardin", "musee", "prix", "esplanade",
}


def _unglue(words: list[str]) -> list[str]:
    """Drop a word glued before a name, or a "de" phrase glued to it, when a given name shows where the name starts.

    "Irresponsable Laurent Wauquiez" (an adjective of a heading), "Premier Charles Michel"
    (a rank), "Facebook Priscillia Ludosky" (a site), "LFI Alexis Corbière" (a party),
    "Leetchi de Christophe Dettinger" (what belongs to the person): the word before the
    given name is no given name and is a common word, an acronym, a place, a name of
    something else or a title; "Louis Vuitton de Brigitte": a "de" and a lone given name
    after a name are whose it is.
    """
    if words and fold(words[0]) in _PLACE_WORDS:
        return []  # "Boulevard Victor Hugo": a street named after a person
    while len(words) >= 3 and not is_given_name(words[0]) and fold(words[0]) not in NAME_PARTICLES:
        if fold(words[1]) in TITLE_WORDS:
            words = words[2:]  # nothing comes before a title in a name: "Franceinfo Me Arié Alimi"
        elif (is_given_name(words[1]) and _glued_word(words[0])) or _strongly_glued(words[0]):
            words = words[1:]
        elif len(words) >= 4 and words[1] == "de" and is_given_name(words[2]) and words[3][:1].isupper():
            words = words[2:]
        else:
            break
    if len(words) >= 4 and words[-2] == "de" and is_given_name(words[-1]):
        words = words[:-2]
    return words


def _strongly_glued(word: str) -> bool:
    # A site, a brand or an acronym before two more words: "Facebook Priscillia Ludosky".
    return fold(word) in not_person_names() or (is_acronym(word) and len(word) > 1)


def _glued_word(word: str) -> bool:
    folded = fold(word)
    return (
        word.lower() in common_words() or is_acronym(word) or is_place_name(word) or folded in not_person_names()
        or folded in TITLE_WORDS
    ) and folded not in NAME_PARTICLES


def looks_like_name(name: str) -> bool:
    words = name.split()
    if not words or len(words) > 6 or len(name) < 2:
        return False
    if _BAD_CHARS.search(name):
        return False
    letters = [w for w in words if any(ch.isalpha() for ch in w)]
    if len(letters) != len(words):
        return False
    if len(words) == 1 and len(name.rstrip(".")) <= 2:
        return False  # initials and elision fragments: "n'", "J."
    for w in words:
        if is_lower_word(w) and fold(w) not in NAME_PARTICLES and not _PARTICLE_PREFIX.match(w):
            return False  # "DC on Wednesday", "veuillez", "speaks to Israeli Prime Minister"
    if not words[0][:1].isupper() and not (len(words) > 1 and fold(words[0]) in NAME_PARTICLES and words[1][:1].isupper()):
        return False  # a name starts with a capital, or with a particle before one ("de Gaulle")
    if len(words) == 1 and name.isupper() and len(name) <= 5:
        return False  # acronyms: "FSB", "OTAN"
    folded = fold(name)
    if folded in not_person_names() or is_place_name(name) or organisation_words(name):
        return False
    if len(words) == 1 and folded in _LEADING_FUNCTION:
        return False  # an article or a preposition alone: "Les" of a glued heading
    if len(words) > 1 and words[0] in ("Le", "La", "Les") and is_place_name(" ".join(words[1:])):
        return False  # "La France se garde de…" at a sentence start
    if has_organisation_head(name) and not is_given_name(words[0]) and words[0][:1].isupper():  # "Banque de France", not "Marine Le Pen"
        return False
    if fold(words[0]) in _PLACE_WORDS or re.match(r"Saint(?:e)?-", words[0]):
        return False  # a street, a school or a saint's place: "Boulevard Victor Hugo", "Saint-Jean XXIII"
    if len(words) == 1 and "-" in name and not is_given_name(name):
        parts = name.split("-")
        if len(parts) == 2 and is_given_name(parts[0]) and parts[1][:1].isupper() and not is_given_name(parts[1]):
            return False  # "Félix-Éboué", "Lucie-Aubrac": a street or a school named after a person
    common_first = len(words) > 1 and not is_given_name(words[0]) and words[0].lower() in common_words() and fold(words[0]) not in NAME_PARTICLES
    if common_first and all(fold(w) in NAME_PARTICLES or is_place_name(w) or re.fullmatch(r"[IVXLC]+", w) for w in words[1:]):
        return False  # "Vive la France", "Acte VII": a common word, then no name
    # A role after the name ("Emmanuel Macron président") is not a name, but a surname
    # that is a role word after its article is: "Bruno Le Maire".
    return fold(words[-1]) not in TITLE_WORDS or (len(words) > 2 and words[-2] in ("Le", "La"))


def is_lower_word(word: str) -> bool:
    return word[:1].islower()
