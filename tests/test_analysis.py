"""The French analyzer chain (index/analysis.py): each filter alone, then the whole chain."""

from __future__ import annotations

from whoosh.analysis import LowercaseFilter, SpaceSeparatedTokenizer

from newsarchive.index.analysis import (
    AccentFoldFilter,
    CompoundSplitFilter,
    ElisionFilter,
    ExactFormAnalyzer,
    FrenchAnalyzer,
    FrenchStopFilter,
    FrenchTokenizer,
    SnowballFrenchStemFilter,
    analyze,
    fold,
    french_stop_words,
)


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


def test_accents_folded_after_stemming():
    """Stemming sees "élèves" with its accents; folding comes last, so "élève" and "eleve" agree."""
    assert analyze("élèves") == analyze("élève") == analyze("eleves")
    assert all(term.isascii() for term in analyze("coopérations élèves Québec œuvre"))


# --- the whole chain ---------------------------------------------------------------------


def test_etats_unis_forms_meet():
    assert analyze("États-Unis") == analyze("etats unis") == analyze("ÉTATS-UNIS") == ["etat", "unis"]


def test_plural_finds_singular():
    assert analyze("coopérations") == analyze("coopération")
    assert analyze("coopérations") != analyze("collaboration")


def test_stemming_keeps_unrelated_words_apart():
    assert analyze("Russie") != analyze("Prusse")


def test_chain_drops_elided_articles_and_stop_words():
    assert analyze("L'armée d'Israël est aux États-Unis") == ["arme", "israel", "etat", "unis"]


def test_typographic_and_ascii_apostrophes_give_the_same_terms():
    assert analyze("l’armée d’Israël") == analyze("l'armée d'Israël")


def test_char_offsets_point_at_original_words():
    text = "L'armée d’Israël est aux États-Unis aujourd'hui."
    assert spans(FrenchAnalyzer(), text) == [
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


def test_fold():
    assert fold("Sergueï Lavrov") == "serguei lavrov"
    assert fold("SERGUEÏ LAVROV") == "serguei lavrov"
    assert fold("Jean-Yves Le Drian") == "jean yves le drian"
    assert fold("  Œuvre   d’art ") == "oeuvre d art"
    assert fold("Łódź") == "lodz"
    assert fold("") == ""
