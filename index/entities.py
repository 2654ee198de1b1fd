"""Persons and countries an article is about.

spaCy's French model finds person spans; the rules here clean them (titles, elided
articles, demonyms, caption fragments), complete them (a particle the model left out:
"De Gendt", "Marc Ladreit de Lacharrière"), reject what the gazetteers know is a place
or an organisation and what the model itself tags as something else in the same article,
and merge later mentions into the full name ("M. Lavrov" -> "Sergueï Lavrov").
Countries come from countries.find_countries, with person and organisation spans as
guards. bench/eval_entities.py measures all of it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from .aliases import Aliases
from .article import Article, Person
from .countries import find_countries, is_demonym, is_place_name
from .lexicon import MODEL, common_nouns, common_words, is_given_name, not_person_names
from .organisations import find_organisations, has_organisation_head, organisation_words
from .text import ELISION, NAME_PARTICLES, fold

# MODEL (in lexicon.py, whose word lists come from it) is the medium French model: on
# WiNER dev its PER spans, with the rules below, give a person F1 of 0.912 against 0.877
# for the small model, at the same speed (bench/eval_entities.py).
__all__ = ["MODEL", "EntityExtractor", "annotate_from_spans", "clean_person", "common_words", "merge_persons", "not_person_names", "person_mentions"]
# Only the NER component is needed. Its network has its own embedding layer, so even the
# shared tok2vec (which only the parser and tagger listen to) is skipped: same entities,
# about 1.6 times faster; the parser, lemmatizer and morphologizer would cost far more.
EXCLUDED_PIPES = ["tok2vec", "parser", "lemmatizer", "morphologizer", "attribute_ruler", "senter"]
MAX_NER_CHARS = 100_000  # longer texts are rare and their tail adds little to facets

TITLES = [
    "M.", "MM.", "M", "Mme", "Mmes", "Mme.", "Mlle", "Mlles", "Dr", "Dr.", "Pr", "Pr.", "Me", "Mes", "Maîtres", "Mgr", "Sr", "Sir", "Lord",
    "Lady", "Dame", "Maître", "Monsieur", "Madame", "Mademoiselle", "Docteur", "Professeur", "Saint-Père",
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
    "President", "Prime Minister", "Minister", "Senator", "Mr", "Mr.", "Mrs", "Mrs.", "Ms", "Ms.", "Gen.", "Rep.",
]
_TITLE_WORDS = {fold(t) for t in TITLES}
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
            if len(words) > n and fold(" ".join(words[:n])) in _TITLE_WORDS:
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
            elif len(words) > 1 and _is_lower_word(first) and first in common_words() and fold(first) not in NAME_PARTICLES and words[1][:1].isupper():
                words = words[1:]  # a common noun before the name: "affaire Troadec"
                changed = True
    words = _unglue(words)
    if not words:
        return None
    name = " ".join(words).strip(" ,;:.-'")
    if not _looks_like_name(name):
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
        if fold(words[1]) in _TITLE_WORDS:
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
    from .organisations import is_acronym

    return fold(word) in not_person_names() or (is_acronym(word) and len(word) > 1)


def _glued_word(word: str) -> bool:
    from .organisations import is_acronym

    folded = fold(word)
    return (
        word.lower() in common_words() or is_acronym(word) or is_place_name(word) or folded in not_person_names()
        or folded in _TITLE_WORDS
    ) and folded not in NAME_PARTICLES


def _looks_like_name(name: str) -> bool:
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
        if _is_lower_word(w) and fold(w) not in NAME_PARTICLES and not _PARTICLE_PREFIX.match(w):
            return False  # "DC on Wednesday", "veuillez", "speaks to Israeli Prime Minister"
    if not words[0][:1].isupper() and not (len(words) > 1 and fold(words[0]) in NAME_PARTICLES and words[1][:1].isupper()):
        return False  # a name starts with a capital, or with a particle before one ("de Gaulle")
    if len(words) == 1 and name.isupper() and len(name) <= 5:
        return False  # acronyms: "FSB", "OTAN"
    folded = fold(name)
    if folded in not_person_names() or is_place_name(name) or organisation_words(name):
        return False
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
    return fold(words[-1]) not in _TITLE_WORDS or (len(words) > 2 and words[-2] in ("Le", "La"))


def _is_lower_word(word: str) -> bool:
    return word[:1].islower()


@dataclass
class _Cluster:
    name: str  # display form
    key: tuple[str, ...]  # folded words
    mentions: list[str]
    count: int
    facet: bool = True


def merge_persons(mentions: Sequence[tuple[str, str]], forbids: Callable[[str, str], bool] | None = None) -> list[Person]:
    """Group (cleaned name, surface text) mentions of one article into persons.

    A shorter mention joins the longer name that contains its words ("Mattis" and
    "M. Mattis" -> "James Mattis"), unless `forbids(short_key, long_key)` (a split rule
    of the alias file); a lone first name that only starts a longer name ("Donald"
    beside "Donald Trump") is dropped rather than kept as a person.
    """
    counts = Counter(fold(name) for name, _ in mentions)
    forms: dict[str, Counter] = {}
    surfaces: dict[str, list[str]] = {}
    for name, surface in mentions:
        key = fold(name)
        forms.setdefault(key, Counter())[name] += 1
        surfaces.setdefault(key, [])
        for form in (name, " ".join(surface.split())):
            if form not in surfaces[key]:
                surfaces[key].append(form)
    keys = sorted(counts, key=lambda k: (-len(k.split()), -counts[k]))
    clusters: list[_Cluster] = []
    home: dict[str, _Cluster] = {}
    for key in keys:
        words = tuple(key.split())
        container = _best_container(words, [c for c in clusters if not (forbids and forbids(key, " ".join(c.key)))])
        if container is not None:
            _join(container, surfaces[key], counts[key])
            home[key] = container
            continue
        starters = [c for c in clusters if c.key[0] == words[0]] if len(words) == 1 else []
        if len(starters) == 1:  # "Donald" beside "Donald Trump" alone: a mention of him
            _join(starters[0], surfaces[key], counts[key])
            continue
        display = forms[key].most_common(1)[0][0]
        cluster = _Cluster(display, words, list(surfaces[key]), counts[key])
        if starters:  # "Donald" beside "Donald Trump" and "Donald Tusk": no facet value
            cluster.facet = False
        clusters.append(cluster)
        home[key] = cluster
    clusters = _merge_misspellings(clusters)
    clusters.sort(key=lambda c: -c.count)
    return [Person(name=c.name, mentions=c.mentions, facet=c.facet and not first_name_alone(c.name, c.mentions)) for c in clusters]


def _join(cluster: _Cluster, surfaces: Iterable[str], count: int) -> None:
    cluster.count += count
    cluster.mentions.extend(s for s in surfaces if s not in cluster.mentions)


def _merge_misspellings(clusters: list[_Cluster]) -> list[_Cluster]:
    """Join full names that differ by a typo in the surname: "Alain Finkielkraut" and "Alain Finkilekraut".

    Same first words, surnames of at least 6 letters and of a similarity ratio of at least
    0.8: an article names one person twice, never two people spelled so alike.
    """
    kept: list[_Cluster] = []
    for cluster in sorted(clusters, key=lambda c: -c.count):
        twin = next((k for k in kept if _misspelt(k.key, cluster.key)), None)
        if twin is None:
            kept.append(cluster)
        else:
            _join(twin, [cluster.name, *cluster.mentions], cluster.count)
    return kept


def _misspelt(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    if len(a) < 2 or len(a) != len(b) or a[:-1] != b[:-1] or a[-1] == b[-1] or min(len(a[-1]), len(b[-1])) < 6:
        return False
    return SequenceMatcher(None, a[-1], b[-1]).ratio() >= 0.8


def first_name_alone(name: str, mentions: Sequence[str] = ()) -> bool:
    """True when a person is named by a given name only ("Claudie", "Jean-Marc"), never after a title.

    Such a name cannot stand for one person across the archive, so it is no facet value.
    How it is recognised: a list of given names (data/given_names.txt, from Faker's person
    providers, MIT; see lexicon.given_names) rather than the archive's evidence, so that
    the decision is made per article, at indexing, and does not change as the archive
    grows. A hyphenated pair of given names is one ("Anne-Sophie"). A word that is also a
    surname ("Laurent", "Michel") after "M." or "Mme" in a mention is a surname.
    """
    if " " in name.strip():
        return False
    if not (is_given_name(name) or all(is_given_name(part) for part in name.split("-") if part)):
        return False
    return not any(len(m.split()) > 1 and fold(m.split()[0]) in _TITLE_WORDS for m in mentions)


def _best_container(words: tuple[str, ...], clusters: list[_Cluster]) -> _Cluster | None:
    candidates = []
    for cluster in clusters:
        if len(cluster.key) <= len(words):
            continue
        # All the mention's words appear in the longer name, and its last word ends both
        # (a surname): "Lavrov" in "Sergueï Lavrov", "Le Drian" in "Jean-Yves Le Drian".
        if words[-1] == cluster.key[-1] and set(words) <= set(cluster.key):
            candidates.append(cluster)
    if not candidates:
        return None
    return max(candidates, key=lambda c: c.count)


def load_nlp(model: str = MODEL):
    """The spaCy pipeline `model` with only the components NER needs."""
    import spacy

    try:
        return spacy.load(model, exclude=EXCLUDED_PIPES)
    except OSError as exc:
        raise RuntimeError(
            f"the spaCy model {model!r} is not installed; run `make install` "
            f"(it installs the {model.replace('_', '-')} package from PyPI)"
        ) from exc


def ner_spans(doc) -> list[tuple[int, int, str, str]]:
    """(start, end, label, text) of each entity spaCy found in `doc`."""
    return [(e.start_char, e.end_char, e.label_, e.text) for e in doc.ents]


class EntityExtractor:
    """Adds persons and countries to articles, running spaCy in batches."""

    def __init__(self, model: str = MODEL, aliases: Aliases | None = None) -> None:
        self.nlp = load_nlp(model)
        self.aliases = aliases
        common_words()  # load the lexicon with the model, not in the middle of the first batch

    def annotate(self, articles: Iterable[Article], batch_size: int = 32) -> list[Article]:
        """Fill `persons` and `countries` of each article in place; return them."""
        articles = list(articles)
        texts = [_ner_text(a) for a in articles]
        for article, text, doc in zip(articles, texts, self.nlp.pipe(texts, batch_size=batch_size), strict=True):
            annotate_from_spans(article, text, ner_spans(doc), self.aliases)
        return articles


def _ner_text(article: Article) -> str:
    text = f"{article.title}\n\n{article.text}" if article.title else article.text
    return text[:MAX_NER_CHARS]


def annotate_from_spans(article: Article, text: str, spans: Sequence[tuple[int, int, str, str]], aliases: Aliases | None = None) -> None:
    """Derive persons, organisations and countries from NER spans over `text` (title + body), with the alias file's rules."""
    found = person_mentions(text, spans)
    article.persons = merge_persons([(name, surface) for name, surface, _, _ in found], forbids=aliases.forbids if aliases else None)
    if aliases:
        article.persons = aliases.apply(article.persons)
    blocked = [(start, end, "PER") for _, _, start, end in found]
    blocked += _surname_spans(text, article.persons)
    # ORG spans hide the country inside them ("Banque de France"); MISC spans do not: they
    # are mostly events held in the country ("les Jeux de Rio", "la Coupe de Russie").
    blocked += [(s, e, label) for s, e, label, _ in spans if label == "ORG"]
    article.countries = find_countries(text, blocked)
    article.organisations = find_organisations(text, spans, [(start, end) for _, _, start, end in found])


