"""The search page and JSON API through Flask's test client, on a real index."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from newsarchive.cli import main
from newsarchive.web import create_app


@pytest.fixture(scope="module")
def client(mini_index):
    app = create_app({"INDEX": str(mini_index), "TESTING": True})
    return app.test_client()


def test_search_page_shows_results_snippets_and_facets(client):
    response = client.get("/?q=Lavrov")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "2 résultats" in html
    assert "Sergueï Lavrov et Rex Tillerson se rencontrent à Bonn" in html
    assert "<mark>Lavrov</mark>" in html
    assert 'href="/?q=Lavrov&amp;person=Serg' in html  # a facet value is a link adding the filter
    assert "16 février 2017" in html


def test_clicking_a_person_facet_narrows_and_shows_a_removable_chip(client):
    html = client.get("/?q=coop%C3%A9ration&person=Angela+Merkel").get_data(as_text=True)
    assert "1 résultat" in html
    assert "Angela Merkel reçoit Emmanuel Macron à Berlin" in html
    chip = re.search(r'<a class="chip" href="([^"]+)"[^>]*>Angela Merkel ×</a>', html)
    assert chip, "an active filter shows as a chip"
    removed = client.get(chip.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert "4 résultats" in removed


def test_country_facet_link_filters(client):
    html = client.get("/?country=DE").get_data(as_text=True)
    assert "2 résultats" in html
    assert "Allemagne ×" in html


def test_pagination_links_keep_the_state(client):
    html = client.get("/?q=&limit=2&sort=oldest").get_data(as_text=True)
    assert "Page 1 / 3" in html
    link = re.search(r'<a rel="next" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert "sort=oldest" in link and "page=2" in link and "limit=2" in link
    second = client.get(link).get_data(as_text=True)
    assert "Page 2 / 3" in second and 'rel="prev"' in second


def test_article_page_shows_text_metadata_and_entity_links(client):
    hit = client.get("/api/search?q=Trudeau").get_json()["hits"][0]
    response = client.get(f"/articles/{hit['id']}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<h1>Justin Trudeau en visite à Montréal</h1>" in html
    assert "10 mai 2016" in html
    assert 'href="/?person=Justin+Trudeau"' in html
    assert 'href="/?country=CA"' in html
    assert 'href="https://exemple.test/2016/05/10/trudeau-quebec"' in html


def test_unknown_article_is_a_404_page(client):
    response = client.get("/articles/does-not-exist")
    assert response.status_code == 404
    assert "Page introuvable" in response.get_data(as_text=True)


def test_malformed_query_is_a_400_page_with_the_message(client):
    response = client.get("/?q=a*")
    assert response.status_code == 400
    assert "wildcard needs at least" in response.get_data(as_text=True)
    assert client.get("/?page=abc").status_code == 400
    assert client.get("/?country=Atlantide").status_code == 400


def test_api_search_returns_the_cli_json(client, mini_index):
    api = client.get("/api/search?q=coop%C3%A9ration&country=FR&sort=newest").get_json()
    cli = CliRunner().invoke(main, ["search", "--index", str(mini_index), "--json", "--country", "FR", "--sort", "newest", "coopération"])
    expected = json.loads(cli.stdout)
    api.pop("took_ms")
    expected.pop("took_ms")
    assert api == expected


def test_api_errors_are_json_with_status(client):
    response = client.get("/api/search?q=*x")
    assert response.status_code == 400
    assert response.get_json()["error"].startswith("a wildcard needs")
    missing = client.get("/api/articles/nope")
    assert missing.status_code == 404
    assert "no article with id" in missing.get_json()["error"]
    assert client.get("/api/nothing-here").get_json()["status"] == 404


def test_api_article_and_person_lookup(client):
    hit = client.get("/api/search?q=Merkel").get_json()["hits"][0]
    article = client.get(f"/api/articles/{hit['id']}").get_json()
    assert [p["name"] for p in article["persons"]] == ["Angela Merkel", "Emmanuel Macron"]
    values = client.get("/api/facets/person?prefix=ang").get_json()["values"]
    assert values == [{"value": "Angela Merkel", "count": 1}]


def test_hostile_article_text_is_escaped_everywhere(client):
    results = client.get("/?q=pi%C3%A9g%C3%A9").get_data(as_text=True)
    hit = client.get("/api/search?q=pi%C3%A9g%C3%A9").get_json()["hits"][0]
    page = client.get(f"/articles/{hit['id']}").get_data(as_text=True)
    for html in (results, page):
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "onerror=alert" not in html or "&lt;img src=x onerror=alert" in html
        assert not re.search(r"""href=["']?\s*javascript:""", html, re.I)
        assert "&lt;script&gt;alert(" in html


def test_hostile_query_is_escaped(client):
    html = client.get('/?q=%3Cscript%3Ealert(1)%3C/script%3E%22onmouseover=%22x').get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert '"onmouseover="' not in html


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "object-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_page_without_an_index_is_a_503_that_says_what_to_do(tmp_path):
    client = create_app({"INDEX": str(tmp_path / "missing")}).test_client()
    response = client.get("/")
    assert response.status_code == 503
    assert "newsarchive index" in response.get_data(as_text=True)
    assert client.get("/api/search?q=x").status_code == 503


def test_page_sees_articles_indexed_after_it_started(tmp_path):
    from .conftest import DATA, build_index

    folder = tmp_path / "ix"
    client = create_app({"INDEX": str(folder)}).test_client()
    assert client.get("/").status_code == 503
    build_index(folder, DATA / "mini.jsonl", with_entities=False)
    assert client.get("/api/search").get_json()["total"] == 6
