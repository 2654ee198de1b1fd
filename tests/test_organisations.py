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


def test_two_acronyms_of_one_body_join_into_one_value():
    counts = {"onu": 50, "nu": 5, "organisation des nations unies": 10}
    links = {"onu": {"organisation des nations unies"}, "nu": {"organisation des nations unies"}}
    assert resolve_acronyms(counts, links) == {"nu": "onu", "organisation des nations unies": "onu"}


def test_keys_absent_from_the_counts_are_not_resolved():
    assert resolve_acronyms({"otan": 3}, {"otan": {"organisation du traite de l atlantique nord"}}) == {}
