"""Factiva exports ("article with indexing", HTML): each article a table of rows keyed by a field code.

The layout, as tm.plugin.factiva (R, FactivaSource/readFactivaHTML) reads it: every article is a
`<div class="article frArticle">` (the two letters are its language) holding a table of rows
`<td class="index"><b>HD</b>&nbsp;</td><td>value</td>`; the code cell is sometimes wrapped in
`<p>` or preceded by `<br/>`, the body fields LP (lead) and TD (text) hold
`<p class="articleParagraph">` paragraphs, and AN ("Document LCROIX0020181115eebf0000b") is the
article's last row. Exports saved otherwise lose the div or spread an article over several tables,
so articles are told apart by their container when there is one, else by AN closing an article and
by a code coming back (a second HD starts the next article).
"""

from __future__ import annotations

import copy
import html
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from ..encoding import DecodeError, declared_charset, decode
from .record import Cut, PressArticle

NAME = "factiva"

# --- recognising ----------------------------------------------------------------------------------

# A code in a bold first cell, possibly behind <p>, <br/> or spaces (as Factiva writes LP, TD, NS...).
_CODE_CELL = re.compile(
    rb"<td\b[^>]*>(?:\s|&nbsp;|&#160;|<(?:p|br|span|div|font)\b[^>]*>)*<(?:b|strong)\b[^>]*>\s*([A-Z]{2,3})\s*(?:&nbsp;|&#160;|\xc2\xa0|\s)*</(?:b|strong)>",
    re.I,
)
# Codes an ordinary table never holds together: a page with "HD" and "OS" rows (a computer's specs) is no export.
_TELLING = {b"HD", b"WC", b"PD", b"ET", b"SN", b"SC", b"LA", b"CY", b"LP", b"TD", b"AN", b"NS", b"RE", b"IPD", b"BY"}
_ENOUGH = 4
# ...and something only an export holds: an article's <div class="article frArticle">, or an accession number
# (source, date, then "e" and eight characters: LCROIX0020181115eebf0000b). A help page listing the codes has neither.
_ARTICLE_DIV = re.compile(rb"""class\s*=\s*["']?article\s+[a-z]{2}Article\b""")
_ACCESSION = re.compile(rb"\b[A-Z0-9]{4,}(?:19|20)\d{6}[a-z][0-9a-z]{8}\b")
# Factiva's own page furniture (its logo cell, its navigation): an export page even when it holds no article.
_SHELL = re.compile(rb"""class\s*=\s*["']?(?:factivalogo|fcpNavContainer)\b""")
_HEAD = 2 * 1024 * 1024  # the first article starts after some 100 KB of style sheet; no need to read a whole export


def recognise(data: bytes) -> bool:
    """True when the bytes hold Factiva's field-code rows (a headline, HD, and three other codes of its own) and an article of its,
    or Factiva's page furniture (an export page that holds no article is still one: reading it says so)."""
    head = data[:_HEAD]
    if _SHELL.search(head):
        return True
    found: set[bytes] = set()
    for match in _CODE_CELL.finditer(head):
        code = match.group(1)
        if code in _TELLING:  # case-sensitive: Factiva writes codes in capitals, pages write "Hd" or "hd"
            found.add(code)
            if b"HD" in found and len(found) >= _ENOUGH:
                return bool(_ARTICLE_DIV.search(head) or _ACCESSION.search(head))
    return False


# --- what each field code becomes ------------------------------------------------------------------

_SPACE = re.compile(r"\s+")
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});")  # entities escaped twice by the export


def _clean(text: str) -> str:
    text = _ENTITY.sub(lambda m: html.unescape(m.group()), _INVISIBLE.sub("", text))
    return _SPACE.sub(" ", text).strip()


def _inline(text: str) -> str | None:
    return _clean(text) or None


def _byline(text: str) -> str | None:
    # "Par Jean Dupont" -> the names as written; the word before them is no name.
    return _inline(re.sub(r"^\s*(?:par|by)\s+", "", text, flags=re.I))


def _publication(text: str) -> str | None:
    # "Les Echos, no. 22817" -> the title alone: the issue number is no part of the publication's name.
    return _inline(re.sub(r",?\s*\b(?:no\.?|n°|nº|num[ée]ro)\s*\d+\b.*$", "", text, flags=re.I))


