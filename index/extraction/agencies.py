"""News agencies whose copy an article carries (the `agency` facet), from its credit lines.

An article carries agency copy when a line *credits* an agency for the text. The classes of
credit recognised, each with the real line that motivated it:

- a dateline: "Paris (AFP) -", "Sorcy-Saint-Martin (France) (AFP) -", "PARIS (AFP) - Le
  gouvernement…", "Bruxelles, 12 déc 2018 (Belga) -" (a place, a date, then the agency in
  parentheses and a dash, at the start of a line), and the feed's footer glued to the last
  sentence ("…a-t-il estimé.kd/soe/bmaParis, 11 jan 2019 (AFP) - 01/11/19 08:34");
- a sign-off after the last sentence: "(afp/nxp)", "(ats/nxp)", "(jsa/afp/nxp)",
  "(AFP/Le Matin)", "(avec AFP)", "(Belga)" (journalists' initials and desk codes may
  share the parentheses), or a bare name there ("…de la vie en France. AP");
- a credit line of its own: "Avec l'Agence France-Presse", "- Avec la collaboration de
  l'Agence France-Presse", "Le Figaro avec AFP", "Orange avec AFP, publié le …", "Par
  Agence QMI", "Source : Belga", "Lia Lévesque, La Presse Canadienne", a bare "AFP" or
  "La Presse Canadienne"; and the byline metadata when it is one of these ("AFP");
- a copyright notice with its year: "© 2019 AFP", "Copyright 2019 The Associated Press".

Policies:

- A *citation* is not a credit: "selon l'AFP", "a indiqué l'AFP", "a rapporté Reuters",
  "a déclaré à l'agence Belga", "— Agence France-Presse (@afpfr)" under an embedded tweet.
  Every class above is a whole short line or a fixed position (line start, after the last
  sentence), never a name inside a sentence.
- A *photo credit* credits the picture, not the copy, so it names no agency here: "Photo :
  Jacques Boissinot / La Presse canadienne", "Crédits photo : JEFF PACHOUD/AFP", "AFP PHOTO
  / …", "(Photo: AFP)", "Jabin Botsford / AFP", "© AFP/Anne-Christine Poujoulat", and a
  copyright mark *without a year* ("© AFP", "© Belga", "© AP" printed under the lead
  picture by La Libre and La DH, where "© DR" stands in the same place). The year is what
  an agency's notice on its text carries ("© 2019 AFP").
- "(Avec agences)", "Sources : agences" name no agency: nothing is recorded.
- Several agencies credited ("(afp/ats/nxp)", "Avec AFP et Reuters") are all recorded.
- Photo agencies (Getty Images, EPA, Shutterstock) and "Keystone" alone (a picture
  credit in Switzerland; the news agency is Keystone-ATS) are not in the table.

Only the credit is recorded: a dateline left at the start of the text stays in the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..article import Agency

# Canonical label, then the ways pages write it (regexes; longest first where one contains another).
AGENCIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("AFP", (r"Agence France[- ]Presse", r"AFP")),
    ("Reuters", (r"Thomson Reuters", r"Reuters")),
    ("AP", (r"The Associated Press", r"Associated Press", r"AP")),
    ("La Presse Canadienne", (r"La Presse [Cc]anadienne", r"Presse [Cc]anadienne", r"The Canadian Press", r"Canadian Press", r"PC")),
    ("Belga", (r"Agence Belga", r"Belga", r"BELGA")),
    ("Keystone-ATS", (r"Keystone[- ](?:ATS|SDA)", r"Agence télégraphique suisse", r"ATS", r"SDA")),
    ("ANSA", (r"ANSA",)),
    ("dpa", (r"Deutsche Presse-Agentur", r"dpa", r"DPA")),
    ("EFE", (r"Agencia EFE", r"EFE")),
    ("Agence QMI", (r"Agence QMI", r"QMI")),
    ("Xinhua", (r"Xinhua", r"Chine nouvelle")),
    ("Anadolu", (r"Agence Anadolu", r"Anadolu")),
    ("Bloomberg", (r"Bloomberg",)),
    ("Relaxnews", (r"Relaxnews",)),
    ("Kyodo", (r"Kyodo",)),
    ("Yonhap", (r"Yonhap",)),
    ("TASS", (r"TASS",)),
)
LABELS = tuple(label for label, _ in AGENCIES)


def _agency_pattern(named: bool) -> str:
    # Named, one group per agency, so a match says which agency it is (`match.lastgroup`);
    # plain, to be repeated inside the patterns of the credits.
    groups = (rf"(?P<a{i}>{'|'.join(variants)})" if named else "|".join(variants) for i, (_, variants) in enumerate(AGENCIES))
    return rf"(?<![\w@-])(?:{'|'.join(groups)})(?![\w-])"


_AGENCY = _agency_pattern(named=False)
_AGENCY_RE = re.compile(_agency_pattern(named=True))
# Inside the parentheses of a dateline or a sign-off, desks write codes in lower case: "(afp/nxp)", "(ats)".
_AGENCY_ANY_CASE = re.compile(_agency_pattern(named=True), re.I)
_ARTICLE = r"(?:l['’]\s*|(?i:la|the)\s+)?"
_AGENCY_LIST = rf"{_ARTICLE}{_AGENCY}(?:(?:\s*[,/]\s*|\s+(?i:et|and|&)\s+){_ARTICLE}{_AGENCY})*"

# Lower-case words an outlet or author name may hold in "<who> avec AFP" ("Le Point.fr",
# "La rédaction", "Dorian de Meeûs"); any other lower-case word makes it a sentence ("Il a parlé avec l'AFP").
_NAME_WORDS = {"de", "du", "des", "la", "le", "les", "l", "d", "et", "van", "von", "der", "the", "of", "rédaction", "redaction"}
_WHO = r"(?P<who>[^\W\d_][^!?:;/()©«»\"]{0,60}?)"
_CREDIT_LINE = re.compile(
    r"^[\s(•»*–—-]*"
    r"(?:(?i:par|by|sources?|texte)\s*:?\s+)?"  # a byline or a source label: "Par Agence QMI", "Source : Belga"
    # "Le Figaro avec", "Le Point.fr (avec", "Lia Lévesque,", "Jean Dupont (", or a bare "Avec"
    rf"(?:{_WHO}\s*(?:\(\s*(?:(?i:avec|with)\s+)?|(?i:avec|with)\s+|,\s*)|(?i:avec|with)\s+)?"
    r"(?:(?i:la\s+collaboration\s+(?:de\s+|d['’]\s*)|l['’]aide\s+de\s+))?"
    rf"(?P<agencies>{_AGENCY_LIST})"
    r"[\s).]*$"
)
# "Orange avec AFP, publié le jeudi 02 juillet 2020 à 12h50", "Par AFP publié le; Mis À Jour À" (L'Express's
# byline metadata): the stamp after the credit is not part of it.
_TRAILING_STAMP = re.compile(r"\s*(?:[,|–—-]\s*)?(?:publiée?|postée?|mise? à jour|modifiée?|actualisée?|màj|mise? en ligne)\b.*$", re.I)
_PHOTO_WORDS = re.compile(r"\b(?:photos?|crédits?|credits?|illustrations?|images?|infographies?|vidéos?)\b", re.I)

_PLACE = r"[A-ZÀ-Ý][\w'’.-]*(?:\s+(?:[A-ZÀ-Ý][\w'’.-]*|de|du|des|la|le|les|sur|en|am|d['’][\w-]+|l['’][\w-]+)){0,5}"
_DATELINE = re.compile(
    rf"^[\s•–—-]*(?:{_PLACE})?"
    r"(?:\s*\([A-ZÀ-Ý][^()]{1,30}\))?"  # "(France)", "(Allemagne)"
    r"(?:\s*,\s*[^(),]{1,30}?)?"  # ", 11 jan 2019"
    r"\s*\((?P<agencies>[^()]{2,40})\)\s*(?:[-–—]|$)"
)
# The AFP feed's footer, glued to the last sentence by some exports: "(AFP) - 01/11/19 08:34".
_WIRE_FOOTER = re.compile(r"\((?P<agencies>[^()]{2,40})\)\s*[-–—]\s*\d{1,2}/\d{1,2}/\d{2,4}(?:\s+\d{1,2}[:h]\d{2}(?::\d{2})?)?\s*$")
_SIGN_OFF = re.compile(r"\((?P<agencies>[^()]{2,60})\)")
_SENTENCE_END = ".!?»\"”…)]"
_STAMP_AFTER = re.compile(r"^\s*(?:Créé|Publié|Mis à jour|Modifié)\b", re.I)
# Le Soleil appends the agency to the last sentence without parentheses: "…du coût élevé de la vie en France. AP".
_TRAILING_NAME = re.compile(rf"[{re.escape(_SENTENCE_END)}]\s+(?P<agencies>{_AGENCY_LIST})\s*$")
_COPYRIGHT = re.compile(rf"(?i:©|\(c\)|copyright)\s*(?:©\s*)?(?:(?:19|20)\d\d\s+{_AGENCY}|{_AGENCY}\s*,?\s*(?:19|20)\d\d)")
_MAX_CREDIT_WORDS = 14  # a credit line is short; a sentence that names an agency is not a credit line

# Rules of boilerplate.py whose removed lines credit a picture, never the copy.
PHOTO_RULES = frozenset({"photo_by_credit", "photo_label_credit"})


def _labels(text: str, pattern: re.Pattern[str] = _AGENCY_RE) -> list[str]:
    """The canonical labels of the agencies named in `text`, in order."""
    return [AGENCIES[int(m.lastgroup[1:])][0] for m in pattern.finditer(text) if m.lastgroup]


def _only_agencies(inside: str) -> list[str]:
    """The agencies of a parenthesised credit whose every part is an agency ("AFP", "afp/Reuters"), else []."""
    parts = [p.strip() for p in re.split(r"\s*[/,]\s*|\s+et\s+", inside.strip())]
    labels = [_labels(p, _AGENCY_ANY_CASE) for p in parts]
    if not parts or not all(len(found) == 1 and _AGENCY_ANY_CASE.fullmatch(p) for found, p in zip(labels, parts, strict=True)):
        return []
    return [found[0] for found in labels]


def _sign_off_agencies(inside: str) -> list[str]:
    """The agencies of a sign-off "(jsa/afp/nxp)", "(AFP/Le Matin)", "(avec AFP)": initials, desk and outlet may be beside them."""
    if _PHOTO_WORDS.search(inside) or ":" in inside or len(inside.split()) > 6:
        return []
    parts = [re.sub(r"^(?:avec|with)\s+", "", p.strip(), flags=re.I) for p in re.split(r"\s*/\s*|\s*,\s*|\s+et\s+", inside.strip())]
    found = [label for p in parts if _AGENCY_ANY_CASE.fullmatch(p) for label in _labels(p, _AGENCY_ANY_CASE)]
    # Every other part is initials or a desk code ("jsa", "nxp") or a short outlet name ("Le Matin").
    others_ok = all(_AGENCY_ANY_CASE.fullmatch(p) or re.fullmatch(r"[A-Za-zÀ-ÿ.]{2,5}|[A-ZÀ-Ý][\w'’.-]*(?: [\w'’.-]+){0,2}", p) for p in parts)
    return found if others_ok else []


def dateline(line: str) -> tuple[list[str], str] | None:
    """The agencies of a dateline at the start of `line` ("Paris (AFP) -"), with the dateline itself."""
    match = _DATELINE.match(line)
    if match and (found := _only_agencies(match["agencies"])):
        return found, match.group(0).strip()
    match = _WIRE_FOOTER.search(line)
    if match and (found := _only_agencies(match["agencies"])):
        return found, match.group(0).strip()
    return None


def sign_off(line: str) -> tuple[list[str], str] | None:
    """The agencies of a sign-off after a sentence or alone on the line ("… des traces. (afp/nxp)", "… en France. AP")."""
    for match in _SIGN_OFF.finditer(line):
        before, after = line[: match.start()].rstrip(), line[match.end():]
        if before and before[-1] not in _SENTENCE_END:
            continue  # "a indiqué à l'Agence France-Presse (AFP) le procureur": the name spelt out, a citation
        found = _sign_off_agencies(match["agencies"])
        # Alone at the end; or, with desk codes ("/nxp"), before the next entry of a live page.
        if found and (not after.strip(" .") or "/" in match["agencies"] or _STAMP_AFTER.match(after)):
            return found, match.group(0)
    match = _TRAILING_NAME.search(line)
    return (_labels(match["agencies"]), match["agencies"]) if match else None


def _is_name(who: str) -> bool:
    # "Le Figaro", "Orange", "Lia Lévesque", "Le Point.fr": capitalised words and particles only.
    words = re.findall(r"[\w.&-]+", who.replace("’", "'").replace("'", " "))
    return 0 < len(words) <= 6 and all(w[0].isupper() or w[0].isdigit() or w.casefold() in _NAME_WORDS for w in words)


def credit_line(line: str) -> list[str]:
    """The agencies a short credit line names: "Avec l'Agence France-Presse", "Le Figaro avec AFP", "AFP"."""
    text = _without_stamp(line).strip()
    if not text or len(text.split()) > _MAX_CREDIT_WORDS or _PHOTO_WORDS.search(text):
        return []
    match = _CREDIT_LINE.match(text)
    if not match or (match["who"] and not _is_name(match["who"])):
        return []
    return _labels(match["agencies"])


def _without_stamp(line: str) -> str:
    """The line before its trailing stamp ("publié le …", "mis à jour …"), if any.

    A credit line keeps at most _MAX_CREDIT_WORDS words before its stamp, so only a stamp
    within the first words matters: searching a paragraph's first words instead of the
    whole paragraph gives the same credit lines at a fraction of the cost.
    """
    words = line.split(" ", _MAX_CREDIT_WORDS + 2)
    head = line if len(words) <= _MAX_CREDIT_WORDS + 2 else " ".join(words[: _MAX_CREDIT_WORDS + 2])
    match = _TRAILING_STAMP.search(head)
    return line[: match.start()] if match else line


def copyright_notice(line: str) -> list[str]:
    """The agency of a copyright notice with its year ("© 2019 AFP"); a bare "© AFP" is a photo credit."""
    if len(line.split()) > 20:
        return []
    return [label for match in _COPYRIGHT.finditer(line) for label in _labels(match.group(0))]


def _credits(line: str, *, whole_line: bool) -> Iterable[tuple[str, str]]:
    """(agency, evidence) for every credit in one line.

    A removed furniture line (`whole_line`) is its own evidence; of a kept paragraph, only
    the dateline or sign-off is ("PARIS (AFP) -"), not the paragraph it starts or ends.
    """
    for found in (dateline(line), sign_off(line)):
        if found:
            labels, fragment = found
            yield from ((label, line if whole_line else fragment) for label in labels)
    for label in credit_line(line) + copyright_notice(line):
        yield label, line


def find_agencies(removed: Iterable[tuple[str, str]], lines: Iterable[str], *, byline: str | None = None) -> list[Agency]:
    """The agencies credited by the removed furniture lines, the kept body lines and the byline, sorted by name.

    `removed` is `Stripped.removed` ((rule name, line) pairs); photo-credit rules are skipped.
    Each agency's evidence is the lines that credit it: the removed line or the byline as
    written, or the dateline or sign-off of a kept paragraph.
    """
    found: dict[str, list[str]] = {}

    def add(pairs: Iterable[tuple[str, str]]) -> None:
        for label, evidence in pairs:
            if evidence not in found.setdefault(label, []):
                found[label].append(evidence)

    for rule, line in removed:
        if rule not in PHOTO_RULES:
            add(_credits(" ".join(line.split()), whole_line=True))
    for line in lines:
        add(_credits(" ".join(line.split()), whole_line=False))
    if byline and (text := " ".join(byline.split())):
        add((label, text) for label in credit_line(text))
    return [Agency(name=label, evidence=found[label]) for label in sorted(found, key=str.casefold)]
