"""Export an index for OpenSearch / Elasticsearch: an index definition and `_bulk` NDJSON files.

When one machine is not enough, the archive moves to OpenSearch (or Elasticsearch). The
definition mirrors the project's analysis (elision with the same articles, lower case,
ASCII folding, the same stop words, Savoy's light or Snowball French stemmer, in that
order) so that queries find what they find here; persons and countries are keyword
fields for terms aggregations (the facets), the date a date field (year histogram).

    OUT/index.json             PUT /<name> with this body
    OUT/articles-00001.ndjson  POST /_bulk with each file (at most BULK_ARTICLES articles each)
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from unidecode import unidecode

from newsarchive.index.analysis import french_stop_words
from newsarchive.index.countries import country_label
from newsarchive.index.schema import schema_stemmer, unpack_article
from newsarchive.index.text import ELIDED_PREFIXES

from .archive import Archive

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


def index_definition(stemmer: str) -> dict:
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
                    # Order as in index/analysis.py: accents folded before stop words and stemming.
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
                "source": {"type": "keyword"},
                "url": {"type": "keyword", "index": False},
                "author": {"type": "keyword"},
                "language": {"type": "keyword"},
                "persons": {"type": "keyword"},
                "countries": {"type": "keyword"},
                "country_names": {"type": "keyword"},
            },
        },
    }


def _text_field() -> dict:
    return {"type": "text", "analyzer": "newsarchive_french", "fields": {"exact": {"type": "text", "analyzer": "newsarchive_exact"}}}


def documents(archive: Archive) -> Iterator[dict]:
    """Every live article of an Archive as an OpenSearch document (persons in their archive-wide display form)."""
    snap = archive.snapshot()
    cache = snap.facets
    for stored in snap.searcher.all_stored_fields():
        article = unpack_article(stored.get("article"))
        if not article:
            continue
        codes = [c["code"] for c in article.get("countries") or []]
        yield {
            "id": article["id"],
            "title": article.get("title") or "",
            "text": article.get("text") or "",
            "date": article.get("date"),
            "source": article.get("source"),
            "url": article.get("url"),
            "author": article.get("author"),
            "language": article.get("language"),
            "persons": [cache.person_name(p["name"]) for p in article.get("persons") or []],
            "countries": codes,
            "country_names": [country_label(code) for code in codes],
        }


def export_opensearch(index_dir: Path, out_dir: Path, name: str = DEFAULT_NAME) -> ExportSummary:
    """Write OUT/index.json and OUT/articles-NNNNN.ndjson for the index at `index_dir`."""
    archive = Archive(index_dir)
    stemmer = schema_stemmer(archive.schema) or "snowball"
    out_dir.mkdir(parents=True, exist_ok=True)
    definition = out_dir / "index.json"
    definition.write_text(json.dumps(index_definition(stemmer), ensure_ascii=False, indent=2) + "\n", "utf-8")
    files: list[Path] = []
    count = 0
    fh = None
    try:
        for doc in documents(archive):
            if count % BULK_ARTICLES == 0:
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
        archive.close()
    return ExportSummary(articles=count, files=files, definition=definition, stemmer=stemmer)
