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
    assert "Sergueï <mark>Lavrov</mark> et Rex Tillerson se rencontrent à Bonn" in html  # the title, with the match marked
    assert "<mark>Lavrov</mark> a évoqué" in html  # the snippet
    assert 'href="/?q=Lavrov&amp;person=Serg' in html  # a facet value is a link adding the filter
    assert "16 février 2017" in html


def test_clicking_a_person_facet_narrows_and_shows_a_removable_chip(client):
    html = client.get("/?q=coop%C3%A9ration&person=Angela+Merkel").get_data(as_text=True)
    assert "1 résultat" in html
    assert "Angela Merkel reçoit Emmanuel Macron à Berlin" in html
    chip = re.search(r'<a class="chip" href="([^"]+)"[^>]*>Angela Merkel <span aria-hidden="true">×</span></a>', html)
    assert chip, "an active filter shows as a chip"
    removed = client.get(chip.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert "4 résultats" in removed


def test_country_facet_link_filters(client):
    html = client.get("/?country=DE").get_data(as_text=True)
    assert "2 résultats" in html
    assert 'aria-label="Retirer le filtre Allemagne">Allemagne' in html


def test_pagination_links_keep_the_state(client):
    html = client.get("/?q=&limit=2&sort=oldest").get_data(as_text=True)
    assert '<span aria-current="page" class="current">1</span>' in html
    link = re.search(r'<a rel="next" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert "sort=oldest" in link and "page=2" in link and "limit=2" in link
    second = client.get(link).get_data(as_text=True)
    assert '<span aria-current="page" class="current">2</span>' in second and 'rel="prev"' in second


def test_article_page_shows_text_metadata_and_entity_links(client):
    hit = client.get("/api/search?q=Trudeau").get_json()["hits"][0]
    response = client.get(f"/articles/{hit['id']}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<h1>Justin Trudeau en visite à Montréal</h1>" in html
    assert "10 mai 2016" in html
    assert 'href="/persons/Justin%20Trudeau"' in html
    assert 'href="/countries/CA"' in html
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


# --- the complete page (issue #3) --------------------------------------------------------


def test_english_interface_on_request(client):
    html = client.get("/?q=Lavrov&lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "2 results" in html and "February 16, 2017" in html
    assert 'name="lang" value="en"' in html  # the search box keeps the language
    page_two = client.get("/?q=Lavrov&lang=en").get_data(as_text=True)
    assert "lang=en" in page_two.split('class="tags"')[0]  # links keep the choice


def test_the_interface_is_french_whatever_the_browser_sends(client):
    for header in ({}, {"Accept-Language": "en-US,en;q=0.9"}, {"Accept-Language": "fr-CA,fr;q=0.9,en;q=0.5"}):
        html = client.get("/?q=Lavrov", headers=header).get_data(as_text=True)
        assert '<html lang="fr">' in html and "2 résultats" in html, header


def test_counts_use_french_grouping(mini_index):
    from newsarchive.web.i18n import Translator

    assert Translator("fr").results(1234) == "1\u202f234 résultats"
    assert Translator("en").results(1234) == "1,234 results"
    assert Translator("fr").results(1) == "1 résultat"


def test_every_state_is_in_the_links(client):
    html = client.get("/?q=coop%C3%A9ration&country=FR&from=2016&to=2017-12-31&sort=oldest&lang=en").get_data(as_text=True)
    person_link = re.search(r'<a href="(/\?[^"]*person=Angela[^"]*)" aria-pressed="false"', html).group(1).replace("&amp;", "&")
    for part in ("q=coop%C3%A9ration", "country=FR", "from=2016", "to=2017-12-31", "sort=oldest", "lang=en", "person=Angela+Merkel"):
        assert part in person_link, part
    narrowed = client.get(person_link).get_data(as_text=True)
    assert "1 result" in narrowed


def test_selected_facet_value_is_marked_and_clicking_it_again_removes_it(client):
    html = client.get("/?person=Sergue%C3%AF+Lavrov").get_data(as_text=True)
    link = re.search(r'<a href="([^"]+)" aria-pressed="true" class="active">Sergueï Lavrov</a>', html)
    assert link, "the selected person is marked as pressed"
    assert "person=" not in link.group(1)


def test_clear_all_removes_every_filter_but_keeps_the_query(client):
    html = client.get("/?q=coop%C3%A9ration&person=Angela+Merkel&country=DE&from=2017").get_data(as_text=True)
    clear = re.search(r'<a class="clear" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert clear == "/?q=coop%C3%A9ration"


def test_date_range_shows_as_a_removable_chip(client):
    html = client.get("/?from=2017-01-01&to=2017-12-31").get_data(as_text=True)
    assert "1 janvier 2017 – 31 décembre 2017" in html
    assert "2 résultats" in html


def test_histogram_has_a_bar_per_year_linking_to_that_year(client):
    html = client.get("/").get_data(as_text=True)
    assert 'class="histogram"' in html
    for year, n in (("2016", 1), ("2017", 2), ("2018", 1), ("2019", 1)):
        assert f'aria-label="{year} : {n} articles"' in html
    assert 'href="/?from=2017&amp;to=2017"' in html


def test_histogram_is_per_month_for_a_short_span(client):
    html = client.get("/?from=2017&to=2018").get_data(as_text=True)
    assert "Articles par mois" in html
    assert 'aria-label="févr. 2017 : 1 articles"' in html
    assert 'href="/?from=2017-02-01&amp;to=2017-02-28"' in html


def test_facet_shows_ten_values_and_the_rest_behind_show_more(tmp_path_factory):
    from .conftest import build_index

    folder = tmp_path_factory.mktemp("many-persons")
    rows = tmp_path_factory.mktemp("rows") / "many.jsonl"
    names = [
        "Angela Merkel", "Emmanuel Macron", "Justin Trudeau", "Vladimir Poutine", "Donald Trump", "Boris Johnson", "Pedro Sánchez",
        "Mario Draghi", "Olaf Scholz", "Jacinda Ardern", "Narendra Modi", "Xi Jinping", "Joe Biden", "Recep Tayyip Erdogan",
    ]
    with open(rows, "w", encoding="utf-8") as fh:
        for i, name in enumerate(names):
            text = f"Le dirigeant {name} a déclaré jeudi devant la presse que la situation était grave."
            fh.write(json.dumps({"url": f"https://t.test/{i}", "title": f"Article {i}", "text": text}) + "\n")
    build_index(folder, rows)
    html = create_app({"INDEX": str(folder)}).test_client().get("/").get_data(as_text=True)
    section = html[html.index('id="facet-person"'):html.index('id="facet-country-h"')]
    first, _, more = section.partition("<details")
    assert first.count("<li>") == 10
    assert "Afficher plus (4)" in more
    assert more.count("<li>") == 4


def test_facet_filter_box_works_without_javascript(client):
    html = client.get("/?pf=merk").get_data(as_text=True)
    section = html[html.index('id="facet-person-h"'):html.index('id="facet-country-h"')]
    assert "Angela Merkel" in section
    assert "Justin Trudeau" not in section
    assert 'value="merk"' in section


def test_no_results_suggests_a_spelling_and_removing_filters(client):
    html = client.get("/?q=cooperasion&country=CA").get_data(as_text=True)
    assert "Aucun article ne correspond" in html
    assert "Vouliez-vous dire" in html
    assert ">coopération</a>" in html
    assert "Essayez sans le filtre « Canada »" in html


def test_article_page_highlights_the_query_and_lists_similar_articles(client):
    hit = client.get("/api/search?q=Lavrov&sort=oldest").get_json()["hits"][0]
    html = client.get(f"/articles/{hit['id']}?q=coop%C3%A9ration").get_data(as_text=True)
    assert "<mark>coopération</mark>" in html
    assert "Retour aux résultats" in html
    similar = html[html.index("Articles similaires"):]
    assert "Moscou dénonce de nouvelles sanctions" in similar


def test_stored_original_is_served_as_plain_text_in_a_sandbox(client):
    hit = client.get("/api/search?q=pi%C3%A9g%C3%A9").get_json()["hits"][0]
    page = client.get(f"/articles/{hit['id']}").get_data(as_text=True)
    assert f'href="/articles/{hit["id"]}/original"' in page
    original = client.get(f"/articles/{hit['id']}/original")
    assert original.status_code == 200
    assert original.mimetype == "text/plain"
    assert "sandbox" in original.headers["Content-Security-Policy"]
    assert "<script>alert('corps')</script>" in original.get_data(as_text=True)  # as stored, but never as HTML
    assert client.get("/articles/nope/original").status_code == 404


def test_api_article_includes_similar_articles(client):
    hit = client.get("/api/search?q=Lavrov&sort=oldest").get_json()["hits"][0]
    data = client.get(f"/api/articles/{hit['id']}").get_json()
    assert data["similar"] and "id" in data["similar"][0]


@pytest.mark.parametrize(
    "query",
    ["page=-1", "page=99999999999999999999", "limit=1000", "sort=sideways", "from=hier", "to=2017-13", "from=2018&to=2017", "q=" + "a" * 5000],
)
def test_every_bad_parameter_is_a_400_on_the_page_and_the_api(client, query):
    assert client.get(f"/?{query}").status_code == 400
    response = client.get(f"/api/search?{query}")
    assert response.status_code == 400
    assert response.get_json()["error"]


def test_page_keeps_the_query_in_the_box_when_it_is_malformed(client):
    html = client.get("/?q=%3Cb%3E*").get_data(as_text=True)
    assert 'value="&lt;b&gt;*"' in html


def test_unknown_article_page_in_english(client):
    response = client.get("/articles/nope?lang=en")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_article_tags_show_the_words_that_triggered_them(client):
    hit = client.get("/api/search?q=Tillerson").get_json()["hits"][0]
    html = client.get(f"/articles/{hit['id']}").get_data(as_text=True)
    persons = html[html.index("Personnes citées"):html.index("Pays concernés")]
    because = persons[persons.index(">Sergueï Lavrov</a>"):].split("</li>")[0]
    assert "← Sergueï Lavrov, " in because and because.count("Lavrov") >= 3  # the full name, then the later "M. Lavrov"
    countries = html[html.index("Pays concernés"):]
    assert ">Russie</a>" in countries and "russe" in countries[countries.index(">Russie</a>"):][:200]
