"""Europresse HTML exports: one file of tens to a thousand articles, split into PressArticles.

Three layouts are read, as the public parsers document them (tm.plugin.europresse,
CERES-Sorbonne's EuroParser, medialab's minet, PirehP1's EuropresseToLexico):
  - before 2014: no <article>; each article is the cell of a table, with spans
    DocPublicationName, DocHeader and TitreArticleVisu, then the body as loose text
    between empty <p>, then "Numéro de document : news·..." and a certificate table;
  - from 2016: one <article> each, <header> (DocPublicationName, DocHeader,
    titreArticleVisu, docAuthors), the body in div.docOcurrContainer, <aside>
    (illustrations, notes) and <footer> (copyright, document number, certificate);
  - the current one: the same with rdp__ wrappers (rdp__DocPublicationName,
    rdp__articletitle, rdp__subtitle, the byline in p.sm-margin-bottomNews) and the
    document number in div.publiC-lblNodoc.
Everything is found by class, never by position, so a field missing in one article is
None there and the others still read.
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date

import lxml.html
from lxml import etree

from ..encoding import DecodeError, declared_charset, decode
from .record import Cut, PressArticle

NAME = "europresse"

# --- recognising: Europresse's own class names, never the file name ---------------------------------
# A class attribute naming one of these (a quoted value, so `class=&quot;...` in a page that merely
# shows Europresse's code does not count).
_MARKER = re.compile(
    rb"""class\s*=\s*(?:"[^"<>]*?|'[^'<>]*?|)\b(DocPublicationName|docOcurrContainer|publiC-lblNodoc|[Tt]itreArticleVisu|rdp__\w+|DocHeader)\b"""
)
_CORE = {b"docpublicationname", b"dococurrcontainer", b"public-lblnodoc"}
_SCAN = 4 * 1024 * 1024  # the first article comes right after the cover: no need to read a whole export

# --- segmenting -------------------------------------------------------------------------------------
# An <article> start or end tag; a start cut at the end of the file still counts (it opens a cut article).
_ARTICLE_TAG = re.compile(r"<(/?)article(?=[\s>/]|$)[^>]*>?", re.I)
_ARTICLE_TAG_B = re.compile(rb"<(/?)article(?=[\s>/]|$)[^>]*>?", re.I)
_PUBNAME_B = re.compile(rb"""class\s*=\s*["']?DocPublicationName\b""")
_HTML_LANG = re.compile(r"""<html\b[^>]*?\blang\s*=\s*["']?([A-Za-z]{2,3})\b""", re.I)
_PARSER = lxml.html.HTMLParser(encoding="utf-8")
_WRAP = '<html{lang}><head><meta charset="utf-8"></head><body>{body}</body></html>'

