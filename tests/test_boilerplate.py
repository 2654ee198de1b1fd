"""Page furniture rules (index/boilerplate.py), and the cleaned seed article end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsarchive.index.article import Article
from newsarchive.index.boilerplate import RULES, archive_source, drop_repeated_lines, strip_furniture
from newsarchive.index.extract import extract
from newsarchive.index.readers import read

SEED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "seed"
SEED_FILE = "huffpost-quebec-2017-pas-de-cooperation-militaire.txt"


def matching_rules(line: str) -> list[str]:
    return [rule.name for rule in RULES if rule.match(line)]


# --- every rule on its own example -------------------------------------------------------


@pytest.mark.parametrize("rule", RULES, ids=[rule.name for rule in RULES])
def test_rule_matches_its_own_example(rule):
    assert rule.match(rule.example)


@pytest.mark.parametrize("rule", RULES, ids=[rule.name for rule in RULES])
def test_rule_action_is_drop_or_cut(rule):
    assert rule.action in ("drop", "cut")


def test_rule_names_are_unique():
    names = [rule.name for rule in RULES]
    assert len(names) == len(set(names))


ARTICLE_SENTENCES = [
    "Selon l'AFP, le ministre a démissionné.",
    "La Russie a dit à l'AFP qu'elle ne commenterait pas ces informations.",
    "Le photographe de Getty Images a été blessé lors de la manifestation à Kiev.",
    "La page Facebook du parti a été suspendue après la publication de fausses nouvelles.",
    "Le ministre a partagé sur Facebook une vidéo de la rencontre avec son homologue.",
    "« Partager sur Facebook n'est pas un crime », a plaidé l'avocat devant le tribunal.",
    "Il faut lire aussi le rapport de la Cour des comptes pour comprendre l'ampleur du déficit.",
    "Les cookies collectés par l'application ont été revendus à des courtiers en données.",
    "Le ministre a refusé de commenter les informations publiées par Reuters.",
    "Washington et Moscou ont échangé des prisonniers, selon l'AP.",
    "Le président a fermé la porte à toute négociation avec les syndicats.",
    "Photo : le cliché qui a fait le tour du monde montre-t-il vraiment un enfant seul ?",
    "Publicité mensongère : l'entreprise a été condamnée à une amende de 2 millions d'euros.",
    "À voir aussi comment le gouvernement répondra aux critiques de l'opposition.",
    pytest.param(
        "La CNIL a infligé une amende de 150 millions d'euros à Google pour avoir déposé des cookies sans le consentement des internautes.",
        id="cnil-cookie-fine",
    ),
    pytest.param(
        "Inscrivez-vous sur les listes électorales avant le 31 mars, rappelle la mairie.",
        id="electoral-list-reminder",
    ),
]


@pytest.mark.parametrize("sentence", ARTICLE_SENTENCES)
def test_rules_leave_article_sentences_alone(sentence):
    assert matching_rules(sentence) == []


@pytest.mark.parametrize("sentence", ARTICLE_SENTENCES[:10])
def test_strip_furniture_keeps_article_sentences(sentence):
    assert strip_furniture([sentence]).lines == [sentence]


# --- single rules on other real furniture ------------------------------------------------


@pytest.mark.parametrize(
    "line, rule",
    [
        ("(Photo by Jabin Botsford/The Washington Post via Getty Images)", "photo_by_credit"),
        ("Jabin Botsford / AFP", "agency_credit"),
        ("Photo : Jacques Boissinot / La Presse canadienne", "photo_label_credit"),
        ("À lire aussi", "read_also_block"),
        ("» Lire aussi : Le gouvernement dévoile son plan de relance", "read_also_link"),
        ("Voir aussi : la carte des manifestations", "read_also_link"),
        ("×", "lone_close"),
        ("Fermer", "lone_close"),
        ("Advertisement", "advertisement"),
        ("Facebook Twitter Courriel", "share_bar"),
        ("Partager Tweeter Envoyer", "share_bar"),
        ("Abonnez-vous à notre infolettre", "subscribe_prompt"),
        ("Ce site utilise des cookies. En poursuivant votre navigation, vous acceptez leur utilisation.", "cookie_banner"),
        ("This article exists as part of the online archive for HuffPost Canada, which closed in 2021.", "archive_notice"),
    ],
)
def test_furniture_line_is_caught_by_its_rule(line, rule):
    assert rule in matching_rules(line)


def test_archive_source_names_the_publication():
    assert archive_source("Cet article fait partie des archives en ligne du HuffPost Québec, qui a fermé ses portes en 2021.") == "HuffPost Québec"
    assert archive_source("This article exists as part of the online archive for HuffPost Canada, which closed in 2021.") == "HuffPost Canada"
    assert archive_source("Le HuffPost Québec a fermé ses portes en 2021.") is None


# --- strip_furniture on a small page -----------------------------------------------------

PAGE = [
    "Cet article fait partie des archives en ligne du HuffPost Québec, qui a fermé ses portes en 2021.",
    "",
    "Le Québec rouvre ses frontières",
    "(Photo by Graham Hughes via Getty Images)",
    "Le premier ministre a annoncé mardi la réouverture des frontières de la province.",
    "Lire aussi : Le gouvernement dévoile son plan de relance",
    "Les commerçants de la Beauce se réjouissent de cette décision attendue depuis des mois.",
    "Close",
    "À VOIR AUSSI",
    "Dix recettes de tire d'érable pour le printemps",
    "Cet article fait partie des archives en ligne du HuffPost Canada, qui ont fermé en 2021.",
]


def test_strip_furniture_keeps_the_article_paragraphs_in_order():
    assert strip_furniture(PAGE).lines == [
        "Le Québec rouvre ses frontières",
        "Le premier ministre a annoncé mardi la réouverture des frontières de la province.",
        "Les commerçants de la Beauce se réjouissent de cette décision attendue depuis des mois.",
    ]


def test_archive_notice_is_dropped_and_names_the_source():
    result = strip_furniture(PAGE)
    assert result.source == "HuffPost Québec"
    assert not any("archives en ligne" in line for line in result.lines)
    assert ("archive_notice", PAGE[0]) in result.removed


def test_see_also_cuts_everything_after_it():
    result = strip_furniture(PAGE)
    removed = {line: rule for rule, line in result.removed}
    assert removed["À VOIR AUSSI"] == "see_also_block"
    assert removed["Dix recettes de tire d'érable pour le printemps"] == "see_also_block"
    assert not any("érable" in line for line in result.lines)


def test_close_line_is_dropped():
    result = strip_furniture(PAGE)
    assert "Close" not in result.lines
    assert ("lone_close", "Close") in result.removed


def test_short_read_also_link_is_dropped_but_neighbours_stay():
    result = strip_furniture(PAGE)
    assert ("read_also_link", "Lire aussi : Le gouvernement dévoile son plan de relance") in result.removed
    i = result.lines.index("Le premier ministre a annoncé mardi la réouverture des frontières de la province.")
    assert result.lines[i + 1] == "Les commerçants de la Beauce se réjouissent de cette décision attendue depuis des mois."


def test_getty_caption_is_dropped():
    result = strip_furniture(PAGE)
    assert not any("Getty" in line for line in result.lines)
    assert ("photo_by_credit", "(Photo by Graham Hughes via Getty Images)") in result.removed


def test_archive_notice_after_the_cut_still_names_the_source():
    page = ["Un paragraphe d'article assez long pour être gardé.", "À VOIR AUSSI", "Une autre histoire", PAGE[-1]]
    result = strip_furniture(page)
    assert result.lines == ["Un paragraphe d'article assez long pour être gardé."]
    assert result.source == "HuffPost Canada"


def test_strip_furniture_without_furniture_changes_nothing():
    lines = ["Premier paragraphe.", "  Deuxième paragraphe, avec des espaces autour.  ", ""]
    result = strip_furniture(lines)
    assert result.lines == ["Premier paragraphe.", "Deuxième paragraphe, avec des espaces autour."]
    assert result.removed == []
    assert result.source is None


def test_strip_furniture_with_no_rules_keeps_furniture():
    assert strip_furniture(["Close", "Publicité"], rules=[]).lines == ["Close", "Publicité"]


# --- drop_repeated_lines -----------------------------------------------------------------


def test_drop_repeated_lines_drops_long_repeats_ignoring_case_and_spaces():
    title = "Pas de coopération militaire avec la Russie pour l'instant"
    lines = [title, "Premier paragraphe de l'article.", "PAS DE COOPÉRATION  militaire avec la Russie pour l'instant", title]
    assert drop_repeated_lines(lines) == [title, "Premier paragraphe de l'article."]


def test_drop_repeated_lines_keeps_short_repeats():
    lines = ["(...)", "Un paragraphe.", "(...)", "Extrait", "Extrait"]
    assert drop_repeated_lines(lines) == lines


def test_drop_repeated_lines_keeps_the_first_occurrence_in_order():
    lines = ["Une légende de photo assez longue.", "Le texte de l'article commence ici.", "Une légende de photo assez longue."]
    assert drop_repeated_lines(lines) == lines[:2]


# --- the real seed, end to end -----------------------------------------------------------


@pytest.fixture(scope="module")
def seed():
    if not (SEED / SEED_FILE).is_file() or not (SEED / "expected.json").is_file():
        pytest.skip("../shared/data is absent")
    expected = json.loads((SEED / "expected.json").read_text("utf-8"))
    records = list(read(SEED / expected["file"]))
    assert len(records) == 1
    article = extract(records[0])
    assert isinstance(article, Article), article
    return article, expected


def test_seed_title_and_source(seed):
    article, expected = seed
    assert article.title == expected["title"]
    assert article.source == expected["source"]


def test_seed_keeps_every_required_passage(seed):
    article, expected = seed
    missing = [s for s in expected["text_must_contain"] if s not in article.text]
    assert missing == []


def test_seed_drops_every_furniture_passage(seed):
    article, expected = seed
    present = [s for s in expected["text_must_not_contain"] if s in article.text]
    assert present == []


def test_seed_paragraphs_are_separated_by_blank_lines(seed):
    article, _ = seed
    paragraphs = article.text.split("\n\n")
    assert len(paragraphs) > 10
    assert all(p.strip() == p and p and "\n" not in p for p in paragraphs)
    assert paragraphs[0].startswith("La nouvelle ère de coopération entre Washington et Moscou")
    assert paragraphs[-1].startswith("M. Lavrov a également indiqué")


def test_seed_title_is_not_repeated_in_the_body(seed):
    article, expected = seed
    assert expected["title"] not in article.text
