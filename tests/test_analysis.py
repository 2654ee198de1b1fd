"""The French analyzer chain (index/analysis/__init__.py): each filter alone, then the whole chain."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.analysis import CompositeAnalyzer, LowercaseFilter, SpaceSeparatedTokenizer

from newsarchive.index.analysis import (
    DEFAULT_STEMMER,
    AccentFoldFilter,
    CompoundSplitFilter,
    ElisionFilter,
    ExactFormAnalyzer,
    FrenchAnalyzer,
    FrenchStopFilter,
    FrenchTokenizer,
    LightFrenchStemFilter,
    SnowballFrenchStemFilter,
    analyze,
    french_stop_words,
    light_french_stem,
    stemmer_of,
)
from newsarchive.index.text import fold, to_ascii


def run(chain, text: str) -> list[tuple[str, int]]:
    """(text, position) of every token; whoosh reuses its token object, so copy while iterating."""
    return [(t.text, t.pos) for t in chain(text, positions=True, chars=True)]


def spans(chain, text: str) -> list[tuple[str, str]]:
    """(token text, the slice of the original text its offsets point at)."""
    return [(t.text, text[t.startchar:t.endchar]) for t in chain(text, positions=True, chars=True)]


def query_terms(text: str) -> list[str]:
    """Terms of a query word as Whoosh's parser analyses wildcard words (untokenised)."""
    return [t.text for t in FrenchAnalyzer()(text, mode="query", tokenize=False, removestops=False)]


# --- tokenizer ---------------------------------------------------------------------------


def test_tokenizer_keeps_inner_apostrophes_and_hyphens():
    assert [t for t, _ in run(FrenchTokenizer(), "L'armée des États-Unis, aujourd’hui.")] == ["L'armée", "des", "États-Unis", "aujourd’hui"]


def test_tokenizer_drops_punctuation():
    assert [t for t, _ in run(FrenchTokenizer(), "« Non ! », a-t-il dit...")] == ["Non", "a-t-il", "dit"]


# --- elision -----------------------------------------------------------------------------


def test_elision_is_removed_before_stemming():
    chain = FrenchTokenizer() | ElisionFilter()
    assert [t for t, _ in run(chain, "l'instant d'Israël qu'il jusqu'à lorsqu'elle")] == ["instant", "Israël", "il", "à", "elle"]


def test_elision_handles_typographic_apostrophe():
    chain = FrenchTokenizer() | ElisionFilter()
    assert [t for t, _ in run(chain, "l’instant d’Israël qu’il")] == ["instant", "Israël", "il"]


def test_elision_handles_capital_letters():
    chain = FrenchTokenizer() | ElisionFilter()
    assert [t for t, _ in run(chain, "L'Allemagne QU'IL")] == ["Allemagne", "IL"]


def test_elision_leaves_words_without_elided_prefix():
    chain = FrenchTokenizer() | ElisionFilter()
    assert [t for t, _ in run(chain, "aujourd'hui presqu'île Lavrov")] == ["aujourd'hui", "presqu'île", "Lavrov"]


def test_elision_moves_startchar_past_the_article():
    chain = FrenchTokenizer() | ElisionFilter()
    assert spans(chain, "Selon l’armée") == [("Selon", "Selon"), ("armée", "armée")]


# --- compound split ----------------------------------------------------------------------


def test_compound_split_keeps_consecutive_positions():
    chain = FrenchTokenizer() | CompoundSplitFilter()
    assert run(chain, "les États-Unis et la Russie") == [("les", 0), ("États", 1), ("Unis", 2), ("et", 3), ("la", 4), ("Russie", 5)]


def test_compound_split_shifts_every_later_token():
    chain = FrenchTokenizer() | CompoundSplitFilter()
    assert run(chain, "Jean-Yves Le Drian a-t-il dit") == [
        ("Jean", 0), ("Yves", 1), ("Le", 2), ("Drian", 3), ("a", 4), ("t", 5), ("il", 6), ("dit", 7),
    ]


def test_compound_split_handles_unicode_hyphen():
    chain = FrenchTokenizer() | CompoundSplitFilter()
    assert [t for t, _ in run(chain, "États‐Unis")] == ["États", "Unis"]


def test_compound_split_offsets_point_at_each_part():
    chain = FrenchTokenizer() | CompoundSplitFilter()
    assert spans(chain, "aux États-Unis") == [("aux", "aux"), ("États", "États"), ("Unis", "Unis")]


