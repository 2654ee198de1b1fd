"""Europresse HTML exports (index/inputs/exports/europresse.py): recognised by content, split into articles, fields read.

The fixtures (tests/data/exports/europresse/, invented texts) model the three layouts the public
parsers document: the <article> layout of 2016, the current rdp__ layout, and the old table layout.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from newsarchive.index.inputs.exports import europresse
from newsarchive.index.inputs.exports.record import Cut, PressArticle

DATA = Path(__file__).parent / "data" / "exports" / "europresse"
COMPLETE = {"article_2016.HTML": 4, "rdp_2023.html": 5, "table_2012.htm": 3}
ALL = [*COMPLETE, "cut_2023.HTML"]

# file -> one row per article: (title, date, publication, author, doc_id)
EXPECTED = {
    "article_2016.HTML": [
        ("Au Sahel, les éleveurs face à la sécheresse", "2018-11-15", "La Croix", "Marie Lenoir", "news·20181115·LC·4512377"),
        (
            "Climat : la France en retard sur ses objectifs de réduction des émissions",
            "2018-11-16",
            "Le Monde (site web)",
            None,
            "news·20181116·LMF·5384112",
        ),
        ("Le marché des Lices rouvre après six semaines de travaux", "2018-12-01", "Ouest-France", "Jean-Yves Le Goff", "news·20181201·OF·9981245"),
        ("Pologne. Les juges résistent à la réforme", "2018-11-21", "Courrier international", "Anna Kowalczyk et Piotr Nowak", "news·20181121·CI·1465019"),
    ],
    "rdp_2023.html": [
        ("Les boulangers face à la flambée de l'énergie", "2023-03-14", "Le Figaro", "Claire Dubois", "news·20230314·LF·2402857132"),
        ("Lyon : une piste cyclable de 12 kilomètres inaugurée le long du Rhône", "2023-03-16", "20 Minutes (site web)", None, "news·20230316·TMW·4028815"),
        (
            "Dans les Cévennes, l'école du village sauvée par ses parents d'élèves",
            "2023-04-01",
            "Libération",
            "Sophie Martin et Karim Haddad",
            "news·20230401·LI·1829344",
        ),
        ("Les banques régionales américaines sous surveillance", "2023-04-03", "Les Echos", "Éric Valentin", "news·20230403·EC·0302954821"),
        ("Le tram D prolongé jusqu'à Saint-Médard", "2023-03-29", "Sud Ouest", None, "news·20230329·SO·8823401"),
    ],
    "table_2012.htm": [
        ("Retraites : les syndicats appellent à une journée d’action", "2012-10-04", "l'Humanité", None, "news·20121004·HU·2040056012"),
        ("Le marché aux puces menacé par un projet immobilier", "2012-10-05", "Le Parisien", "Nathalie Perrin", "news·20121005·PA·175071"),
        ("Le chantier naval de Saint-Nazaire décroche une commande de paquebot", "2012-10-08", "Les Echos", "Guillaume Marchand", "news·20121008·EC·156190"),
    ],
}
# file -> per article: (words the body must hold, words it must not)
BODY = {
    "article_2016.HTML": [
        (["Dans la région de Tillabéri", "La sécheresse de 2018", "400 000 personnes"], ["Illustration", "Photo Issouf", "Note(s)", "également paru"]),
        (["Le rapport annuel du Haut Conseil", "la stratégie nationale", "« un changement d’échelle »"], ["Cet article est paru"]),
        (["Les commerçants l’attendaient", "Coût total : 1,2 million", "sourit une maraîchère"], ["Les premiers clients, samedi", "Photo Ouest-France"]),
        (["Varsovie a reculé", "nomination des juges par le Parlement."], []),
    ],
    "rdp_2023.html": [
        (["À Montreuil, la boulangerie", "de la boulangerie-pâtisserie", "« trop tardif »."], ["Illustration", "François Bouchon", "Malgré le bouclier"]),
        (["Les cyclistes lyonnais", "240 places de stationnement."], ["Cet article est paru", "20minutes.fr"]),
        (["Il manquait trois enfants", "(1) Les prénoms des enfants ont été modifiés."], []),
        (["les régulateurs veulent éviter la contagion", "a gagné 4 % vendredi."], []),
        (["Les travaux commenceront à l'automne.", "financé par l'État."], ["Photo :", "Thierry David"]),
    ],
    "table_2012.htm": [
        (["Les huit organisations syndicales", "cotisation. Une première depuis 2010.", "a confirmé le ministre du Travail."], []),
        (["Depuis quarante ans, les brocanteurs", "« On fait partie du paysage"], ["Nathalie Perrin"]),
        (["où le chantier employait 2 100 salariés", "(1) Voir notre édition du 2 octobre."], ["Guillaume Marchand"]),
    ],
}
# Never in any article's text: Europresse's own lines, the cover, markup.
FURNITURE = [
    "©",
    "Tous droits réservés",
    "Le présent document est protégé",
    "Certificat émis le",
    "Ce certificat est émis",
    "visualisation personnelle et temporaire",
    "Date d'émission",
    "Numéro de document",
    "news·",
    "Documents sauvegardés",
    "UNIVERSITE-EXEMPLE",
    "<mark>",
    "</mark>",
    "<",
    "&nbsp;",
    "&rsquo;",
    "\xa0",
    "  ",
]

NEWS_PAGE = (
    '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Climat : la France en retard | Le Journal</title>'
    '<meta property="og:type" content="article"></head><body><nav class="menu"><a href="/">Accueil</a></nav>'
    '<article class="article"><header><h1 class="article__title">Climat : la France en retard</h1>'
    '<p class="article__byline">Par Marie Lenoir</p><time datetime="2018-11-15">jeudi 15 novembre 2018</time></header>'
    '<div class="article__body"><p>Le rapport annuel du Haut Conseil dresse un constat sévère.</p>'
    "<p>Les transports restent les principaux points noirs.</p></div>"
    '<footer class="article__footer">© 2018 Le Journal. Tous droits réservés.</footer></article></body></html>'
).encode()


def read(name: str) -> bytes:
    return (DATA / name).read_bytes()


def articles(name: str) -> list[PressArticle]:
    items = list(europresse.split(read(name)))
    found = [item for item in items if isinstance(item, PressArticle)]
    assert len(found) == len(items), [item for item in items if isinstance(item, Cut)]
    return found


def export(*bodies: str) -> bytes:
    """An rdp__ export of the given <article> bodies."""
    return ('<html><head><meta charset="utf-8"></head><body>' + "".join(bodies) + "</body></html>").encode()


def rdp_article(body: str, number: str = "news·20230314·LF·1", header: str = "mardi 14 mars 2023") -> str:
    return (
        '<article><header><div class="rdp__DocPublicationName"><span class="DocPublicationName">Le Figaro</span></div>'
        f'<div class="rdp__DocHeader"><span class="DocHeader">{header}</span></div>'
        '<div class="titreArticle"><p class="sm-margin-TopNews titreArticleVisu rdp__articletitle">Un titre</p></div></header>'
        f'<section><div class="DocText clearfix"><div class="docOcurrContainer">{body}</div></div></section>'
        f'<footer><div class="publiC-lblNodoc">{number}</div></footer></article>'
    )


# --- recognising -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
def test_each_layout_is_recognised_by_its_content_whatever_its_extension(name: str) -> None:
    assert europresse.recognise(read(name))


def test_an_ordinary_news_page_is_not_recognised() -> None:
    assert not europresse.recognise(NEWS_PAGE)


@pytest.mark.parametrize("data", [b"", "Le gouvernement a pr\xe9sent\xe9 son plan.\n\nDocPublicationName docOcurrContainer".encode("latin-1")])
def test_plain_text_is_not_recognised(data: bytes) -> None:
    assert not europresse.recognise(data)


def test_a_page_that_shows_europresse_class_names_as_code_is_not_recognised() -> None:
    page = b'<html><body><pre>soup.find("span", class=&quot;DocPublicationName&quot;) and class=&quot;docOcurrContainer&quot;</pre></body></html>'
    assert not europresse.recognise(page)


# --- splitting ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "number"), COMPLETE.items())
def test_split_gives_every_article_of_the_export_in_order(name: str, number: int) -> None:
    found = articles(name)
    assert len(found) == number
    assert [a.title for a in found] == [row[0] for row in EXPECTED[name]]


@pytest.mark.parametrize("name", ALL)
def test_count_equals_the_number_of_articles(name: str) -> None:
    items = list(europresse.split(read(name)))
    assert europresse.count(read(name)) == sum(isinstance(i, PressArticle) for i in items)


@pytest.mark.parametrize("name", list(COMPLETE))
def test_title_date_publication_author_and_document_number_are_read(name: str) -> None:
    for article, (title, day, publication, author, doc_id) in zip(articles(name), EXPECTED[name], strict=True):
        assert (article.title, article.date, article.publication, article.author, article.doc_id) == (title, day, publication, author, doc_id)
        assert article.database == "europresse"


@pytest.mark.parametrize("name", list(COMPLETE))
def test_body_keeps_the_article_and_loses_the_furniture(name: str) -> None:
    for article, (kept, gone) in zip(articles(name), BODY[name], strict=True):
        for words in kept:
            assert words in article.text, (article.title, words)
        for words in gone + FURNITURE:
            assert words not in article.text, (article.title, words)
        assert not article.text.startswith(article.title or "\x00")  # the title is a field, not the first paragraph


def test_paragraphs_are_separated_by_blank_lines() -> None:
    first = articles("article_2016.HTML")[0]
    paragraphs = first.text.split("\n\n")
    assert len(paragraphs) == 3
    assert all(p and "\n" not in p for p in paragraphs)


def test_issue_number_is_dropped_from_the_publication() -> None:
    publications = [a.publication for name in COMPLETE for a in articles(name)]
    assert "La Croix" in publications  # "La Croix, no. 41212"
    assert "Courrier international" in publications  # "no 1465"
    assert "Libération" in publications  # "; n° 12901"
    assert "Le Parisien" in publications  # old layout
    assert not [p for p in publications if p and any(mark in p for mark in ("no.", "no ", "n°", ";", ","))]


def test_web_edition_stays_in_the_publication() -> None:
    assert articles("article_2016.HTML")[1].publication == "Le Monde (site web)"
    assert articles("rdp_2023.html")[1].publication == "20 Minutes (site web)"


def test_local_edition_is_kept_apart_from_the_publication() -> None:
    ouest, sud = articles("article_2016.HTML")[2], articles("rdp_2023.html")[4]
    assert (ouest.publication, ouest.extra) == ("Ouest-France", {"edition": "Rennes ; Ille-et-Vilaine"})
    assert (sud.publication, sud.extra) == ("Sud Ouest", {"edition": "Gironde ; Bordeaux"})


def test_section_page_and_word_count_come_from_the_header() -> None:
    croix, monde = articles("article_2016.HTML")[:2]
    assert (croix.section, croix.page, croix.words) == ("Monde", "8", 612)
    assert (monde.section, monde.page, monde.words) == (None, None, 845)  # "06:30 UTC +01:00 845 mots": not 30845
    echos = articles("rdp_2023.html")[3]
    assert (echos.section, echos.page, echos.words) == (None, "7", 589)  # "Monday, April 3, 2023 589 words, p. 7"
    parisien, echos_2012 = articles("table_2012.htm")[1:]
    assert (parisien.section, parisien.page, parisien.words) == ("Seine-Saint-Denis", "27", None)
    assert echos_2012.section == "Industrie & services"  # entity decoded


@pytest.mark.parametrize(
    ("header", "day"),
    [
        ("Monde, jeudi 15 novembre 2018 612 mots, p. 8", "2018-11-15"),
        ("15 novembre 2018", "2018-11-15"),
        ("Économie, samedi 1er décembre 2018, p. 8", "2018-12-01"),
        ("Thursday, November 15, 2018 567 words", "2018-11-15"),
        ("Business, November 3, 2018", "2018-11-03"),
        ("vendredi 16 novembre 2018 - 06:30 UTC +01:00 845 mots", "2018-11-16"),
        ("mardi 14 février 2023", "2023-02-14"),
    ],
)
def test_french_and_english_dates_are_read_from_the_header(header: str, day: str) -> None:
    (article,) = europresse.split(export(rdp_article("<p>Un texte.</p>", header=header)))
    assert isinstance(article, PressArticle)
    assert article.date == day


def test_search_hits_are_unwrapped_without_spacing_damage() -> None:
    figaro = articles("rdp_2023.html")[0]
    assert figaro.title == "Les boulangers face à la flambée de l'énergie"
    assert "nationale de la boulangerie-pâtisserie estime" in figaro.text
    (article,) = europresse.split(export(rdp_article("<p>Le <mark>Thomas</mark> <mark>Pesquet</mark>, <mark>spatio</mark>naute.</p>")))
    assert isinstance(article, PressArticle)
    assert article.text == "Le Thomas Pesquet, spationaute."


def test_the_source_link_becomes_the_url_and_leaves_the_text() -> None:
    monde = articles("article_2016.HTML")[1]
    assert monde.url == "https://www.lemonde.fr/planete/article/2018/11/16/climat-la-france-en-retard_5384112_3244.html"
    minutes = articles("rdp_2023.html")[1]
    assert minutes.url == "https://www.20minutes.fr/lyon/4028815-20230316-lyon-piste-cyclable-rhone"
    assert all("paru dans" not in a.text for a in (monde, minutes))
    assert articles("rdp_2023.html")[0].url is None


def test_subtitle_and_byline_are_their_own_fields() -> None:
    figaro = articles("rdp_2023.html")[0]
    assert figaro.subtitle == "Malgré le bouclier tarifaire, de nombreux artisans envisagent de fermer un jour de plus par semaine."
    assert figaro.author == "Claire Dubois"  # "Par Claire Dubois"
    parisien = articles("table_2012.htm")[1]
    assert (parisien.subtitle, parisien.author) == ("Montreuil", "Nathalie Perrin")
    assert parisien.text.startswith("Depuis quarante ans")  # neither the subtitle nor the byline opens the body


def test_entities_are_decoded_and_whitespace_normalised() -> None:
    croix = articles("article_2016.HTML")[0]
    assert "« Nous avons perdu le tiers du troupeau depuis l’an dernier », explique Amadou" in croix.text
    assert "à l’ombre d'un acacia" in croix.text


def test_the_old_latin1_export_is_decoded() -> None:
    humanite = articles("table_2012.htm")[0]
    assert humanite.publication == "l'Humanité"
    assert "l’allongement de la durée de cotisation" in humanite.text  # a windows-1252 apostrophe in an ISO-8859-1 file


def test_language_is_given_only_when_the_export_says_it() -> None:
    assert {a.language for a in articles("article_2016.HTML")} == {"fr"}
    assert {a.language for a in articles("rdp_2023.html")} == {None}


@pytest.mark.parametrize("name", ALL)
def test_each_part_reads_back_as_the_same_article_alone(name: str) -> None:
    for article in (i for i in europresse.split(read(name)) if isinstance(i, PressArticle)):
        assert article.part.startswith(b"<html") and b'<meta charset="utf-8">' in article.part
        assert europresse.recognise(article.part)
        assert europresse.count(article.part) == 1
        (again,) = europresse.split(article.part)
        assert isinstance(again, PressArticle)
        assert again.fields() == article.fields()
        assert again.part == article.part


# --- bad input ---------------------------------------------------------------------------------------


def test_a_cut_export_yields_its_complete_articles_then_a_cut() -> None:
    items = list(europresse.split(read("cut_2023.HTML")))
    assert [type(i) for i in items] == [PressArticle, PressArticle, Cut]
    first, second, cut = items
    assert isinstance(first, PressArticle) and isinstance(second, PressArticle) and isinstance(cut, Cut)
    assert (first.title, first.doc_id) == ("La gare Lille-Flandres fermée deux nuits pour travaux", "news·20230206·VN·3345120")
    assert (second.publication, second.author, second.date) == ("L'Est Républicain", None, "2023-02-07")
    assert cut.number == 3 and "cut short" in cut.reason


def test_an_old_layout_export_cut_in_an_article_gives_a_cut() -> None:
    data = read("table_2012.htm")
    cut = data[: data.rindex("Numéro de document".encode("cp1252"))]  # the last article loses its end
    items = list(europresse.split(cut))
    assert [type(i) for i in items] == [PressArticle, PressArticle, Cut]


def test_a_europresse_file_without_articles_gives_no_press_article() -> None:
    data = (
        '<html><body><div class="rdp__cover">Documents sauvegardés</div>'
        '<span class="DocPublicationName">La Croix</span><span class="DocHeader">0 document</span></body></html>'
    ).encode()
    assert europresse.recognise(data)
    assert not [i for i in europresse.split(data) if isinstance(i, PressArticle)]


def test_an_article_with_only_a_link_is_a_cut() -> None:
    link = '<p><a href="https://www.example.fr/a">Cet article est paru dans Le Figaro (site web)</a></p>'
    (item,) = europresse.split(export(rdp_article(link)))
    assert isinstance(item, Cut) and item.number == 1


def test_a_broken_article_does_not_stop_the_export() -> None:
    header_only = '<article><header><span class="DocPublicationName">La Croix</span></header></article>'
    items = list(europresse.split(export(rdp_article("<p>Premier.</p>"), header_only, rdp_article("<p>Troisième.</p>"))))
    assert [type(i) for i in items] == [PressArticle, Cut, PressArticle]
    assert isinstance(items[1], Cut) and items[1].number == 2


def test_missing_fields_are_none_not_errors() -> None:
    data = export('<article><div class="docOcurrContainer"><p>Un texte sans en-tête.</p></div><span class="DocPublicationName">X</span></article>')
    (article,) = europresse.split(data)
    assert isinstance(article, PressArticle)
    assert article.text == "Un texte sans en-tête."
    assert (article.title, article.date, article.author, article.doc_id, article.section, article.page, article.words) == (None,) * 7


def test_the_date_falls_back_on_the_document_number() -> None:
    (article,) = europresse.split(export(rdp_article("<p>Un texte.</p>", number="news·20230317·LF·9", header="Web")))
    assert isinstance(article, PressArticle)
    assert article.date == "2023-03-17"


def test_text_escaped_twice_is_read_as_paragraphs() -> None:
    body = "&lt;p&gt;Premier paragraphe &amp;eacute;crit.&lt;/p&gt;&lt;p&gt;Second &lt;b&gt;gras&lt;/b&gt;.&lt;/p&gt;"
    (article,) = europresse.split(export(rdp_article(body)))
    assert isinstance(article, PressArticle)
    assert article.text == "Premier paragraphe écrit.\n\nSecond gras."
