"""Nexis (LexisNexis) text exports: the classic ".TXT" layout, and the Nexis Uni layout read as text.

The layouts, as public parsers read them (LexisNexisTools, R: lnt_read, lnt_parse_nexis and
lnt_parse_uni; tm.plugin.lexisnexis: readLexisNexisAdvance and its table of field names):

classic    every article opens with "1 of 12 DOCUMENTS" (French "1 de 12 DOCUMENTS" or
           "Document 1 de 12") on its own line; then, centred, the publication and the date line
           ("November 15, 2018 Thursday", "15 novembre 2018 jeudi") with the edition under it; the
           title; labelled lines in capitals (BYLINE:, SECTION:, LENGTH: ... or AUTEUR:, RUBRIQUE:,
           LONGUEUR:); the body; LOAD-DATE:, LANGUAGE:, PUBLICATION-TYPE:; the copyright notice.
           Lines are wrapped at some 80 columns, paragraphs are separated by blank lines, and a
           cover page (the download request, the search terms) comes before the first article.
Nexis Uni  a cover page (the result list), then per article: title, publication, date line,
           copyright, "Section:", "Length:", "Byline:" (a no-break space after the colon), "Body",
           the paragraphs, perhaps "Graphic" and "Classification", "Language:", "Load-Date:", and
           "End of Document" closing it. It comes as Word files (nexis_docx); here it is read as
           text, a paragraph per line or paragraphs between blank lines (the part nexis_docx keeps).
"""

from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..encoding import sniff_binary
from .record import Cut, PressArticle

NAME = "nexis"

# --- the labels ------------------------------------------------------------------------------------

# Where a label stands says where the body is: HEAD labels come before it, an END label closes
# it (what follows is the trailer), an ASIDE label (a picture caption) may stand inside it.
HEAD, ASIDE, END = "head", "aside", "end"

# label (folded: lower case, no accents) -> (field, where it stands). English and French names, as
# the exports write them in either interface language (tm.plugin.lexisnexis's list of translations).
LABELS: dict[str, tuple[str, str]] = {
    "byline": ("author", HEAD), "auteur": ("author", HEAD), "author": ("author", HEAD), "section": ("section", HEAD),
    "rubrique": ("section", HEAD), "length": ("words", HEAD), "longueur": ("words", HEAD), "highlight": ("subtitle", HEAD),
    "encart": ("subtitle", HEAD), "dateline": ("dateline", HEAD), "edition": ("edition", HEAD),
    "graphic": ("graphic", ASIDE), "graphique": ("graphic", ASIDE), "update": ("update", ASIDE), "mise-a-jour": ("update", ASIDE),
    "url": ("url", ASIDE), "correction": ("correction", ASIDE), "correction-date": ("correction_date", ASIDE),
    "load-date": ("load_date", END), "date-chargement": ("load_date", END), "language": ("language", END), "langue": ("language", END),
    "publication-type": ("publication_type", END), "type-publication": ("publication_type", END),
    "journal-code": ("journal_code", END), "journal code": ("journal_code", END),
    "document-type": ("document_type", END), "type-document": ("document_type", END), "subject": ("subject", END),
    "sujet": ("subject", END), "geographic": ("geographic", END), "localisation-geo": ("geographic", END),
    "company": ("company", END), "societe": ("company", END), "organization": ("organization", END), "person": ("person", END),
    "industry": ("industry", END), "secteur-activite": ("industry", END),
}

# The language as the export names it (folded) -> ISO 639-1.
LANGUAGES: dict[str, str] = {
    "french": "fr", "francais": "fr", "english": "en", "anglais": "en", "german": "de", "allemand": "de", "deutsch": "de",
    "spanish": "es", "espagnol": "es", "italian": "it", "italien": "it", "dutch": "nl", "neerlandais": "nl",
    "portuguese": "pt", "portugais": "pt", "arabic": "ar", "arabe": "ar",
}