# Words before a place name that a person's name never follows: "la Hollande", "en France".
_PLACE_ARTICLES = {"la", "le", "les", "l", "en", "au", "aux", "du", "des"}


def _surname_spans(text: str, persons: Sequence[Person]) -> list[tuple[int, int, str]]:
    """Spans of the article's persons' surnames where the model did not tag them.

    "l'ancien protégé de Hollande" after "François Hollande" is the person, not the
    Netherlands; "la Hollande" (with an article) stays a place.
    """
    surnames = {p.name.split()[-1] for p in persons if len(p.name.split()) > 1}
    spans = []
    for surname in surnames:
        for m in re.finditer(rf"(?<![\w'’-]){re.escape(surname)}(?![\w-])", text):
            before = re.findall(r"\w+", text[max(0, m.start() - 12):m.start()])
            if not before or before[-1].lower() not in _PLACE_ARTICLES:
                spans.append((m.start(), m.end(), "PER"))
    return spans


def person_mentions(text: str, spans: Sequence[tuple[int, int, str, str]]) -> list[tuple[str, str, int, int]]:
    """(clean name, surface, start, end) of each PER span that is a person's name."""
    other_labels = Counter(fold(surface) for _, _, label, surface in spans if label != "PER")
    org_labels = Counter(fold(surface) for _, _, label, surface in spans if label == "ORG")
    organisations = {start for start, _, label, _ in spans if label == "ORG"}
    per_labels = Counter()
    found = []
    for start, end, label, _ in spans:
        if label in ("ORG", "MISC"):
            start = _person_inside(text, start, end)  # "Justice Nicole Belloubet": the portfolio, then the minister
        elif label != "PER" and not (label == "LOC" and _after_a_title(text, start)):
            continue
        if start is None:
            continue
        start, end = _extend_span(text, start, end, organisations)
        surface = text[start:end]
        name = clean_person(surface)
        if name:
            per_labels[fold(name)] += 1
            found.append((name, surface, start, end))
    return [
        m for m in found
        if not _named_otherwise(m[0], per_labels, other_labels, org_labels) and not _common_word_only(m[0], text) and not _object_name(m[0], text)
    ]


