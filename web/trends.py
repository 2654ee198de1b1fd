"""The trends page: up to six searches over time, drawn by the server, with the table and the downloads."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, g, render_template, request, url_for

from newsarchive.search.trends import MAX_SERIES, PERIODS, period_bounds

from .charts import chart_png, trend_chart
from .pages import get_archive
from .state import trend_series

bp = Blueprint("trends", __name__)
VALUES = ("share", "count", "stories")


def trend_args() -> tuple[dict, str]:
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


def point_href(data: dict, i: int, period: str) -> str:
    """The search of series `i` in one period (the page a point of the chart opens)."""
    start, end = period_bounds(period, data["by"])
    params = [(k, v) for k, v in data["series"][i]["params"].items() if k not in ("from", "to")]
    params += [("from", start.isoformat()), ("to", end.isoformat())]
    if g.lang != "fr":
        params.append(("lang", g.lang))
    return url_for("newsarchive.search_page") + "?" + urlencode(params)


def chart_of(data: dict, value: str):
    return trend_chart(data, value, lambda label: period_text(label, data["by"]), lambda i, period: point_href(data, i, period))


def download_query(**changes) -> str:
    """This trend's URL parameters, with some changed (the downloads and the period switch)."""
    items = [(k, v) for k, v in request.args.items(multi=True) if k not in changes]
    items += [(k, v) for k, v in changes.items() if v is not None]
    return urlencode(items)


@bp.get("/trends")
def trends_page():
    """The page: a form of up to six searches, the chart, its table, the downloads."""
    data, value = trend_args()
    return render_template("trends.html", data=data, chart=chart_of(data, value), value=value, values=VALUES, periods=PERIODS,
                           max_series=MAX_SERIES, shared=[(k, v) for k, v in request.args.items(multi=True) if k not in ("q", "by", "value")],
                           download_query=download_query, period_text=lambda label: period_text(label, data["by"]))


@bp.get("/trends.svg")
def trends_svg():
    """The chart alone, as an SVG file."""
    data, value = trend_args()
    svg = render_template("trend_chart.svg", chart=chart_of(data, value), standalone=True)
    return Response(svg, mimetype="image/svg+xml", headers={"Content-Disposition": 'attachment; filename="newsarchive-trend.svg"'})


@bp.get("/trends.png")
def trends_png():
    """The chart alone, as a PNG image (drawn with Pillow)."""
    data, value = trend_args()
    return Response(chart_png(chart_of(data, value)), mimetype="image/png",
                    headers={"Content-Disposition": 'attachment; filename="newsarchive-trend.png"'})
