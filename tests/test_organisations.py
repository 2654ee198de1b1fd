"""Organisations of an article (index/entities/organisations.py, org_rules.py): boundaries, acronyms, merges, and the archive-level acronym resolution."""

from __future__ import annotations

from collections import Counter

import pytest

from newsarchive.index.article import Article, Organisation
from newsarchive.index.entities import annotate_from_spans
from newsarchive.index.entities.org_rules import RULES, Draft, Rewrite, clean_mention
from newsarchive.index.entities.organisations import acronym_links, find_organisations, is_acronym, resolve_acronyms
from newsarchive.index.text import fold


def spans_of(text: str, *tagged: tuple[str, str]) -> list[tuple[int, int, str, str]]:
    """NER spans for the given (surface, label) pairs, at their first occurrence after the previous one."""
    spans, at = [], 0
    for surface, label in tagged:
        start = text.index(surface, at)
        spans.append((start, start + len(surface), label, surface))
        at = start + len(surface)
    return spans


def names(text: str, *tagged: tuple[str, str]) -> list[str]:
    return [o.name for o in find_organisations(text, spans_of(text, *tagged))]


# --- boundaries ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, tagged, expected",
    [
        ("La CGT appelle à la grève.", [("La CGT", "ORG")], ["CGT"]),
        ("Un accord avec l'ONU est signé.", [("l'ONU", "ORG")], ["ONU"]),
        ("Les chiffres d'EDF sont bons.", [("EDF", "ORG")], ["EDF"]),
        ("Il a rejoint le Parti socialiste en 1990.", [("Parti socialiste", "ORG")], ["Parti socialiste"]),
        ("Le maire Gaël Perdriau ( Les Républicains ) a parlé.", [("Républicains", "ORG")], ["Les Républicains"]),
    ],
)
def test_articles_before_a_name_are_dropped_unless_they_belong_to_it(text, tagged, expected):
    assert names(text, *tagged) == expected


def test_a_ministry_keeps_its_head_and_is_named_by_its_portfolio():
    text = "Selon le ministère de l'Intérieur, trois personnes ont été interpellées."
    [ministry] = find_organisations(text, spans_of(text, ("Intérieur", "ORG")))
    assert ministry.name == "ministère de l'Intérieur"
    assert "Intérieur" in ministry.mentions


def test_a_minister_of_a_country_names_the_ministry_without_the_country():
    text = "La nouvelle a été confirmée par le ministre de la Défense de la Corée du Nord."
    assert names(text, ("ministre de la Défense de la Corée du Nord", "ORG")) == ["ministère de la Défense"]


@pytest.mark.parametrize(
    "text, tagged, expected",
    [
        ("Par Deutsche Welle\n\nUne enquête approfondie a suivi.", [("Deutsche Welle\n\nUne enquête approfondie", "ORG")], ["Deutsche Welle"]),
        ("La ministre de la Justice Nicole Belloubet a réagi.", [("Justice Nicole Belloubet", "ORG")], ["ministère de la Justice"]),
        ("L'alliance Renault - Nissan vacille.", [("Renault - Nissan", "ORG")], ["Renault", "Nissan"]),
        ("le Conseil des droits de l'homme des experts", [("Conseil des droits de l'homme des", "ORG")], ["Conseil des droits de l'homme"]),
    ],
)
def test_glued_lines_persons_dashes_and_trailing_words_are_cut(text, tagged, expected):
    assert names(text, *tagged) == expected


# --- every cleaning rule on its own example (org_rules.RULES) ---------------------------------