# --- the header: "Monde, jeudi 15 novembre 2018 612 mots, p. 8" -------------------------------------
_MONTHS = {
    "janvier": 1, "janv": 1, "février": 2, "fevrier": 2, "févr": 2, "fevr": 2, "mars": 3, "avril": 4, "avr": 4,
    "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "août": 8, "aout": 8, "septembre": 9, "sept": 9, "octobre": 10,
    "oct": 10, "novembre": 11, "nov": 11, "décembre": 12, "decembre": 12, "déc": 12, "dec": 12,
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9, "october": 10,
    "november": 11, "december": 12,
}  # fmt: skip
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_WEEKDAY = r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_DATES = (  # (pattern, order of day/month/year groups)
    (re.compile(rf"(?:\b{_WEEKDAY},?\s+)?\b(\d{{1,2}})(?:er|st|nd|rd|th)?\s+({_MONTH})\.?\s+(\d{{4}})\b", re.I), (1, 2, 3)),
    (re.compile(rf"(?:\b{_WEEKDAY},?\s+)?\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I), (2, 1, 3)),
)
_PAGE = re.compile(r"\bp\.\s*([A-Za-z]{0,3}\d+[A-Za-z0-9()\-]*)")
_WORDS = re.compile(r"(?<![\d:])\b(\d{1,3}(?:[ .]\d{3})+|\d+)\s+(?:mots|words)\b", re.I)  # not the minutes of "06:30 845 mots"
_DOC_ID = re.compile(r"\b[a-z]{2,12}·(\d{8})·[\w-]+·[\w-]+", re.I)
# "La Croix, no. 43018", "La Croix no 43018", "Libération ; n° 12901", "Review, Vol. 14, no 4": the issue goes.
_ISSUE = re.compile(r"\s*[,;]?\s*(?:\bno\b\.?|\bn°|\bnº|\bnum[ée]ro\b|\bvol\b\.?)\s*[\w.-]*\d.*$", re.I)
_BYLINE_PREFIX = re.compile(r"^(?:par|by)\s+", re.I)

# --- the body -----------------------------------------------------------------------------------------
# fmt: off
_BLOCK = frozenset({
    "p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "blockquote", "tr", "table",
    "section", "article", "header", "footer", "pre", "dd", "dt", "hr",
})
_FURNITURE_TAGS = frozenset({
    "script", "style", "noscript", "figure", "figcaption", "img", "picture", "svg", "aside", "iframe",
    "video", "audio", "form", "button", "input", "footer", "object",
})
# fmt: on
# Classes of captions, credits, republication lists and legal blocks (matched as parts of the class attribute).
_FURNITURE_CLASSES = ("legende", "caption", "illustration", "credit", "apd-wrapper", "doc-legalinfo", "public-")
_SOURCE_LINK = re.compile(r"^\s*cet article est paru dans\b", re.I)
_URL = re.compile(r"https?://\S+")
# Paragraphs that are the database's, not the article's: dropped wherever they stand.
_FURNITURE = tuple(
    re.compile(p, re.I)
    for p in (
        r"^(?:©|\(c\)\s*\d{4}|copyright\b).{0,300}$",  # "© 2018 La Croix. Tous droits réservés."
        r"^.{0,200}\btous droits réservés\.?$",
        r"\ble présent document est protégé par les lois et conventions internationales\b",
        r"^(?:certificat émis le|ce certificat est émis à)\b",
        r"\bà des fins de visualisation personnelle et temporaire\b",
        r"^date d'émission\s*:",
        r"^cet article est paru dans\b",
        r"^(?:illustrations?|photos?|légendes?|crédits? photos?)\s*:",
    )
)
# Paragraphs after which nothing is body: the captions and notes block, the document number.
_END_OF_BODY = tuple(re.compile(p, re.I) for p in (r"^(?:illustration|note)\(s\)\s*:?", r"^numéro de document\s*:", r"^[a-z]{2,12}·\d{8}·[\w-]+·[\w-]+$"))
_LITERAL_BREAK = re.compile(r"</?(?:p|div)\b[^<>]*>|<br\s*/?>", re.I)  # tags escaped twice in the export show as text
_LITERAL_TAG = re.compile(r"</?(?:span|mark|b|i|em|strong|font|a|u|sup|sub)\b[^<>]*>", re.I)
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-f]+|[a-z]+\d*);", re.I)
_MARK = "\x00"  # stands for the title in the old layout's stream of paragraphs


def recognise(data: bytes) -> bool:
    """True when the bytes are a Europresse HTML export (by its class names, whatever the file is called)."""
    found: set[bytes] = set()
    for match in _MARKER.finditer(data, 0, _SCAN):
        name = match.group(1).lower()
        found.add(b"rdp__" if name.startswith(b"rdp__") else name)
        if len(found) >= 2 and found & _CORE:
            return True
    return False


def count(data: bytes) -> int:
    """How many articles split will give: the complete <article> elements, or the publication names of the old layout."""
    spans = list(_spans(data, _ARTICLE_TAG_B))
    if spans:
        return sum(1 for _, end in spans if end is not None)
    return len(_PUBNAME_B.findall(data))


