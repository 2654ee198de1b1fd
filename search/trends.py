"""Attention over time: for each of a few searches, its articles per period and their share of all articles published then.

Raw counts follow how much was published (Media Cloud normalises by default for that
reason): each point gives the series' articles, their share of every article of the
archive dated in that period, and the distinct near-duplicate stories among them. A
period in which the archive has no article at all is a gap (share None), not a zero.
Each series is a whole search (words and filters), planned and matched like any other;
periods are numpy bins over the publication days of the matching documents.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .export import Table
from .plan import Planner
from .ranking import matching
from .request import QueryError, SearchRequest, date_span
from .snapshot import Snapshot

PERIODS = ("day", "week", "month", "year")
MAX_SERIES = 6
# The period a trend is drawn in when none is asked: the finest that keeps the number of points readable.
AUTO_PERIOD_DAYS = (("day", 45), ("week", 370), ("month", 12 * 366))
_EPOCH = dt.date(1970, 1, 1).toordinal()
ROW_COLUMNS = ("series", "period", "count", "share", "stories")  # a trend as a table (Trend.table)
_SERIES_KEY = re.compile(r"s([1-9])\.(\w+)")  # a series' own URL key: s2.source is the second series' source


@dataclass
class Series:
    """One line of a trend as asked: a label and the search it counts (its numbers: TrendSeries)."""

    label: str
    request: SearchRequest


@dataclass(frozen=True)
class TrendPoint:
    """One period of a series: its articles, their share of every dated article of the period (None: the archive has
    none then, a gap), and the distinct stories among them."""

    period: str
    count: int
    stories: int
    share: float | None

    def measure(self, value: str) -> float | None:
        """The number a chart draws: "share", "count" or "stories"."""
        return {"share": self.share, "count": self.count, "stories": self.stories}[value]

    def to_json(self) -> dict[str, Any]:
        return {"period": self.period, "count": self.count, "stories": self.stories, "share": self.share}


@dataclass(frozen=True)
class TrendSeries:
    """The numbers of one series: a point per period, the series' URL parameters and its articles over the span."""

    label: str
    params: dict[str, str]
    points: list[TrendPoint]
    total: int

    def to_json(self) -> dict[str, Any]:
        return {"label": self.label, "params": self.params, "points": [p.to_json() for p in self.points], "total": self.total}


@dataclass(frozen=True)
class Trend:
    """Up to six series over the same periods (`by`: day, week, month or year)."""

    by: str
    series: list[TrendSeries]

    def periods(self) -> list[str]:
        return [p.period for p in self.series[0].points] if self.series else []

    def to_json(self) -> dict[str, Any]:
        """The JSON of GET /api/trends and `newsarchive trends --json`."""
        return {"by": self.by, "series": [s.to_json() for s in self.series]}

    def table(self) -> Table:
        """The numbers as table rows, one per series and period (the CSV downloads)."""
        return Table(ROW_COLUMNS, [{"series": s.label, "period": p.period, "count": p.count, "share": p.share, "stories": p.stories}
                                   for s in self.series for p in s.points])


def bins(days: np.ndarray, by: str) -> np.ndarray:
    """The period number of each publication day (date.toordinal()): a day, a week from its Monday, a month, a year."""
    if by == "day":
        return days
    if by == "week":
        return days - (days - 1) % 7  # ordinal 1 (1 January of year 1) is a Monday
    months = (days - _EPOCH).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return months if by == "month" else months // 12


def period_label(value: int, by: str) -> str:
    """How a period number is written: 2018-11-17, 2018-W47 (ISO week), 2018-11, 2018."""
    if by == "day":
        return dt.date.fromordinal(int(value)).isoformat()
    if by == "week":
        year, week, _ = dt.date.fromordinal(int(value)).isocalendar()
        return f"{year}-W{week:02d}"
    if by == "month":
        return f"{1970 + int(value) // 12}-{int(value) % 12 + 1:02d}"
    return str(1970 + int(value))


def period_bounds(label: str, by: str) -> tuple[dt.date, dt.date]:
    """The first and last day of a period written as period_label writes it."""
    if by == "week":
        year, week = label.split("-W")
        start = dt.date.fromisocalendar(int(year), int(week), 1)
        return start, start + dt.timedelta(days=6)
    return date_span(label)  # a day, a month or a year: written as a search's dates are


def choose_period(first: int, last: int) -> str:
    """The period for a span of days, when the user asks for none."""
    for by, days in AUTO_PERIOD_DAYS:
        if last - first <= days:
            return by
    return "year"


