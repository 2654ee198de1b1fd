"""Finding and reading archive files (index/inputs/readers.py, index/inputs/encoding.py) and field records (index/extraction/extract.py)."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
from pathlib import Path

import pytest

from newsarchive.index.article import Article, Failure, RawRecord
from newsarchive.index.extraction.extract import extract
from newsarchive.index.extraction.metadata import normalize_url, parse_date
from newsarchive.index.inputs.encoding import declared_charset, decode, repair_mojibake, sniff_binary
from newsarchive.index.inputs.readers import discover, file_kind, guess_kind, read, record_from_original
from newsarchive.index.store.originals import digest

HTML = (
    '<html><head><meta charset="utf-8"><title>Un été à Québec</title></head><body><article>'
    "<h1>Un été à Québec</h1>"
    "<p>Les élèves ont célébré la fin de l’année scolaire à Québec, où il a fait très chaud cet été. Le maire a salué une fête réussie.</p>"
    "<p>La fête a duré jusqu’à minuit, a précisé l’organisatrice, qui prépare déjà l’édition suivante.</p>"
    "</article></body></html>"
)
TEXT = "Un été à Québec\n\nLes élèves ont célébré la fin de l’année scolaire à Québec.\n\nLa fête a duré jusqu’à minuit."
BODY = "Le gouvernement a présenté mercredi son plan de relance.\n\nLes syndicats ont dénoncé un texte insuffisant."


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def only(items: list):
    assert len(items) == 1, items
    return items[0]


def read_text(path: Path) -> str:
    record = only(list(read(path)))
    assert isinstance(record, RawRecord), record
    return record.content


def jsonl(tmp_path: Path, *objects: dict) -> list[Article | Failure]:
    return jsonl_lines(tmp_path, "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objects))


def jsonl_lines(tmp_path: Path, text: str) -> list[Article | Failure]:
    path = write(tmp_path / "records.jsonl", text)
    return [extract(r) if isinstance(r, RawRecord) else r for r in read(path)]


# --- reading each kind of file, plain and gzipped ----------------------------------------


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gzip"])
def test_html_file_is_read_as_html(tmp_path, gz):
    data = HTML.encode("utf-8")
    path = write(tmp_path / ("page.html.gz" if gz else "page.html"), gzip.compress(data) if gz else data)
    record = only(list(read(path)))
    assert record.kind == "html"
    assert record.content == HTML
    assert record.raw == data
    assert record.origin == str(path)


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gzip"])
def test_text_file_is_read_as_text(tmp_path, gz):
    data = TEXT.encode("utf-8")
    path = write(tmp_path / ("article.txt.gz" if gz else "article.txt"), gzip.compress(data) if gz else data)
    record = only(list(read(path)))
    assert record.kind == "text"
    assert record.content == TEXT


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gzip"])
def test_jsonl_file_gives_one_record_per_line(tmp_path, gz):
    data = '{"title": "Un", "text": "Premier"}\n\n{"title": "Deux", "text": "Second été"}\n'.encode()
    path = write(tmp_path / ("lines.jsonl.gz" if gz else "lines.jsonl"), gzip.compress(data) if gz else data)
    records = list(read(path))
    assert [(r.kind, r.origin, r.fields) for r in records] == [
        ("fields", f"{path}:1", {"title": "Un", "text": "Premier"}),
        ("fields", f"{path}:3", {"title": "Deux", "text": "Second été"}),
    ]


def test_html_and_text_files_become_articles(tmp_path):
    html = extract(only(list(read(write(tmp_path / "page.html", HTML)))))
    text = extract(only(list(read(write(tmp_path / "article.txt", TEXT)))))
    assert isinstance(html, Article) and isinstance(text, Article)
    assert html.title == text.title == "Un été à Québec"
    assert "fin de l’année scolaire" in html.text and "fin de l’année scolaire" in text.text


@pytest.mark.parametrize(
    "name, kind",
    [
        ("a.html", "html"),
        ("a.HTM", "html"),
        ("a.xhtml.gz", "html"),
        ("a.txt", "text"),
        ("notes.v2.txt", "text"),
        ("a.txt.gz", "text"),
        ("a.ndjson", "jsonl"),
        ("a.jsonl.gz", "jsonl"),
        ("crawl.warc", "warc"),
        ("crawl-00001.warc.gz", "warc"),
        ("a.pdf", None),
        ("a.tar.gz", None),
        ("a.gz", None),
        ("README", None),
    ],
)
def test_file_kind(name, kind):
    assert file_kind(Path(name)) == kind


# --- discover ----------------------------------------------------------------------------


def test_discover_recurses_in_sorted_order(tmp_path):
    for name in ["b.txt", "a.html", "sub/c.txt", "sub/a.jsonl", "a_dir/z.txt.gz", "sub/deeper/x.htm"]:
        write(tmp_path / name, "x")
    found = [p.relative_to(tmp_path).as_posix() for p in discover([tmp_path])]
    assert found == ["a.html", "b.txt", "a_dir/z.txt.gz", "sub/a.jsonl", "sub/c.txt", "sub/deeper/x.htm"]


def test_discover_skips_hidden_and_unsupported_files_inside_folders(tmp_path):
    for name in ["keep.txt", ".draft.txt", ".git/objects.txt", "photo.png", "archive.tar.gz"]:
        write(tmp_path / name, "x")
    assert list(discover([tmp_path])) == [tmp_path / "keep.txt"]


def test_discover_reports_an_explicit_unsupported_file(tmp_path):
    path = write(tmp_path / "photo.png", b"\x89PNG\r\n\x1a\n")
    failure = only(list(discover([path])))
    assert isinstance(failure, Failure)
    assert failure.origin == str(path)
    assert "unsupported" in failure.reason


def test_discover_reports_a_missing_path(tmp_path):
    failure = only(list(discover([tmp_path / "absent.txt"])))
    assert isinstance(failure, Failure)
    assert "no such file" in failure.reason


def test_discover_keeps_going_after_a_bad_path(tmp_path):
    good = write(tmp_path / "ok.txt", "x")
    results = list(discover([tmp_path / "absent", good]))
    assert isinstance(results[0], Failure)
    assert results[1] == good


def test_symlink_to_parent_does_not_loop(tmp_path):
    write(tmp_path / "root" / "a.txt", "x")
    os.symlink(tmp_path / "root", tmp_path / "root" / "sub")
    assert list(discover([tmp_path / "root"])) == [tmp_path / "root" / "a.txt"]


def test_symlink_cycle_given_explicitly_is_a_failure(tmp_path):
    os.symlink(tmp_path / "two", tmp_path / "one")
    os.symlink(tmp_path / "one", tmp_path / "two")
    failure = only(list(discover([tmp_path / "one"])))
    assert isinstance(failure, Failure)
    assert "symbolic link" in failure.reason


# --- broken files ------------------------------------------------------------------------


def test_broken_jsonl_line_is_a_failure_and_other_lines_still_come(tmp_path):
    path = write(tmp_path / "lines.jsonl", '{"text": "un"}\n{"text": "deux"\n{"text": "trois"}\n')
    records = list(read(path))
    assert [type(r).__name__ for r in records] == ["RawRecord", "Failure", "RawRecord"]
    assert records[1].origin == f"{path}:2"
    assert "invalid JSON" in records[1].reason
    assert records[2].fields == {"text": "trois"}


def test_jsonl_array_line_is_a_failure(tmp_path):
    path = write(tmp_path / "lines.jsonl", '["un", "deux"]\n')
    failure = only(list(read(path)))
    assert isinstance(failure, Failure)
    assert failure.origin == f"{path}:1"
    assert "list" in failure.reason


def test_jsonl_line_not_in_utf8_is_a_failure(tmp_path):
    path = write(tmp_path / "lines.jsonl", '{"text": "été"}\n'.encode("cp1252") + b'{"text": "ok"}\n')
    records = list(read(path))
    assert isinstance(records[0], Failure) and "UTF-8" in records[0].reason
    assert records[1].fields == {"text": "ok"}


def test_truncated_gzip_is_a_failure(tmp_path):
    data = gzip.compress(("Un été au Québec. " * 500).encode())
    path = write(tmp_path / "article.txt.gz", data[: len(data) // 2])
    failure = only(list(read(path)))
    assert isinstance(failure, Failure)
    assert "truncated" in failure.reason


def test_truncated_gzip_jsonl_keeps_the_lines_before_the_cut(tmp_path):
    data = gzip.compress(b'{"text": "un"}\n' * 2000)
    path = write(tmp_path / "lines.jsonl.gz", data[: len(data) // 2])
    records = list(read(path))
    assert isinstance(records[0], RawRecord)
    assert isinstance(records[-1], Failure) and "truncated" in records[-1].reason


def test_gzip_name_on_plain_data_is_a_failure(tmp_path):
    failure = only(list(read(write(tmp_path / "article.txt.gz", "pas du gzip"))))
    assert isinstance(failure, Failure)
    assert "gzip" in failure.reason


@pytest.mark.parametrize("name, data", [("empty.txt", b""), ("blank.txt", b" \n\n "), ("empty.html", b""), ("empty.txt.gz", gzip.compress(b""))])
def test_empty_file_is_a_failure(tmp_path, name, data):
    failure = only(list(read(write(tmp_path / name, data))))
    assert isinstance(failure, Failure)
    assert failure.reason == "empty file"


def test_empty_jsonl_file_is_a_failure(tmp_path):
    failure = only(list(read(write(tmp_path / "empty.jsonl", b""))))
    assert isinstance(failure, Failure)


def test_png_named_txt_is_a_failure_mentioning_png(tmp_path):
    failure = only(list(read(write(tmp_path / "image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256))))))
    assert isinstance(failure, Failure)
    assert "PNG" in failure.reason


@pytest.mark.parametrize("data, kind", [(b"%PDF-1.7\n", "PDF"), (b"\xff\xd8\xff\xe0", "JPEG"), (b"ab\x00\x01\x02cd\xfe\xff" * 10, "binary")])
def test_sniff_binary_names_other_binaries(data, kind):
    assert kind in sniff_binary(data)


def test_sniff_binary_lets_utf16_without_bom_through():
    assert sniff_binary("L'été arrive à Québec.".encode("utf-16-le")) is None


# --- encodings ---------------------------------------------------------------------------

SENTENCE = "L’été dernier, à Montréal, les élèves ont célébré la fin de l’année scolaire."


@pytest.mark.parametrize(
    "data",
    [
        SENTENCE.encode("utf-8"),
        b"\xef\xbb\xbf" + SENTENCE.encode("utf-8"),
        SENTENCE.encode("utf-16"),  # Python writes the BOM
        b"\xfe\xff" + SENTENCE.encode("utf-16-be"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-bom", "utf-16-be-bom"],
)
def test_unicode_files_decode_exactly(tmp_path, data):
    text = read_text(write(tmp_path / "article.txt", data))
    assert text == SENTENCE
    assert "Ã©" not in text


CP1252_SAMPLES = [
    pytest.param("l’été", id="curly-quote"),
    pytest.param(
        "Pas de coopération militaire avec la Russie pour l’instant, dit le chef du Pentagone. "
        "La nouvelle ère de coopération entre Washington et Moscou ne se concrétisera pas de sitôt.",
        id="paragraph",
    ),
    pytest.param("été", id="one-word"),
    pytest.param(
        SENTENCE,
        id="sentence",
    ),
]


@pytest.mark.parametrize("text", CP1252_SAMPLES)
def test_windows_1252_without_declaration_decodes_exactly(tmp_path, text):
    decoded = read_text(write(tmp_path / "article.txt", text.encode("cp1252")))
    assert decoded == text


def test_latin1_declared_in_meta_charset(tmp_path):
    html = HTML.replace('charset="utf-8"', 'charset="iso-8859-1"')
    text = read_text(write(tmp_path / "page.html", html.encode("cp1252")))
    assert text == html
    assert "Ã©" not in text and "\ufffd" not in text


def test_latin1_declared_in_http_equiv_meta(tmp_path):
    html = HTML.replace('<meta charset="utf-8">', '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">')
    article = extract(only(list(read(write(tmp_path / "page.html", html.encode("cp1252"))))))
    assert isinstance(article, Article)
    assert article.title == "Un été à Québec"
    assert "fin de l’année scolaire à Québec" in article.text


def test_valid_utf8_wins_over_a_wrong_declaration(tmp_path):
    html = HTML.replace('charset="utf-8"', 'charset="iso-8859-1"')
    text = read_text(write(tmp_path / "page.html", html.encode("utf-8")))
    assert text == html
    assert "Ã©" not in text


@pytest.mark.parametrize(
    "head, charset",
    [
        (b'<meta charset="ISO-8859-1">', "cp1252"),
        (b"<meta charset=latin1>", "cp1252"),
        (b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">', "cp1252"),
        (b'<meta charset="utf-8">', "utf-8"),
        (b'<meta charset="nonsense">', None),
        (b"<p>pas de meta</p>", None),
    ],
)
def test_declared_charset(head, charset):
    assert declared_charset(b"<html><head>" + head + b"</head></html>") == charset


def test_decode_reports_the_encoding_used():
    assert decode(SENTENCE.encode("utf-8")) == (SENTENCE, "utf-8")


# Every way a French page comes: UTF-8, windows-1252 or ISO-8859-1 bytes; declared rightly,
# not at all, or wrongly. The page must come out exactly, never as "Ã©" mojibake.
ENCODED_TITLE = "Un été à Québec : « l’œuvre » coûte 10 €"
LATIN1_TITLE = "Un été à Québec : « la fête » a coûté cher"  # no ’ œ €: ISO-8859-1 cannot write them
DECLARATIONS = {
    "none": "",
    "utf-8": '<meta charset="utf-8">',
    "windows-1252": '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">',
    "iso-8859-1": '<meta charset="iso-8859-1">',
}


def page_html(title: str, declaration: str) -> str:
    return HTML.replace('<meta charset="utf-8">', DECLARATIONS[declaration]).replace("Un été à Québec", title)


@pytest.mark.parametrize(
    "codec, title, declaration",
    [
        ("utf-8", ENCODED_TITLE, "none"),
        ("utf-8", ENCODED_TITLE, "utf-8"),
        ("utf-8", ENCODED_TITLE, "iso-8859-1"),  # wrong declaration
        ("utf-8", ENCODED_TITLE, "windows-1252"),  # wrong declaration
        ("cp1252", ENCODED_TITLE, "none"),
        ("cp1252", ENCODED_TITLE, "windows-1252"),
        ("cp1252", ENCODED_TITLE, "iso-8859-1"),  # the usual mislabel: browsers read it as windows-1252 too
        ("cp1252", ENCODED_TITLE, "utf-8"),  # wrong declaration
        ("latin-1", LATIN1_TITLE, "none"),
        ("latin-1", LATIN1_TITLE, "iso-8859-1"),
        ("latin-1", LATIN1_TITLE, "utf-8"),  # wrong declaration
    ],
)
def test_html_page_in_any_french_encoding_extracts_exactly(tmp_path, codec, title, declaration):
    page = page_html(title, declaration)
    if codec == "latin-1":
        page = page.replace("’", "'")
    article = extract(only(list(read(write(tmp_path / "page.html", page.encode(codec))))))
    assert isinstance(article, Article), article
    assert article.title == title
    assert "fin de l’année scolaire" in article.text or (codec == "latin-1" and "fin de l'année scolaire" in article.text)
    assert not any(mark in article.title + article.text for mark in ("Ã", "Â", "â€", "\ufffd"))


@pytest.mark.parametrize("codec", ["latin-1", "cp1252"])
def test_plain_text_in_8_bit_encodings_decodes_exactly(tmp_path, codec):
    text = "Noël à Montréal : les élèves ont célébré la fête, malgré le froid de février."
    assert read_text(write(tmp_path / "article.txt", text.encode(codec))) == text


def test_iso_8859_15_declared_keeps_the_euro_sign(tmp_path):
    page = HTML.replace('charset="utf-8"', 'charset="iso-8859-15"').replace("Un été à Québec", "Un été à 10 € le café").replace("’", "'")
    assert read_text(write(tmp_path / "page.html", page.encode("iso-8859-15"))) == page


def test_utf8_with_a_few_broken_bytes_stays_utf8():
    text = "Le théâtre municipal présentera une création québécoise en février, à l’Espace Félix-Leclerc."
    data = text.encode("utf-8").replace(b"municipal", b"muni\xffcipal").replace(b"compte", b"com\x81\x8dpte")
    decoded, encoding = decode(data)
    assert encoding == "utf-8"
    assert decoded == text.replace("municipal", "muni\ufffdcipal")


@pytest.mark.parametrize("wrong", ["cp1252", "latin-1"])
def test_double_encoded_utf8_is_repaired(tmp_path, wrong):
    # UTF-8 once read as windows-1252 (or latin-1) and saved again as UTF-8: "Ã©tÃ©".
    text = "L’œuvre exposée « avec soin » à Noël — 10 € ; CET ÉTÉ… Ça"
    mojibake = text.encode("utf-8").decode(wrong)
    assert "Ã©" in mojibake
    assert read_text(write(tmp_path / "article.txt", mojibake.encode("utf-8"))) == text


@pytest.mark.parametrize("text", ["São Paulo et Ålesund", "CET ÉTÉ… À Ça", "ÂGE d’or", "Á la carte"])
def test_repair_mojibake_leaves_real_text_alone(text):
    assert repair_mojibake(text) == text


def test_double_encoded_jsonl_record_is_repaired(tmp_path):
    line = json.dumps({"title": "Un Ã©tÃ© Ã  QuÃ©bec", "text": BODY}, ensure_ascii=False) + "\n"
    article = only(jsonl_lines(tmp_path, line))
    assert article.title == "Un été à Québec"


# --- field records (JSON lines) ----------------------------------------------------------


@pytest.mark.parametrize("field", ["text", "article", "body", "content"])
def test_body_field_names(tmp_path, field):
    article = only(jsonl(tmp_path, {"title": "Plan de relance", field: BODY}))
    assert isinstance(article, Article)
    assert article.title == "Plan de relance"
    assert article.text == BODY


@pytest.mark.parametrize(
    "record",
    [
        pytest.param({"headline": "Plan de relance", "maintext": BODY, "date_publish": "2020-09-03 10:00:00", "source_domain": "lemonde.fr"}, id="news-please"),
        pytest.param({"title": "Plan de relance", "text": BODY, "publish_date": "2020-09-03", "authors": ["Marie Tremblay"]}, id="newspaper3k"),
        pytest.param(
            {"title": "Plan de relance", "content": BODY, "publishedAt": "2020-09-03T10:00:00Z", "source": {"id": None, "name": "Le Monde"}},
            id="newsapi",
        ),
        pytest.param({"titre": "Plan de relance", "texte": BODY, "date_publication": "3 septembre 2020", "journal": "Le Monde"}, id="french"),
    ],
)
def test_common_field_names_of_news_datasets(tmp_path, record):
    article = only(jsonl(tmp_path, record))
    assert isinstance(article, Article), article
    assert article.title == "Plan de relance"
    assert article.text == BODY
    assert article.date == dt.date(2020, 9, 3)


def test_html_field_record_keeps_its_kind_for_reextraction(tmp_path):
    article = only(jsonl(tmp_path, {"html": HTML, "url": "https://example.com/ete"}))
    assert article.title == "Un été à Québec"
    assert article.kind == "fields"


def test_record_without_text_is_a_failure_naming_the_fields(tmp_path):
    failure = only(jsonl(tmp_path, {"title": "Plan de relance"}))
    assert isinstance(failure, Failure)
    assert "text, article, body" in failure.reason
    assert failure.origin.endswith("records.jsonl:1")


def test_heading_is_prepended_as_first_paragraph(tmp_path):
    article = only(jsonl(tmp_path, {"text": BODY, "heading": "Un plan de cent milliards pour relancer l’économie."}))
    assert article.text.split("\n\n") == [
        "Un plan de cent milliards pour relancer l’économie.",
        "Le gouvernement a présenté mercredi son plan de relance.",
        "Les syndicats ont dénoncé un texte insuffisant.",
    ]


def test_heading_already_in_the_body_is_not_repeated(tmp_path):
    article = only(jsonl(tmp_path, {"text": BODY, "heading": "Le gouvernement a présenté mercredi son plan de relance."}))
    assert article.text == BODY


def test_url_is_normalised(tmp_path):
    article = only(jsonl(tmp_path, {"text": BODY, "url": "HTTPS://www.Example.com:443/politique/plan?id=3&utm_source=tw&utm_medium=x&fbclid=1#comments"}))
    assert article.url == "https://www.example.com/politique/plan?id=3"


def test_normalize_url_rejects_what_is_not_a_web_address():
    assert normalize_url("ftp://example.com/a") is None
    assert normalize_url("/politique/plan") is None
    assert normalize_url("") is None


def test_id_is_stable_for_the_same_url(tmp_path):
    first, second = jsonl(
        tmp_path,
        {"text": BODY, "url": "https://example.com/politique/plan?utm_source=tw"},
        {"text": BODY + "\n\nMise à jour : le vote est reporté.", "url": "https://example.com/politique/plan#haut"},
    )
    assert first.id == second.id
    assert first.id.startswith("u")


def test_different_urls_get_different_ids(tmp_path):
    first, second = jsonl(tmp_path, {"text": BODY, "url": "https://example.com/a"}, {"text": BODY, "url": "https://example.com/b"})
    assert first.id != second.id


def test_id_comes_from_content_without_url(tmp_path):
    first, second, third = jsonl(tmp_path, {"text": BODY}, {"text": BODY}, {"text": BODY + " Fin."})
    assert first.id.startswith("c")
    assert first.id == second.id
    assert first.id != third.id


def test_source_and_date_fields(tmp_path):
    article = only(jsonl(tmp_path, {"text": BODY, "date": "16 février 2017", "source": "Le Devoir", "url": "https://www.ledevoir.com/a"}))
    assert article.date == dt.date(2017, 2, 16)
    assert article.source == "Le Devoir"


def test_source_falls_back_to_the_host(tmp_path):
    article = only(jsonl(tmp_path, {"text": BODY, "url": "https://www.ledevoir.com/politique/a"}))
    assert article.source == "ledevoir.com"


# --- dates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, date",
    [
        ("2017-02-16", dt.date(2017, 2, 16)),
        ("2017-02-16T10:00:00Z", dt.date(2017, 2, 16)),
        ("16 février 2017", dt.date(2017, 2, 16)),
        ("16 FÉVRIER 2017", dt.date(2017, 2, 16)),
        ("1er janvier 2016", dt.date(2016, 1, 1)),
        ("Publié le 3 mars 2018 à 10 h", dt.date(2018, 3, 3)),
        ("16/02/2017", dt.date(2017, 2, 16)),
        (1487203200, dt.date(2017, 2, 16)),
        (dt.datetime(2017, 2, 16, 23, 59), dt.date(2017, 2, 16)),
    ],
)
def test_parse_date(value, date):
    assert parse_date(value) == date


@pytest.mark.parametrize("value", ["hier", "", None, "2999-01-01", "31/02/2017", "1er mai 1700", True, 10**20])
def test_parse_date_refuses_what_is_not_a_plausible_date(value):
    assert parse_date(value) is None


# --- re-reading an article from its stored original --------------------------------------


@pytest.mark.parametrize(
    "name, data",
    [
        ("page.html", HTML.encode("cp1252")),
        ("article.txt", TEXT.encode("utf-8")),
        ("records.jsonl", (json.dumps({"title": "Plan de relance", "text": BODY, "url": "https://example.com/plan"}) + "\n").encode()),
    ],
)
def test_record_from_original_rebuilds_what_the_reader_read(tmp_path, name, data):
    first = only(list(read(write(tmp_path / name, data))))
    again = record_from_original(first.kind, first.origin, first.raw)
    assert again == first
    article = extract(first)
    assert article.kind == first.kind
    assert article.original == digest(first.raw)
    assert extract(again).to_json() == article.to_json()


def test_record_from_original_with_an_unknown_kind_is_a_failure():
    failure = record_from_original("pdf", "a.pdf", b"%PDF")
    assert isinstance(failure, Failure)
    assert "pdf" in failure.reason


@pytest.mark.parametrize(
    "origin, kind",
    [
        ("/archives/page.html", "html"),
        ("/archives/page.htm.gz", "html"),
        ("/archives/article.txt", "text"),
        ("/archives/records.jsonl:12", "fields"),
        ("/archives/records.jsonl.gz:3", "fields"),
        ("/archives/crawl.warc.gz#7", "warc"),
        ("/archives/notes:12.txt", "text"),
    ],
)
def test_guess_kind_from_an_origin(origin, kind):
    assert guess_kind(origin) == kind


# --- what extraction makes up, and says it did -------------------------------------------------


def test_a_record_with_a_heading_and_no_body_is_indexed_from_its_heading(tmp_path):
    heading = "Le gouvernement annonce un plan de soutien aux agriculteurs touchés par la sécheresse de l'été."
    article = only(jsonl(tmp_path, {"title": "Sécheresse : un plan pour les agriculteurs", "heading": heading, "article": ""}))
    assert article.text == heading
    assert article.derived == {"text": "heading"}
    assert article.title == "Sécheresse : un plan pour les agriculteurs"


def test_an_article_without_a_title_gets_its_first_sentence_marked_as_derived(tmp_path):
    text = ("Des milliers de manifestants en gilet jaune ont de nouveau bloqué samedi les ronds-points de la région, malgré le froid "
            "et la pluie qui tombait depuis l'aube. Les forces de l'ordre sont restées discrètes.")
    article = only(jsonl(tmp_path, {"text": text, "url": "https://www.exemple.test/gilets"}))
    assert article.derived == {"title": "first sentence"}
    assert article.title.startswith("Des milliers de manifestants en gilet jaune") and article.title.endswith("…")
    assert len(article.title) <= 115 and "Les forces" not in article.title


def test_a_short_first_sentence_is_the_whole_derived_title(tmp_path):
    article = only(jsonl(tmp_path, {"text": "Le pont est fermé. " + "Les travaux dureront trois mois, selon la mairie. " * 3}))
    assert article.title == "Le pont est fermé"


def test_a_source_written_as_a_host_is_shown_without_www(tmp_path):
    article = only(jsonl(tmp_path, {"text": BODY, "source": "www.lepoint.fr", "url": "https://www.lepoint.fr/a"}))
    assert article.source == "lepoint.fr"
