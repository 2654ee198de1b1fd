"""Persons and countries of an article (index/entities/__init__.py): name cleaning, merging, and spaCy NER."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from newsarchive.index.article import Article
from newsarchive.index.entities import (
    MODEL,
    EntityExtractor,
    annotate_from_spans,
    clean_person,
    merge_persons,
    not_person_names,
    person_mentions,
)

SEED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "seed"


def norm(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold()


def merged(mentions: list[tuple[str, str]]) -> list[tuple[str, list[str]]]:
    return [(p.name, p.mentions) for p in merge_persons(mentions)]


# --- clean_person ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "span, name",
    [
        ("M. Lavrov", "Lavrov"),
        ("Mme Merkel", "Merkel"),
        ("le président Emmanuel Macron", "Emmanuel Macron"),
        ("la chancelière Angela Merkel", "Angela Merkel"),
        ("le premier ministre Justin Trudeau", "Justin Trudeau"),
        ("Dr House", "House"),
        ("Mgr Aupetit", "Aupetit"),
        ("selon M. Lavrov", "Lavrov"),
        ("de M. Lavrov", "Lavrov"),
    ],
)
def test_clean_person_strips_titles(span, name):
    assert clean_person(span) == name


@pytest.mark.parametrize("span", ["d'Emmanuel Macron", "d’Emmanuel Macron"])
def test_clean_person_strips_elided_article(span):
    assert clean_person(span) == "Emmanuel Macron"


@pytest.mark.parametrize("span, name", [("Vladimir Poutine,", "Vladimir Poutine"), ("« Poutine »", "Poutine"), ("Donald Trump's", "Donald Trump")])
def test_clean_person_strips_punctuation_and_english_possessive(span, name):
    assert clean_person(span) == name


@pytest.mark.parametrize("span, name", [
    ("Tous de Gaulle -Emmanuel Macron", "Emmanuel Macron"),  # OrangeSum: a sub-heading glued to the next sentence
    ("Emmanuel Macron - Le Figaro", "Emmanuel Macron"),
    ("M. Lavrov – AFP", "Lavrov"),
    ("Jean-Yves Le Drian", "Jean-Yves Le Drian"),  # a hyphen is not a break
])
def test_a_spaced_dash_in_a_span_separates_the_name_from_what_is_glued_to_it(span, name):
    assert clean_person(span) == name


@pytest.mark.parametrize(
    "span, name",
    [
        ("Sergueï Lavrov", "Sergueï Lavrov"),
        ("Charles de Gaulle", "Charles de Gaulle"),
        ("Jean-Yves Le Drian", "Jean-Yves Le Drian"),
        ("Ludwig van Beethoven", "Ludwig van Beethoven"),
        ("Marine Le Pen", "Marine Le Pen"),
        ("Kim Jong-un", "Kim Jong-un"),
    ],
)
def test_clean_person_keeps_full_names_with_particles(span, name):
    assert clean_person(span) == name


@pytest.mark.parametrize("span", ["n’", "qu'", "J", "J.", "M.", "Mme", "président", "ministre"])
def test_clean_person_rejects_fragments_and_bare_titles(span):
    assert clean_person(span) is None


@pytest.mark.parametrize("span", ["veuillez", "DC on Wednesday", "Photo by Jabin Botsford", "Benjamin Netanyahu during"])
def test_clean_person_rejects_lower_case_words_and_caption_spans(span):
    assert clean_person(span) is None


@pytest.mark.parametrize("span", ["FSB", "OTAN"])
def test_clean_person_rejects_acronyms(span):
    assert clean_person(span) is None


@pytest.mark.parametrize("span", ["Washington", "Moscou", "Russie"])
def test_clean_person_rejects_places(span):
    assert clean_person(span) is None


@pytest.mark.parametrize("span", ["Getty Images", "AFP", "Reuters", "Washington Post"])
def test_clean_person_rejects_agencies_and_media(span):
    assert clean_person(span) is None


@pytest.mark.parametrize("span", ["Jabin Botsford /\nGetty Images", "Donald Trump\nLe président"])
def test_clean_person_rejects_spans_across_lines(span):
    assert clean_person(span) is None


@pytest.mark.parametrize("span", ["@EmmanuelMacron", "Emmanuel Macron 2017"])
def test_clean_person_rejects_handles_and_numbers(span):
    assert clean_person(span) is None


@pytest.mark.parametrize("span", ["le secrétaire d'État Rex Tillerson", "le secrétaire d’État Rex Tillerson"])
def test_clean_person_strips_secretaire_d_etat(span):
    assert clean_person(span) == "Rex Tillerson"


def test_clean_person_keeps_the_particle_of_de_gaulle():
    assert clean_person("le général de Gaulle") == "de Gaulle"


def test_not_person_list_is_folded():
    names = not_person_names()
    assert {"getty images", "afp", "huffpost quebec"} <= names
    assert all(name == name.casefold() and name.isascii() for name in names)


# --- merge_persons -----------------------------------------------------------------------


def test_surname_mentions_merge_into_the_full_name():
    assert merged([("James Mattis", "James Mattis"), ("Mattis", "M. Mattis"), ("Mattis", "Mattis")]) == [
        ("James Mattis", ["James Mattis", "Mattis", "M. Mattis"]),
    ]


def test_title_mention_merges_into_the_full_name():
    assert merged([("Poutine", "le président Poutine"), ("Vladimir Poutine", "Vladimir Poutine")]) == [
        ("Vladimir Poutine", ["Vladimir Poutine", "Poutine", "le président Poutine"]),
    ]


def test_compound_surname_merges_into_the_full_name():
    assert merged([("Jean-Yves Le Drian", "Jean-Yves Le Drian"), ("Le Drian", "M. Le Drian")]) == [
        ("Jean-Yves Le Drian", ["Jean-Yves Le Drian", "Le Drian", "M. Le Drian"]),
    ]


def test_lone_first_name_beside_the_full_name_is_a_mention_of_that_person():
    assert merged([("Donald Trump", "Donald Trump"), ("Donald", "Donald")]) == [("Donald Trump", ["Donald Trump", "Donald"])]


def test_lone_first_name_alone_is_kept():
    assert merged([("Donald", "Donald")]) == [("Donald", ["Donald"])]


def test_different_people_stay_separate():
    assert [name for name, _ in merged([("Rex Tillerson", "Rex Tillerson"), ("Sergueï Lavrov", "Sergueï Lavrov")])] == ["Rex Tillerson", "Sergueï Lavrov"]


def test_shared_first_name_does_not_merge_people():
    found = merge_persons([("Sergueï Lavrov", "Sergueï Lavrov"), ("Sergueï Choïgou", "Sergueï Choïgou"), ("Sergueï", "Sergueï")])
    assert sorted(p.name for p in found if p.facet) == ["Sergueï Choïgou", "Sergueï Lavrov"]
    assert [p.name for p in found if not p.facet] == ["Sergueï"]  # kept on the article, no facet value


def test_case_and_accent_variants_are_one_person():
    forms = ["SERGUEÏ LAVROV", "Sergueï Lavrov", "Sergueï Lavrov", "Serguei Lavrov"]
    found = merged([(form, form) for form in forms])
    assert found == [("Sergueï Lavrov", ["SERGUEÏ LAVROV", "Sergueï Lavrov", "Serguei Lavrov"])]


def test_most_mentioned_person_comes_first():
    found = merged([("Rex Tillerson", "Rex Tillerson"), ("Sergueï Lavrov", "Sergueï Lavrov"), ("Lavrov", "M. Lavrov")])
    assert [name for name, _ in found] == ["Sergueï Lavrov", "Rex Tillerson"]


def test_no_mentions_no_persons():
    assert merge_persons([]) == []


# --- spaCy NER end to end ----------------------------------------------------------------


@pytest.fixture(scope="module")
def extractor():
    return EntityExtractor()


def annotated(extractor, text: str, title: str = "") -> Article:
    article = Article(id="t", title=title, text=text)
    extractor.annotate([article])
    return article


MERKEL = (
    "La chancelière allemande Angela Merkel a reçu jeudi le président français Emmanuel Macron à Berlin.\n\n"
    "Mme Merkel a salué « un partenaire fiable », tandis que M. Macron a plaidé pour une relance du couple franco-allemand."
)


def test_ner_finds_persons_and_merges_their_titles(extractor):
    article = annotated(extractor, MERKEL, title="Merkel reçoit Macron à Berlin")
    persons = {p.name: p.mentions for p in article.persons}
    assert set(persons) == {"Angela Merkel", "Emmanuel Macron"}
    assert "Mme Merkel" in persons["Angela Merkel"]


def test_ner_paragraph_countries(extractor):
    article = annotated(extractor, MERKEL)
    assert [c.code for c in article.countries] == ["DE", "FR"]


def test_demonym_alone_names_the_country(extractor):
    article = annotated(extractor, "La chancelière allemande a annoncé jeudi un plan de relance de 130 milliards d'euros.")
    assert article.persons == []
    assert [(c.code, c.mentions) for c in article.countries] == [("DE", ["allemande"])]


def test_ner_person_named_like_a_country_is_not_the_country(extractor):
    article = annotated(extractor, "Le journaliste a cité Anatole France et le Washington Post avant de rejoindre Ouest-France.")
    assert [p.name for p in article.persons] == ["Anatole France"]
    assert article.countries == []


def test_annotate_returns_the_articles_it_filled(extractor):
    articles = [Article(id="a", title="", text="Sergueï Lavrov a rencontré Rex Tillerson à Bonn."), Article(id="b", title="", text="Il pleut.")]
    result = extractor.annotate(articles)
    assert result == articles
    assert {p.name for p in articles[0].persons} == {"Sergueï Lavrov", "Rex Tillerson"}
    assert [c.code for c in articles[0].countries] == ["DE"]
    assert articles[1].persons == [] and articles[1].countries == []


@pytest.fixture(scope="module")
def seed(extractor):
    if not (SEED / "expected.json").is_file():
        pytest.skip("../shared/data is absent")
    from newsarchive.index.extraction.extract import extract
    from newsarchive.index.inputs.readers import read

    expected = json.loads((SEED / "expected.json").read_text("utf-8"))
    article = extract(next(iter(read(SEED / expected["file"]))))
    assert isinstance(article, Article), article
    extractor.annotate([article])
    return article, expected


def test_seed_has_every_required_person(seed):
    article, expected = seed
    names = {norm(p.name) for p in article.persons}
    assert [n for n in expected["persons_required"] if norm(n) not in names] == []


def test_seed_has_no_forbidden_person(seed):
    article, expected = seed
    names = {norm(p.name) for p in article.persons}
    assert [n for n in expected["persons_forbidden"] if norm(n) in names] == []


def test_seed_has_every_required_country(seed):
    article, expected = seed
    found = {c.code for c in article.countries}
    assert [c for c in expected["countries_required"] if c not in found] == []


def test_seed_has_no_forbidden_country(seed):
    article, expected = seed
    found = {c.code for c in article.countries}
    assert [c for c in expected["countries_forbidden"] if c in found] == []


def test_seed_has_only_expected_countries(seed):
    article, expected = seed
    allowed = set(expected["countries_required"]) | set(expected.get("countries_allowed", []))
    assert {c.code for c in article.countries} <= allowed


# --- cleaning added for the facet-quality work (#5) --------------------------------------


@pytest.mark.parametrize("span, name", [("Chinois Xi Jinping", "Xi Jinping"), ("l'Américain Donald Trump", "Donald Trump")])
def test_clean_person_strips_a_leading_demonym(span, name):
    assert clean_person(span) == name


@pytest.mark.parametrize("span", ["Bachar al-Assad", "Abdel Fattah el-Sissi"])
def test_clean_person_keeps_hyphenated_arabic_particles(span):
    assert clean_person(span) == span


def test_clean_person_keeps_a_surname_that_is_a_role_after_its_article():
    assert clean_person("Bruno Le Maire") == "Bruno Le Maire"


def test_clean_person_still_rejects_a_role_after_a_name():
    assert clean_person("Emmanuel Macron président") is None


def test_clean_person_strips_a_leading_common_noun():
    assert clean_person("affaire Troadec") == "Troadec"


@pytest.mark.parametrize("span", ["Digg", "Reddit", "Daech", "Allah Akbar"])
def test_clean_person_rejects_share_buttons_and_organisations(span):
    assert clean_person(span) is None


# --- person_mentions: spans in their article ----------------------------------------------


def span_of(text: str, surface: str, label: str = "PER", nth: int = 0) -> tuple[int, int, str, str]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    return (start, start + len(surface), label, surface)


def names(text: str, spans) -> list[str]:
    return [name for name, _, _, _ in person_mentions(text, spans)]


def test_a_capitalised_particle_left_out_by_the_model_joins_the_surname():
    text = "Au sprint, De Gendt remporte l'étape devant Froome."
    assert names(text, [span_of(text, "Gendt")]) == ["De Gendt"]


def test_a_particle_at_a_sentence_start_is_not_taken():
    text = "Le peloton arrive. De Gendt gagne."
    assert names(text, [span_of(text, "Gendt")]) == ["Gendt"]


def test_a_particle_and_a_capitalised_word_after_a_full_name_complete_it():
    text = "La revue appartient à Marc Ladreit de Lacharrière, ami du candidat."
    assert names(text, [span_of(text, "Marc Ladreit")]) == ["Marc Ladreit de Lacharrière"]


def test_a_full_name_does_not_take_the_organisation_after_it():
    text = "Le prix va à Alexis Dulguerian de Domino Films."
    spans = [span_of(text, "Alexis Dulguerian"), span_of(text, "Domino Films", "ORG")]
    assert names(text, spans) == ["Alexis Dulguerian"]


def test_a_word_the_model_tags_as_a_place_as_often_as_a_person_is_a_place():
    text = "Dans la ville de Hilla, un attentat. Un village proche de Hilla a été touché."
    spans = [span_of(text, "Hilla", "LOC"), span_of(text, "Hilla", "PER", nth=1)]
    assert names(text, spans) == []


def test_a_word_tagged_once_as_a_person_and_never_otherwise_is_kept():
    text = "Selon Hilla, les dégâts sont importants."
    assert names(text, [span_of(text, "Hilla")]) == ["Hilla"]


def test_a_common_word_capitalised_only_at_sentence_starts_is_not_a_person():
    text = "Titre\n\nFavori dans sa catégorie, le champion a gagné."
    assert names(text, [span_of(text, "Favori")]) == []


def test_a_common_word_also_capitalised_mid_sentence_stays_a_person():
    text = "Rival à droite, il a parlé. Selon Rival, tout va bien."
    assert names(text, [span_of(text, "Rival"), span_of(text, "Rival", nth=1)]) == ["Rival", "Rival"]


def test_a_persons_surname_alone_later_is_not_a_country():
    text = "François Hollande a parlé. Le protégé de Hollande se présente."
    article = Article(id="t", title="", text=text)
    annotate_from_spans(article, text, [span_of(text, "François Hollande")])
    assert [p.name for p in article.persons] == ["François Hollande"]
    assert article.countries == []


def test_the_place_with_its_article_stays_a_country_beside_the_person():
    text = "François Hollande a visité la Hollande."
    article = Article(id="t", title="", text=text)
    annotate_from_spans(article, text, [span_of(text, "François Hollande")])
    assert [c.code for c in article.countries] == ["NL"]


def test_a_country_inside_an_organisation_span_does_not_count():
    text = "Il travaille à la Banque de France."
    article = Article(id="t", title="", text=text)
    annotate_from_spans(article, text, [span_of(text, "Banque de France", "ORG")])
    assert article.countries == []


def test_a_place_inside_an_event_span_counts():
    text = "Il a gagné aux Jeux de Rio."
    article = Article(id="t", title="", text=text)
    annotate_from_spans(article, text, [span_of(text, "Jeux de Rio", "MISC")])
    assert [c.code for c in article.countries] == ["BR"]



# --- the spaCy model -----------------------------------------------------------------------


def test_the_extractor_runs_only_the_ner_component(extractor):
    assert extractor.nlp.pipe_names == ["ner"]


def test_the_model_is_a_constant():
    assert MODEL == "fr_core_news_md"


def test_a_name_after_a_title_is_a_person_whatever_the_model_tags_it():
    text = "Le dirigeant Recep Tayyip Erdogan a parlé."
    assert names(text, [span_of(text, "Recep Tayyip Erdogan", "MISC")]) == ["Recep Tayyip Erdogan"]


def test_a_place_after_a_title_stays_a_place():
    text = "Il fut ambassadeur de France à Rome."
    assert names(text, [span_of(text, "France", "LOC"), span_of(text, "Rome", "LOC")]) == []


# --- words glued to names, things read as persons, first names alone ---------------------------


@pytest.mark.parametrize(
    "span, name",
    [
        ("Irresponsable Laurent Wauquiez", "Laurent Wauquiez"),  # an adjective of a heading
        ("Premier Charles Michel", "Charles Michel"),  # a rank
        ("Facebook Priscillia Ludosky", "Priscillia Ludosky"),  # a site
        ("LFI Alexis Corbière", "Alexis Corbière"),  # a party's acronym
        ("Franceinfo Me Arié Alimi", "Arié Alimi"),  # a medium, then a title
        ("Leetchi de Christophe Dettinger", "Christophe Dettinger"),  # what belongs to the person
        ("Charles de Gaulle", "Charles de Gaulle"),
        ("Jean-Marie Le Pen", "Jean-Marie Le Pen"),
    ],
)
def test_a_word_glued_before_a_name_is_dropped_when_a_given_name_shows_where_it_starts(span, name):
    assert clean_person(span) == name


@pytest.mark.parametrize(
    "span", ["Boulevard Victor Hugo", "Félix-Éboué", "Vive la France", "Acte VII", "Vinci Autoroutes", "Charlie Hebdo", "France Inter", "Banque de France"]
)
def test_places_slogans_events_and_organisations_are_not_persons(span):
    assert clean_person(span) is None


def test_a_word_that_only_follows_a_common_noun_names_an_object():
    text = "Des cocktails Molotov ont été lancés. Les cocktails Molotov ont brûlé une voiture."
    start = text.index("Molotov")
    assert person_mentions(text, [(start, start + 7, "PER", "Molotov")]) == []


def test_a_person_inside_an_organisation_span_after_a_portfolio_is_found():
    text = "La ministre des Transports Élisabeth Borne a répondu."
    start = text.index("Transports")
    found = person_mentions(text, [(start, start + len("Transports Élisabeth Borne"), "ORG", "Transports Élisabeth Borne")])
    assert [m[0] for m in found] == ["Élisabeth Borne"]


def test_a_first_name_alone_stays_on_the_article_but_is_no_facet_value():
    [claudie] = merge_persons([("Thierry", "Thierry")])
    assert (claudie.name, claudie.facet) == ("Thierry", False)


def test_a_first_name_joined_to_one_full_name_in_the_article_is_a_mention_of_that_person():
    persons = merge_persons([("Ingrid Levavasseur", "Ingrid Levavasseur"), ("Ingrid", "Ingrid")])
    assert [(p.name, p.facet) for p in persons] == [("Ingrid Levavasseur", True)]
    assert "Ingrid" in persons[0].mentions


def test_a_surname_that_is_also_a_given_name_after_a_title_is_a_surname():
    [person] = merge_persons([("Laurent", "M. Laurent")])
    assert person.facet


def test_the_same_person_misspelt_in_one_article_is_one_person():
    spelt, misspelt = ("Alain Finkielkraut", "Alain Finkielkraut"), ("Alain Finkilekraut", "Alain Finkilekraut")
    persons = merge_persons([spelt, spelt, misspelt])
    assert [p.name for p in persons] == ["Alain Finkielkraut"]


# --- spans the model tagged otherwise, and what the article says a name is -----------------


def test_a_party_named_after_a_country_is_no_person():
    text = "Le leader de La France Insoumise a parlé."
    assert names(text, [span_of(text, "La France Insoumise", "ORG")]) == []


def test_a_nationality_after_an_article_introduces_a_person_tagged_org():
    text = "Elle s'est imposée devant l'américaine Jane Rowley et la Suisse Lara Gut."
    assert "Jane Rowley" in names(text, [span_of(text, "Jane Rowley", "ORG"), span_of(text, "Lara Gut")])


def test_a_civility_makes_a_one_word_span_tagged_org_a_person():
    text = "M. Pepin invite donc les usagers touchés à se manifester."
    assert names(text, [span_of(text, "Pepin", "ORG")]) == ["Pepin"]


@pytest.mark.parametrize("text, party", [("selon la députée LaREM du Var", "LaREM"), ("le député France Insoumise de la Somme", "France Insoumise")])
def test_a_role_before_a_party_does_not_make_it_a_person(text, party):
    assert names(text, [span_of(text, party, "ORG")]) == []


def test_a_place_after_a_role_and_du_is_no_person():
    text = "Le député du Nord a interpellé le gouvernement."
    assert names(text, [span_of(text, "du Nord", "LOC")]) == []


@pytest.mark.parametrize("span", ["Le Temps", "La Libre"])
def test_an_article_and_a_common_word_are_a_newspaper_not_a_person(span):
    text = f"Selon {span}, la manifestation a réuni peu de monde."
    assert names(text, [span_of(text, span)]) == []


def test_a_span_stopping_inside_a_hyphenated_word_is_no_name():
    text = "Selon le collectif « Désarmons-les », vingt personnes ont été blessées."
    assert names(text, [span_of(text, "Désarmons")]) == []


@pytest.mark.parametrize("span", ["Les", "La France"])
def test_an_article_alone_or_before_a_country_is_no_name(span):
    assert clean_person(span) is None


@pytest.mark.parametrize(
    "text, surface",
    [
        ("Le fils, scolarisé au collège Victor Hugo voisin, a été pris en charge.", "Victor Hugo"),
        ("Elle a été interpellée au supermarché Leclerc de la ville.", "Leclerc"),
        ("Un essai paru aux éditions Albin Michel (Éd. Albin Michel, 2018).", "Albin Michel"),
        ("La cagnotte, hébergée par Leetchi, plateforme en ligne de collecte, est close.", "Leetchi"),
        ("Le groupe autoroutier Vinci a annoncé des perturbations.", "Vinci"),
        ("Les camions étaient bloqués à Wandre. Plus personne à Wandre en fin de matinée.", "Wandre"),
        ("Le gouvernement Michel II est tombé.", "Michel II"),
        ("Elles défendent les droits de l'Homme depuis vingt ans.", "Homme"),
        ("Selon Vinci Autoroutes, le trafic est fluide.", "Vinci"),
    ],
)
def test_a_name_the_article_calls_a_place_or_a_business_is_no_person(text, surface):
    assert names(text, [span_of(text, surface, nth=0)]) == []


def test_a_title_keeps_a_name_the_article_also_gives_a_place():
    text = "Le général Leclerc entra dans Paris. Un supermarché Leclerc porte son nom."
    assert names(text, [span_of(text, "Leclerc"), span_of(text, "Leclerc", nth=1)]) == ["Leclerc", "Leclerc"]


def test_a_surname_of_a_full_name_of_the_article_is_that_persons():
    text = "Michel-Édouard Leclerc a répondu. Le supermarché Leclerc reste ouvert, a dit Leclerc."
    found = names(text, [span_of(text, "Michel-Édouard Leclerc"), span_of(text, "Leclerc", nth=2)])
    assert found == ["Michel-Édouard Leclerc", "Leclerc"]


def test_a_writer_named_more_often_than_the_school_stays_a_person():
    text = "Victor Hugo écrivait. Victor Hugo aimait les Barbares. Le collège Victor Hugo est voisin."
    spans = [span_of(text, "Victor Hugo", nth=n) for n in range(3)]
    assert names(text, spans) == ["Victor Hugo"] * 3
