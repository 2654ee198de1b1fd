"""Press-database exports: one file holding many articles, split into one record per article.

Researchers' archives come from the databases their institution pays for: Europresse
(HTML), Factiva (HTML, "article with indexing"), Nexis (text, and Nexis Uni's Word
files). An export is recognised by its content, never by its extension (Europresse
writes `.HTML`, Factiva `.htm`, Nexis `.TXT` or `.DOCX`), and split into its articles.

Each format is a module with
    NAME                 the record kind of its articles ("europresse", ...)
    recognise(data)      True when the bytes are an export of this format
    split(data)          the file's articles in order: a PressArticle each, or a Cut
                         (an article that could not be read: cut short, or broken)
and every PressArticle carries `part`, its own bytes of the export: `split(part)`
gives that article again, alone. The part is kept as the article's original, so
`reindex` reads it without the rest of the export.
"""

from __future__ import annotations

from . import europresse, factiva, nexis, nexis_docx
from .record import Cut, ExportFormat, PressArticle

__all__ = ["FORMATS", "Cut", "ExportFormat", "PressArticle", "by_name", "recognise"]

# Tried in this order: the most specific first (a Word file before any text).
FORMATS: tuple[ExportFormat, ...] = (europresse, factiva, nexis_docx, nexis)


def recognise(data: bytes) -> ExportFormat | None:
    """The format of an export, or None when the bytes are no export (an ordinary page or text)."""
    return next((fmt for fmt in FORMATS if fmt.recognise(data)), None)


def by_name(name: str) -> ExportFormat | None:
    """The format whose articles have the record kind `name`, or None."""
    return next((fmt for fmt in FORMATS if name == fmt.NAME), None)
