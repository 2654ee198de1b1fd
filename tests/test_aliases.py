"""The alias file: merges and splits a user writes to correct the person facet."""

from __future__ import annotations

import pytest

from newsarchive.index.aliases import AliasError, Aliases
from newsarchive.index.article import Person


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
    from newsarchive.index.entities import resolve_surnames

    counts = {"marine le pen": 40, "le pen": 5}
    assert resolve_surnames(counts) == {"le pen": "marine le pen"}
    assert resolve_surnames(counts, forbids=Aliases.parse("Marine Le Pen != Le Pen").forbids) == {}
