"""Web archives (index/inputs/warc.py): each HTML page a crawler saved in a WARC file is an article."""

from __future__ import annotations

import gzip
import io
import tracemalloc
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsarchive.index.article import Article, Failure, RawRecord
from newsarchive.index.extraction.extract import extract
from newsarchive.index.extraction.metadata import article_id
from newsarchive.index.inputs.readers import count_records, discover, read, record_from_original


def page(title: str, paragraph: str, charset: str | None = "utf-8") -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    return (
        f"<html><head>{meta}<title>{title}</title></head><body><article><h1>{title}</h1>"
        f"<p>{paragraph}</p><p>Le conseil municipal se réunira de nouveau le mois prochain pour en débattre.</p>"
        "</article></body></html>"
    )


PAGE_ONE = page("Le tramway de Québec", "La Ville de Québec a présenté mardi le tracé définitif de son tramway, long de 19 kilomètres.")
PAGE_TWO = page("La bibliothèque rouvre", "La bibliothèque Gabrielle-Roy rouvrira ses portes au public en septembre, après trois ans de travaux.")


class Crawl:
    """A WARC file written with warcio, record by record, as a crawler would."""

    def __init__(self, path: Path, gz: bool = True) -> None:
        self.path = path
        self.fh = open(path, "wb")  # noqa: SIM115 - closed in close()
        self.writer = WARCWriter(self.fh, gzip=gz)

    def response(self, url: str, body: bytes | str, content_type: str = "text/html; charset=utf-8", status: str = "200 OK", headers=()) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        http = StatusAndHeaders(status, [("Content-Type", content_type), *headers], protocol="HTTP/1.1")
        self.writer.write_record(self.writer.create_warc_record(url, "response", payload=io.BytesIO(data), http_headers=http))

    def request(self, url: str) -> None:
        http = StatusAndHeaders(f"GET {url} HTTP/1.1", [("Host", "example.test")], is_http_request=True)
        self.writer.write_record(self.writer.create_warc_record(url, "request", http_headers=http))

    def info(self) -> None:
        self.writer.write_record(self.writer.create_warcinfo_record(self.path.name, {"software": "test"}))

    def close(self) -> Path:
        self.fh.close()
        return self.path


def a_crawl(path: Path, gz: bool = True) -> Path:
    """warcinfo, then two pages among a request, a 404, an image and a redirect."""
    crawl = Crawl(path, gz)
    crawl.info()
    crawl.request("https://journal.exemple.test/tramway")
    crawl.response("https://journal.exemple.test/tramway", PAGE_ONE)
    crawl.response("https://journal.exemple.test/absente", page("Page introuvable", "Cette page n'existe pas."), status="404 Not Found")
    crawl.response("https://journal.exemple.test/photo.jpg", b"\xff\xd8\xff\xe0" + bytes(100), content_type="image/jpeg")
    crawl.response("https://journal.exemple.test/ancien", "", status="301 Moved Permanently", headers=[("Location", "/tramway")])
    crawl.response("https://journal.exemple.test/bibliotheque?utm_source=rss", PAGE_TWO, content_type="application/xhtml+xml")
    return crawl.close()


def records_of(path: Path) -> list[RawRecord | Failure]:
    return list(read(path))


# --- which records are articles -----------------------------------------------------------


@pytest.mark.parametrize("gz", [True, False], ids=["warc.gz", "warc"])
def test_each_html_response_is_one_record_with_its_target_uri(tmp_path, gz):
    path = a_crawl(tmp_path / ("crawl.warc.gz" if gz else "crawl.warc"), gz)
    records = records_of(path)
    assert [(r.kind, r.fields["url"]) for r in records] == [
        ("warc", "https://journal.exemple.test/tramway"),
        ("warc", "https://journal.exemple.test/bibliotheque?utm_source=rss"),
    ]
    assert [r.origin for r in records] == [f"{path}#3", f"{path}#7"]  # the record's place in the file
    assert records[0].content == PAGE_ONE
    assert records[0].raw == PAGE_ONE.encode("utf-8")


def test_warc_pages_become_articles_identified_by_their_url(tmp_path):
    records = records_of(a_crawl(tmp_path / "crawl.warc.gz"))
    articles = [extract(r) for r in records]
    assert all(isinstance(a, Article) for a in articles), articles
    first, second = articles
    assert first.title == "Le tramway de Québec"
    assert "tracé définitif de son tramway" in first.text
    assert first.url == "https://journal.exemple.test/tramway"
    assert second.url == "https://journal.exemple.test/bibliotheque"  # tracking parameters dropped
    assert first.id == article_id(first.url, records[0].raw)
    assert first.kind == "warc"


def test_discover_finds_warc_files_and_counts_their_pages(tmp_path):
    (tmp_path / "crawls").mkdir()
    a_crawl(tmp_path / "crawls" / "a.warc.gz")
    a_crawl(tmp_path / "crawls" / "b.warc", gz=False)
    found = list(discover([tmp_path]))
    assert found == [tmp_path / "crawls" / "a.warc.gz", tmp_path / "crawls" / "b.warc"]
    assert [count_records(p) for p in found] == [2, 2]


# --- encodings and HTTP transfer ----------------------------------------------------------


