"""Floors under the extraction figures of bench/eval_extraction.py (a regression fails CI).

The floors were set from a measured run on the same fixed subset: every 10th page of
orangesum-dev (102 pages, by file name) and all 41 pages of dates-fr. The whole set's
figures are in the README ("Extraction quality").
"""

from __future__ import annotations

import importlib.util
import sys

import pytest

from .conftest import ROOT, need_shared

BENCH = ROOT / "bench" / "eval_extraction.py"

# Measured on the subset (project vs plain trafilatura, same run):
#   body P 0.9972 vs 0.9647, R 0.9968 vs 0.9972, F1 0.9969 vs 0.9806; title 0.9706 (both);
#   date 0.9268 vs htmldate 0.8293.
FLOORS = {
    "project_p": 0.995,
    "project_r": 0.995,
    "project_f1": 0.995,
    "f1_ratio": 1.01,
    "project_title": 0.97,  # 99 of 102: the 3 misses are gold titles carrying the site's <title> suffix
    "project_date": 0.92,  # 38 of 41
}


def load_bench():
    spec = importlib.util.spec_from_file_location("eval_extraction", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules["eval_extraction"] = module  # worker processes unpickle results by module name
    spec.loader.exec_module(module)
    return module


ev = load_bench()


@pytest.fixture(scope="module")
def figures() -> dict[str, float]:
    data = need_shared(ev.DATA)
    need_shared(data / ev.PAGES / "gold.jsonl")
    need_shared(data / ev.DATES / "gold_dates_fr.json")
    pages = ev.evaluate_pages(data / ev.PAGES, ev.load_gold(data / ev.PAGES, every=10), workers=2)
    dates = ev.evaluate_dates(data / ev.DATES, workers=2)
    return ev.summarize(pages, dates)


# --- the scoring itself ---------------------------------------------------------------------


def test_bag_counts_lower_cased_word_tokens_with_multiplicity():
    assert ev.bag("L'été, l'ÉTÉ !") == {"l": 2, "été": 2}


def test_prf_is_a_multiset_overlap():
    assert ev.prf("le chat le chat", "le chat") == (0.5, 1.0, pytest.approx(2 / 3))
    assert ev.prf("", "le chat") == (0.0, 0.0, 0.0)


def test_gold_body_is_heading_then_article():
    assert ev.gold_body({"heading": "Chapô.", "article": "Corps."}) == "Chapô.\nCorps."
    assert ev.gold_body({"heading": None, "article": "Corps."}) == "Corps."


def test_title_match_normalises_whitespace_only():
    assert ev.same_title("  Un  titre\n", "Un titre")
    assert not ev.same_title("Un Titre", "Un titre")
    assert not ev.same_title("Un titre", "Un titre : actualité automobile, infos, scoop")


# --- the floors -------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("name, floor", FLOORS.items(), ids=list(FLOORS))
def test_figure_stays_above_its_floor(figures, name, floor):
    assert figures[name] >= floor, f"{name} = {figures[name]:.4f} < {floor}"


@pytest.mark.slow
def test_body_beats_plain_trafilatura_side_by_side(figures):
    assert figures["project_f1"] >= figures["trafilatura_f1"]
    assert figures["project_p"] > figures["trafilatura_p"]  # the furniture rules remove furniture


@pytest.mark.slow
def test_date_is_at_least_htmldate_alone(figures):
    assert figures["project_date"] >= figures["htmldate_date"]
