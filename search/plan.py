"""Planning a search: a validated request becomes the query that scores, the filters that do not, and what to highlight."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

from whoosh import query
from whoosh.fields import Schema
from whoosh.reading import IndexReader

from newsarchive.index.text import fold

from .facets import FACETS, NAME_FACETS, FacetCache
from .keeping import Collections
from .postings import IndexArrays
from .query import WITHIN_FIELDS, date_filter, free_text_query, is_free_text, make_parser, parse_query, query_terms
from .request import WITHIN, QueryError, SearchRequest

PARSED_QUERIES = 2048  # parsed query texts remembered


@dataclass
class Plan:
    """A request as queries: `text_query` scores (None for an empty query), the filters narrow without scoring."""

    request: SearchRequest
    text_query: query.Query | None
    other_filters: list[query.Query]  # dates, speakers, quotations, group
    facet_filters: dict[str, query.Query]  # by facet: what its chosen values select
    shown: dict[str, Any]  # the filters as the result reports them (display names, country labels)
    terms: set[str]  # analysed terms to highlight
    speakers: set[str] = field(default_factory=set)  # person keys of `quote_by`
    free_text: bool = False
    notice: str | None = None  # a key of results.NOTICES

    @property
    def filters(self) -> list[query.Query]:
        return [*self.other_filters, *self.facet_filters.values()]

    def without(self, facet: str) -> Plan:
        """The same plan without the filter of one facet (to count that facet's other values: multi-select)."""
        return replace(self, facet_filters={k: v for k, v in self.facet_filters.items() if k != facet})

    @property
    def scored(self) -> query.Query:
        return self.text_query if self.text_query is not None else query.Every()

    @property
    def whole(self) -> query.Query:
        """The query and the filters as one Whoosh query (for the Whoosh path)."""
        # Whoosh's And.normalize() swallows everything into an Every() member, so an
        # empty query with filters is the filters alone.
        if not self.filters:
            return self.scored
        if self.text_query is None:
            return query.And(self.filters).normalize() if len(self.filters) > 1 else self.filters[0]
        return query.And([self.scored, *self.filters]).normalize()


class Planner:
    """Plans requests for one index schema; remembers parsed query texts (Whoosh queries are immutable)."""

    def __init__(self, schema: Schema, collections: Collections | None = None) -> None:
        """`collections` (keeping.Collections) gives the articles of a `collection=` filter."""
        self.schema = schema
        self.collections = collections
        self.parsers = {within: make_parser(schema, within) for within in WITHIN}
        self._parsed: dict[tuple[str, str], query.Query | None] = {}

    def parse(self, text: str, within: str = "text") -> query.Query | None:
        """parse_query, remembered: the same text always parses the same way for one index."""
        found = self._parsed.get((within, text))
        if found is None:
            found = parse_query(self.parsers[within], text)  # QueryError propagates and is not remembered
            if len(self._parsed) >= PARSED_QUERIES:
                self._parsed.clear()
            self._parsed[(within, text)] = found
        return found

    def plan(self, request: SearchRequest, reader: IndexReader, facets: FacetCache, arrays: IndexArrays | None = None) -> Plan:
        """The queries of a validated request, against this reader's terms and these facets' person names.

        With the generation's `arrays` (postings.IndexArrays), term frequencies come from its cache.
        """
        notice = None
        free_text = request.within == "text" and is_free_text(request.query)
        if free_text:
            frequency = partial(arrays.doc_frequency, reader) if arrays is not None else None
            text_query = free_text_query(request.query, self.schema, reader, doc_frequency=frequency)
            notice = "free_text" if text_query is not None else "no_known_word"
            text_query = text_query or query.NullQuery
        else:
            text_query = self.parse(request.query, request.within)
            if text_query is query.NullQuery:
                notice = "no_searchable_word"
        if text_query is not None and text_query is not query.NullQuery:
            text_query = _resolve_names(text_query, facets)
            if request.within == "text" and not free_text:
                text_query = self._names_as_written(text_query, request.query, reader, facets)
        facet_filters, shown = _facet_filters(request, facets)
        other_filters = _other_filters(request, facets, shown) + self._collection_filter(request, shown)
        terms = query_terms(text_query if text_query is not query.NullQuery else None, tuple(WITHIN_FIELDS[request.within]))
        return Plan(request, text_query, other_filters, facet_filters, shown, terms, speaker_keys(request, facets), free_text, notice)


    def _collection_filter(self, request: SearchRequest, shown: dict[str, Any]) -> list[query.Query]:
        """The articles kept in any of the request's collections (QueryError for a collection that does not exist)."""
        if not request.collections:
            return []
        ids: list[str] = []
        for name in request.collections:
            kept = self.collections.articles(name) if self.collections is not None else None
            if kept is None:
                raise QueryError(f"no collection named {name[:100]!r}")
            ids += [k.id for k in kept]
        shown["collections"] = list(request.collections)
        return [_any_term("id", list(dict.fromkeys(ids))) if ids else query.NullQuery]

    def _names_as_written(self, q: query.Query, text: str, reader: IndexReader, facets: FacetCache) -> query.Query:
        """A capitalised query word that is the surname of a person of the archive matches the name, not its stem's family.

        Snowball stems "Macron", "macronie" and "macroniste" alike; a user who types the name
        wants the name (as Elasticsearch's keyword_marker keeps words out of stemming). The
        stemmed term still scores; a filter of no weight requires one of the word's written
        forms (with or without accents) in the exact-form field.
        """
        analyzer = self.schema["body"].analyzer
        typed: dict[str, str] = {}
        for token in analyzer(text, chars=True):
            word = text[token.startchar:token.endchar]
            if word[:1].isupper() and fold(word) in facets.surnames:
                typed[token.text] = word
        if not typed or "exact" not in self.schema:
            return q

        def rewrite(node: query.Query) -> query.Query:
            if isinstance(node, query.Term) and node.fieldname in ("title", "body") and node.text in typed:
                forms = facets.written_forms(typed[node.text])
                if forms:
                    return query.And([node, _any_term("exact", forms, boost=0.0)])
            return node

        return q.accept(rewrite)


def speaker_keys(request: SearchRequest, facets: FacetCache) -> set[str]:
    """The person keys of the request's `quote_by` names (the folded name when the archive does not know it)."""
    keys: set[str] = set()
    for name in request.quote_by:
        keys.update(facets.person_keys(name) or [fold(name)])
    return keys


def _any_term(fieldname: str, keys: list[str], boost: float = 1.0) -> query.Query:
    terms = [query.Term(fieldname, k, boost=boost) for k in keys]
    return query.Or(terms) if len(terms) > 1 else terms[0]


# Query fields whose text names a facet value: `person:lavrov`, `org:CGT`, `source:"Le Point"`, `agency:afp`.
_NAMED_FIELDS = (*NAME_FACETS, "source", "agency", "signature")


def _resolve_names(q: query.Query, facets: FacetCache) -> query.Query:
    """`person:lavrov` -> the person keys it names ("serguei lavrov"); the same for organisations, sources and agencies."""

    def rewrite(node: query.Query) -> query.Query:
        if isinstance(node, (query.Term, query.Phrase)) and node.fieldname in _NAMED_FIELDS:
            text = node.text if isinstance(node, query.Term) else " ".join(node.words)
            terms = facets.terms_for(node.fieldname, text)
            return _any_term(node.fieldname, terms) if terms else query.Term(node.fieldname, text)
        return node

    return q.accept(rewrite)


def _facet_filters(request: SearchRequest, facets: FacetCache) -> tuple[dict[str, query.Query], dict[str, Any]]:
    """Each facet's chosen values as one query (all of them, or any of them for a publication, a language, an agency)."""
    found: dict[str, query.Query] = {}
    shown: dict[str, Any] = {}
    for kind in FACETS:
        values = getattr(request, kind.request)
        if not values:
            continue
        parts = []
        for value in values:
            terms = facets.terms_for(kind.name, value)
            parts.append(_any_term(kind.name, terms) if terms else query.NullQuery)
        found[kind.name] = parts[0] if len(parts) == 1 else (query.Or(parts) if kind.any_of else query.And(parts))
        shown[kind.request] = [facets.shown(kind.name, value) for value in values]
    return found, shown


def _other_filters(request: SearchRequest, facets: FacetCache, shown: dict[str, Any]) -> list[query.Query]:
    parts: list[query.Query] = []
    dates = date_filter(request.date_from, request.date_to)
    if dates is not None:
        parts.append(dates)
        shown["from"] = request.date_from.isoformat() if request.date_from else None
        shown["to"] = request.date_to.isoformat() if request.date_to else None
    speakers = []
    for name in request.quote_by:
        keys = facets.person_keys(name) or [fold(name)]
        speakers.append(facets.person_name(keys[0]))
        parts.append(_any_term("quote_by", keys))
    if speakers:
        shown["quote_by"] = speakers
    if request.within == "quotes" and not request.quote_by:
        parts.append(query.Term("has", "quote"))  # articles with quotations at all
    if request.group:
        parts.append(query.Term("dup_group", request.group))
        shown["group"] = request.group
    return parts