MONTHS: dict[str, int] = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5, "june": 6, "jun": 6,
    "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10,
    "november": 11, "nov": 11, "december": 12, "dec": 12, "janvier": 1, "janv": 1, "fevrier": 2, "fevr": 2, "fev": 2,
    "mars": 3, "avril": 4, "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "aout": 8, "septembre": 9, "octobre": 10,
    "novembre": 11, "decembre": 12,
}
# What a date line says besides the date that is no edition: the weekday, the time ("8:00 AM GMT").
_NOT_EDITION = re.compile(
    r"^(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche"
    r"|\d{1,2}[:h]\d{2}(?::\d{2})?|am|pm|gmt|utc|cet|cest|est|edt)$"
)

_MARKER = re.compile(r"^\s*(?:\d+\s+(?:of|de|von)\s+\d+\s+DOCUMENTS?|(?:Document|Dokument)\s+\d+\s+(?:de|von|of)\s+\d+)\s*$")
# "LOAD-DATE: ...", "Journal Code: ...", "RUBRIQUE : ..." (French typography puts a space before the colon).
_LABEL = re.compile(r"^\s*([^\W\d_]+(?:[ /-][^\W\d_]+){0,3})\s*:\s*(.*)$")
_COPYRIGHT = re.compile(r"^\s*(?:copyright\b|©|\(c\)\s)", re.I)
_SPACES = re.compile(r"[ \t\r\n\f\v]+")
_MDY = re.compile(r"\b([^\W\d_]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})\b")  # November 15, 2018
_DMY = re.compile(r"\b(\d{1,2})(?:er)?\.?\s+([^\W\d_]{3,9})\.?,?\s+(\d{4})\b")  # 15 novembre 2018, 1er décembre 2018
_PAGE = re.compile(r"^(?:Pg\.?|Page|p\.)\s*([\w-]+)", re.I)
_WORDS = re.compile(r"(\d[\d\s.,]*)\s*(?:words|mots|wörter)", re.I)

END_OF_DOCUMENT = "End of Document"
_BODY = frozenset({"Body", "Text"})  # the line Nexis Uni puts before the paragraphs
_UNI_SECTIONS = frozenset({"Graphic", "Classification", "Notes"})
_HEAD_BYTES = 1 << 20  # recognise() reads the first MB: the first article starts within a few KB
# recognise() runs on every input file: those without the word are let go before being decoded line by line.
_TELLING = re.compile(rb"DOCUMENT|Document|Dokument")


