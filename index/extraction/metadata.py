"""Metadata helpers: dates in the forms French archives write them, URLs, ids, language."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

FRENCH_MONTHS = {
    "janvier": 1, "janv": 1, "février": 2, "fevrier": 2, "févr": 2, "fevr": 2, "mars": 3,
    "avril": 4, "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "août": 8, "aout": 8,
    "septembre": 9, "sept": 9, "octobre": 10, "oct": 10, "novembre": 11, "nov": 11,
    "décembre": 12, "decembre": 12, "déc": 12, "dec": 12,
}
_MONTH_ALT = "|".join(sorted(FRENCH_MONTHS, key=len, reverse=True))
_FRENCH_DATE = re.compile(rf"\b(\d{{1,2}})(?:er)?\s+({_MONTH_ALT})\.?\s+(\d{{4}})\b", re.I)
_NUMERIC_DMY = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})")

MIN_YEAR = 1800


def _valid(year: int, month: int, day: int) -> dt.date | None:
    try:
        date = dt.date(year, month, day)
    except ValueError:
        return None
    # Archives do not hold articles from before newspapers or from the future.
    if date.year < MIN_YEAR or date > dt.date.today() + dt.timedelta(days=1):
        return None
    return date


def parse_date(value: object) -> dt.date | None:
    """A date from ISO strings, French dates ("1er janvier 2016"), dd/mm/yyyy or epoch seconds."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, dt.datetime):
        return _valid(value.year, value.month, value.day)
    if isinstance(value, dt.date):
        return _valid(value.year, value.month, value.day)
    if isinstance(value, (int, float)):
        try:
            stamp = dt.datetime.fromtimestamp(float(value), tz=dt.UTC)
        except (OverflowError, OSError, ValueError):
            return None
        return _valid(stamp.year, stamp.month, stamp.day)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if match := _ISO_DATE.search(text):
        return _valid(int(match[1]), int(match[2]), int(match[3]))
    if match := _FRENCH_DATE.search(text):
        return _valid(int(match[3]), FRENCH_MONTHS[match[2].lower()], int(match[1]))
    if match := _NUMERIC_DMY.search(text):
        return _valid(int(match[3]), int(match[2]), int(match[1]))
    return None


def date_in_text(lines: list[str], max_lines: int = 6) -> dt.date | None:
    """The first date written in the opening lines of a plain-text article (a dateline)."""
    for line in lines[:max_lines]:
        if len(line) > 200:
            continue  # a paragraph of body text, not a dateline
        if date := parse_date(line):
            return date
    return None


_TRACKING = re.compile(r"^(?:utm_|fbclid$|gclid$|xtor$|at_)", re.I)


def normalize_url(url: str | None) -> str | None:
    """A canonical form of an article URL (lower-case host, no fragment or tracking parameters)."""
    if not url or not isinstance(url, str):
        return None
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    host = parts.netloc.lower()
    if host.endswith(":80") and parts.scheme.lower() == "http":
        host = host[:-3]
    if host.endswith(":443") and parts.scheme.lower() == "https":
        host = host[:-4]
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)])
    return urlunsplit((parts.scheme.lower(), host, parts.path or "/", query, ""))


def host_of(url: str | None) -> str | None:
    """The site name part of a URL ("journaldemontreal.com")."""
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None


def article_id(url: str | None, raw: bytes, document: str | None = None) -> str:
    """A stable document id: from a press database's document number when there is one (the same article in two
    overlapping exports is one), else from the normalized URL when known, else from the input's bytes."""
    if document:
        return "d" + hashlib.sha1(document.encode("utf-8")).hexdigest()[:19]
    if url:
        return "u" + hashlib.sha1(url.encode("utf-8")).hexdigest()[:19]
    return "c" + hashlib.sha1(raw).hexdigest()[:19]


def date_in_url(url: str | None) -> dt.date | None:
    """The date a URL carries (".../2018/11/17/...", "...-2018-11-17-..."), read by htmldate (trafilatura's date library)."""
    if not url:
        return None
    from htmldate.extractors import extract_url_date  # loaded with trafilatura; only where a date is missing
    from htmldate.utils import Extractor

    found = extract_url_date(url, Extractor(False, dt.datetime.now() + dt.timedelta(days=1), dt.datetime(1990, 1, 1), True, "%Y-%m-%d"))
    return dt.date.fromisoformat(found) if found else None


def content_hash(*parts: str) -> str:
    """A fingerprint of an article's indexed content, to tell 'updated' from 'unchanged'."""
    digest = hashlib.sha1()
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()[:20]


_LANGUAGES = ["fr", "en", "de", "es", "it", "nl", "pt"]
_identifier = None


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language (py3langid, limited to Western European languages)."""
    global _identifier
    sample = text[:1500]  # enough for a confident guess; the cost grows with the length
    if len(sample.split()) < 3:
        return None
    if _identifier is None:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        _identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        _identifier.set_languages(_LANGUAGES)
    lang, _ = _identifier.classify(sample)
    return lang
