"""Pathological searches through the JSON API, the search page and the CLI: an answer or a message, never a crash.

README: "Malformed or oversized queries get a message (exit code 2 on the command line,
HTTP 400 on the web), never a traceback."
"""

from __future__ import annotations

import json
import re
import time

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from newsarchive.cli import main
from newsarchive.search.request import MAX_FILTER_VALUES, PARAMS
from newsarchive.web import create_app

MAX_SECONDS = 5.0

def case(name: str, params: dict, bug: str | None = None):
    """One pathological request; `bug` marks a known crash as a strict xfail."""
    return pytest.param(params, id=name, marks=[pytest.mark.xfail(reason=bug, strict=True)] if bug else [])


# (id, URL parameters). The CLI gets the same through its options where it has them.
CASES = [
    case("unbalanced-quote-open", {"q": '"coopération militaire'}),
    case("unbalanced-quote-close", {"q": 'Lavrov"'}),
    case("lone-quote", {"q": '"'}),
    case("hundred-quotes", {"q": '"' * 100}),
    case("unbalanced-paren-open", {"q": "((Russie"}),
    case("unbalanced-paren-close", {"q": "Russie))"}),
    case("reversed-parens", {"q": ")("}),
    case("empty-parens", {"q": "()"}),
    case("star-alone", {"q": "*"}),
    case("question-mark-alone", {"q": "?"}),
    case("double-star", {"q": "**"}),
    case("leading-wildcard", {"q": "*ussie*"}),
    case("one-letter-prefix", {"q": "a*"}),
    case("wildcard-on-a-field", {"q": "title:*"}),
    case("10000-characters", {"q": "a" * 10_000}),
    case("1000-words", {"q": " ".join(["coopération"] * 1000)}),
    case("333-words-under-the-length-limit", {"q": " ".join(["ab"] * 333)}),
    case("300-word-phrase", {"q": '"' + "x " * 300 + '"'}),
    case("500-nested-parens", {"q": "(" * 500 + "Russie" + ")" * 500}),
    case("490-nested-parens-under-the-length-limit", {"q": "(" * 490 + "Russie" + ")" * 490}),
    case("900-closing-parens", {"q": ")" * 900}),
    case("300-opening-parens", {"q": "(" * 300 + "x"}),
    case("not-alone", {"q": "NOT"}),
    case("not-not", {"q": "NOT NOT"}),
    case("not-not-not", {"q": "NOT NOT NOT"}),
    case("not-not-not-word", {"q": "NOT NOT NOT Russie"}),
    case("sauf-sauf-sauf", {"q": "SAUF SAUF SAUF"}),
    case("word-not-not-word", {"q": "Lavrov NOT NOT Poutine"}),
    case("not-or-word", {"q": "NOT OR Russie"}),
    case("word-sauf-et-word", {"q": "Lavrov SAUF ET Poutine"}),
    case("not-paren-not", {"q": "NOT ( NOT Lavrov"}),
    case("andmaybe-andmaybe", {"q": "Lavrov ANDMAYBE ANDMAYBE Poutine"}),
    case("or-not", {"q": "Russie OR NOT Lavrov"}),
    case("and-not", {"q": "Russie AND NOT Lavrov"}),
    case("not-group", {"q": "NOT (Lavrov OR Trudeau)"}),
    case("trailing-not", {"q": "Russie NOT"}),
    case("operators-only", {"q": "AND OR NOT"}),
    case("trailing-or", {"q": "Russie OR"}),
    case("andmaybe-alone", {"q": "ANDMAYBE"}),
    case("unknown-field", {"q": "foo:bar"}),
    case("field-with-nothing", {"q": "title:"}),
    case("field-with-empty-phrase", {"q": 'title:""'}),
    case("colon-alone", {"q": ":"}),
    case("person-field-empty", {"q": "person:"}),
    case("field-of-a-field", {"q": "title:title:x"}),
    case("id-field", {"q": "id:x"}),
    case("stored-only-field", {"q": "article:x"}),
    case("column-only-field", {"q": "day_newest:1"}),
    case("control-characters", {"q": "".join(chr(i) for i in range(32))}),
    case("nul-around-a-word", {"q": "\x00Lavrov\x00"}),
    case("delete-character", {"q": "\x7f"}),
    case("arabic-rtl", {"q": "مرحبا بالعالم"}),
    case("rtl-override", {"q": "\u202eRussie\u202c"}),
    case("emoji", {"q": "🇷🇺 🎉 Poutine 👍"}),
    case("combining-marks", {"q": "Z̷̢̛a̵l̸g̵o̸"}),
    case("zero-width", {"q": "\u200b\ufeff"}),
    case("date-range-unclosed", {"q": "date:[2017 to"}),
    case("date-five-digits", {"q": "date:99999"}),
    case("date-range-reversed", {"q": "date:[2017 to 2016]"}),
    case("date-range-of-words", {"q": "date:[a to b]"}),
    case("date-impossible", {"q": "date:2017-13-45"}),
    case("date-open-range", {"q": "date:[to]"}),
    case("date-wildcard", {"q": "date:*"}),
    case("range-on-a-text-field", {"q": "title:[a to z]"}),
    case("range-on-exact", {"q": "exact:[a TO z]"}),
    case("range-on-country", {"q": "country:[a to z]"}),
    case("year-huge", {"q": "year:99999999999999999999"}),
    case("fuzzy-and-boost", {"q": "Russie~99999999 Lavrov^99999999999999999999"}),
    case("lone-brackets", {"q": "[ ] { } ^ ~ \\"}),
    case("script-in-query", {"q": "<script>alert(1)</script>"}),
    case("elided-wildcard", {"q": "l'*"}),
    case("stop-words-only", {"q": "le la les"}),
    case("huge-page", {"page": "99999999999"}),
    case("page-ten-to-the-thirty", {"page": str(10**30)}),
    case("last-allowed-page", {"q": "Lavrov", "page": "1000", "limit": "100"}),
    case("page-zero", {"page": "0"}),
    case("negative-page", {"page": "-1"}),
    case("page-not-a-number", {"page": "abc"}),
    case("page-float", {"page": "1e3"}),
    case("negative-limit", {"limit": "-5"}),
    case("zero-limit", {"limit": "0"}),
    case("huge-limit", {"limit": "100000"}),
    case("facet-limit-100000", {"facet_limit": "100000"}),
    case("negative-facet-limit", {"facet_limit": "-1"}),
    case("unknown-sort", {"sort": "bogus"}),
    case("date-bound-not-a-date", {"from": "abc"}),
    case("date-bound-february-30", {"from": "2017-02-30"}),
    case("date-bounds-reversed", {"from": "2018", "to": "2017"}),
    case("date-bound-five-digits", {"from": "99999"}),
    case("fifty-person-params", {"person": ["Sergueï Lavrov"] * 50}),
    case("person-script", {"person": "<script>alert(1)</script>"}),
    case("person-300-chars", {"person": "x" * 300}),
    case("country-script", {"country": "<script>alert(1)</script>"}),
    case("country-unknown-code", {"country": "ZZ"}),
    case("country-21-times", {"country": ["RU"] * 21}),
    case("everything-at-once", {"q": '"(NOT* title:', "person": ["\x00"] * 3, "country": "\u202e", "from": "2017", "to": "2016-13", "page": "-0"}),
]


