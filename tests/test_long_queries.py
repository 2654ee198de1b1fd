"""Long free-text queries (a pasted headline, a sentence): a ranked OR over the most selective terms."""

from __future__ import annotations

import pytest
from whoosh import query

from newsarchive.index.analysis import FrenchAnalyzer, analyze
from newsarchive.search.archive import Archive
from newsarchive.search.query import FREE_TEXT_TERMS, FREE_TEXT_WORDS, free_text_query, is_free_text, word_pairs
from newsarchive.search.request import QueryError, SearchRequest

LAVROV_SENTENCE = "le ministre russe des affaires etrangeres a rencontre jeudi a bonn le secretaire d'etat americain"


@pytest.fixture(scope="module")
def archive(mini_index) -> Archive:
    return Archive(mini_index)


def titles(result) -> list[str]:
    return [h.title for h in result.hits]


# --- which queries are free text -----------------------------------------------------------


def test_a_long_plain_sentence_is_free_text():
    assert is_free_text(LAVROV_SENTENCE)
    assert is_free_text("Pourquoi le prix du gaz augmente-t-il autant cet hiver en France ?")
    assert is_free_text('Le "Ségur de la santé" promet sept milliards aux soignants des hôpitaux')


def test_a_few_words_are_not_free_text():
    words = " ".join(["mot"] * FREE_TEXT_WORDS)
    assert not is_free_text(words)
    assert is_free_text(words + " encore")


@pytest.mark.parametrize(
    "text",
    [
        "coopération AND russie etats unis allemagne bonn ministre secretaire",
        "coopération OR russie etats unis allemagne bonn ministre secretaire",
        "coopération SAUF russie etats unis allemagne bonn ministre secretaire",
        "titre:lavrov russie etats unis allemagne bonn ministre secretaire",
        "personne:lavrov russie etats unis allemagne bonn ministre secretaire",
        "coopér* russie etats unis allemagne bonn ministre secretaire jeudi",
        "coop?ration russie etats unis allemagne bonn ministre secretaire jeudi",
    ],
)
def test_operators_fields_and_wildcards_keep_the_query_syntax(text):
    assert not is_free_text(text)


# --- how a free-text query is built ----------------------------------------------------------


def test_free_text_scores_only_the_rarest_terms(archive):
    reader = archive.searcher().reader()
    chain = archive.schema["body"].analyzer
    words = "coopération bonn tillerson ministre coopération jeudi"
    q = free_text_query(words, archive.schema, reader, max_terms=2)
    chosen = {sub.subqueries[1].text for sub in q.subqueries}
    assert chosen == set(analyze("bonn tillerson", chain))  # one article each
    assert analyze("coopération", chain)[0] not in chosen  # in four articles


def test_free_text_is_an_or_over_title_and_body_with_equal_weight(archive):
    q = free_text_query(LAVROV_SENTENCE, archive.schema, archive.searcher().reader())
    assert isinstance(q, query.Or) and len(q.subqueries) <= FREE_TEXT_TERMS
    for sub in q.subqueries:
        title, body = sub.subqueries
        assert (title.fieldname, body.fieldname) == ("title", "body")
        assert title.text == body.text
        assert title.boost * archive.schema["title"].format.field_boost == body.boost  # 0.5 x indexed weight 2


def test_words_not_in_the_archive_give_no_query(archive):
    assert free_text_query("zzyzx qwertyuiop blorg", archive.schema, archive.searcher().reader()) is None


def test_word_pairs_skip_stop_words_like_the_index():
    chain = FrenchAnalyzer()
    assert word_pairs("la coopération de la Russie", chain) == {(analyze("coopération")[0], analyze("russie")[0])}
    assert word_pairs("Russie", chain) == set()


# --- searching with free text -------------------------------------------------------------------


def test_a_sentence_from_an_article_finds_it_first(archive):
    result = archive.search(SearchRequest(query=LAVROV_SENTENCE))
    assert titles(result)[0] == "Sergueï Lavrov et Rex Tillerson se rencontrent à Bonn"
    assert result.notice == "free_text"


