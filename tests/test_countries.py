"""Countries named, described or located in French text (index/entities/countries.py), and its data files."""

from __future__ import annotations

from importlib import resources

import pytest

from newsarchive.index.entities.countries import country_labels, find_countries, resolve_country
from newsarchive.index.text import fold

DATA_FILES = ["demonyms_fr.tsv", "cities_fr.tsv", "country_aliases_fr.tsv", "regions_fr.tsv"]


def codes(text: str, blocked=()) -> list[str]:
    return [c.code for c in find_countries(text, blocked)]


def mentions(text: str) -> dict[str, list[str]]:
    return {c.code: c.mentions for c in find_countries(text)}


# --- what counts -------------------------------------------------------------------------


def test_country_name():
    assert codes("la Russie a suspendu sa participation") == ["RU"]


def test_country_name_at_sentence_start():
    assert codes("En Russie, il fait froid.") == ["RU"]


def test_hyphenated_country_name():
    assert codes("aux États-Unis") == ["US"]


@pytest.mark.parametrize("text", ["aux Etats Unis", "aux Etats-Unis", "aux ÉTATS-UNIS"])
def test_hyphenated_name_written_without_hyphen_or_accent(text):
    assert codes(text) == ["US"]


def test_typographic_apostrophe_in_a_name():
    assert codes("la Côte d’Ivoire") == codes("la Côte d'Ivoire") == ["CI"]


def test_demonym_adjective():
    assert codes("le président russe a répondu") == ["RU"]


def test_demonym_noun():
    assert codes("les Américains ont voté") == ["US"]


def test_demonym_in_lower_case_counts():
    assert codes("les ukrainiens ont voté") == ["UA"]


@pytest.mark.parametrize("text, code", [("à Moscou hier", "RU"), ("Washington a répondu", "US"), ("Il vit à Rome.", "IT")])
def test_capital(text, code):
    assert codes(text) == [code]


def test_capitals_in_a_list_each_count():
    assert codes("Londres et Berlin") == ["GB", "DE"]


def test_franco_allemand_is_france_and_germany():
    assert codes("le couple franco-allemand") == ["FR", "DE"]


def test_israelo_palestinien_is_israel_and_palestine():
    assert codes("le conflit israélo-palestinien") == ["IL", "PS"]


def test_mentions_are_listed_as_written():
    found = mentions("La Russie et les Russes ; Moscou répond aux ÉTATS-UNIS et au peuple américain, dans un accord franco-allemand.")
    assert found["RU"] == ["Russie", "Russes", "Moscou"]
    assert found["US"] == ["ÉTATS-UNIS", "américain"]
    assert found["FR"] == ["franco-allemand"]
    assert found["DE"] == ["franco-allemand"]


def test_repeated_mentions_are_listed_once():
    assert mentions("la Russie, la Russie et encore la Russie") == {"RU": ["Russie"]}


def test_countries_with_most_evidence_come_first():
    found = find_countries("Le Canada a parlé. La Russie, Moscou et les Russes ont répondu.")
    assert [c.code for c in found] == ["RU", "CA"]
    assert found[0].name == "Russie"


def test_text_without_country():
    assert find_countries("Le chat dort sur le canapé.") == []


@pytest.mark.parametrize(
    "text, code", [("La France et l'Allemagne", "FR DE"), ("d'Israël", "IL"), ("l’Ukraine", "UA"), ("l'Iran", "IR"), ("de l'Afghanistan", "AF")]
)
def test_country_after_elided_article(text, code):
    assert codes(text) == code.split()


# --- false friends -----------------------------------------------------------------------


def test_washington_post_is_not_the_united_states():
    assert codes("Le Washington Post rapporte que la réunion a eu lieu.") == []


def test_anatole_france_is_not_france():
    assert codes("Anatole France a écrit ce roman.") == []


def test_ouest_france_is_not_france():
    assert codes("selon Ouest-France, le maire a démissionné") == []


def test_france_inter_is_not_france():
    assert codes("Il l'a dit sur France Inter ce matin.") == []


def test_paris_hilton_blocked_as_a_person_is_not_france():
    text = "Hier, Paris Hilton est arrivée."
    start = text.index("Paris Hilton")
    assert codes(text, blocked=[(start, start + len("Paris Hilton"), "PER")]) == []