def example_draft(rule: Rewrite) -> Draft:
    """The rule's example as the cleaning starts it: the sentence without brackets, the bracketed span, its label voted once."""
    start = rule.example_in.index("[")
    end = rule.example_in.index("]", start) - 1
    text = rule.example_in.replace("[", "", 1).replace("]", "", 1)
    return Draft(text, start, end, rule.label, {fold(text[start:end]): Counter({rule.label: 1})}, [], text[start:end])


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.name)
def test_each_organisation_rule_example_is_cleaned_to_its_expected_name_and_forms(rule):
    draft = example_draft(rule)
    mention = clean_mention(draft.text, draft.start, draft.end, draft.label, draft.votes, draft.persons)
    assert (mention.name if mention else None) == rule.example_out
    assert rule.example_form is None or rule.example_form in mention.forms


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.name)
def test_each_organisation_rule_fixes_its_own_example(rule):
    draft = example_draft(rule)
    for earlier in RULES[:RULES.index(rule)]:
        draft = earlier.apply(draft)
        assert isinstance(draft, Draft), f"{earlier.name} ends the example of {rule.name} before it runs"
    assert rule.apply(draft) != draft, f"{rule.name} leaves its own example as it was"


def test_organisation_rules_have_distinct_names():
    assert len({rule.name for rule in RULES}) == len(RULES)


# --- what is and is not an organisation ------------------------------------------------------


@pytest.mark.parametrize(
    "text, tagged, expected",
    [
        ("Les étudiants de l'Université Notre-Dame manifestent.", [("Université Notre-Dame", "LOC")], ["Université Notre-Dame"]),
        ("Le Conseil départemental de Vaucluse a voté.", [("Conseil départemental de Vaucluse", "LOC")], ["Conseil départemental de Vaucluse"]),
        ("La Banque de France relève sa prévision.", [("Banque de France", "PER")], ["Banque de France"]),
        ("Les péages de Vinci Autoroutes ont été ouverts.", [("Vinci Autoroutes", "PER")], ["Vinci Autoroutes"]),
        ("Un dessin de Charlie Hebdo a choqué.", [("Charlie Hebdo", "PER")], ["Charlie Hebdo"]),
        ("Il l'a dit sur France Inter ce matin.", [("France Inter", "PER")], ["France Inter"]),
    ],
)
def test_spans_of_any_label_whose_words_say_organisation_are_organisations(text, tagged, expected):
    assert names(text, *tagged) == expected


def test_bodies_the_model_leaves_untagged_are_found_by_their_shape():
    text = "L'État islamique a revendiqué l'attaque. L'armée syrienne avance. Les Gilets jaunes bloquent un rond-point."
    assert set(names(text)) == {"État islamique", "armée syrienne", "Gilets jaunes"}


@pytest.mark.parametrize(
    "text, tagged",
    [
        ("Les heures sont exprimées en UTC : il est midi.", [("UTC", "ORG")]),
        ("La baisse des fins de CDD se poursuit.", [("CDD", "ORG")]),
        ("Le Pacte budgétaire européen de 2012 l'impose.", [("Pacte budgétaire européen", "ORG")]),
        ("Partager cet article :\nCourriel ,\nFacebook ,\nTwitter ,", [("Courriel", "ORG"), ("Facebook", "ORG"), ("Twitter", "ORG")]),
        ("Transportée à l'hôpital, la victime est décédée.", [("Transportée", "ORG")]),
        ("Il visite l'église Saint-Marc de Venise.", [("église Saint-Marc", "LOC")]),
        ("Le vainqueur, l'Iranien Mojtaba Abedini, est ravi.", [("Iranien Mojtaba Abedini", "ORG")]),
    ],
)
def test_abbreviations_treaties_share_bars_buildings_and_persons_are_not_organisations(text, tagged):
    assert names(text, *tagged) == []


# --- acronyms and shorter mentions -------------------------------------------------------------


def test_an_acronym_in_parentheses_joins_its_long_form_and_later_mentions_join_them():
    text = "L'Organisation du traité de l'Atlantique nord (OTAN) se réunit. Plus tard, l'OTAN a annoncé un plan."
    tagged = [("Organisation du traité de l'Atlantique nord", "ORG"), ("OTAN", "ORG"), ("OTAN", "ORG")]
    [otan] = find_organisations(text, spans_of(text, *tagged))
    assert otan.name == "Organisation du traité de l'Atlantique nord"
    assert "OTAN" in otan.mentions