def test_aujourdhui_stays_one_word():
    chain = FrenchTokenizer() | CompoundSplitFilter()
    assert [t for t, _ in run(chain, "Aujourd'hui et aujourd’hui")] == ["Aujourd'hui", "et", "aujourd'hui"]


def test_aujourdhui_survives_the_whole_chain():
    assert analyze("aujourd’hui") == analyze("aujourd'hui") == ["aujourd'hui"]


# --- lower case and stop words -----------------------------------------------------------


def test_stop_words_are_removed_and_positions_renumbered():
    chain = FrenchTokenizer() | LowercaseFilter() | FrenchStopFilter()
    tokens = run(chain, "Le chat de la voisine et la souris")
    assert [t for t, _ in tokens] == ["chat", "voisine", "souris"]
    positions = [p for _, p in tokens]
    assert positions == list(range(positions[0], positions[0] + 3))


def test_stop_words_are_matched_after_lowercasing():
    chain = FrenchTokenizer() | LowercaseFilter() | FrenchStopFilter()
    assert [t for t, _ in run(chain, "LES Russes ET Nous")] == ["russes"]


def test_stop_word_list_is_the_snowball_french_list():
    words = french_stop_words()
    assert {"le", "la", "les", "de", "et", "été", "nous"} <= words
    assert not {"russie", "chat", "paix"} & words
    assert not any("|" in w or " " in w for w in words)


# --- stemming and accent folding ---------------------------------------------------------


def test_stemmer_conflates_plural_and_singular():
    chain = FrenchTokenizer() | SnowballFrenchStemFilter()
    stems = [t for t, _ in run(chain, "nationales national russes russe")]
    assert stems[0] == stems[1]
    assert stems[2] == stems[3]


def test_accent_fold_filter_folds_accents_and_ligatures():
    chain = FrenchTokenizer() | AccentFoldFilter()
    assert [t for t, _ in run(chain, "Sergueï œuvre Québec naïf")] == ["Serguei", "oeuvre", "Quebec", "naif"]


def test_accent_fold_transliterates_other_scripts():
    chain = FrenchTokenizer() | AccentFoldFilter()
    assert [t for t, _ in run(chain, "Москва")] == ["Moskva"]


def test_accent_fold_keeps_words_unidecode_cannot_spell():
    """A word unidecode would turn into nothing stays as written instead of vanishing."""
    chain = FrenchTokenizer() | AccentFoldFilter()
    assert [t for t, _ in run(chain, "ءا ሇ")] == ["ءا", "ሇ"]


def test_accents_are_folded_before_stemming_so_typed_without_accents_means_the_same():
    """People type "apres", "autorite", "deuxieme": the stemmer must see the same letters either way."""
    for stemmer in ("light", "snowball"):
        chain = FrenchAnalyzer(stemmer)
        for accented, plain in [("élèves", "eleves"), ("après", "apres"), ("autorité", "autorite"), ("deuxième", "deuxieme"), ("frontière", "frontiere")]:
            assert analyze(accented, chain) == analyze(plain, chain), (stemmer, accented)
    assert all(term.isascii() for term in analyze("coopérations élèves Québec œuvre"))


def test_accented_stop_words_are_stop_words_without_accents_too():
    assert analyze("il a été là") == analyze("il a ete la") == []
    assert analyze("même") == []


# --- the whole chain ---------------------------------------------------------------------


def test_etats_unis_forms_meet():
    for stemmer in ("light", "snowball"):
        chain = FrenchAnalyzer(stemmer)
        assert analyze("États-Unis", chain) == analyze("etats unis", chain) == analyze("ÉTATS-UNIS", chain)
    assert analyze("États-Unis", FrenchAnalyzer("snowball")) == ["etat", "unis"]
    assert analyze("États-Unis", FrenchAnalyzer("light")) == ["etat", "uni"]


def test_plural_finds_singular():
    assert analyze("coopérations") == analyze("coopération")
    assert analyze("coopérations") != analyze("collaboration")


def test_stemming_keeps_unrelated_words_apart():
    assert analyze("Russie") != analyze("Prusse")


def test_chain_drops_elided_articles_and_stop_words():
    assert analyze("L'armée d'Israël est aux États-Unis", FrenchAnalyzer("snowball")) == ["arme", "israel", "etat", "unis"]
    assert analyze("L'armée d'Israël est aux États-Unis", FrenchAnalyzer("light")) == ["arme", "israel", "etat", "uni"]


