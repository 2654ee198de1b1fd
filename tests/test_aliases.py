"""The alias file: merges and splits a user writes to correct the person facet."""

from __future__ import annotations

import pytest

from newsarchive.index.article import Person
from newsarchive.index.entities.aliases import AliasError, Aliases, resolve_misspellings, resolve_person_keys, resolve_surnames


def test_merge_rule_renames_and_combines_persons():
    aliases = Aliases.parse("Vladimir Poutine = Vladimir Putin\n")
    persons = [Person("Vladimir Putin", ["Vladimir Putin", "Putin"]), Person("Vladimir Poutine", ["Poutine"])]
    merged = aliases.apply(persons)
    assert [p.name for p in merged] == ["Vladimir Poutine"]
    assert set(merged[0].mentions) == {"Vladimir Putin", "Putin", "Vladimir Poutine", "Poutine"}


def test_rules_match_whatever_the_case_and_accents():
    aliases = Aliases.parse("Sergueï Lavrov = SERGEI LAVROV")
    assert [p.name for p in aliases.apply([Person("Sergei Lavrov", ["Lavrov"])])] == ["Sergueï Lavrov"]


def test_split_rule_is_read_as_short_then_long_key():
    aliases = Aliases.parse("Marine Le Pen != Le Pen  # the father is also in the archive")
    assert aliases.forbids("le pen", "marine le pen")
    assert not aliases.forbids("marine le pen", "le pen")


def test_comments_and_blank_lines_are_ignored():
    assert Aliases.parse("# only a comment\n\n   \n").merges == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [("Vladimir Poutine", "expected 'Name = Other Name'"), ("= Putin", "a merge needs a name"), ("A != ", "a split needs a name"),
     ("Lavrov = LAVROV", "same person")],
)
def test_bad_lines_are_errors_that_name_the_line(text, message):
    with pytest.raises(AliasError, match=message) as err:
        Aliases.parse("# header\n" + text, "aliases.txt")
    assert "aliases.txt:2:" in str(err.value)


def test_missing_file_means_no_rules(tmp_path):
    assert Aliases.load(tmp_path) == Aliases()


def test_split_rule_stops_the_within_article_merge():
    from newsarchive.index.entities import merge_persons

    mentions = [("Marine Le Pen", "Marine Le Pen"), ("Le Pen", "M. Le Pen")]
    assert [p.name for p in merge_persons(mentions)] == ["Marine Le Pen"]
    aliases = Aliases.parse("Marine Le Pen != Le Pen")
    assert sorted(p.name for p in merge_persons(mentions, forbids=aliases.forbids)) == ["Le Pen", "Marine Le Pen"]


def test_split_rule_stops_the_archive_level_surname_resolution():
    counts = {"marine le pen": 40, "le pen": 5}
    assert resolve_surnames(counts) == {"le pen": "marine le pen"}
    assert resolve_surnames(counts, forbids=Aliases.parse("Marine Le Pen != Le Pen").forbids) == {}


# --- resolve_surnames: one facet value per person across the archive ----------------------


def test_a_surname_resolves_to_the_only_full_name_with_it():
    assert resolve_surnames({"lavrov": 3, "serguei lavrov": 10}) == {"lavrov": "serguei lavrov"}


def test_a_surname_resolves_to_a_dominant_full_name():
    assert resolve_surnames({"macron": 30, "emmanuel macron": 100, "brigitte macron": 5}) == {"macron": "emmanuel macron"}


def test_a_surname_resolves_to_the_leading_person_beside_a_frequent_second_bearer():
    # 1,606 against 600 articles: "Brigitte Macron" is frequent, but "Emmanuel Macron" has a clear majority
    counts = {"macron": 220, "emmanuel macron": 1606, "brigitte macron": 600}
    assert resolve_surnames(counts) == {"macron": "emmanuel macron"}


def test_a_full_name_with_a_word_glued_before_it_counts_for_that_person():
    # "x emmanuel macron" is a variant of "emmanuel macron", not a rival full name, and does not knock it out
    counts = {"macron": 220, "emmanuel macron": 1606, "irresponsable emmanuel macron": 40, "brigitte macron": 26}
    assert resolve_surnames(counts) == {"macron": "emmanuel macron"}


def test_a_compound_surname_is_no_rival_full_name():
    assert resolve_surnames({"pen": 2, "le pen": 10, "marine le pen": 30})["pen"] == "marine le pen"


def test_a_surname_shared_without_a_dominant_full_name_stays_alone():
    assert resolve_surnames({"trump": 30, "donald trump": 100, "ivanka trump": 50}) == {}


def test_a_compound_surname_and_its_last_word_resolve_to_the_full_name():
    found = resolve_surnames({"pen": 1, "le pen": 10, "marine le pen": 30, "jean marie le pen": 5})
    assert found == {"pen": "marine le pen", "le pen": "marine le pen"}


def test_a_first_name_does_not_resolve_to_a_full_name():
    assert resolve_surnames({"donald": 3, "donald trump": 10}) == {}


def test_a_short_name_that_starts_one_full_name_resolves_to_it():
    assert resolve_surnames({"dieudonne": 8, "dieudonne m bala m bala": 8}) == {"dieudonne": "dieudonne m bala m bala"}


def test_a_short_name_starting_a_rarer_full_name_or_two_full_names_stays_alone():
    assert resolve_surnames({"bella": 6, "bella hadid": 1}) == {}
    assert resolve_surnames({"renaud": 3, "renaud muselier": 10, "renaud dely": 4}) == {}


def test_a_lone_surname_without_full_name_stays_alone():
    assert resolve_surnames({"poutine": 4}) == {}


# --- resolve_misspellings: one facet value for a name spelled two ways across the archive ----


