"""Planning a search: a validated request becomes the query that scores, the filters that do not, and what to highlight."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from whoosh import query

from newsarchive.index.countries import country_label
from newsarchive.index.text import fold

from .facets import FacetCache
from .query import WITHIN_FIELDS, date_filter, free_text_query, is_free_text, make_parser, parse_query, query_terms
from .request import WITHIN, SearchRequest

PARSED_QUERIES = 2048  # parsed query texts remembered


@dataclass
class Plan:
    """A request as queries: `text_query` scores (None for an empty query), `filters` narrow without scoring."""

    request: SearchRequest
    text_query: query.Query | None
    filters: list[query.Query]
    shown: dict[str, Any]  # the filters as the result reports them (display names, country labels)
    terms: set[str]  # analysed terms to highlight
    speakers: set[str] = field(default_factory=set)  # person keys of `quote_by`
    free_text: bool = False
    notice: str | None = None  # a key of results.NOTICES

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

    def __init__(self, schema) -> None:
        self.schema = schema
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

    def plan(self, request: SearchRequest, reader, facets: FacetCache) -> Plan:
        """The queries of a validated request, against this reader's terms and these facets' person names."""
        notice = None
        free_text = request.within == "text" and is_free_text(request.query)
        if free_text:
            text_query = free_text_query(request.query, self.schema, reader)
            notice = "free_text" if text_query is not None else "no_known_word"
            text_query = text_query or query.NullQuery
        else:
            text_query = self.parse(request.query, request.within)
            if text_query is query.NullQuery:
                notice = "no_searchable_word"
        if text_query is not None and text_query is not query.NullQuery:
            text_query = _resolve_persons(text_query, facets)
        filters, shown = _filters(request, facets)
        terms = query_terms(text_query if text_query is not query.NullQuery else None, tuple(WITHIN_FIELDS[request.within]))
        return Plan(request, text_query, filters, shown, terms, speaker_keys(request, facets), free_text, notice)


def speaker_keys(request: SearchRequest, facets: FacetCache) -> set[str]:
    """The person keys of the request's `quote_by` names (the folded name when the archive does not know it)."""
    keys: set[str] = set()
    for name in request.quote_by:
        keys.update(facets.person_keys(name) or [fold(name)])
    return keys


def _any_term(fieldname: str, keys: list[str]) -> query.Query:
    return query.Or([query.Term(fieldname, k) for k in keys]) if len(keys) > 1 else query.Term(fieldname, keys[0])


def _resolve_persons(q: query.Query, facets: FacetCache) -> query.Query:
    """`person:lavrov` -> the person keys it names ("serguei lavrov")."""

    def rewrite(node):
        if isinstance(node, (query.Term, query.Phrase)) and node.fieldname == "person":
            text = node.text if isinstance(node, query.Term) else " ".join(node.words)
            keys = facets.person_keys(text)
            return _any_term("person", keys) if keys else query.Term("person", text)
        return node

    return q.accept(rewrite)


def _filters(request: SearchRequest, facets: FacetCache) -> tuple[list[query.Query], dict[str, Any]]:
    parts: list[query.Query] = []
    shown: dict[str, Any] = {}
    persons = []
    for name in request.persons:
        keys = facets.person_keys(name)
        persons.append(facets.person_name(keys[0]) if len(keys) == 1 else name)
        parts.append(_any_term("person", keys) if keys else query.NullQuery)
    if persons:
        shown["persons"] = persons
    codes = request.country_codes()
    parts.extend(query.Term("country", code) for code in codes)
    if codes:
        shown["countries"] = [{"code": c, "name": country_label(c)} for c in codes]
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
    return parts, shown
