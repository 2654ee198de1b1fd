"""Factiva "article with indexing" HTML exports (index/inputs/exports/factiva.py): recognised by content, split into articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsarchive.index.inputs.exports import factiva
from newsarchive.index.inputs.exports.record import Cut, PressArticle

FIXTURES = Path(__file__).resolve().parent / "data" / "exports" / "factiva"
NORMAL = FIXTURES / "export_normal.htm"
CUT = FIXTURES / "export_cut.htm"
TWO_TABLES = FIXTURES / "export_two_tables_cp1252.htm"
NO_ARTICLE = FIXTURES / "export_no_article.htm"

# What each fixture must give, article by article: the fields, then the first and last words of the body.
EXPECTED = {
    NORMAL: [
        dict(
            title="Dans la Drôme, l’école du village rouvre grâce aux parents & aux élus",
            date="2018-11-15",
            publication="La Croix",
            author="Marie Lefèvre",
            doc_id="LCROIX0020181115eebf0000b",
            language="fr",
            words=412,
            section="France",
            page="8",
            starts="À Saint-Aubin-sur-Drôme, la classe unique",
            ends="dans les logements communaux vacants.",
        ),
        dict(
            title="Le prix du gazole dépasse 1,50 euro le litre",
            date="2018-12-03",
            publication="Le Figaro",
            author=None,
            doc_id="FIGARO0020181203eec30001x",
            language="fr",
            words=1045,
            section=None,
            page=None,
            starts="Le litre de gazole s’affichait",
            ends="au cours du pétrole brut.",
        ),
        dict(
            title="Paris cyclists welcome new lanes along the Seine",
            date="2018-11-20",
            publication="The Guardian",
            author="John Smith in Paris",
            doc_id="GRDN000020181120eebk000gh",
            language="en",
            words=1234,
            section="World news",
            page="27",
            starts="Cyclists in Paris have welcomed",
            ends="deliveries in the Marais district.",
        ),
        dict(
            title="Métro : la ligne b ouvrira au printemps",
            date="2018-12-01",
            publication="Ouest-France",
            author="Yann Le Goff et Anne Morvan",
            doc_id="OUESTF0020181201eec10002k",
            language="fr",
            words=287,
            section="Rennes",
            page="12",
            starts="La seconde ligne du métro rennais",
            ends="selon le syndicat des transports.",
        ),
    ],
    TWO_TABLES: [
        dict(
            title="Municipales : Bordeaux prépare sa liste d’union",
            date="2019-01-02",
            publication="Sud Ouest",
            author="Pierre Lacoste",
            doc_id="SUDOUE0020190102ef1200005",
            language="fr",
            words=731,
            section=None,
            page=None,
            starts="Les partis de gauche se sont réunis",
            ends="« Nous avons dix semaines pour nous entendre », résume-t-il.",
        ),
        dict(
            title="Le constructeur ferroviaire embauche 400 personnes",
            date="2019-02-15",
            publication="Les Echos",
            author=None,
            doc_id="LECHOS0020190215ef2f0000m",
            language="fr",
            words=1234,
            section="Industrie & Services",
            page="17",
            starts="Le site de La Rochelle recrutera",
            ends="six ans de charge, selon la direction.",
        ),
        dict(
            title="Canicule : les piscines ouvertes jusqu’à 22 heures",
            date="2019-08-30",
            publication="Le Monde",
            author=None,
            doc_id="LEMOND0020190830ef8u0001b",
            language="fr",
            words=150,
            section=None,
            page=None,
            starts="La préfecture autorise",
            ends="prolonger leurs horaires jusqu’à dimanche.",
        ),
    ],
    CUT: [
        dict(
            title="Grève des contrôleurs aériens : 300 vols annulés à Orly",
            date="2018-03-22",
            publication="Libération",
            author="Claire Dubois",
            doc_id="LIBERA0020180322ee3m0000a",
            language="fr",
            words=198,
            section=None,
            page=None,
            starts="La direction générale de l’aviation civile",
            ends="avant de se rendre à l’aéroport.",
        ),
        dict(
            title="Le marché aux fleurs de l’île de la Cité fermera pour travaux",
            date="2018-03-24",
            publication="Le Parisien",
            author="Thomas Garnier",
            doc_id="PARSEN0020180324ee3o0000d",
            language="fr",
            words=356,
            section="Paris",
            page="4",
            starts="Les horticulteurs du quai de la Corse",
            ends="leur clientèle d’habitués.",
        ),
    ],
}
FIELDS = ("title", "date", "publication", "author", "doc_id", "language", "words", "section", "page")


def articles(path: Path) -> list[PressArticle]:
    return [item for item in factiva.split(path.read_bytes()) if isinstance(item, PressArticle)]


def one_article(rows: dict[str, str], article_class: str = "article frArticle") -> bytes:
    """A one-article export in Factiva's layout, with the rows given (code -> value HTML)."""
    cells = "".join(f'<tr><td align="right" valign="top" class="index"><b>{code}</b>&nbsp;</td><td>{value}</td></tr>\n' for code, value in rows.items())
    return (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8"/><title>Factiva</title></head><body>'
        f'<div class="{article_class}"><table cellpadding="1" cellspacing="1" border="0">{cells}</table></div></body></html>'
    ).encode()


