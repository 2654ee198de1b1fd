"""Snippet matches found from probes of the query terms are exactly those found by analysing every word."""

from __future__ import annotations

import gzip
import itertools
import json
import random

import pytest

from newsarchive.index.analysis import ExactFormAnalyzer, FrenchAnalyzer
from newsarchive.search import snippets

from .conftest import SAMPLES, SHARED, need_shared

ANALYZERS = {"snowball": FrenchAnalyzer("snowball"), "light": FrenchAnalyzer("light"), "exact": ExactFormAnalyzer()}


def sample_texts() -> list[str]:
    rows = [json.loads(line) for line in (SAMPLES / "wikinews-fr-2016-2018.jsonl").read_text("utf-8").splitlines() if line.strip()]
    return [row["text"] for row in rows] + [(SAMPLES / "huffpost-quebec-2017-pas-de-cooperation-militaire.txt").read_text("utf-8")]


def query_terms(text: str, analyzer, rng: random.Random) -> list[set[str]]:
    """Term sets a user could have typed: words of the text, analysed, one to three at a time."""
    terms = sorted({t.text for t in analyzer(text)})
    return [set(rng.sample(terms, min(len(terms), k))) for k in (1, 1, 2, 3)] if terms else []


def assert_same_matches(texts: list[str]) -> int:
    rng = random.Random(7)
    probed = 0
    for name, analyzer in ANALYZERS.items():
        for text in texts:
            for terms in query_terms(text, analyzer, rng):
                if snippets._probe_chunks(text, terms, snippets.stemmer_of(analyzer)) is not None:
                    probed += 1
                assert snippets._matches(text, terms, analyzer) == analyzer.find(text, terms), (name, terms, text[:80])
    return probed


def test_probed_matches_equal_the_full_analysis_on_the_sample_archive():
    probed = assert_same_matches(sample_texts())
    assert probed > 1000  # the fast path is the one taken, not the fallback


def test_probed_matches_equal_the_full_analysis_on_real_news():
    path = need_shared(SHARED / "corpus" / "gilets-jaunes.jsonl.gz")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        texts = [json.loads(line).get("text") or "" for line in itertools.islice(fh, 400)]
    assert assert_same_matches([t for t in texts if t]) > 1000


@pytest.mark.parametrize("text, terms, expected", [
    ("Le foyer brûle.", {"foi"}, ["foyer"]),  # Snowball writes y as i
    ("Il l'a annoncé hier.", {"anonc"}, ["annoncé"]),  # the light stemmer drops doubled letters
    ("« Cœur » et coeur", {"coeur"}, ["Cœur", "coeur"]),  # a ligature: the whole text is analysed
    ("Rien à voir.", {"econom"}, []),
])
def test_words_that_change_at_the_start_are_still_found(text, terms, expected):
    analyzer = ANALYZERS["light"] if "anonc" in terms else ANALYZERS["snowball"]
    assert [text[s:e] for s, e, _ in snippets._matches(text, terms, analyzer)] == expected


def test_every_word_of_real_news_is_found_by_the_probe_of_each_of_its_terms():
    path = need_shared(SHARED / "corpus" / "orangesum.jsonl.gz")
    tokenizer = ANALYZERS["snowball"].items[0].expression
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        words = {w for line in itertools.islice(fh, 250) for w in tokenizer.findall(json.loads(line).get("article") or "")}
    assert len(words) > 8_000
    for name, analyzer in ANALYZERS.items():
        stemmer = snippets.stemmer_of(analyzer)
        missed = [(word, token.text) for word in words for token in analyzer(word)
                  if snippets._probe_chunks(word, {token.text}, stemmer) == []]
        assert not missed, (name, missed[:10])
