"""Characteristic words (search/words.py): the words over-represented in a result set, on an index of invented articles.

The corpus: 12 articles about a vaccine among 48. "laboratoire" is in every vaccine article
and nowhere else; "journée" is in half of every kind of article; "injection" leans to the
vaccine articles; "seringue" is in two of them only; figures, function words ("plus") and
the query's own word are in all of them. Five vaccine articles name the person Albert Bourla.
"""

from __future__ import annotations

import dataclasses
import json
import math
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from newsarchive.cli import main
from newsarchive.index.analysis import french_stop_words
from newsarchive.index.article import Article, Person
from newsarchive.index.store.folder import open_index
from newsarchive.index.store.whoosh_internals import leaf_postings, leaf_term_documents
from newsarchive.index.store.writer import ArchiveWriter
from newsarchive.search import words as words_module
from newsarchive.search.archive import Archive
from newsarchive.search.request import QueryError, SearchRequest
from newsarchive.web import create_app

from .conftest import served_index

THEMES = {
    "sport": "Le match de football au stade a réuni les supporters, et l'entraîneur a salué ses joueurs.",
    "farm": "La récolte de blé inquiète les agriculteurs, car la sécheresse touche les champs.",
    "budget": "Le budget prévoit des impôts nouveaux, et les députés débattent des dépenses publiques.",
}


def shared(i: int) -> str:
    return f"Selon les données présentées, l'essai numéro {i} est prévu."


def vaccine_article(i: int) -> Article:
    text = ["Le vaccin du laboratoire sera plus efficace en 2021.", shared(i)]
    if i < 6:
        text.append("Une injection de rappel est prévue.")
    if i < 2:
        text.append("La seringue manque dans les hôpitaux.")
    if i % 2 == 0:
        text.append("Une journée d'information est organisée.")
    persons = [Person(name="Albert Bourla")] if i < 5 else []
    if persons:
        text.append("Albert Bourla a commenté les résultats.")
    return Article(id=f"v{i:02d}", title=f"Vaccin : le point {i}", text=" ".join(text), persons=persons, language="fr")


def other_article(i: int) -> Article:
    theme = list(THEMES)[i % 3]
    text = [THEMES[theme], "Le dispositif sera efficace.", shared(i)]
    if i % 2 == 0:
        text.append("Une journée de mobilisation est prévue.")
    if i in (1, 2):
        text.append("Une injection de capitaux est annoncée.")
    return Article(id=f"o{i:02d}", title=f"{theme.capitalize()} : le point {i}", text=" ".join(text), language="fr")


def corpus() -> list[Article]:
    return [vaccine_article(i) for i in range(12)] + [other_article(i) for i in range(36)]


def fresh(articles: list[Article]) -> list[Article]:
    return [Article.from_json(a.to_json()) for a in articles]


