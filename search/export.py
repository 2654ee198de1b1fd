"""A whole result set taken away: CSV (RFC 4180, or the semicolon variant French Excel opens), JSON lines, xlsx.

Rows come in the search's order, every article of the result set (each version of a
wire story, with its group and how many versions the result set holds), read and written
one at a time: memory does not grow with the rows. At most `limit` rows are written
(10,000 by default, up to 100,000); past it the export ends with a row saying it was cut.
Every cell is plain text, and a cell that a spreadsheet would run as a formula (one
starting with =, +, -, @, a tab or a carriage return) is neutralised with a leading
apostrophe, as OWASP's CSV-injection guidance says.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from .plan import Planner
from .ranking import matching, ranked_page, whoosh_matches
from .request import QueryError, SearchRequest
from .results import make_hit
from .snapshot import Snapshot

FORMATS = ("csv", "excel", "jsonl", "xlsx")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "excel": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
DEFAULT_ROWS = 10_000
MAX_ROWS = 100_000
HIT_COLUMNS = ("id", "date", "title", "source", "author", "url", "language", "persons", "organisations", "countries", "agencies",
               "snippet", "group", "versions", "page")
JOIN = " ; "  # between the values of a multi-valued cell
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def check_format(fmt: str, allowed: tuple[str, ...] = FORMATS) -> str:
    """`fmt` when it is one of `allowed` (by default: every export format), else QueryError naming them."""
    if fmt not in allowed:
        raise QueryError(f"unknown format {fmt[:20]!r}: use {', '.join(allowed[:-1])} or {allowed[-1]}")
    return fmt


def check_limit(limit: int | None) -> int:
    limit = DEFAULT_ROWS if limit is None else limit
    if not 1 <= limit <= MAX_ROWS:
        raise QueryError(f"an export holds 1 to {MAX_ROWS} rows ({limit} asked)")
    return limit


def neutralise(value: Any) -> str:
    """A cell as text that no spreadsheet runs: lists joined with " ; ", formula starts behind an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        value = JOIN.join(neutralise(v).lstrip("'") for v in value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


@dataclass
class Table:
    """Rows to write: the column names, the rows (dicts by column), and what to say when they were cut."""

    columns: tuple[str, ...]
    rows: Iterable[dict[str, Any]]
    cut_message: str | None = None  # set by the rows' producer when it stopped at the limit

    def cells(self) -> Iterator[list[str]]:
        for row in self.rows:
            yield [neutralise(row.get(c)) for c in self.columns]


def hit_table(snap: Snapshot, planner: Planner, request: SearchRequest, limit: int = DEFAULT_ROWS,
              page_url: Callable[[str], str] | None = None, start: int = 0) -> Table:
    """Every article of a search's result set (at most `limit`, from the `start`-th), in the search's order, as rows of HIT_COLUMNS."""
    limit = check_limit(limit)
    request.validate()
    plan = planner.plan(request, snap.reader, snap.facets)
    docnums, matches = matching(plan, snap)
    total = int(docnums.size)
    wanted = max(0, min(total - start, limit))
    groups = snap.facets.groups
    versions = np.bincount(groups[docnums]) if total else None

    def rows() -> Iterator[dict[str, Any]]:
        if not wanted:
            return
        # The whole ordered list at once (document numbers and scores only), then one article at a time.
        ordered = replace(plan, request=replace(request, page=1, limit=start + wanted))
        scored = matches if matches is not None else whoosh_matches(plan, snap, docnums)
        for docnum, score in ranked_page(ordered, snap, scored, collapsed=False)[start:]:
            hit = make_hit(snap, docnum, score, plan.terms, request, versions, plan.speakers)
            yield {"id": hit.id, "date": hit.date, "title": hit.title, "source": hit.source, "author": hit.author, "url": hit.url,
                   "language": hit.language,
                   "persons": hit.persons, "organisations": hit.organisations, "countries": [c["name"] for c in hit.countries],
                   "agencies": hit.agencies, "snippet": hit.snippet.text(), "group": hit.group, "versions": hit.versions + 1,
                   "page": page_url(hit.id) if page_url else None}

    cut = f"export cut at {limit} rows of {total}: ask for up to {MAX_ROWS} with limit" if total - start > limit else None
    return Table(HIT_COLUMNS, rows(), cut)


def csv_chunks(table: Table, excel: bool = False) -> Iterator[str]:
    """RFC 4180 CSV, one chunk per row (CRLF line ends, quotes doubled); `excel`: a BOM and ";" between cells."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if excel else ",", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    if excel:
        buffer.write("\ufeff")
    writer.writerow(table.columns)
    for cells in table.cells():
        writer.writerow(cells)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if table.cut_message:
        writer.writerow([table.cut_message])
    yield buffer.getvalue()


def jsonl_chunks(table: Table) -> Iterator[str]:
    """One JSON object per row and line; a cut export ends with {"cut": message}."""
    for row in table.rows:
        yield json.dumps({c: row.get(c) for c in table.columns}, ensure_ascii=False) + "\n"
    if table.cut_message:
        yield json.dumps({"cut": table.cut_message}, ensure_ascii=False) + "\n"


def xlsx_file(table: Table) -> str:
    """The rows as an xlsx workbook in a temporary file (its path; the caller removes it).

    XlsxWriter in constant_memory mode writes each row to disk as it comes, so a 100,000-row
    export holds one row in memory; cells are written as strings, never as formulas.
    """
    import xlsxwriter

    fd, path = tempfile.mkstemp(prefix="newsarchive-export-", suffix=".xlsx")
    os.close(fd)
    workbook = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                          "strings_to_numbers": False})
    sheet = workbook.add_worksheet("newsarchive")
    sheet.write_row(0, 0, table.columns)
    n = 0
    for n, cells in enumerate(table.cells(), start=1):
        sheet.write_row(n, 0, cells)
    if table.cut_message:
        sheet.write_string(n + 1, 0, table.cut_message)
    workbook.close()
    return path


def file_chunks(path: str, size: int = 1 << 16) -> Iterator[bytes]:
    """A file's bytes in chunks, the file removed once read."""
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(size):
                yield chunk
    finally:
        os.unlink(path)


def chunks(table: Table, fmt: str) -> Iterator[bytes]:
    """The export of `table` in `fmt`, as bytes, produced row by row."""
    if fmt == "xlsx":
        yield from file_chunks(xlsx_file(table))
        return
    texts = jsonl_chunks(table) if fmt == "jsonl" else csv_chunks(table, excel=fmt == "excel")
    for text in texts:
        yield text.encode("utf-8")
