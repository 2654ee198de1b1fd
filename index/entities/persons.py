"""Which NER spans of an article are persons, and which mentions are the same person.

`person_mentions` takes the model's PER spans (and ORG, MISC or LOC spans after a title
or a nationality: "le dirigeant Recep Tayyip Erdogan", "l'américaine Laurenne Ross"),
cleans them (person_names.clean_person), completes them with a particle the model left
out ("De Gendt", "Marc Ladreit de Lacharrière") and rejects what the article itself says
is something else: a word the model tags as a place or an event as often as a person, a
common word only capitalised at sentence starts, the name of an object ("cocktail
Molotov"), a newspaper's title ("Le Temps"). `merge_persons` joins later mentions to the
full name ("M. Lavrov" -> "Sergueï Lavrov").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from ..article import Person
from ..text import fold
from .countries import is_demonym, is_place_name
from .lexicon import common_nouns, common_words, is_given_name, not_person_names
from .org_words import has_organisation_head, organisation_words
from .person_evidence import named_as_other
from .person_names import CIVILITY_WORDS, TITLE_WORDS, clean_person

Span = tuple[int, int, str, str]


def person_mentions(text: str, spans: Sequence[tuple[int, int, str, str]]) -> list[tuple[str, str, int, int]]:
    """(clean name, surface, start, end) of each PER span that is a person's name."""
    # A span right after a title is the person's name whatever its label ("M. Pepy" tagged ORG): no vote against it.
    voting = [(start, label, fold(surface)) for start, end, label, surface in spans if label == "PER" or not _introduced_as_person(text, start, end)]
    other_labels = Counter(key for _, label, key in voting if label != "PER")
    org_labels = Counter(key for _, label, key in voting if label == "ORG")
    organisations = {start for start, _, label, _ in spans if label == "ORG"}
    per_labels: Counter[str] = Counter()
    found = []
    for start, end, label, _ in spans:
        if label in ("ORG", "MISC"):
            start = _person_inside(text, start, end)  # "Justice Nicole Belloubet": the portfolio, then the minister
        elif label != "PER" and not (label == "LOC" and text[start:start + 1].isupper() and _after_a_title(text, start)):
            continue  # a LOC span after a title is a name, not "du Nord" in "le député du Nord"
        if start is None:
            continue
        start, end = _extend_span(text, start, end, organisations)
        if re.match(r"-[a-zà-ÿ]", text[end:end + 2]):
            continue  # the span stops inside a word: "Désarmons" of the collective «Désarmons-les»
        surface = text[start:end]
        name = clean_person(surface)
        if name:
            per_labels[fold(name)] += 1
            found.append((name, surface, start, end))
    kept = [
        m for m in found
        if not _named_otherwise(m[0], per_labels, other_labels, org_labels) and not _common_word_only(m[0], text) and not _object_name(m[0], text)
    ]
    full_names = {fold(m[0]) for m in kept if len(m[0].split()) > 1}
    named = {m[0] for m in kept}
    other = {n for n in named if named_as_other(n, text, spans, full_names)}
    return [m for m in kept if m[0] not in other and not _titled_common_word(m[0], m[1], {f for f in full_names if len(f.split()) > 2})]


def _titled_common_word(name: str, surface: str, full_names: set[str]) -> bool:
    # "Le Temps", "La Libre", "Le Soir": an article and a common word are the title of a
    # newspaper or a work, not a surname, unless a title says it is one ("M. Le Maire")
    # or a full name of the article ends with them ("Le Maire" beside "Bruno Le Maire").
    words = name.split()
    if len(words) != 2 or words[0] not in ("Le", "La", "Les") or words[1].lower() not in common_words():
        return False
    if surface.split() and fold(surface.split()[0]) in TITLE_WORDS:
        return False
    key = fold(name)
    return not any(full.endswith(" " + key) for full in full_names)


