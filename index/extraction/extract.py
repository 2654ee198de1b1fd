"""From a raw record to a clean Article (without entities): main text, title, metadata."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from ..article import Article, Failure, RawRecord
from ..store.originals import digest
from .agencies import find_agencies
from .boilerplate import Stripped, byline_author, drop_repeated_lines, strip_furniture
from .metadata import article_id, date_in_text, date_in_url, detect_language, host_of, normalize_url, parse_date

# Field names news datasets and scrapers use for the same things (news-please,
# newspaper3k, NewsAPI, Common Crawl news extracts, MLSUM, the gilets-jaunes and OrangeSum
# corpora, French exports that name fields in French).
TEXT_FIELDS = (
    "text", "article", "body", "content", "maintext", "main_text", "article_text", "full_text", "fulltext",
    "article_body", "articlebody", "story", "texte", "contenu", "corps",
)
HTML_FIELDS = ("html", "raw_html", "content_html", "body_html", "html_content", "page_html")
TITLE_FIELDS = ("title", "headline", "titre", "name", "title_text")
HEADING_FIELDS = ("heading", "chapo", "chapeau", "lead", "lede", "summary", "description", "standfirst", "intro", "resume", "résumé")
DATE_FIELDS = (
    "date", "date_publish", "published", "published_at", "publishedat", "publication_date", "publish_date", "pubdate", "pub_date",
    "datetime", "date_published", "datepublished", "date_publication", "date_de_publication",
)
URL_FIELDS = ("url", "link", "source_url", "uri", "canonical_url", "article_url", "permalink", "warc-target-uri", "target_uri")
SOURCE_FIELDS = ("source", "sitename", "site_name", "site", "publisher", "source_name", "media", "journal", "source_domain", "domain")
AUTHOR_FIELDS = ("author", "authors", "byline", "auteur", "auteurs", "creator", "writer")

MAX_TITLE_CHARS = 300
DERIVED_TITLE_CHARS = 110  # a title made from the first sentence is cut here, at a word boundary
MAX_LABEL_WORDS = 3  # a page whose every line is this short holds link labels, not an article


def _first(fields: dict[str, Any], names: tuple[str, ...]) -> Any:
    lowered = {str(k).lower(): v for k, v in fields.items()}
    for name in names:
        value = lowered.get(name)
        if value not in (None, "", [], {}):
            return value
    return None


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        parts = [p for p in (_as_text(v) for v in value) if p]
        return ", ".join(parts) if parts else None
    if isinstance(value, dict):
        return _as_text(value.get("name") or value.get("text"))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def _clean_inline(text: str | None) -> str | None:
    if not text:
        return None
    text = " ".join(text.split())
    return text or None


def paragraphs_of(text: str) -> list[str]:
    """Split plain text into paragraphs: one per line, unless lines are hard-wrapped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    blocks = [b for b in re.split(r"\n\s*\n", text) if b.strip()]
    lines = [line for b in blocks for line in b.split("\n") if line.strip()]
    multi = [b for b in blocks if b.count("\n") >= 2]
    # Hard-wrapped text (e-mail, old archives): most lines of multi-line blocks are
    # long-ish and end without punctuation; then a block, not a line, is a paragraph.
    wrapped_lines = [
        line for b in multi for line in b.split("\n")[:-1] if 40 <= len(line.strip()) <= 90 and not line.rstrip().endswith((".", "!", "?", ":", "»"))
    ]
    multi_lines = sum(b.count("\n") for b in multi)
    if multi and multi_lines and len(wrapped_lines) >= 0.6 * multi_lines:
        return [" ".join(b.split()) for b in blocks]
    return [" ".join(line.split()) for line in lines]


def _title_key(line: str) -> str:
    return " ".join(re.findall(r"\w+", line.casefold()))


def _body_without_title(lines: list[str], title: str) -> list[str]:
    key = _title_key(title)
    return [line for line in lines if _title_key(line) != key]


def _body_without_author(lines: list[str], author: str) -> list[str]:
    # A byline repeated in the body: the author's name alone on a line, or "Par <author>".
    keys = {_title_key(author), _title_key(f"par {author}")} - {""}
    return [line for line in lines if _title_key(line) not in keys]


