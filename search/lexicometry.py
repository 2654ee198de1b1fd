"""A result set as a corpus for lexicometry: Iramuteq (ALCESTE) and TXM (XTZ + CSV). See docs/outputs.md.

One text per article of the result set, in the search's order (every version of a wire
story, as the table exports give them), at most `limit` (10,000 by default, up to 100,000).
Articles are read and written one at a time: an Iramuteq corpus streams line by line,
and a TXM zip is written to a temporary file (each article's XML as it comes, the rows of
metadata.csv in a second temporary file), then streamed and removed, as xlsx is.

Iramuteq reads a text's variables from its `****` line: `*variable_modality`, the variable
before the first `_`, modalities without accents, spaces or punctuation. Values are folded
with the search's own folding (index/text.py, unidecode): lower-case ASCII words joined
by `_`; an empty value is `nd`. One modality per variable: with several agencies, the
first named; with several journalists signing, the first (as the author facet reads a
by-line: index/extraction/signatures.py). Texts lose every `*`, so none of their lines
can start a text (`****`) or a thematic section (`-*`).

TXM's XTZ import reads each file's `<text>` attributes as the text's metadata, merged
with metadata.csv (first column `id`, the file name without its extension). Attribute
names are lower-case ASCII letters only; values and text are XML-escaped by lxml, with
the characters XML 1.0 cannot hold removed.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from newsarchive.index.extraction.signatures import signatures
from newsarchive.index.extraction.sources import source_key
from newsarchive.index.store.schema import unpack_article
from newsarchive.index.text import fold

from .export import MAX_ROWS, check_limit, file_chunks
from .plan import Planner
from .ranking import matching, ranked_page, whoosh_matches
from .request import SearchRequest
from .research import Output
from .snapshot import Snapshot

MISSING = "nd"  # an empty value ("non défini")
MODALITY_CHARS = 60  # a modality is cut to this many characters
TXM_FOLDER = "newsarchive"  # the folder the zip holds (the folder TXM's import is pointed at)
# Iramuteq variables and TXM attributes, in the order they are written, with what each holds.
IRAMUTEQ_VARIABLES = ("pub", "date", "annee", "mois", "langue", "agence", "auteur")
TXM_ATTRIBUTES = ("id", "titre", "pub", "date", "annee", "mois", "langue", "agence", "auteur", "url", "groupe", "textorder")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")  # characters XML 1.0 cannot hold
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass
class Text:
    """One article as a text of a corpus: what Iramuteq and TXM get of it."""

    id: str
    rank: int  # its place in the search's order, from 1
    title: str
    paragraphs: list[str]
    publication: str  # the publication's label, as the source facet shows it
    date: str | None  # YYYY-MM-DD
    language: str | None
    agencies: list[str]
    author: str | None  # the by-line as stored
    url: str | None
    group: str | None  # its near-duplicate group

    @property
    def first_author(self) -> str | None:
        """The first journalist the by-line signs, as the author facet reads it ("Par Jean Dupont et Marie Martin" -> "Jean Dupont")."""
        names = signatures(self.author)
        return names[0] if names else None

    def metadata(self) -> dict[str, str]:
        """The values of TXM_ATTRIBUTES (empty ones as `nd`), as written: TXM takes any text."""
        day = self.date if self.date and _ISO_DAY.fullmatch(self.date) else None
        values = {
            "id": file_id(self.id), "titre": self.title, "pub": self.publication, "date": day, "annee": day[:4] if day else None,
            "mois": day[:7] if day else None, "langue": self.language, "agence": self.agencies[0] if self.agencies else None,
            "auteur": self.first_author, "url": self.url, "groupe": self.group, "textorder": f"{self.rank:06d}",
        }
        return {name: " ".join(xml_text(values[name] or "").split()) or MISSING for name in TXM_ATTRIBUTES}


@dataclass
class Corpus:
    """The texts of a result set to write, how many the result set holds, and what to say when they were cut."""

    texts: Iterator[Text]
    total: int
    cut_message: str | None = None


def corpus(snap: Snapshot, planner: Planner, request: SearchRequest, limit: int | None = None, start: int = 0) -> Corpus:
    """The articles of a search (at most `limit`, from the `start`-th) in its order, read one at a time as texts.

    The request is planned and matched here, so a bad one raises QueryError before anything is written.
    """
    limit = check_limit(limit)
    request.validate()
    plan = planner.plan(request, snap.reader, snap.facets)
    docnums, matches = matching(plan, snap)
    total = int(docnums.size)
    wanted = max(0, min(total - start, limit))
    facets = snap.facets

    def texts() -> Iterator[Text]:
        if not wanted:
            return
        # As the table exports do: the ordered document numbers at once, then one stored article at a time.
        ordered = replace(plan, request=replace(request, page=1, limit=start + wanted))
        scored = matches if matches is not None else whoosh_matches(plan, snap, docnums)
        for rank, (docnum, _) in enumerate(ranked_page(ordered, snap, scored, collapsed=False)[start:], start=start + 1):
            article: dict[str, Any] = unpack_article(snap.searcher.stored_fields(docnum).get("article"))
            key = source_key(article.get("url"), article.get("source"))
            group = facets.groups[docnum]
            yield Text(
                id=article["id"], rank=rank, title=article.get("title") or "",
                paragraphs=[p for p in re.split(r"\n\s*\n", article.get("text") or "") if p.strip()],
                publication=facets.label("source", key) if key else article.get("source") or "",
                date=article.get("date"), language=article.get("language"),
                agencies=[a["name"] for a in article.get("agencies") or []], author=article.get("author"), url=article.get("url"),
                group=facets.group_ids[group] if group < len(facets.group_ids) else None,
            )

    cut = f"export cut at {limit} texts of {total}: ask for up to {MAX_ROWS} with limit" if total - start > limit else None
    return Corpus(texts(), total, cut)


# --- Iramuteq -------------------------------------------------------------------------------------


def modality(value: str | None) -> str:
    """A value as an Iramuteq modality: folded lower-case ASCII words joined by "_" ("Le Monde" -> "le_monde"), else `nd`."""
    return "_".join(fold(value or "").split())[:MODALITY_CHARS].strip("_") or MISSING


def iramuteq_header(text: Text) -> str:
    """The text's `****` line: `**** *pub_le_monde *date_2018-11-17 *annee_2018 *mois_2018-11 *langue_fr *agence_afp *auteur_jean_dupont`."""
    day = text.date if text.date and _ISO_DAY.fullmatch(text.date) else None
    values = {
        "pub": modality(text.publication), "date": day or MISSING, "annee": day[:4] if day else MISSING, "mois": day[:7] if day else MISSING,
        "langue": modality(text.language), "agence": modality(text.agencies[0] if text.agencies else None),
        "auteur": modality(text.first_author),
    }
    return "**** " + " ".join(f"*{name}_{values[name]}" for name in IRAMUTEQ_VARIABLES)


