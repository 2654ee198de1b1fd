"""Batch search: up to a thousand queries or names at once, with the same filters, one line of figures each.

As Datashare's batch search does, each line is a search of its own: its total and
distinct stories, its first and last publication date, the person and the publication
most often with it, and the URL parameters of its search. A line that is the name of a
person of the archive finds the articles about that person (every spelling, the surname
alone where it was merged), as the person filter does; any other line is a query. A line
that cannot run (bad syntax) gets its error and the others still run.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from newsarchive.index.text import fold

from .export import Table
from .facets import FacetCache
from .plan import Planner
from .ranking import matching
from .request import QueryError, SearchRequest
from .snapshot import Snapshot

MAX_LINES = 1000
COLUMNS = ("line", "query", "as", "total", "stories", "first_date", "last_date", "top_person", "top_source", "error")


@dataclass(frozen=True)
class BatchRow:
    """The figures of one input line, or why it could not run (`error`; its figures are then left out)."""

    line: int  # from 1, in input order
    query: str
    read_as: str | None = None  # "person" (a name of the archive) or "query"; None when the line did not get that far
    total: int = 0
    stories: int = 0
    first_date: str | None = None
    last_date: str | None = None
    top_person: str | None = None
    top_source: str | None = None
    params: list[tuple[str, str]] | None = None  # the URL parameters of the line's search
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The row as in POST /api/batch and `newsarchive batch --json` (a failed line: its error, no figures)."""
        head: dict[str, Any] = {"line": self.line, "query": self.query, **({"as": self.read_as} if self.read_as else {})}
        if self.error is not None:
            return {**head, "error": self.error}
        return {**head, "total": self.total, "stories": self.stories, "first_date": self.first_date, "last_date": self.last_date,
                "top_person": self.top_person, "top_source": self.top_source, "params": self.params}


def table(rows: list[BatchRow]) -> Table:
    """The rows as a table of COLUMNS (the downloads)."""
    return Table(COLUMNS, [row.to_json() for row in rows])


def read_lines(text: str, filename: str = "", column: str | None = None) -> list[str]:
    """The queries of an input: one per line of a text, or the first column (or the column named `column`) of a CSV."""
    if filename.lower().endswith(".csv") or column:
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), dialect=_dialect(text)))
        if not rows:
            return []
        index = 0
        if column:
            header = [h.strip().lower() for h in rows[0]]
            if column.strip().lower() not in header:
                raise QueryError(f"no column {column[:60]!r} in the CSV (its columns: {', '.join(rows[0][:10])})")
            index = header.index(column.strip().lower())
            rows = rows[1:]
        lines = [row[index] if index < len(row) else "" for row in rows]
    else:
        lines = text.splitlines()
    lines = [line.strip() for line in lines]
    while lines and not lines[-1]:
        lines.pop()
    if len(lines) > MAX_LINES:
        raise QueryError(f"a batch holds at most {MAX_LINES} lines ({len(lines)} given)")
    return lines


def _dialect(text: str) -> type[csv.Dialect]:
    try:
        return csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        return csv.excel


def run_batch(snap: Snapshot, planner: Planner, lines: Iterable[str], filters: SearchRequest) -> list[BatchRow]:
    """One row per input line, in input order: figures of the search `filters` with the line as its words."""
    return [_run_line(snap, planner, number, line, filters) for number, line in enumerate(lines, start=1)]


def _run_line(snap: Snapshot, planner: Planner, number: int, line: str, filters: SearchRequest) -> BatchRow:
    facets = snap.facets
    if not line:
        return BatchRow(number, line, error="empty line")
    read_as = None
    try:
        if facets.names["person"].known(facets.names["person"].merged_into.get(fold(line), fold(line))):
            request = replace(filters, query="", persons=[*filters.persons, line], page=1).validate()
            read_as = "person"
        else:
            request = replace(filters, query=line, page=1).validate()
            read_as = "query"
        docnums, _ = matching(planner.plan(request, snap.reader, facets), snap)
    except QueryError as exc:
        return BatchRow(number, line, read_as, error=str(exc))
    days = facets.days[docnums]
    dated = days[days > 0]
    return BatchRow(
        number, line, read_as,
        total=int(docnums.size),
        stories=int(np.unique(facets.groups[docnums]).size) if docnums.size else 0,
        first_date=_day(int(dated.min())) if dated.size else None,
        last_date=_day(int(dated.max())) if dated.size else None,
        top_person=_top(facets, "person", docnums, besides=line),
        top_source=_top(facets, "source", docnums),
        params=request.to_values(),
    )


def _top(facets: FacetCache, kind: str, docnums: np.ndarray, besides: str = "") -> str | None:
    """The value of a facet most often among `docnums`, shown as the facets show it, or None; with `besides`, a name
    sharing no word with it (the person a name line is about is not who appears "with" it)."""
    own = {w for w in fold(besides).split() if len(w) > 2}
    top = facets.top(kind, facets.mask(docnums), 1 + 5 * bool(own)) if docnums.size else []
    labels = [facets.label(kind, value) for value, _ in top]
    return next((label for label in labels if not own & set(fold(label).split())), None)


def _day(ordinal: int) -> str:
    return dt.date.fromordinal(ordinal).isoformat()