def _person_inside(text: str, start: int, end: int) -> int | None:
    """Where a person's name starts in an ORG or MISC span, or None.

    The model tags "Premier ministre David Cameron" MISC and "Transports Élisabeth Borne"
    (a portfolio, then the minister) ORG: a given name followed by one or two capitalised
    words ends the span, or is the whole span ("Kofi Kingston") unless that given name is
    also a place or an article comes before it ("La France Insoumise"). A span the words
    before it say is a person's is one whole ("le dirigeant Recep Tayyip Erdogan").
    """
    if _introduced_as_person(text, start, end):
        return start
    surface = text[start:end]
    for word in re.finditer(r"(?:^|(?<=\s))[A-ZÀ-Ý][\w-]+", surface):
        rest = surface[word.start():]
        at = start + word.start()
        if (word.start() == 0 and is_place_name(word.group())) or _ARTICLE_BEFORE.search(text, max(0, at - 5), at):
            continue
        if is_given_name(word.group()) and re.fullmatch(r"[A-ZÀ-Ý][\w-]+(?: [A-ZÀ-Ý][\w-]+){1,2}", rest) and not organisation_words(rest):
            return start + word.start()
    return None


_ARTICLE_BEFORE = re.compile(r"(?:^|\s)(?:[Ll]es?|[Ll]a|[Ll]['’]) ?$")


# Nouns that take a person's name after them: "l'affaire Benalla", "le gouvernement Philippe".
_NAMING_NOUNS = {
    "affaire", "proces", "dossier", "cas", "clan", "famille", "camp", "gouvernement", "ere", "epoque", "loi", "effet", "methode",
    "style", "reforme", "plan", "rapport", "equipe", "entourage", "fils", "fille", "frere", "soeur", "pere", "mere", "femme",
    "mari", "epouse", "veuve", "ami", "amie", "avocat", "avocate", "sauce", "macronie", "generation", "mouvement", "parti",
}


def _object_name(name: str, text: str) -> bool:
    # A one-word "name" that only ever follows a common noun is part of the name of an
    # object or a thing: "des cocktails Molotov", "un fusil Kalachnikov".
    if " " in name:
        return False
    before = [re.findall(r"[\w'’-]+", text[max(0, m.start() - 30):m.start()])[-1:] for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text)]
    nouns = [b[0] for b in before if b]
    if not nouns or len(nouns) != len(before):
        return False
    return all(w[:1].islower() and w.rstrip("sx") in common_nouns() and fold(w.rstrip("sx")) not in _NAMING_NOUNS | TITLE_WORDS for w in nouns)


# Capitalised particles that start a surname the model often leaves out: "De Gendt", "Van Aert".
_LEFT_PARTICLES = {"De", "Van", "Von", "Di", "Da", "Del", "Della", "Du", "Mac", "Mc", "Ben", "Abu", "Ibn", "Ter", "Ten", "Le", "La"}
_WORD_BEFORE = re.compile(r"(\w+) $")
# "Marc Ladreit" + " de Lacharrière": a particle and a capitalised word continue a full name.
_PARTICLE_AFTER = re.compile(r"^ (?:de|d'|d’|del|della|van|von|da|di) ?([A-ZÀ-Ý][\w-]+)")


def _extend_span(text: str, start: int, end: int, organisations: set[int]) -> tuple[int, int]:
    """Grow a person span over a particle the model left out, before or after it.

    `organisations` holds the starts of ORG spans: "Alexis Dulguerian de Domino Films"
    does not take the company's first word.
    """
    before = _WORD_BEFORE.search(text, max(0, start - 8), start)
    if before and before.group(1) in _LEFT_PARTICLES and " " not in text[start:end].strip() and not _sentence_start(text, before.start()):
        start = before.start()
    after = _PARTICLE_AFTER.match(text[end:end + 40])
    if after and " " in text[start:end].strip() and end + after.start(1) not in organisations and not _known_other(after.group(1)):
        end += after.end()
    return start, end


_WORDS_BEFORE = re.compile(r"((?:[\w’'.-]+ ){1,3})$")


def _after_a_title(text: str, start: int) -> bool:
    """True when a role or title ends right before `start`: "le dirigeant Recep Tayyip Erdogan"."""
    return _title_before(text, start) is not None


