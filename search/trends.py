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
from dataclasses import dataclass
from typing import Any

import numpy as np

from .plan import Planner
from .ranking import matching
from .request import QueryError, SearchRequest
from .snapshot import Snapshot

PERIODS = ("day", "week", "month", "year")
MAX_SERIES = 6
# The period a trend is drawn in when none is asked: the finest that keeps the number of points readable.
AUTO_PERIOD_DAYS = (("day", 45), ("week", 370), ("month", 12 * 366))
_EPOCH = dt.date(1970, 1, 1).toordinal()


@dataclass
class Series:
    """One line of a trend: a label and the search it counts."""

    label: str
    request: SearchRequest


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
    if by == "day":
        day = dt.date.fromisoformat(label)
        return day, day
    if by == "week":
        year, week = label.split("-W")
        start = dt.date.fromisocalendar(int(year), int(week), 1)
        return start, start + dt.timedelta(days=6)
    if by == "month":
        year, month = (int(p) for p in label.split("-"))
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        return dt.date(year, month, 1), following - dt.timedelta(days=1)
    return dt.date(int(label), 1, 1), dt.date(int(label), 12, 31)


def choose_period(first: int, last: int) -> str:
    """The period for a span of days, when the user asks for none."""
    for by, days in AUTO_PERIOD_DAYS:
        if last - first <= days:
            return by
    return "year"


def trend(snap: Snapshot, planner: Planner, series: list[Series], by: str | None = None) -> dict[str, Any]:
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
    out = []
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
            points.append({"period": period_label(low + i, by), "count": int(counts[i]), "stories": int(stories[i]),
                           "share": round(float(numerator / denominator), 6) if denominator else None})
        out.append({"label": s.label, "params": dict(s.request.to_values()), "points": points,
                    "total": int(counts.sum())})
    return {"by": by, "series": out}


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


def series_from_values(queries: list[str], shared, own: list[dict[str, list[str]]]) -> list[Series]:
    """The series of a trend: the i-th query with the i-th series' own parameters, else the parameters all series share.

    `shared(key)` gives the strings of a URL key for every series; `own[i]` the keys the
    i-th series sets itself (and its `label`). A series past the first with no query
    and no parameter of its own is an empty form field, and left out.
    """
    count = max(len(queries), len(own), 1)
    series = []
    for i in range(count):
        values = own[i] if i < len(own) else {}
        query = queries[i] if i < len(queries) else ""
        if i and not query.strip() and not values:
            continue

        def get(key: str, values=values, query=query) -> list[str]:
            if key == "q":
                return [query]
            return values[key] if key in values else shared(key)

        request = SearchRequest.from_values(get)
        series.append(Series((values.get("label") or [""])[0][:200] or series_label(request), request))
    return series


def rows(data: dict) -> list[dict[str, Any]]:
    """The numbers of a trend as table rows: one per series and period."""
    return [{"series": s["label"], "period": p["period"], "count": p["count"], "share": p["share"], "stories": p["stories"]}
            for s in data["series"] for p in s["points"]]


ROW_COLUMNS = ("series", "period", "count", "share", "stories")
