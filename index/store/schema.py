"""The Whoosh schema of a newsarchive index, and the field analyzers only it needs."""

from __future__ import annotations

import json
import zlib

from whoosh import columns, fields, formats
from whoosh.analysis import Filter, Token, Tokenizer

from ..analysis import DEFAULT_STEMMER, ExactFormAnalyzer, FrenchAnalyzer, stemmer_of
from ..entities.countries import resolve_country
from ..extraction.sources import key_of
from ..text import fold

SCHEMA_VERSION = 8  # 3: stemmer in the schema, accents folded first; 5: facet column; 6: sources, organisations, agencies; 7: added;
# 8: signatures
UNDATED_LAST = 2**31 - 1
VALUE_SEPARATOR = "\n"  # between the values of a multi-valued facet field


class LineTokenizer(Tokenizer):
    """One token per line of the value (a multi-valued facet field); the whole string in queries."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        parts = value.split(VALUE_SEPARATOR) if mode != "query" else [value]
        for pos, part in enumerate(p.strip() for p in parts):
            if not part:
                continue
            t.text = part
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = part
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar = start_char
                t.endchar = start_char + len(part)
            yield t


class NameKeyFilter(Filter):
    """A person's name -> its key, folded for case, accents and hyphens ("serguei lavrov")."""

    def __call__(self, tokens):
        for t in tokens:
            t.text = fold(t.text)
            if t.text:
                yield t


class SourceKeyFilter(Filter):
    """A publication's host or name -> its key ("www.lepoint.fr" -> "lepoint.fr", "La DH" -> "la dh")."""

    def __call__(self, tokens):
        for t in tokens:
            t.text = key_of(t.text) or ""
            if t.text:
                yield t


class CountryCodeFilter(Filter):
    """A country code, French or English name -> its ISO code ("Russie" -> "RU")."""

    def __call__(self, tokens):
        for t in tokens:
            code = resolve_country(t.text)
            t.text = code or t.text.strip().upper()
            yield t


class Postings:
    """A text field already analysed (in a worker process): (term bytes, frequency, weight, encoded positions)."""

    __slots__ = ("items",)

    def __init__(self, items: list[tuple[bytes, int, float, bytes]]) -> None:
        self.items = items

    def __getstate__(self):
        return self.items

    def __setstate__(self, state):
        self.items = state


class FrenchTextField(fields.TEXT):
    """A TEXT field with positions that indexes through CachedChain.term_positions, or takes Postings ready-made."""

    def index(self, value, **kwargs):
        if isinstance(value, Postings):
            return iter(value.items)
        term_positions = getattr(self.analyzer, "term_positions", None)
        if term_positions is None or not isinstance(value, str) or not isinstance(self.format, formats.Positions) or kwargs:
            return super().index(value, **kwargs)
        return iter(self.postings(value).items)

    def postings(self, value: str) -> Postings:
        """What Whoosh's Positions format would make of `value`, in a form that pickles (for worker processes)."""
        encode = self.format.encode
        boost = self.format.field_boost
        single = _SINGLE_POSITION
        items = []
        for term, poses in self.analyzer.term_positions(value).items():
            if len(poses) == 1:
                # Most terms occur once in an article: their encoding depends on the position alone.
                pos = poses[0]
                vbytes = single.get(pos)
                if vbytes is None:
                    vbytes = single[pos] = encode(poses)
            else:
                vbytes = encode(poses)
            items.append((term.encode("utf-8"), len(poses), len(poses) * boost, vbytes))
        return Postings(items)


_SINGLE_POSITION: dict[int, bytes] = {}


class EntityField(fields.KEYWORD):
    """A multi-valued facet field: values separated by newlines, each one term."""

    def __init__(self, analyzer) -> None:
        super().__init__(scorable=False)
        self.analyzer = analyzer


TEXT_FIELDS = ("title", "body", "exact", "quote")  # analysed in worker processes when indexing in parallel