def test_typographic_and_ascii_apostrophes_give_the_same_terms():
    assert analyze("l’armée d’Israël") == analyze("l'armée d'Israël")


def test_char_offsets_point_at_original_words():
    text = "L'armée d’Israël est aux États-Unis aujourd'hui."
    assert spans(FrenchAnalyzer("snowball"), text) == [
        ("arme", "armée"),
        ("israel", "Israël"),
        ("etat", "États"),
        ("unis", "Unis"),
        ("aujourd'hui", "aujourd'hui"),
    ]


def test_positions_after_the_whole_chain_are_consecutive():
    positions = [p for _, p in run(FrenchAnalyzer(), "La nouvelle ère de coopération entre les États-Unis et la Russie")]
    assert positions == list(range(positions[0], positions[0] + len(positions)))


def test_wildcard_tokens_are_not_stemmed():
    # "nationales" alone stems to "national"; with a wildcard it is only lower-cased and folded.
    assert analyze("nationales") == ["national"]
    assert query_terms("Nationales*") == ["nationales*"]
    assert query_terms("Coopé?ation") == ["coope?ation"]


def test_stem_filter_skips_wildcards_on_its_own():
    chain = SpaceSeparatedTokenizer() | SnowballFrenchStemFilter()
    assert [t.text for t in chain("nationales nationales*")] == ["national", "nationales*"]


def test_elision_filter_skips_wildcards():
    chain = SpaceSeparatedTokenizer() | ElisionFilter()
    assert [t.text for t in chain("l'instant l'inst*")] == ["instant", "l'inst*"]


def test_exact_form_analyzer_keeps_accents_and_stop_words():
    terms = [t.text for t in ExactFormAnalyzer()("L'été, les élèves sont à Montréal")]
    assert terms == ["été", "les", "élèves", "sont", "à", "montréal"]


def test_exact_form_analyzer_splits_compounds_like_the_french_chain():
    assert [t.text for t in ExactFormAnalyzer()("ÉTATS-UNIS")] == ["états", "unis"]


@given(st.text())
@settings(max_examples=300)
def test_to_ascii_spells_like_unidecode_character_by_character(text):
    from unidecode import unidecode

    assert to_ascii(text) == unidecode(text)


def test_to_ascii_on_french_text():
    assert to_ascii("L’œuvre de Sergueï à Montréal, « déjà » vue…") == "L'oeuvre de Serguei a Montreal, << deja >> vue..."
    assert to_ascii("plain ascii") == "plain ascii"


def test_fold():
    assert fold("Sergueï Lavrov") == "serguei lavrov"
    assert fold("SERGUEÏ LAVROV") == "serguei lavrov"
    assert fold("Jean-Yves Le Drian") == "jean yves le drian"
    assert fold("  Œuvre   d’art ") == "oeuvre d art"
    assert fold("Łódź") == "lodz"
    assert fold("") == ""


# --- Savoy's light stemmer ---------------------------------------------------------------

# Examples from Savoy's paper, as Lucene's TestFrenchLightStemFilter checks them: pairs of
# forms that must meet, with the stem both give.
SAVOY_EXAMPLES = [
    ("chevaux", "cheval", "cheval"),
    ("hiboux", "hibou", "hibou"),
    ("chantés", "chanter", "chant"),
    ("baronnes", "barons", "baron"),
    ("anneaux", "anneau", "aneau"),
    ("affreux", "affreuse", "afreu"),
    ("investissement", "investir", "investi"),
    ("pratiquement", "pratique", "pratiqu"),
    ("administrativement", "administratif", "administratif"),
    ("justificatrice", "justifier", "justifi"),
    ("educatrice", "eduquer", "eduqu"),
    ("communicateur", "communiquer", "comuniqu"),
    ("accompagnatrice", "accompagnateur", "acompagn"),
    ("productrice", "producteur", "product"),
    ("acheteuse", "acheteur", "achet"),
    ("caissière", "caissier", "caisi"),
    ("abrasive", "abrasif", "abrasif"),
    ("folle", "fou", "fou"),
    ("personnelle", "personne", "person"),
    ("complète", "complet", "complet"),
    ("faiblesse", "faible", "faibl"),
    ("patinage", "patin", "patin"),
    ("ritualisation", "rituel", "rituel"),
    ("disposition", "dispose", "dispos"),
]


