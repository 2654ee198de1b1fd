"""French text analysis as a Whoosh analyzer chain of small filters.

    FrenchTokenizer | ElisionFilter | CompoundSplitFilter | LowercaseFilter
        | AccentFoldFilter | FrenchStopFilter | SnowballFrenchStemFilter (or LightFrenchStemFilter)

The same chain analyses documents and queries, so "États-Unis", "etats unis" and
"ÉTATS-UNIS" meet, and "coopérations" finds "coopération". Which stemmer an index uses
is part of its schema (`FrenchAnalyzer(stemmer=...)`).

Every filter works on one word at a time, so `CachedChain` runs the filters once per
distinct word and remembers the result: indexing and query parsing then cost one regex
match and one dictionary lookup per word, with exactly the tokens the filters give.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import Stemmer
from unidecode import unidecode
from whoosh.analysis import CompositeAnalyzer, Filter, LowercaseFilter, RegexTokenizer, StopFilter, Token

from ..text import ELISION
from .light_french import light_french_stem

# A word, with inner apostrophes or hyphens kept, so that later filters can decide
# what "l'instant", "aujourd'hui" and "États-Unis" become.
WORD_PATTERN = r"\w+(?:['’\-‐]\w+)*"

# Words whose apostrophe is part of the word, not an elision or a join.
APOSTROPHE_WORDS = frozenset({"aujourd'hui", "presqu'île", "presqu'ile", "prud'homme", "prud'hommes", "prud'homal", "entr'acte"})

_WILDCARDS = ("*", "?")

STEMMERS = ("light", "snowball")
DEFAULT_STEMMER = "snowball"  # known-item MRR over OrangeSum: Snowball 0.998, light 0.997 (bench/bench_search.py); a tie, and Snowball is C


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
                match = ELISION.match(text)
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
    """Drop French stop words, written with or without accents (after lower-casing, before stemming); renumber positions."""
    words = french_stop_words()
    return StopFilter(stoplist=words | {unidecode(w) for w in words}, minsize=1, renumber=True)


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


class LightFrenchStemFilter(Filter):
    """Savoy's light French stemming (`light_french_stem`): "coopérations" -> "cooper"."""

    def __eq__(self, other):
        return type(other) is type(self)

    def __call__(self, tokens):
        for t in tokens:
            if not t.stopped and not any(ch in t.text for ch in _WILDCARDS):
                t.text = light_french_stem(t.text)
            yield t


def stem_filter(stemmer: str) -> Filter:
    """The stemming filter called `stemmer` ("light" or "snowball")."""
    if stemmer == "light":
        return LightFrenchStemFilter()
    if stemmer == "snowball":
        return SnowballFrenchStemFilter()
    raise ValueError(f"unknown stemmer {stemmer!r}: use one of {', '.join(STEMMERS)}")


def stemmer_of(analyzer) -> str | None:
    """Which stemmer an analyzer chain uses ("light", "snowball"), None if it stems nothing."""
    for item in getattr(analyzer, "items", []):
        if isinstance(item, LightFrenchStemFilter):
            return "light"
        if isinstance(item, SnowballFrenchStemFilter):
            return "snowball"
    return None


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


_CACHE_LIMIT = 300_000  # distinct words remembered per chain; the cache is cleared beyond that
_WORD_CACHES: dict[tuple, dict[str, tuple]] = {}


