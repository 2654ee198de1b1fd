"""Nexis exports: the classic text layout (English and French labels), Nexis Uni as Word and as text.

Fixtures (invented texts) are in tests/data/exports/nexis/, described in its README.md.
"""

from __future__ import annotations

import codecs
import io
from pathlib import Path

import pytest
from docx import Document

from index.inputs import exports
from index.inputs.exports import Cut, PressArticle, nexis, nexis_docx

DATA = Path(__file__).parent / "data" / "exports" / "nexis"


def read(name: str) -> bytes:
    return (DATA / name).read_bytes()


def articles(module: object, name: str) -> list[PressArticle | Cut]:
    return list(module.split(read(name)))  # type: ignore[attr-defined]


def only_articles(items: list[PressArticle | Cut]) -> list[PressArticle]:
    return [a for a in items if isinstance(a, PressArticle)]


def docx_bytes(*paras: str) -> bytes:
    doc = Document()
    for text in paras:
        doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# What an article's fields and text must never hold: labels, the copyright notice, the cover page, the markers.
LEFTOVERS = ["BYLINE", "SECTION:", "LENGTH:", "LOAD-DATE", "LANGUAGE:", "PUBLICATION-TYPE", "HIGHLIGHT", "GRAPHIC", "AUTEUR",
             "RUBRIQUE", "LONGUEUR", "DATE-CHARGEMENT", "LANGUE:", "TYPE-PUBLICATION", "Copyright", "All Rights Reserved",
             "Tous droits", "DOCUMENTS", "Document 1", "Download Request", "Terms:", "Client/Matter", "Search Terms",
             "Documents (", "Job Number", "End of Document", "Load-Date", "Length:", "Byline:", "Section:", "Classification",
             "Body", "Language:", "\r"]

ALL = [(nexis, "nexis_en.TXT"), (nexis, "nexis_fr.TXT"), (nexis, "nexis_cut.TXT"), (nexis, "nexis_uni.TXT"),
       (nexis_docx, "nexis_uni.DOCX"), (nexis_docx, "nexis_uni_cut.DOCX")]


# --- the classic layout, English labels, Windows-1252 --------------------------------------------------------------


def test_english_export_is_windows_1252_with_crlf_lines():
    data = read("nexis_en.TXT")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert b"\x92" in data and b"\r\n" in data  # cp1252's apostrophe, Windows line ends


def test_english_labels_export_gives_its_three_articles_with_their_fields():
    first, second, third = articles(nexis, "nexis_en.TXT")
    assert first.fields() | {"text": None, "doc_id": None} == {
        "database": "nexis", "doc_id": None, "title": "Le navire « Horizon Bleu » reste à quai à Marseille", "text": None,
        "publication": "Le Figaro", "date": "2018-11-15", "author": "Claire Morel", "subtitle": None,
        "section": "INTERNATIONAL", "page": "12", "words": 187, "language": "fr", "url": None,
        "extra": {"load_date": "November 16, 2018", "publication_type": "Newspaper",
                  "copyright": "Copyright 2018 Le Figaro All Rights Reserved"},
    }
    # Wrapped lines are joined, paragraphs separated by a blank line; Windows-1252 quotes and the euro sign decoded.
    assert first.text.split("\n\n") == [
        "Le navire humanitaire affrété par l’association Mer Solidaire n’a pas quitté le port de Marseille depuis trois "
        "semaines, faute de pavillon.",
        "« Nous attendons une réponse des autorités », explique la coordinatrice de l’association, qui rappelle que "
        "l’équipage est prêt à repartir.",
        "Les discussions avec plusieurs pays européens se poursuivent cette semaine, selon le ministère.",
    ]
    assert (second.title, second.publication, second.date) == ("Régions : le budget des transports en débat", "Libération", "2018-11-17")
    assert second.author == "Paul Garnier, Inès Haddad et Lucie Bernard"  # a byline wrapped onto a second line
    assert second.subtitle == "Les régions demandent une rallonge de 300 millions d’euros."  # HIGHLIGHT
    assert (second.section, second.page, second.words) == ("FRANCE", "8", 243)
    assert second.extra["edition"] == "Édition Principale"  # the line under the date
    assert second.extra["journal_code"] == "LIB"
    assert second.extra["copyright"] == "Copyright 2018 SARL Libération All Rights Reserved"  # a notice on two lines
    assert "300 M€" in second.text and "Le cœur du désaccord" in second.text
    assert second.text.endswith("Une nouvelle réunion est prévue le 3 décembre.")
    assert (third.title, third.publication, third.date, third.author) == (
        "Un armateur marseillais commande quatre navires au gaz", "Les Echos", "2018-11-19", None)
    assert (third.section, third.page, third.words, third.language) == ("ENTREPRISES", "21", 96, "fr")
    assert third.extra["graphic"] == "Photo, le port de Marseille-Fos"  # a caption between body and LOAD-DATE: no text
    assert third.text.endswith("il dépasserait les 200 millions d’euros.")


