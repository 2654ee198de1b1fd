"""What a search returns: hits with their snippets, facet counts, and the JSON the CLI and the API share."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from whoosh.analysis import Analyzer

from newsarchive.index.entities.countries import country_label
from newsarchive.index.extraction.signatures import signatures
from newsarchive.index.extraction.sources import source_key
from newsarchive.index.store.schema import unpack_article
from newsarchive.index.text import fold

from .request import SearchRequest
from .snapshot import Snapshot
from .snippets import Snippet, best_snippet, highlight_paragraphs, lead_snippet

SNIPPET_CHARS = 220

# Why a result needs a word of explanation; the page says it in its own language (web/i18n.py).
NOTICES = {
    "free_text": "free text: articles ranked by the query's most distinctive words (join words with AND to require each)",
    "no_known_word": "no word of the query is in the archive",
    "no_searchable_word": "the query has no searchable word (only stop words?)",
}


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
    organisations: list[str] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)
    author: str | None = None  # the byline as written
    signatures: list[str] = field(default_factory=list)  # the journalists it signs (the facet's values)
    source_key: str | None = None  # the publication's facet value (its host); `source` is its label
    language: str | None = None
    title_derived: bool = False  # the title was made from the first sentence (the original has none)
    added_at: int = 0  # when the archive first received it (seconds since 1970; 0 for older indexes)
    score: float | None = None
    group: str | None = None  # near-duplicate group
    versions: int = 0  # other versions of the same story in the result set (when one per group is shown)
    quotes: list[dict[str, Any]] = field(default_factory=list)  # for searches inside quotations

    def to_json(self) -> dict[str, Any]:
        """The hit as in `newsarchive search --json` (snippet as escaped HTML with <mark>)."""
        return {
            "id": self.id,
            "title": self.title,
            "title_derived": self.title_derived,
            "date": self.date,
            "source": self.source,
            "url": self.url,
            "snippet": self.snippet.html(),
            "source_key": self.source_key,
            "language": self.language,
            "persons": self.persons,
            "countries": self.countries,
            "organisations": self.organisations,
            "agencies": self.agencies,
            "author": self.author,
            "signatures": self.signatures,
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
    notice: str | None = None  # a key of NOTICES
    filters: dict[str, Any] = field(default_factory=dict)
    groups: int = 0  # distinct near-duplicate groups among the `total` articles
    collapsed: bool = False  # one hit per group (pages count groups)
    months: list[tuple[str, int]] = field(default_factory=list)  # for a short date span: counts per month
    terms: set[str] = field(default_factory=set)  # analysed query terms, to highlight titles

    @property
    def pages(self) -> int:
        shown = self.groups if self.collapsed else self.total
        return max(1, -(-shown // self.request.limit))

    def facet_values(self, kind: str, prefix: str = "") -> list[dict[str, Any]]:
        """The values of facet `kind` whose label (or one of its words) starts with `prefix`, folded."""
        values = self.facets[kind]
        key = fold(prefix)
        if not key:
            return values
        return [v for v in values if fold(v["value"]).startswith(key) or any(w.startswith(key) for w in fold(v.get("label") or v["value"]).split())]

    def companions(self, persons: int, countries: int) -> dict[str, list[dict[str, Any]]]:
        """The persons and countries most often in these results, the filters chosen left out: who and what appears with them."""
        chosen_persons = set(self.filters.get("persons", []))
        chosen_codes = {c["code"] for c in self.filters.get("countries", [])}
        return {
            "persons": [f for f in self.facets["person"] if f["value"] not in chosen_persons][:persons],
            "countries": [f for f in self.facets["country"] if f["value"] not in chosen_codes][:countries],
        }

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
            "notice": NOTICES.get(self.notice) if self.notice else None,
            "notice_code": self.notice,
            "hits": [h.to_json() for h in self.hits],
            "facets": self.facets,
        }


def make_hit(snap: Snapshot, docnum: int, score: float | None, terms: set[str], request: SearchRequest,
             versions: np.ndarray | None = None, speakers: AbstractSet[str] = frozenset()) -> Hit:
    """The hit for one document: its snippet (the passages with the most query words), tags, group and quotations."""
    article = unpack_article(snap.searcher.stored_fields(docnum).get("article"))
    text = article.get("text") or ""
    analyzer = snap.schema["exact"].analyzer if request.within == "exact" and "exact" in snap.schema else snap.schema["body"].analyzer
    snippet = best_snippet(text, terms, analyzer, SNIPPET_CHARS) if terms and text else None
    facets = snap.facets
    group = facets.groups[docnum]
    source = source_key(article.get("url"), article.get("source"))
    return Hit(
        id=article["id"],
        title=article.get("title") or "",
        date=article.get("date"),
        source=facets.label("source", source) if source else article.get("source"),
        source_key=source,
        language=article.get("language"),
        title_derived="title" in (article.get("derived") or {}),
        added_at=int(facets.added_at[docnum]),
        url=article.get("url"),
        snippet=snippet or lead_snippet(text, SNIPPET_CHARS),
        persons=list(dict.fromkeys(facets.person_name(p["name"]) for p in article.get("persons") or [])),
        countries=[{"code": c["code"], "name": country_label(c["code"])} for c in article.get("countries") or []],
        organisations=list(dict.fromkeys(facets.label("organisation", o["name"]) for o in article.get("organisations") or [])),
        agencies=[a["name"] for a in article.get("agencies") or []],
        author=article.get("author"),
        signatures=[facets.label("signature", name) for name in signatures(article.get("author"))],
        score=score,
        group=facets.group_ids[group] if group < len(facets.group_ids) else None,
        versions=int(versions[group]) - 1 if versions is not None and group < versions.size else 0,
        quotes=_quotes(snap, article, terms, analyzer, speakers) if request.within == "quotes" else [],
    )


def _quotes(snap: Snapshot, article: dict[str, Any], terms: set[str], analyzer: Analyzer, speakers: AbstractSet[str]) -> list[dict[str, Any]]:
    """The article's quotations by `speakers` (any, when empty) that hold the words looked for, highlighted."""
    quotes = []
    for q in article.get("quotes") or []:
        by = q.get("speaker")
        if speakers and not (by and fold(by) in speakers):
            continue
        pieces = highlight_paragraphs(q["text"], terms, analyzer)
        if terms and not any(hit for para in pieces for _, hit in para):
            continue  # a quotation of this article without the words looked for
        quotes.append({"text": q["text"], "speaker": snap.facets.person_name(by) if by else None, "html": Snippet(pieces).html()})
    return quotes