def split(data: bytes) -> Iterator[PressArticle | Cut]:
    """The export's articles in order; a Cut for an article cut short or without a body."""
    try:
        text, _ = decode(data, declared_charset(data))
    except DecodeError as exc:
        yield Cut(1, f"not readable as text: {exc}")
        return
    match = _HTML_LANG.search(text, 0, 8192)
    lang = match.group(1).lower() if match else None
    spans = list(_spans(text, _ARTICLE_TAG))
    if spans:
        for number, (start, end) in enumerate(spans, 1):
            if end is None:  # a thousand-article export cut in a download: the articles before it stand
                yield Cut(number, "the export is cut short in this article (no end of the article)")
            else:
                yield _read(number, text[start:end], lang, _article_fields)
    else:
        for number, cell in enumerate(_old_cells(text), 1):
            yield _read(number, f"<table><tr>{cell}</tr></table>", lang, _old_fields)


def _spans(text, pattern: re.Pattern) -> Iterator[tuple[int, int | None]]:
    """(start, end) of each top-level <article> of `text` (str or bytes); end None when it never closes."""
    depth, start = 0, 0
    for match in pattern.finditer(text):
        if not match.group(1):
            if depth == 0:
                start = match.start()
            depth += 1
        elif depth:  # a stray end tag outside any article is ignored
            depth -= 1
            if depth == 0:
                yield start, match.end()
    if depth:
        yield start, None


def _old_cells(text: str) -> list[str]:
    """The old layout: for each publication name, the largest table cell holding that article alone."""
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8"), parser=_PARSER)
    except etree.LxmlError:  # nothing but blanks or a doctype: no article
        return []
    names = _all(root, "DocPublicationName")
    holding: dict[lxml.html.HtmlElement, int] = {}
    for span in names:  # how many articles each cell holds, so a page-wide layout table is never taken for one
        for cell in span.iterancestors("td"):
            holding[cell] = holding.get(cell, 0) + 1
    cells: list[lxml.html.HtmlElement] = []
    for span in names:
        alone = [cell for cell in span.iterancestors("td") if holding[cell] == 1]
        cell = alone[-1] if alone else span.getparent()
        if cell is not None and all(cell is not seen for seen in cells):
            cells.append(cell)
    # Each as a table cell, even when the export put the article elsewhere, so its part reads as this layout again.
    html = [lxml.html.tostring(cell, encoding="unicode", with_tail=False) for cell in cells]
    return [h if cell.tag == "td" else f"<td>{h}</td>" for cell, h in zip(cells, html, strict=True)]


def _read(number: int, source: str, lang: str | None, reader: Callable[[lxml.html.HtmlElement], dict | str]) -> PressArticle | Cut:
    """One article from its own HTML; the same wrapped HTML, in UTF-8, is its part (so split(part) reads it again)."""
    part = _WRAP.format(lang=f' lang="{lang}"' if lang else "", body=source).encode("utf-8")
    try:
        root = lxml.html.document_fromstring(part, parser=_PARSER)
        fields = reader(root)
    except (ValueError, TypeError, LookupError, AttributeError, RecursionError, etree.LxmlError) as exc:  # one broken article must not stop the export
        return Cut(number, f"unreadable article: {exc}")
    if isinstance(fields, str):
        return Cut(number, fields)
    own = root.xpath("string(//article/@lang)") or lang
    return PressArticle(database=NAME, language=own[:2].lower() if own else None, part=part, **fields)