def test_free_text_does_not_require_every_word(archive):
    sentence = "le ministre russe a rencontre a bonn un cosmonaute martien inconnu du monde"
    assert archive.search(SearchRequest(query=sentence + " AND lavrov")).total == 0  # operators: every word required
    result = archive.search(SearchRequest(query=sentence))
    assert titles(result)[0] == "Sergueï Lavrov et Rex Tillerson se rencontrent à Bonn"


def test_a_question_ending_in_a_question_mark_is_free_text_not_a_wildcard(archive):
    result = archive.search(SearchRequest(query="pourquoi les chercheurs observent le declin des abeilles?"))
    assert titles(result)[0] == "Une étude sur les abeilles sans date"


def test_word_order_breaks_ties_between_articles_sharing_the_words(archive):
    # Both Lavrov articles share most words; the one containing the sentence in order comes first.
    sentence = "serguei lavrov a denonce vendredi les sanctions decidees par washington contre la russie"
    assert titles(archive.search(SearchRequest(query=sentence)))[0] == "Moscou dénonce de nouvelles sanctions"


def test_free_text_keeps_filters_and_facets(archive):
    result = archive.search(SearchRequest(query=LAVROV_SENTENCE, countries=["DE"]))
    assert result.total >= 1
    assert all("DE" in [c["code"] for c in h.countries] for h in result.hits)
    assert {f["value"] for f in result.facets["country"]} >= {"DE"}


def test_free_text_pages_through_every_match(archive):
    first = archive.search(SearchRequest(query=LAVROV_SENTENCE, limit=1, page=1))
    second = archive.search(SearchRequest(query=LAVROV_SENTENCE, limit=1, page=2))
    assert first.total == second.total >= 2
    assert titles(first) != titles(second)


def test_a_free_text_query_of_unknown_words_says_so(archive):
    result = archive.search(SearchRequest(query="zzyzx qwertyuiop blorg frobnicate quux plugh xyzzy"))
    assert result.total == 0
    assert result.notice == "no_known_word"


def test_long_queries_with_operators_still_have_a_word_limit(archive):
    with pytest.raises(QueryError, match="too many words"):
        archive.search(SearchRequest(query=" OR ".join(f"mot{i}" for i in range(100))))


# --- the proximity bonus reads only the words that can match -----------------------------------


def _pairs_of_a_reader(text: str, other: str, chain, rng) -> list[set[tuple[str, str]]]:
    """Word-pair sets a pasted sentence could give: pairs of the text itself, of another article, and mixed."""
    own, foreign = sorted(word_pairs(text, chain)), sorted(word_pairs(other, chain))
    picks = [set(rng.sample(own, min(len(own), 12))), set(rng.sample(foreign, min(len(foreign), 12)))]
    return [p for p in [*picks, picks[0] | picks[1]] if p]


@pytest.mark.parametrize("stemmer", ["snowball", "light"])
def test_shared_word_pairs_equal_those_of_the_full_analysis_on_real_news(stemmer):
    import gzip
    import itertools
    import json
    import random

    from newsarchive.search.query import shared_pairs

    from .conftest import SHARED, need_shared

    path = need_shared(SHARED / "corpus" / "orangesum.jsonl.gz")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        texts = [f"{row.get('heading') or ''}\n\n{row.get('article') or ''}" for row in map(json.loads, itertools.islice(fh, 300))]
    chain, rng = FrenchAnalyzer(stemmer), random.Random(3)
    found = 0
    for text, other in zip(texts, texts[1:] + texts[:1], strict=True):
        for pairs in _pairs_of_a_reader(text, other, chain, rng):
            expected = pairs & word_pairs(text, chain)
            assert shared_pairs(text, pairs, chain) == expected, (pairs, text[:80])
            found += bool(expected)
    assert found > 300


def test_a_kept_word_between_two_terms_separates_them_and_a_stop_word_does_not():
    from newsarchive.search.query import shared_pairs

    chain = FrenchAnalyzer()
    pair = {(analyze("coopération")[0], analyze("russie")[0])}
    assert shared_pairs("la coopération de la Russie", pair, chain) == pair
    assert shared_pairs("la coopération militaire de la Russie", pair, chain) == set()
    assert shared_pairs("la coopération franco-russe", {(analyze("coopération")[0], "franco")}, chain) == {(analyze("coopération")[0], "franco")}