@pytest.fixture(scope="module")
def words_index(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("words-index")
    with ArchiveWriter(folder) as writer:
        writer.add_many(fresh(corpus()))
    return folder


@pytest.fixture(scope="module")
def archive(words_index) -> Archive:
    return Archive(words_index)


def listed(archive: Archive, query: str, limit: int = 100) -> dict[str, words_module.Word]:
    return {w.word: w for w in archive.words(SearchRequest(query=query), limit).words}


# -- what is listed ------------------------------------------------------------------------------


def test_a_word_only_in_the_result_sets_articles_ranks_first(archive):
    found = archive.words(SearchRequest(query="vaccin"))
    assert found.total == 12 and found.archive_total == 48
    first = found.words[0]
    assert (first.word, first.count, first.archive_count) == ("laboratoire", 12, 12)
    assert all(w.score > 0 for w in found.words)
    assert [w.score for w in found.words] == sorted((w.score for w in found.words), reverse=True)


def test_a_word_equally_frequent_everywhere_is_absent(archive):
    words = listed(archive, "vaccin")
    assert "journée" not in words  # in half of the vaccine articles and half of the others
    assert "injection" in words and words["injection"].count == 6 and words["injection"].archive_count == 8


def test_stop_words_function_words_figures_and_the_querys_own_words_are_left_out(archive):
    words = listed(archive, "vaccin")
    stops = french_stop_words()
    assert not [w for w in words if w in stops]
    assert "plus" not in words  # in every vaccine article but a function word (FUNCTION_WORDS)
    assert "2021" not in words and not any(ch.isdigit() for w in words for ch in w)
    assert "vaccin" not in words  # the query's own word: in every article of the result set, trivially
    assert "seringue" not in words  # in 2 articles of the result set: fewer than MIN_ARTICLES


def test_words_of_the_result_sets_frequent_names_are_kept_and_marked(archive):
    words = listed(archive, "vaccin")
    assert words["bourla"].entity == "person" and words["bourla"].count == 5
    assert words["laboratoire"].entity is None


def test_the_readable_form_is_a_written_form_not_the_stem(archive):
    found = archive.words(SearchRequest(query="vaccin"))
    by_term = {w.term: w.word for w in found.words}
    assert by_term["laboratoir"] == "laboratoire"  # Snowball's stem, shown as the articles write it
    assert found.to_json()["words"][0] == {"word": "laboratoire", "term": "laboratoir", "count": 12, "archive_count": 12,
                                           "score": round(found.words[0].score, 2), "entity": None}


def test_everything_or_nothing_has_no_characteristic_words(archive):
    assert archive.words(SearchRequest(query="")).words == []  # the whole archive against itself
    nothing = archive.words(SearchRequest(query="introuvable"))
    assert (nothing.total, nothing.words) == (0, [])


def test_a_query_whoosh_answers_gives_words_too(archive):
    found = archive.words(SearchRequest(query="vacci*"))  # a wildcard: matched by Whoosh, not the numpy engine
    assert found.total == 12 and found.words[0].word == "laboratoire"


def test_the_limit_is_bounded(archive):
    assert len(archive.words(SearchRequest(query="vaccin"), 2).words) == 2
    for bad in (0, words_module.MAX_WORDS + 1):
        with pytest.raises(QueryError):
            archive.words(SearchRequest(query="vaccin"), bad)


# -- the score, computed again from the articles' texts --------------------------------------------


def reference_words(articles: list[Article], query_word: str, analyzer) -> list[tuple[str, int, int, float]]:
    """(term, count, archive count, G²) of the over-represented terms, from each article's title and text analysed
    again, in plain Python: the same rules, written independently of the numpy code."""
    terms = {a.id: {t.text for t in analyzer(f"{a.title}\n{a.text}")} for a in articles}
    (query_term,) = [t.text for t in analyzer(query_word)]
    result = {i for i, ts in terms.items() if query_term in ts}
    excluded = {query_term} | {t.text for w in words_module.FUNCTION_WORDS for t in analyzer(w)}
    total, n = len(articles), len(result)
    found = []
    for term in sorted(set().union(*terms.values())):
        a = sum(1 for i in result if term in terms[i])
        k = sum(1 for ts in terms.values() if term in ts)
        if a < 3 or a / n <= (k - a) / (total - n) or term in excluded or len(term) < 2 or any(c.isdigit() for c in term):
            continue
        cells = [(a, n * k / total), (n - a, n * (total - k) / total), (k - a, (total - n) * k / total),
                 (total - n - k + a, (total - n) * (total - k) / total)]
        found.append((term, a, k, 2 * sum(o * math.log(o / e) for o, e in cells if o > 0)))
    return sorted(found, key=lambda f: (-f[3], f[0]))


def test_the_score_is_dunnings_g2_on_article_counts(archive):
    expected = reference_words(corpus(), "vaccin", archive.schema["body"].analyzer)
    found = archive.words(SearchRequest(query="vaccin"), 100).words
    assert [(w.term, w.count, w.archive_count) for w in found] == [(t, a, k) for t, a, k, _ in expected]
    for w, (_, _, _, g2) in zip(found, expected, strict=True):
        assert w.score == pytest.approx(g2, rel=1e-9)
    assert len(found) >= 4  # not vacuous


def test_g2_of_a_known_table():
    # In 10 of the 20 articles of the result set and 10 of the archive's 100: the four cells (10, 10, 0, 80) expected
    # at (2, 18, 8, 72), and by hand 2 Σ O ln(O/E), an empty cell counting 0.
    expected = 2 * (10 * math.log(10 / 2) + 10 * math.log(10 / 18) + 0 + 80 * math.log(80 / 72))
    assert words_module.log_likelihood(np.array([10]), np.array([10]), 20, 100)[0] == pytest.approx(expected)


# -- an index written in pieces counts like one written at once -------------------------------------


def test_posting_lists_read_at_once_hold_what_whoosh_reads(tmp_path):
    # 300 articles: "commun" in all of them (three blocks of 128 postings, zlib'd), "rare" in few (one small block).
    articles = [Article(id=f"a{i:03d}", title=f"Titre {i}", text=f"Un mot commun. {'Un mot rare.' if i % 97 == 0 else ''} Numéro {i}.")
                for i in range(300)]
    with ArchiveWriter(tmp_path) as writer:
        writer.add_many(articles)
    with open_index(tmp_path).searcher() as searcher:
        (leaf, _), = searcher.reader().leaf_readers()
        read = dict(leaf_term_documents(leaf, "body"))
        assert read.keys() == {t for t in leaf.lexicon("body")}
        for btext, docs in read.items():
            assert docs.tolist() == list(leaf_postings(leaf, "body", btext)[0]), btext
        assert read[b"commun"].size == 300 and read[b"rar"].size == 4


def test_a_segmented_index_with_updates_and_deletions_gives_the_words_of_a_fresh_one(tmp_path):
    articles = corpus()
    segmented = tmp_path / "segmented"
    with ArchiveWriter(segmented, batch_size=7) as writer:
        writer.add_many(fresh(articles))
    changed = {a.id: dataclasses.replace(a, text=a.text + " Le laboratoire confirme une injection.")
               for a in articles if a.id in ("o03", "o04", "v07", "v08")}
    with ArchiveWriter(segmented, batch_size=7) as writer:  # same ids, new texts: the old copies are deleted
        writer.add_many(fresh(list(changed.values())))
        assert writer.summary.updated == 4
    deleted = ("o05", "o06", "v10")
    ix = open_index(segmented)
    w = ix.writer()
    for article_id in deleted:
        w.delete_by_term("id", article_id)
    w.commit(merge=False)
    final = [changed.get(a.id, a) for a in articles if a.id not in deleted]
    with ArchiveWriter(tmp_path / "fresh") as writer:
        writer.add_many(fresh(final))

    pieces, whole = Archive(segmented), Archive(tmp_path / "fresh")
    reader = pieces.searcher().reader()
    assert len(reader.leaf_readers()) > 3 and reader.has_deletions()
    for query in ("vaccin", "laboratoire", "journée", "match OR récolte", ""):
        request = SearchRequest(query=query)
        assert pieces.words(request).to_json() == whole.words(request).to_json(), query
    assert listed(pieces, "vaccin")["laboratoire"].archive_count == 13  # 11 vaccine articles and two changed others


def test_the_words_follow_a_new_commit_reading_only_the_new_segment(tmp_path, monkeypatch):
    articles = corpus()
    with ArchiveWriter(tmp_path) as writer:
        writer.add_many(fresh(articles[:30]))
    archive = Archive(tmp_path)
    before = listed(archive, "vaccin")
    read = []
    real = words_module.leaf_words
    monkeypatch.setattr(words_module, "leaf_words", lambda leaf, segments: read.append(leaf) or real(leaf, segments))
    with ArchiveWriter(tmp_path) as writer:
        writer.add_many(fresh(articles[30:]))
    after = archive.words(SearchRequest(query="vaccin"))
    assert len(read) == 1  # the new segment; the first one's pairs were kept
    assert after.archive_total == 48 and before["laboratoire"].archive_count == after.words[0].archive_count == 12
    assert after.to_json() == Archive(tmp_path).words(SearchRequest(query="vaccin")).to_json()


# -- API, command line, page -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(words_index):
    return create_app({"INDEX": str(words_index), "TESTING": True}).test_client()


def test_the_api_answers_the_words_as_json(client):
    response = client.get("/api/words?q=vaccin&limit=3")
    assert response.status_code == 200
    data = response.get_json()
    assert set(data) >= {"query", "total", "words"} and data["query"] == "vaccin" and data["total"] == 12
    assert len(data["words"]) == 3
    first = data["words"][0]
    assert set(first) >= {"word", "count", "archive_count", "score"}
    assert (first["word"], first["count"], first["archive_count"]) == ("laboratoire", 12, 12)
    assert client.get("/api/words?q=vaccin").get_json()["words"] == client.get("/api/words?q=vaccin&limit=30").get_json()["words"]


@pytest.mark.parametrize("query", ["limit=abc", "limit=0", "limit=101", "limit=-3", "limit=" + "9" * 5000, "sort=bogus", "from=2020-13"])
def test_the_api_answers_400_for_a_bad_parameter(client, query):
    response = client.get(f"/api/words?q=vaccin&{query}")
    assert response.status_code == 400
    assert response.get_json()["status"] == 400 and response.get_json()["error"]


def test_the_cli_prints_the_words_as_json_and_text(words_index):
    runner = CliRunner()
    result = runner.invoke(main, ["words", "--index", str(words_index), "vaccin", "--limit", "3", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["total"] == 12 and data["words"][0]["word"] == "laboratoire" and len(data["words"]) == 3
    text = runner.invoke(main, ["words", "--index", str(words_index), "vaccin", "--source", "nulle-part.fr"])
    assert text.exit_code == 0 and "0 articles of 48" in text.output
    text = runner.invoke(main, ["words", "--index", str(words_index), "vaccin"])
    assert text.exit_code == 0 and "laboratoire" in text.output and "(person's name)" in text.output
    assert runner.invoke(main, ["words", "--index", str(words_index), "vaccin", "--limit", "0"]).exit_code == 2
    assert runner.invoke(main, ["words", "--index", str(words_index), "vaccin", "--from", "2020-13"]).exit_code == 2


def test_the_search_page_has_the_panel_when_there_are_results(client):
    html = client.get("/?q=vaccin").get_data(as_text=True)
    assert "<h2 id=\"words-h\">Mots caractéristiques</h2>" in html
    assert 'data-url="/api/words?q=vaccin"' in html
    assert "Characteristic words" in client.get("/?q=vaccin&lang=en").get_data(as_text=True)
    assert "words-h" not in client.get("/?q=introuvable").get_data(as_text=True)


def test_the_panel_escapes_the_query(client):
    html = client.get("/?q=%3Cb%3Evaccin%3C%2Fb%3E%22").get_data(as_text=True)
    assert "<b>vaccin" not in html
    if "words-h" in html:
        assert 'data-url="/api/words?q=%3Cb%3Evaccin' in html


# -- in a browser: the panel is filled after the page, within the page's CSP --------------------------


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def served(words_index):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    with served_index(words_index) as base:
        yield base


@pytest.mark.browser
def test_the_browser_fills_the_panel_and_a_word_narrows_the_search(served):
    from playwright.sync_api import sync_playwright

    from .test_browser import CHROMIUM_ARGS

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page()
        errors: list[str] = []  # script errors and CSP refusals, and failed requests (the favicon aside)
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "Failed to load resource" not in m.text else None)
        page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 and "favicon" not in r.url else None)
        page.goto(served + "/?q=vaccin")
        first = page.locator("section.words ol.words-list li a").first
        first.wait_for(timeout=10_000)
        assert first.inner_text() == "laboratoire"
        assert "12" in (first.get_attribute("title") or "")
        assert page.locator("section.words li.named.person a", has_text="bourla").count() == 1
        first.click()
        page.wait_for_url("**q=vaccin+laboratoire**")
        assert "12 résultats" in page.content()
        assert errors == []
        browser.close()