def _article_fields(root: lxml.html.HtmlElement) -> dict | str:
    """The fields of an <article> (2016 and rdp__ layouts), or why it cannot be read."""
    art = root.find(".//article")
    body_el = _first(art, "docOcurrContainer", "DocText")
    if body_el is None:
        return "article without a body (no docOcurrContainer): cut short or broken"
    url = None
    for link in list(body_el.iter("a")):
        if _SOURCE_LINK.match(link.text_content()):  # "Cet article est paru dans Le Monde (site web)": the source, not text
            url = url or (link.get("href") or "").strip() or None
            link.drop_tree()
    paragraphs = _paragraphs(body_el, _is_furniture)
    url = url or next((m.group().rstrip(".,)") for p in paragraphs if _SOURCE_LINK.match(p) for m in [_URL.search(p)] if m), None)
    number_el = _first(art, "publiC-lblNodoc")
    doc_id = _doc_id(number_el.text_content() if number_el is not None else art.text_content())
    for el in [body_el, *art.iter("section", "aside", "footer")]:
        if el.getparent() is not None and el is not art:
            el.drop_tree()  # what remains is the header, whatever tags Europresse wrapped it in
    title_el = _first(art, "rdp__articletitle", "titreArticleVisu", "TitreArticleVisu", "grandTitre", "titreArticle")
    subtitle_els = _all(art, "rdp__subtitle") or art.xpath(".//header//b//p")
    author_el = next((e for e in reversed(_all(art, "docAuthors") or _all(art, "sm-margin-bottomNews")) if _line(e)), None)
    parts = (title_el, author_el, *subtitle_els)
    title = _line(title_el, lambda e: any(e is p for p in parts if p is not title_el))
    header = " ".join(_line(e) for e in _all(art, "DocHeader"))
    rest = _line(art, lambda e: any(e is p for p in parts) or _has_class(e, "DocPublicationName"))
    return _fields(art, title, " ".join(_line(e) for e in subtitle_els), _line(author_el), header, rest, doc_id, paragraphs, url)


def _old_fields(root: lxml.html.HtmlElement) -> dict | str:
    """The fields of a table cell of the old layout, or why it cannot be read."""
    cell = root.find(".//td")
    doc_id = _doc_id(cell.text_content())
    if doc_id is None:  # every old-layout article ends with its document number: without it, it was cut
        return "article without its document number: the export is cut short here"
    title_el = _first(cell, "TitreArticleVisu", "titreArticleVisu")
    header = " ".join(_line(e) for e in _all(cell, "DocHeader"))
    stream = _paragraphs(cell, _old_furniture, mark=title_el)
    before, after = (stream[: stream.index(_MARK)], stream[stream.index(_MARK) + 1 :]) if _MARK in stream else ([], stream)
    # A short first line without final punctuation, before more text, is the byline (as tm.plugin.europresse reads it).
    author = after[0] if len(after) > 1 and len(after[0].split()) <= 8 and not re.search(r"[.!?…:;»\"]$", after[0]) else ""
    body = after[1:] if author else after
    return _fields(cell, _line(title_el), " ".join(before), author, header, "", doc_id, body, None)


def _old_furniture(el) -> bool:
    """Not body in the old layout: the logo and certificate tables, the publication and header spans."""
    return el.tag == "table" or _has_class(el, "DocPublicationName", "DocHeader") or _is_furniture(el)


def _fields(scope, title, subtitle, author, header, rest, doc_id, paragraphs, url) -> dict | str:
    text = "\n\n".join(_clean_body(paragraphs))
    if not text:
        return "article without text (Europresse gave only its header or a link)"
    pub_el = _first(scope, "DocPublicationName")
    publication, edition = _publication(pub_el) if pub_el is not None else (None, None)
    day, section, page, words = _header(header)
    if day is None:  # a web source without DocHeader: the date is elsewhere in the header, else in the document number
        day = _header(rest)[0] or (_doc_date(doc_id) if doc_id else None)
    author = _BYLINE_PREFIX.sub("", author).strip(" ,")
    if _header(author)[0] or len(author.split()) > 15:  # a dateline or a sentence where the byline would be
        author = ""
    return {
        "doc_id": doc_id, "title": title or None, "text": text, "publication": publication, "date": day,
        "author": author or None, "subtitle": subtitle or None,
        "section": section, "page": page, "words": words, "url": url, "extra": {"edition": edition} if edition else {},
    }  # fmt: skip


def _publication(el: lxml.html.HtmlElement) -> tuple[str | None, str | None]:
    """("La Croix", None) from "La Croix, no. 43018"; ("Ouest-France", "Rennes") from "Ouest-France<br>Rennes"."""
    for br in el.iter("br"):
        br.tail = "\n" + (br.tail or "")
    lines = [_norm(s) for s in re.split(r"\n|\s{3,}", el.text_content())]
    lines = [s for s in lines if s]
    if not lines:
        return None, None
    name = _ISSUE.sub("", lines[0]).strip(" ,;-") or lines[0]
    return name, " ; ".join(lines[1:]) or None


