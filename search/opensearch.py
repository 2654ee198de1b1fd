"""Export an index for OpenSearch / Elasticsearch: an index definition and `_bulk` NDJSON files.

When one machine is not enough, the archive moves to OpenSearch (or Elasticsearch). The
definition mirrors the project's analysis (elision with the same articles, lower case,
ASCII folding, the same stop words, Savoy's light or Snowball French stemmer, in that
order) so that queries find what they find here; persons, organisations, countries,
agencies, the publication, the language and the near-duplicate group are keyword fields
for terms aggregations (the facets), quotations a nested field (text and speaker), the
date a date field (year histogram).

The documents come from an index, or straight from the enriched records of
`newsarchive enrich` (no Whoosh index in between): there the archive-wide forms an
index's facets give (one display name per person and organisation, a publication's
label, near-duplicate groups in record order) are computed the same way, in one pass.

    OUT/index.json             PUT /<name> with this body
    OUT/articles-00001.ndjson  POST /_bulk with each file (at most BULK_ARTICLES articles each)
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import numpy as np
from unidecode import unidecode

from newsarchive.index.analysis import DEFAULT_STEMMER, french_stop_words
from newsarchive.index.annotation.dedup import DuplicateGroups
from newsarchive.index.article import Article
from newsarchive.index.entities.aliases import resolve_person_keys
from newsarchive.index.entities.countries import country_label
from newsarchive.index.entities.organisations import resolve_acronyms
from newsarchive.index.errors import ArchiveIndexError
from newsarchive.index.extraction.sources import source_key
from newsarchive.index.inputs.enriched import MANIFEST, is_enriched_folder, read_folder
from newsarchive.index.store.documents import article_fields, fingerprint
from newsarchive.index.store.schema import FACET_FIELDS, build_schema, facet_terms, read_facet_terms, schema_stemmer, unpack_article
from newsarchive.index.text import ELIDED_PREFIXES

from .archive import Archive
from .facet_arrays import FieldFacet
from .names import NameFacet

BULK_ARTICLES = 5_000  # articles per _bulk file: a few tens of MB, under the usual 100 MB request limit
DEFAULT_NAME = "newsarchive"

# Elasticsearch / OpenSearch names of the project's stemmers (both are Lucene's own filters).
STEMMER_NAMES = {"light": "light_french", "snowball": "french"}


@dataclass
class ExportSummary:
    """What an export wrote."""

    articles: int
    files: list[Path]
    definition: Path
    stemmer: str


def index_definition(stemmer: str) -> dict[str, Any]:
    """Settings and mappings whose French analyzer mirrors the project's chain (with `stemmer`)."""
    stop_words = sorted(french_stop_words() | {unidecode(w) for w in french_stop_words()})
    return {
        "settings": {
            "analysis": {
                "filter": {
                    "newsarchive_elision": {"type": "elision", "articles_case": True, "articles": list(ELIDED_PREFIXES)},
                    "newsarchive_stop": {"type": "stop", "stopwords": stop_words},
                    "newsarchive_stemmer": {"type": "stemmer", "language": STEMMER_NAMES[stemmer]},
                },
                "analyzer": {
                    # Order as in index/analysis/__init__.py: accents folded before stop words and stemming.
                    "newsarchive_french": {
                        "type": "custom",
                        "tokenizer": "standard",
                        "filter": ["newsarchive_elision", "lowercase", "asciifolding", "newsarchive_stop", "newsarchive_stemmer"],
                    },
                    # The `exact:` field: word forms as written, lower-cased, accents kept.
                    "newsarchive_exact": {"type": "custom", "tokenizer": "standard", "filter": ["newsarchive_elision", "lowercase"]},
                },
            }
        },
        "mappings": {
            "dynamic": "strict",
            "properties": {
                "id": {"type": "keyword"},
                "title": _text_field(),
                "text": _text_field(),
                "date": {"type": "date", "format": "strict_date"},
                "source": {"type": "keyword"},  # the publication's name as the article gives it
                "source_key": {"type": "keyword"},  # its facet value: the URL's host (lepoint.fr), else the name folded
                "source_label": {"type": "keyword"},  # the facet's label of that value
                "url": {"type": "keyword", "index": False},
                "author": {"type": "keyword"},
                "language": {"type": "keyword"},
                "persons": {"type": "keyword"},
                "organisations": {"type": "keyword"},
                "countries": {"type": "keyword"},
                "country_names": {"type": "keyword"},
                "agencies": {"type": "keyword"},
                "group": {"type": "keyword"},  # near-duplicate group: one hit per group is a `collapse` on it
                # Nested: "words in a quotation by this speaker" must match the same quotation.
                "quotes": {"type": "nested", "properties": {"text": _text_field(), "speaker": {"type": "keyword"}}},
            },
        },
    }