def test_charset_only_in_the_http_header_decodes_the_page(tmp_path):
    # ISO-8859-15 writes "œ" as 0xBD, which windows-1252 would read as "½".
    body = page("Le cœur de Montréal", "Le cœur historique de Montréal accueillera un nouveau marché public cet été.", charset=None)
    crawl = Crawl(tmp_path / "crawl.warc.gz")
    crawl.response("https://journal.exemple.test/coeur", body.encode("iso-8859-15"), content_type="text/html; charset=ISO-8859-15")
    (record,) = records_of(crawl.close())
    assert record.content == body


def test_page_declaration_in_windows_1252_decodes_the_page(tmp_path):
    body = page("L’été à Québec", "L’été dernier, à Québec, les élèves ont célébré la fin de l’année scolaire.", charset="windows-1252")
    crawl = Crawl(tmp_path / "crawl.warc.gz")
    crawl.response("https://journal.exemple.test/ete", body.encode("cp1252"), content_type="text/html")
    (record,) = records_of(crawl.close())
    assert record.content == body


def test_gzip_content_encoding_and_chunked_transfer_are_undone(tmp_path):
    compressed = gzip.compress(PAGE_ONE.encode("utf-8"))
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (compressed[:50], compressed[50:])) + b"0\r\n\r\n"
    crawl = Crawl(tmp_path / "crawl.warc.gz")
    crawl.response("https://journal.exemple.test/tramway", chunked, headers=[("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked")])
    (record,) = records_of(crawl.close())
    assert record.content == PAGE_ONE


# --- failures: one record, never the run ---------------------------------------------------


def test_unreadable_records_are_failures_and_the_next_records_still_come(tmp_path):
    crawl = Crawl(tmp_path / "crawl.warc.gz")
    crawl.response("https://journal.exemple.test/image", b"\x89PNG\r\n\x1a\n" + bytes(200))  # an image served as text/html
    crawl.response("https://journal.exemple.test/vide", b"   ")
    crawl.response("https://journal.exemple.test/tramway", PAGE_ONE)
    path = crawl.close()
    first, second, third = records_of(path)
    assert isinstance(first, Failure) and "PNG" in first.reason and first.origin == f"{path}#1"
    assert isinstance(second, Failure) and "empty" in second.reason
    assert isinstance(third, RawRecord) and third.content == PAGE_ONE


def test_garbage_after_good_records_is_one_failure(tmp_path):
    path = a_crawl(tmp_path / "crawl.warc", gz=False)
    path.write_bytes(path.read_bytes() + b"WARC/1.0\r\nthis is not a header\r\n\r\n" + bytes(range(256)))
    records = records_of(path)
    assert [type(r).__name__ for r in records] == ["RawRecord", "RawRecord", "Failure"]
    assert "WARC" in records[-1].reason


def test_truncated_warc_gz_keeps_the_records_before_the_cut(tmp_path):
    crawl = Crawl(tmp_path / "crawl.warc.gz")
    for n in range(20):
        crawl.response(f"https://journal.exemple.test/{n}", PAGE_ONE.replace("19 kilomètres", f"{n} kilomètres"))
    path = crawl.close()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3])
    records = records_of(path)
    good = [r for r in records if isinstance(r, RawRecord)]
    assert 5 < len(good) < 20
    assert [r.fields["url"] for r in good] == [f"https://journal.exemple.test/{n}" for n in range(len(good))]


def test_not_a_warc_file_is_a_failure(tmp_path):
    path = tmp_path / "notes.warc"
    path.write_text("Ceci n'est pas une archive du Web.\n", "utf-8")
    (failure,) = records_of(path)
    assert isinstance(failure, Failure)
    assert failure.origin == f"{path}#1"


def test_web_archive_without_any_page_is_reported(tmp_path):
    crawl = Crawl(tmp_path / "images.warc.gz")
    crawl.info()
    crawl.response("https://journal.exemple.test/photo.jpg", b"\xff\xd8\xff\xe0" + bytes(100), content_type="image/jpeg")
    (failure,) = records_of(crawl.close())
    assert isinstance(failure, Failure)
    assert failure.reason == "no HTML page in this web archive"


def test_whole_file_gzip_reads_like_one_member_per_record(tmp_path):
    plain = a_crawl(tmp_path / "crawl.warc", gz=False)
    whole = tmp_path / "whole.warc.gz"
    whole.write_bytes(gzip.compress(plain.read_bytes()))
    assert [r.content for r in records_of(whole)] == [r.content for r in records_of(plain)]


# --- streaming ------------------------------------------------------------------------------


def test_reading_a_big_warc_holds_one_page_at_a_time(tmp_path):
    filler = "<p>" + "Le conseil municipal a longuement débattu du budget de la ville. " * 400 + "</p>"
    crawl = Crawl(tmp_path / "big.warc.gz")
    for n in range(40):
        crawl.response(f"https://journal.exemple.test/{n}", page(f"Séance {n}", filler * 4))
    path = crawl.close()
    total = 40 * len(filler.encode("utf-8")) * 4  # about 4 MB of pages
    tracemalloc.start()
    try:
        count = sum(1 for _ in read(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 40
    assert peak < total / 4, f"peak {peak} bytes for {total} bytes of pages"


# --- re-extraction from the stored original ------------------------------------------------


def test_record_from_original_rebuilds_a_warc_page(tmp_path):
    (first, _) = records_of(a_crawl(tmp_path / "crawl.warc.gz"))
    again = record_from_original("warc", first.origin, first.raw, first.fields["url"])
    assert again == first
    assert extract(again).to_json() == extract(first).to_json()