def limit_cases() -> list:
    """For every declared parameter, values just past its limits (from the same table as the URL parser and the CLI)."""
    cases = []
    for p in PARAMS:
        if p.kind == "int":
            cases += [case(f"{p.key}-below-{p.low}", {p.key: str(p.low - 1)}), case(f"{p.key}-above-{p.high}", {p.key: str(p.high + 1)}),
                      case(f"{p.key}-not-a-number", {p.key: "douze"})]
        elif p.kind == "choice":
            cases.append(case(f"{p.key}-not-a-choice", {p.key: "n'importe"}))
        elif p.kind == "texts":
            cases += [case(f"{p.key}-too-long", {p.key: "x" * (p.max_chars + 1)}),
                      case(f"{p.key}-too-many", {p.key: ["Sergueï Lavrov"] * (MAX_FILTER_VALUES + 1)})]
        elif p.kind == "text":
            cases.append(case(f"{p.key}-too-long", {p.key: "x" * (p.max_chars + 1)}))
        elif p.kind == "date":
            cases.append(case(f"{p.key}-not-a-date", {p.key: "hier"}))
        elif p.kind == "switch":
            cases.append(case(f"{p.key}-other-value", {p.key: "toutes"}))
    return cases


CASES += limit_cases()
PAGE_ONLY_CASES = [
    case("lang-script", {"lang": "<script>alert(1)</script>", "q": "Lavrov"}),
    case("facet-filter-script", {"pf": "<script>alert(1)</script>", "cf": "x" * 1000}),
]


