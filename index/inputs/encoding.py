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
        return repair_mojibake(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    if (text := _mostly_utf8(data)) is not None:
        return repair_mojibake(text), "utf-8"
    if declared and declared not in ("utf-8", "utf_8"):
        try:
            return repair_mojibake(data.decode(declared)), declared
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
        return repair_mojibake(text), "cp1252"
    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding not in ("utf_8", "ascii"):
        try:
            return data.decode(best.encoding), best.encoding
        except (UnicodeDecodeError, LookupError):
            pass
    return data.decode("cp1252", errors="replace"), "cp1252"


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 with a few broken bytes (a bad copy, a cut character), decoded with U+FFFD for each; else None."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 127) - bad
    # 8-bit French text almost never forms valid multi-byte UTF-8 sequences: many of them
    # against few invalid bytes is UTF-8 damaged in places, not windows-1252 (nor Baltic).
    return text if good >= 3 and bad * 2 <= good else None


def _as_byte(ch: str) -> int:
    try:
        return ch.encode("cp1252")[0]
    except UnicodeEncodeError:
        return ord(ch)  # C1 controls: bytes cp1252 leaves undefined, kept by a latin-1 decoding


# UTF-8 read as windows-1252 or latin-1 ("Ã©" for "é", "â€™" for "’", "Å“" for "œ"): the lead
# bytes of the characters French uses, then continuation bytes as the 8-bit code page shows them.
_CONTINUATION = "".join(sorted({bytes([b]).decode("cp1252", errors="ignore") for b in range(0x80, 0xC0)} | {chr(b) for b in range(0x80, 0xC0)}))
_MOJIBAKE = re.compile(f"[ÂÃÅ][{re.escape(_CONTINUATION)}]|â[{re.escape(_CONTINUATION)}]{{2}}")


def _unmojibake(match: re.Match) -> str:
    try:
        return bytes(_as_byte(ch) for ch in match.group()).decode("utf-8")
    except (UnicodeDecodeError, ValueError):
        return match.group()


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 that was decoded as windows-1252 or latin-1 before it was saved ("Ã©tÃ©" -> "été")."""
    if not _MOJIBAKE.search(text):
        return text
    # "à" is C3 A0, and A0 (a no-break space) is often turned into a plain space on the way:
    # in text that shows other mojibake, "Ã " is that "à" (French never writes "Ã" before a space).
    return _MOJIBAKE.sub(_unmojibake, text).replace("Ã ", "à ")


def _plausible_latin(text: str) -> bool:
    """True unless the text is full of the symbols a wrong 8-bit decoding produces."""
    high = [ch for ch in text if ord(ch) > 127]
    if not high:
        return True
    letters = sum(ch.isalpha() or ch in "’‘“”«»–—…€ " for ch in high)
    return letters >= 0.8 * len(high)
