"""Nexis Uni Word exports (.DOCX): many articles in one Word file, each closed by "End of Document".

The file is read with python-docx: it is the maintained library for the paragraphs of a .docx
(LexisNexisTools reads the same thing, every w:p of word/document.xml, with xml2), so no
conversion tool (pandoc, LibreOffice) is needed. Its paragraphs follow the Nexis Uni layout:
a cover page (the result list: "Documents (12)", "Client/Matter:", the search terms), then per
article title, publication, date line, copyright, "Section:", "Length:", "Byline:", "Body", the
paragraphs, "Load-Date:" ... and "End of Document"; nexis.py reads that layout, for both modules.

An article's part is its own paragraphs written as the Nexis Uni text layout (UTF-8, a paragraph
per line, blank lines between: title, publication, date, labelled lines, "Body", paragraphs,
"Load-Date: ...", "End of Document"): a Word file cannot be cut into smaller Word files, and
split() reads that text back to the same article.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator

from docx import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from lxml import etree

from . import nexis
from .record import Cut, PressArticle

NAME = "nexis-docx"

_ZIP = b"PK\x03\x04"
_MAX_XML = 512 * 1024 * 1024  # a document.xml larger than this is a zip bomb, not an export
_TAG = re.compile(r"<[^>]+>")
# Word keeps a text box twice, once for new Word (mc:Choice) and once for old (mc:Fallback): read it once.
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def recognise(data: bytes) -> bool:
    """True for a Word file whose text has Nexis Uni's "End of Document" and "Body" or "Load-Date:" paragraphs."""
    if not data.startswith(_ZIP):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo("word/document.xml")
            if info.file_size > _MAX_XML:
                return False
            xml = archive.read(info).decode("utf-8", errors="replace")
    except (zipfile.BadZipFile, zlib.error, KeyError, OSError, RuntimeError, NotImplementedError, EOFError):
        return False
    # The paragraphs' text without their markup (a word may be cut into several runs).
    texts = {nexis.norm(p) for p in _TAG.sub("", xml.replace("</w:p>", "\n")).split("\n")}
    return nexis.END_OF_DOCUMENT in texts and ("Body" in texts or any(t.startswith("Load-Date:") for t in texts))


def paragraphs(data: bytes) -> list[str]:
    """The text of every non-empty paragraph of a .docx, in order (tables' included), one line each.

    Raises ValueError when the bytes are no readable Word file.
    """
    try:
        document = Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, zlib.error, KeyError, OSError, EOFError, etree.XMLSyntaxError) as exc:
        raise ValueError(str(exc) or type(exc).__name__) from exc
    texts = []
    for element in document.element.body.iter(qn("w:p")):
        if any(ancestor.tag == _FALLBACK for ancestor in element.iterancestors()):
            continue
        text = nexis.norm(Paragraph(element, document).text)
        if text:
            texts.append(text)
    return texts


def text_of(paras: list[str]) -> bytes:
    """Paragraphs as the Nexis Uni text layout: the part of a Word export's article."""
    return ("\n\n".join(paras) + "\n").encode("utf-8")


def _paragraphs_of(data: bytes) -> list[str]:
    if data.startswith(_ZIP):
        return paragraphs(data)
    return [p for p, _, _ in nexis.text_paragraphs(nexis.lines_of(data)[1])]  # a part: the article as text


def _parse(data: bytes) -> Iterator[tuple[nexis.Fields | str, list[str]]]:
    try:
        paras = _paragraphs_of(data)
    except ValueError as exc:
        yield f"not a readable Word file ({exc})", []
        return
    for first, last, result in nexis.uni_articles(paras):
        yield result, paras[first : last + 1]


def split(data: bytes) -> Iterator[PressArticle | Cut]:
    """The export's articles in order (the cover page left out); a Cut for one without Body or End of Document."""
    for number, (result, own) in enumerate(_parse(data), start=1):
        yield Cut(number, result) if isinstance(result, str) else nexis.article(result, NAME, text_of(own))


def count(data: bytes) -> int:
    """How many articles split() gives (the same reading, without building them)."""
    return sum(1 for result, _ in _parse(data) if not isinstance(result, str))