# --- the classic layout, French labels, UTF-8 ------------------------------------------------------------------------


def test_french_labels_export_gives_its_two_articles_with_their_fields():
    first, second = articles(nexis, "nexis_fr.TXT")
    assert (first.title, first.publication, first.date) == ("Le port de Marseille mise sur l'électrification des quais", "Le Monde", "2018-11-15")
    assert (first.author, first.section, first.page, first.words, first.language) == ("Jeanne Leroy", "ÉCONOMIE", "14", 164, "fr")
    assert first.extra == {"load_date": "16 novembre 2018", "publication_type": "Journal",
                           "copyright": "Copyright 2018 Le Monde Tous droits réservés"}
    assert first.text.split("\n\n")[-1] == "« C'est un chantier de dix ans », reconnaît la direction du port."
    assert (second.title, second.publication, second.date) == ("Les dockers de Saint-Malo inquiets pour l'hiver", "Ouest-France", "2018-12-01")
    assert second.author == "Marc Tanguy"  # "Par Marc Tanguy": the names as written
    assert (second.section, second.page, second.words) == ("Région", None, 1024)  # "1 024 mots"
    assert second.extra["edition"] == "Rennes"
    assert second.text.startswith("Le trafic du port de Saint-Malo a reculé de 12 %")


def test_utf8_with_bom_reads_as_utf8_without_bom():
    data = read("nexis_fr.TXT")
    plain = [a.fields() for a in nexis.split(data)]
    assert nexis.recognise(codecs.BOM_UTF8 + data)
    assert [a.fields() for a in nexis.split(codecs.BOM_UTF8 + data)] == plain


def test_utf16_text_reads_as_the_same_articles():
    data = read("nexis_fr.TXT")
    utf16 = codecs.BOM_UTF16_LE + data.decode("utf-8").encode("utf-16-le")
    assert nexis.recognise(utf16)
    assert [a.fields() for a in nexis.split(utf16)] == [a.fields() for a in nexis.split(data)]


# --- Nexis Uni, Word ------------------------------------------------------------------------------------------------


def test_uni_word_export_gives_its_three_articles_with_their_fields():
    first, second, third = articles(nexis_docx, "nexis_uni.DOCX")
    assert first.fields() | {"text": None} == {
        "database": "nexis-docx", "doc_id": first.doc_id, "title": "Le port de Marseille mise sur l'électrification des quais",
        "text": None, "publication": "Le Monde", "date": "2018-11-15", "author": "Jeanne Leroy", "subtitle": None,
        "section": "ECONOMIE", "page": "14", "words": 164, "language": "fr", "url": None,
        "extra": {"copyright": "Copyright 2018 Le Monde All Rights Reserved", "publication_type": "Newspaper",
                  "subject": "PORTS (92%); ENERGIE (75%)", "load_date": "November 16, 2018"},
    }
    assert len(first.text.split("\n\n")) == 3 and first.text.startswith("Le grand port maritime de Marseille")
    assert (second.title, second.publication, second.date, second.author) == (
        "La gare maritime de Sète fait peau neuve", "La Croix", "2018-11-16", "Hélène Marchand")
    assert second.subtitle == "Le chantier, évalué à 40 millions d’euros, doit durer deux ans."  # Highlight:
    assert (second.section, second.page, second.words) == ("FRANCE", "6", 201)
    # A French date line, an edition under it, no byline, a picture caption after the body.
    assert (third.title, third.publication, third.date, third.author, third.section) == (
        "Le Verdon attend ses premiers porte-conteneurs", "Sud Ouest", "2018-11-17", None, None)
    assert third.extra["edition"] == "Édition Gironde"
    assert third.extra["graphic"] == "Le terminal du Verdon, en 2017."
    assert third.text == "Le terminal du Verdon, à la pointe du Médoc, doit recevoir au printemps ses premiers porte-conteneurs."


