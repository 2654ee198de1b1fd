"""Property tests (hypothesis): the stages that read untrusted text never crash, whatever they get."""

from __future__ import annotations

import datetime as dt
import html
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsarchive.index.analysis import ExactFormAnalyzer, FrenchAnalyzer
from newsarchive.index.article import Article, Failure, RawRecord
from newsarchive.index.entities import clean_person
from newsarchive.index.entities.countries import find_countries
from newsarchive.index.extraction.extract import MAX_TITLE_CHARS, extract
from newsarchive.index.inputs.encoding import DecodeError, declared_charset, decode
from newsarchive.search.request import QueryError, parse_date_bound

SETTINGS = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}

FRENCH = [
    "Le ministre russe des Affaires étrangères, Sergueï Lavrov, a rencontré jeudi à Bonn le secrétaire d'État américain.",
    "Les États-Unis et la Russie ont évoqué une coopération « productive » en Syrie.",
    "M. Trudeau était mardi à Montréal pour annoncer un plan d'investissement.",
    "Publié le 16 février 2017 à 10 h 32",
    "Partager sur Facebook",
    "Lire aussi : la chancelière Angela Merkel reçoit Emmanuel Macron à Berlin",
    "Cet article a été publié dans le Washington Post et repris par Ouest-France.",
    "aujourd'hui, l'instant, qu’il, jusqu'à, presqu'île, franco-allemand, sino-russe",
]
COUNTRY_WORDS = [
    "Russie", "russe", "États-Unis", "etats unis", "ÉTATS-UNIS", "France", "Anatole France", "Ouest-France", "Washington",
    "Washington Post", "Moscou", "accords de Minsk", "Minsk", "franco-allemand", "Allemagne", "Québec", "Canada", "Paris",
    "Côte d'Ivoire", "Corée du Sud", "RU", "l'Ukraine", "d'Iran", "New York", "Nouvelle-Zélande", "Congo", "Guinée-Bissau",
]
PERSON_SPANS = [
    "M. Lavrov", "le président Poutine", "la chancelière Angela Merkel", "de M. Lavrov", "d'Emmanuel Macron", "le général de Gaulle",
    "Le Pen", "Marine Le Pen's", "Sergueï Lavrov\nAFP", "« Trudeau »", "Mme", "l'", "-", "Jean-Yves Le Drian",
]

words = st.one_of(st.sampled_from(FRENCH), st.text(max_size=40))
french_text = st.lists(words, max_size=8).map(lambda parts: "\n\n".join(parts))
any_text = st.one_of(st.text(max_size=300), french_text)

TAGS = [
    "html", "head", "body", "title", "meta", "link", "article", "main", "section", "div", "p", "span", "h1", "h2", "a",
    "nav", "header", "footer", "aside", "script", "style", "noscript", "table", "tr", "td", "ul", "li", "br", "img",
    "time", "figure", "figcaption", "iframe", "svg", "math", "template", "form", "button", "blockquote", "pre", "code",
]
ATTRS = ["class", "id", "href", "src", "charset", "content", "name", "property", "datetime", "style", "lang", "itemprop", "rel", "http-equiv"]


def _element(tag: str, attrs: list[tuple[str, str]], children: list[str], close: bool) -> str:
    attributes = "".join(f' {name}="{html.escape(value)}"' for name, value in attrs)
    inner = "".join(children)
    return f"<{tag}{attributes}>{inner}</{tag}>" if close else f"<{tag}{attributes}>{inner}"


html_leaf = st.one_of(
    st.sampled_from(FRENCH).map(html.escape),
    st.text(max_size=30),  # raw text: may hold "<", "&", "]]>" ...
    st.sampled_from(["<!-- commentaire -->", "<!doctype html>", "&nbsp;", "&#x0;", "&#1114112;", "<![CDATA[x]]>", "</", "<", "&", "<?xml ?>"]),
)
html_documents = st.recursive(
    html_leaf,
    lambda children: st.builds(
        _element,
        st.sampled_from(TAGS),
        st.lists(st.tuples(st.sampled_from(ATTRS), st.text(max_size=20)), max_size=3),
        st.lists(children, max_size=4),
        st.booleans(),
    ),
    max_leaves=25,
)

FIELD_NAMES = [
    "title", "text", "article", "body", "content", "html", "raw_html", "date", "url", "link", "source", "author", "authors",
    "heading", "chapo", "summary", "headline", "published", "Title", "TEXT",
]
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=60), st.sampled_from(FRENCH), st.sampled_from(
        ["2017-02-16", "16 février 2017", "31/02/2017", "https://exemple.test/a?utm_source=x#frag", "javascript:alert(1)", "http://", "<p>x</p>"]
    )),
    lambda children: st.one_of(st.lists(children, max_size=3), st.dictionaries(st.sampled_from(["name", "text", "x", ""]), children, max_size=3)),
    max_leaves=8,
)
fields_records = st.dictionaries(st.one_of(st.sampled_from(FIELD_NAMES), st.text(max_size=8)), json_values, max_size=8)


