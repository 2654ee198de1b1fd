"""Trends and exports: numbers that equal the searches they stand for, whole result sets taken away safely."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from click.testing import CliRunner

from newsarchive.cli import main
from newsarchive.index.article import Article, Person
from newsarchive.index.store.writer import ArchiveWriter
from newsarchive.search.archive import Archive
from newsarchive.search.export import neutralise
from newsarchive.search.request import QueryError, SearchRequest
from newsarchive.search.trends import Series, bins, period_bounds, period_label
from newsarchive.web import create_app

HOSTILE = ["=HYPERLINK(\"http://evil.test\",\"clic\")", "+33 1 23 45", "-2+3", "@SUM(A1:A2)", "\tTAB", "\rCR"]


def article(n: int, day: dt.date | None, text: str, title: str | None = None, persons=(), url: str | None = None) -> Article:
    return Article(id=f"u{n:019d}", title=title or f"Article {n}", text=text, date=day, url=url or f"https://journal.test/{n}",
                   source="Le Journal", persons=[Person(p, [p]) for p in persons])


def corpus() -> list[Article]:
    rows = []
    n = 0
    for month, (strikes, others) in {1: (3, 2), 2: (0, 4), 4: (2, 1)}.items():  # no article at all in March
        for i in range(strikes):
            n += 1
            rows.append(article(n, dt.date(2019, month, 1 + i), f"La grève des cheminots continue, jour {n}.", persons=["Philippe Martinez"]))
        for i in range(others):
            n += 1
            rows.append(article(n, dt.date(2019, month, 10 + i), f"Le budget municipal est voté, séance {n}."))
    n += 1
    rows.append(article(n, None, "La grève sans date."))  # undated: in no period
    for i, title in enumerate(HOSTILE):
        rows.append(article(100 + i, dt.date(2019, 4, 20), f"{title} Le texte piégé de la grève numéro {i}.", title=title))
    return rows


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("trends")
    with ArchiveWriter(folder) as writer:
        writer.add_many(corpus())
    return folder


@pytest.fixture(scope="module")
def archive(folder) -> Archive:
    return Archive(folder)


def test_periods_round_trip_through_their_labels():
    day = dt.date(2018, 11, 17).toordinal()
    import numpy as np

    for by, label in (("day", "2018-11-17"), ("week", "2018-W46"), ("month", "2018-11"), ("year", "2018")):
        assert period_label(int(bins(np.array([day]), by)[0]), by) == label
        first, last = period_bounds(label, by)
        assert first <= dt.date(2018, 11, 17) <= last


def test_each_period_counts_what_the_search_of_that_period_finds(archive):
    trend = archive.trend([Series("grève", SearchRequest(query="grève")), Series("tout", SearchRequest())], by="month")
    assert trend.by == "month" and trend.periods() == ["2019-01", "2019-02", "2019-03", "2019-04"]
    for series, query in zip(trend.series, ("grève", ""), strict=True):
        for point in series.points:
            first, last = period_bounds(point.period, "month")
            assert point.count == archive.search(SearchRequest(query=query, date_from=first, date_to=last)).total, point


def test_shares_divide_by_every_article_of_the_period_and_empty_periods_are_gaps(archive):
    trend = archive.trend([Series("grève", SearchRequest(query="grève"))], by="month")
    points = {p.period: p for p in trend.series[0].points}
    assert points["2019-01"].share == pytest.approx(3 / 5)
    assert points["2019-02"].to_json() == {"period": "2019-02", "count": 0, "stories": 0, "share": 0.0}
    assert points["2019-03"].share is None  # nothing was published: a gap, not a zero
    assert points["2019-04"].share == pytest.approx(8 / 9)


def test_a_trend_takes_one_to_six_series(archive):
    with pytest.raises(QueryError, match="1 to 6 series"):
        archive.trend([Series(str(i), SearchRequest()) for i in range(7)])


def test_the_api_reads_repeated_queries_and_per_series_filters(folder):
    client = create_app({"INDEX": str(folder)}).test_client()
    data = client.get("/api/trends?q=grève&q=grève&s2.person=Philippe+Martinez&s2.label=Martinez&by=month").get_json()
    first, second = data["series"]
    assert second["label"] == "Martinez" and second["params"]["person"] == "Philippe Martinez"
    assert sum(p["count"] for p in second["points"]) == 5 < sum(p["count"] for p in first["points"])
    body = client.get("/api/trends?q=grève&by=month&format=csv").get_data(as_text=True)
    assert body.splitlines()[0] == "series,period,count,share,stories" and "grève,2019-03,0,,0" in body
    assert client.get("/api/trends?" + "&".join(["q=a"] * 7)).status_code == 400


def test_the_page_draws_the_lines_links_each_point_and_offers_the_downloads(folder):
    client = create_app({"INDEX": str(folder)}).test_client()
    html = client.get("/trends?q=grève&q=budget&by=month").get_data(as_text=True)
    assert html.count('<g class="series"') == 2 and "<table class=\"trend-table\">" in html
    assert 'href="/?q=gr%C3%A8ve&amp;from=2019-01-01&amp;to=2019-01-31"' in html
    assert "janv. 2019" in html  # French dates on the axis and in the table
    svg = client.get("/trends.svg?q=grève&by=month")
    assert svg.mimetype == "image/svg+xml" and svg.get_data(as_text=True).startswith("<?xml")
    png = client.get("/trends.png?q=grève&by=month")
    assert png.mimetype == "image/png" and png.data[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_search_page_links_its_trend_and_the_comparison(folder):
    client = create_app({"INDEX": str(folder)}).test_client()
    html = client.get("/?q=grève&person=Philippe+Martinez").get_data(as_text=True)
    assert 'href="/trends?q=gr%C3%A8ve&amp;s1.person=Philippe+Martinez"' in html
    compare = client.get("/trends?q=grève&s1.person=Philippe+Martinez&compare=1").get_data(as_text=True)
    assert 'class="new-series" autofocus' in compare


# --- exports ------------------------------------------------------------------------------------


def test_a_formula_cell_is_neutralised():
    assert [neutralise(v) for v in HOSTILE] == ["'" + v for v in HOSTILE]
    assert neutralise(["=A1", "Le Point"]) == "'=A1 ; Le Point" and neutralise("2019-04-20") == "2019-04-20"


def test_the_csv_export_is_the_whole_result_set_in_the_search_order(folder, archive):
    client = create_app({"INDEX": str(folder)}).test_client()
    response = client.get("/api/export?q=grève&sort=newest&format=csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # once: Werkzeug adds a charset to a bare mimetype
    body = response.get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(body)))
    total = archive.search(SearchRequest(query="grève", sort="newest", all_versions=True)).total
    assert len(rows) == total == 12
    first_page = archive.search(SearchRequest(query="grève", sort="newest", limit=5, all_versions=True))
    assert [r["id"] for r in rows[:5]] == [h.id for h in first_page.hits]
    assert rows[0]["page"].startswith("http://localhost/articles/")
    assert body.count("\r\n") == len(rows) + 1  # RFC 4180 line ends


def test_no_exported_cell_can_run_as_a_formula_in_any_format(folder):
    import openpyxl

    client = create_app({"INDEX": str(folder)}).test_client()
    for fmt in ("csv", "excel"):
        body = client.get(f"/api/export?q=piégé&format={fmt}").get_data(as_text=True)
        if fmt == "excel":
            assert body.startswith("\ufeff") and body.splitlines()[0].lstrip("\ufeff").startswith("id;date;title")
        cells = [c for row in csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";" if fmt == "excel" else ",") for c in row]
        assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")], fmt
        assert "'=HYPERLINK(\"http://evil.test\",\"clic\")" in cells
    data = client.get("/api/export?q=piégé&format=xlsx").data
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    values = [c.value for row in sheet.iter_rows() for c in row if c.value is not None]
    assert len(list(sheet.iter_rows())) == len(HOSTILE) + 1
    assert not [v for v in values if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_an_export_past_its_limit_says_it_was_cut(folder):
    client = create_app({"INDEX": str(folder)}).test_client()
    lines = client.get("/api/export?q=grève&format=jsonl&limit=4").get_data(as_text=True).splitlines()
    assert len(lines) == 5 and json.loads(lines[-1]) == {"cut": "export cut at 4 rows of 12: ask for up to 100000 with limit"}
    result = CliRunner().invoke(main, ["search", "--index", str(folder), "--format", "csv", "--all", "--max-rows", "4", "grève"])
    assert result.exit_code == 0 and "Warning: export cut at 4 rows of 12" in result.stderr
    assert len(list(csv.reader(io.StringIO(result.stdout)))) == 1 + 4 + 1
    assert client.get("/api/export?q=grève&format=pdf").status_code == 400


def test_a_facet_table_downloads_as_csv(folder):
    client = create_app({"INDEX": str(folder)}).test_client()
    body = client.get("/api/facets/person?q=grève&format=csv").get_data(as_text=True)
    assert body.splitlines() == ["value,label,count", "Philippe Martinez,Philippe Martinez,5"]
    assert client.get("/api/facets/source?format=json").get_json()["values"][0]["label"] == "Le Journal"


def test_the_cli_trend_prints_json_and_csv(folder):
    result = CliRunner().invoke(main, ["trends", "--index", str(folder), "--json", "--by", "month", "grève", "grève",
                                       "--series-filter", "2:person=Philippe Martinez"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [s["total"] for s in data["series"]] == [11, 5]
    as_csv = CliRunner().invoke(main, ["trends", "--index", str(folder), "--csv", "--by", "month", "grève"])
    assert as_csv.stdout.splitlines()[0] == "series,period,count,share,stories"
    bad = CliRunner().invoke(main, ["trends", "--index", str(folder), "--series-filter", "deux:person=x", "grève"])
    assert bad.exit_code == 2 and "N:key=value" in bad.stderr