def _byline_date(stripped: Stripped, lines: list[str]) -> dt.date | None:
    # The date a dropped byline gave ("publié le jeudi 02 juillet 2020"), else a dateline.
    bylines = [line for rule, line in stripped.removed if rule == "byline_stamp"]
    return date_in_text(bylines) or date_in_text(lines)


def _byline_author(stripped: Stripped) -> str | None:
    return next((a for rule, line in stripped.removed if rule == "byline_author" and (a := byline_author(line))), None)


def first_sentence_title(text: str) -> str:
    """A title for an article that has none: its first sentence, shortened at a word boundary."""
    sentence = re.split(r"(?<=[.!?…»])\s+(?=[«\"A-ZÀ-Ý0-9])", " ".join(text.split()), maxsplit=1)[0].rstrip(" .")
    if len(sentence) <= DERIVED_TITLE_CHARS:
        return sentence
    cut = sentence.rfind(" ", 0, DERIVED_TITLE_CHARS)
    return sentence[: cut if cut > DERIVED_TITLE_CHARS // 2 else DERIVED_TITLE_CHARS].rstrip(" ,;:") + " …"


def _source_label(source: str | None) -> str | None:
    """The publication's name as written; a bare host ("www.lepoint.fr") without its "www."."""
    source = _clean_inline(source)
    if source and re.fullmatch(r"(?:www\d?\.)?[\w-]+(?:\.[\w-]+)+", source, re.I):
        return source.lower().removeprefix("www.").removeprefix("www2.")
    return source


def _finish(record: RawRecord, *, title: str | None, lines: list[str], url: str | None, date, author, source,
            derived: dict[str, str] | None = None, removed: Iterable[tuple[str, str]] = (),
            database: dict[str, Any] | None = None) -> Article | Failure:
    lines = drop_repeated_lines(lines)
    derived = dict(derived or {})
    if date is None and (date := date_in_url(url)):
        derived["date"] = "url"
    if title:
        title = _clean_inline(title)[:MAX_TITLE_CHARS]
        lines = _body_without_title(lines, title)
    if author := _clean_inline(author):
        lines = _body_without_author(lines, author)
    text = "\n\n".join(lines).strip()
    if not text:
        return Failure(record.origin, "no article text found (empty, or only page furniture)")
    if not title:
        # A hit needs a line a reader can use: the first sentence stands for the missing title.
        title = first_sentence_title(text)
        derived["title"] = "first sentence"
    raw = record.raw or text.encode("utf-8", "surrogatepass")
    return Article(
        id=article_id(url, raw, f"{database['name']}:{database['id']}" if database and database.get("id") else None),
        title=title,
        text=text,
        origin=record.origin,
        date=date,
        author=author,
        source=_source_label(source),
        url=url,
        language=detect_language(text),
        original=digest(raw),
        kind=record.kind,
        raw=raw,
        derived=derived,
        agencies=find_agencies(removed, lines, byline=author),
        database=database,
    )


def _from_text(record: RawRecord) -> Article | Failure:
    stripped = strip_furniture(paragraphs_of(record.content))
    lines = stripped.lines
    if not lines:
        return Failure(record.origin, "no article text found (empty, or only page furniture)")
    # The first remaining line of a text file is its title (when it reads like one).
    title = None
    if len(lines) > 1 and len(lines[0]) <= MAX_TITLE_CHARS:
        title, lines = lines[0], lines[1:]
    return _finish(
        record,
        title=title,
        lines=lines,
        url=None,
        date=_byline_date(stripped, lines),
        author=_byline_author(stripped),
        source=stripped.source,
        removed=stripped.removed,
    )


def _from_html(record: RawRecord, url_hint: str | None = None) -> Article | Failure:
    import trafilatura  # heavy import: only where HTML is read

    try:
        doc = trafilatura.bare_extraction(
            record.content,
            url=url_hint,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            deduplicate=False,
        )
    except Exception as exc:  # noqa: BLE001 - a library failure on one page must not stop the batch
        return Failure(record.origin, f"HTML extraction failed: {type(exc).__name__}: {exc}")
    if doc is None:
        return Failure(record.origin, "no article text found in the HTML page")
    meta = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    stripped = strip_furniture(paragraphs_of(meta.get("text") or ""))
    if stripped.lines and all(len(line.split()) <= MAX_LABEL_WORDS for line in stripped.lines):
        # What trafilatura falls back to on a page without an article: the labels of its menu links.
        return Failure(record.origin, "no article text found in the HTML page (only navigation links)")
    url = normalize_url(url_hint) or normalize_url(meta.get("url"))
    source = stripped.source or meta.get("sitename") or host_of(url) or meta.get("hostname")
    return _finish(
        record,
        title=meta.get("title"),
        lines=stripped.lines,
        url=url,
        date=parse_date(meta.get("date")) or _byline_date(stripped, []),
        author=meta.get("author") or _byline_author(stripped),
        source=source,
        removed=stripped.removed,
    )


def _from_fields(record: RawRecord) -> Article | Failure:
    fields = record.fields
    url = normalize_url(_as_text(_first(fields, URL_FIELDS)))
    html = _as_text(_first(fields, HTML_FIELDS))
    text = _as_text(_first(fields, TEXT_FIELDS))
    if not text and html:
        article = _from_html(RawRecord(record.origin, "html", content=html, raw=record.raw), url_hint=url)
        if isinstance(article, Article):
            article.kind = record.kind  # the original is the JSON line, not the page inside it
            title = _clean_inline(_as_text(_first(fields, TITLE_FIELDS)))
            if title:
                article.title = title[:MAX_TITLE_CHARS]
                article.derived.pop("title", None)
            article.date = parse_date(_first(fields, DATE_FIELDS)) or article.date
            article.source = _clean_inline(_as_text(_first(fields, SOURCE_FIELDS))) or article.source
        return article
    heading = _as_text(_first(fields, HEADING_FIELDS))
    derived = {}
    if not text and heading:
        # A record with a title and a standfirst but no body (OrangeSum has them): the standfirst is its text.
        text, heading, derived["text"] = heading, None, "heading"
    if not text:
        names = ", ".join(TEXT_FIELDS[:4])
        return Failure(record.origin, f"no article text: expected one of the fields {names} (or html)")
    body = paragraphs_of(text)
    if heading and _title_key(heading) not in {_title_key(p) for p in body[:2]}:
        body = paragraphs_of(heading) + body  # the standfirst is the article's first paragraph
    stripped = strip_furniture(body)
    source = _as_text(_first(fields, SOURCE_FIELDS)) or stripped.source or host_of(url)
    return _finish(
        record,
        title=_as_text(_first(fields, TITLE_FIELDS)),
        lines=stripped.lines,
        url=url,
        date=parse_date(_first(fields, DATE_FIELDS)) or _byline_date(stripped, []),
        author=_as_text(_first(fields, AUTHOR_FIELDS)) or _byline_author(stripped),
        source=source,
        derived=derived,
        removed=stripped.removed,
    )


def _from_press(record: RawRecord) -> Article | Failure:
    """An article of a press-database export: the database's fields, its text through the same furniture rules."""
    fields = record.fields
    body = paragraphs_of(fields.get("text") or "")
    subtitle = _clean_inline(fields.get("subtitle"))
    if subtitle and _title_key(subtitle) not in {_title_key(p) for p in body[:2]}:
        body = [subtitle, *body]  # the standfirst is the article's first paragraph, as for JSON lines
    stripped = strip_furniture(body)
    described = {"name": fields.get("database") or record.kind, "id": fields.get("doc_id")}
    described |= {k: fields[k] for k in ("section", "page", "words", "subtitle", "language") if fields.get(k) not in (None, "")}
    described |= {k: v for k, v in (fields.get("extra") or {}).items() if v not in (None, "", [])}
    return _finish(
        record,
        title=fields.get("title"),
        lines=stripped.lines,
        url=normalize_url(fields.get("url")),
        date=parse_date(fields.get("date")),
        author=fields.get("author") or _byline_author(stripped),
        source=fields.get("publication") or stripped.source,
        removed=stripped.removed,
        database=described,
    )


def extract(record: RawRecord) -> Article | Failure:
    """Turn one raw record into an Article without entities, or a Failure saying why not."""
    try:
        if record.kind == "html":
            return _from_html(record)
        if record.kind == "warc":
            return _from_html(record, url_hint=record.fields.get("url"))
        if record.kind == "fields":
            return _from_fields(record)
        if record.fields.get("database"):  # an article of a press-database export (inputs/exports/)
            return _from_press(record)
        return _from_text(record)
    except RecursionError:
        return Failure(record.origin, "document too deeply nested to parse")