def test_an_acronym_joins_a_long_form_whose_initials_it_spells():
    text = "L'Organisation des Nations unies s'inquiète. L'ONU demande une trêve."
    [onu] = find_organisations(text, spans_of(text, ("Organisation des Nations unies", "ORG"), ("ONU", "ORG")))
    assert set(onu.mentions) >= {"Organisation des Nations unies", "ONU"}


def test_a_shorter_later_mention_joins_the_full_name():
    text = "La Commission européenne propose un texte. La Commission attend une réponse."
    assert names(text, ("Commission européenne", "ORG"), ("Commission", "ORG")) == ["Commission européenne"]


def test_annotate_fills_the_articles_organisations_beside_persons():
    text = "Philippe Martinez, de la CGT, rencontre Laurent Berger."
    article = Article(id="a", title="", text=text)
    annotate_from_spans(article, text, spans_of(text, ("Philippe Martinez", "PER"), ("CGT", "ORG"), ("Laurent Berger", "PER")))
    assert [o.name for o in article.organisations] == ["CGT"]
    assert [p.name for p in article.persons] == ["Philippe Martinez", "Laurent Berger"]


@pytest.mark.parametrize("word, expected", [("OTAN", True), ("CFE-CGC", True), ("GM&S", True), ("Otan", False), ("A", False)])
def test_acronyms_are_one_word_of_capitals(word, expected):
    assert is_acronym(word) is expected


def test_acronym_links_give_the_acronyms_an_organisation_was_joined_with():
    otan = Organisation("Organisation du traité de l'Atlantique nord", ["Organisation du traité de l'Atlantique nord", "OTAN"])
    assert acronym_links(otan) == {"otan"}


# --- resolve_acronyms: one facet value across the archive -----------------------------------------


def test_an_acronym_and_its_long_form_become_the_form_the_archive_uses_most():
    counts = {"otan": 120, "organisation du traite de l atlantique nord": 15}
    links = {"organisation du traite de l atlantique nord": {"otan"}}
    assert resolve_acronyms(counts, links) == {"organisation du traite de l atlantique nord": "otan"}


def test_the_long_form_wins_when_the_archive_writes_it_more():
    counts = {"ue": 10, "union europeenne": 90}
    assert resolve_acronyms(counts, {"ue": {"union europeenne"}}) == {"ue": "union europeenne"}


def test_an_acronym_spelled_out_two_ways_as_often_joins_neither():
    counts = {"cpi": 30, "cour penale internationale": 20, "commission paritaire interprofessionnelle": 20}
    links = {"cpi": {"cour penale internationale": 3, "commission paritaire interprofessionnelle": 3}}
    assert resolve_acronyms(counts, links) == {}


def test_an_acronym_joins_the_long_form_of_most_of_its_joins():
    counts = {"cpi": 30, "cour penale internationale": 20, "commission paritaire interprofessionnelle": 2}
    links = {"cpi": {"cour penale internationale": 9, "commission paritaire interprofessionnelle": 1}}
    assert resolve_acronyms(counts, links) == {"cour penale internationale": "cpi"}


def test_an_acronym_spelled_out_many_ways_joins_the_clear_leader():
    counts = {"cdc": 12, "centres de prevention et de lutte contre les maladies": 16, "centre de controle et de prevention des maladies": 6}
    links = {"cdc": {"centres de prevention et de lutte contre les maladies": 15, "centre de controle et de prevention des maladies": 8,
                     **{f"centre {i}": 1 for i in range(8)}}}
    assert resolve_acronyms(counts, links) == {"cdc": "centres de prevention et de lutte contre les maladies"}


def test_two_acronyms_of_one_body_join_into_one_value():
    counts = {"onu": 50, "nu": 5, "organisation des nations unies": 10}
    links = {"onu": {"organisation des nations unies"}, "nu": {"organisation des nations unies"}}
    assert resolve_acronyms(counts, links) == {"nu": "onu", "organisation des nations unies": "onu"}