@pytest.mark.parametrize(("form", "other", "stem"), SAVOY_EXAMPLES)
def test_light_stemmer_gives_savoys_stems(form, other, stem):
    assert light_french_stem(form) == light_french_stem(other) == stem


def test_light_stemmer_leaves_digits_alone_but_squeezes_doubled_letters():
    assert light_french_stem("1234555") == "1234555"
    assert light_french_stem("12333345") == "12333345"
    assert light_french_stem("abcccddeef") == "abcdef"
    assert light_french_stem("créées") == "cre"
    assert light_french_stem("22hh00") == "22h00"


def test_light_stemmer_conflates_french_news_inflections():
    for forms in (["sanction", "sanctions"], ["électoral", "électorale", "électorales"], ["président", "présidents", "présidente"]):
        assert len({light_french_stem(f) for f in forms}) == 1, forms
    assert light_french_stem("russie") != light_french_stem("prusse")


def test_short_words_are_left_as_they_are():
    for word in ("", "a", "le", "mai", "été"):
        assert light_french_stem(word) == word


def test_stemmer_is_chosen_by_name_and_read_back_from_the_chain():
    assert stemmer_of(FrenchAnalyzer("light")) == "light"
    assert stemmer_of(FrenchAnalyzer("snowball")) == "snowball"
    assert stemmer_of(FrenchAnalyzer()) == DEFAULT_STEMMER
    assert stemmer_of(ExactFormAnalyzer()) is None
    assert any(isinstance(item, LightFrenchStemFilter) for item in FrenchAnalyzer("light").items)
    with pytest.raises(ValueError, match="unknown stemmer"):
        FrenchAnalyzer("porter")


# --- the cached chain gives exactly the filters' tokens ------------------------------------

CHAIN_TEXTS = [
    "L'armée d’Israël est aux États-Unis aujourd'hui.",
    "Le chat de la voisine et la souris, l'été, à l'ÉCOLE.",
    "Jean-Yves Le Drian a-t-il dit qu'il viendrait jusqu'à Moscou ?",
    "l'-x d'Israël-Palestine c'est-à-dire -- «guillemets» 2020",
    "Москва ءا ሇ œuvre Łódź",
]


def _tokens(chain, text, **kwargs):
    return [(t.text, t.pos, t.startchar, t.endchar, t.stopped) for t in chain(text, positions=True, chars=True, **kwargs)]


@pytest.mark.parametrize("make", [lambda: FrenchAnalyzer("light"), lambda: FrenchAnalyzer("snowball"), ExactFormAnalyzer])
@pytest.mark.parametrize("text", CHAIN_TEXTS)
def test_cached_chain_gives_the_filters_tokens(make, text):
    chain = make()
    reference = CompositeAnalyzer(*chain.items)
    for removestops in (True, False):
        assert _tokens(chain, text, removestops=removestops) == _tokens(reference, text, removestops=removestops)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abcéèÉLlDdqu'’-‐ .,aeiosntrx")), max_size=60))
def test_cached_chain_agrees_with_the_filters_on_any_text(text):
    chain = FrenchAnalyzer()
    reference = CompositeAnalyzer(*chain.items)
    assert _tokens(chain, text) == _tokens(reference, text)
    assert _tokens(chain, text, removestops=False) == _tokens(reference, text, removestops=False)


def test_term_positions_match_the_tokens():
    chain = FrenchAnalyzer()
    text = CHAIN_TEXTS[0] + " " + CHAIN_TEXTS[2] + " " + CHAIN_TEXTS[0]
    expected: dict[str, list[int]] = {}
    for token in chain(text, positions=True):
        expected.setdefault(token.text, []).append(token.pos)
    assert chain.term_positions(text) == expected


def test_find_locates_the_words_of_given_terms():
    chain = FrenchAnalyzer()
    text = "Les sanctions contre la Russie : une sanction de plus."
    found = chain.find(text, {analyze("sanction")[0]})
    assert [text[start:end] for start, end, _ in found] == ["sanctions", "sanction"]


def test_cached_chain_pickles_without_its_cache():
    import pickle

    chain = FrenchAnalyzer()
    chain("remplir le cache")
    copy = pickle.loads(pickle.dumps(chain))
    assert copy == chain
    assert "_key" not in copy.__dict__
    assert analyze("coopérations", copy) == analyze("coopérations", chain)
