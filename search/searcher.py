"""Running searches on an index: ranked hits, highlighted snippets, facet counts, articles."""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import query, sorting

from newsarchive.index.article import Article
from newsarchive.index.originals import OriginalStore
from newsarchive.index.schema import UNDATED_LAST, unpack_article
from newsarchive.index.writer import open_index

from .engine import IndexArrays, Matches, Unsupported, evaluate, restrict, top
from .facets import FacetCache
from .query import (
    QueryError,
    SearchRequest,
    country_label,
    date_filter,
    free_text_query,
    is_free_text,
    make_parser,
    parse_query,
    query_terms,
    word_pairs,
)
from .snippets import Snippet, best_snippet, highlight_paragraphs, lead_snippet

SNIPPET_CHARS = 220
PARSED_QUERIES = 2048  # parsed query texts remembered
RERANKED = 30  # free-text candidates re-ordered by the word pairs they share with the query
PROXIMITY_WEIGHT = 2.0  # score x (1 + weight x share of the query's word pairs found in sequence)
FREE_TEXT_NOTICE = "recherche libre : articles classés selon les mots les plus distinctifs de la requête (pour exiger chaque mot, reliez-les par ET)"


@dataclass
class Hit:
    """One result: what a result list shows."""

    id: str
    title: str
    date: str | None
    source: str | None
    url: str | None
    snippet: Snippet
    persons: list[str]
    countries: list[dict[str, str]]
    score: float | None = None

    def to_json(self) -> dict[str, Any]:
        """The hit as in `newsarchive search --json` (snippet as escaped HTML with <mark>)."""
        return {
            "id": self.id,
            "title": self.title,
            "date": self.date,
            "source": self.source,
            "url": self.url,
            "snippet": self.snippet.html(),
            "persons": self.persons,
            "countries": self.countries,
        }


@dataclass
class SearchResult:
    """A page of hits, the total, and facet counts over the whole result set."""

    request: SearchRequest
    total: int
    hits: list[Hit]
    facets: dict[str, list[dict[str, Any]]]
    took_ms: float
    notice: str | None = None
    filters: dict[str, Any] = field(default_factory=dict)
    months: list[tuple[str, int]] = field(default_factory=list)  # for a short date span: counts per month
    terms: set[str] = field(default_factory=set)  # analysed query terms, to highlight titles

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.request.limit))

    def to_json(self) -> dict[str, Any]:
        """The JSON shared by the CLI and the API."""
        r = self.request
        return {
            "query": r.query,
            "total": self.total,
            "page": r.page,
            "pages": self.pages,
            "limit": r.limit,
            "sort": r.sort,
            "filters": self.filters,
            "took_ms": round(self.took_ms, 1),
            "notice": self.notice,
            "hits": [h.to_json() for h in self.hits],
            "facets": self.facets,
        }


