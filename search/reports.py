"""Reports around searches: who appears with whom, the word forms a query matched, the person and organisation merges made, statistics."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from newsarchive.index.entities.countries import country_label
from newsarchive.index.store.schema import unpack_article
from newsarchive.index.text import fold

from .names import NameFacet
from .plan import Planner
from .query import is_free_text, query_terms
from .request import QueryError, SearchRequest
from .results import SearchResult
from .snapshot import Snapshot

FORMS_SHOWN = 12  # word forms listed per query word


def cooccurrence(search: Callable[[SearchRequest], SearchResult], request: SearchRequest, person: str | None = None,
                 country: str | None = None, limit: int = 10) -> dict[str, Any]:
    """The persons and countries most often in the same articles as `person` (or `country`), within the request's results."""
    if bool(person) == bool(country):
        raise QueryError("give one person or one country to find who and what appears with it")
    sub = replace(request, persons=[*request.persons, person] if person else list(request.persons),
                  countries=[*request.countries, country] if country else list(request.countries),
                  page=1, limit=1, facet_limit=limit + 1 + len(request.persons) + len(request.countries))
    result = search(sub)
    label = (result.filters.get("persons") or [person])[-1] if person else country_label(sub.country_codes()[-1])
    return {
        "with": {"person": label} if person else {"country": sub.country_codes()[-1], "label": label},
        "articles": result.total,
        **result.companions(limit, limit),
    }


def matched_forms(snap: Snapshot, planner: Planner, query_text: str, within: str = "text", limit: int = FORMS_SHOWN) -> list[dict[str, Any]]:
    """For each word of a query, the forms of it found in the archive ("coopération": coopérations, coopératif…)."""
    if within != "text" or not query_text.strip():
        return []
    try:
        q = planner.parse(query_text, "text") if not is_free_text(query_text) else None
    except QueryError:
        return []
    stems = sorted(query_terms(q, ("title", "body"))) if q is not None else []
    if not stems:
        return []
    analyzer = snap.schema["body"].analyzer
    forms = snap.facets.word_forms(snap.reader, analyzer)
    # Show each analysed term as the user typed it ("russes", not the stem "russ").
    typed = {t.text: query_text[t.startchar:t.endchar] for t in analyzer(query_text, chars=True)}
    found = []
    for stem in stems:
        matches = sorted(forms(stem), key=lambda fc: (-fc[1], fc[0]))[:limit]
        if matches:
            found.append({"term": typed.get(stem, stem), "stem": stem, "forms": [{"form": f, "count": c} for f, c in matches]})
    return found


def person_merges(snap: Snapshot) -> list[dict[str, Any]]:
    """Every person the indexer merged names into: spellings, within-article mentions, archive-level merges."""
    return name_merges(snap, ("person",))["person"]


# The form field and the stored list of each name facet the merges report reads.
_NAME_FIELDS = {"person": ("person_form", "persons"), "organisation": ("organisation_form", "organisations")}


def name_merges(snap: Snapshot, kinds: tuple[str, ...] = ("person", "organisation")) -> dict[str, list[dict[str, Any]]]:
    """For each name facet of `kinds`, every value the indexer merged names into, most frequent first: the
    spellings of its key, the shorter mentions merged into it within articles, and the keys counted as it
    across the archive (for organisations with why: "acronym", "known names", "spelling", "ministry",
    "short form", "alias file"). One pass over the stored articles for all kinds."""
    reasons = {"organisation": snap.facets.organisation_merge_reasons}
    spellings: dict[str, dict[str, list[dict[str, Any]]]] = {kind: {} for kind in kinds}
    mentions: dict[str, dict[str, dict[str, int]]] = {kind: {} for kind in kinds}
    for kind in kinds:
        facet, field = snap.facets.names[kind], _NAME_FIELDS[kind][0]
        if field in snap.reader.indexed_field_names():
            for term, info in snap.reader.iter_field(field):
                form = term.decode("utf-8") if isinstance(term, bytes) else term
                key = fold(form)
                if key not in facet.merged_into and form != facet.name(key):  # merged names are listed apart
                    spellings[kind].setdefault(key, []).append({"form": form, "count": info.doc_frequency()})
    for fields in snap.searcher.all_stored_fields():
        article = unpack_article(fields.get("article"))
        for kind in kinds:
            facet = snap.facets.names[kind]
            for entity in article.get(_NAME_FIELDS[kind][1]) or []:
                key = facet.merged_into.get(fold(entity["name"]), fold(entity["name"]))
                for mention in dict.fromkeys(entity.get("mentions") or []):
                    if fold(mention) != key:
                        counts = mentions[kind].setdefault(key, {})
                        counts[mention] = counts.get(mention, 0) + 1
    return {kind: _merge_entries(snap.facets.names[kind], spellings[kind], mentions[kind], reasons.get(kind)) for kind in kinds}


def _merge_entries(facet: NameFacet, spellings: dict[str, list[dict[str, Any]]], mentions: dict[str, dict[str, int]],
                   reasons: dict[str, str] | None) -> list[dict[str, Any]]:
    merged: dict[str, list[dict[str, Any]]] = {}
    for key, target in facet.merged_into.items():
        if facet.counts_before_merges.get(key):
            entry = {"name": facet.name(key) if key in facet.names else key, "count": facet.counts_before_merges[key]}
            if reasons is not None:
                entry["why"] = reasons.get(key, "")
            merged.setdefault(target, []).append(entry)
    entries: list[dict[str, Any]] = []
    for i, key in enumerate(facet.field.values):
        articles = int(facet.field.doc_counts[i])
        if not articles or not (key in spellings or key in mentions or key in merged):
            continue
        entries.append({
            "name": facet.name(key),
            "articles": articles,
            "spellings": sorted(spellings.get(key, []), key=lambda f: -f["count"]),
            "mentions": [{"mention": m, "count": n} for m, n in sorted(mentions.get(key, {}).items(), key=lambda kv: -kv[1])],
            "merged": sorted(merged.get(key, []), key=lambda m: -m["count"]),
        })
    entries.sort(key=lambda e: (-e["articles"], e["name"]))
    return entries


@dataclass(frozen=True)
class Stats:
    """What an archive holds: articles, distinct values of the main facets, the dates it spans, its size on disk."""

    index: Path
    articles: int
    persons: int
    organisations: int
    countries: int
    sources: int
    date_from: dt.date | None
    date_to: dt.date | None
    size_bytes: int

    @property
    def size_mb(self) -> float:
        return round(self.size_bytes / 1_048_576, 2)

    def to_json(self) -> dict[str, Any]:
        """The JSON of `newsarchive stats --json`."""
        return {
            "index": str(self.index),
            "articles": self.articles,
            "persons": self.persons,
            "organisations": self.organisations,
            "countries": self.countries,
            "sources": self.sources,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "size_bytes": self.size_bytes,
            "size_mb": self.size_mb,
        }


def stats(snap: Snapshot, path: Path) -> Stats:
    """Articles, distinct persons and countries, date range and size on disk."""
    facets = snap.facets
    span = facets.date_range()

    def distinct(kind: str) -> int:
        return int((facets.facet(kind).doc_counts > 0).sum())

    return Stats(
        index=path,
        articles=snap.searcher.doc_count(),
        persons=distinct("person"),
        organisations=distinct("organisation"),
        countries=distinct("country"),
        sources=distinct("source"),
        date_from=span[0] if span else None,
        date_to=span[1] if span else None,
        size_bytes=sum(p.stat().st_size for p in path.iterdir() if p.is_file()),
    )