def _person_inside(text: str, start: int, end: int) -> int | None:
    """Where a person's name starts in an ORG or MISC span, or None.

    The model tags "Premier ministre David Cameron" MISC and "Transports Élisabeth Borne"
    (a portfolio, then the minister) ORG: a given name followed by one or two capitalised
    words ends the span. A span after a title is a person's name whole ("le dirigeant
    Recep Tayyip Erdogan").
    """
    if _after_a_title(text, start):
        return start
    surface = text[start:end]
    for word in re.finditer(r"(?<=\s)[A-ZÀ-Ý][\w-]+", surface):
        rest = surface[word.start():]
        if is_given_name(word.group()) and re.fullmatch(r"[A-ZÀ-Ý][\w-]+(?: [A-ZÀ-Ý][\w-]+){1,2}", rest) and not organisation_words(rest):
            return start + word.start()
    return None


# Nouns that take a person's name after them: "l'affaire Benalla", "le gouvernement Philippe".
_NAMING_NOUNS = {
    "affaire", "proces", "dossier", "cas", "clan", "famille", "camp", "gouvernement", "ere", "epoque", "loi", "effet", "methode",
    "style", "reforme", "plan", "rapport", "equipe", "entourage", "fils", "fille", "frere", "soeur", "pere", "mere", "femme",
    "mari", "epouse", "veuve", "ami", "amie", "avocat", "avocate", "sauce", "macronie", "generation", "mouvement", "parti",
}


