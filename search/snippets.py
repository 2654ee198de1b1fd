"""Snippets as data: pieces of text flagged as matches, escaped only when rendered."""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import escape
from whoosh import highlight

ELLIPSIS = "…"


@dataclass
class Snippet:
    """Fragments of an article, each a list of (text, is_match) pieces."""

    fragments: list[list[tuple[str, bool]]] = field(default_factory=list)

    def has_match(self) -> bool:
        """True when some piece is a query match."""
        return any(is_match for frag in self.fragments for _, is_match in frag)

    def html(self) -> str:
        """Escaped HTML with matches in <mark>; article text can never inject markup."""
        parts = []
        for frag in self.fragments:
            parts.append("".join(f"<mark>{escape(t)}</mark>" if m else str(escape(t)) for t, m in frag))
        return " ".join(parts)

    def text(self, mark: tuple[str, str] = ("", "")) -> str:
        """Plain text, matches wrapped in `mark` (e.g. ANSI bold for a terminal)."""
        return " ".join("".join(f"{mark[0]}{t}{mark[1]}" if m else t for t, m in frag) for frag in self.fragments)


class SegmentFormatter(highlight.Formatter):
    """A Whoosh formatter that returns a Snippet instead of an HTML string."""

    def format_fragment(self, fragment, replace=False):
        pieces: list[tuple[str, bool]] = []
        index = fragment.startchar
        text = fragment.text
        if index > 0:
            pieces.append((ELLIPSIS, False))
        for t in fragment.matches:
            if t.startchar is None or t.startchar < index:
                continue
            if t.startchar > index:
                pieces.append((text[index:t.startchar], False))
            pieces.append((text[t.startchar:t.endchar], True))
            index = t.endchar
        pieces.append((text[index:fragment.endchar], False))
        if fragment.endchar < len(text):
            pieces.append((ELLIPSIS, False))
        return [(" ".join(t.split("\n")) if not m else t, m) for t, m in pieces if t]

    def format(self, fragments, replace=False):
        return Snippet([self.format_fragment(f, replace) for f in fragments])


def lead_snippet(text: str, chars: int) -> Snippet:
    """The opening of an article, cut at a word boundary, as a snippet without matches."""
    flat = " ".join(text.split())
    if len(flat) <= chars:
        return Snippet([[(flat, False)]] if flat else [])
    cut = flat.rfind(" ", 0, chars)
    cut = cut if cut > chars // 2 else chars
    return Snippet([[(flat[:cut], False), (f" {ELLIPSIS}", False)]])


def highlight_paragraphs(text: str, terms: set[str], analyzer) -> list[list[tuple[str, bool]]]:
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


def best_snippet(text: str, terms: set[str], analyzer, chars: int = 220, surround: int = 60, top: int = 2) -> Snippet | None:
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


def _opening_matches(text: str, terms: set[str], analyzer) -> list[tuple[int, int, str]]:
    """Matches in the opening of `text` when it has every query term, else in the whole text (half the cost, same result mostly)."""
    cut = text.find(" ", SCAN_FIRST)
    if cut != -1:
        found = _matches(text[:cut], terms, analyzer)
        if {term for _, _, term in found} >= terms:
            return found
    return _matches(text, terms, analyzer)


def _matches(text: str, terms: set[str], analyzer) -> list[tuple[int, int, str]]:
    find = getattr(analyzer, "find", None)
    if find is not None:
        return find(text, terms)
    return [(t.startchar, t.endchar, t.text) for t in analyzer(text, chars=True) if t.text in terms]


def _passages(text: str, matches: list, chars: int, surround: int) -> list[tuple[int, int, list]]:
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


def _fragment(text: str, start: int, end: int, found: list) -> list[tuple[str, bool]]:
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
