"""Turn the bytes of an archived file into text without mojibake."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes


class DecodeError(ValueError):
    """The bytes are not text in any encoding we accept."""


_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]

# Magic numbers of files people drop into an archive folder by mistake.
_BINARY_MAGIC = [
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"%PDF-", "PDF document"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"PK\x03\x04", "ZIP archive (or office document)"),
    (b"\x1f\x8b", "gzip data without a .gz name"),
    (b"\x7fELF", "executable"),
    (b"RIFF", "RIFF media file"),
]

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)

# Browsers (WHATWG encoding standard) read these labels as windows-1252; so do we,
# because French pages labelled latin-1 routinely contain cp1252 quotes and the euro sign.
_AS_CP1252 = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "ascii", "us-ascii", "cp819"}


def sniff_binary(data: bytes) -> str | None:
    """Name the kind of binary file `data` is, or None when it may be text."""
    for magic, name in _BINARY_MAGIC:
        if data.startswith(magic):
            return name
    head = data[:8192]
    if b"\x00" in head and not any(head.startswith(bom) for bom, _ in _BOMS):
        # NUL bytes never occur in 8-bit or UTF-8 text; UTF-16 without BOM is the
        # one text case, recognised by NULs on every other byte.
        evens, odds = head[0::2], head[1::2]
        if not (evens.count(0) > 0.3 * len(evens) or odds.count(0) > 0.3 * len(odds)):
            return "binary data"
    return None


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in its first bytes, if any."""
    match = _META_CHARSET.search(data[:4096])
    if not match:
        return None
    label = match.group(1).decode("ascii", "ignore").lower()
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return "cp1252" if label in _AS_CP1252 or name in _AS_CP1252 else name


def decode(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode `data` to text; return (text, encoding used). Raise DecodeError for binary."""
    kind = sniff_binary(data)
    if kind:
        raise DecodeError(f"not a text file: {kind}")
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(name), name
            except UnicodeDecodeError as exc:
                raise DecodeError(f"invalid {name} after its byte-order mark: {exc.reason}") from None
    # Valid UTF-8 is almost never an accident, whatever a page declares: trust it first.
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if declared and declared not in ("utf-8", "utf_8"):
        try:
            return data.decode(declared), declared
        except (UnicodeDecodeError, LookupError):
            pass
    # French archives that are not UTF-8 are, in practice, windows-1252 (or latin-1, its
    # subset for letters). Statistical detectors guess other 8-bit code pages on short
    # French texts ("été" as EBCDIC, "à" as cp1250 "ŕ"), so windows-1252 goes first and
    # the detector only handles bytes windows-1252 cannot be.
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = None
    if text is not None and _plausible_latin(text):
        return text, "cp1252"
    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding not in ("utf_8", "ascii"):
        try:
            return data.decode(best.encoding), best.encoding
        except (UnicodeDecodeError, LookupError):
            pass
    return data.decode("cp1252", errors="replace"), "cp1252"


def _plausible_latin(text: str) -> bool:
    """True unless the text is full of the symbols a wrong 8-bit decoding produces."""
    high = [ch for ch in text if ord(ch) > 127]
    if not high:
        return True
    letters = sum(ch.isalpha() or ch in "’‘“”«»–—…€ " for ch in high)
    return letters >= 0.8 * len(high)