BASE_ROWS = {
    "HD": "<b class='frHeadline'>Un titre</b>",
    "WC": "120 mots",
    "PD": "15 novembre 2018",
    "SN": "La Croix",
    "LA": "Français",
    "LP": '<p class="articleParagraph frarticleParagraph">Le chapeau.</p>',
    "AN": "<br/>Document LCROIX0020181115eebf0000b",
}


def with_rows(article_class: str = "article frArticle", **changes: str | None) -> PressArticle:
    rows = {code: value for code, value in (BASE_ROWS | changes).items() if value is not None}
    [article] = list(factiva.split(one_article(rows, article_class)))
    assert isinstance(article, PressArticle)
    return article


# --- each fixture's articles ------------------------------------------------------------------------


@pytest.mark.parametrize("path", [NORMAL, TWO_TABLES, CUT], ids=lambda p: p.name)
def test_each_article_of_an_export_has_the_fields_factiva_gives_it(path: Path) -> None:
    got = articles(path)
    expected = EXPECTED[path]
    assert len(got) == len(expected)
    for article, want in zip(got, expected, strict=True):
        assert article.database == "factiva"
        assert {name: getattr(article, name) for name in FIELDS} == {name: want[name] for name in FIELDS}
        assert article.text.startswith(want["starts"])
        assert article.text.endswith(want["ends"])


def test_body_is_the_lead_then_the_text_one_paragraph_each_separated_by_blank_lines() -> None:
    first = articles(NORMAL)[0]
    assert first.text.split("\n\n") == [
        "À Saint-Aubin-sur-Drôme, la classe unique fermée depuis trois ans a rouvert ses portes lundi, avec dix-sept élèves inscrits.",
        "Les parents ont financé les travaux de la cantine ; la mairie a pris en charge le chauffage.",
        "« On n’y croyait plus », reconnaît Hélène Vidal, mère de deux enfants, qui faisait chaque matin quarante minutes de route jusqu’à Crest.",
        "L’inspection académique a accepté de rouvrir le poste d’enseignant à condition que l’effectif dépasse quinze élèves.",
        "Le maire, Jacques Roux, espère désormais attirer de jeunes familles dans les logements communaux vacants.",
    ]


def test_paragraphs_split_by_br_tags_are_paragraphs_too() -> None:
    first = articles(TWO_TABLES)[0]
    assert first.text.split("\n\n")[:2] == [
        "Les partis de gauche se sont réunis samedi pour discuter d’une liste commune.",
        "Aucun nom de tête de liste n’a été avancé.",
    ]


def test_an_article_with_a_lead_and_no_text_keeps_its_lead() -> None:
    figaro = articles(NORMAL)[1]
    assert figaro.text.count("\n\n") == 1 and figaro.text.startswith("Le litre de gazole")


@pytest.mark.parametrize("path", [NORMAL, TWO_TABLES, CUT], ids=lambda p: p.name)
def test_copyright_accession_number_and_field_codes_stay_out_of_the_text(path: Path) -> None:
    for article in articles(path):
        for gone in ("Document ", article.doc_id, "©", "(c) 2018", "Tous droits réservés", "All Rights Reserved", "Factiva"):
            assert gone not in article.text
        words = set(article.text.replace("\n", " ").split())
        assert not words & {"HD", "BY", "WC", "PD", "SN", "SC", "LA", "CY", "LP", "TD", "NS", "RE", "IPD", "AN"}


def test_copyright_is_kept_in_extra_even_when_the_source_repeats_it_as_the_last_paragraph() -> None:
    guardian = articles(NORMAL)[2]
    assert guardian.extra["copyright"] == "© 2018 Guardian News & Media Limited"
    assert "Guardian News" not in guardian.text


def test_coding_fields_are_lists_of_readable_code_label_pairs() -> None:
    croix, figaro, _, ouest = articles(NORMAL)
    assert croix.extra["subjects"] == ["gedu : Éducation", "gcat : Actualité politique et générale", "gcom : Société"]
    assert croix.extra["regions"] == ["fra : France", "eurz : Europe", "weurz : Europe occidentale"]
    assert croix.extra["descriptors"] == ["Éducation", "Ruralité"]
    assert figaro.extra["companies"] == ["ttlfna : TotalEnergies SE"]
    assert figaro.extra["industries"] == ["i1300003 : Distribution de carburants", "iretail : Commerce de détail"]
    assert ouest.extra["subjects"] == ["gtrans : Transports", "gurban : Urbanisme"]  # "; " separates too
    assert ouest.extra["descriptors"] == ["Société", "Transports", "Rennes"]