WEB_CASES = CASES + PAGE_ONLY_CASES


@pytest.fixture(scope="module")
def client(mini_index):
    app = create_app({"INDEX": str(mini_index), "TESTING": False})
    app.logger.disabled = True  # the 500s of known bugs would log their tracebacks
    return app.test_client()


def timed_get(client, url: str, params: dict):
    started = time.perf_counter()
    response = client.get(url, query_string=params)
    elapsed = time.perf_counter() - started
    assert elapsed < MAX_SECONDS, f"{url} took {elapsed:.1f} s"
    return response


def check_api(client, params: dict) -> dict:
    response = timed_get(client, "/api/search", params)
    assert response.status_code in (200, 400), (response.status_code, response.get_data(as_text=True)[:300])
    data = response.get_json()
    assert isinstance(data, dict)
    if response.status_code == 400:
        assert isinstance(data.get("error"), str) and data["error"].strip(), data
        assert data.get("status") == 400
    else:
        assert isinstance(data["total"], int) and data["total"] >= 0
        assert len(data["hits"]) <= data["limit"] <= 100
        assert set(data["facets"]) == {"person", "organisation", "country", "source", "language", "agency", "signature", "collection", "year"}
    return {"status": response.status_code, **data}


@pytest.mark.parametrize("params", CASES)
def test_api_answers_200_or_a_400_json_error_quickly(client, params):
    check_api(client, params)


@pytest.mark.parametrize("params", WEB_CASES)
def test_search_page_answers_200_or_a_400_with_the_message_escaped(client, params):
    response = timed_get(client, "/", params)
    assert response.status_code in (200, 400), response.status_code
    page = response.get_data(as_text=True)
    assert "<script>alert" not in page  # every hostile value is escaped wherever it is shown
    api = check_api(client, params)
    assert response.status_code == api["status"], (response.status_code, api)
    if response.status_code == 400:
        shown = re.search(r'<p class="error" role="alert">(.*?)</p>', page, re.S)
        assert shown, page[:500]
        assert shown.group(1) == str(escape(api["error"]))
    else:
        assert 'class="count"' in page


def cli_args(params: dict) -> list[str] | None:
    """The CLI arguments of the same search: each URL key's option, as the parameter table declares it (None for page-only keys)."""
    declared = {p.key: p for p in PARAMS}
    args: list[str] = []
    for key, value in params.items():
        p = declared.get(key)
        if p is None:
            return None
        values = value if isinstance(value, list) else [value]
        if p.cli_flag is None:
            continue  # the query: the command's argument
        if p.kind == "switch":
            args += [p.cli_flag] if values[0] == p.on else []
        else:
            for v in values if p.kind == "texts" else values[:1]:
                args += [p.cli_flag, v]
    return [*args, "--", params.get("q", "")]


@pytest.fixture(scope="module")
def runner():
    return CliRunner()


@pytest.mark.parametrize("params", CASES)
def test_cli_search_exits_0_with_json_or_2_with_an_error_message(runner, mini_index, params):
    args = cli_args(params)
    assert args is not None
    started = time.perf_counter()
    result = runner.invoke(main, ["search", "--index", str(mini_index), "--json", *args])
    assert time.perf_counter() - started < MAX_SECONDS
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 2), (result.exit_code, result.output[-500:])
    if result.exit_code == 0:
        data = json.loads(result.stdout)
        assert isinstance(data["total"], int)
    else:
        assert re.search(r"^Error: \S.{5,}", result.stderr, re.M), result.output[-500:]
        assert result.stdout == ""


# --- random queries ------------------------------------------------------------------------

SYNTAX = [
    "NOT", "SAUF", "OR", "OU", "AND", "ET", "ANDNOT", "ANDMAYBE", "(", ")", '"', "*", "?", "~", "^", "[", "]", "{", "}", "to", "TO",
    ":", "title:", "titre:", "person:", "personne:", "country:", "pays:", "date:", "exact:", "year:", "source:", "author:", "foo:",
    "Russie", "Lavrov", "coopér*", "États-Unis", "l'", "2017", "2017-02", "-", "+", "\\", "'", "«", "»", "\x00", "\u202e", "🎉",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_api_survives_random_text_queries(client, q):
    check_api(client, {"q": q})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(SYNTAX), st.text(max_size=5)), max_size=12), st.sampled_from([" ", ""]))
def test_api_survives_random_query_syntax(client, parts, separator):
    check_api(client, {"q": separator.join(parts)})