def iramuteq_line(text: str) -> str:
    """A line of a text's body: no `*` (nothing in it can open a text or a thematic section), no control character, one line."""
    return " ".join(_CONTROL.sub(" ", text.replace("*", "")).split())


def iramuteq_chunks(texts: Iterator[Text]) -> Iterator[bytes]:
    """The corpus in UTF-8, one text at a time: its `****` line, its title, its paragraphs (one a line), a blank line."""
    for text in texts:
        lines = [iramuteq_header(text)] + [line for line in map(iramuteq_line, [text.title, *text.paragraphs]) if line]
        yield ("\n".join(lines) + "\n\n").encode("utf-8")


# --- TXM ------------------------------------------------------------------------------------------


def xml_text(value: str) -> str:
    """The text without the characters XML 1.0 cannot hold (control characters, lone surrogates); escaping is the writer's."""
    return _NOT_XML.sub("", value)


def file_id(article_id: str) -> str:
    """The name of an article's file (without .xml) and its TXM id: letters, digits and hyphens, starting with a letter."""
    name = re.sub(r"[^A-Za-z0-9-]", "-", article_id) or "texte"
    return name if name[0].isalpha() else "t" + name


def txm_xml(text: Text) -> bytes:
    """One article as an XML-TEI Zero file: `<text>` with the metadata as attributes, the title as `<head>`, one `<p>` a paragraph."""
    from lxml import etree

    root = etree.Element("text", text.metadata())
    head = etree.SubElement(root, "head")
    head.text = " ".join(xml_text(text.title).split())
    for paragraph in text.paragraphs:
        p = etree.SubElement(root, "p")
        p.text = " ".join(xml_text(paragraph).split())
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data


def txm_file(texts: Iterator[Text]) -> str:
    """The texts as a zip for TXM in a temporary file (its path; the caller removes it): TXM_FOLDER/<id>.xml and TXM_FOLDER/metadata.csv.

    metadata.csv is RFC 4180 (",", '"'), UTF-8, one row per text; its first column `id` is each file's name without .xml.
    """
    fd, path = tempfile.mkstemp(prefix="newsarchive-txm-", suffix=".zip")
    os.close(fd)
    try:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive, tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as rows:
            writer = csv.writer(rows, lineterminator="\r\n")
            writer.writerow(TXM_ATTRIBUTES)
            for text in texts:
                metadata = text.metadata()
                archive.writestr(f"{TXM_FOLDER}/{metadata['id']}.xml", txm_xml(text))
                writer.writerow([metadata[name] for name in TXM_ATTRIBUTES])
            rows.seek(0)
            with archive.open(f"{TXM_FOLDER}/metadata.csv", "w") as target, io.TextIOWrapper(target, encoding="utf-8", newline="") as out:
                while block := rows.read(1 << 16):
                    out.write(block)
    except BaseException:
        os.unlink(path)
        raise
    return path


def output(found: Corpus, fmt: str) -> Output:
    """The corpus as an Iramuteq text file or a TXM zip, produced when read."""

    def chunks() -> Iterator[bytes]:
        if fmt == "txm":
            yield from file_chunks(txm_file(found.texts))
        else:
            yield from iramuteq_chunks(found.texts)

    return Output(fmt, chunks(), found.cut_message)
