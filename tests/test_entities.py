"""Persons and countries of an article (index/entities.py): name cleaning, merging, and spaCy NER."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from newsarchive.index.article import Article
from newsarchive.index.entities import EntityExtractor, clean_person, merge_persons, not_person_names

SEED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "seed"


def norm(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold()


def merged(mentions: list[tuple[str, str]]) -> list[tuple[str, list[str]]]:
    return [(p.name, p.mentions) for p in merge_persons(mentions)]


# --- clean_person ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "span, name",
    [
        ("M. Lavrov", "Lavrov"),
        ("Mme Merkel", "Merkel"),
        ("le président Emmanuel Macron", "Emmanuel Macron"),
        ("la chancelière Angela Merkel", "Angela Merkel"),
        ("le premier ministre Justin Trudeau", "Justin Trudeau"),
        ("Dr House", "House"),
        ("Mgr Aupetit", "Aupetit"),
        ("selon M. Lavrov", "Lavrov"),
        ("de M. Lavrov", "Lavrov"),
    ],
)
def test_clean_person_strips_titles(span, name):
    assert clean_person(span) == name


@pytest.mark.parametrize("span", ["d'Emmanuel Macron", "d’Emmanuel Macron"])
def test_clean_person_strips_elided_article(span):
    assert clean_person(span) == "Emmanuel Macron"


@pytest.mark.parametrize("span, name", [("Vladimir Poutine,", "Vladimir Poutine"), ("« Poutine »", "Poutine"), ("Donald Trump's", "Donald Trump")])
def test_clean_person_strips_punctuation_and_english_possessive(span, name):
    assert clean_person(span) == name


@pytest.mark.parametrize(
    "span, name",
    [
        ("Sergueï Lavrov", "Sergueï Lavrov"),
        ("Charles de Gaulle", "Charles de Gaulle"),
        ("Jean-Yves Le Drian", "Jean-Yves Le Drian"),
        ("Ludwig van Beethoven", "Ludwig van Beethoven"),
        ("Marine Le Pen", "Marine Le Pen"),
        ("Kim Jong-un", "Kim Jong-un"),
    ],
)
def test_clean_person_keeps_full_names_with_particles(span, name):
    assert clean_person(span) == name


@pytest.mark.parametrize("span", ["n’", "qu'", "J", "J.", "M.", "Mme", "président", "ministre"])
def test_clean_person_rejects_fragments_and_bare_titles(span):
    assert clean_person(span) is None


@pytest.mark.parametrize("span", ["veuillez", "DC on Wednesday", "Photo by Jabin Botsford", "Benjamin Netanyahu during"])
def test_clean_person_rejects_lower_case_words_and_caption_spans(span):
    assert clean_person(span) is None


@pytest.mark.parametrize("span", ["FSB", "OTAN"])
def test_clean_person_rejects_acronyms(span):
    assert clean_person(span) is None


@pytest.mark.parametrize("span", ["Washington", "Moscou", "Russie"])
def test_clean_person_rejects_places(span):
    assert clean_person(span) is None


@pytest.mark.parametrize("span", ["Getty Images", "AFP", "Reuters", "Washington Post"])
def test_clean_person_rejects_agencies_and_media(span):
    assert clean_person(span) is None


@pytest.mark.parametrize("span", ["Jabin Botsford /\nGetty Images", "Donald Trump\nLe président"])
def test_clean_person_rejects_spans_across_lines(span):
    assert clean_person(span) is None


@pytest.mark.parametrize("span", ["@EmmanuelMacron", "Emmanuel Macron 2017"])
def test_clean_person_rejects_handles_and_numbers(span):
    assert clean_person(span) is None


@pytest.mark.parametrize("span", ["le secrétaire d'État Rex Tillerson", "le secrétaire d’État Rex Tillerson"])
def test_clean_person_strips_secretaire_d_etat(span):
    assert clean_person(span) == "Rex Tillerson"


def test_clean_person_keeps_the_particle_of_de_gaulle():
    assert clean_person("le général de Gaulle") == "de Gaulle"


def test_not_person_list_is_folded():
    names = not_person_names()
    assert {"getty images", "afp", "huffpost quebec"} <= names
    assert all(name == name.casefold() and name.isascii() for name in names)


# --- merge_persons -----------------------------------------------------------------------


def test_surname_mentions_merge_into_the_full_name():
    assert merged([("James Mattis", "James Mattis"), ("Mattis", "M. Mattis"), ("Mattis", "Mattis")]) == [
        ("James Mattis", ["James Mattis", "Mattis", "M. Mattis"]),
    ]


def test_title_mention_merges_into_the_full_name():
    assert merged([("Poutine", "le président Poutine"), ("Vladimir Poutine", "Vladimir Poutine")]) == [
        ("Vladimir Poutine", ["Vladimir Poutine", "Poutine", "le président Poutine"]),
    ]


def test_compound_surname_merges_into_the_full_name():
    assert merged([("Jean-Yves Le Drian", "Jean-Yves Le Drian"), ("Le Drian", "M. Le Drian")]) == [
        ("Jean-Yves Le Drian", ["Jean-Yves Le Drian", "Le Drian", "M. Le Drian"]),
    ]


def test_lone_first_name_beside_the_full_name_is_dropped():
    assert merged([("Donald Trump", "Donald Trump"), ("Donald", "Donald")]) == [("Donald Trump", ["Donald Trump"])]


def test_lone_first_name_alone_is_kept():
    assert merged([("Donald", "Donald")]) == [("Donald", ["Donald"])]


def test_different_people_stay_separate():
    assert [name for name, _ in merged([("Rex Tillerson", "Rex Tillerson"), ("Sergueï Lavrov", "Sergueï Lavrov")])] == ["Rex Tillerson", "Sergueï Lavrov"]


def test_shared_first_name_does_not_merge_people():
    found = merged([("Sergueï Lavrov", "Sergueï Lavrov"), ("Sergueï Choïgou", "Sergueï Choïgou"), ("Sergueï", "Sergueï")])
    assert sorted(name for name, _ in found) == ["Sergueï Choïgou", "Sergueï Lavrov"]


def test_case_and_accent_variants_are_one_person():
    forms = ["SERGUEÏ LAVROV", "Sergueï Lavrov", "Sergueï Lavrov", "Serguei Lavrov"]
    found = merged([(form, form) for form in forms])
    assert found == [("Sergueï Lavrov", ["SERGUEÏ LAVROV", "Sergueï Lavrov", "Serguei Lavrov"])]


def test_most_mentioned_person_comes_first():
    found = merged([("Rex Tillerson", "Rex Tillerson"), ("Sergueï Lavrov", "Sergueï Lavrov"), ("Lavrov", "M. Lavrov")])
    assert [name for name, _ in found] == ["Sergueï Lavrov", "Rex Tillerson"]


def test_no_mentions_no_persons():
    assert merge_persons([]) == []


# --- spaCy NER end to end ----------------------------------------------------------------


@pytest.fixture(scope="module")
def extractor():
    return EntityExtractor()


def annotated(extractor, text: str, title: str = "") -> Article:
    article = Article(id="t", title=title, text=text)
    extractor.annotate([article])
    return article


MERKEL = (
    "La chancelière allemande Angela Merkel a reçu jeudi le président français Emmanuel Macron à Berlin.\n\n"
    "Mme Merkel a salué « un partenaire fiable », tandis que M. Macron a plaidé pour une relance du couple franco-allemand."
)


def test_ner_finds_persons_and_merges_their_titles(extractor):
    article = annotated(extractor, MERKEL, title="Merkel reçoit Macron à Berlin")
    persons = {p.name: p.mentions for p in article.persons}
    assert set(persons) == {"Angela Merkel", "Emmanuel Macron"}
    assert "Mme Merkel" in persons["Angela Merkel"]


def test_ner_paragraph_countries(extractor):
    article = annotated(extractor, MERKEL)
    assert [c.code for c in article.countries] == ["DE", "FR"]


def test_demonym_alone_names_the_country(extractor):
    article = annotated(extractor, "La chancelière allemande a annoncé jeudi un plan de relance de 130 milliards d'euros.")
    assert article.persons == []
    assert [(c.code, c.mentions) for c in article.countries] == [("DE", ["allemande"])]


def test_ner_person_named_like_a_country_is_not_the_country(extractor):
    article = annotated(extractor, "Le journaliste a cité Anatole France et le Washington Post avant de rejoindre Ouest-France.")
    assert [p.name for p in article.persons] == ["Anatole France"]
    assert article.countries == []


def test_annotate_returns_the_articles_it_filled(extractor):
    articles = [Article(id="a", title="", text="Sergueï Lavrov a rencontré Rex Tillerson à Bonn."), Article(id="b", title="", text="Il pleut.")]
    result = extractor.annotate(articles)
    assert result == articles
    assert {p.name for p in articles[0].persons} == {"Sergueï Lavrov", "Rex Tillerson"}
    assert [c.code for c in articles[0].countries] == ["DE"]
    assert articles[1].persons == [] and articles[1].countries == []


@pytest.fixture(scope="module")
def seed(extractor):
    if not (SEED / "expected.json").is_file():
        pytest.skip("../shared/data is absent")
    from newsarchive.index.extract import extract
    from newsarchive.index.readers import read

    expected = json.loads((SEED / "expected.json").read_text("utf-8"))
    article = extract(next(iter(read(SEED / expected["file"]))))
    assert isinstance(article, Article), article
    extractor.annotate([article])
    return article, expected


def test_seed_has_every_required_person(seed):
    article, expected = seed
    names = {norm(p.name) for p in article.persons}
    assert [n for n in expected["persons_required"] if norm(n) not in names] == []


def test_seed_has_no_forbidden_person(seed):
    article, expected = seed
    names = {norm(p.name) for p in article.persons}
    assert [n for n in expected["persons_forbidden"] if norm(n) in names] == []


def test_seed_has_every_required_country(seed):
    article, expected = seed
    found = {c.code for c in article.countries}
    assert [c for c in expected["countries_required"] if c not in found] == []


def test_seed_has_no_forbidden_country(seed):
    article, expected = seed
    found = {c.code for c in article.countries}
    assert [c for c in expected["countries_forbidden"] if c in found] == []


def test_seed_has_only_expected_countries(seed):
    article, expected = seed
    allowed = set(expected["countries_required"]) | set(expected.get("countries_allowed", []))
    assert {c.code for c in article.countries} <= allowed