def test_keys_absent_from_the_counts_are_not_resolved():
    assert resolve_acronyms({"otan": 3}, {"otan": {"organisation du traite de l atlantique nord"}}) == {}


# --- names cut short by a person's name that is part of them (cut_at_person) ---------------------


@pytest.mark.parametrize(
    "text, tagged, expected",
    [
        ("Une dépêche de l'Agence France Presse le confirme.", [("Agence France Presse", "ORG")], ["Agence France Presse"]),
        ("Le leader de La France Insoumise a parlé.", [("La France Insoumise", "ORG")], ["France Insoumise"]),
        ("Une note de la Fondation Jean Jaurès le montre.", [("Fondation Jean Jaurès", "ORG")], ["Fondation Jean Jaurès"]),
        ("Les élèves de l'Institut Jean Vigo exposent.", [("Institut Jean Vigo", "ORG")], ["Institut Jean Vigo"]),
        ("Le candidat au Sénat John James a perdu.", [("Sénat John James", "ORG")], ["Sénat"]),
    ],
)
def test_a_country_or_a_person_a_body_is_named_after_does_not_cut_its_name(text, tagged, expected):
    assert names(text, *tagged) == expected


# --- what names no body: a class by the head of the name -------------------------------------------


@pytest.mark.parametrize(
    "text, tagged",
    [
        ("Les magasins ferment le soir du Nouvel An.", [("Nouvel An", "ORG")]),  # a holiday
        ("Les commerces rouvrent après la Toussaint.", [("Toussaint", "MISC")]),
        ("Le CICE sera transformé en baisse de charges.", [("CICE", "ORG")]),  # a tax or a benefit
        ("La prime d'activité sera relevée de 90 euros.", [("prime d'activité", "MISC")]),
        ("Le CAC 40 a reculé de 2 % vendredi.", [("CAC 40", "ORG")]),  # a stock index
        ("Les manifestants réclament le RIC partout en France.", [("RIC", "ORG")]),  # a referendum
        ("Le Référendum d'initiative citoyenne est au cœur des revendications.", [("Référendum d'initiative citoyenne", "MISC")]),
        ("La COP24 s'ouvre à Katowice.", [("COP24", "ORG")]),  # an event
        ("Le PSG mène la Ligue 1 avec dix points d'avance.", [("Ligue 1", "ORG")]),  # a competition
        ("Il a reçu la Légion d'honneur en 2010.", [("Légion d'honneur", "ORG")]),  # an honour
        ("Des affrontements ont éclaté près de l'Arc de triomphe.", [("Arc de triomphe", "ORG")]),  # a building
        ("La capitulation de l'Allemagne nazie le 8 mai 1945.", [("Allemagne nazie", "ORG")]),  # a state
        ("La le dit.", [("La", "ORG")]),  # function words
        ("Les visiteurs admis dans l'espace Schengen sont rares.", [("Schengen", "ORG")]),  # a place's name
        ("Rendez-vous place de la République à midi.", [("République", "LOC")]),
        ("Une incapacité totale de travail (ITT) de huit jours. L'ITT est longue.", [("ITT", "ORG"), ("ITT", "ORG")]),
        ("Il a créé un compte Twitter pour l'occasion.", [("Twitter", "MISC")]),  # a group or an account on a network
        ("Le constructeur de Stuttgart présente son modèle.", [("Stuttgart", "LOC")]),  # a maker named by its town
        ("Ils débattront de l'organisation de l'État et de fiscalité.", [("État", "LOC")]),  # the State as a seat
    ],
)
def test_holidays_taxes_indexes_laws_events_places_and_things_are_no_organisations(text, tagged):
    assert names(text, *tagged) == []


def test_a_class_of_names_is_caught_beyond_the_examples_that_motivated_it():
    from newsarchive.index.entities.org_classes import not_body_kind

    assert not_body_kind("Nouvel An chinois") == "a holiday"
    assert not_body_kind("COP 21") == "an event or a competition"
    assert not_body_kind("taxe carbone") == "a tax or a benefit"
    assert not_body_kind("Dow Jones") == "a stock index"
    assert not_body_kind("Nouvel Obs") is None and not_body_kind("G20") is None and not_body_kind("La France insoumise") is None


