"""Person, organisation and country quality (bench/eval_entities.py): its scoring rules, the hand-labelled fixture, and floors."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from newsarchive.index.entities.countries import country_labels

ROOT = Path(__file__).resolve().parents[1]
HAND_GOLD = ROOT / "tests" / "data" / "countries_gold.jsonl"


def _load_bench():
    spec = importlib.util.spec_from_file_location("eval_entities", ROOT / "bench" / "eval_entities.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


ev = _load_bench()


def doc_with(*persons: str) -> dict:
    return {"entities": [{"type": "Person", "text": p} for p in persons]}


# --- the scoring conventions of ../shared/README.md ---------------------------------------


def test_gold_persons_merge_shorter_mentions_into_the_longer_name():
    assert ev.gold_persons(doc_with("James Mattis", "Mattis", "Rex Tillerson")) == [{"james mattis", "mattis"}, {"rex tillerson"}]


def test_a_predicted_name_is_right_when_it_folds_to_a_mention():
    gold = ev.gold_persons(doc_with("Sergueï Lavrov", "Lavrov"))
    assert ev.person_counts(["SERGUEI LAVROV"], gold) == (1, 0, 0)
    assert ev.person_counts(["Lavrov"], gold) == (1, 0, 0)


def test_a_person_split_in_two_values_costs_precision():
    gold = ev.gold_persons(doc_with("Vladimir Poutine", "Poutine"))
    assert ev.person_counts(["Vladimir Poutine", "Poutine"], gold) == (1, 1, 0)


def test_a_missed_person_costs_recall_and_a_wrong_one_precision():
    gold = ev.gold_persons(doc_with("Rex Tillerson"))
    assert ev.person_counts(["Getty Images"], gold) == (0, 1, 1)


def test_gold_countries_come_from_location_spans_that_name_a_country():
    doc = {"entities": [{"type": "Location", "text": t} for t in ("la France", "États-Unis", "Moscou", "Bretagne")]}
    assert ev.gold_countries(doc) == {"FR", "US"}


def test_the_baseline_maps_only_loc_spans_that_are_country_names():
    spans = [(0, 6, "LOC", "Russie"), (10, 16, "LOC", "Moscou"), (20, 32, "PER", "M. Lavrov"), (40, 46, "ORG", "France")]
    prediction = ev.baseline_prediction(spans)
    assert prediction.persons == ["M. Lavrov"]
    assert prediction.countries == {"RU"}


def test_gold_organisations_merge_shorter_mentions_into_the_longer_name():
    doc = {"entities": [{"type": "Organization", "text": t} for t in ("Commission européenne", "Commission", "OTAN")]}
    assert ev.gold_organisations(doc) == [{"commission europeenne", "commission"}, {"otan"}]


def test_an_organisation_is_right_when_its_name_or_a_mention_is_a_gold_mention():
    gold = [{"interieur"}]
    assert ev.organisation_counts([["ministère de l'Intérieur", "Intérieur"]], gold) == (1, 0, 0, 1)
    assert ev.organisation_counts([["Sénat"]], gold) == (0, 1, 1, 0)


def test_an_acronym_merged_with_its_long_form_is_one_prediction_finding_both_gold_organisations():
    gold = [{"organisation du traite de l atlantique nord"}, {"otan"}]
    counts = ev.Counts()
    counts.add(*ev.organisation_counts([["Organisation du traité de l'Atlantique nord", "OTAN"]], gold))
    assert (counts.precision, counts.recall) == (1.0, 1.0)


def test_a_gold_organisation_is_matched_once_and_raw_repeats_are_one_prediction():
    gold = [{"cgt"}]
    assert ev.organisation_counts([["CGT"], ["CGT"], ["la CGT", "CGT"]], gold) == (1, 1, 0, 1)


def test_gold_gaps_count_articles_where_a_name_tagged_elsewhere_is_not_tagged():
    tagged = {"text": "La CGT appelle.", "entities": [{"type": "Organization", "start": 3, "end": 6, "text": "CGT"}]}
    untagged = {"text": "Selon la CGT, non.", "entities": []}
    inside = {"text": "La CGT-FO signe.", "entities": []}  # "CGT-FO" is another word
    assert ev.gold_organisation_gaps([tagged, untagged, inside]) == (2, 1)


def test_the_halves_of_winer_dev_alternate_by_article_index():
    assert [ev.half(i) for i in range(4)] == ["even", "odd", "even", "odd"]


def test_counts_give_precision_recall_and_f1():
    counts = ev.Counts(tp=8, fp=2, fn=8)
    assert (counts.precision, counts.recall) == (0.8, 0.5)
    assert counts.f1 == pytest.approx(2 * 0.8 * 0.5 / 1.3)


# --- the hand-labelled countries fixture ---------------------------------------------------


def hand_rows() -> list[dict]:
    return [json.loads(line) for line in HAND_GOLD.read_text("utf-8").splitlines() if line.strip()]


def test_the_hand_labelled_fixture_has_at_least_40_articles_of_each_split():
    rows = hand_rows()
    assert len({r["id"] for r in rows}) == len(rows)
    for split in ("dev", "heldout"):
        assert len([r for r in rows if r["split"] == split]) >= 40


def test_the_hand_labels_are_known_country_codes_with_a_note():
    labels = country_labels()
    assert [(r["id"], c) for r in hand_rows() for c in r["countries"] if c not in labels] == []
    assert all(r["note"].strip() for r in hand_rows())


@pytest.fixture(scope="module")
def winer() -> list[dict]:
    if not ev.WINER.is_file():
        pytest.skip(f"{ev.WINER} is absent (the evaluation data lives beside the project in CI)")
    return ev.load_jsonl(ev.WINER)


def test_the_hand_labelled_articles_are_winer_dev_articles(winer):
    ids = {d["id"] for d in winer}
    assert [r["id"] for r in hand_rows() if r["id"] not in ids] == []


# --- floors: a little under what bench/eval_entities.py measures ---------------------------


@pytest.fixture(scope="module")
def project(winer):
    return ev.evaluate(winer, ev.load_hand_gold(HAND_GOLD), with_baseline=False)["project"]


@pytest.mark.slow
def test_person_facet_f1_on_winer_dev(project):
    persons = project.persons["all"]
    assert persons.f1 >= 0.905  # measured 0.913
    assert persons.precision >= 0.925  # 0.936
    assert persons.recall >= 0.88  # 0.890


@pytest.mark.slow
@pytest.mark.parametrize("part, f1", [("all", 0.68), ("even", 0.70), ("odd", 0.655)])
def test_organisation_f1_on_winer_dev(project, part, f1):
    # measured 0.693 on all, 0.718 on the even half the rules were written on, 0.669 on the odd half
    organisations = project.organisations[part]
    assert organisations.f1 >= f1
    assert organisations.precision >= f1


@pytest.mark.slow
def test_country_recall_on_winer_country_names(project):
    assert project.winer_countries.recall >= 0.975


@pytest.mark.slow
@pytest.mark.parametrize("split, precision, recall", [("dev", 0.97, 0.97), ("heldout", 0.95, 0.95)])
def test_country_precision_and_recall_on_hand_labelled_articles(project, split, precision, recall):
    countries = project.hand[split]
    assert countries.precision >= precision
    assert countries.recall >= recall