def _object_name(name: str, text: str) -> bool:
    # A one-word "name" that only ever follows a common noun is part of the name of an
    # object or a thing: "des cocktails Molotov", "un fusil Kalachnikov".
    if " " in name:
        return False
    before = [re.findall(r"[\w'’-]+", text[max(0, m.start() - 30):m.start()])[-1:] for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text)]
    nouns = [b[0] for b in before if b]
    if not nouns or len(nouns) != len(before):
        return False
    return all(w[:1].islower() and w.rstrip("sx") in common_nouns() and fold(w.rstrip("sx")) not in _NAMING_NOUNS | _TITLE_WORDS for w in nouns)


# Capitalised particles that start a surname the model often leaves out: "De Gendt", "Van Aert".
_LEFT_PARTICLES = {"De", "Van", "Von", "Di", "Da", "Del", "Della", "Du", "Mac", "Mc", "Ben", "Abu", "Ibn", "Ter", "Ten", "Le", "La"}
_WORD_BEFORE = re.compile(r"(\w+) $")
# "Marc Ladreit" + " de Lacharrière": a particle and a capitalised word continue a full name.
_PARTICLE_AFTER = re.compile(r"^ (?:de|d'|d’|del|della|van|von|da|di) ?([A-ZÀ-Ý][\w-]+)")


