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
