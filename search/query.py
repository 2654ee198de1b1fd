"""Query text -> Whoosh queries: the parser (words, phrases, operators in French and English, fields), free text, terms."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable

from whoosh import qparser, query
from whoosh.analysis import Analyzer
from whoosh.fields import Schema
from whoosh.qparser import syntax
from whoosh.qparser.dateparse import DateParserPlugin
from whoosh.reading import IndexReader

from .request import QueryError

MAX_QUERY_TERMS = 64
MIN_WILDCARD_PREFIX = 2
# The fields each "within" searches, with their weights.
WITHIN_FIELDS = {"text": {"title": 2.0, "body": 1.0}, "exact": {"exact": 1.0}, "quotes": {"quote": 1.0}}

# A query of more plain words than this, without operators, fields, quotes or wildcards,
# is free text (a pasted sentence, a headline): requiring every word would find nothing.
FREE_TEXT_WORDS = 6
# Free text is scored on its most selective terms only: rare words identify an article,
# common ones add cost (long posting lists) and little ranking signal.
FREE_TEXT_TERMS = 10
_OPERATORS = re.compile(r"(?<!\S)(?:AND|OR|NOT|ET|OU|SAUF|ANDNOT|ANDMAYBE)(?!\S)")
_IN_WORD_WILDCARD = re.compile(r"\w\*|\*\w|\?\w")  # "coop?ration", "coop*"; a "?" ending a word ends a question
_PLAIN_WORD = re.compile(r"\w+(?:['’\-‐]\w+)*")

# Words a French user types for the fields, besides the English names.
FIELD_ALIASES = {
    "title": ["titre"],
    "body": ["texte", "text", "corps"],
    "person": ["personne", "persons", "personnes"],
    "country": ["pays", "countries"],
    "author": ["auteur"],
    "source": ["média", "media", "publication", "journal"],
    "organisation": ["org", "organization", "organisme"],
    "agency": ["agence"],
    "signature": ["signataire", "journaliste"],
    "language": ["langue"],
    "year": ["année", "annee"],
    "exact": ["forme", "exactement"],
}


_FIELD_NAMES = sorted({*FIELD_ALIASES, *(a for aliases in FIELD_ALIASES.values() for a in aliases), "date", "id", "url"})
_FIELD_PREFIX = re.compile(r"(?<![\w-])(?:{}):".format("|".join(map(re.escape, _FIELD_NAMES))), re.I)


def make_parser(schema: Schema, within: str = "text") -> qparser.QueryParser:
    """The query parser: words AND-ed in title and body (or the `within` fields), "phrases", AND/OR/NOT (and ET/OU/SAUF), fields."""
    boosts = {name: weight for name, weight in WITHIN_FIELDS[within].items() if name in schema}
    parser = qparser.MultifieldParser(list(boosts), schema, fieldboosts=boosts, group=qparser.AndGroup)
    parser.add_plugin(DateParserPlugin(free=False))
    parser.add_plugin(qparser.FieldAliasPlugin(FIELD_ALIASES))
    parser.replace_plugin(
        qparser.OperatorsPlugin(
            And=r"(?<=\s)(?:AND|ET)(?=\s)",
            Or=r"(?<=\s)(?:OR|OU)(?=\s)",
            AndNot=r"(?<=\s)ANDNOT(?=\s)",
            AndMaybe=r"(?<=\s)ANDMAYBE(?=\s)",
            Not=r"(^|(?<=(\s|[()])))(?:NOT|SAUF)(?=\s)",
        )
    )
    return parser


def _errors(node: syntax.SyntaxNode) -> list[str]:
    found: list[str] = []
    if isinstance(node, syntax.ErrorNode):
        found.append(node.message)
    for child in getattr(node, "nodes", []) or []:
        found.extend(_errors(child))
    inner = getattr(node, "node", None)
    if inner is not None and not isinstance(node, syntax.ErrorNode):
        found.extend(_errors(inner))
    return found


def parse_query(parser: qparser.QueryParser, text: str) -> query.Query | None:
    """The Whoosh query for `text` (None for an empty query); QueryError when it cannot run."""
    if not text.strip():
        return None
    internal = re.search(r"(?<![\w])({}):".format("|".join(sorted(INTERNAL_FIELDS))), text)
    if internal:
        raise QueryError(f"{internal.group(1)}: is not a searchable field (fields: {SEARCHABLE})")
    try:
        tree = parser.process(text)
        errors = _errors(tree)
        if errors:
            raise QueryError(f"cannot read the query: {errors[0]}")
        q = tree.query(parser).normalize()
    except QueryError:
        raise
    except Exception as exc:
        raise QueryError(f"cannot read the query near its operators ({type(exc).__name__}); check AND/OR/NOT and parentheses") from exc
    _check(q)
    return q


# Fields that hold internal data, not text a user can search.
SEARCHABLE = "title, body, person, organisation, country, source, agency, language, author, signature, date, year, exact"
INTERNAL_FIELDS = {"article", "fingerprint", "day_newest", "day_oldest", "person_form", "organisation_form", "organisation_mention",
                   "source_name", "facet_terms", "signature_form"}


def _check(q: query.Query) -> None:
    terms = 0
    for node in q.leaves():
        if getattr(node, "fieldname", None) in INTERNAL_FIELDS:
            raise QueryError(f"{node.fieldname}: is not a searchable field (fields: {SEARCHABLE})")
        if isinstance(node, (query.Wildcard, query.Prefix)):
            text = node.text
            prefix = re.split(r"[*?]", text, maxsplit=1)[0]
            if len(prefix) < MIN_WILDCARD_PREFIX:
                raise QueryError(f"a wildcard needs at least {MIN_WILDCARD_PREFIX} letters before it ({text!r}); to list everything, leave the query empty")
        if isinstance(node, query.Phrase):
            terms += len(node.words)
        else:
            terms += 1
    if terms > MAX_QUERY_TERMS * 2:  # title and body each carry a copy of every word
        raise QueryError(f"the query has too many words (at most {MAX_QUERY_TERMS})")


def is_free_text(text: str) -> bool:
    """True for a long plain query: more than FREE_TEXT_WORDS words and no operator, `field:` or wildcard.

    Quotes, parentheses and question marks do not count as syntax here: a pasted headline
    has them ("Ségur de la santé", a question) and means its words.
    """
    if len(_PLAIN_WORD.findall(text)) <= FREE_TEXT_WORDS:
        return False
    return not (_OPERATORS.search(text) or _IN_WORD_WILDCARD.search(text) or _FIELD_PREFIX.search(text))


def free_text_query(text: str, schema: Schema, reader: IndexReader, max_terms: int = FREE_TEXT_TERMS,
                    doc_frequency: Callable[[str, str], int] | None = None) -> query.Query | None:
    """A ranked OR over the `max_terms` rarest terms of `text` in titles and bodies (None if no term is in the archive).

    Rarest first by document frequency, ties in query order. BM25 then ranks documents
    that match more and rarer terms first, which is what finding an article from its
    headline needs; the searcher also rewards the query's word pairs found in sequence.
    `doc_frequency(field, term)` defaults to the reader's (a generation's cache is faster).
    """
    doc_frequency = doc_frequency or reader.doc_frequency
    terms: dict[str, int] = {}
    for token in schema["body"].analyzer(text):
        terms.setdefault(token.text, len(terms))
    ranked = []
    for term, order in terms.items():
        df = doc_frequency("body", term) + doc_frequency("title", term)
        if df:
            ranked.append((df, order, term))
    if not ranked:
        return None
    chosen = [term for _, _, term in sorted(ranked)[:max_terms]]
    # Titles already weigh twice at indexing (field boost); a normal query doubles that
    # again, which here lets any article with a word in its title outrank the one that
    # contains the whole sentence. Free text gives titles and bodies the same weight.
    return query.Or([query.Or([query.Term("title", t, boost=0.5), query.Term("body", t)]) for t in chosen])


def word_pairs(text: str, analyzer: Analyzer) -> set[tuple[str, str]]:
    """Consecutive analysed terms of `text` (stop words do not separate them: they are not indexed)."""
    spans = getattr(analyzer, "spans", None)
    tokens = [(pos, term) for pos, _, _, term, _ in spans(text)] if spans else [(t.pos, t.text) for t in analyzer(text, positions=True)]
    return {(a, b) for (pa, a), (pb, b) in itertools.pairwise(tokens) if pb == pa + 1}


def shared_pairs(text: str, pairs: set[tuple[str, str]], analyzer: Analyzer) -> set[tuple[str, str]]:
    """The query's word `pairs` that `text` holds in sequence: `pairs & word_pairs(text, analyzer)`, without positions.

    With stop words renumbered away (the French chain), consecutive kept terms are
    consecutive positions, so one walk over the terms finds the pairs, without building
    a token, a position and a pair for every word of the article (the proximity bonus
    reads 30 whole articles per long query). Tested equal to word_pairs on real articles.
    """
    kept_terms = getattr(analyzer, "kept_terms", None)
    if kept_terms is None or not getattr(analyzer, "renumber", False):
        return pairs & word_pairs(text, analyzer)
    found: set[tuple[str, str]] = set()
    previous = None
    for term in kept_terms(text):
        if previous is not None and (previous, term) in pairs:
            found.add((previous, term))
        previous = term
    return found


def date_filter(date_from: dt.date | None, date_to: dt.date | None) -> query.Query | None:
    """A date range query over publication dates (either end may be open)."""
    if not date_from and not date_to:
        return None
    start = dt.datetime.combine(date_from, dt.time.min) if date_from else None
    end = dt.datetime.combine(date_to, dt.time.max) if date_to else None
    return query.DateRange("date", start, end)


def query_terms(q: query.Query | None, fields: tuple[str, ...] = ("title", "body")) -> set[str]:
    """The analysed terms a query looks for in the text fields (for highlighting whole texts)."""
    if q is None:
        return set()
    terms = set()
    for node in q.leaves():
        if isinstance(node, query.Not) or getattr(node, "fieldname", None) not in fields:
            continue
        if isinstance(node, query.Term):
            terms.add(node.text if isinstance(node.text, str) else node.text.decode("utf-8"))
        elif isinstance(node, query.Phrase):
            terms.update(node.words)
    return terms - _negated_terms(q, fields)


def _negated_terms(q: query.Query, fields: tuple[str, ...]) -> set[str]:
    found = set()
    if isinstance(q, query.Not):
        for node in q.query.leaves():
            if isinstance(node, query.Term) and node.fieldname in fields:
                found.add(node.text)
    for child in q.children() if not q.is_leaf() else []:
        found |= _negated_terms(child, fields)
    return found