def _header(text: str) -> tuple[str | None, str | None, str | None, int | None]:
    """(ISO date, section, page, words) of a DocHeader line; None for what it does not say."""
    text = _norm(text).replace(" ,", ",")
    found = [(m, order) for pattern, order in _DATES for m in [pattern.search(text)] if m]
    day = section = None
    rest = text
    for match, (d, m, y) in sorted(found, key=lambda f: f[0].start()):
        try:
            day = date(int(match.group(y)), _MONTHS[match.group(m).lower()], int(match.group(d))).isoformat()
        except (ValueError, KeyError):
            continue
        section = text[: match.start()].strip(" ,;-–|") or None
        rest = text[match.end() :]
        break
    page = _PAGE.search(rest)
    words = _WORDS.search(rest)
    return day, section, page.group(1) if page else None, int(re.sub(r"\D", "", words.group(1))) if words else None


def _doc_id(text: str) -> str | None:
    match = _DOC_ID.search(text)
    return match.group() if match else None


def _doc_date(doc_id: str) -> str | None:
    """The day in the document number ("news·20181115·LC·..."): when Europresse indexed it, the day it appeared."""
    match = _DOC_ID.match(doc_id)
    try:
        return date(int(match.group(1)[:4]), int(match.group(1)[4:6]), int(match.group(1)[6:])).isoformat() if match else None
    except ValueError:
        return None


def _clean_body(paragraphs: Iterable[str]) -> list[str]:
    """The article's paragraphs: literal tags and leftover entities undone, the database's furniture out."""
    out: list[str] = []
    for raw in paragraphs:
        for piece in _LITERAL_BREAK.split(raw):
            text = _LITERAL_TAG.sub("", piece)
            text = _norm(htmllib.unescape(text) if _ENTITY.search(text) else text)
            if not text:
                continue
            if any(rule.search(text) for rule in _END_OF_BODY):
                return out
            if not any(rule.search(text) for rule in _FURNITURE):
                out.append(text)
    return out


def _paragraphs(el, skip: Callable[[lxml.html.HtmlElement], bool] = lambda e: False, mark=None) -> list[str]:
    """The text of `el` as paragraphs: block elements and <br> break them, inline ones (<mark>, <b>) join without a space."""
    parts: list[list[str]] = [[]]

    def cut() -> None:
        if parts[-1]:
            parts.append([])

    def walk(node, top: bool) -> None:
        tag = node.tag.lower() if isinstance(node.tag, str) else ""
        if mark is not None and node is mark:
            cut()
            parts[-1].append(_MARK)
            cut()
        elif tag and not skip(node):  # comments have no str tag: their text is no content, their tail is
            if tag in _BLOCK:
                cut()
            if node.text:
                parts[-1].append(node.text)
            for child in node:
                walk(child, False)
            if tag in _BLOCK:
                cut()
        if node.tail and not top:
            parts[-1].append(node.tail)

    if el is not None:
        walk(el, True)
    return [p for p in (_norm("".join(part)) for part in parts) if p]


def _line(el, skip: Callable[[lxml.html.HtmlElement], bool] = lambda e: False) -> str:
    return " ".join(_paragraphs(el, skip)) if el is not None else ""


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u200b", "").replace("\xad", "")).strip()


def _has_class(el, *names: str) -> bool:
    classes = (el.get("class") or "").split() if isinstance(el.tag, str) else []
    return any(name in classes for name in names)


def _is_furniture(el) -> bool:
    if not isinstance(el.tag, str):
        return False
    classes = (el.get("class") or "").lower()
    return el.tag.lower() in _FURNITURE_TAGS or any(word in classes for word in _FURNITURE_CLASSES)


def _all(root, name: str) -> list[lxml.html.HtmlElement]:
    return root.xpath(".//*[contains(concat(' ', normalize-space(@class), ' '), $name)]", name=f" {name} ")


def _first(root, *names: str) -> lxml.html.HtmlElement | None:
    """The first element of the first class of `names` found (the most specific first)."""
    return next((found[0] for name in names if (found := _all(root, name))), None)
