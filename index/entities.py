"""Persons and countries an article is about.

spaCy's French model finds person spans; the rules here clean them (titles, elided
articles, caption fragments), reject what the gazetteers know is a place or an
organisation, and merge later mentions into the full name ("M. Lavrov" -> "Sergueï
Lavrov"). Countries come from countries.find_countries, with NER spans as guards.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .analysis import fold
from .article import Article, Person
from .countries import find_countries, is_place_name

MODEL = "fr_core_news_sm"
# Only the NER component (and the tok2vec it listens to) are needed: the parser,
# lemmatizer and morphologizer would triple the cost for nothing we use.
EXCLUDED_PIPES = ["parser", "lemmatizer", "morphologizer", "attribute_ruler", "senter"]
MAX_NER_CHARS = 100_000  # longer texts are rare and their tail adds little to facets

TITLES = [
    "M.", "MM.", "M", "Mme", "Mmes", "Mme.", "Mlle", "Mlles", "Dr", "Dr.", "Pr", "Pr.", "Me", "Mgr", "Sr", "Sir", "Lord",
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
# Lower-case words that are part of names ("Charles de Gaulle", "Ludwig van Beethoven").
NAME_PARTICLES = {
    "de", "du", "des", "d", "la", "le", "van", "von", "der", "den", "di", "da", "dos", "das", "del", "della", "bin",
    "ben", "al", "el", "ibn", "y", "e", "af", "zu", "ter", "ten", "bint", "abu", "st", "mc", "mac", "o",
}
_ELIDED = re.compile(r"^(?:[ldjmnst]|qu|jusqu|lorsqu|puisqu)['’]", re.I)
_BAD_CHARS = re.compile(r"[\d@#/\\|<>{}\[\]=+*_]")


@lru_cache(maxsize=1)
def not_person_names() -> frozenset[str]:
    """Folded names the NER model takes for persons but are not (agencies, brands, caption words)."""
    text = resources.files(__package__).joinpath("data/not_persons.txt").read_text("utf-8")
    return frozenset(fold(line) for line in text.splitlines() if line.strip() and not line.startswith("#"))


def clean_person(span: str) -> str | None:
    """A person's name as written, without titles or elided articles; None if it is not a name."""
    if "\n" in span.strip():
        return None  # a span across lines joins a caption credit to the next line
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
        if not after_title and _ELIDED.match(first) and len(first) > 2:
            words[0] = _ELIDED.sub("", first)
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
    if not words:
        return None
    name = " ".join(words).strip(" ,;:.-'")
    if not _looks_like_name(name):
        return None
    return name


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
        if w[:1].islower() and fold(w) not in NAME_PARTICLES:
            return False  # "DC on Wednesday", "veuillez", "speaks to Israeli Prime Minister"
    if not words[0][:1].isupper() and not (len(words) > 1 and fold(words[0]) in NAME_PARTICLES and words[1][:1].isupper()):
        return False  # a name starts with a capital, or with a particle before one ("de Gaulle")
    if len(words) == 1 and name.isupper() and len(name) <= 5:
        return False  # acronyms: "FSB", "OTAN"
    folded = fold(name)
    if folded in not_person_names() or is_place_name(name):
        return False
    return not any(fold(w) in _TITLE_WORDS for w in words[-1:])


@dataclass
class _Cluster:
    name: str  # display form
    key: tuple[str, ...]  # folded words
    mentions: list[str]
    count: int


def merge_persons(mentions: Sequence[tuple[str, str]]) -> list[Person]:
    """Group (cleaned name, surface text) mentions of one article into persons.

    A shorter mention joins the longer name that contains its words ("Mattis" and
    "M. Mattis" -> "James Mattis"); a lone first name that only starts a longer name
    ("Donald" beside "Donald Trump") is dropped rather than kept as a person.
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
        container = _best_container(words, clusters)
        if container is not None:
            container.count += counts[key]
            for s in surfaces[key]:
                if s not in container.mentions:
                    container.mentions.append(s)
            home[key] = container
            continue
        if len(words) == 1 and any(c.key[0] == words[0] for c in clusters):
            continue
        display = forms[key].most_common(1)[0][0]
        cluster = _Cluster(display, words, list(surfaces[key]), counts[key])
        clusters.append(cluster)
        home[key] = cluster
    clusters.sort(key=lambda c: -c.count)
    return [Person(name=c.name, mentions=c.mentions) for c in clusters]


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


class EntityExtractor:
    """Adds persons and countries to articles, running spaCy in batches."""

    def __init__(self, model: str = MODEL) -> None:
        import spacy

        try:
            self.nlp = spacy.load(model, exclude=EXCLUDED_PIPES)
        except OSError as exc:
            raise RuntimeError(
                f"the spaCy model {model!r} is not installed; run `make install` "
                f"(it installs the {model.replace('_', '-')} package from PyPI)"
            ) from exc

    def annotate(self, articles: Iterable[Article], batch_size: int = 32) -> list[Article]:
        """Fill `persons` and `countries` of each article in place; return them."""
        articles = list(articles)
        texts = [_ner_text(a) for a in articles]
        for article, text, doc in zip(articles, texts, self.nlp.pipe(texts, batch_size=batch_size), strict=True):
            spans = [(e.start_char, e.end_char, e.label_, e.text) for e in doc.ents]
            annotate_from_spans(article, text, spans)
        return articles


def _ner_text(article: Article) -> str:
    text = f"{article.title}\n\n{article.text}" if article.title else article.text
    return text[:MAX_NER_CHARS]


def annotate_from_spans(article: Article, text: str, spans: Sequence[tuple[int, int, str, str]]) -> None:
    """Derive persons and countries from NER spans over `text` (title + body)."""
    mentions = []
    person_spans = []
    for start, end, label, surface in spans:
        if label != "PER":
            continue
        name = clean_person(surface)
        if name:
            mentions.append((name, surface))
            person_spans.append((start, end, "PER"))
    article.persons = merge_persons(mentions)
    blocked = person_spans + [(s, e, label) for s, e, label, _ in spans if label in ("ORG", "MISC")]
    article.countries = find_countries(text, blocked)