def _extend_span(text: str, start: int, end: int, organisations: set[int]) -> tuple[int, int]:
    """Grow a person span over a particle the model left out, before or after it.

    `organisations` holds the starts of ORG spans: "Alexis Dulguerian de Domino Films"
    does not take the company's first word.
    """
    before = _WORD_BEFORE.search(text, max(0, start - 8), start)
    if before and before.group(1) in _LEFT_PARTICLES and " " not in text[start:end].strip() and not _sentence_start(text, before.start()):
        start = before.start()
    after = _PARTICLE_AFTER.match(text[end:end + 40])
    if after and " " in text[start:end].strip() and end + after.start(1) not in organisations and not _known_other(after.group(1)):
        end += after.end()
    return start, end


_WORDS_BEFORE = re.compile(r"((?:[\w’'.-]+ ){1,3})$")


def _after_a_title(text: str, start: int) -> bool:
    """True when a role or title ends right before `start`: "le dirigeant Recep Tayyip Erdogan".

    The model sometimes tags such a name MISC or LOC; the title says it is a person.
    """
    before = _WORDS_BEFORE.search(text, max(0, start - 40), start)
    if not before:
        return False
    words = before.group(1).split()
    return any(fold(" ".join(words[-n:])) in _TITLE_WORDS for n in range(1, len(words) + 1))


def _known_other(word: str) -> bool:
    return is_place_name(word) or fold(word) in not_person_names()


def _sentence_start(text: str, index: int) -> bool:
    # True when only spaces separate `index` from the start of the text, a line or a sentence.
    head = text[max(0, index - 3):index].rstrip(" ")
    return not head or head[-1] in ".!?:\n–—-"


def _named_otherwise(name: str, per_labels: Counter, other_labels: Counter, org_labels: Counter) -> bool:
    # The model's own vote in the article: "Hilla" tagged LOC as often as PER is a place,
    # "Ironman" tagged MISC as often as PER a race; a longer name tagged ORG as often as
    # PER is the organisation the organisation rules take ("Vinci Autoroutes").
    key = fold(name)
    if len(key.split()) == 1:
        return other_labels[key] >= per_labels[key]
    return org_labels[key] >= per_labels[key]


def _common_word_only(name: str, text: str) -> bool:
    # A one-word "name" that is a French common word and is only ever capitalised at the
    # start of a sentence or a line ("Favori dans sa catégorie", "Géant de l'industrie").
    if " " in name or name.lower() not in common_words():
        return False
    starts = [m.start() for m in re.finditer(rf"\b{re.escape(name)}\b", text)]
    return bool(starts) and all(_sentence_start(text, i) for i in starts)