def _accession(text: str) -> str | None:
    # "Document LCROIX0020181115eebf0000b": the number is the last word, whatever the export's language says before it.
    words = _clean(text).split()
    return words[-1] if words else None


_NUMBER = re.compile(r"\d{1,3}(?:[ ,.\u00a0\u202f]\d{3})+(?!\d)|\d+")


def _word_count(text: str) -> int | None:
    # "1 045 mots", "1,045 words", "1.045 Wörter": the first number, thousands separators dropped.
    match = _NUMBER.search(_clean(text))
    return int(re.sub(r"\D", "", match.group())) if match else None


def _plain(text: str) -> str:
    """Lower case without accents, to look names up ("Février" -> "fevrier")."""
    return "".join(c for c in unicodedata.normalize("NFD", text.lower()) if unicodedata.category(c) != "Mn")


# Month names (and the abbreviations Factiva's interfaces use) of the languages researchers export in.
_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "janvier january januar enero gennaio janeiro januari jan janv ene gen",
        "fevrier february februar febrero febbraio fevereiro februari feb fev fevr",
        "mars march marz maerz marzo marco maart mar",
        "avril april abril aprile apr avr abr",
        "mai may mayo maggio maio mei",
        "juin june juni junio giugno junho jun",
        "juillet july juli julio luglio julho jul juil lug",
        "aout august agosto augustus aug ago",
        "septembre september septiembre settembre setembro sep sept set",
        "octobre october oktober octubre ottobre outubro oct okt ott out",
        "novembre november noviembre novembro nov",
        "decembre december dezember diciembre dicembre dezembro dec dez dic",
    ),
    start=1,
):
    _MONTHS.update(dict.fromkeys(_names.split(), _number))

_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})(?:er|st|nd|rd|th|\.|º)?\s+(?:de\s+)?([a-z]+)\.?,?\s+(?:de\s+)?(\d{4})")
_MONTH_DAY_YEAR = re.compile(r"([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_NUMERIC = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})")  # day first, as European exports write it


def _date(text: str) -> str | None:
    """ISO yyyy-mm-dd from "15 novembre 2018", "15 November 2018", "November 15, 2018", "2018-11-15" or "15/11/2018"."""
    plain = _plain(_clean(text))
    found: tuple[int, int, int] | None = None
    if (m := _DAY_MONTH_YEAR.search(plain)) and m.group(2) in _MONTHS:
        found = (int(m.group(3)), _MONTHS[m.group(2)], int(m.group(1)))
    elif (m := _MONTH_DAY_YEAR.search(plain)) and m.group(1) in _MONTHS:
        found = (int(m.group(3)), _MONTHS[m.group(1)], int(m.group(2)))
    elif m := _ISO.search(plain):
        found = (int(m.group(1)), int(m.group(2)), int(m.group(3)))
    elif m := _NUMERIC.search(plain):
        found = (int(m.group(3)), int(m.group(2)), int(m.group(1)))
    if found is None:
        return None
    try:
        return date(*found).isoformat()
    except ValueError:  # "31 février": no such day
        return None


# LA as Factiva writes it in the interface's language -> ISO 639-1.
_LANGUAGES: dict[str, str] = {}
for _code, _names in {
    "fr": "francais french franzosisch frances francese",
    "en": "anglais english englisch ingles inglese",
    "de": "allemand german deutsch aleman tedesco",
    "es": "espagnol spanish spanisch espanol spagnolo castellano",
    "it": "italien italian italienisch italiano",
    "pt": "portugais portuguese portugiesisch portugues portoghese",
    "nl": "neerlandais dutch niederlandisch nederlands hollandais",
    "ar": "arabe arabic arabisch",
    "ru": "russe russian russisch",
    "zh": "chinois chinese chinesisch",
    "ja": "japonais japanese japanisch",
}.items():
    _LANGUAGES.update(dict.fromkeys(_names.split(), _code))


def _language(text: str) -> str | None:
    plain = _plain(_clean(text))
    if plain in _LANGUAGES:
        return _LANGUAGES[plain]
    return plain if re.fullmatch(r"[a-z]{2}", plain) else None


_LIST_SEPARATOR = re.compile(r"\s*(?:\||;\s|\s-{2,}\s)\s*")


def _codes(text: str) -> list[str] | None:
    # "gpol : Politique intérieure | gcat : Actualité politique et générale": one "code : label" pair an item.
    items = [item for item in (_clean(part) for part in _LIST_SEPARATOR.split(_clean(text))) if item]
    return items or None


