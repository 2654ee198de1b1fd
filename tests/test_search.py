"""Searching a real index of the hand-written mini corpus: words, filters, facets, snippets."""

from __future__ import annotations

import datetime as dt

import pytest

from newsarchive.search.archive import Archive
from newsarchive.search.request import QueryError, SearchRequest, parse_date_bound


@pytest.fixture(scope="module")
def archive(mini_index) -> Archive:
    return Archive(mini_index)


def titles(result) -> list[str]:
    return [h.title for h in result.hits]


def run(archive: Archive, q: str = "", **kw):
    return archive.search(SearchRequest(query=q, **kw))


def test_plural_query_finds_the_singular_and_the_plural(archive):
    result = run(archive, "coopérations")
    assert result.total == 4
    assert "Moscou dénonce de nouvelles sanctions" in titles(result)


def test_query_without_accents_finds_accented_words(archive):
    assert run(archive, "cooperation").total == run(archive, "coopération").total == 4


def test_hyphenated_country_matches_spaced_and_upper_case_forms(archive):
    for q in ("États-Unis", "etats unis", "ÉTATS-UNIS"):
        assert titles(run(archive, q)) == ["Sergueï Lavrov et Rex Tillerson se rencontrent à Bonn"], q


def test_words_are_and_ed_by_default(archive):
    assert run(archive, "coopération abeilles").total == 0
    assert run(archive, "coopération OR abeilles").total == 6


def test_french_operators_ou_and_sauf(archive):
    assert run(archive, "coopération OU abeilles").total == 6
    assert run(archive, "coopération SAUF Lavrov").total == 2


def test_not_excludes(archive):
    result = run(archive, "coopération NOT Lavrov")
    assert sorted(titles(result)) == ["Angela Merkel reçoit Emmanuel Macron à Berlin", "Justin Trudeau en visite à Montréal"]


def test_phrase_query_requires_adjacent_words(archive):
    assert run(archive, '"coopération culturelle"').total == 1
    assert run(archive, '"culturelle coopération"').total == 0


def test_elided_article_does_not_matter(archive):
    assert run(archive, "l'usage").total == run(archive, "usage").total == 1


def test_title_field_query(archive):
    result = run(archive, "titre:Merkel")
    assert titles(result) == ["Angela Merkel reçoit Emmanuel Macron à Berlin"]


def test_title_matches_rank_above_body_matches(archive):
    result = run(archive, "Moscou")
    assert titles(result)[0] == "Moscou dénonce de nouvelles sanctions"


def test_exact_form_field_does_not_stem(archive):
    assert run(archive, "exact:coopérations").total == 1
    assert run(archive, "coopérations").total == 4


def test_person_filter_accepts_any_spelling(archive):
    for name in ("Sergueï Lavrov", "serguei lavrov", "SERGUEÏ LAVROV"):
        assert run(archive, persons=[name]).total == 2, name


def test_person_field_in_query_matches_a_surname(archive):
    assert run(archive, "person:lavrov").total == 2
    assert run(archive, 'personne:"Rex Tillerson"').total == 1


def test_person_facet_is_one_value_in_its_most_frequent_form(archive):
    result = run(archive, "Lavrov")
    persons = {f["value"]: f["count"] for f in result.facets["person"]}
    assert persons["Sergueï Lavrov"] == 2
    assert "Serguei Lavrov" not in persons


def test_several_person_filters_are_and_ed(archive):
    assert run(archive, persons=["Angela Merkel", "Emmanuel Macron"]).total == 1
    assert run(archive, persons=["Angela Merkel", "Justin Trudeau"]).total == 0


def test_country_filter_accepts_code_french_and_english_names(archive):
    for value in ("DE", "de", "Allemagne", "Germany"):
        assert run(archive, countries=[value]).total == 2, value


def test_country_field_in_query(archive):
    assert run(archive, "pays:Canada").total == 1
    assert run(archive, "country:CA").total == 1


def test_unknown_country_is_a_clear_error(archive):
    with pytest.raises(QueryError, match="unknown country 'Atlantide'"):
        run(archive, countries=["Atlantide"])


def test_date_range_filter(archive):
    result = run(archive, date_from=dt.date(2017, 1, 1), date_to=dt.date(2017, 12, 31))
    assert sorted(titles(result)) == ["Angela Merkel reçoit Emmanuel Macron à Berlin", "Sergueï Lavrov et Rex Tillerson se rencontrent à Bonn"]


def test_date_field_in_query(archive):
    assert run(archive, "date:2018").total == 1