# --- a generic head: completed from the text, or dropped ----------------------------------------


@pytest.mark.parametrize(
    "text, tagged, expected",
    [
        ("le président du Centre d'analyse du terrorisme, interrogé par l'AFP", [("Centre", "LOC")], ["Centre d'analyse du terrorisme"]),
        ("la création d'un « Haut Conseil pour le climat » qu'il installera", [("Haut Conseil", "ORG")], ["Haut Conseil pour le climat"]),
        ("l'ancien président de la Chambre des représentants Newt Gingrich", [("Chambre", "ORG")], ["Chambre des représentants"]),
        ("le président du Centre des monuments nationaux Philippe Bélaval", [("Centre", "LOC")], ["Centre des monuments nationaux"]),
        ("la Ligue des droits de l'homme (LDH) a dénoncé", [("Ligue", "ORG")], ["Ligue des droits de l'homme"]),
        ("la majorité en Chambre, a dit le député.", [("Chambre", "ORG")], []),
        ("L'Opéra a annulé ses représentations.", [("Opéra", "LOC")], []),
        ("Le Conseil a tranché hier soir.", [("Conseil", "ORG")], []),
    ],
)
def test_a_bare_generic_head_takes_the_words_after_it_or_goes(text, tagged, expected):
    assert names(text, *tagged) == expected


def test_a_long_form_cut_at_et_is_completed_up_to_its_acronym():
    text = "selon la Fédération du commerce et de la distribution (FCD), les pertes sont lourdes."
    [fcd] = find_organisations(text, spans_of(text, ("Fédération du commerce", "ORG"), ("FCD", "ORG")))
    assert fcd.name == "Fédération du commerce et de la distribution" and "FCD" in fcd.mentions


# --- ministries named by their whole portfolio ------------------------------------------------------


@pytest.mark.parametrize(
    "text, tagged, expected",
    [
        ("Le ministre de l'Action et des Comptes publics, Gérald Darmanin, a parlé.",
         [("ministre de l'Action", "ORG"), ("Comptes publics", "ORG"), ("Gérald Darmanin", "PER")], ["ministère de l'Action et des Comptes publics"]),
        ("a annoncé le ministre de l'Economie et des Finances, Bruno Le Maire.",
         [("ministre de l'Economie", "ORG"), ("Finances", "ORG"), ("Bruno Le Maire", "PER")], ["ministère de l'Economie et des Finances"]),
        ("a protesté le ministre belge de l'Intérieur Jan Jambon sur Twitter.", [("Intérieur", "ORG"), ("Jan Jambon", "PER")],
         ["ministère de l'Intérieur"]),
        ("a indiqué le secrétaire d'État français à l'Intérieur, Laurent Nuñez.",
         [("État français", "LOC"), ("l'Intérieur", "ORG"), ("Laurent Nuñez", "PER")],
         ["ministère de l'Intérieur"]),
        ("il était sous-ministre aux Finances au gouvernement du Québec.", [("Finances", "ORG")], ["ministère des Finances"]),
        ("Marc Fesneau, le ministre des Relations avec le Parlement, a suggéré", [("Marc Fesneau", "PER"), ("ministre des Relations", "ORG")],
         ["ministère des Relations avec le Parlement"]),
        ("annoncée par le ministre de l'Intérieur, Suresh Prabhu, hier.", [("ministre de l'Intérieur", "ORG")], ["ministère de l'Intérieur"]),
    ],
)
def test_a_ministry_is_named_by_its_whole_portfolio_read_in_the_text(text, tagged, expected):
    assert names(text, *tagged) == expected


# --- persons and own publications ------------------------------------------------------------------


