"""Page furniture rules (index/extraction/boilerplate.py), and the cleaned seed article end to end."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from newsarchive.index.article import Article, RawRecord
from newsarchive.index.extraction.boilerplate import RULES, archive_source, byline_author, drop_repeated_lines, strip_furniture
from newsarchive.index.extraction.extract import extract
from newsarchive.index.inputs.readers import read

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
SEED = SHARED / "seed"
SEED_FILE = "huffpost-quebec-2017-pas-de-cooperation-militaire.txt"
DEV_PAGES = SHARED / "extraction" / "orangesum-dev"


def matching_rules(line: str) -> list[str]:
    return [rule.name for rule in RULES if rule.match(line)]


# --- every rule on its own example -------------------------------------------------------


@pytest.mark.parametrize("rule", RULES, ids=[rule.name for rule in RULES])
def test_rule_matches_its_own_example(rule):
    assert rule.match(rule.example)


@pytest.mark.parametrize("rule", RULES, ids=[rule.name for rule in RULES])
def test_rule_action_is_drop_drop_next_or_cut(rule):
    assert rule.action in ("drop", "drop_next", "cut")


@pytest.mark.parametrize("rule", RULES, ids=[rule.name for rule in RULES])
def test_rule_example_is_removed_by_strip_furniture(rule):
    result = strip_furniture(["Un paragraphe d'article assez long pour être gardé tel quel.", rule.example])
    assert rule.example.strip() not in result.lines


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
    # Sentences that look like bylines, credits, stamps or "lire aussi" lines, but are article text.
    "Le décret a été publié le 12 juin 2020.",
    "Le rapport, publié le 12 juin 2020, accable le ministère.",
    "Article initialement publié le 17 décembre.",
    "La Chine a rapporté mardi 27 nouveaux malades du Covid-19 à Pékin, et publié le génome du coronavirus découvert dans la ville.",
    "Par ailleurs, deux départements sont toujours en alerte orange.",
    "Par quelle folle médecine le Français est-il forcé à avaler périodiquement sa pastille de Vichy ?",
    "Par mesure de sécurité, la bourgmestre Caroline Taquin a demandé le démontage total du chapiteau.",
    "Lire aussi le rapport de la Cour des comptes.",
    "Il a passé la soirée à regarder sur Netflix des séries policières.",
    "Le temps de lecture moyen d'un article a baissé de 3 minutes en dix ans.",
    "Suivez notre direct sur France 2 ce soir, a lancé le présentateur.",
    "Copyright et droit d'auteur : le Parlement européen adopte la directive.",
    "Copyright : Bruxelles recule",
    "Le 22/11/2018 à 16:40, la police est intervenue.",
    "Les agences de notation ont abaissé la note de la France.",
    "PARIS | Après les nombreuses manifestations qui ont marqué son mandat, Emmanuel Macron fait face à une fronde.",
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
        # Real furniture of French news pages (orangesum-dev, the gilets-jaunes corpus).
        ("AFP, publié le vendredi 12 juin 2020 à 10h30", "byline_stamp"),
        ("publié le 30 juillet", "byline_stamp"),
        ("Source : CNEWS, publié le lundi 12 mars 2018 à 10h00", "byline_stamp"),
        ("Texte 6Medias, Vidéo HuffPost, publié le mardi 23 janvier 2018 à 22h48", "byline_stamp"),
        ("Publié le 03/03/2018 à 10:00, mis à jour le 04/03/2018 à 08:15", "byline_stamp"),
        ("Par Gaëtan de Capèle", "byline_author"),
        ("Par Arnaud Bouvier et Michel Conrath", "byline_author"),
        ("Par Cécile Cukierman, sénatrice de la Loire, porte-parole du PCF", "byline_author"),
        ("© 2019 AFP", "agency_credit"),
        ("© Didier Bauweraerts", "copyright_line"),
        ("Tous droits réservés", "copyright_line"),
        ("Copyright 2019 Le Journal de Montréal", "copyright_line"),
        ("(avec agences)", "agencies_credit"),
        ("20/11/2018 09:29:56\xa0-", "wire_timestamp"),
        ("Temps de lecture : 3 min", "reading_time"),
        ("» LIRE AUSSI - Comment ça marche: le LBD-40", "read_also_link"),
        ("Consultez notre dossier : La colère des Gilets jaunes", "read_also_link"),
        ("Lire aussi\xa0Petite anthologie des révoltes françaises", "read_also_headline"),
        ("» EN DIRECT - Les «gilets jaunes» seront finalement reçus par François de Rugy", "live_link"),
        ("LBD : Christophe Castaner défend son usage - Regarder sur Figaro Live", "video_embed_title"),
        ("» Suivez toutes les infos du Figaro culture sur\xa0Facebook et Twitter.", "subscribe_prompt"),
        ("Suivez l'actualité économique en vous inscrivant à la newsletter Économie du\xa0Point", "subscribe_prompt"),
        ("Contenus sponsorisés", "advertisement"),
        ("Accueil | Politique | Économie | Sport", "menu_line"),
    ],
)
def test_furniture_line_is_caught_by_its_rule(line, rule):
    assert rule in matching_rules(line)


@pytest.mark.parametrize(
    "line, author",
    [
        ("Par Gaëtan de Capèle", "Gaëtan de Capèle"),
        ("par Aurélien Purière", "Aurélien Purière"),
        ("Par Willy Pelletier, sociologue, Fondation Copernic", "Willy Pelletier"),
        ("Par Laurent Eyraud-Chaume et Sylvie Larue", "Laurent Eyraud-Chaume et Sylvie Larue"),
        ("Par ailleurs, le maire a démissionné.", None),
        ("Par Toutatis !", None),
    ],
)
def test_byline_author_names_the_author(line, author):
    assert byline_author(line) == author


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


# "Lire aussi" on its own line (Le Point): the link under it goes too, the article goes on.
LE_POINT = [
    "Qui peut dire qu'elles ne l'auraient été à 90 km/h alors que la tendance était déjà à la baisse ?",
    "Lire aussi",
    "« La limitation à 80 km/h aurait permis d'épargner 116 vies »",
    "Dans l'état actuel des interprétations statistiques, mettre ces gains au crédit de la mesure est prématuré.",
    "Or, c'est précisément sur ces routes que les radars fixes ont été vandalisés.",
]


def test_read_also_heading_drops_its_link_and_keeps_the_rest_of_the_article():
    result = strip_furniture(LE_POINT)
    assert result.lines == [LE_POINT[0], LE_POINT[3], LE_POINT[4]]
    assert [rule for rule, _ in result.removed] == ["read_also_block", "read_also_block"]


def test_read_also_heading_keeps_a_following_sentence():
    # When the link was lost, the next line is article text: a sentence, which stays.
    lines = ["Lire aussi", LE_POINT[3], LE_POINT[4]]
    assert strip_furniture(lines).lines == [LE_POINT[3], LE_POINT[4]]


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


# --- bylines: dropped from the body, kept as metadata ------------------------------------


def text_article(text: str) -> Article:
    article = extract(RawRecord(origin="article.txt", kind="text", content=text, raw=text.encode("utf-8")))
    assert isinstance(article, Article), article
    return article


BYLINED = (
    "Le Québec rouvre ses frontières\n\n"
    "Par Marie Tremblay\n\n"
    "La Presse canadienne, publié le mardi 16 juin 2020 à 10h30\n\n"
    "Le premier ministre a annoncé mardi la réouverture des frontières de la province aux voyageurs.\n\n"
    "Les commerçants de la Beauce se réjouissent de cette décision attendue depuis des mois."
)


def test_text_byline_stamp_gives_the_date_and_leaves_the_body():
    article = text_article(BYLINED)
    assert article.date == dt.date(2020, 6, 16)
    assert "publié le" not in article.text


def test_text_byline_author_gives_the_author_and_leaves_the_body():
    article = text_article(BYLINED)
    assert article.author == "Marie Tremblay"
    assert "Marie Tremblay" not in article.text
    assert article.text.startswith("Le premier ministre a annoncé mardi")


def test_author_alone_on_a_line_of_the_body_is_dropped():
    record = RawRecord(
        origin="a.jsonl:1",
        kind="fields",
        fields={"title": "Le Québec rouvre", "author": "Marie Tremblay", "text": "Marie Tremblay\n\n" + BYLINED.split("\n\n", 3)[3]},
        raw=b"{}",
    )
    article = extract(record)
    assert article.author == "Marie Tremblay"
    assert article.text.split("\n\n")[0].startswith("Le premier ministre")


# --- the same furniture goes the same way from HTML and from plain text ------------------

FURNITURE_PAGE = [
    ("AFP, publié le vendredi 12 juin 2020 à 10h30", False),
    ("Le gouvernement a présenté vendredi son plan de relance de cent milliards d'euros pour l'industrie.", True),
    ("Lire aussi : Le plan de relance en cinq chiffres", False),
    ("Les syndicats ont dénoncé un texte insuffisant, qui ne protège pas assez les emplois menacés par la crise.", True),
    ("Partager sur Facebook", False),
    ("Abonnez-vous à notre newsletter pour ne rien manquer", False),
    ("Le ministre de l'Économie a promis des mesures supplémentaires avant la fin de l'année, si nécessaire.", True),
    ("À VOIR AUSSI", False),
    ("Dix recettes de tire d'érable pour le printemps", False),
]


def _page_as_html(title: str, paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f'<html><head><meta charset="utf-8"><title>{title}</title></head><body><article><h1>{title}</h1>{body}</article></body></html>'


@pytest.mark.parametrize("kind", ["html", "text"])
def test_furniture_rules_work_on_html_as_on_text(kind):
    title = "Un plan de relance pour l'industrie"
    paragraphs = [p for p, _ in FURNITURE_PAGE]
    content = _page_as_html(title, paragraphs) if kind == "html" else "\n\n".join([title, *paragraphs])
    article = extract(RawRecord(origin=f"page.{kind}", kind=kind, content=content, raw=content.encode("utf-8")))
    assert isinstance(article, Article), article
    assert article.title == title
    assert article.text.split("\n\n") == [p for p, keep in FURNITURE_PAGE if keep]
    assert article.date == dt.date(2020, 6, 12)


@pytest.mark.parametrize(
    "body",
    [
        "<nav><ul><li><a href='/'>Accueil</a></li><li><a href='/politique'>Politique</a></li><li><a href='/sport'>Sport</a></li></ul></nav>",
        "<nav><a href='/'>Accueil</a> | <a href='/x'>Politique</a> | <a href='/y'>Économie</a></nav><footer>© 2017 Le Journal</footer>",
    ],
    ids=["menu", "menu-and-footer"],
)
def test_html_page_of_navigation_links_only_is_not_an_article(body):
    page = f"<html><head><title>Accueil</title></head><body>{body}</body></html>"
    failure = extract(RawRecord(origin="menu.html", kind="html", content=page, raw=page.encode("utf-8")))
    assert not isinstance(failure, Article), failure.text
    assert "no article text" in failure.reason


def test_html_page_of_one_short_sentence_is_an_article():
    page = "<html><head><title>Bref</title></head><body><article><p>Le match est reporté.</p></article></body></html>"
    assert extract(RawRecord(origin="bref.html", kind="html", content=page, raw=page.encode("utf-8"))).text == "Le match est reporté."


# --- real pages (orangesum-dev): what must survive, what must go -------------------------

REAL_PAGES = ["270.html.gz", "10064.html.gz", "10028.html.gz", "10080.html.gz", "3702.html.gz"]


@pytest.fixture(scope="module")
def dev_gold() -> dict[str, dict]:
    if not (DEV_PAGES / "gold.jsonl").is_file():
        pytest.skip(f"{DEV_PAGES} is absent (the evaluation data lives beside the project in CI)")
    rows = [json.loads(line) for line in (DEV_PAGES / "gold.jsonl").read_text("utf-8").splitlines() if line.strip()]
    return {row["file"]: row for row in rows if row["file"] in REAL_PAGES}


@pytest.fixture(scope="module")
def dev_articles(dev_gold) -> dict[str, Article]:
    return {name: extract(next(iter(read(DEV_PAGES / name)))) for name in dev_gold}


@pytest.mark.parametrize("name", REAL_PAGES)
def test_real_page_drops_the_byline(dev_articles, name):
    article = dev_articles[name]
    assert "publié le" not in article.text.split("\n\n")[0]


@pytest.mark.parametrize("name", REAL_PAGES)
def test_real_page_keeps_the_end_of_the_article(dev_articles, dev_gold, name):
    # The gold joins paragraphs without a space: its last 50 characters are one paragraph's.
    assert dev_gold[name]["article"][-50:] in dev_articles[name].text


@pytest.mark.parametrize("name", ["270.html.gz", "10064.html.gz", "10028.html.gz"])
def test_real_page_keeps_the_standfirst_and_the_title(dev_articles, dev_gold, name):
    article, gold = dev_articles[name], dev_gold[name]
    assert article.text.startswith(gold["heading"][:50])
    assert article.title == gold["title"]
    assert article.date.isoformat() == gold["date"]