def build_schema(stemmer: str = DEFAULT_STEMMER) -> fields.Schema:
    """The fields of an article in the index; `stemmer` ("light" or "snowball") is fixed for the index's life."""
    french = FrenchAnalyzer(stemmer)
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        fingerprint=fields.ID(stored=True),  # content hash: "unchanged" vs "updated" on re-index
        title=FrenchTextField(analyzer=french, phrase=True, field_boost=2.0, multitoken_query="phrase"),
        body=FrenchTextField(analyzer=french, phrase=True, multitoken_query="phrase"),
        exact=FrenchTextField(analyzer=ExactFormAnalyzer(), phrase=True, multitoken_query="phrase"),
        date=fields.DATETIME(),
        year=fields.NUMERIC(int, bits=32),
        # Sort keys as columns: the publication day (date.toordinal()); undated articles
        # take each column's default, so they come last in both "newest" and "oldest".
        day_newest=fields.COLUMN(columns.NumericColumn("i", default=0)),
        day_oldest=fields.COLUMN(columns.NumericColumn("i", default=UNDATED_LAST)),
        # The index generation that first committed the article (kept when it is updated):
        # what "new since a saved search was last checked" compares, whatever the clocks say.
        added=fields.NUMERIC(int, bits=64, stored=True, sortable=True),
        added_at=fields.NUMERIC(int, bits=64, stored=True, sortable=True),  # and when (seconds since 1970): feeds' dates
        # The publication: its key (host), and its name as each article gives it (for display).
        source=EntityField(LineTokenizer() | SourceKeyFilter()),
        source_name=EntityField(LineTokenizer()),
        url=fields.ID(),
        author=fields.TEXT(analyzer=FrenchTokenizerOnlyFold()),
        # The journalists the byline signs, one value each: by folded key, and as written (for display).
        signature=EntityField(LineTokenizer() | NameKeyFilter()),
        signature_form=EntityField(LineTokenizer()),
        language=fields.ID(),
        # Facets: persons by folded key (one value per person, whatever the spelling),
        # their written forms (for display), countries by ISO code.
        person=EntityField(LineTokenizer() | NameKeyFilter()),
        person_form=EntityField(LineTokenizer()),
        country=EntityField(LineTokenizer() | CountryCodeFilter()),
        # Organisations like persons (key, written form), with the acronyms each was joined
        # with in its article ("organisation du traite de l atlantique nord|otan"), to join them archive-wide.
        organisation=EntityField(LineTokenizer() | NameKeyFilter()),
        organisation_form=EntityField(LineTokenizer()),
        organisation_mention=EntityField(LineTokenizer()),
        # News agencies whose copy the article carries, by canonical name ("AFP").
        agency=EntityField(LineTokenizer()),
        # Quotations: their words (searchable on their own), and their speakers' keys.
        quote=FrenchTextField(analyzer=french, phrase=True, multitoken_query="phrase"),
        quote_by=EntityField(LineTokenizer() | NameKeyFilter()),
        has=fields.KEYWORD(),  # what an article has, to filter on it: "quote"
        # Near-duplicate group (the id of the group's first article): one result per group.
        dup_group=fields.ID(),
        # The facet fields' terms again, per document: loading facets from the postings
        # costs a matcher per term and segment (seconds at 10,000 articles); a column is
        # read in one pass over the documents.
        facet_terms=fields.COLUMN(columns.VarBytesColumn()),
        # The whole Article as JSON-ready data: display, snippets and re-indexing read it.
        article=fields.STORED(),
    )


def schema_stemmer(schema) -> str | None:
    """The stemmer of an index's titles and bodies ("light" or "snowball")."""
    return stemmer_of(schema["body"].analyzer) if "body" in schema else None


def FrenchTokenizerOnlyFold():  # noqa: N802
    """Author names: words, lower-cased and accent-folded, no stemming."""
    from whoosh.analysis import LowercaseFilter

    from ..analysis import AccentFoldFilter, FrenchTokenizer

    return FrenchTokenizer() | LowercaseFilter() | AccentFoldFilter()


FACET_COLUMN = "facet_terms"
# In the column's order; fields added later come last, so an older column reads as the first ones.
FACET_FIELDS = ("person", "person_form", "country", "dup_group", "source", "source_name", "language", "organisation",
                "organisation_form", "organisation_mention", "agency", "signature", "signature_form")


def facet_terms(schema, doc: dict) -> bytes:
    """The terms the facet fields of a Whoosh document index (as the postings hold them), for the facet column."""
    lists = []
    for name in FACET_FIELDS:
        value = doc.get(name)
        terms = {btext.decode("utf-8") for btext, *_ in schema[name].index(value)} if value and name in schema else set()
        lists.append(sorted(terms))
    return json.dumps(lists, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def read_facet_terms(value: bytes) -> list[list[str]]:
    """The facet column's value back: one list of terms per FACET_FIELDS entry (empty lists for none)."""
    lists = json.loads(value) if value else []
    return lists + [[] for _ in range(len(FACET_FIELDS) - len(lists))]


def pack_article(data: dict) -> bytes:
    """An article's JSON, compressed for the stored field (a third of the plain size)."""
    return zlib.compress(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 6)


def unpack_article(stored: bytes | dict | None) -> dict:
    """The article JSON back from the stored field."""
    if not stored:
        return {}
    if isinstance(stored, dict):
        return stored
    return json.loads(zlib.decompress(stored).decode("utf-8"))
