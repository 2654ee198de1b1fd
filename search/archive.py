"""Archive: a searchable index, the one object the web and the CLI hold. A façade over the modules of `search`.

A search is planned (plan.py), matched and ranked (ranking.py, over engine.py's numpy
evaluation or Whoosh's), counted (facets.py) and shown (results.py); reports.py answers
the questions around it. Archive keeps what they share: this thread's searcher and the
caches of the current index generation.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import query
from whoosh.searching import Searcher

from newsarchive.index.article import Article
from newsarchive.index.entities.aliases import Aliases
from newsarchive.index.extraction.sources import Sources
from newsarchive.index.store.folder import open_index
from newsarchive.index.store.originals import OriginalStore
from newsarchive.index.store.schema import unpack_article

from . import batch, entity, export, lexicometry, reports, trends
from .engine import evaluate
from .export import DEFAULT_ROWS
from .facet_arrays import LeafCache, SegmentFiles
from .facets import FACETS, FacetCache
from .keeping import Collections, Saved, SavedSearches
from .network import Network, NetworkOptions, build_network
from .plan import Planner
from .postings import IndexArrays
from .query import query_terms
from .ranking import matching, ranked_page, whoosh_matches
from .request import QueryError, SearchRequest
from .research import Output
from .results import SearchResult, make_hit
from .snapshot import PerGeneration, Snapshot
from .snippets import highlight_paragraphs
from .words import DEFAULT_WORDS, WordCounts, Words, WordStore, characteristic_words

SIMILAR_TERMS = 12  # key terms of an article that "similar articles" look for
_OPERATOR_WORDS = ("and", "or", "not", "et", "ou", "sauf")


class Archive:
    """A searchable index. Thread-safe: each thread gets its own up-to-date searcher."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.ix = open_index(self.path)
        self.schema = self.ix.schema  # fixed for the index's life; Whoosh re-reads the TOC on each ix.schema
        self.saved = SavedSearches(self.path)
        self.collections = Collections(self.path)
        self.planner = Planner(self.schema, self.collections)
        self._local = threading.local()
        self._facet_leaves: LeafCache = {}  # each segment's facet pairs, reused across index generations
        self._segments = SegmentFiles(self.path)  # each segment's arrays file, mapped (index/store/segment_arrays.py)
        self._facets = PerGeneration(lambda s: FacetCache(s, Aliases.load(self.path), self._facet_leaves, Sources.load(self.path),
                                                          self._segments))
        self._arrays = PerGeneration(lambda s: IndexArrays(s.reader(), s.weighting, self._segments))
        self._word_store = WordStore()  # each segment's (document, term) pairs and written forms, reused across index generations
        self._words = PerGeneration(lambda s: WordCounts(s.reader(), self._arrays.get(s).live, self._word_store, self._segments))

    # -- this thread's view of the newest generation -----------------------------------------

    def searcher(self) -> Searcher:
        """This thread's searcher, reopened when an indexing run has committed since."""
        s = getattr(self._local, "searcher", None)
        if s is None:
            s = self.ix.searcher()
        elif not s.up_to_date():
            s = s.refresh()
        self._local.searcher = s
        return s

    def snapshot(self) -> Snapshot:
        """This thread's searcher with the facets and arrays of its generation."""
        s = self.searcher()
        return Snapshot(s, self._facets.get(s), self._arrays.get(s), self.schema)

    def facet_cache(self, searcher: Searcher | None = None) -> FacetCache:
        """The facet arrays of the searcher's (default: this thread's) generation."""
        return self._facets.get(searcher or self.searcher())

    def close(self) -> None:
        """Close this thread's searcher."""
        s = getattr(self._local, "searcher", None)
        if s is not None:
            s.close()
            self._local.searcher = None

    # -- searching ------------------------------------------------------------------------

    def search(self, request: SearchRequest) -> SearchResult:
        """Run a search: the requested page of hits and facets over all matching articles."""
        started = time.perf_counter()
        request.validate()
        snap = self.snapshot()
        facets = snap.facets
        plan = self.planner.plan(request, snap.reader, facets, snap.arrays)
        docnums, matches = matching(plan, snap)
        total = int(docnums.size)
        collapsed = not (request.all_versions or request.group)
        groups = int(np.unique(facets.groups[docnums]).size) if total else 0
        mask = facets.mask(docnums) if total < facets.ndocs or facets.ndocs == 0 else None
        by_group = request.count == "groups"
        counts = facets.counts(mask, request.facet_limit, by_group)
        for kind in FACETS:
            if kind.any_of and kind.name in plan.facet_filters:
                # Multi-select: a facet whose values are alternatives is counted without its own filter.
                others, _ = matching(plan.without(kind.name), snap)
                counts[kind.name] = facets.values(kind, facets.mask(others), request.facet_limit, by_group)
        counts["collection"] = self._collection_counts(snap, docnums)
        years = [f["value"] for f in counts["year"]]
        hits = []
        if total and (request.page - 1) * request.limit < (groups if collapsed else total):
            page = ranked_page(plan, snap, matches if matches is not None else whoosh_matches(plan, snap, docnums), collapsed)
            versions = np.bincount(facets.groups[docnums]) if collapsed else None
            hits = [make_hit(snap, docnum, score, plan.terms, request, versions, plan.speakers) for docnum, score in page]
        return SearchResult(
            request=request, total=total, hits=hits, facets=counts, took_ms=(time.perf_counter() - started) * 1000,
            notice=plan.notice, filters=plan.shown, groups=groups, collapsed=collapsed,
            months=facets.month_counts(mask) if years and years[-1] - years[0] <= 1 else [], terms=plan.terms,
        )

    def _collection_counts(self, snap: Snapshot, docnums: np.ndarray) -> list[dict[str, Any]]:
        """How many of the matching articles each collection holds (collections are few, their articles a few thousand)."""
        found = []
        for name in self.collections.names():
            ids = self.collections.ids(name)
            kept = evaluate(query.Or([query.Term("id", i) for i in ids]), snap.arrays, snap.reader, self.schema).docs if ids else docnums[:0]
            n = int(np.isin(kept, docnums, assume_unique=True).sum())
            if n:
                found.append({"value": name, "count": n})
        return sorted(found, key=lambda f: (-f["count"], f["value"]))

    def generation(self) -> int:
        """The index generation this thread's searcher reads (what saved searches are checked against)."""
        return self.searcher().reader().generation() or 0

    def new_since(self, saved: Saved) -> int:
        """How many articles of a saved search were first committed after it was last checked."""
        snap = self.snapshot()
        docnums, _ = matching(self.planner.plan(saved.request(), snap.reader, snap.facets), snap)
        return int((snap.facets.added[docnums] > saved.checked_generation).sum())

    def batch(self, lines: list[str], filters: SearchRequest) -> list[batch.BatchRow]:
        """One line of figures per query or name, with the same filters (search/batch.py)."""
        return batch.run_batch(self.snapshot(), self.planner, lines, filters)

    def export(self, request: SearchRequest, limit: int = export.DEFAULT_ROWS, page_url: Callable[[str], str] | None = None,
               start: int = 0) -> export.Table:
        """Every article of the result set (at most `limit`, from the `start`-th), in the search's order, as rows to write."""
        return export.hit_table(self.snapshot(), self.planner, request, limit, page_url, start)

    def research_output(self, request: SearchRequest, fmt: str, limit: int = DEFAULT_ROWS, start: int = 0,
                        options: NetworkOptions | None = None) -> Output:
        """The result set for Iramuteq or TXM (at most `limit` texts, from the `start`-th), or its network for Gephi (search/research.py)."""
        if fmt == "gexf":
            return self.network(request, options).output()
        return lexicometry.output(lexicometry.corpus(self.snapshot(), self.planner, request, limit, start), fmt)

    def network(self, request: SearchRequest, options: NetworkOptions | None = None) -> Network:
        """The co-occurrence network of persons, organisations and countries over the whole result set (search/network.py)."""
        return build_network(self.snapshot(), self.planner, request, options)

    def trend(self, series: list[trends.Series], by: str | None = None) -> trends.Trend:
        """Counts, shares and stories per period of up to six searches (search/trends.py)."""
        return trends.trend(self.snapshot(), self.planner, series, by)

    def cooccurrence(self, request: SearchRequest, person: str | None = None, country: str | None = None, limit: int = 10) -> dict[str, Any]:
        """The persons and countries most often in the same articles as `person` (or `country`), within the request's results."""
        return reports.cooccurrence(self.search, request, person, country, limit)

    def words(self, request: SearchRequest, limit: int = DEFAULT_WORDS) -> Words:
        """The characteristic words of the result set: the words most over-represented in its articles (search/words.py)."""
        snap = self.snapshot()
        return characteristic_words(snap, self.planner, self._words.get(snap.searcher), request, limit)

    def matched_forms(self, query_text: str, within: str = "text") -> list[dict[str, Any]]:
        """For each word of a query, the forms of it found in the archive."""
        return reports.matched_forms(self.snapshot(), self.planner, query_text, within)

    def person_merges(self) -> list[dict[str, Any]]:
        """Every person the indexer merged names into (the `aliases` report)."""
        return reports.person_merges(self.snapshot())

    def name_merges(self) -> dict[str, list[dict[str, Any]]]:
        """Every person and organisation the indexer merged names into (the `aliases` report), by kind."""
        return reports.name_merges(self.snapshot())

    def stats(self) -> reports.Stats:
        """Articles, distinct persons and countries, date range and size on disk."""
        return reports.stats(self.snapshot(), self.path)

    def entity(self, kind: str, name: str) -> entity.EntityPage | None:
        """The page of a person, organisation or country (None when the archive has no such value)."""
        return entity.entity(self.search, self.facet_cache(), kind, name)

    def lookup(self, kind: str, prefix: str, limit: int = 20) -> list[dict[str, Any]]:
        """Values of a name facet (person, organisation) starting with `prefix` (for a facet filter box)."""
        return [{"value": v.value, "count": v.count} for v in self.facet_cache().names[kind].lookup(prefix, limit)]

    def spelling(self, query_text: str) -> str | None:
        """A corrected query when some plain word of `query_text` is not in the archive ("Vouliez-vous dire")."""
        words = re.findall(r"[^\W\d_][\w'’-]*", query_text)
        if not words or re.search(r"\w+:|[\"*?()]", query_text):
            return None  # only plain word queries get a suggestion
        reader = self.searcher().reader()
        corrector = reader.corrector("exact")
        corrected = query_text
        for word in words:
            form = word.lower()
            if form in _OPERATOR_WORDS or ("exact", form) in reader:
                continue
            suggestions = corrector.suggest(form, limit=1, maxdist=2)
            if suggestions and suggestions[0] != form:
                corrected = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", suggestions[0], corrected, count=1)
        return corrected if corrected != query_text else None

    # -- articles ------------------------------------------------------------------------

    def article(self, article_id: str) -> Article | None:
        """The stored article with this id, or None."""
        stored = self.searcher().document(id=article_id)
        return Article.from_json(unpack_article(stored["article"])) if stored else None

    def original(self, article_id: str) -> tuple[Article, bytes] | None:
        """An article and the bytes it was extracted from, as stored beside the index."""
        article = self.article(article_id)
        if article is None or not article.original:
            return None
        raw = OriginalStore(self.path).get(article.original)
        return (article, raw) if raw is not None else None

    def similar(self, article_id: str, limit: int = 5) -> list[dict[str, Any]]:
        """Articles most like this one (Whoosh more_like_this on the body's key terms)."""
        s = self.searcher()
        docnum = s.document_number(id=article_id)
        if docnum is None:
            return []
        text = unpack_article(s.stored_fields(docnum).get("article")).get("text") or ""
        similar = []
        for hit in s.more_like(docnum, "body", text=text, top=limit, numterms=SIMILAR_TERMS):
            art = unpack_article(hit["article"])
            similar.append({"id": art["id"], "title": art.get("title") or "", "date": art.get("date"), "source": art.get("source")})
        return similar

    def person_name(self, name: str) -> str:
        """The archive's display form of a person's name."""
        return self.facet_cache().person_name(name)

    def label(self, kind: str, value: str) -> str:
        """How the archive shows a facet value (a name in its usual form, a code's label)."""
        return self.facet_cache().label(kind, value)

    def terms_of(self, query_text: str) -> set[str]:
        """The analysed terms a query looks for in titles and bodies (none for a bad query)."""
        try:
            return query_terms(self.planner.parse(query_text or ""))
        except QueryError:
            return set()

    def highlight(self, text: str, terms: set[str]) -> list[list[tuple[str, bool]]]:
        """The paragraphs of `text` with the words whose analysed form is in `terms` marked."""
        return highlight_paragraphs(text, terms, self.schema["body"].analyzer)
