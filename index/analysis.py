"""French text analysis as a Whoosh analyzer chain of small filters.

    FrenchTokenizer | ElisionFilter | CompoundSplitFilter | LowercaseFilter
        | FrenchStopFilter | SnowballFrenchStemFilter | AccentFoldFilter

The same chain analyses documents and queries, so "États-Unis", "etats unis" and
"ÉTATS-UNIS" meet, and "coopérations" finds "coopération".
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import Stemmer
from unidecode import unidecode
from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StopFilter

# A word, with inner apostrophes or hyphens kept, so that later filters can decide
# what "l'instant", "aujourd'hui" and "États-Unis" become.
WORD_PATTERN = r"\w+(?:['’\-‐]\w+)*"

ELIDED_PREFIXES = ("l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu")
_ELISION = re.compile(r"^(?:{})['’]".format("|".join(ELIDED_PREFIXES)), re.I)

# Words whose apostrophe is part of the word, not an elision or a join.
APOSTROPHE_WORDS = frozenset({"aujourd'hui", "presqu'île", "presqu'ile", "prud'homme", "prud'hommes", "prud'homal", "entr'acte"})

_WILDCARDS = ("*", "?")


class FrenchTokenizer(RegexTokenizer):
    """Split text into words, keeping inner apostrophes and hyphens for later filters."""

    def __init__(self) -> None:
        super().__init__(expression=WORD_PATTERN, gaps=False)


class ElisionFilter(Filter):
    """Remove an elided article or pronoun: "l'instant" -> "instant", "qu’il" -> "il"."""

    def __call__(self, tokens):
        for t in tokens:
            text = t.text
            if not any(ch in text for ch in _WILDCARDS):
                match = _ELISION.match(text)
                if match and len(text) > match.end():
                    cut = match.end()
                    t.text = text[cut:]
                    if hasattr(t, "startchar"):
                        t.startchar += cut
            yield t


class CompoundSplitFilter(Filter):
    """Split "états-unis" into "états" "unis" (consecutive positions), keep "aujourd'hui" whole."""

    _SPLIT = re.compile(r"[\-‐'’]")

    def __call__(self, tokens):
        shift = 0
        for t in tokens:
            text = t.text.replace("’", "'")
            if t.positions:
                t.pos += shift
            if any(ch in text for ch in _WILDCARDS) or text.lower() in APOSTROPHE_WORDS or not self._SPLIT.search(text):
                t.text = text
                yield t
                continue
            start = getattr(t, "startchar", None)
            offset = 0
            parts = self._SPLIT.split(text)
            base_pos = t.pos if t.positions else 0
            emitted = 0
            for part in parts:
                if part:
                    t.text = part
                    if t.positions:
                        t.pos = base_pos + emitted
                    if start is not None and t.chars:
                        t.startchar = start + offset
                        t.endchar = start + offset + len(part)
                    emitted += 1
                    yield t
                offset += len(part) + 1
            if t.positions and emitted > 1:
                shift += emitted - 1


@lru_cache(maxsize=1)
def french_stop_words() -> frozenset[str]:
    """The Snowball project's French stop word list (data/stopwords_fr.txt)."""
    text = resources.files(__package__).joinpath("data/stopwords_fr.txt").read_text("utf-8")
    words = set()
    for line in text.splitlines():
        word = line.split("|", 1)[0].strip()
        if word:
            words.add(word)
    return frozenset(words)


def FrenchStopFilter() -> StopFilter:  # noqa: N802 - reads like the other filters in a chain
    """Drop French stop words (after lower-casing, before stemming); renumber positions."""
    return StopFilter(stoplist=french_stop_words(), minsize=1, renumber=True)


class SnowballFrenchStemFilter(Filter):
    """Snowball French stemming in C (PyStemmer): "coopérations" -> "coopér"."""

    def __init__(self) -> None:
        self._stemmer = Stemmer.Stemmer("french")

    def __getstate__(self):
        return {}

    def __setstate__(self, state):
        self.__init__()

    def __eq__(self, other):
        return type(other) is type(self)

    def __call__(self, tokens):
        stem = self._stemmer.stemWord
        for t in tokens:
            if not t.stopped and not any(ch in t.text for ch in _WILDCARDS):
                t.text = stem(t.text)
            yield t


class AccentFoldFilter(Filter):
    """Fold accents and ligatures to ASCII (unidecode): "coopér" -> "cooper", "œuvre" -> "oeuvre"."""

    def __call__(self, tokens):
        for t in tokens:
            text = t.text
            if not text.isascii():
                folded = unidecode(text)
                # Scripts unidecode cannot transliterate would vanish; keep them as they are.
                t.text = folded if folded.strip() else text
            yield t


def FrenchAnalyzer():  # noqa: N802 - Whoosh names analyzers like classes
    """The full French chain used for titles and bodies, at index and query time."""
    return (
        FrenchTokenizer()
        | ElisionFilter()
        | CompoundSplitFilter()
        | LowercaseFilter()
        | FrenchStopFilter()
        | SnowballFrenchStemFilter()
        | AccentFoldFilter()
    )


def ExactFormAnalyzer():  # noqa: N802
    """Word forms as written (lower-cased, accents kept, no stemming, stop words kept)."""
    return FrenchTokenizer() | ElisionFilter() | CompoundSplitFilter() | LowercaseFilter()


def fold(text: str) -> str:
    """Case- and accent-folded form of a name: "Sergueï Lavrov" -> "serguei lavrov"."""
    text = unidecode(text).lower() if not text.isascii() else text.lower()
    return " ".join(re.findall(r"[a-z0-9]+", text))


def analyze(text: str, analyzer=None) -> list[str]:
    """The terms the chain makes of `text` (for tests, debugging and the query explainer)."""
    analyzer = analyzer or FrenchAnalyzer()
    return [t.text for t in analyzer(text)]