def _title_before(text: str, start: int) -> str | None:
    # The folded title or role that ends right before `start`, if any.
    before = _WORDS_BEFORE.search(text, max(0, start - 40), start)
    if not before:
        return None
    words = before.group(1).split()
    return next((fold(" ".join(words[-n:])) for n in range(1, len(words) + 1) if fold(" ".join(words[-n:])) in TITLE_WORDS), None)


_ARTICLE_DEMONYM = re.compile(r"(?:^|[\s(])(?:[Ll]e|[Ll]a|[Ll]['’] ?)([a-zà-ÿ-]+) $")
_TWO_OR_THREE_NAMES = re.compile(r"[A-ZÀ-Ý][\w'’-]+(?: (?:[a-z]{2,3} )?[A-ZÀ-Ý][\w'’-]+){1,2}")


def _introduced_as_person(text: str, start: int, end: int) -> bool:
    """True when the words before a span the model did not tag PER say it is a person's name.

    A civility ("M. Pepy"), a role before a name of two words or more that is no body's
    ("le dirigeant Recep Tayyip Erdogan", not "le député LaREM" nor "le député France
    Insoumise"), or an article and a nationality ("l'américaine Laurenne Ross").
    """
    title = _title_before(text, start)
    if title is None:
        return _after_a_demonym(text, start, end)
    surface = text[start:end]
    words = surface.split()
    if title in CIVILITY_WORDS:
        return True
    return len(words) > 1 and not is_place_name(words[0]) and not organisation_words(surface) and not has_organisation_head(surface)


def _after_a_demonym(text: str, start: int, end: int) -> bool:
    """True for "l'américaine Laurenne Ross": an article and a demonym in lower case, then two or three capitalised words.

    A nationality after an article introduces a person; a company gets a noun first
    ("le groupe américain Apple").
    """
    before = _ARTICLE_DEMONYM.search(text, max(0, start - 20), start)
    surface = text[start:end]
    return bool(before) and is_demonym(before.group(1)) and bool(_TWO_OR_THREE_NAMES.fullmatch(surface)) and not organisation_words(surface)


def _known_other(word: str) -> bool:
    return is_place_name(word) or fold(word) in not_person_names()


def _sentence_start(text: str, index: int) -> bool:
    # True when only spaces separate `index` from the start of the text, a line or a sentence.
    head = text[max(0, index - 3):index].rstrip(" ")
    return not head or head[-1] in ".!?:\n–—-"


def _named_otherwise(name: str, per_labels: Counter, other_labels: Counter, org_labels: Counter) -> bool:
    # The model's own vote in the article: "Hilla" tagged LOC as often as PER is a place,
    # "Ironman" tagged MISC as often as PER a race; a longer name tagged ORG as often as
    # PER is the organisation the organisation rules take ("Vinci Autoroutes").
    key = fold(name)
    if len(key.split()) == 1:
        return other_labels[key] >= per_labels[key]
    return org_labels[key] >= per_labels[key]


def _common_word_only(name: str, text: str) -> bool:
    # A one-word "name" that is a French common word and is only ever capitalised at the
    # start of a sentence or a line ("Favori dans sa catégorie", "Géant de l'industrie").
    if " " in name or name.lower() not in common_words():
        return False
    starts = [m.start() for m in re.finditer(rf"\b{re.escape(name)}\b", text)]
    return bool(starts) and all(_sentence_start(text, i) for i in starts)


# --- one article: later mentions joined to the full name ----------------------------------


@dataclass
class _Cluster:
    name: str  # display form
    key: tuple[str, ...]  # folded words
    mentions: list[str]
    count: int
    facet: bool = True


