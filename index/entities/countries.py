"""Countries an article is about: names (CLDR via Babel), demonyms, capitals, cities, regions.

The tables come from maintained data where it exists (CLDR French and English names
through Babel at run time; ISO 3166-2 regions through pycountry and towns of the
French-speaking countries through GeoNames, generated into data/regions_fr.tsv and
data/cities_fr.tsv by data/make_gazetteers.py) and from hand-written rows where nothing
maintained exists (French demonyms, French names of capitals, cities and regions,
aliases): see data/*.tsv. Matching works on word tokens with guards against false
friends ("Washington Post", "Anatole France", "Ouest-France", "accords de Minsk",
"la mer du Japon").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from babel import Locale

from ..article import Country
from ..text import ELIDED_ALTERNATIVES, to_ascii

# CLDR territory codes that are not countries (continents, unions, pseudo-locales,
# outlying islands that news never means) are left out.
NOT_COUNTRIES = {"AC", "CP", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "ZZ", "UM", "BV", "HM"}

# CLDR names that a French text uses far more often for something else (first names,
# a Spanish city, a weapon); these countries are matched only through the cued forms
# in data/country_aliases_fr.tsv ("l'île Maurice", "la Dominique", "au Salvador").
AMBIGUOUS_CLDR_NAMES = {"DM", "MU", "SV", "GD", "CD", "CG", "HK", "MO", "PS", "MM", "RE", "VA", "SH", "MF", "SX"}

# Display labels where CLDR's French name is not what a French reader expects to see.
LABEL_OVERRIDES = {"HK": "Hong Kong", "MO": "Macao", "PS": "Palestine", "MM": "Birmanie (Myanmar)", "VA": "Vatican"}

# An elided article is a token of its own ("l'" "Allemagne"), then words with inner
# hyphens ("États-Unis", "franco-allemand"), then single punctuation marks.
_TOKEN = re.compile(rf"(?i:{ELIDED_ALTERNATIVES})['’](?=\w)|\w+(?:[-‐'’]\w+)*|[^\w\s]")
_AGREEMENT_WORDS = {"accord", "accords", "traite", "traites", "protocole", "convention", "pacte", "format", "processus", "statut"}
# Seas and straits named after a country ("la mer du Japon", "le golfe du Mexique") are water, not the country.
_SEA_WORDS = {"mer", "mers", "golfe", "ocean", "detroit"}
# Words after which a masculine demonym names a language, not a people.
_LANGUAGE_CUES = {
    "en", "parle", "parlent", "parler", "parlant", "parlait", "parlaient", "couramment", "traduit", "traduite", "traduits",
    "traduction", "langue", "apprendre", "apprend", "apprennent", "enseigner", "enseigne", "sous-titre", "sous-titres",
    "sous-titree", "sous-titrees", "doublage", "double",
}
# Words that may precede a place name at the start of a sentence without being part of a
# longer proper name ("En Russie", "Depuis Moscou").
_LEAD_WORDS = {
    "l'", "d'", "qu'", "jusqu'", "lorsqu'", "puisqu'",
    "a", "au", "aux", "de", "des", "du", "en", "et", "la", "le", "les", "l", "d", "depuis", "pour", "selon", "vers",
    "chez", "dans", "par", "sur", "contre", "avec", "entre", "sans", "apres", "avant", "comme", "ou", "mais", "donc",
    "hier", "aujourd'hui", "outre", "malgre", "pres", "face", "pendant", "lors", "quant", "tandis", "alors", "si",
}


def _fold(text: str) -> str:
    return to_ascii(text.replace("’", "'")).lower()


_FOLDED: dict[str, str] = {}  # word -> _fold(word): an archive repeats a few tens of thousands of words


def _fold_words(words: list[str]) -> list[str]:
    if len(_FOLDED) > 200_000:
        _FOLDED.clear()
    cache = _FOLDED
    folded = []
    for word in words:
        value = cache.get(word)
        if value is None:
            value = cache[word] = _fold(word)
        folded.append(value)
    return folded


def _key(text: str) -> tuple[str, ...]:
    return tuple(_fold(t) for t in _TOKEN.findall(text) if t.strip())


@dataclass(frozen=True)
class Entry:
    """One way of naming a country: its tokens as written, the code, and the kind of evidence."""

    form: str
    code: str
    kind: str  # "name", "alias", "demonym", "prefix", "capital", "city", "region"

    @property
    def needs_capital(self) -> bool:
        return self.kind not in ("demonym", "prefix")


def _read_tsv(name: str) -> Iterable[list[str]]:
    text = resources.files(__package__).joinpath(f"data/{name}").read_text("utf-8")
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        yield [c.strip() for c in line.split("\t")]


@lru_cache(maxsize=1)
def country_labels() -> dict[str, str]:
    """ISO alpha-2 code -> French display name (CLDR, with a few overrides)."""
    names = Locale("fr").territories
    labels = {code: name for code, name in names.items() if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES}
    labels.update(LABEL_OVERRIDES)
    return labels


def country_label(code: str) -> str:
    """The French name shown for a country code (the code itself when CLDR does not know it)."""
    return country_labels().get(code, code)


@lru_cache(maxsize=1)
def english_names() -> dict[str, str]:
    """ISO alpha-2 code -> English name (CLDR), for filters typed in English."""
    names = Locale("en").territories
    return {code: name for code, name in names.items() if code in country_labels()}


@lru_cache(maxsize=1)
def entries() -> dict[tuple[str, ...], list[Entry]]:
    """Every known form, by its folded token key."""
    table: dict[tuple[str, ...], list[Entry]] = {}

    def add(form: str, code: str, kind: str) -> None:
        variants = {form}
        if "-" in form and kind not in ("prefix",):
            variants.add(form.replace("-", " "))  # "États Unis" written without its hyphen
        if " " in form and kind != "demonym":
            variants.add(form.replace(" ", "-"))  # "Burkina-Faso", "Côte-d'Ivoire" written with one
        for variant in variants:
            key = _key(variant)
            if key:
                table.setdefault(key, []).append(Entry(variant, code, kind))

    for code, name in country_labels().items():
        if code not in AMBIGUOUS_CLDR_NAMES:
            add(name, code, "name")
    for row in _read_tsv("country_aliases_fr.tsv"):
        add(row[0], row[1], "alias")
    for row in _read_tsv("demonyms_fr.tsv"):
        form, code = row[0], row[1]
        add(form, code, "prefix" if form.endswith("-") else "demonym")
    for row in _read_tsv("cities_fr.tsv"):
        form, code = row[0], row[1]
        kind = row[2] if len(row) > 2 and row[2] in ("capital", "city") else "city"
        add(form, code, kind)
    for row in _read_tsv("regions_fr.tsv"):
        add(row[0], row[1], "region")
    return table


@lru_cache(maxsize=1)
def _longest_from() -> dict[str, int]:
    # The folded words a gazetteer form can start with, and its most words after each:
    # most words of a text start no form, and find_countries skips them after one lookup
    # instead of trying every length.
    longest: dict[str, int] = {}
    for key in entries():
        longest[key[0]] = max(longest.get(key[0], 0), len(key))
    return longest


@lru_cache(maxsize=1)
def _prefixes() -> dict[str, str]:
    return {_fold(e.form.rstrip("-")): e.code for es in entries().values() for e in es if e.kind == "prefix"}


def resolve_country(value: str) -> str | None:
    """The ISO code for a code, French name or English name typed by a user ("russie" -> "RU")."""
    text = value.strip()
    if not text:
        return None
    if len(text) == 2 and text.upper() in country_labels():
        return text.upper()
    folded = " ".join(_key(text))
    for code, name in country_labels().items():
        if folded in (" ".join(_key(name)), " ".join(_key(english_names().get(code, "")))):
            return code
    for entry in entries().get(_key(text), []):
        if entry.kind in ("name", "alias"):
            return entry.code
    return None


def is_place_name(text: str) -> bool:
    """True when `text` is a country, demonym, capital or city name of the gazetteer."""
    return _key(text) in entries()


def is_demonym(word: str) -> bool:
    """True when `word` is a French demonym of the gazetteer ("Chinois", "américaine")."""
    return any(e.kind == "demonym" for e in entries().get(_key(word), []))


@dataclass
class _Tok:
    text: str
    start: int
    end: int


class _Tokens(Sequence):
    """The word tokens of a text, made into `_Tok`s only where a rule looks at them (most words are never looked at)."""

    def __init__(self, matches: list[re.Match]) -> None:
        self._matches = matches

    def __len__(self) -> int:
        return len(self._matches)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [_Tok(m.group(), m.start(), m.end()) for m in self._matches[index]]
        m = self._matches[index]
        return _Tok(m.group(), m.start(), m.end())


def _shape_ok(entry: Entry, tokens: list[_Tok]) -> bool:
    if not entry.needs_capital:
        return True
    written = _written(entry.form)
    # Every word capitalised in the gazetteer must be capitalised in the text ("Chine", not "chine").
    return all(got.text[:1].isupper() for want, got in zip(written, tokens, strict=False) if want[:1].isupper())


@lru_cache(maxsize=4096)
def _written(form: str) -> tuple[str, ...]:
    return tuple(t for t in _TOKEN.findall(form) if t.strip())


def _capitalised_word(tok: _Tok | None) -> bool:
    return tok is not None and tok.text[:1].isupper() and tok.text[:1].isalpha()


def find_countries(text: str, blocked: Iterable[tuple[int, int, str]] = ()) -> list[Country]:
    """Countries named, described or located in `text`, with the words that show it.

    `blocked` lists (start, end, label) spans from NER: a place word inside a person's
    name, or inside a longer organisation or work name, does not count.
    """
    blocked = list(blocked)
    matches = list(_TOKEN.finditer(text))
    tokens = _Tokens(matches)
    folded = _fold_words([m.group() for m in matches])
    table = entries()
    found: dict[str, list[str]] = {}
    order: list[str] = []

    def note(code: str, mention: str) -> None:
        if code not in found:
            found[code] = []
            order.append(code)
        if mention not in found[code]:
            found[code].append(mention)

    longest_from = _longest_from()
    count = len(matches)
    i = 0
    while i < count:
        match = None
        longest = longest_from.get(folded[i])
        if longest is None:
            _prefix_compound(matches[i].group(), note)
            i += 1
            continue
        for n in range(min(longest, count - i), 0, -1):
            key = tuple(folded[i:i + n])
            candidates = [e for e in table.get(key, []) if _shape_ok(e, tokens[i:i + n])]
            if candidates:
                match = (n, candidates[0])
                break
        if match is None:
            _prefix_compound(matches[i].group(), note)
            i += 1
            continue
        n, entry = match
        span = (tokens[i].start, tokens[i + n - 1].end)
        if not _guarded(entry, tokens, folded, i, n, span, blocked):
            note(entry.code, text[span[0]:span[1]])
        i += n
    _resolve_congo(found, order)
    labels = country_labels()
    countries = [Country(code=c, name=labels.get(c, c), mentions=found[c]) for c in order]
    countries.sort(key=lambda c: -len(c.mentions))  # stable: ties keep their first-seen order
    return countries


def _resolve_congo(found: dict[str, list[str]], order: list[str]) -> None:
    # A bare "Congo" is the larger DR Congo (CD), unless the article names the Republic
    # of the Congo (CG) explicitly ("République du Congo", "Brazzaville"): then it is that one.
    if "CD" in found and "CG" in found and all(_fold(m) == "congo" for m in found["CD"]):
        found["CG"].extend(m for m in found.pop("CD") if m not in found["CG"])
        order.remove("CD")


def _prefix_compound(word: str, note) -> None:
    # "franco-allemand" -> FR and DE; "israélo-palestinien" -> IL and PS.
    if "-" not in word:
        return
    parts = _fold(word).split("-")
    prefixes = _prefixes()
    codes = []
    for part in parts[:-1]:
        code = prefixes.get(part)
        if code is None:
            return
        codes.append(code)
    last = entries().get((parts[-1],), [])
    demonym = next((e for e in last if e.kind == "demonym"), None)
    if demonym is None:
        return
    for code in [*codes, demonym.code]:
        note(code, word)


def _guarded(entry: Entry, tokens: Sequence[_Tok], folded: list[str], i: int, n: int, span, blocked) -> bool:
    """True when the match is a false friend and must not count."""
    start, end = span
    for b_start, b_end, label in blocked:
        if b_start <= start and end <= b_end and label == "PER":
            return True  # "Anatole France", "Paris Hilton", "George Washington"
    if entry.kind in ("demonym", "prefix"):
        prev_word = folded[i - 1] if i > 0 else ""
        # "l'océan Indien": a sea, not a people.
        if prev_word in {"ocean", "oceans", "mer"}:
            return True
        # "en anglais", "parle couramment chinois", "traduit du russe": a language.
        return prev_word in _LANGUAGE_CUES or (prev_word == "du" and i > 1 and folded[i - 2] in _LANGUAGE_CUES)
    nxt = tokens[i + n] if i + n < len(tokens) else None
    prev = tokens[i - 1] if i > 0 else None
    # "Washington Post", "France Inter", "Panama Papers", "France 2": part of a longer name.
    next_is_name = nxt is not None and (_capitalised_word(nxt) or nxt.text.isdigit()) and (nxt.start - end) <= 1
    if next_is_name and not any(e.kind != "prefix" for e in entries().get((folded[i + n],), [])):
        return True
    # "Anatole France", "Air France", "Radio Canada": a capitalised word before it
    # (not "En Russie" at the start of a sentence, not a list of places "Israël Palestine").
    prev_is_name = _capitalised_word(prev) and folded[i - 1] not in _LEAD_WORDS and (start - prev.end) <= 1
    if prev_is_name and not entries().get((folded[i - 1],)):
        return True
    if i >= 2 and folded[i - 1] in ("de", "d'", "du") and folded[i - 2] in _SEA_WORDS:
        return True
    # "les accords de Minsk", "le traité de Rome": a place that names an agreement.
    if entry.kind in ("capital", "city", "region") and i >= 2 and folded[i - 1] in ("de", "d'") and _unelided(folded[i - 2]) in _AGREEMENT_WORDS:
        return True
    for b_start, b_end, label in blocked:
        if label in ("ORG", "MISC") and b_start <= start and end <= b_end and (b_end - b_start) > (end - start):
            words = _TOKEN.findall(_span_text(tokens, b_start, b_end))
            others = [w for w in words if w[:1].isupper() and _key(w) != _key(entry.form) and _fold(w) not in _LEAD_WORDS]
            if others:
                return True  # "Journal de Montréal", "Banque de France" as one organisation name
    return False


def _unelided(word: str) -> str:
    return re.sub(r"^(?:l|d|qu)'", "", word)


def _span_text(tokens: Sequence[_Tok], start: int, end: int) -> str:
    return " ".join(t.text for t in tokens if t.start >= start and t.end <= end)