def _text_field() -> dict[str, Any]:
    return {"type": "text", "analyzer": "newsarchive_french", "fields": {"exact": {"type": "text", "analyzer": "newsarchive_exact"}}}


@dataclass
class Names:
    """The archive-wide forms a document shows: display names, a publication's label, the near-duplicate group."""

    person: Callable[[str], str]
    organisation: Callable[[str], str]
    source: Callable[[str], tuple[str, str]]  # a publication key -> (its facet value, its label)


def document(article: dict[str, Any], names: Names, group: str | None) -> dict[str, Any]:
    """One article (its stored JSON) as an OpenSearch document."""
    codes = [c["code"] for c in article.get("countries") or []]
    key = source_key(article.get("url"), article.get("source"))
    value, label = names.source(key) if key else (None, None)
    return {
        "id": article["id"],
        "title": article.get("title") or "",
        "text": article.get("text") or "",
        "date": article.get("date"),
        "source": article.get("source"),
        "source_key": value,
        "source_label": label,
        "url": article.get("url"),
        "author": article.get("author"),
        "language": article.get("language"),
        "persons": list(dict.fromkeys(names.person(p["name"]) for p in article.get("persons") or [])),
        "organisations": list(dict.fromkeys(names.organisation(o["name"]) for o in article.get("organisations") or [])),
        "countries": codes,
        "country_names": [country_label(code) for code in codes],
        "agencies": [a["name"] for a in article.get("agencies") or []],
        "group": group,
        "quotes": [{"text": q["text"], **({"speaker": names.person(q["speaker"])} if q.get("speaker") else {})}
                   for q in article.get("quotes") or []],
    }


def documents(archive: Archive) -> Iterator[dict[str, Any]]:
    """Every live article of an Archive as an OpenSearch document, in the forms its facets show."""
    snap = archive.snapshot()
    cache = snap.facets
    names = Names(cache.person_name, lambda name: cache.label("organisation", name),
                  lambda key: (merged := cache.source_merges.get(key, key), cache.label("source", merged)))
    reader = snap.searcher.reader()
    for docnum in reader.all_doc_ids():
        article = unpack_article(reader.stored_fields(docnum).get("article"))
        if article:
            group = cache.groups[docnum]
            yield document(article, names, cache.group_ids[group] if group < len(cache.group_ids) else article["id"])


def enriched_documents(folder: Path) -> Iterator[dict[str, Any]]:
    """Every article of an enriched folder as the document an index of it would export, without building the index.

    Two passes: the first groups near-duplicates in record order (as the writer does: an
    article seen again unchanged keeps its group, a changed one is grouped again) and
    collects each article's facet terms; the second writes the last version of each id.
    """
    schema = build_schema()
    groups = DuplicateGroups()
    seen: dict[str, str] = {}  # id -> fingerprint
    terms: dict[str, list[list[str]]] = {}  # id -> its facet terms, in the order an index holds its documents
    last: dict[str, int] = {}
    for n, article in enumerate(a for a in read_folder(folder) if isinstance(a, Article)):
        fp = fingerprint(article)
        if seen.get(article.id) == fp:
            continue
        groups.assign(article.id, article.text, article.signature)
        seen[article.id], last[article.id] = fp, n
        terms.pop(article.id, None)  # an updated document goes last in an index too
        terms[article.id] = read_facet_terms(facet_terms(schema, article_fields(article)))
    names = _names_of(list(terms.values()))
    for n, article in enumerate(a for a in read_folder(folder) if isinstance(a, Article)):
        if last.get(article.id) == n:
            yield document(article.to_json(), names, groups.groups.get(article.id, article.id))