class CachedChain(CompositeAnalyzer):
    """A Whoosh analyzer chain of per-word filters that analyses each distinct word once.

    The filters give each word 0..n parts (elision, compound split, stop words, stemming,
    folding). The chain runs them on a word the first time it is seen and remembers
    (parts before stop words, kept parts with their offsets); later occurrences cost a
    dictionary lookup. Positions follow the filters' rules: compound parts take
    consecutive positions and shift later words, stop words are renumbered away. Calls
    the cache cannot serve (stop words kept, untokenised query words, offsets) run the
    filters themselves.
    """

    def __init__(self, *composables) -> None:
        super().__init__(*composables)
        self.renumber = any(isinstance(item, StopFilter) and item.renumber for item in self.items)

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_key", None)  # a process-local cache key, not part of the schema
        return state

    def _cache(self) -> dict[str, tuple]:
        key = self.__dict__.get("_key")
        if key is None:
            key = self._key = tuple(repr(item) for item in self.items)
        cache = _WORD_CACHES.get(key)
        if cache is None or len(cache) > _CACHE_LIMIT:
            cache = _WORD_CACHES[key] = {}
        return cache

    def _analyse_word(self, word: str) -> tuple[int, tuple[tuple[str, bool, int, int, int], ...]]:
        # (number of parts, ((term, stopped, position, start offset, end offset), ...)) of a word alone.
        # Alone, a word's first kept part has its position among all its parts; with a stop
        # filter the later ones are renumbered, and spans() does the same across words.
        tokens = tuple((t.text, t.stopped, t.pos, t.startchar, t.endchar)
                       for t in super().__call__(word, positions=True, chars=True, removestops=False))
        return len(tokens), tokens

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True, start_pos=0,
                 start_char=0, tokenize=True, mode="", **kwargs):
        if not tokenize or keeporiginal or start_pos or start_char or kwargs.get("no_morph"):
            return super().__call__(value, positions=positions, chars=chars, keeporiginal=keeporiginal, removestops=removestops,
                                    start_pos=start_pos, start_char=start_char, tokenize=tokenize, mode=mode, **kwargs)
        return self._tokens(value, positions, chars, removestops, mode, kwargs)

    def _tokens(self, value: str, positions: bool, chars: bool, removestops: bool, mode: str, kwargs: dict):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, start, end, text, stopped in self.spans(value, keep_stopped=not removestops):
            t.text = text
            t.boost = 1.0
            t.stopped = stopped
            if positions:
                t.pos = pos
            if chars:
                t.startchar = start
                t.endchar = end
            yield t

    def spans(self, value: str, keep_stopped: bool = False) -> list[tuple[int, int, int, str, bool]]:
        """(position, start, end, term, stopped) of every part, in text order; stop words only if `keep_stopped`."""
        cache = self._cache()
        analyse = self._analyse_word
        renumber = self.renumber
        spans: list[tuple[int, int, int, str, bool]] = []
        append = spans.append
        shift = 0  # extra positions taken by split compounds so far
        last = None  # position of the previous kept part (stop words renumbered away)
        for index, match in enumerate(self.items[0].expression.finditer(value)):
            word = match.group()
            entry = cache.get(word)
            if entry is None:
                entry = cache[word] = analyse(word)
            nparts, parts = entry
            start = match.start()
            base = index + shift
            for text, stopped, part, rel_start, rel_end in parts:
                if stopped:
                    if keep_stopped:  # a stopped token keeps its position before renumbering
                        append((base + part, start + rel_start, start + rel_end, text, True))
                    continue
                last = base + part if last is None or not renumber else last + 1
                append((last, start + rel_start, start + rel_end, text, False))
            if nparts > 1:
                shift += nparts - 1
        return spans

    def find(self, value: str, terms: set[str] | frozenset[str]) -> list[tuple[int, int, str]]:
        """(start, end, term) of the words of `value` whose analysed form is in `terms` (highlighting), in text order."""
        cache = self._cache()
        lookup = cache.get
        found: list[tuple[int, int, str]] = []
        append = found.append
        for match in self.items[0].expression.finditer(value):
            word = match.group()
            entry = lookup(word)
            if entry is None:
                entry = cache[word] = self._analyse_word(word)
            for text, stopped, _, rel_start, rel_end in entry[1]:
                if text in terms and not stopped:
                    start = match.start()
                    append((start + rel_start, start + rel_end, text))
        return found

    def kept_terms(self, value: str) -> list[str]:
        """The terms of `value` in text order, stop words left out: with stop words renumbered, consecutive ones are consecutive positions."""
        cache = self._cache()
        kept: list[str] = []
        append = kept.append
        for word in self.items[0].expression.findall(value):
            entry = cache.get(word)
            if entry is None:
                entry = cache[word] = self._analyse_word(word)
            for text, stopped, _, _, _ in entry[1]:
                if not stopped:
                    append(text)
        return kept

    def term_positions(self, value: str) -> dict[str, list[int]]:
        """Each term of `value` with its positions (what a Positions format stores), without Token objects."""
        found: dict[str, list[int]] = {}
        for pos, _, _, text, _ in self.spans(value):
            poses = found.get(text)
            if poses is None:
                found[text] = [pos]
            else:
                poses.append(pos)
        return found


def FrenchAnalyzer(stemmer: str = DEFAULT_STEMMER):  # noqa: N802 - Whoosh names analyzers like classes
    """The full French chain used for titles and bodies, at index and query time."""
    # Accents are folded before stop words and stemming: people type "apres", "autorite",
    # "deuxieme" for "après", "autorité", "deuxième", and a stemmer that sees accents stems
    # the two forms apart (Snowball's "apr" vs "apre").
    return CachedChain(
        FrenchTokenizer(),
        ElisionFilter(),
        CompoundSplitFilter(),
        LowercaseFilter(),
        AccentFoldFilter(),
        FrenchStopFilter(),
        stem_filter(stemmer),
    )


def ExactFormAnalyzer():  # noqa: N802
    """Word forms as written (lower-cased, accents kept, no stemming, stop words kept)."""
    return CachedChain(FrenchTokenizer(), ElisionFilter(), CompoundSplitFilter(), LowercaseFilter())


def analyze(text: str, analyzer=None) -> list[str]:
    """The terms the chain makes of `text` (for tests, debugging and the query explainer)."""
    analyzer = analyzer or FrenchAnalyzer()
    return [t.text for t in analyzer(text)]
