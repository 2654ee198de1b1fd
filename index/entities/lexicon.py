"""Word lists the person and organisation rules share, each loaded once.

French common words (from the spaCy model's lemmatizer tables), given names
(data/given_names.txt, from Faker's person providers) and the names the model takes for
persons that are not (data/not_persons.txt). No spaCy pipeline is loaded here, and
nothing of Whoosh.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from ..text import fold

MODEL = "fr_core_news_md"


def _data_lines(name: str) -> list[str]:
    text = resources.files(__package__).joinpath(f"data/{name}").read_text("utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def not_person_names() -> frozenset[str]:
    """Folded names the NER model takes for persons but are not (agencies, brands, caption words)."""
    return frozenset(fold(line) for line in _data_lines("not_persons.txt"))


@lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    """Folded given names ("claudie", "jean marc"): a person named by one of these alone is a first name alone."""
    return frozenset(fold(line) for line in _data_lines("given_names.txt"))


def is_given_name(word: str) -> bool:
    """True when `word` ("Thierry", "Jean-Marc", "KÉVIN") is a given name of the list."""
    return fold(word) in given_names()


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """French nouns, adjectives, verbs and adverbs (lemmas of the spaCy model's lemmatizer tables, with their exceptions)."""
    return frozenset(word for words in _lemma_index().values() for word in words)


@lru_cache(maxsize=1)
def common_nouns() -> frozenset[str]:
    """French nouns (the noun lemmas of the same tables): "cocktail", "rue", "affaire"."""
    from spacy.strings import get_string_id

    return frozenset(_lemma_index().get(get_string_id("noun"), ()))


@lru_cache(maxsize=1)
def common_adjectives() -> frozenset[str]:
    """French adjectives (the adjective lemmas): "irresponsable", "premier", "jaune"."""
    from spacy.strings import get_string_id

    return frozenset(_lemma_index().get(get_string_id("adj"), ()))


@lru_cache(maxsize=1)
def _lemma_index() -> dict:
    from spacy.lookups import Lookups
    from spacy.util import get_package_path

    try:
        folders = sorted(get_package_path(MODEL).glob("*/lemmatizer/lookups"))
    except ImportError:
        return {}  # no model: the rules that need the lexicon simply do nothing
    if not folders:
        return {}
    # The index also lists some proper nouns in lower case ("alsace"): the rules using it
    # only act on words that are capitalised at sentence starts alone, or lower-case.
    # Words whose plural is their singular ("temps", "pays", "croix", "prix") are not in
    # it but in the exceptions table, as their own lemmas: they are added from there.
    lookups = Lookups().from_disk(folders[0])
    index = {pos: set(words) for pos, words in lookups.get_table("lemma_index").items()}
    exceptions = lookups.get_table("lemma_exc")
    for pos in index:
        forms = exceptions.get(pos) or {}
        index[pos] |= {lemma for lemmas in forms.values() for lemma in lemmas if " " not in lemma}
    return index
