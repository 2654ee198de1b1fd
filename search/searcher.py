"""Running searches on an index: ranked hits, highlighted snippets, facet counts, articles."""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import query

from newsarchive.index.aliases import Aliases
from newsarchive.index.analysis import fold
from newsarchive.index.article import Article
from newsarchive.index.originals import OriginalStore
from newsarchive.index.schema import UNDATED_LAST, unpack_article
from newsarchive.index.writer import open_index

from .engine import IndexArrays, Matches, Unsupported, evaluate, restrict, top
from .facets import FacetCache
from .query import (
    WITHIN_FIELDS,
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
    group: str | None = None  # near-duplicate group
    versions: int = 0  # other versions of the same story in the result set (when one per group is shown)
    quotes: list[dict[str, Any]] = field(default_factory=list)  # for searches inside quotations

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
            "group": self.group,
            "versions": self.versions,
            **({"quotes": self.quotes} if self.quotes else {}),
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
    groups: int = 0  # distinct near-duplicate groups among the `total` articles
    collapsed: bool = False  # one hit per group (pages count groups)
    months: list[tuple[str, int]] = field(default_factory=list)  # for a short date span: counts per month
    terms: set[str] = field(default_factory=set)  # analysed query terms, to highlight titles

    @property
    def pages(self) -> int:
        shown = self.groups if self.collapsed else self.total
        return max(1, -(-shown // self.request.limit))

    def to_json(self) -> dict[str, Any]:
        """The JSON shared by the CLI and the API."""
        r = self.request
        return {
            "query": r.query,
            "total": self.total,
            "groups": self.groups,
            "collapsed": self.collapsed,
            "within": r.within,
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
        self.parsers = {within: make_parser(self.schema, within) for within in ("text", "exact", "quotes")}
        self._local = threading.local()
        self._facets: dict[int, FacetCache] = {}
        self._arrays: dict[int, IndexArrays] = {}
        self._parsed: dict[str, query.Query | None] = {}
        self._facets_lock = threading.Lock()
        self._facet_leaves: dict = {}  # each segment's facet pairs, reused across index generations

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
        return self._per_generation("_facets", searcher, lambda: FacetCache(searcher, Aliases.load(self.path), self._facet_leaves))

    def index_arrays(self, searcher) -> IndexArrays:
        """The posting and length arrays of the searcher's index generation (filled as queries need them, shared)."""
        return self._per_generation("_arrays", searcher, lambda: IndexArrays(searcher.reader(), searcher.weighting))

    def _per_generation(self, slot: str, searcher, build):
        """The object in cache `slot` for the searcher's index generation, built once by `build` under the lock."""
        generation = searcher.reader().generation()
        generation = generation if generation is not None else id(searcher.reader())
        value = getattr(self, slot).get(generation)
        if value is None:
            with self._facets_lock:
                value = getattr(self, slot).get(generation)
                if value is None:
                    value = build()
                    setattr(self, slot, {generation: value})  # older generations are not needed again
        return value

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
        speakers = []
        for name in request.quote_by:
            keys = cache.person_keys(name) or [fold(name)]
            speakers.append(cache.person_name(keys[0]) if keys else name)
            parts.append(query.Or([query.Term("quote_by", k) for k in keys]) if len(keys) > 1 else query.Term("quote_by", keys[0]))
        if speakers:
            shown["quote_by"] = speakers
        if request.within == "quotes" and not request.quote_by:
            parts.append(query.Term("has", "quote"))  # articles with quotations at all
        if request.group:
            parts.append(query.Term("dup_group", request.group))
            shown["group"] = request.group
        return parts, shown

    def search(self, request: SearchRequest) -> SearchResult:
        """Run a search: the requested page of hits and facets over all matching articles."""
        started = time.perf_counter()
        request.validate()
        searcher = self.searcher()
        cache = self.facet_cache(searcher)
        notice = None
        fields = tuple(WITHIN_FIELDS[request.within])
        free_text = request.within == "text" and is_free_text(request.query)
        if free_text:
            text_query = free_text_query(request.query, self.schema, searcher.reader())
            notice = FREE_TEXT_NOTICE if text_query is not None else "aucun mot de la requête ne figure dans l'archive"
            text_query = text_query or query.NullQuery
        else:
            text_query = self._parse(request.query, request.within)
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
        terms = query_terms(text_query if text_query is not query.NullQuery else None, fields)
        speakers = self._speaker_keys(request, cache)
        if speakers and terms:
            # Words said by these speakers: an article where they are quoted and the words
            # appear only in someone else's quotation does not count.
            keep = np.array([self._said_by(searcher, int(d), speakers, terms) for d in docnums], dtype=bool)
            docnums = docnums[keep] if docnums.size else docnums
            if matches is not None:
                matches = Matches(matches.docs[keep], matches.scores[keep]) if keep.size else matches
        total = int(docnums.size)
        collapsed = not (request.all_versions or request.group)
        groups = int(np.unique(cache.groups[docnums]).size) if total else 0
        mask = cache.mask(docnums) if total < cache.ndocs or cache.ndocs == 0 else None
        facets = self._facets_json(cache, mask, request.facet_limit, request)
        years = [f["value"] for f in facets["year"]]
        months = cache.month_counts(mask) if years and years[-1] - years[0] <= 1 else []

        hits: list[Hit] = []
        visible = groups if collapsed else total
        if total and (request.page - 1) * request.limit < visible:
            if matches is None:
                matches = self._whoosh_matches(searcher, whole, docnums)
            pairs = word_pairs(request.query, self.schema["body"].analyzer) if free_text and request.sort == "relevance" else None
            page = self._ranked_page(searcher, cache, matches, scored, request, pairs or None, collapsed)
            versions = np.bincount(cache.groups[docnums]) if collapsed else None
            hits = [self._hit(searcher, cache, docnum, score, terms, request, versions, speakers) for docnum, score in page]
        return SearchResult(
            request=request,
            total=total,
            hits=hits,
            facets=facets,
            took_ms=(time.perf_counter() - started) * 1000,
            notice=notice,
            filters=shown,
            groups=groups,
            collapsed=collapsed,
            months=months,
            terms=terms,
        )

    def _parse(self, text: str, within: str = "text") -> query.Query | None:
        """parse_query, remembered: the same text always parses the same way for one index (Whoosh queries are immutable)."""
        found = self._parsed.get((within, text))
        if found is None:
            found = parse_query(self.parsers[within], text)  # QueryError propagates and is not remembered
            if len(self._parsed) >= PARSED_QUERIES:
                self._parsed.clear()
            self._parsed[(within, text)] = found
        return found

    def _speaker_keys(self, request: SearchRequest, cache: FacetCache) -> set[str]:
        keys: set[str] = set()
        for name in request.quote_by:
            keys.update(cache.person_keys(name) or [fold(name)])
        return keys

    def _said_by(self, searcher, docnum: int, speakers: set[str], terms: set[str]) -> bool:
        """True when one of the article's quotations by `speakers` contains one of `terms`."""
        article = unpack_article(searcher.stored_fields(docnum).get("article"))
        analyzer = self.schema["quote"].analyzer if "quote" in self.schema else self.schema["body"].analyzer
        return any(q.get("speaker") and fold(q["speaker"]) in speakers and terms & {t.text for t in analyzer(q["text"])} for q in article.get("quotes") or [])

    def _whoosh_matches(self, searcher, whole, docnums: np.ndarray) -> Matches:
        """Scores from Whoosh for queries the numpy engine does not run (phrases, wildcards, ranges)."""
        if isinstance(whole, query.Every) or not docnums.size:
            return Matches(docnums, np.zeros(docnums.size))
        results = searcher.search(whole, limit=None, scored=True)
        scores = {hit.docnum: hit.score for hit in results}
        return Matches(docnums, np.array([scores.get(int(d), 0.0) for d in docnums]))

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
                     pairs: set[tuple[str, str]] | None, collapsed: bool = False) -> list[tuple[int, float]]:
        """(document number, score) of the requested page, in the requested order (one per group when `collapsed`)."""
        first = (request.page - 1) * request.limit
        wanted = first + request.limit
        size = matches.docs.size
        n = min(size, wanted * 3 if collapsed else wanted)
        while True:
            order = self._order(searcher, cache, matches, scored, request, pairs, n)
            if collapsed:
                # The best-placed version of each near-duplicate group stands for the group.
                _, firsts = np.unique(cache.groups[matches.docs[order]], return_index=True)
                order = order[np.sort(firsts)]
            if len(order) >= wanted or n >= size:
                break
            n = min(size, n * 4)
        order = order[first:wanted]
        return [(int(matches.docs[i]), float(matches.scores[i])) for i in order]

    def _order(self, searcher, cache: FacetCache, matches: Matches, scored, request: SearchRequest,
               pairs: set[tuple[str, str]] | None, n: int) -> np.ndarray:
        """Indexes into `matches` of its first `n` in the requested order."""
        if request.sort == "newest" or (request.sort == "relevance" and isinstance(scored, query.Every)):
            return np.lexsort((matches.docs, -cache.days[matches.docs]))[:n]  # undated (0) last
        if request.sort == "oldest":
            days = cache.days[matches.docs]
            return np.lexsort((matches.docs, np.where(days > 0, days, UNDATED_LAST)))[:n]
        order = top(matches, max(n, RERANKED if pairs else 0))
        if pairs:
            order = self._proximity_rerank(searcher, matches, order, pairs)
        return order[: max(n, 1)]

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

    def _hit(self, searcher, cache: FacetCache, docnum: int, score: float | None, terms: set[str], request: SearchRequest,
             versions: np.ndarray | None = None, speakers: set[str] = frozenset()) -> Hit:
        article = unpack_article(searcher.stored_fields(docnum).get("article"))
        text = article.get("text") or ""
        analyzer = self.schema["exact"].analyzer if request.within == "exact" and "exact" in self.schema else self.schema["body"].analyzer
        snippet = best_snippet(text, terms, analyzer, SNIPPET_CHARS) if terms and text else None
        group = cache.groups[docnum]
        quotes = []
        if request.within == "quotes":
            for q in article.get("quotes") or []:
                by = q.get("speaker")
                if speakers and not (by and fold(by) in speakers):
                    continue
                pieces = highlight_paragraphs(q["text"], terms, analyzer)
                if terms and not any(hit for para in pieces for _, hit in para):
                    continue  # a quotation of this article without the words looked for
                quotes.append({"text": q["text"], "speaker": cache.person_name(by) if by else None,
                               "html": Snippet([p for p in pieces]).html()})
        return Hit(
            id=article["id"],
            title=article.get("title") or "",
            date=article.get("date"),
            source=article.get("source"),
            url=article.get("url"),
            snippet=snippet or lead_snippet(text, SNIPPET_CHARS),
            persons=list(dict.fromkeys(cache.person_name(p["name"]) for p in article.get("persons") or [])),
            countries=[{"code": c["code"], "name": country_label(c["code"])} for c in article.get("countries") or []],
            score=score,
            group=cache.group_ids[group] if group < len(cache.group_ids) else None,
            versions=int(versions[group]) - 1 if versions is not None and group < versions.size else 0,
            quotes=quotes,
        )

    def _facets_json(self, cache: FacetCache, mask, limit: int, request: SearchRequest) -> dict[str, list[dict[str, Any]]]:
        by_group = request.count == "groups"
        persons = [{"value": cache.person_name(key), "count": n} for key, n in cache.top(cache.person, mask, limit, by_group=by_group)]
        countries = [{"value": code, "label": country_label(code), "count": n}
                     for code, n in cache.top(cache.country, mask, limit, by_group=by_group)]
        years = [{"value": year, "count": n} for year, n in cache.year_counts(mask, by_group=by_group)]
        return {"person": persons, "country": countries, "year": years}

    # -- around a search: co-occurrence, matched word forms -------------------------------

    def cooccurrence(self, request: SearchRequest, person: str | None = None, country: str | None = None,
                     limit: int = 10) -> dict[str, Any]:
        """The persons and countries most often in the same articles as `person` (or `country`), within the request's results."""
        if bool(person) == bool(country):
            raise QueryError("give one person or one country to find who and what appears with it")
        sub = replace(request, persons=[*request.persons, person] if person else list(request.persons),
                      countries=[*request.countries, country] if country else list(request.countries),
                      page=1, limit=1, facet_limit=limit + 1 + len(request.persons) + len(request.countries))
        result = self.search(sub)
        chosen_persons = set(result.filters.get("persons", []))
        chosen_codes = {c["code"] for c in result.filters.get("countries", [])}
        label = (result.filters.get("persons") or [person])[-1] if person else country_label(sub.country_codes()[-1])
        return {
            "with": {"person": label} if person else {"country": sub.country_codes()[-1], "label": label},
            "articles": result.total,
            "persons": [f for f in result.facets["person"] if f["value"] not in chosen_persons][:limit],
            "countries": [f for f in result.facets["country"] if f["value"] not in chosen_codes][:limit],
        }

    def matched_forms(self, query_text: str, within: str = "text", limit: int = 12) -> list[dict[str, Any]]:
        """For each word of a query, the forms of it found in the archive ("coopération": coopérations, coopératif…)."""
        if within != "text" or not query_text.strip():
            return []
        try:
            q = self._parse(query_text, "text") if not is_free_text(query_text) else None
        except QueryError:
            return []
        stems = sorted(query_terms(q, ("title", "body"))) if q is not None else []
        if not stems:
            return []
        searcher = self.searcher()
        analyzer = self.schema["body"].analyzer
        forms = self.facet_cache(searcher).word_forms(searcher.reader(), analyzer)
        # Show each analysed term as the user typed it ("russes", not the stem "russ").
        typed = {t.text: query_text[t.startchar:t.endchar] for t in analyzer(query_text, chars=True)}
        found = []
        for stem in stems:
            matches = sorted(forms(stem), key=lambda fc: (-fc[1], fc[0]))[:limit]
            if matches:
                found.append({"term": typed.get(stem, stem), "stem": stem, "forms": [{"form": f, "count": c} for f, c in matches]})
        return found

    def person_merges(self) -> list[dict[str, Any]]:
        """Every person the indexer merged names into: spellings, within-article mentions, archive-level merges."""
        searcher = self.searcher()
        cache = self.facet_cache(searcher)
        reader = searcher.reader()
        spellings: dict[str, list[dict[str, Any]]] = {}
        if "person_form" in reader.indexed_field_names():
            for term, info in reader.iter_field("person_form"):
                form = term.decode("utf-8") if isinstance(term, bytes) else term
                key = fold(form)
                if key not in cache.merged_into and form != cache.person_name(key):  # merged names are listed apart
                    spellings.setdefault(key, []).append({"form": form, "count": info.doc_frequency()})
        mentions: dict[str, dict[str, int]] = {}
        for fields in searcher.all_stored_fields():
            for person in unpack_article(fields.get("article")).get("persons") or []:
                key = cache.merged_into.get(fold(person["name"]), fold(person["name"]))
                for mention in dict.fromkeys(person.get("mentions") or []):
                    if fold(mention) != key:
                        counts = mentions.setdefault(key, {})
                        counts[mention] = counts.get(mention, 0) + 1
        merged: dict[str, list[dict[str, Any]]] = {}
        for key, target in cache.merged_into.items():
            if cache.counts_before_merges.get(key):
                merged.setdefault(target, []).append({"name": cache.person_name(key) if key in cache.person_names else key,
                                                      "count": cache.counts_before_merges[key]})
        entries = []
        for i, key in enumerate(cache.person.values):
            articles = int(cache.person.doc_counts[i])
            if not articles or not (key in spellings or key in mentions or key in merged):
                continue
            entries.append({
                "name": cache.person_name(key),
                "articles": articles,
                "spellings": sorted(spellings.get(key, []), key=lambda f: -f["count"]),
                "mentions": [{"mention": m, "count": n} for m, n in sorted(mentions.get(key, {}).items(), key=lambda kv: -kv[1])],
                "merged": sorted(merged.get(key, []), key=lambda m: -m["count"]),
            })
        entries.sort(key=lambda e: (-e["articles"], e["name"]))
        return entries

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