# Field code -> (what it becomes, how its text is read). Names of PressArticle's own fields fill them;
# any other name is a key of `extra`. LP and TD are the body (read apart, as paragraphs); a code not
# listed here (a vendor's private field) is left out rather than guessed at.
FIELDS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "HD": ("title", _inline),
    "BY": ("author", _byline),
    "WC": ("words", _word_count),
    "PD": ("date", _date),
    "SN": ("publication", _publication),
    "SE": ("section", _inline),
    "PG": ("page", _inline),
    "LA": ("language", _language),
    "AN": ("doc_id", _accession),
    "ET": ("time", _inline),
    "SC": ("source_code", _inline),
    "ED": ("edition", _inline),
    "CLM": ("column", _inline),
    "CY": ("copyright", _inline),  # never in the text: it is the database's notice, not the journalist's words
    "PUB": ("publisher", _inline),
    "CR": ("credit", _inline),
    "ART": ("captions", _inline),
    "RF": ("reference", _inline),
    "NS": ("subjects", _codes),
    "RE": ("regions", _codes),
    "IN": ("industries", _codes),
    "CO": ("companies", _codes),
    "IPD": ("descriptors", _codes),
    "IPC": ("provider_codes", _codes),
}
BODY = ("LP", "TD")  # lead paragraph, then the rest of the text
_OWN = {"title", "author", "words", "date", "publication", "section", "page", "language", "doc_id"}

# --- reading the rows ------------------------------------------------------------------------------