def test_time_source_code_edition_and_publisher_go_to_extra() -> None:
    croix, figaro, _, ouest = articles(NORMAL)
    assert figaro.extra["time"] == "07:45"
    assert croix.extra["source_code"] == "LCROIX"
    assert croix.extra["publisher"] == "Bayard Presse"
    assert ouest.extra["edition"] == "Ille-et-Vilaine"


def test_publication_loses_its_issue_number() -> None:
    assert articles(TWO_TABLES)[1].publication == "Les Echos"


def test_entities_are_decoded_and_spaces_normalised() -> None:
    croix = articles(NORMAL)[0]
    assert "&amp;" not in croix.title and "&" in croix.title
    assert "  " not in croix.text and "\u00a0" not in croix.text
    assert "matin quarante minutes de route" in croix.text  # a line break inside a paragraph is a space


def test_a_windows_1252_export_is_decoded_by_its_declared_charset() -> None:
    assert articles(TWO_TABLES)[2].title == "Canicule : les piscines ouvertes jusqu’à 22 heures"


# --- the part: each article's own bytes --------------------------------------------------------------


@pytest.mark.parametrize("path", [NORMAL, TWO_TABLES, CUT], ids=lambda p: p.name)
def test_an_articles_part_read_alone_gives_the_same_article(path: Path) -> None:
    for article in articles(path):
        again = list(factiva.split(article.part))
        assert len(again) == 1 and isinstance(again[0], PressArticle)
        assert again[0].fields() == article.fields()
        assert again[0].part == article.part


def test_a_part_is_a_small_utf8_page_holding_that_article_alone() -> None:
    croix, figaro, *_ = articles(NORMAL)
    page = croix.part.decode("utf-8")
    assert page.startswith('<html><head><meta charset="utf-8"></head><body>')
    assert "LCROIX0020181115eebf0000b" in page and "FIGARO" not in page
    assert len(croix.part) < len(NORMAL.read_bytes()) / 2
    assert factiva.recognise(croix.part) and factiva.recognise(figaro.part)


# --- cut and empty exports -------------------------------------------------------------------------


def test_a_cut_export_keeps_its_complete_articles_and_gives_a_cut_for_each_broken_one() -> None:
    items = list(factiva.split(CUT.read_bytes()))
    assert [type(item) for item in items] == [PressArticle, Cut, PressArticle, Cut]
    no_text, cut_short = items[1], items[3]
    assert isinstance(no_text, Cut) and no_text.number == 2 and "text" in no_text.reason
    assert isinstance(cut_short, Cut) and cut_short.number == 4 and "AN" in cut_short.reason


def test_an_export_cut_anywhere_keeps_the_articles_before_the_cut_and_never_raises() -> None:
    data = NORMAL.read_bytes()
    full = articles(NORMAL)
    for end in range(0, len(data), 53):
        items = list(factiva.split(data[:end]))
        got = [item for item in items if isinstance(item, PressArticle)]
        assert [a.fields() for a in got] == [a.fields() for a in full[: len(got)]]
        assert sum(isinstance(item, Cut) for item in items) <= 1
        assert factiva.count(data[:end]) == len(got)


def test_an_export_cut_inside_the_last_accession_number_cuts_that_article() -> None:
    data = NORMAL.read_bytes()
    end = data.index(b"OUESTF0020181201") + len(b"OUESTF0020181201")
    items = list(factiva.split(data[:end]))
    assert [type(item) for item in items] == [PressArticle, PressArticle, PressArticle, Cut]


def test_an_export_cut_right_after_an_article_opens_gives_a_cut_for_it() -> None:
    data = NORMAL.read_bytes()
    opening = b'<div class="article frArticle"><table'
    end = data.index(opening, data.index(b"GRDN000020181120")) + len(opening)
    items = list(factiva.split(data[:end]))
    assert [type(item) for item in items] == [PressArticle] * 3 + [Cut]


def test_a_factiva_page_holding_no_article_gives_no_article() -> None:
    data = NO_ARTICLE.read_bytes()
    assert not any(isinstance(item, PressArticle) for item in factiva.split(data))
    assert factiva.count(data) == 0


def test_a_headline_without_text_is_a_cut_not_an_empty_article() -> None:
    [item] = list(factiva.split(one_article({k: v for k, v in BASE_ROWS.items() if k != "LP"})))
    assert isinstance(item, Cut) and item.number == 1


