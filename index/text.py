"""Text helpers every stage shares, with no dependency beyond unidecode: folding, elision, name particles.

Extraction, entities, quotations, near-duplicates, the analyzer chain and the read side
all fold names and strip elided articles the same way; keeping the rules here, apart
from the Whoosh analyzer chain, lets the stages that never touch the index import them
without loading Whoosh (tests/test_layers.py checks it in a fresh interpreter).
"""

from __future__ import annotations

import re

from unidecode import unidecode

# French elided articles and pronouns before an apostrophe: "l'instant", "qu'il", "jusqu'à".
ELIDED_PREFIXES = ("l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu")
ELISION = re.compile(r"^(?:{})['’]".format("|".join(ELIDED_PREFIXES)), re.I)
# The same, as a regex alternative to build token patterns with ("l'" "Allemagne").
ELIDED_ALTERNATIVES = "|".join(ELIDED_PREFIXES)

# Lower-case words that are part of names ("Charles de Gaulle", "Ludwig van Beethoven").
NAME_PARTICLES = frozenset({
    "de", "du", "des", "d", "la", "le", "van", "von", "der", "den", "di", "da", "dos", "das", "del", "della", "bin",
    "ben", "al", "el", "ibn", "y", "e", "af", "zu", "ter", "ten", "bint", "abu", "st", "mc", "mac", "o",
})


class _AsciiTable(dict):
    """unidecode's transliteration of each character, looked up once per character.

    unidecode works one character at a time in Python; over whole article texts (duplicate
    shingles, gazetteer keys) that dominated indexing. str.translate with this table gives
    the same result at C speed once the archive's few hundred distinct characters are known.
    """

    def __missing__(self, codepoint: int) -> str:
        self[codepoint] = value = unidecode(chr(codepoint))
        return value


_ASCII = _AsciiTable()


def to_ascii(text: str) -> str:
    """unidecode(text), fast on long texts: "Sergueï Lavrov œuvre" -> "Serguei Lavrov oeuvre"."""
    return text if text.isascii() else text.translate(_ASCII)


_ALNUM = re.compile(r"[a-z0-9]+")


def fold(text: str) -> str:
    """Case- and accent-folded form of a name: "Sergueï Lavrov" -> "serguei lavrov"."""
    return " ".join(_ALNUM.findall(to_ascii(text).lower()))
