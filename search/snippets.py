"""Snippets as data: pieces of text flagged as matches, escaped only when rendered."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from markupsafe import escape
from unidecode import unidecode
from whoosh.analysis import Analyzer

from newsarchive.index.analysis import stemmer_of

ELLIPSIS = "…"
Match = tuple[int, int, str]  # (start, end, term) of a word of the text that analyses to a term looked for


@dataclass
class Snippet:
    """Fragments of an article, each a list of (text, is_match) pieces."""

    fragments: list[list[tuple[str, bool]]] = field(default_factory=list)

    def html(self) -> str:
        """Escaped HTML with matches in <mark>; article text can never inject markup."""
        parts = []
        for frag in self.fragments:
            parts.append("".join(f"<mark>{escape(t)}</mark>" if m else str(escape(t)) for t, m in frag))
        return " ".join(parts)

    def text(self, mark: tuple[str, str] = ("", "")) -> str:
        """Plain text, matches wrapped in `mark` (e.g. ANSI bold for a terminal)."""
        return " ".join("".join(f"{mark[0]}{t}{mark[1]}" if m else t for t, m in frag) for frag in self.fragments)


def lead_snippet(text: str, chars: int) -> Snippet:
    """The opening of an article, cut at a word boundary, as a snippet without matches."""
    flat = " ".join(text.split())
    if len(flat) <= chars:
        return Snippet([[(flat, False)]] if flat else [])
    cut = flat.rfind(" ", 0, chars)
    cut = cut if cut > chars // 2 else chars
    return Snippet([[(flat[:cut], False), (f" {ELLIPSIS}", False)]])


def highlight_paragraphs(text: str, terms: set[str], analyzer: Analyzer) -> list[list[tuple[str, bool]]]:
    """Every paragraph of `text`, with the words whose analysed form is in `terms` marked."""
    paragraphs = []
    for para in (p for p in text.split("\n\n") if p.strip()):
        pieces: list[tuple[str, bool]] = []
        index = 0
        if terms:
            for token in analyzer(para, chars=True, removestops=True):
                if token.text in terms and token.startchar >= index:
                    if token.startchar > index:
                        pieces.append((para[index:token.startchar], False))
                    pieces.append((para[token.startchar:token.endchar], True))
                    index = token.endchar
        pieces.append((para[index:], False))
        paragraphs.append([p for p in pieces if p[0]])
    return paragraphs


def best_snippet(text: str, terms: set[str], analyzer: Analyzer, chars: int = 220, surround: int = 60, top: int = 2) -> Snippet | None:
    """The `top` passages of `text` with the most query matches (each at most `chars` long), in text order; None without a match.

    Matches are the words whose analysed form is in `terms`. A passage starts a little
    before a match, takes in the matches that follow while it fits in `chars`, and is cut
    at word boundaries, as Whoosh's context fragmenter does, but in one pass over the
    cached analysis instead of Whoosh's token pipeline.
    """
    matches = _opening_matches(text, terms, analyzer)
    if not matches:
        return None
    passages = _passages(text, matches, chars, surround)
    best = sorted(passages, key=lambda p: (-len({m[2] for m in p[2]}), -len(p[2]), p[0]))[:top]
    return Snippet([_fragment(text, start, end, found) for start, end, found in sorted(best)])


SCAN_FIRST = 800  # characters looked at first: news put the words of the story in the opening


def _opening_matches(text: str, terms: set[str], analyzer: Analyzer) -> list[Match]:
    """Matches in the opening of `text` when it has every query term, else in the whole text (half the cost, same result mostly)."""
    cut = text.find(" ", SCAN_FIRST)
    if cut == -1:
        return _matches(text, terms, analyzer)
    found = _matches(text[:cut], terms, analyzer)
    if {term for _, _, term in found} >= terms:
        return found
    # The rest, without reading the opening again: a space ends no word, so the two parts
    # hold the same words as the whole.
    return found + [(start + cut, end + cut, term) for start, end, term in _matches(text[cut:], terms, analyzer)]


def _matches(text: str, terms: set[str], analyzer: Analyzer) -> list[Match]:
    find = getattr(analyzer, "find", None)
    if find is None:
        return [(t.startchar, t.endchar, t.text) for t in analyzer(text, chars=True) if t.text in terms]
    chunks = _probe_chunks(text, terms, stemmer_of(analyzer))
    if chunks is None:
        return find(text, terms)
    return [(start + s, end + s, term) for s, e in chunks for start, end, term in find(text[s:e], terms)]


# Analysing every word of a hit to find the few that match was most of a search's time.
# The words that analyse to a term are found first as text: a term begins like the words
# it comes from once case and accents are folded, give or take Snowball's i/y and the light
# stemmer's doubled consonants ("foyer" -> "foi", "annoncé" -> "anonc"), so a pattern of its
# first letters, each in any accented form ("foi": f, o, then i or y), finds every
# candidate word; only the whitespace-separated chunks around them are analysed.
# tests/test_snippets_fast.py checks, on real articles, that this finds exactly what
# analysing every word finds.
PROBE_LETTERS = {"light": 2}  # the light stemmer rewrites more of a word's start; others: 3
# (Snowball turns y into i but keeps doubled letters; only the light stemmer drops them.)
MAX_PROBED = 200  # candidate words beyond which analysing everything is as quick


_WORD_CHAR = re.compile(r"[\w'’‐-]")


def _letter_classes() -> tuple[dict[str, str], re.Pattern[str]]:
    """For each ASCII character, a regex class of the characters that fold to it ("e" -> "[eEéÉèÈ…]"),
    and a pattern finding any character the probes do not handle (œ, ß, other scripts)."""
    same: dict[str, list[str]] = {chr(c): [chr(c)] for c in range(128)}
    handled = []
    for codepoint in range(0x80, 0x3000):
        ch = chr(codepoint)
        if not _WORD_CHAR.match(ch):
            handled.append(ch)  # never inside a word («, …, €, combining accents): the tokenizer splits there
            continue
        spelled = unidecode(ch)
        if len(spelled) == 1:
            if ch.lower() == ch:  # probes look at lower-cased text
                same[spelled.lower()].append(ch)
            handled.append(ch)
    classes = {a: "[" + "".join(sorted({re.escape(c) for c in chars})) + "]" for a, chars in same.items()}
    unhandled = re.compile("[^\\x00-\\x7f" + "".join(re.escape(c) for c in handled) + "]")
    return classes, unhandled


_CLASSES, _UNHANDLED = _letter_classes()


@lru_cache(maxsize=4096)
def _probe(term: str, letters: int, doubled: bool) -> re.Pattern[str]:
    """The pattern of the first `letters` letters of `term` in lower-cased text (letters repeated if `doubled`)."""
    repeat = "+" if doubled else ""
    parts = []
    for ch in term[:letters]:
        if ch in "iy":
            parts.append(f"(?:{_CLASSES['i']}|{_CLASSES['y']})" + repeat)
        else:
            parts.append((_CLASSES.get(ch) or re.escape(ch)) + repeat)
    return re.compile("".join(parts))


def _probe_chunks(text: str, terms: set[str], stemmer: str | None) -> list[tuple[int, int]] | None:
    """(start, end) of the whitespace-separated chunks that may hold a match, in order; None to analyse everything."""
    lowered = text.lower()
    if not terms or len(lowered) != len(text) or _UNHANDLED.search(lowered):
        return None
    letters = PROBE_LETTERS.get(stemmer, 3) if stemmer else 3
    doubled = stemmer == "light"
    starts: set[int] = set()
    for term in terms:
        starts.update(m.start() for m in _probe(term, letters, doubled).finditer(lowered))
        if len(starts) > MAX_PROBED:
            return None
    chunks: list[tuple[int, int]] = []
    for p in sorted(starts):
        if chunks and p < chunks[-1][1]:
            continue  # in the chunk already taken
        start = max(text.rfind(" ", 0, p), text.rfind("\n", 0, p)) + 1
        ends = [i for i in (text.find(" ", p), text.find("\n", p)) if i != -1]
        chunks.append((start, min(ends) if ends else len(text)))
    return chunks


def _passages(text: str, matches: list[Match], chars: int, surround: int) -> list[tuple[int, int, list[Match]]]:
    passages = []
    i = 0
    while i < len(matches):
        first_start = matches[i][0]
        start = _word_start(text, max(0, first_start - surround), first_start)
        found = [matches[i]]
        i += 1
        while i < len(matches) and matches[i][1] - start <= chars:
            found.append(matches[i])
            i += 1
        end = _word_end(text, min(len(text), found[-1][1] + surround, start + chars), found[-1][1])
        passages.append((start, end, found))
    return passages


def _word_start(text: str, at: int, limit: int) -> int:
    """`at` moved forward to the start of a word (never past `limit`, the first match)."""
    if at == 0 or text[at - 1].isspace():
        return at
    space = text.find(" ", at, limit)
    return space + 1 if space != -1 else limit


def _word_end(text: str, at: int, limit: int) -> int:
    """`at` moved back to the end of a word (never before `limit`, the end of the last match)."""
    if at >= len(text) or text[at].isspace():
        return at
    space = text.rfind(" ", limit, at)
    return space if space != -1 else at


def _fragment(text: str, start: int, end: int, found: list[Match]) -> list[tuple[str, bool]]:
    pieces: list[tuple[str, bool]] = []
    if start > 0:
        pieces.append((ELLIPSIS, False))
    index = start
    for m_start, m_end, _ in found:
        if m_start < index:
            continue
        if m_start > index:
            pieces.append((text[index:m_start], False))
        pieces.append((text[m_start:m_end], True))
        index = m_end
    if end > index:
        pieces.append((text[index:end], False))
    if end < len(text):
        pieces.append((ELLIPSIS, False))
    return [(" ".join(t.split("\n")) if not m else t, m) for t, m in pieces if t]