class Archive:
    """A searchable index. Thread-safe: each thread gets its own up-to-date searcher."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.ix = open_index(self.path)
        self.schema = self.ix.schema  # fixed for the index's life; Whoosh re-reads the TOC on each ix.schema
        self.parser = make_parser(self.schema)
        self._local = threading.local()
        self._facets: dict[int, FacetCache] = {}
        self._arrays: dict[int, IndexArrays] = {}
        self._parsed: dict[str, query.Query | None] = {}
        self._facets_lock = threading.Lock()

    # -- searchers and per-generation caches -------------------------------------------

    def searcher(self):
        """This thread's searcher, reopened when an indexing run has committed since."""
        s = getattr(self._local, "searcher", None)
        if s is None:
            s = self.ix.searcher()
        elif not s.up_to_date():
            s = s.refresh()
        self._local.searcher = s
        return s

    def facet_cache(self, searcher) -> FacetCache:
        """The facet arrays for the searcher's index generation (built once, shared)."""
        generation = searcher.reader().generation()
        generation = generation if generation is not None else id(searcher.reader())
        cache = self._facets.get(generation)
        if cache is None:
            with self._facets_lock:
                cache = self._facets.get(generation)
                if cache is None:
                    cache = FacetCache(searcher)
                    self._facets = {generation: cache}  # older generations are not needed again
        return cache

    def index_arrays(self, searcher) -> IndexArrays:
        """The posting and length arrays of the searcher's index generation (filled as queries need them, shared)."""
        generation = searcher.reader().generation()
        generation = generation if generation is not None else id(searcher.reader())
        arrays = self._arrays.get(generation)
        if arrays is None:
            with self._facets_lock:
                arrays = self._arrays.get(generation)
                if arrays is None:
                    arrays = IndexArrays(searcher.reader(), searcher.weighting)
                    self._arrays = {generation: arrays}
        return arrays

    def close(self) -> None:
        """Close this thread's searcher."""
        s = getattr(self._local, "searcher", None)
        if s is not None:
            s.close()
            self._local.searcher = None

    # -- queries -----------------------------------------------------------------------

    def _resolve_persons(self, q: query.Query, cache: FacetCache) -> query.Query:
        """`person:lavrov` -> the person keys it names ("serguei lavrov")."""

        def rewrite(node):
            if isinstance(node, (query.Term, query.Phrase)) and node.fieldname == "person":
                text = node.text if isinstance(node, query.Term) else " ".join(node.words)
                keys = cache.person_keys(text)
                if not keys:
                    return query.Term("person", text)
                return query.Or([query.Term("person", k) for k in keys]) if len(keys) > 1 else query.Term("person", keys[0])
            return node

        return q.accept(rewrite)

    def _filters(self, request: SearchRequest, cache: FacetCache) -> tuple[list[query.Query], dict[str, Any]]:
        parts: list[query.Query] = []
        shown: dict[str, Any] = {}
        persons = []
        for name in request.persons:
            keys = cache.person_keys(name)
            display = cache.person_name(keys[0]) if len(keys) == 1 else name
            persons.append(display)
            if not keys:
                parts.append(query.NullQuery)
            elif len(keys) == 1:
                parts.append(query.Term("person", keys[0]))
            else:
                parts.append(query.Or([query.Term("person", k) for k in keys]))
        if persons:
            shown["persons"] = persons
        codes = request.country_codes()
        for code in codes:
            parts.append(query.Term("country", code))
        if codes:
            shown["countries"] = [{"code": c, "name": country_label(c)} for c in codes]
        dates = date_filter(request.date_from, request.date_to)
        if dates is not None:
            parts.append(dates)
            shown["from"] = request.date_from.isoformat() if request.date_from else None
            shown["to"] = request.date_to.isoformat() if request.date_to else None
        return parts, shown

    def search(self, request: SearchRequest) -> SearchResult:
        """Run a search: the requested page of hits and facets over all matching articles."""
        started = time.perf_counter()
        request.validate()
        searcher = self.searcher()
        cache = self.facet_cache(searcher)
        notice = None
        free_text = is_free_text(request.query)
        if free_text:
            text_query = free_text_query(request.query, self.schema, searcher.reader())
            notice = FREE_TEXT_NOTICE if text_query is not None else "aucun mot de la requête ne figure dans l'archive"
            text_query = text_query or query.NullQuery
        else:
            text_query = self._parse(request.query)
            if text_query is query.NullQuery:
                notice = "la requête ne contient aucun mot cherchable (seulement des mots vides ?)"
        if text_query is not None and text_query is not query.NullQuery:
            text_query = self._resolve_persons(text_query, cache)
        filters, shown = self._filters(request, cache)
        scored = text_query if text_query is not None else query.Every()
        # Whoosh's And.normalize() swallows everything into an Every() member, so an
        # empty query with filters is the filters alone.
        if not filters:
            whole = scored
        elif text_query is None:
            whole = query.And(filters).normalize() if len(filters) > 1 else filters[0]
        else:
            whole = query.And([scored, *filters]).normalize()

        matches = self._fast_matches(searcher, scored, filters, request)
        if matches is not None:
            docnums = matches.docs
        elif whole is query.NullQuery:
            docnums = np.zeros(0, np.int64)
        else:
            docnums = np.fromiter(searcher.docs_for_query(whole), dtype=np.int64)
        total = int(docnums.size)
        mask = cache.mask(docnums) if total < cache.ndocs or cache.ndocs == 0 else None
        facets = self._facets_json(cache, mask, request.facet_limit, request)
        years = [f["value"] for f in facets["year"]]
        months = cache.month_counts(mask) if years and years[-1] - years[0] <= 1 else []

        terms = query_terms(text_query if text_query is not query.NullQuery else None)
        hits: list[Hit] = []
        if total and (request.page - 1) * request.limit < total:
            if matches is not None:
                pairs = word_pairs(request.query, self.schema["body"].analyzer) if free_text and request.sort == "relevance" else None
                page = self._ranked_page(searcher, cache, matches, scored, request, pairs or None)
            else:
                page = self._whoosh_page(searcher, scored, whole, request)
            hits = [self._hit(searcher, cache, docnum, score, terms) for docnum, score in page]
        return SearchResult(
            request=request,
            total=total,
            hits=hits,
            facets=facets,
            took_ms=(time.perf_counter() - started) * 1000,
            notice=notice,
            filters=shown,
            months=months,
            terms=terms,
        )

    def _parse(self, text: str) -> query.Query | None:
        """parse_query, remembered: the same text always parses the same way for one index (Whoosh queries are immutable)."""
        found = self._parsed.get(text)
        if found is None:
            found = parse_query(self.parser, text)  # QueryError propagates and is not remembered
            if len(self._parsed) >= PARSED_QUERIES:
                self._parsed.clear()
            self._parsed[text] = found
        return found

    def _fast_matches(self, searcher, scored, filters: list[query.Query], request: SearchRequest) -> Matches | None:
        """Matches and scores from the numpy engine, or None when the query needs Whoosh (phrases, wildcards...)."""
        arrays = self.index_arrays(searcher)
        reader = searcher.reader()
        try:
            matches = evaluate(scored, arrays, reader, self.schema)
            for part in filters:
                if isinstance(part, query.DateRange) and part.fieldname == "date":
                    continue  # from the day array below: a Whoosh date range is a tree of numeric terms
                matches = restrict(matches, evaluate(part, arrays, reader, self.schema).docs)
        except Unsupported:
            return None
        if request.date_from or request.date_to:
            days = self.facet_cache(searcher).days[matches.docs]
            low = request.date_from.toordinal() if request.date_from else 1
            high = request.date_to.toordinal() if request.date_to else UNDATED_LAST
            keep = (days >= low) & (days <= high)
            matches = Matches(matches.docs[keep], matches.scores[keep])
        return matches

    def _ranked_page(self, searcher, cache: FacetCache, matches: Matches, scored, request: SearchRequest,
                     pairs: set[tuple[str, str]] | None) -> list[tuple[int, float]]:
        """(document number, score) of the requested page, in the requested order."""
        first = (request.page - 1) * request.limit
        wanted = first + request.limit
        if request.sort == "newest" or (request.sort == "relevance" and isinstance(scored, query.Every)):
            order = np.lexsort((matches.docs, -cache.days[matches.docs]))[:wanted]  # undated (0) last
        elif request.sort == "oldest":
            days = cache.days[matches.docs]
            order = np.lexsort((matches.docs, np.where(days > 0, days, UNDATED_LAST)))[:wanted]
        else:
            order = top(matches, max(wanted, RERANKED if pairs else 0))
            if pairs:
                order = self._proximity_rerank(searcher, matches, order, pairs)
        order = order[first:wanted]
        return [(int(matches.docs[i]), float(matches.scores[i])) for i in order]

    def _proximity_rerank(self, searcher, matches: Matches, order: np.ndarray, pairs: set[tuple[str, str]]) -> np.ndarray:
        """The best RERANKED candidates re-ordered with a bonus for the query's word pairs they contain in sequence.

        BM25 ignores word order; an article that contains the pasted sentence itself
        shares most of its consecutive word pairs and goes first.
        """
        head = order[:RERANKED]
        analyzer = self.schema["body"].analyzer
        boosted = np.empty(head.size)
        for k, i in enumerate(head):
            article = unpack_article(searcher.stored_fields(int(matches.docs[i])).get("article"))
            shared = pairs & word_pairs(f"{article.get('title') or ''}\n\n{article.get('text') or ''}", analyzer)
            boosted[k] = matches.scores[i] * (1 + PROXIMITY_WEIGHT * len(shared) / len(pairs))
        reordered = head[np.lexsort((matches.docs[head], -boosted))]
        return np.concatenate([reordered, order[RERANKED:]])

    def _whoosh_page(self, searcher, scored, whole, request: SearchRequest) -> list[tuple[int, float | None]]:
        sortedby = None
        if request.sort == "newest" or (request.sort == "relevance" and isinstance(scored, query.Every)):
            sortedby = sorting.FieldFacet("day_newest", reverse=True)  # no words to rank by: newest first
        elif request.sort == "oldest":
            sortedby = sorting.FieldFacet("day_oldest")
        results = searcher.search_page(whole, request.page, pagelen=request.limit, sortedby=sortedby)
        return [(hit.docnum, hit.score) for hit in results]

    def _hit(self, searcher, cache: FacetCache, docnum: int, score: float | None, terms: set[str]) -> Hit:
        article = unpack_article(searcher.stored_fields(docnum).get("article"))
        text = article.get("text") or ""
        snippet = best_snippet(text, terms, self.schema["body"].analyzer, SNIPPET_CHARS) if terms and text else None
        return Hit(
            id=article["id"],
            title=article.get("title") or "",
            date=article.get("date"),
            source=article.get("source"),
            url=article.get("url"),
            snippet=snippet or lead_snippet(text, SNIPPET_CHARS),
            persons=[cache.person_name(p["name"]) for p in article.get("persons") or []],
            countries=[{"code": c["code"], "name": country_label(c["code"])} for c in article.get("countries") or []],
            score=score,
        )

    def _facets_json(self, cache: FacetCache, mask, limit: int, request: SearchRequest) -> dict[str, list[dict[str, Any]]]:
        persons = [{"value": cache.person_name(key), "count": n} for key, n in cache.top(cache.person, mask, limit)]
        countries = [{"value": code, "label": country_label(code), "count": n} for code, n in cache.top(cache.country, mask, limit)]
        years = [{"value": year, "count": n} for year, n in cache.year_counts(mask)]
        return {"person": persons, "country": countries, "year": years}

    # -- article pages -----------------------------------------------------------------

    def terms_of(self, query_text: str) -> set[str]:
        """The analysed terms a query looks for in titles and bodies (none for a bad query)."""
        try:
            return query_terms(parse_query(self.parser, query_text or ""))
        except QueryError:
            return set()

    def highlight(self, text: str, query_text: str) -> list[list[tuple[str, bool]]]:
        """The paragraphs of `text` with the words `query_text` searches for marked."""
        return self.highlight_with_terms(text, self.terms_of(query_text))

    def highlight_with_terms(self, text: str, terms: set[str]) -> list[list[tuple[str, bool]]]:
        """The paragraphs of `text` with the words whose analysed form is in `terms` marked."""
        return highlight_paragraphs(text, terms, self.schema["body"].analyzer)

    def person_name(self, name: str) -> str:
        """The archive's display form of a person's name."""
        return self.facet_cache(self.searcher()).person_name(name)

    def similar(self, article_id: str, limit: int = 5) -> list[dict[str, Any]]:
        """Articles most like this one (Whoosh more_like_this on the body's key terms)."""
        s = self.searcher()
        docnum = s.document_number(id=article_id)
        if docnum is None:
            return []
        text = unpack_article(s.stored_fields(docnum).get("article")).get("text") or ""
        similar = []
        for hit in s.more_like(docnum, "body", text=text, top=limit, numterms=12):
            art = unpack_article(hit["article"])
            similar.append({"id": art["id"], "title": art.get("title") or "", "date": art.get("date"), "source": art.get("source")})
        return similar

    def spelling(self, query_text: str) -> str | None:
        """A corrected query when some plain word of `query_text` is not in the archive ("Vouliez-vous dire")."""
        words = re.findall(r"[^\W\d_][\w'’-]*", query_text)
        if not words or re.search(r"\w+:|[\"*?()]", query_text):
            return None  # only plain word queries get a suggestion
        reader = self.searcher().reader()
        corrector = reader.corrector("exact")
        changed = False
        corrected = query_text
        for word in words:
            form = word.lower()
            if form in ("and", "or", "not", "et", "ou", "sauf") or (("exact", form) in reader):
                continue
            suggestions = corrector.suggest(form, limit=1, maxdist=2)
            if suggestions and suggestions[0] != form:
                corrected = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", suggestions[0], corrected, count=1)
                changed = True
        return corrected if changed else None

    def original(self, article_id: str) -> tuple[Article, bytes] | None:
        """An article and the bytes it was extracted from, as stored beside the index."""
        article = self.article(article_id)
        if article is None or not article.original:
            return None
        raw = OriginalStore(self.path).get(article.original)
        return (article, raw) if raw is not None else None

    # -- articles and statistics -------------------------------------------------------

    def article(self, article_id: str) -> Article | None:
        """The stored article with this id, or None."""
        stored = self.searcher().document(id=article_id)
        if not stored:
            return None
        return Article.from_json(unpack_article(stored["article"]))

    def lookup_persons(self, prefix: str, limit: int = 20) -> list[dict[str, Any]]:
        """Person facet values starting with `prefix` (for a facet filter box)."""
        s = self.searcher()
        return [{"value": v.value, "count": v.count} for v in self.facet_cache(s).lookup_persons(prefix, limit)]

    def stats(self) -> dict[str, Any]:
        """Articles, distinct persons and countries, date range and size on disk."""
        s = self.searcher()
        cache = self.facet_cache(s)
        span = cache.date_range()
        dates = (span[0].isoformat(), span[1].isoformat()) if span else None
        size = sum(p.stat().st_size for p in self.path.iterdir() if p.is_file())
        return {
            "index": str(self.path),
            "articles": s.doc_count(),
            "persons": int((cache.person.doc_counts > 0).sum()),
            "countries": int((cache.country.doc_counts > 0).sum()),
            "date_from": dates[0] if dates else None,
            "date_to": dates[1] if dates else None,
            "size_bytes": size,
            "size_mb": round(size / 1_048_576, 2),
        }


__all__ = ["Archive", "Hit", "QueryError", "SearchRequest", "SearchResult"]