def test_uni_word_part_is_the_article_as_nexis_uni_text_without_the_cover_page():
    first = articles(nexis_docx, "nexis_uni.DOCX")[0]
    lines = first.part.decode("utf-8").split("\n\n")
    assert lines[:4] == ["Le port de Marseille mise sur l'électrification des quais", "Le Monde", "November 15, 2018 Thursday",
                         "Copyright 2018 Le Monde All Rights Reserved"]
    assert "Section:\u00a0ECONOMIE; Pg. 14" in lines and "Body" in lines and "Load-Date:\u00a0November 16, 2018" in lines
    assert lines[-1] == "End of Document\n"
    assert b"Client/Matter" not in first.part and b"Documents (3)" not in first.part


# --- Nexis Uni as text ----------------------------------------------------------------------------------------------


def test_uni_text_a_paragraph_per_line_in_windows_1252_gives_its_articles():
    first, second = articles(nexis, "nexis_uni.TXT")
    assert (first.title, first.publication, first.date, first.author) == (
        "Marseille : la navette maritime reprend du service", "La Provence", "2018-11-14", "Sophie Arnaud")
    assert (first.section, first.page, first.words, first.language) == ("MARSEILLE", "5", 132, "fr")
    assert first.extra["subject"] == "TRANSPORT MARITIME (91%); COLLECTIVITES LOCALES (72%)"
    assert first.text.split("\n\n")[1] == "Les horaires d’hiver prévoient un départ toutes les quarante minutes, de 7 h à 19 h."
    assert (second.title, second.publication, second.date, second.section, second.words) == (
        "Toulon accueille son premier ferry hybride", "Var-Matin", "2018-11-16", "TOULON", 88)


# --- what must go -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("module", "name"), ALL)
def test_labels_copyright_cover_and_markers_stay_out_of_the_text_and_title(module, name):
    for article in only_articles(articles(module, name)):
        for leftover in LEFTOVERS:
            assert leftover not in article.text, (leftover, article.title)
            assert leftover not in (article.title or ""), (leftover, article.title)
            assert leftover not in (article.publication or ""), (leftover, article.title)
        assert "\n\n\n" not in article.text and not article.text.startswith("\n")


# --- cut and broken exports ---------------------------------------------------------------------------------------


def test_cut_text_export_yields_its_complete_articles_then_a_cut():
    items = articles(nexis, "nexis_cut.TXT")
    assert [type(i) for i in items] == [PressArticle, PressArticle, Cut]
    assert [a.title for a in only_articles(items)] == ["Régions : le budget des transports en débat", "Les ports de plaisance face à la hausse des tarifs"]
    assert items[2].number == 3 and "cut short" in items[2].reason


def test_cut_word_export_yields_the_complete_article_and_a_cut_for_the_picture_and_the_cut_one():
    items = articles(nexis_docx, "nexis_uni_cut.DOCX")
    assert [type(i) for i in items] == [PressArticle, Cut, Cut]
    assert items[0].title == "La gare maritime de Sète fait peau neuve"
    assert items[1].number == 2 and "Body" in items[1].reason
    assert items[2].number == 3 and "End of Document" in items[2].reason


def test_text_export_cut_right_after_its_heading_is_a_cut():
    data = read("nexis_fr.TXT") + b"\n                              Document 3 de 3\n\n     Le Monde\n"
    items = list(nexis.split(data))
    assert [type(i) for i in items] == [PressArticle, PressArticle, Cut]


def test_cover_page_without_articles_gives_no_article():
    cover = b"Download Request: Selected Items: 1-3\r\nTerms: port\r\n\r\nSource: Le Monde\r\nProject ID: None\r\n"
    assert list(nexis.split(cover)) == [] and nexis.count(cover) == 0
    word = docx_bytes("Date and Time: = November 20, 2018 10:15", "Job Number: 78125503", "Documents (0)", "Client/Matter: -None-")
    assert list(nexis_docx.split(word)) == [] and nexis_docx.count(word) == 0


def test_unreadable_word_file_is_one_cut():
    items = list(nexis_docx.split(b"PK\x03\x04 not really a zip"))
    assert len(items) == 1 and isinstance(items[0], Cut)