# --- recognising -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [NORMAL, TWO_TABLES, CUT], ids=lambda p: p.name)
def test_factiva_exports_are_recognised_by_their_content(path: Path) -> None:
    assert factiva.recognise(path.read_bytes())


SPECS_PAGE = b"""<html><head><title>PC portable</title></head><body><table>
<tr><td><b>CPU</b></td><td>Intel i5</td></tr><tr><td><b>HD</b></td><td>500 Go</td></tr>
<tr><td><b>OS</b></td><td>Linux</td></tr><tr><td><b>RAM</b></td><td>8 Go</td></tr>
<tr><td><b>PD</b></td><td>2018</td></tr><tr><td><b>SN</b></td><td>X123</td></tr></table></body></html>"""

CODES_HELP_PAGE = """<html><body><h1>Codes des champs Factiva</h1><table>
<tr><td><b>HD</b></td><td>Titre</td></tr><tr><td><b>BY</b></td><td>Auteur</td></tr><tr><td><b>WC</b></td><td>Nombre de mots</td></tr>
<tr><td><b>PD</b></td><td>Date de publication</td></tr><tr><td><b>SN</b></td><td>Nom de la source</td></tr>
<tr><td><b>AN</b></td><td>Numéro d'accès</td></tr></table></body></html>""".encode()


@pytest.mark.parametrize(
    "data",
    [
        SPECS_PAGE,
        CODES_HELP_PAGE,
        b"Le Monde, 15 novembre 2018. HD PD SN AN : des sigles dans un texte brut.\n",
        b"<html><body><p>Une page ordinaire sur Factiva.</p><table><tr><td>HD</td><td>PD</td></tr></table></body></html>",
        b"",
        b"\x89PNG\r\n\x1a\n\x00\x00",
    ],
    ids=["table-with-HD-row", "help-page-listing-the-codes", "plain-text", "page-with-a-table", "empty", "binary"],
)
def test_ordinary_pages_and_texts_are_not_recognised(data: bytes) -> None:
    assert not factiva.recognise(data)
    assert not any(isinstance(item, PressArticle) for item in factiva.split(data))


def test_a_factiva_page_without_article_is_recognised_as_an_export() -> None:
    # So that reading it fails with "holds no article" instead of indexing its logo and footer as an article.
    assert factiva.recognise(NO_ARTICLE.read_bytes())


# --- count -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [NORMAL, TWO_TABLES, CUT, NO_ARTICLE], ids=lambda p: p.name)
def test_count_equals_the_number_of_articles_split_gives(path: Path) -> None:
    data = path.read_bytes()
    assert factiva.count(data) == len(articles(path))


# --- field by field ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("15 novembre 2018", "2018-11-15"),
        ("1 décembre 2018", "2018-12-01"),
        ("1er février 2019", "2019-02-01"),
        ("30 août 2019", "2019-08-30"),
        ("15 November 2018", "2018-11-15"),
        ("November 15, 2018", "2018-11-15"),
        ("15. November 2018", "2018-11-15"),
        ("15 de noviembre de 2018", "2018-11-15"),
        ("31 février 2018", None),
        ("sans date", None),
    ],
)
def test_publication_dates_in_french_and_english_become_iso(written: str, iso: str | None) -> None:
    assert with_rows(PD=written).date == iso


@pytest.mark.parametrize(
    ("written", "code"),
    [("Français", "fr"), ("French", "fr"), ("Anglais", "en"), ("English", "en"), ("Allemand", "de"), ("Espagnol", "es"), ("Klingon", None)],
)
def test_languages_become_iso_639_1(written: str, code: str | None) -> None:
    assert with_rows("article", LA=written).language == code  # a class without language: LA alone decides


def test_language_comes_from_the_articles_class_when_la_is_missing() -> None:
    rows = {code: value for code, value in BASE_ROWS.items() if code != "LA"}
    [article] = list(factiva.split(one_article(rows, "article enArticle")))
    assert isinstance(article, PressArticle) and article.language == "en"


@pytest.mark.parametrize(("written", "words"), [("120 mots", 120), ("1 234 mots", 1234), ("1,234 words", 1234), ("1.234 Wörter", 1234), ("mots", None)])
def test_word_counts_become_numbers(written: str, words: int | None) -> None:
    assert with_rows(WC=written).words == words


def test_missing_fields_give_none() -> None:
    article = with_rows(WC=None, PD=None, SN=None, LA=None)
    assert (article.words, article.date, article.publication, article.author, article.section, article.page) == (None,) * 6
    assert article.language == "fr"  # from the article's class
    assert article.title == "Un titre" and article.text == "Le chapeau."
    assert article.extra == {}
