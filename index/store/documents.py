"""An article as the index stores it: its Whoosh document, and the fingerprint that tells an update from a copy.

Built by the writing process without analysis (cheap to send to the workers as text),
analysed by the worker that writes the segment (`analysed`); also read by the OpenSearch
export, which sends the same fields.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..article import Article
from ..entities.organisations import acronym_links
from ..errors import ArchiveIndexError
from ..extraction.metadata import content_hash
from ..extraction.signatures import signatures
from ..extraction.sources import source_key
from ..text import fold
from .folder import index_exists, open_index
from .schema import TEXT_FIELDS, UNDATED_LAST, VALUE_SEPARATOR, FrenchTextField, build_schema, pack_article


def fingerprint(article: Article) -> str:
    """Hash of everything indexed about an article (not where it was read from)."""
    data = article.to_json()
    data.pop("origin", None)
    return content_hash(repr(sorted(data.items())))


def article_fields(article: Article, schema=None) -> dict:
    """The Whoosh document for an article; with `schema`, its text fields come analysed (Postings)."""
    title = "" if "title" in article.derived else article.title or ""
    doc = {
        "id": article.id,
        "fingerprint": fingerprint(article),
        # A title made from the first sentence is shown, not indexed: the sentence is in the body already.
        "title": title,
        "body": article.text,
        "exact": f"{title}\n{article.text}",
        "article": pack_article(article.to_json()),
        # Written for every article, dated or not, so that every segment has both sort
        # columns (Whoosh falls back to the lexicon, which a column field lacks).
        "day_newest": 0,
        "day_oldest": UNDATED_LAST,
    }
    if article.date:
        doc["date"] = dt.datetime(article.date.year, article.date.month, article.date.day)
        doc["year"] = article.date.year
        doc["day_newest"] = doc["day_oldest"] = article.date.toordinal()
    source = source_key(article.url, article.source)
    if source:
        doc["source"] = source
        doc["source_name"] = article.source or source
    if article.url:
        doc["url"] = article.url
    if article.author:
        doc["author"] = article.author
        if names := [n.replace(VALUE_SEPARATOR, " ") for n in signatures(article.author)]:
            doc["signature"] = doc["signature_form"] = VALUE_SEPARATOR.join(names)
    if article.language:
        doc["language"] = article.language
    names = [p.name.replace(VALUE_SEPARATOR, " ") for p in article.persons if p.facet and fold(p.name)]
    if names:
        doc["person"] = VALUE_SEPARATOR.join(names)
        doc["person_form"] = VALUE_SEPARATOR.join(names)
    if article.countries:
        doc["country"] = VALUE_SEPARATOR.join(c.code for c in article.countries)
    organisations = [o for o in article.organisations if fold(o.name)]
    if organisations:
        doc["organisation"] = doc["organisation_form"] = VALUE_SEPARATOR.join(o.name.replace(VALUE_SEPARATOR, " ") for o in organisations)
        joined = {f"{fold(o.name)}|{acronym}" for o in organisations for acronym in acronym_links(o)}
        if joined:
            doc["organisation_mention"] = VALUE_SEPARATOR.join(sorted(joined))
    if article.agencies:
        doc["agency"] = VALUE_SEPARATOR.join(a.name for a in article.agencies)
    if article.quotes:
        doc["has"] = "quote"
        doc["quote"] = "\n\n".join(q.text for q in article.quotes)
        speakers = [q.speaker.replace(VALUE_SEPARATOR, " ") for q in article.quotes if q.speaker and fold(q.speaker)]
        if speakers:
            doc["quote_by"] = VALUE_SEPARATOR.join(dict.fromkeys(speakers))
    return analysed(doc, schema) if schema is not None else doc


def analysed(doc: dict, schema) -> dict:
    """`doc` with its text fields analysed for `schema` (Postings); fields analysed already are left as they are."""
    for name in TEXT_FIELDS:
        if name in schema and isinstance(schema[name], FrenchTextField) and isinstance(doc.get(name), str):
            doc[name] = schema[name].postings(doc[name])
    return doc


def index_schema(path: Path, stemmer: str | None = None):
    """The schema articles for the index at `path` must be analysed with (a new index's if there is none yet)."""
    if index_exists(Path(path)):
        try:
            return open_index(Path(path)).schema
        except ArchiveIndexError:
            pass  # the writer reports it when it opens the index
    return build_schema(stemmer) if stemmer else build_schema()