# --- parts and identities -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("module", "name"), ALL)
def test_split_of_a_part_gives_the_same_article_alone(module, name):
    for article in only_articles(articles(module, name)):
        again = list(module.split(article.part))
        assert len(again) == 1 and isinstance(again[0], PressArticle)
        assert again[0].fields() == article.fields()


@pytest.mark.parametrize("name", ["nexis_en.TXT", "nexis_fr.TXT", "nexis_cut.TXT", "nexis_uni.TXT"])
def test_text_part_is_the_articles_own_bytes_of_the_export(name):
    data = read(name)
    found = only_articles(articles(nexis, name))
    for article in found:
        assert article.part in data
        assert b"Download Request" not in article.part and b"Client/Matter" not in article.part
    assert sum(data.count(a.part) for a in found) == len(found)


def test_the_same_article_in_overlapping_exports_has_the_same_doc_id():
    english = only_articles(articles(nexis, "nexis_en.TXT"))
    cut = only_articles(articles(nexis, "nexis_cut.TXT"))
    assert english[1].doc_id == cut[0].doc_id  # Libération, 17 November, in both downloads
    assert english[1].doc_id.startswith("nexis-")
    word = only_articles(articles(nexis_docx, "nexis_uni.DOCX"))
    word_cut = only_articles(articles(nexis_docx, "nexis_uni_cut.DOCX"))
    assert word[1].doc_id == word_cut[0].doc_id  # La Croix, in two Word downloads
    french = only_articles(articles(nexis, "nexis_fr.TXT"))
    assert word[0].doc_id == french[0].doc_id  # Le Monde, 15 November: a .TXT and a .DOCX agree


def test_different_articles_have_different_doc_ids():
    ids = [a.doc_id for module, name in ALL for a in only_articles(articles(module, name))]
    assert None not in ids
    assert len(set(ids)) == 10  # 13 articles, three of them in two exports


# --- recognising ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("module", "name"), ALL)
def test_each_export_is_recognised_by_its_module_and_by_the_registry(module, name):
    data = read(name)
    assert module.recognise(data)
    assert exports.recognise(data) is module
    assert exports.by_name(module.NAME) is module


ORDINARY = """Les DOCUMENTS saisis lors de la perquisition
Le Monde, 15 novembre 2018

Les enquêteurs ont saisi 12 DOCUMENTS au siège de la société. LONGUEUR du rapport : 40 pages.
Section: la suite dans nos pages. Load-Date: inconnue.

Body et âme, disait le titre du film. End of Document ? Non.
"""


@pytest.mark.parametrize("data", [
    ORDINARY.encode("utf-8"),
    ORDINARY.encode("cp1252"),
    b"",
    b"\x00\x01\x02 binary \xff\xfe",
    read("ordinary.DOCX"),
    docx_bytes("Compte rendu", "End of Document", "Merci."),  # a Word file that only says "End of Document"
])
def test_ordinary_text_and_word_files_are_no_nexis_export(data):
    assert not nexis.recognise(data)
    assert not nexis_docx.recognise(data)


def test_a_word_export_is_not_taken_for_a_text_export_nor_the_reverse():
    assert not nexis.recognise(read("nexis_uni.DOCX"))
    assert not nexis_docx.recognise(read("nexis_uni.TXT"))
    assert not nexis_docx.recognise(read("nexis_en.TXT"))


# --- counting -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("module", "name"), ALL)
def test_count_is_the_number_of_articles_split_gives(module, name):
    assert module.count(read(name)) == len(only_articles(articles(module, name)))


def test_counts_of_the_fixtures():
    assert [module.count(read(name)) for module, name in ALL] == [3, 2, 2, 2, 3, 1]


# --- any Word file ------------------------------------------------------------------------------------------------


def test_paragraphs_of_an_ordinary_word_file_in_order_with_its_table():
    assert nexis_docx.paragraphs(read("ordinary.DOCX")) == [
        "Compte rendu du conseil de quartier",
        "Réunion du 12 mars 2019, salle des fêtes de la Joliette.",
        "Présents : huit habitants, deux élus, la directrice du centre social.",
        "Budget voté",
        "12 000 €",
        "Le prochain conseil se tiendra en juin. Fin du compte rendu.",
    ]


@pytest.mark.parametrize("data", [b"", b"plain text", b"PK\x03\x04broken", read("nexis_en.TXT")])
def test_paragraphs_of_what_is_no_word_file_raise_value_error(data):
    with pytest.raises(ValueError):
        nexis_docx.paragraphs(data)
