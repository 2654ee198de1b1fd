"""The search parameters, declared once: the request, the URL parser, the page's links and the CLI options agree."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from werkzeug.datastructures import MultiDict

from newsarchive.cli import main
from newsarchive.search.request import DEFAULTS, PARAMS, QueryError, SearchRequest
from newsarchive.web.state import STATE_KEYS, request_from_args

FULL = SearchRequest(query="coopération", persons=["Sergueï Lavrov"], countries=["RU", "Allemagne"], date_from=dt.date(2017, 1, 1),
                     date_to=dt.date(2017, 6, 30), sort="newest", page=2, limit=20, facet_limit=30, within="quotes",
                     quote_by=["Sergueï Lavrov"], all_versions=True, group="u0123456789abcdef012", count="groups")


def test_every_field_of_the_request_is_declared_once():
    assert [p.name for p in PARAMS] == list(SearchRequest.__dataclass_fields__)
    assert len({p.key for p in PARAMS}) == len(PARAMS)
    assert len({p.cli_flag for p in PARAMS}) == len(PARAMS)


def test_a_request_survives_its_url_strings():
    values = FULL.to_values()
    assert ("versions", "all") in values and ("from", "2017-01-01") in values and ("country", "Allemagne") in values
    assert request_from_args(MultiDict(values)) == FULL.validate()


def test_defaults_give_no_url_strings():
    assert SearchRequest().to_values() == []
    assert SearchRequest.from_values(lambda key: []) == SearchRequest(**DEFAULTS)


def test_the_page_keeps_every_search_parameter_in_its_links():
    assert {p.key for p in PARAMS} <= set(STATE_KEYS)


def test_a_period_bound_reads_as_its_first_or_last_day():
    request = request_from_args(MultiDict([("from", "2017-02"), ("to", "2017-02")]))
    assert (request.date_from, request.date_to) == (dt.date(2017, 2, 1), dt.date(2017, 2, 28))


@pytest.mark.parametrize(("values", "message"), [
    ([("page", "deux")], "page must be a whole number"),
    ([("limit", "101")], "limit must be between 1 and 100"),
    ([("sort", "hasard")], "unknown sort 'hasard'"),
    ([("within", "titres")], "unknown within 'titres'"),
    ([("person", "x" * 201)], "too long"),
    ([("person", "Lavrov")] * 21, "too many filters"),
    ([("group", "g1")], "is not a group id"),
])
def test_bad_values_say_what_is_wrong(values, message):
    with pytest.raises(QueryError, match=message):
        request_from_args(MultiDict(values))


def test_the_cli_reads_its_options_like_the_url(mini_index):
    args = ["search", "--index", str(mini_index), "--json", "--sort", "newest", "--limit", "2", "--country", "DE", "--all-versions", "coopération"]
    cli = CliRunner().invoke(main, args)
    assert cli.exit_code == 0, cli.output
    assert '"sort": "newest"' in cli.stdout and '"limit": 2' in cli.stdout
    bad = CliRunner().invoke(main, ["search", "--index", str(mini_index), "--limit", "0", "x"])
    assert bad.exit_code == 2 and "limit must be between 1 and 100" in bad.stderr