def test_sort_newest_and_oldest_put_undated_articles_last(archive):
    newest = titles(run(archive, sort="newest", limit=10))
    oldest = titles(run(archive, sort="oldest", limit=10))
    assert newest[0].startswith("Titre piégé")
    assert oldest[0] == "Justin Trudeau en visite à Montréal"
    assert newest[-1] == oldest[-1] == "Une étude sur les abeilles sans date"


def test_facet_counts_cover_the_whole_result_set_not_the_page(archive):
    result = run(archive, "coopération", limit=1)
    assert len(result.hits) == 1
    assert result.total == 4
    countries = {f["value"]: f["count"] for f in result.facets["country"]}
    assert countries["FR"] == 2 and countries["RU"] == 2 and countries["DE"] == 2
    years = {f["value"]: f["count"] for f in result.facets["year"]}
    assert years == {2016: 1, 2017: 2, 2018: 1}


def test_paging(archive):
    first = run(archive, limit=2, page=1)
    third = run(archive, limit=2, page=3)
    assert first.pages == 3
    assert not set(titles(first)) & set(titles(third))
    assert run(archive, limit=2, page=9).hits == []


def test_snippet_highlights_the_matched_word_as_written(archive):
    result = run(archive, "coopérations")
    hit = next(h for h in result.hits if h.title == "Moscou dénonce de nouvelles sanctions")
    assert "<mark>coopérations</mark>" in hit.snippet.html()


def test_snippet_escapes_article_html(archive):
    result = run(archive, "piégé")
    html = result.hits[0].snippet.html()
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html


def test_empty_query_lists_everything_newest_first(archive):
    result = run(archive)
    assert result.total == 6
    assert titles(result)[0].startswith("Titre piégé")


def test_query_of_stop_words_only_gives_a_notice(archive):
    result = run(archive, "le la les")
    assert result.total == 0
    assert result.notice == "no_searchable_word"


@pytest.mark.parametrize(
    ("request_kwargs", "message"),
    [
        ({"query": "*a"}, "wildcard"),
        ({"query": "x" * 2000}, "too long"),
        ({"query": "x", "page": 10_000}, "page must be between"),
        ({"query": "x", "limit": 0}, "limit must be between"),
        ({"query": "x", "sort": "random"}, "unknown sort"),
        ({"query": " OR ".join(f"mot{i}" for i in range(100))}, "too many words"),
    ],
)
def test_bad_requests_raise_query_errors(archive, request_kwargs, message):
    with pytest.raises(QueryError, match=message):
        archive.search(SearchRequest(**request_kwargs))


def test_control_characters_and_unbalanced_syntax_still_search(archive):
    for q in ('"coopération', "(coopération OR", "coop\x00ération\x07", "coopération)))", "NOT", '""'):
        run(archive, q)  # must not raise


def test_parse_date_bound_reads_years_months_and_days():
    assert parse_date_bound("2017") == dt.date(2017, 1, 1)
    assert parse_date_bound("2017", end=True) == dt.date(2017, 12, 31)
    assert parse_date_bound("2016-02", end=True) == dt.date(2016, 2, 29)
    assert parse_date_bound("2017-02-16") == dt.date(2017, 2, 16)
    with pytest.raises(QueryError):
        parse_date_bound("2017-02-30")


def test_article_lookup(archive):
    result = run(archive, "Trudeau")
    article = archive.article(result.hits[0].id)
    assert article.title == "Justin Trudeau en visite à Montréal"
    assert article.date == dt.date(2016, 5, 10)
    assert archive.article("nope") is None


def test_person_lookup_by_prefix(archive):
    values = archive.lookup("person", "ser")
    assert values[0] == {"value": "Sergueï Lavrov", "count": 2}
    assert archive.lookup("person", "trud")[0]["value"] == "Justin Trudeau"


def test_wildcard_queries_take_whoosh_path_and_still_answer(archive):
    assert run(archive, "coopér*").total == 4


def test_snippet_prefers_the_passage_with_the_most_query_words():
    from newsarchive.index.analysis import FrenchAnalyzer
    from newsarchive.search.snippets import best_snippet

    filler = "Un paragraphe sans rapport avec la question posée ici. " * 12
    text = f"Les sanctions tombent. {filler}La Russie répond aux sanctions par des sanctions. {filler}"
    chain = FrenchAnalyzer()
    snippet = best_snippet(text, {chain.term_positions("sanctions").popitem()[0], chain.term_positions("Russie").popitem()[0]}, chain, top=1)
    assert "<mark>Russie</mark>" in snippet.html()
    assert snippet.html().startswith("…") and snippet.html().endswith("…")
    assert best_snippet(text, {"zzz"}, chain) is None