def trend(snap: Snapshot, planner: Planner, series: list[Series], by: str | None = None) -> Trend:
    """Counts, shares and stories per period of each series, over the span of the archive (or of the series' dates)."""
    if not 1 <= len(series) <= MAX_SERIES:
        raise QueryError(f"a trend takes 1 to {MAX_SERIES} series ({len(series)} given)")
    if by is not None and by not in PERIODS:
        raise QueryError(f"unknown period {by!r}: use one of {', '.join(PERIODS)}")
    facets = snap.facets
    live = snap.arrays.live
    dated = live & (facets.days > 0)
    all_days = facets.days[dated]
    matched = []
    for s in series:
        s.request.validate()
        docnums, _ = matching(planner.plan(s.request, snap.reader, facets), snap)
        matched.append(docnums[facets.days[docnums] > 0])
    first, last = _span(all_days, [s.request for s in series])
    by = by or choose_period(first, last)
    low, high = int(bins(np.array([first]), by)[0]), int(bins(np.array([last]), by)[0])
    size = high - low + 1
    in_span = (all_days >= first) & (all_days <= last)
    totals = np.bincount(bins(all_days[in_span], by) - low, minlength=size)
    groups = facets.groups
    total_stories = _distinct_per_bin(bins(all_days[in_span], by) - low, groups[np.flatnonzero(dated)[in_span]], size)
    out: list[TrendSeries] = []
    for s, docnums in zip(series, matched, strict=True):
        days = facets.days[docnums]
        keep = (days >= first) & (days <= last)
        periods = bins(days[keep], by) - low
        counts = np.bincount(periods, minlength=size)
        stories = _distinct_per_bin(periods, groups[docnums[keep]], size)
        by_groups = s.request.count == "groups"
        points = []
        for i in range(size):
            denominator = total_stories[i] if by_groups else totals[i]
            numerator = stories[i] if by_groups else counts[i]
            points.append(TrendPoint(period_label(low + i, by), int(counts[i]), int(stories[i]),
                                     round(float(numerator / denominator), 6) if denominator else None))
        out.append(TrendSeries(s.label, dict(s.request.to_values()), points, int(counts.sum())))
    return Trend(by, out)


def _span(days: np.ndarray, requests: list[SearchRequest]) -> tuple[int, int]:
    """First and last day drawn: the series' own date bounds where all of them give one, else the archive's dated span."""
    if days.size == 0:
        raise QueryError("no article of the archive is dated: there is no trend to draw")
    first, last = int(days.min()), int(days.max())
    starts = [r.date_from.toordinal() for r in requests if r.date_from]
    ends = [r.date_to.toordinal() for r in requests if r.date_to]
    if len(starts) == len(requests):
        first = max(first, min(starts))
    if len(ends) == len(requests):
        last = min(last, max(ends))
    if first > last:
        raise QueryError("the series' dates hold no article of the archive")
    return first, last


def _distinct_per_bin(periods: np.ndarray, groups: np.ndarray, size: int) -> np.ndarray:
    """How many distinct groups fall in each bin."""
    if periods.size == 0:
        return np.zeros(size, dtype=np.int64)
    pairs = np.unique(periods.astype(np.int64) * (int(groups.max()) + 1) + groups)
    return np.bincount(pairs // (int(groups.max()) + 1), minlength=size)


def series_label(request: SearchRequest) -> str:
    """A series' default label: its words and the filters it adds ("macron · source=lepoint.fr")."""
    parts = [request.query] if request.query else []
    parts += [f"{k}={v}" for k, v in request.to_values() if k not in ("q", "page", "limit", "facet_limit", "sort")]
    return " · ".join(parts) or "*"


def own_parameters(pairs: Iterable[tuple[str, str]]) -> list[dict[str, list[str]]]:
    """Each series' own parameters from `sN.key` = value pairs (N from 1 to 9; the page's URL keys, the CLI's
    --series-filter N:key=value), in series order; a key given again adds a value. Other keys are not a series' own."""
    own: list[dict[str, list[str]]] = []
    for name, value in pairs:
        match = _SERIES_KEY.fullmatch(name)
        if match:
            i = int(match[1]) - 1
            own.extend({} for _ in range(i + 1 - len(own)))
            own[i].setdefault(match[2], []).append(value)
    return own


def series_from_values(queries: list[str], shared: Callable[[str], list[str]], pairs: Iterable[tuple[str, str]]) -> list[Series]:
    """The series of a trend: the i-th query with the i-th series' own parameters, else the parameters all series share.

    `shared(key)` gives the strings of a URL key for every series; `pairs` the (`sN.key`,
    value) pairs that series N sets itself (see own_parameters; `sN.label` is its label).
    A series past the first with no query and no parameter of its own is an empty form
    field, and left out.
    """
    own = own_parameters(pairs)
    count = max(len(queries), len(own), 1)
    series = []
    for i in range(count):
        values = own[i] if i < len(own) else {}
        query = queries[i] if i < len(queries) else ""
        if i and not query.strip() and not values:
            continue

        def get(key: str, values: dict[str, list[str]] = values, query: str = query) -> list[str]:
            if key == "q":
                return [query]
            return values[key] if key in values else shared(key)

        request = SearchRequest.from_values(get)
        series.append(Series((values.get("label") or [""])[0][:200] or series_label(request), request))
    return series