def test_a_persons_surname_tagged_as_an_organisation_is_that_person_unless_something_says_company():
    text = "Jair Bolsonaro a minimisé la crise. Selon Raoni, Bolsonaro profite du virus."
    article = Article(id="a", title="", text=text)
    annotate_from_spans(article, text, spans_of(text, ("Jair Bolsonaro", "PER"), ("Bolsonaro", "ORG")))
    assert article.organisations == []
    text = "Ettore Bugatti a fondé la marque. La Bugatti Chiron est sortie."
    article = Article(id="b", title="", text=text)
    annotate_from_spans(article, text, spans_of(text, ("Ettore Bugatti", "PER"), ("Bugatti", "ORG")))
    assert [o.name for o in article.organisations] == ["Bugatti"]


@pytest.mark.parametrize(
    "source, url, written",
    [
        ("lefigaro.fr", "https://www.lefigaro.fr/politique/x", "Le Figaro"),
        ("lefigaro.fr", "https://www.lefigaro.fr/vox/x", "FigaroVox"),
        ("tdg.ch", None, "TDG"),
        ("La DH", None, "DH"),
        (None, "https://www.ledevoir.com/monde/x", "Le Devoir"),
    ],
)
def test_an_article_naming_its_own_publication_does_not_count_it_as_an_organisation(source, url, written):
    text = f"Selon {written}, la CGT appelle à la grève."
    article = Article(id="a", title="", text=text, source=source, url=url)
    annotate_from_spans(article, text, spans_of(text, (written, "ORG"), ("CGT", "ORG")))
    assert [o.name for o in article.organisations] == ["CGT"]


def test_another_publication_is_an_organisation_like_any_other():
    text = "Selon Le Monde, la CGT appelle à la grève."
    article = Article(id="a", title="", text=text, source="lefigaro.fr", url="https://www.lefigaro.fr/x")
    annotate_from_spans(article, text, spans_of(text, ("Le Monde", "ORG"), ("CGT", "ORG")))
    assert [o.name for o in article.organisations] == ["Le Monde", "CGT"]


# --- the names of one listed body ------------------------------------------------------------------


def test_the_names_of_a_listed_body_are_one_body_whatever_their_spelling():
    from newsarchive.index.entities.org_names import known_body

    assert known_body("LaREM") is known_body("LREM") is known_body("la République en marche")
    assert known_body("BFM TV") is known_body("BFMTV")
    assert known_body("Alliance atlantique") is known_body("OTAN")
    assert known_body("Parti socialiste") is not known_body("Parti communiste")
    assert known_body("Porsche") is None


def test_two_names_of_a_listed_body_in_one_article_are_one_organisation():
    text = "L'OTAN se réunit à Bruxelles. L'Alliance atlantique renforce sa présence."
    [otan] = find_organisations(text, spans_of(text, ("OTAN", "ORG"), ("Alliance atlantique", "ORG")))
    assert {"OTAN", "Alliance atlantique"} <= set(otan.mentions)


# --- organisation_merges: one facet value per body across the archive --------------------------------


def test_the_archive_merges_acronyms_listed_names_spellings_and_ministries_with_a_reason():
    from newsarchive.index.entities.org_archive import organisation_merges

    counts = {"lrem": 271, "larem": 112, "la republique en marche": 7, "euronews": 21, "euro news": 3, "le monde": 68, "monde": 36,
              "ministere de l agriculture": 30, "ministere de l agriculture et de l alimentation": 3, "igpn": 35,
              "inspection generale de la police nationale": 40}
    merges = organisation_merges(counts, {"inspection generale de la police nationale": {"igpn": 20}})
    assert merges.targets == {"larem": "lrem", "la republique en marche": "lrem", "euro news": "euronews", "monde": "le monde",
                              "ministere de l agriculture et de l alimentation": "ministere de l agriculture",
                              "igpn": "inspection generale de la police nationale"}
    assert merges.reasons["larem"] == "known names" and merges.reasons["euro news"] == "spelling"
    assert merges.reasons["ministere de l agriculture et de l alimentation"] == "ministry" and merges.reasons["igpn"] == "acronym"