def merge_persons(mentions: Sequence[tuple[str, str]], forbids: Callable[[str, str], bool] | None = None) -> list[Person]:
    """Group (cleaned name, surface text) mentions of one article into persons.

    A shorter mention joins the longer name that contains its words ("Mattis" and
    "M. Mattis" -> "James Mattis"), unless `forbids(short_key, long_key)` (a split rule
    of the alias file); a lone first name that only starts a longer name ("Donald"
    beside "Donald Trump") is dropped rather than kept as a person.
    """
    counts = Counter(fold(name) for name, _ in mentions)
    forms: dict[str, Counter] = {}
    surfaces: dict[str, list[str]] = {}
    for name, surface in mentions:
        key = fold(name)
        forms.setdefault(key, Counter())[name] += 1
        surfaces.setdefault(key, [])
        for form in (name, " ".join(surface.split())):
            if form not in surfaces[key]:
                surfaces[key].append(form)
    keys = sorted(counts, key=lambda k: (-len(k.split()), -counts[k]))
    clusters: list[_Cluster] = []
    home: dict[str, _Cluster] = {}
    for key in keys:
        words = tuple(key.split())
        container = _best_container(words, [c for c in clusters if not (forbids and forbids(key, " ".join(c.key)))])
        if container is not None:
            _join(container, surfaces[key], counts[key])
            home[key] = container
            continue
        starters = [c for c in clusters if c.key[0] == words[0]] if len(words) == 1 else []
        if len(starters) == 1:  # "Donald" beside "Donald Trump" alone: a mention of him
            _join(starters[0], surfaces[key], counts[key])
            continue
        display = forms[key].most_common(1)[0][0]
        cluster = _Cluster(display, words, list(surfaces[key]), counts[key])
        if starters:  # "Donald" beside "Donald Trump" and "Donald Tusk": no facet value
            cluster.facet = False
        clusters.append(cluster)
        home[key] = cluster
    clusters = _merge_misspellings(clusters)
    clusters.sort(key=lambda c: -c.count)
    return [Person(name=c.name, mentions=c.mentions, facet=c.facet and not first_name_alone(c.name, c.mentions)) for c in clusters]


def _join(cluster: _Cluster, surfaces: Iterable[str], count: int) -> None:
    cluster.count += count
    cluster.mentions.extend(s for s in surfaces if s not in cluster.mentions)


def _merge_misspellings(clusters: list[_Cluster]) -> list[_Cluster]:
    """Join full names that differ by a typo in the surname: "Alain Finkielkraut" and "Alain Finkilekraut".

    Same first words, surnames of at least 6 letters and of a similarity ratio of at least
    0.8: an article names one person twice, never two people spelled so alike.
    """
    kept: list[_Cluster] = []
    for cluster in sorted(clusters, key=lambda c: -c.count):
        twin = next((k for k in kept if _misspelt(k.key, cluster.key)), None)
        if twin is None:
            kept.append(cluster)
        else:
            _join(twin, [cluster.name, *cluster.mentions], cluster.count)
    return kept


def _misspelt(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    if len(a) < 2 or len(a) != len(b) or a[:-1] != b[:-1] or a[-1] == b[-1] or min(len(a[-1]), len(b[-1])) < 6:
        return False
    return SequenceMatcher(None, a[-1], b[-1]).ratio() >= 0.8


def first_name_alone(name: str, mentions: Sequence[str] = ()) -> bool:
    """True when a person is named by a given name only ("Claudie", "Jean-Marc"), never after a title.

    Such a name cannot stand for one person across the archive, so it is no facet value.
    How it is recognised: a list of given names (data/given_names.txt, from Faker's person
    providers, MIT; see lexicon.given_names) rather than the archive's evidence, so that
    the decision is made per article, at indexing, and does not change as the archive
    grows. A hyphenated pair of given names is one ("Anne-Sophie"). A word that is also a
    surname ("Laurent", "Michel") after "M." or "Mme" in a mention is a surname.
    """
    if " " in name.strip():
        return False
    if not (is_given_name(name) or all(is_given_name(part) for part in name.split("-") if part)):
        return False
    return not any(len(m.split()) > 1 and fold(m.split()[0]) in TITLE_WORDS for m in mentions)


def _best_container(words: tuple[str, ...], clusters: list[_Cluster]) -> _Cluster | None:
    candidates = []
    for cluster in clusters:
        if len(cluster.key) <= len(words):
            continue
        # All the mention's words appear in the longer name, and its last word ends both
        # (a surname): "Lavrov" in "Sergueï Lavrov", "Le Drian" in "Jean-Yves Le Drian".
        if words[-1] == cluster.key[-1] and set(words) <= set(cluster.key):
            candidates.append(cluster)
    if not candidates:
        return None
    return max(candidates, key=lambda c: c.count)