def fold(text: str) -> str:
    """Lower case without accents ("FRANÇAIS" -> "francais"), to look labels and names up."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()


def norm(text: str) -> str:
    """One line of text: runs of spaces and line breaks as one space (no-break spaces are kept: French typography)."""
    return _SPACES.sub(" ", text.replace("\ufeff", "")).strip()


def date_line(line: str) -> tuple[str, str | None] | None:
    """(ISO date, what else the line says: the edition) when `line` is an English or French date line, else None."""
    found: re.Match[str] | None = None
    for pattern, month_at, day_at in ((_MDY, 1, 2), (_DMY, 2, 1)):
        for match in pattern.finditer(line):
            month = MONTHS.get(fold(match.group(month_at)))
            try:
                day = date(int(match.group(3)), month or 0, int(match.group(day_at)))
            except ValueError:
                continue
            if found is None or match.start() < found.start():
                found, iso = match, day.isoformat()
            break
    # A date line starts with its date (behind a weekday at most): a title that cites a date is no date line.
    if found is None or found.start() > 12 or len(line) > 80:
        return None
    words = [w for w in re.split(r"[\s,;]+", line[: found.start()] + " " + line[found.end() :]) if w and not _NOT_EDITION.match(fold(w))]
    return iso, " ".join(words) or None


def doc_id(publication: str | None, day: str | None, title: str | None) -> str | None:
    """The article's identity across exports, from its publication, date and title.

    Nexis text and Word exports carry no document number (Factiva's AN, Europresse's id), so the
    article is named by what every export says of it, folded (case, accents, punctuation, spaces):
    the same article in two overlapping exports, or in a .TXT and a .DOCX, gets the same id.
    """
    if not title and not day:
        return None
    key = "|".join(" ".join(re.findall(r"\w+", fold(part or ""))) for part in (publication, day, title))
    return "nexis-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:20]


@dataclass
class Fields:
    """What an article says of itself, gathered while reading it."""

    title: str | None = None
    publication: str | None = None
    date: str | None = None
    subtitle: str | None = None
    author: str | None = None
    section: str | None = None
    page: str | None = None
    words: int | None = None
    language: str | None = None
    url: str | None = None
    body: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def add(self, key: str, value: str) -> None:
        """An extra field; a second value (two SUBJECT: lines) joins the first."""
        if value:
            self.extra[key] = f"{self.extra[key]}; {value}" if key in self.extra else value

    def label(self, key: str, value: str) -> None:
        """A labelled line's value, turned into the field it fills."""
        value = norm(value)
        if not value:
            return
        if key == "author" and self.author is None:
            self.author = re.sub(r"^(?:by|par)\s+", "", value, flags=re.I)  # the names as written, not "By"
        elif key == "section" and self.section is None:
            parts = [p.strip() for p in value.split(";") if p.strip()]
            pages = [m.group(1) for p in parts if (m := _PAGE.match(p))]  # "INTERNATIONAL; Pg. 12"
            self.page = pages[0] if pages else None
            self.section = "; ".join(p for p in parts if not _PAGE.match(p)) or None
        elif key == "words" and self.words is None and (match := _WORDS.search(value)):
            self.words = int(re.sub(r"\D", "", match.group(1)))
        elif key == "language" and self.language is None:
            self.language = LANGUAGES.get(fold(re.split(r"[;,]", value)[0]).strip())
            if self.language is None:
                self.add("language_name", value)
        elif key in ("subtitle", "url") and getattr(self, key) is None:
            setattr(self, key, value)
        else:
            self.add(key, value)


def article(fields: Fields, database: str, part: bytes) -> PressArticle:
    """The PressArticle the fields make."""
    f = fields
    return PressArticle(
        database=database, doc_id=doc_id(f.publication, f.date, f.title), title=f.title, text="\n\n".join(f.body),
        publication=f.publication, date=f.date, author=f.author, subtitle=f.subtitle, section=f.section, page=f.page,
        words=f.words, language=f.language, url=f.url, extra=f.extra, part=part,
    )


def label(line: str, *, capitals: bool, generic: bool = False) -> tuple[str, str, str] | None:
    """(field, where it stands, value) when `line` is a labelled line; unknown labels only where `generic`."""
    match = _LABEL.match(line)
    if not match:
        return None
    name = match.group(1)
    # Classic labels are in capitals ("SECTION:"), Nexis Uni's capitalised ("Section:"): a sentence
    # of the body that happens to start "Paris: ..." is no label.
    if (capitals and name != name.upper()) or not name[0].isupper():
        return None
    folded = fold(name)
    if folded in LABELS:
        key, where = LABELS[folded]
    elif generic:  # in the trailer every "NAME: value" is the database's: keep it
        key, where = re.sub(r"[\s/-]+", "_", folded), END
    else:
        return None
    return key, where, match.group(2)


# --- decoding --------------------------------------------------------------------------------------