def test_a_short_form_joins_the_value_it_begins_only_when_that_value_dominates():
    from newsarchive.index.entities.org_archive import organisation_merges

    assert organisation_merges({"assemblee": 95, "assemblee nationale": 435, "assemblee generale": 5}).targets == {"assemblee": "assemblee nationale"}
    assert organisation_merges({"renault": 300, "renault nissan": 20}).targets == {}  # rarer: another body
    assert organisation_merges({"union": 14, "union europeenne": 141, "union centriste": 60, "union africaine": 40}).targets == {}
    # "aston martin racing" counts for "aston martin" when the question is what "aston" stands for
    counts = {"aston": 14, "aston martin": 34, "aston martin racing": 6, "aston martin lagonda": 5}
    assert organisation_merges(counts).targets["aston"] == "aston martin"


def test_no_short_form_for_an_acronym_or_a_listed_bodys_own_name():
    from newsarchive.index.entities.org_archive import organisation_merges

    shown = {"sud": "SUD", "sud radio": "Sud Radio"}
    assert organisation_merges({"sud": 3, "sud radio": 16}, shown=shown).targets == {}
    assert organisation_merges({"unsa": 10, "unsa police": 18}).targets == {}


def test_two_listed_bodies_never_meet_and_the_alias_file_splits_either_way():
    from newsarchive.index.entities.aliases import Aliases
    from newsarchive.index.entities.org_archive import organisation_merges

    # a wrong acronym join of "pc" with two parties does not make them one
    counts = {"parti socialiste": 60, "parti communiste": 23, "ps": 268}
    joins = {"parti communiste": {"ps": 5}}
    assert "parti communiste" not in organisation_merges(counts, joins).targets
    counts = {"rassemblement national": 209, "front national": 50}
    assert organisation_merges(counts).targets == {"front national": "rassemblement national"}
    split = Aliases.parse("Front national != Rassemblement national").forbids
    assert organisation_merges(counts, forbids=split).targets == {}
    split = Aliases.parse("Rassemblement national != Front national").forbids
    assert organisation_merges(counts, forbids=split).targets == {}


def test_names_of_two_unions_run_together_are_no_long_form():
    from newsarchive.index.entities.org_archive import organisation_merges

    counts = {"cgt": 50, "snj": 6, "snj cgt": 2, "amg": 18, "mercedes amg": 12}
    shown = {"snj cgt": "SNJ-CGT", "mercedes amg": "Mercedes-AMG"}
    merges = organisation_merges(counts, {"snj cgt": {"snj": 2, "cgt": 2}, "mercedes amg": {"amg": 3}}, shown=shown)
    assert "snj" not in merges.targets and merges.targets["mercedes amg"] == "amg"  # but a brand and its acronym are one company


def test_a_listed_name_is_the_label_when_it_differs_only_by_its_article():
    from newsarchive.index.entities.org_archive import organisation_merges

    merges = organisation_merges({"echos": 20, "les echos": 15, "express": 20})
    assert merges.targets == {"les echos": "echos"} or merges.targets == {"echos": "les echos"}
    assert merges.labels[merges.targets.get("echos", "echos")] == "Les Échos" and merges.labels["express"] == "L'Express"


def test_the_seed_names_nato_once_whatever_it_calls_it():
    """The seed article writes "l'OTAN" and "l'Alliance atlantique": one organisation, one facet value."""
    from newsarchive.index.entities import EntityExtractor
    from newsarchive.index.extraction.extract import extract
    from newsarchive.index.inputs.readers import read

    from .conftest import SEED, need_shared

    need_shared(SEED)
    [record] = list(read(SEED))
    [article] = EntityExtractor().annotate([extract(record)])
    nato = [o for o in article.organisations if {"OTAN", "Alliance atlantique"} & {o.name, *o.mentions}]
    assert len(nato) == 1 and {"OTAN", "Alliance atlantique"} <= set(nato[0].mentions)