_CODE = re.compile(r"[A-Z]{2,3}")
_BLOCKS = {"p", "div", "li", "ul", "ol", "table", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre"}
_SKIPPED = {"script", "style", "head", "title", "noscript"}
_ARTICLE_CLASS = re.compile(r"^([a-z]{2})Article$")


def _pieces(element: Any, out: list[str], tail: bool = True) -> None:
    """The text of `element`, spaces collapsed as a browser does, with a newline where a paragraph or <br> breaks it."""
    if isinstance(element.tag, str) and element.tag.lower() not in _SKIPPED:  # comments and scripts are no text
        tag = element.tag.lower()
        out.append("\n" if tag in _BLOCKS or tag == "br" else "")
        out.append(_SPACE.sub(" ", element.text or ""))
        for child in element:
            _pieces(child, out)
        out.append("\n" if tag in _BLOCKS else "")
    if tail and element.tail:
        out.append(_SPACE.sub(" ", element.tail))


def _lines(cell: Any) -> list[str]:
    out: list[str] = []
    _pieces(cell, out, tail=False)
    return [line for line in (_clean(part) for part in "".join(out).split("\n")) if line]


@dataclass
class _Group:
    """The rows of one article: each code's value cells, in order."""

    container: Any  # the <div class="article xxArticle"> around it, or None
    rows: list[Any] = field(default_factory=list)
    cells: dict[str, list[Any]] = field(default_factory=dict)

    def text(self, code: str) -> str | None:
        values = [" ".join(_lines(cell)) for cell in self.cells.get(code, [])]
        joined = " ".join(v for v in values if v)
        return joined or None

    def body(self) -> list[str]:
        paragraphs = [line for code in BODY for cell in self.cells.get(code, []) for line in _lines(cell)]
        notice = self.text("CY")
        # Some sources repeat their copyright notice as the last paragraph: it goes with CY, out of the text.
        return [p for p in paragraphs if not (notice and _clean(p) == _clean(notice))]


def _container(row: Any) -> Any:
    for ancestor in row.iterancestors("div"):
        if "article" in (ancestor.get("class") or "").split():
            return ancestor
    return None


def _code_of(row: Any) -> tuple[str, Any] | None:
    """(code, value cell) when the row is a field-code row: a bold (or "index") first cell holding only a code."""
    cells = [c for c in row if isinstance(c.tag, str) and c.tag.lower() in ("td", "th")]
    if len(cells) < 2:
        return None
    first = cells[0]
    code = _clean(first.text_content())
    if not _CODE.fullmatch(code):
        return None
    if first.find(".//b") is None and first.find(".//strong") is None and "index" not in (first.get("class") or ""):
        return None
    return code, cells[1]


def _groups(root: Any) -> list[_Group]:
    groups: list[_Group] = []
    current: _Group | None = None
    closed = False
    for row in root.iter("tr"):
        found = _code_of(row)
        if found is None:
            continue
        code, cell = found
        box = _container(row)
        if current is None:
            new = True
        elif box is not None or current.container is not None:
            new = box is not current.container  # the export's own article boundaries come first
        else:
            new = closed or code in current.cells  # no containers: AN closes an article, a code seen again opens one
        if new:
            current = _Group(box)
            groups.append(current)
            closed = False
        current.rows.append(row)
        current.cells.setdefault(code, []).append(cell)
        closed = closed or code == "AN"
    # An export cut just after an article's <div> opened, before a whole code cell: that article is cut too.
    boxes = [div for div in root.iter("div") if "article" in (div.get("class") or "").split()]
    if boxes and not any(group.container is boxes[-1] for group in groups):
        groups.append(_Group(boxes[-1]))
    return groups


def _problem(group: _Group) -> str | None:
    """Why the group is no complete article, or None."""
    if "AN" not in group.cells or not group.text("AN"):
        return "article cut short: no accession number (AN), the export ends or breaks inside it"
    if not group.body():
        return "article without text: neither lead (LP) nor text (TD)"
    return None


_AN_CELL = re.compile(r"<b\b[^>]*>\s*AN\s*(?:&nbsp;|&#160;|\u00a0|\s)*</b>", re.I)
_CELL_END = re.compile(r"</td\s*>", re.I)
_ROW_END = re.compile(r"</tr\b|</table\b|<tr\b|</body\b", re.I)  # for pages that leave </td> out


def _ends_inside_last_an(text: str) -> bool:
    """True when the file stops inside the last AN row: its number may be cut ("LCROIX00201811")."""
    ends = [match.end() for match in _AN_CELL.finditer(text)]
    if not ends:
        return False
    return len(_CELL_END.findall(text, ends[-1])) < 2 and not _ROW_END.search(text, ends[-1])


def _parse(data: bytes) -> tuple[Any, str] | None:
    try:
        text, _ = decode(data, declared_charset(data))
    except DecodeError:
        return None
    # lxml refuses a str that declares its own encoding; the bytes are decoded already.
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    if not text.strip():
        return None
    try:
        return lxml_html.document_fromstring(text), text
    except (etree.ParserError, ValueError):
        return None


def _part(group: _Group) -> bytes:
    """The article's own rows in a page of their own: split() of it gives the article again, alone."""
    box = group.container
    language = box.get("class") if box is not None else None
    table = etree.Element("table")
    for row in group.rows:
        kept = copy.deepcopy(row)
        kept.tail = "\n"
        table.append(kept)
    body = etree.tostring(table, encoding="unicode", method="html")
    if language:  # the container's class carries the language when LA is missing
        body = f'<div class="{html.escape(language)}">{body}</div>'
    return f'<html><head><meta charset="utf-8"></head><body>\n{body}\n</body></html>\n'.encode()


def _article(group: _Group) -> PressArticle:
    own: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for code, (name, read) in FIELDS.items():
        value = group.text(code)
        parsed = read(value) if value is not None else None
        if parsed is None:
            continue
        (own if name in _OWN else extra)[name] = parsed
    if "language" not in own and group.container is not None:
        for word in (group.container.get("class") or "").split():
            if m := _ARTICLE_CLASS.match(word):
                own["language"] = m.group(1)
    body = "\n\n".join(group.body())
    return PressArticle(database=NAME, doc_id=own.pop("doc_id", None), title=own.pop("title", None), text=body, extra=extra, part=_part(group), **own)


def _read(data: bytes) -> list[tuple[_Group, str | None]]:
    """Each article's rows with why it is no complete article (None when it is one)."""
    parsed = _parse(data)
    if parsed is None:
        return []
    root, text = parsed
    verdicts = [(group, _problem(group)) for group in _groups(root)]
    if verdicts and verdicts[-1][1] is None and _ends_inside_last_an(text):
        verdicts[-1] = (verdicts[-1][0], "article cut short: the export ends inside its accession number (AN)")
    return verdicts


def split(data: bytes) -> Iterator[PressArticle | Cut]:
    """The export's articles in order; a Cut for an article cut short or without text."""
    for number, (group, problem) in enumerate(_read(data), start=1):
        yield Cut(number, problem) if problem else _article(group)


def count(data: bytes) -> int:
    """How many articles split() gives (its Cuts left out), without building them."""
    return sum(1 for _, problem in _read(data) if problem is None)