def test_a_rare_misspelt_surname_joins_the_frequent_spelling():
    assert resolve_misspellings({"benjamin grivaux": 3, "benjamin griveaux": 40}) == {"benjamin grivaux": "benjamin griveaux"}


def test_a_misspelt_first_name_joins_the_frequent_spelling():
    assert resolve_misspellings({"priscilla ludosky": 4, "priscillia ludosky": 30}) == {"priscilla ludosky": "priscillia ludosky"}


def test_swapped_neighbours_are_one_edit():
    assert resolve_misspellings({"alain finkielkraut": 20, "alain finkeilkraut": 2}) == {"alain finkeilkraut": "alain finkielkraut"}


def test_two_frequent_close_names_stay_apart():
    assert resolve_misspellings({"jean dupont": 10, "jean dupond": 4}) == {}


def test_short_words_two_edits_or_two_different_words_are_not_misspellings():
    assert resolve_misspellings({"marine le pen": 50, "marine le pan": 1}) == {}  # "pen": too short to tell
    assert resolve_misspellings({"benjamin griveaux": 50, "benjamin grivaud": 1}) == {}  # two edits
    assert resolve_misspellings({"benjamin griveaux": 50, "benjamine grivaux": 1}) == {}  # two words differ


def test_a_different_first_letter_is_another_name():
    assert resolve_misspellings({"francois fillon": 40, "francois villon": 1}) == {}
    assert resolve_misspellings({"yannick jadot": 20, "annick jadot": 1}) == {}


def test_a_surname_alone_is_no_full_name_to_correct():
    assert resolve_misspellings({"griveaux": 1, "grivaux": 40}) == {}


def test_a_name_close_to_two_frequent_ones_joins_neither():
    assert resolve_misspellings({"marie martin": 1, "marie martins": 20, "marie marton": 20}) == {}


def test_chains_end_at_the_most_frequent_spelling():
    assert resolve_misspellings({"anne hidalgo": 100, "anne hidalga": 10, "anne hidalgaa": 1}) == {
        "anne hidalga": "anne hidalgo", "anne hidalgaa": "anne hidalgo"}


def test_split_rule_stops_a_misspelling_merge():
    counts = {"benjamin grivaux": 3, "benjamin griveaux": 40}
    assert resolve_misspellings(counts, forbids=Aliases.parse("Benjamin Griveaux != Benjamin Grivaux").forbids) == {}


def test_person_keys_merge_a_misspelling_then_resolve_the_surname_to_the_merged_person():
    counts = {"benjamin griveaux": 40, "benjamin grivaux": 6, "griveaux": 9, "emmanuel macron": 100, "macron": 30}
    merges = resolve_person_keys(counts)
    assert merges == {"benjamin grivaux": "benjamin griveaux", "griveaux": "benjamin griveaux", "macron": "emmanuel macron"}


def test_person_keys_leave_two_frequent_close_names_apart():
    assert resolve_person_keys({"jean dupont": 10, "jean dupond": 4}) == {}


# --- organisations: the archive-level merges, listed and corrected ----------------------------------


def _organisation_index(folder):
    """An index of six articles naming one party and one channel several ways (no spaCy: the organisations are given)."""
    from newsarchive.index.article import Article, Organisation
    from newsarchive.index.store.writer import ArchiveWriter

    named = [["LREM", "BFMTV"], ["LaREM", "BFM TV"], ["La République en marche"], ["LREM", "Assemblée nationale"],
             ["Assemblée nationale"], ["Assemblée", "Front national"]]
    articles = [Article(id=f"a{i}", title=f"Article {i}", text=" ".join(names) + f" ont parlé, jour {i}.",
                        organisations=[Organisation(n, [n]) for n in names]) for i, names in enumerate(named)]
    with ArchiveWriter(folder) as writer:
        writer.add_many(articles)


def test_organisation_values_are_one_per_body_and_aliases_lists_why(tmp_path):
    import json

    from click.testing import CliRunner

    from newsarchive.cli import main
    from newsarchive.search.archive import Archive
    from newsarchive.search.request import SearchRequest

    folder = tmp_path / "ix"
    _organisation_index(folder)
    facets = {f["value"]: f["count"] for f in Archive(folder).search(SearchRequest()).facets["organisation"]}
    assert facets["LREM"] == 4 and facets["BFMTV"] == 2 and facets["Assemblée nationale"] == 3
    assert not {"LaREM", "La République en marche", "BFM TV", "Assemblée"} & set(facets)
    listed = CliRunner().invoke(main, ["aliases", "--index", str(folder), "--json"])
    assert listed.exit_code == 0, listed.output
    lrem = next(o for o in json.loads(listed.stdout)["organisations"] if o["name"] == "LREM")
    assert {"name": "LaREM", "count": 1, "why": "known names"} in lrem["merged"]
    text = CliRunner().invoke(main, ["aliases", "--index", str(folder)]).stdout
    assert "Organisations:" in text and "LaREM (1, known names)" in text


def test_the_alias_file_splits_and_forces_organisation_merges_without_reindexing(tmp_path):
    from newsarchive.search.archive import Archive
    from newsarchive.search.request import SearchRequest

    folder = tmp_path / "ix"
    _organisation_index(folder)
    (folder / "aliases.txt").write_text("Assemblée nationale != Assemblée\nBFMTV != BFM TV\nAssemblée nationale = Front national\n", "utf-8")
    facets = {f["value"]: f["count"] for f in Archive(folder).search(SearchRequest()).facets["organisation"]}
    assert facets["Assemblée"] == 1 and facets["BFM TV"] == 1 and facets["BFMTV"] == 1
    assert facets["Assemblée nationale"] == 3 and "Front national" not in facets  # forced: counted as the Assemblée (a test, not advice)
