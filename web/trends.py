"""The trends page: up to six searches over time, drawn by the server, with the table and the downloads."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, g, render_template, request, url_for
from flask.typing import ResponseReturnValue

from newsarchive.search.trends import MAX_SERIES, PERIODS, Trend, period_bounds

from .charts import Chart, chart_png, trend_chart
from .state import get_archive, trend_series

bp = Blueprint("trends", __name__)
VALUES = ("share", "count", "stories")


def trend_args() -> tuple[Trend, str]:
    """The trend of this URL and the value drawn (?value=share|count|stories; shares by default)."""
    by = request.args.get("by") or None
    value = request.args.get("value", "share")
    if value not in VALUES:
        value = "share"
    return get_archive().trend(trend_series(request.args), None if by == "auto" else by), value


def period_text(label: str, by: str) -> str:
    """A period on the page's axis, in the interface's language ("nov. 2018", "S47 2018", "17 nov. 2018", "2018")."""
    if by == "month":
        return g.t.month(label)
    if by == "week":
        year, week = label.split("-W")
        return g.t("week_label", week=int(week), year=year)
    if by == "day":
        return g.t.short_date(label)
    return label


def point_href(trend: Trend, i: int, period: str) -> str:
    """The search of series `i` in one period (the page a point of the chart opens)."""
    start, end = period_bounds(period, trend.by)
    params = [(k, v) for k, v in trend.series[i].params.items() if k not in ("from", "to")]
    params += [("from", start.isoformat()), ("to", end.isoformat())]
    if g.lang != "fr":
        params.append(("lang", g.lang))
    return url_for("newsarchive.search_page") + "?" + urlencode(params)


def chart_of(trend: Trend, value: str) -> Chart:
    return trend_chart(trend, value, lambda label: period_text(label, trend.by), lambda i, period: point_href(trend, i, period))


def download_query(**changes: str | None) -> str:
    """This trend's URL parameters, with some changed (the downloads and the period switch)."""
    items = [(k, v) for k, v in request.args.items(multi=True) if k not in changes]
    items += [(k, v) for k, v in changes.items() if v is not None]
    return urlencode(items)


@bp.get("/trends")
def trends_page() -> ResponseReturnValue:
    """The page: a form of up to six searches, the chart, its table, the downloads."""
    trend, value = trend_args()
    return render_template("trends.html", data=trend, chart=chart_of(trend, value), value=value, values=VALUES, periods=PERIODS,
                           max_series=MAX_SERIES, shared=[(k, v) for k, v in request.args.items(multi=True) if k not in ("q", "by", "value")],
                           download_query=download_query, period_text=lambda label: period_text(label, trend.by))


@bp.get("/trends.svg")
def trends_svg() -> ResponseReturnValue:
    """The chart alone, as an SVG file."""
    trend, value = trend_args()
    svg = render_template("trend_chart.svg", chart=chart_of(trend, value), standalone=True)
    return Response(svg, mimetype="image/svg+xml", headers={"Content-Disposition": 'attachment; filename="newsarchive-trend.svg"'})


@bp.get("/trends.png")
def trends_png() -> ResponseReturnValue:
    """The chart alone, as a PNG image (drawn with Pillow)."""
    trend, value = trend_args()
    return Response(chart_png(chart_of(trend, value)), mimetype="image/png",
                    headers={"Content-Disposition": 'attachment; filename="newsarchive-trend.png"'})
