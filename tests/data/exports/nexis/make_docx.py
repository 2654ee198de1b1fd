"""Write the Word fixtures of this folder (texts invented): `python tests/data/exports/nexis/make_docx.py`.

nexis_uni.DOCX      a Nexis Uni export: cover page (result list, "Documents (3)", a table), 3 articles
nexis_uni_cut.DOCX  a Nexis Uni export: one article, one without "Body" (a picture), one cut short
ordinary.DOCX       a Word file that is no export: a meeting's minutes, with a table

The layout follows what LexisNexisTools (lnt_parse_uni) and tm.plugin.lexisnexis (readLexisNexisAdvance)
read in Nexis Uni files: the labels in bold with a no-break space after the colon, "Body" alone on its
line, "End of Document" closing each article, a page break between articles.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as WordDocument

HERE = Path(__file__).parent
NBSP = "\u00a0"

LE_MONDE = {
    "title": "Le port de Marseille mise sur l'électrification des quais",
    "head": ["Le Monde", "November 15, 2018 Thursday", "Copyright 2018 Le Monde All Rights Reserved"],
    "labels": [("Section", "ECONOMIE; Pg. 14"), ("Length", "164 words"), ("Byline", "Jeanne Leroy")],
    "body": [
        "Le grand port maritime de Marseille a présenté jeudi son plan d'électrification des quais, "
        "destiné à réduire les fumées des navires à l'escale.",
        "Les premiers branchements concerneront les ferries à destination de la Corse, dès l'automne 2019. "
        "Les paquebots suivront en 2021.",
        "« C'est un chantier de dix ans », reconnaît la direction du port.",
    ],
    "trailer": [("Language", "FRENCH"), ("Publication-Type", "Newspaper"), ("Subject", "PORTS (92%); ENERGIE (75%)"),
                ("Load-Date", "November 16, 2018")],
}
LA_CROIX = {
    "title": "La gare maritime de Sète fait peau neuve",
    "head": ["La Croix", "November 16, 2018 Friday", "Copyright 2018 Bayard Presse All Rights Reserved"],
    "labels": [("Section", "FRANCE; Pg. 6"), ("Length", "201 words"), ("Byline", "Hélène Marchand"),
               ("Highlight", "Le chantier, évalué à 40 millions d’euros, doit durer deux ans.")],
    "body": [
        "Les travaux de la gare maritime de Sète ont commencé vendredi, sous les yeux des élus de la région.",
        "Le nouveau bâtiment accueillera à partir de 2020 les passagers des lignes vers le Maroc.",
    ],
    "trailer": [("Language", "FRENCH"), ("Load-Date", "November 17, 2018")],
}
SUD_OUEST = {
    "title": "Le Verdon attend ses premiers porte-conteneurs",
    "head": ["Sud Ouest", "17 novembre 2018 samedi", "Édition Gironde", "Copyright 2018 Sud Ouest All Rights Reserved"],
    "labels": [("Length", "77 words")],
    "body": ["Le terminal du Verdon, à la pointe du Médoc, doit recevoir au printemps ses premiers porte-conteneurs."],
    "graphic": ["Le terminal du Verdon, en 2017."],
    "trailer": [("Language", "FRENCH"), ("Load-Date", "November 18, 2018")],
}
PICTURE = {  # a photograph with its caption: no "Body"
    "title": "En images : la fête des docks",
    "head": ["La Provence", "November 18, 2018 Sunday"],
    "labels": [("Length", "12 words")],
    "graphic": ["Les dockers ont défilé dimanche sur le quai de la Joliette."],
    "trailer": [("Load-Date", "November 19, 2018")],
}
CUT = {  # the export stops in this article's body
    "title": "Bordeaux relance le tramway fluvial",
    "head": ["Sud Ouest", "November 19, 2018 Monday"],
    "labels": [("Section", "BORDEAUX; Pg. 2"), ("Length", "250 words")],
    "body": ["Les navettes fluviales reprendront en mars entre les deux rives, a annoncé lundi la métropole, qui"],
}


def labelled(doc: WordDocument, name: str, value: str) -> None:
    paragraph = doc.add_paragraph()
    paragraph.add_run(f"{name}:").bold = True
    paragraph.add_run(NBSP + value)


def cover(doc: WordDocument, articles: list[dict[str, Any]], terms: str) -> None:
    doc.add_paragraph("User Name: =")
    doc.add_paragraph("Date and Time: = November 20, 2018 10:15")
    doc.add_paragraph("Job Number: 78125503")
    doc.add_paragraph(f"Documents ({len(articles)})")
    for number, item in enumerate(articles, start=1):
        doc.add_paragraph(f"{number}. {item['title']}")
        doc.add_paragraph("Client/Matter: -None-")
        doc.add_paragraph(f"Search Terms: {terms}")
        doc.add_paragraph("Search Type: Terms and Connectors")
        doc.add_paragraph("Narrowed by:")
        table = doc.add_table(rows=2, cols=2)
        for at, text in enumerate(["Content Type", "Narrowed by", "News", "Timeline: Nov 01, 2018 to Nov 30, 2018"]):
            table.cell(at // 2, at % 2).text = text
    doc.add_page_break()


def add_article(doc: WordDocument, item: dict[str, Any], *, complete: bool = True) -> None:
    doc.add_paragraph().add_run(item["title"]).bold = True
    for line in item["head"]:
        doc.add_paragraph(line)
    for name, value in item["labels"]:
        labelled(doc, name, value)
    if "body" in item:
        doc.add_paragraph().add_run("Body").bold = True
        for text in item["body"]:
            doc.add_paragraph(text)
    if not complete:
        return
    if "graphic" in item:
        doc.add_paragraph().add_run("Graphic").bold = True
        for text in item["graphic"]:
            doc.add_paragraph(text)
    doc.add_paragraph().add_run("Classification").bold = True
    for name, value in item["trailer"]:
        labelled(doc, name, value)
    doc.add_paragraph("End of Document")
    doc.add_page_break()


def save(doc: WordDocument, name: str) -> None:
    """Save with fixed timestamps in the zip, so that running the script again writes the same bytes."""
    buffer = io.BytesIO()
    doc.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(zipfile.ZipInfo(info.filename, (1980, 1, 1, 0, 0, 0)), source.read(info), zipfile.ZIP_DEFLATED)
    (HERE / name).write_bytes(out.getvalue())


def main() -> None:
    doc = Document()
    articles = [LE_MONDE, LA_CROIX, SUD_OUEST]
    cover(doc, articles, "port AND électrification")
    for item in articles:
        add_article(doc, item)
    save(doc, "nexis_uni.DOCX")

    doc = Document()
    articles = [LA_CROIX, PICTURE, CUT]
    cover(doc, articles, "port AND gare maritime")
    add_article(doc, LA_CROIX)
    add_article(doc, PICTURE)
    add_article(doc, CUT, complete=False)
    save(doc, "nexis_uni_cut.DOCX")

    doc = Document()
    doc.add_heading("Compte rendu du conseil de quartier", level=1)
    doc.add_paragraph("Réunion du 12 mars 2019, salle des fêtes de la Joliette.")
    doc.add_paragraph("Présents : huit habitants, deux élus, la directrice du centre social.")
    table = doc.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Budget voté"
    table.cell(0, 1).text = "12 000 €"
    doc.add_paragraph("Le prochain conseil se tiendra en juin. Fin du compte rendu.")
    save(doc, "ordinary.DOCX")


if __name__ == "__main__":
    main()