def lines_of(data: bytes) -> tuple[list[bytes], list[str]]:
    """The export's lines, as bytes (to cut parts from) and as text."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Word's "Unicode" text: read as UTF-8
        data = data.decode("utf-16", errors="replace").encode("utf-8")
    raw = data.splitlines(keepends=True)
    return raw, [_decode(line) for line in raw]


def _decode(line: bytes) -> str:
    # Nexis writes UTF-8 or Windows-1252. Deciding line by line (UTF-8 when the line is valid UTF-8,
    # which 8-bit French text never is by accident) makes an article's part, read alone, decode as
    # it did inside the whole export.
    line = line.rstrip(b"\r\n").removeprefix(codecs.BOM_UTF8)
    for encoding in ("utf-8", "cp1252"):
        try:
            return line.decode(encoding)
        except UnicodeDecodeError:
            pass
    return line.decode("latin-1")  # the 5 bytes cp1252 leaves undefined


def _groups(lines: list[str]) -> list[list[str]]:
    """Runs of non-blank lines: the paragraphs of wrapped text."""
    groups: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            groups[-1].append(norm(line))
        elif groups[-1]:
            groups.append([])
    return [g for g in groups if g]


# --- the classic layout ----------------------------------------------------------------------------


def _classic(lines: list[str]) -> Fields | str:
    """One classic article (the lines after its "N of M DOCUMENTS"): its fields, or why it cannot be read."""
    f = Fields()
    head: list[list[str]] = []
    state, labelled = "head", False  # head -> labels -> body -> trailer
    for group in _groups(lines):
        if _COPYRIGHT.match(group[0]):
            f.add("copyright", " ".join(group))
            continue
        items: list[list[str]] = []
        for line in group:  # a labelled value may wrap onto the next lines
            found = label(line, capitals=True, generic=state == "trailer")
            if found:
                items.append(list(found))
            elif items:
                items[-1][2] += " " + line
            else:
                break
        if items:
            where = {item[1] for item in items}
            if END in where or (state == "body" and HEAD in where):
                state = "trailer"
            elif HEAD in where and state == "head":
                state, labelled = "labels", True
            for key, _, value in items:
                f.label(key, value)
        elif state == "head":
            head.append(group)
        elif state in ("labels", "body"):
            state = "body"
            f.body.append(" ".join(group))
        else:  # after LOAD-DATE: "All Rights Reserved" on a line of its own
            f.add("copyright" if "copyright" in f.extra else "notes", " ".join(group))
    # The head: the publication, the date line (the edition under it), the title.
    at, dated = next(((i, d) for i, g in enumerate(head) if (d := date_line(g[0]))), (None, None))
    if at is not None and dated is not None:
        f.date, rest = dated
        f.add("edition", " ".join(([rest] if rest else []) + head[at][1:]))
        f.publication = " ".join(" ".join(g) for g in head[:at]) or None
        after = [" ".join(g) for g in head[at + 1 :]]
    else:
        f.publication = " ".join(head[0]) if head else None
        after = [" ".join(g) for g in head[1:]]
    if after:
        f.title = after.pop(0)
    if not labelled:  # no BYLINE/SECTION/LENGTH: what follows the title is the body
        f.body[:0] = after
    elif after and f.subtitle is None:
        f.subtitle = " ".join(after)
    if state != "trailer":
        return "cut short: the export ends inside the article (no LOAD-DATE or LANGUAGE after its text)"
    if not f.body:
        return "the article has no text"
    return f


# --- the Nexis Uni layout (shared with nexis_docx) -------------------------------------------------


def uni_articles(paragraphs: list[str]) -> Iterator[tuple[int, int, Fields | str]]:
    """The Nexis Uni articles among paragraphs (each already norm()ed): (first, last, fields or why unreadable)."""
    start, ends = 0, [i for i, p in enumerate(paragraphs) if p == END_OF_DOCUMENT]
    for end in ends:
        first, result = _uni(paragraphs, start, end)
        yield first, end, result
        start = end + 1
    rest = paragraphs[start:]
    # After the last End of Document anything is an article cut short; before the first, only what
    # has an article's labels (a cover page alone is no article).
    if rest and (ends or any(p in _BODY or label(p, capitals=False) for p in rest)):
        yield start, len(paragraphs) - 1, "cut short: the export ends before the article's End of Document"


def _uni(paras: list[str], start: int, end: int) -> tuple[int, Fields | str]:
    body = next((i for i in range(start, end) if paras[i] in _BODY), None)
    if body is None:
        return start, "no Body: the article has no text"
    f = Fields()
    # Back from "Body": the labelled lines and the copyright, then the date line (perhaps an edition
    # after it), the publication, the title; what is before the title is the cover page.
    j = body - 1
    while j >= start and (label(paras[j], capitals=False) or _COPYRIGHT.match(paras[j])):
        j -= 1
    labels_from = j + 1
    at, dated = next(((k, d) for k in (j, j - 1) if k >= start and (d := date_line(paras[k]))), (None, None))
    if at is not None and dated is not None:
        f.date, rest = dated
        f.add("edition", " ".join(([rest] if rest else []) + paras[at + 1 : j + 1]))
        j = at - 1
    if j >= start:
        f.publication = paras[j]
    if j - 1 >= start:
        f.title = paras[j - 1]
    first = max(start, j - 1)
    for p in paras[labels_from:body]:
        if _COPYRIGHT.match(p):
            f.add("copyright", p)
        elif found := label(p, capitals=False):
            f.label(found[0], found[2])
    state = "body"  # body -> graphic / notes / classification / trailer
    for p in paras[body + 1 : end]:
        if p in _UNI_SECTIONS:
            state = p.lower()
            continue
        found = label(p, capitals=False, generic=state in ("classification", "trailer"))
        if found:
            if found[1] != ASIDE:
                state = "trailer"
            f.label(found[0], found[2])
        elif state == "body":
            f.body.append(p)
        else:
            f.add(state if state in ("graphic", "notes") else "notes", p)
    return first, (f if f.body else "the article has no text")


def text_paragraphs(lines: list[str]) -> list[tuple[str, int, int]]:
    """Nexis Uni as text: (paragraph, first line, last line). A paragraph per line (Word's "save as
    text") when a text line follows "Body", else paragraphs between blank lines (wrapped text)."""
    at = next((i for i, line in enumerate(lines) if line.strip() in _BODY), None)
    if at is not None and at + 1 < len(lines) and lines[at + 1].strip():
        return [(norm(line), i, i) for i, line in enumerate(lines) if line.strip()]
    paras: list[tuple[str, int, int]] = []
    first = None
    for i, line in enumerate([*lines, ""]):
        if line.strip() and first is None:
            first = i
        elif not line.strip() and first is not None:
            paras.append((norm(" ".join(lines[first:i])), first, i - 1))
            first = None
    return paras


# --- the format ------------------------------------------------------------------------------------


def recognise(data: bytes) -> bool:
    """True for a classic export ("N of M DOCUMENTS" lines, then its labels) or Nexis Uni as text
    ("End of Document" lines with "Body" or "Load-Date:")."""
    if sniff_binary(data):  # a Word file is nexis_docx's
        return False
    head = data[:_HEAD_BYTES]
    if not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not _TELLING.search(head):
        return False
    marker = uni_end = uni_body = False
    for line in lines_of(head)[1]:
        text = line.strip()
        if _MARKER.match(line):
            marker = True
        elif marker and (found := label(text, capitals=True)) and found[0] in ("words", "load_date", "language"):
            return True
        uni_end = uni_end or text == END_OF_DOCUMENT
        uni_body = uni_body or text in _BODY or text.startswith("Load-Date:")
        if uni_end and uni_body:
            return True
    return False


def _parse(data: bytes) -> Iterator[tuple[Fields | str, bytes]]:
    raw, lines = lines_of(data)
    starts = [i for i, line in enumerate(lines) if _MARKER.match(line)]
    if starts:
        for a, b in zip(starts, [*starts[1:], len(lines)], strict=True):
            yield _classic(lines[a + 1 : b]), b"".join(raw[a:b])
        return
    paras = text_paragraphs(lines)
    for first, last, result in uni_articles([p for p, _, _ in paras]):
        yield result, b"".join(raw[paras[first][1] : paras[last][2] + 1])


def split(data: bytes) -> Iterator[PressArticle | Cut]:
    """The export's articles in order; a Cut for an article cut short or without text."""
    for number, (result, part) in enumerate(_parse(data), start=1):
        yield Cut(number, result) if isinstance(result, str) else article(result, NAME, part)


def count(data: bytes) -> int:
    """How many articles split() gives (the same reading, without building them)."""
    return sum(1 for result, _ in _parse(data) if not isinstance(result, str))