def test_paris_inside_a_person_span_does_not_count():
    text = "Ils ont parlé de Paris, dit-il."
    start = text.index("Paris")
    assert codes(text) == ["FR"]
    assert codes(text, blocked=[(start, start + 5, "PER")]) == []


def test_minsk_agreements_are_not_belarus():
    assert codes("Il faut respecter les accords de Minsk.") == []


def test_minsk_as_a_place_is_belarus():
    assert codes("Les négociateurs se sont retrouvés à Minsk.") == ["BY"]


def test_indian_ocean_is_not_india():
    assert codes("un cyclone dans l'océan Indien") == []


def test_organisation_span_hides_the_country_inside_it():
    text = "selon la Banque de France"
    start = text.index("Banque")
    assert codes(text) == ["FR"]
    assert codes(text, blocked=[(start, len(text), "ORG")]) == []


@pytest.mark.parametrize(
    "text", ["la chine et la russie", "la france", "les drapeaux en berne", "un panama sur la tête", "du chili con carne", "un pull en jersey", "la sienne"]
)
def test_country_and_city_names_need_a_capital_letter(text):
    assert codes(text) == []


@pytest.mark.parametrize("text", ["Il a répondu en anglais.", "Le texte est traduit en français.", "Elle parle couramment chinois."])
def test_language_name_is_not_a_country(text):
    assert codes(text) == []


# --- resolve_country and labels ----------------------------------------------------------


@pytest.mark.parametrize(
    "value, code",
    [
        ("RU", "RU"),
        ("ru", "RU"),
        ("Russie", "RU"),
        ("russie", "RU"),
        ("Russia", "RU"),
        ("États-Unis", "US"),
        ("etats unis", "US"),
        ("United States", "US"),
        ("USA", "US"),
        ("Grande-Bretagne", "GB"),
        ("germany", "DE"),
        ("  fr ", "FR"),
    ],
)
def test_resolve_country(value, code):
    assert resolve_country(value) == code


@pytest.mark.parametrize("value", ["Narnia", "", "   ", "EU", "ZZ", "russe", "Moscou"])
def test_resolve_country_rejects_what_is_not_a_country(value):
    assert resolve_country(value) is None


def test_country_labels_are_french_names():
    labels = country_labels()
    assert labels["US"] == "États-Unis"
    assert labels["DE"] == "Allemagne"
    assert labels["RU"] == "Russie"
    assert labels["PS"] == "Palestine"


def test_country_labels_have_no_non_countries():
    labels = country_labels()
    assert not {"EU", "UN", "ZZ", "EZ", "QO", "XA"} & set(labels)
    assert all(len(code) == 2 and code.isalpha() and code.isupper() for code in labels)
    assert 190 <= len(labels) <= 260


# --- the data files ----------------------------------------------------------------------


def rows(name: str) -> list[tuple[int, list[str]]]:
    text = resources.files("newsarchive.index.entities").joinpath(f"data/{name}").read_text("utf-8")
    found = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if line.strip() and not line.lstrip().startswith("#"):
            found.append((lineno, [c.strip() for c in line.split("\t")]))
    return found


@pytest.mark.parametrize("name", DATA_FILES)
def test_data_file_rows_have_a_form_and_a_code(name):
    bad = [(lineno, cols) for lineno, cols in rows(name) if len(cols) < 2 or not cols[0] or not cols[1]]
    assert bad == []
    assert len(rows(name)) > 50


@pytest.mark.parametrize("name", DATA_FILES)
def test_data_file_codes_are_known_countries(name):
    labels = country_labels()
    unknown = [(lineno, cols[0], cols[1]) for lineno, cols in rows(name) if cols[1] not in labels]
    assert unknown == []


def test_city_kinds_are_capital_or_city():
    kinds = {cols[2] for _, cols in rows("cities_fr.tsv") if len(cols) > 2}
    assert kinds == {"capital", "city"}


def form_key(form: str) -> str:
    """Case- and accent-folded form; a combining prefix ("colombo-") stays apart from a word ("Colombo")."""
    return fold(form) + ("-" if form.endswith("-") else "")


