"""The entity stage of indexing: spaCy's French model over title and text, then the rules.

`EntityExtractor` runs the model (its NER component only) in batches and
`annotate_from_spans` derives each article's persons (persons.py), countries
(countries.py, with the person and ORG spans as guards) and organisations
(organisations.py) from its spans. bench/eval_entities.py scores the same function.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from ..article import Article, Person
from .aliases import Aliases
from .countries import find_countries
from .lexicon import MODEL, common_words
from .org_names import own_publication, publication_forms
from .organisations import find_organisations
from .persons import merge_persons, person_mentions

# MODEL (in lexicon.py, whose word lists come from it) is the medium French model: on
# WiNER dev its PER spans, with the rules, give a person F1 of 0.915 against about 0.88
# for the small model, at the same speed (bench/eval_entities.py).
# Only the NER component is needed. Its network has its own embedding layer, so even the
# shared tok2vec (which only the parser and tagger listen to) is skipped: same entities,
# about 1.6 times faster; the parser, lemmatizer and morphologizer would cost far more.
EXCLUDED_PIPES = ["tok2vec", "parser", "lemmatizer", "morphologizer", "attribute_ruler", "senter"]
MAX_NER_CHARS = 100_000  # longer texts are rare and their tail adds little to facets


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
        texts = [ner_text(a) for a in articles]
        for article, text, doc in zip(articles, texts, self.nlp.pipe(texts, batch_size=batch_size), strict=True):
            annotate_from_spans(article, text, ner_spans(doc), self.aliases)
        return articles


def ner_text(article: Article) -> str:
    """What spaCy reads of an article: title and body, cut at MAX_NER_CHARS."""
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
    organisations = find_organisations(text, spans, [(start, end) for _, _, start, end in found], aliases.forbids if aliases else None)
    # An article naming its own publication (a credit line, "a appris Le Figaro") is not about it.
    publication = publication_forms(article.source, article.url)
    article.organisations = [o for o in organisations if not own_publication(o, publication)]


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