def check_result(result: object, origin: str = "x") -> None:
    assert isinstance(result, (Article, Failure)), type(result)
    assert result.origin == origin
    if isinstance(result, Failure):
        assert result.reason.strip()
        return
    assert result.text.strip()
    assert re.fullmatch(r"[uc][0-9a-f]{19}", result.id), result.id
    assert len(result.title) <= MAX_TITLE_CHARS
    assert result.date is None or isinstance(result.date, dt.date)


@settings(max_examples=200, **SETTINGS)
@given(any_text)
def test_extract_of_any_plain_text_returns_an_article_or_a_failure(text):
    check_result(extract(RawRecord(origin="x", kind="text", content=text, raw=text.encode("utf-8"))))


@settings(max_examples=200, **SETTINGS)
@given(st.one_of(html_documents, st.text(max_size=200)))
def test_extract_of_any_html_returns_an_article_or_a_failure(page):
    check_result(extract(RawRecord(origin="x", kind="html", content=page, raw=page.encode("utf-8"))))


@settings(max_examples=300, **SETTINGS)
@given(fields_records)
def test_extract_of_any_json_fields_returns_an_article_or_a_failure(fields):
    check_result(extract(RawRecord(origin="x", kind="fields", fields=fields, raw=repr(fields).encode("utf-8", "surrogatepass"))))


def check_tokens(analyzer, text: str) -> None:
    for t in analyzer(text, positions=True, chars=True):
        assert t.text, (text, t)
        assert 0 <= t.startchar <= t.endchar <= len(text), (text, t.text, t.startchar, t.endchar)


@settings(max_examples=500, **SETTINGS)
@given(any_text)
def test_french_analyzer_gives_non_empty_tokens_with_offsets_inside_the_input(text):
    check_tokens(FrenchAnalyzer(), text)


@settings(max_examples=500, **SETTINGS)
@given(any_text)
def test_exact_form_analyzer_gives_non_empty_tokens_with_offsets_inside_the_input(text):
    check_tokens(ExactFormAnalyzer(), text)


@settings(max_examples=400, **SETTINGS)
@given(st.one_of(st.text(max_size=200), st.lists(st.one_of(st.sampled_from(COUNTRY_WORDS), st.text(max_size=8)), max_size=12).map(" ".join)))
def test_find_countries_never_raises_and_quotes_the_text(text):
    countries = find_countries(text)
    assert isinstance(countries, list)
    for country in countries:
        assert re.fullmatch(r"[A-Z]{2}", country.code), country
        assert country.mentions and all(m in text for m in country.mentions), (text, country)


@settings(max_examples=400, **SETTINGS)
@given(st.one_of(st.text(max_size=80), st.sampled_from(PERSON_SPANS), st.lists(st.sampled_from([*PERSON_SPANS, "", " ", "’"]), max_size=4).map(" ".join)))
def test_clean_person_returns_a_one_line_name_or_none(span):
    name = clean_person(span)
    assert name is None or (isinstance(name, str) and name.strip() and "\n" not in name), (span, name)


DECLARED = [None, "utf-8", "cp1252", "iso8859-15", "utf-16-le", "shift_jis", "koi8-r", "bogus-charset"]


@settings(max_examples=400, **SETTINGS)
@given(
    st.one_of(st.binary(max_size=600), st.text(max_size=200).map(lambda s: s.encode("utf-8")), st.text(max_size=100).map(lambda s: s.encode("utf-16"))),
    st.sampled_from(DECLARED),
)
def test_decode_returns_text_or_raises_decode_error(data, declared):
    try:
        text, encoding = decode(data, declared)
    except DecodeError as exc:
        assert str(exc)
        return
    assert isinstance(text, str) and isinstance(encoding, str)


@settings(max_examples=300, **SETTINGS)
@given(st.one_of(st.binary(max_size=300), st.text(max_size=100).map(lambda s: f'<meta charset="{s}">'.encode("utf-8", "surrogatepass"))))
def test_declared_charset_never_raises(data):
    assert declared_charset(data) is None or isinstance(declared_charset(data), str)


@settings(max_examples=500, **SETTINGS)
@given(
    st.one_of(st.text(max_size=20), st.from_regex(r"\d{4}(-\d{1,2}(-\d{1,2})?)?", fullmatch=True), st.none()),
    st.booleans(),
)
def test_parse_date_bound_returns_a_date_or_raises_query_error(text, end):
    try:
        value = parse_date_bound(text, end=end)
    except QueryError as exc:
        assert str(exc)
        return
    if text is None or not text.strip():
        assert value is None
    else:
        assert isinstance(value, dt.date), (text, value)
