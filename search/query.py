"""A user's search, validated: query text, filters, dates, sort and page -> Whoosh queries."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass, field

from whoosh import qparser, query
from whoosh.qparser import syntax
from whoosh.qparser.dateparse import DateParserPlugin

from newsarchive.index.countries import country_labels, resolve_country

MAX_QUERY_CHARS = 1000
MAX_QUERY_TERMS = 64
MAX_FILTER_VALUES = 20
MAX_PAGE = 1000
MAX_LIMIT = 100
MIN_WILDCARD_PREFIX = 2
SORTS = ("relevance", "newest", "oldest")
WITHIN = ("text", "exact", "quotes")
COUNTS = ("articles", "groups")
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
    "source": ["média", "media"],
    "year": ["année", "annee"],
    "exact": ["forme", "exactement"],
}


_FIELD_NAMES = sorted({*FIELD_ALIASES, *(a for aliases in FIELD_ALIASES.values() for a in aliases), "date", "id", "url", "language"})
_FIELD_PREFIX = re.compile(r"(?<![\w-])(?:{}):".format("|".join(map(re.escape, _FIELD_NAMES))), re.I)


class QueryError(ValueError):
    """The search cannot run as asked; the message tells the user what to change."""


@dataclass
class SearchRequest:
    """Everything that defines one search (and one URL of the search page)."""

    query: str = ""
    persons: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sort: str = "relevance"
    page: int = 1
    limit: int = 10
    facet_limit: int = 10
    # Where the words are looked for: "text" (titles and bodies, stemmed and folded),
    # "exact" (word forms as written) or "quotes" (inside quotations only).
    within: str = "text"
    quote_by: list[str] = field(default_factory=list)  # quotations by these persons (implies within="quotes")
    all_versions: bool = False  # every near-duplicate version, instead of one result per group
    group: str | None = None  # only the versions of this near-duplicate group
    count: str = "articles"  # facet counts: "articles", or "groups" (each near-duplicate group once)

    def validate(self) -> SearchRequest:
        """Check every parameter; raise QueryError with a helpful message when one is wrong."""
        if not isinstance(self.query, str):
            raise QueryError("the query must be text")
        self.query = _clean_text(self.query)
        if len(self.query) > MAX_QUERY_CHARS:
            raise QueryError(f"the query is too long ({len(self.query)} characters; at most {MAX_QUERY_CHARS})")
        if self.sort not in SORTS:
            raise QueryError(f"unknown sort {self.sort!r}: use one of {', '.join(SORTS)}")
        if not 1 <= self.page <= MAX_PAGE:
            raise QueryError(f"page must be between 1 and {MAX_PAGE}")
        if not 1 <= self.limit <= MAX_LIMIT:
            raise QueryError(f"limit must be between 1 and {MAX_LIMIT}")
        if not 0 <= self.facet_limit <= 1000:
            raise QueryError("facet_limit must be between 0 and 1000")
        self.persons = [_clean_text(p) for p in self.persons if p and _clean_text(p)]
        self.countries = [_clean_text(c) for c in self.countries if c and _clean_text(c)]
        if len(self.persons) + len(self.countries) > MAX_FILTER_VALUES:
            raise QueryError(f"too many filters (at most {MAX_FILTER_VALUES})")
        for name in self.persons:
            if len(name) > 200:
                raise QueryError("a person filter is too long (at most 200 characters)")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise QueryError(f"the start date {self.date_from} is after the end date {self.date_to}")
        self.quote_by = [_clean_text(p) for p in self.quote_by if p and _clean_text(p)]
        if len(self.quote_by) > MAX_FILTER_VALUES or any(len(p) > 200 for p in self.quote_by):
            raise QueryError(f"too many or too long speaker filters (at most {MAX_FILTER_VALUES} of 200 characters)")
        if self.quote_by:
            self.within = "quotes"
        if self.within not in WITHIN:
            raise QueryError(f"unknown 'within' {self.within!r}: use one of {', '.join(WITHIN)}")
        if self.count not in COUNTS:
            raise QueryError(f"unknown count {self.count!r}: use articles or groups")
        if self.group is not None and not re.fullmatch(r"[uc][0-9a-f]{19}", self.group):
            raise QueryError(f"{self.group[:40]!r} is not a group id")
        return self

    def country_codes(self) -> list[str]:
        """The country filters as ISO codes; QueryError for a name nobody knows."""
        codes = []
        for value in self.countries:
            code = resolve_country(value)
            if code is None:
                raise QueryError(f"unknown country {value!r}: use an ISO code (RU) or a French or English name (Russie, Russia)")
            if code not in codes:
                codes.append(code)
        return codes


def _clean_text(text: str) -> str:
    # Control characters come from copy-paste and hostile clients; they never mean anything here.
    return re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", " ", text).strip()


def parse_date_bound(text: str | None, end: bool = False) -> dt.date | None:
    """Read YYYY, YYYY-MM or YYYY-MM-DD as the start (or, with `end`, the last day) of that period."""
    if text is None or not str(text).strip():
        return None
    text = str(text).strip()
    match = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", text)
    if not match:
        raise QueryError(f"cannot read the date {text!r}: write it as YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = int(match[1]), match[2], match[3]
    try:
        if day:
            return dt.date(year, int(month), int(day))
        if month:
            first = dt.date(year, int(month), 1)
            if not end:
                return first
            following = dt.date(year + (first.month == 12), first.month % 12 + 1, 1)
            return following - dt.timedelta(days=1)
        return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
    except ValueError:
        raise QueryError(f"{text!r} is not a real date") from None


def make_parser(schema, within: str = "text") -> qparser.QueryParser:
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


def _errors(node) -> list[str]:
    found = []
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
        raise QueryError(f"{internal.group(1)}: is not a searchable field (fields: title, body, person, country, author, source, date, year, exact)")
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
INTERNAL_FIELDS = {"article", "fingerprint", "day_newest", "day_oldest", "person_form"}


def _check(q: query.Query) -> None:
    terms = 0
    for node in q.leaves():
        if getattr(node, "fieldname", None) in INTERNAL_FIELDS:
            raise QueryError(f"{node.fieldname}: is not a searchable field (fields: title, body, person, country, author, source, date, year, exact)")
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


def free_text_query(text: str, schema, reader, max_terms: int = FREE_TEXT_TERMS) -> query.Query | None:
    """A ranked OR over the `max_terms` rarest terms of `text` in titles and bodies (None if no term is in the archive).

    Rarest first by document frequency, ties in query order. BM25 then ranks documents
    that match more and rarer terms first, which is what finding an article from its
    headline needs; the searcher also rewards the query's word pairs found in sequence.
    """
    terms: dict[str, int] = {}
    for token in schema["body"].analyzer(text):
        terms.setdefault(token.text, len(terms))
    ranked = []
    for term, order in terms.items():
        df = reader.doc_frequency("body", term) + reader.doc_frequency("title", term)
        if df:
            ranked.append((df, order, term))
    if not ranked:
        return None
    chosen = [term for _, _, term in sorted(ranked)[:max_terms]]
    # Titles already weigh twice at indexing (field boost); a normal query doubles that
    # again, which here lets any article with a word in its title outrank the one that
    # contains the whole sentence. Free text gives titles and bodies the same weight.
    return query.Or([query.Or([query.Term("title", t, boost=0.5), query.Term("body", t)]) for t in chosen])


def word_pairs(text: str, analyzer) -> set[tuple[str, str]]:
    """Consecutive analysed terms of `text` (stop words do not separate them: they are not indexed)."""
    spans = getattr(analyzer, "_spans", None)
    tokens = [(pos, term) for pos, _, _, term, _ in spans(text)] if spans else [(t.pos, t.text) for t in analyzer(text, positions=True)]
    return {(a, b) for (pa, a), (pb, b) in itertools.pairwise(tokens) if pb == pa + 1}


def date_filter(date_from: dt.date | None, date_to: dt.date | None) -> query.Query | None:
    """A date range query over publication dates (either end may be open)."""
    if not date_from and not date_to:
        return None
    start = dt.datetime.combine(date_from, dt.time.min) if date_from else None
    end = dt.datetime.combine(date_to, dt.time.max) if date_to else None
    return query.DateRange("date", start, end)


def country_label(code: str) -> str:
    """The French name shown for a country code."""
    return country_labels().get(code, code)


def request_from_args(args) -> SearchRequest:
    """A SearchRequest from URL parameters (a Werkzeug MultiDict or a dict of lists)."""

    def get_all(name: str) -> list[str]:
        if hasattr(args, "getlist"):
            return [v for v in args.getlist(name)]
        value = args.get(name)
        if value is None:
            return []
        return list(value) if isinstance(value, (list, tuple)) else [value]

    def get(name: str, default: str | None = None) -> str | None:
        values = get_all(name)
        return values[0] if values else default

    def number(name: str, default: int) -> int:
        raw = get(name)
        if raw is None or raw == "":
            return default
        try:
            return int(raw)
        except ValueError:
            raise QueryError(f"{name} must be a whole number, not {raw[:40]!r}") from None

    return SearchRequest(
        query=get("q", "") or "",
        persons=get_all("person"),
        countries=get_all("country"),
        date_from=parse_date_bound(get("from")),
        date_to=parse_date_bound(get("to"), end=True),
        sort=get("sort", "relevance") or "relevance",
        page=number("page", 1),
        limit=number("limit", 10),
        facet_limit=number("facet_limit", 10),
        within=get("within", "text") or "text",
        quote_by=get_all("quote_by"),
        all_versions=(get("versions") or "") == "all",
        group=get("group") or None,
        count=get("count", "articles") or "articles",
    ).validate()


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