def _names_of(docs: list[list[list[str]]]) -> Names:
    """The display forms of FacetCache (no alias or sources file) over the facet terms of each document."""
    fields = {name: _field([d[i] for d in docs]) for i, name in enumerate(FACET_FIELDS)}
    counts = {f: {v: int(c) for v, c in zip(fields[f].values, fields[f].doc_counts, strict=True)} for f in ("person", "organisation")}
    joined: dict[str, dict[str, int]] = defaultdict(dict)
    for pair, n in zip(fields["organisation_mention"].values, fields["organisation_mention"].doc_counts.tolist(), strict=True):
        name, _, acronym = pair.partition("|")
        joined[name][acronym] = n
    persons = NameFacet(fields["person"], fields["person_form"], resolve_person_keys(counts["person"]))
    organisations = NameFacet(fields["organisation"], fields["organisation_form"], resolve_acronyms(counts["organisation"], joined))
    # A publication's label: the name its articles give most often (the first seen of equals).
    by_key: dict[str, Counter[str]] = defaultdict(Counter)
    order = {name: i for i, name in enumerate(fields["source_name"].values)}
    for d in docs:
        hosts, given = d[FACET_FIELDS.index("source")], d[FACET_FIELDS.index("source_name")]
        if hosts and given:
            by_key[hosts[0]][given[0]] += 1
    labels = {key: max(c.items(), key=lambda item: (item[1], -order[item[0]]))[0] for key, c in by_key.items()}
    return Names(persons.name, organisations.name, lambda key: (key, labels.get(key, key)))


def _field(values_of_docs: list[list[str]]) -> FieldFacet:
    """A facet field's (document, value) pairs, values numbered as an index's facet column numbers them."""
    index: dict[str, int] = {}
    docs, vals = [], []
    for docnum, values in enumerate(values_of_docs):
        for value in values:
            docs.append(docnum)
            vals.append(index.setdefault(value, len(index)))
    return FieldFacet(list(index), np.array(docs, dtype=np.int32), np.array(vals, dtype=np.int32), len(values_of_docs))


def export_opensearch(index_dir: Path, out_dir: Path, name: str = DEFAULT_NAME) -> ExportSummary:
    """Write OUT/index.json and OUT/articles-NNNNN.ndjson for the index at `index_dir`."""
    archive = Archive(index_dir)
    try:
        return write_bulk(documents(archive), out_dir, name, schema_stemmer(archive.schema) or DEFAULT_STEMMER)
    finally:
        archive.close()


def export_enriched(folder: Path, out_dir: Path, name: str = DEFAULT_NAME, stemmer: str = DEFAULT_STEMMER) -> ExportSummary:
    """Write OUT/index.json and OUT/articles-NNNNN.ndjson from the enriched records in `folder` (`newsarchive enrich --out`)."""
    if not is_enriched_folder(Path(folder)):
        raise ArchiveIndexError(f"not a folder of enriched records (no {MANIFEST}; made by `newsarchive enrich --out`): {folder}")
    return write_bulk(enriched_documents(Path(folder)), out_dir, name, stemmer)


def write_bulk(docs: Iterable[dict[str, Any]], out_dir: Path, name: str, stemmer: str) -> ExportSummary:
    """The index definition, then the documents as `_bulk` bodies of at most BULK_ARTICLES each."""
    out_dir.mkdir(parents=True, exist_ok=True)
    definition = out_dir / "index.json"
    definition.write_text(json.dumps(index_definition(stemmer), ensure_ascii=False, indent=2) + "\n", "utf-8")
    files: list[Path] = []
    count = 0
    fh: TextIO | None = None
    try:
        for doc in docs:
            if fh is None or count % BULK_ARTICLES == 0:
                if fh is not None:
                    fh.close()
                files.append(out_dir / f"articles-{len(files) + 1:05d}.ndjson")
                fh = open(files[-1], "w", encoding="utf-8")  # noqa: SIM115 - one file per chunk, closed in turn
            fh.write(json.dumps({"index": {"_index": name, "_id": doc["id"]}}) + "\n")
            fh.write(json.dumps({k: v for k, v in doc.items() if v not in (None, [], "")}, ensure_ascii=False) + "\n")
            count += 1
    finally:
        if fh is not None:
            fh.close()
    return ExportSummary(articles=count, files=files, definition=definition, stemmer=stemmer)