def test_no_form_maps_to_two_codes():
    seen: dict[str, set[str]] = {}
    for name in DATA_FILES:
        for _, cols in rows(name):
            seen.setdefault(form_key(cols[0]), set()).add(cols[1])
    for code, label in country_labels().items():
        seen.setdefault(form_key(label), set()).add(code)
    conflicts = {form: sorted(found) for form, found in seen.items() if len(found) > 1}
    assert conflicts == {}


# --- regions, provinces and states (data/regions_fr.tsv) ----------------------------------


@pytest.mark.parametrize(
    "text, code",
    [
        ("Il vit au Québec.", "CA"),
        ("Il vit en Ontario.", "CA"),
        ("Un orage en Bretagne.", "FR"),
        ("La Catalogne vote.", "ES"),
        ("Il fait chaud en Arizona.", "US"),
        ("La Bavière vote.", "DE"),
        ("La Californie brûle.", "US"),
        ("Un accident dans le Doubs.", "FR"),
        ("Un incendie en Sardaigne.", "IT"),
        ("Les élections en Wallonie.", "BE"),
        ("Un séisme dans le Xinjiang.", "CN"),
    ],
)
def test_a_region_names_its_country(text, code):
    assert codes(text) == [code]


def test_georgia_the_country_is_not_the_us_state():
    assert codes("La Géorgie et la Russie.") == ["GE", "RU"]
    assert codes("Il vit dans l'État de Géorgie, à Atlanta.") == ["US"]


def test_an_english_state_name_is_not_matched():
    assert codes("He lives in Georgia.") == []


def test_michael_jordan_is_not_jordan():
    assert codes("Michael Jordan a joué.") == []
    assert codes("La Jordanie a voté.") == ["JO"]


def test_paris_hilton_is_not_france_even_without_ner():
    assert codes("Hier, Paris Hilton est arrivée.") == []


@pytest.mark.parametrize("text", ["C'est très nice.", "À Nice, il pleut.", "Tours de magie.", "Orange a publié ses résultats.", "Sens interdit."])
def test_towns_named_like_common_words_are_not_matched(text):
    assert codes(text) == []


def test_a_country_named_inside_a_person_name_does_not_count():
    assert codes("La Chine Lanzmann a écrit.") == []


def test_a_sea_named_after_a_country_is_not_the_country():
    assert codes("Un essai en mer du Japon.") == []


def test_the_rome_statute_is_not_italy():
    assert codes("Le retrait du statut de Rome.") == []


def test_bare_congo_is_the_drc_unless_the_republic_is_named():
    assert codes("Le Congo vote.") == ["CD"]
    assert codes("Congo : la République du Congo vote.") == ["CG"]


def test_hollande_alone_is_the_president_not_the_netherlands():
    assert codes("Hollande a parlé.") == []
    assert codes("Il vit en Hollande.") == ["NL"]


@pytest.mark.parametrize("text, code", [("le Burkina-Faso", "BF"), ("la Côte-d’Ivoire", "CI")])
def test_a_country_name_written_with_hyphens_instead_of_spaces(text, code):
    assert codes(text) == [code]


def test_rio_is_brazil_and_milan_italy():
    assert codes("Aux Jeux de Rio, puis à Milan.") == ["BR", "IT"]


def test_milan_in_a_club_or_person_name_is_not_italy():
    assert codes("Il a rejoint le Milan AC, puis Milan Kundera a écrit.") == []


def test_bermudian_is_a_demonym():
    assert codes("la Bermudienne Flora Duffy") == ["BM"]


def test_regions_file_has_a_kind_column_and_a_generated_part():
    text = resources.files("newsarchive.index.entities").joinpath("data/regions_fr.tsv").read_text("utf-8")
    assert "GENERATED by make_gazetteers.py" in text
    assert {cols[2] for _, cols in rows("regions_fr.tsv")} == {"region"}


@pytest.mark.parametrize("name", ["Géorgie", "Georgia", "Vienne", "Valence", "Luxembourg", "Jura", "Victoria", "Nord", "Manche", "Patagonie"])
def test_ambiguous_region_names_are_left_out(name):
    assert fold(name) not in {fold(cols[0]) for _, cols in rows("regions_fr.tsv")}
