"""Page furniture rules: the lines of an archived page that are not the article.

Each rule is small, named, and carries the line that motivated it (tests run every
rule on its own example). A rule drops one line, drops it with the short link line
under it (a "Lire aussi" heading in the middle of a Le Point article), or cuts the line
and everything after it (the "À VOIR AUSSI" block at the foot of a HuffPost page).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..text import NAME_PARTICLES

_MONTHS_EN = "JANUARY|FEBRUARY|MARCH|APRIL|MAY|JUNE|JULY|AUGUST|SEPTEMBER|OCTOBER|NOVEMBER|DECEMBER"
_AGENCIES = (
    r"Getty Images|AFP|Agence France-Presse|Reuters|Associated Press|AP Photo|AP|"
    r"La Presse canadienne|The Canadian Press|Presse canadienne|Belga|Keystone|EPA|Shutterstock|iStock"
)
_SENTENCE_END = ('.', '!', '?', '»', '"', '…', ':', ';')
_WEEKDAYS = r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)"
_MONTHS_FR = (
    r"(?:janvier|janv\.?|février|fevrier|févr\.?|mars|avril|avr\.?|mai|juin|juillet|juil\.?|août|aout"
    r"|septembre|sept\.?|octobre|oct\.?|novembre|nov\.?|décembre|decembre|déc\.?)"
)
_DATE_FR = rf"(?:(?:{_WEEKDAYS}\s+)?\d{{1,2}}(?:er)?\s+{_MONTHS_FR}(?:\s+\d{{4}})?|\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}})"
_TIME = r"(?:\s*(?:à|,|-|–)?\s*\d{1,2}\s*[hH:]\s*\d{0,2}(?:\s*min)?)?"
# "publié le jeudi 02 juillet 2020 à 12h50", "mis à jour le 03/03/2018 à 10:00"
_STAMP = rf"(?:publiée?|postée?|mise? à jour|modifiée?|actualisée?|màj|mise? en ligne)\s*(?:le\b|:)?\s*{_DATE_FR}{_TIME}"
_BYLINE_STAMP = re.compile(rf"^(?:(?P<who>[^.!?]{{1,80}}?)\s*[,|–—-]\s*)?{_STAMP}(?:\s*[,|–—-]?\s*{_STAMP})*\s*$", re.I)
# Lower-case words a name can hold ("Gaëtan de Capèle", "Dorian de Meeûs", "Le Figaro avec AFP").
# Lower-case words a byline's list of names may hold: particles, and the words joining two names.
_BYLINE_WORDS = NAME_PARTICLES | {"les", "et", "avec", "and", "&"}


@dataclass(frozen=True)
class Rule:
    """One furniture rule: `match` says whether a line is furniture."""

    name: str
    action: str  # "drop" the line, "drop_next": it and the link line under it, or "cut" it and everything after it
    example: str  # the real line that motivated the rule
    match: Callable[[str], bool]


def _words(line: str) -> int:
    return len(line.split())


def _regex(pattern: str, flags: int = re.I) -> Callable[[str], bool]:
    compiled = re.compile(pattern, flags)
    return lambda line: compiled.search(line) is not None


_ARCHIVE_NOTICE = re.compile(
    r"^(?:Cet article fait partie des archives(?: en ligne)? (?:du|de la|de l['’]|des) ?"
    r"(?P<fr>[^,.]+?),? qui (?:a|ont|avait) (?:fermé|cessé)"
    r"|This article (?:is part of|exists as part of) the (?:online )?archives? (?:of|for) "
    r"(?P<en>[^,.]+?),? which (?:closed|shut))",
    re.I,
)


def archive_source(line: str) -> str | None:
    """The publication an archive notice names ("HuffPost Québec"), if the line is one."""
    match = _ARCHIVE_NOTICE.search(line.strip())
    if not match:
        return None
    return (match.group("fr") or match.group("en") or "").strip() or None


def _is_credit(line: str) -> bool:
    # "The Washington Post via Getty Images", "Jabin Botsford / AFP", "Photo: Reuters":
    # short, no sentence punctuation at the end, ends with an agency.
    stripped = line.strip().rstrip(")")
    if _words(stripped) > 14 or stripped.endswith(_SENTENCE_END):
        return False
    return re.search(rf"(?:\bvia |/ ?|©\s*|\b)(?:{_AGENCIES})$", stripped) is not None


def _is_lone_word(*words: str) -> Callable[[str], bool]:
    wanted = {w.casefold() for w in words}
    return lambda line: line.strip().strip("×✕x ").casefold() in wanted or line.strip() in {"×", "✕"}


def _is_share_bar(line: str) -> bool:
    # "Partager sur Facebook", "Partager Tweeter Envoyer", "Facebook Twitter Courriel"
    tokens = re.findall(r"\w+", line.casefold())
    if not tokens or len(tokens) > 10:
        return False
    share_words = {
        "partager", "partagez", "sur", "facebook", "twitter", "x", "tweeter", "linkedin", "whatsapp",
        "courriel", "email", "e", "mail", "envoyer", "par", "imprimer", "pinterest", "messenger",
        "copier", "le", "lien", "reddit", "share", "tweet", "print",
    }
    has_network = any(t in {"facebook", "twitter", "tweeter", "linkedin", "whatsapp", "partager", "partagez", "share"} for t in tokens)
    return has_network and all(t in share_words for t in tokens)


def byline_author(line: str) -> str | None:
    """The author a byline line names ("Par Gaëtan de Capèle" -> "Gaëtan de Capèle"), if the line is one."""
    match = re.match(r"^\s*(?:Par|par|By)\s+(?P<rest>.+?)\s*\.?\s*$", line)
    if not match or _words(line) > 20 or line.rstrip().endswith(("?", "!")):
        return None
    # "Par Aline Louangvannasy, professeure de philosophie.": names, then an optional role.
    names = re.split(r"\s*(?:,|\(|\s[-–—]\s)", match["rest"], maxsplit=1)[0].strip()
    words = re.findall(r"[\w'’.&-]+", names)
    if not words or len(words) > 8 or not words[0][0].isupper():
        return None
    if not all(w[0].isupper() or w.casefold() in _BYLINE_WORDS or re.match(r"^d['’]\w", w) for w in words):
        return None
    return names


def _is_byline_stamp(line: str) -> bool:
    # "AFP, publié le vendredi 12 juin 2020 à 10h30": who (a few words), then when; never a sentence.
    match = _BYLINE_STAMP.match(line.strip())
    return match is not None and (match["who"] is None or _words(match["who"]) <= 7)


def _is_copyright(line: str) -> bool:
    # "© 2019 AFP", "© D.R.", "Tous droits réservés": short, starting with the mark or the phrase.
    text = line.strip()
    return _words(text) <= 10 and re.match(r"^(?:©|\(c\)\s|copyright\s*(?:©|\(c\)|\d{4})|tous droits (?:de reproduction )?réservés)", text, re.I) is not None


def _is_menu(line: str) -> bool:
    # "Accueil | Politique | Économie": section links in a row, a few words each.
    items = re.split(r"\s+[|•·]\s+", line.strip())
    return len(items) >= 3 and all(0 < _words(item) <= 3 and not item.endswith(_SENTENCE_END) for item in items)


def _is_wire_timestamp(line: str) -> bool:
    # "22/11/2018 16:40:12 -": the AFP feed's time stamp on a line of its own.
    return re.match(r"^\s*\d{1,2}/\d{1,2}/\d{4}\s+\d{1,2}:\d{2}(?::\d{2})?\s*[-–]?\s*$", line) is not None


RULES: list[Rule] = [
    Rule(
        "archive_notice",
        "drop",
        "Cet article fait partie des archives en ligne du HuffPost Québec, qui a fermé ses portes en 2021.",
        lambda line: archive_source(line) is not None,
    ),
    Rule(
        "archive_faq_footer",
        "drop",
        "Si vous avez des questions ou des préoccupations, veuillez consulter notre FAQ ou contacter support@huffpost.com.",
        _regex(r"veuillez consulter notre FAQ|please (?:see|consult|visit) our FAQ|\bsupport@\S+\.\w+"),
    ),
    Rule(
        "english_wire_caption",
        "drop",
        "WASHINGTON, DC - FEBRUARY 15: President Donald Trump speaks to Israeli Prime Minister Benjamin Netanyahu",
        _regex(rf"^[A-Z][A-Z .,'’-]+ [-–—] (?:{_MONTHS_EN}) \d{{1,2}}(?:, \d{{4}})?:", 0),
    ),
    Rule(
        "photo_by_credit",
        "drop",
        "(Photo by Jabin Botsford/The Washington Post via Getty Images)",
        _regex(r"\((?:Photo|Photos|Photograph|Crédit photo|Photo credit)\s*(?:by|:|de|par)\s[^)]*\)\s*$"),
    ),
    Rule(
        "photo_label_credit",
        "drop",
        "Photo : Jacques Boissinot / La Presse canadienne",
        lambda line: _words(line) <= 14
        and re.match(r"^\s*(?:Photo|Photos|Crédit photo|Crédits? ?photos?|Crédit|Illustration|Image)\s*:", line, re.I) is not None
        and not line.rstrip().endswith(("!", "?")),
    ),
    Rule(
        "agency_credit",
        "drop",
        "The Washington Post via Getty Images",
        _is_credit,
    ),
    Rule("agencies_credit", "drop", "(Avec agences)", _regex(r"^\s*\(\s*(?:avec|source\s*:?)\s+(?:les\s+)?agences\s*\)\.?\s*$")),
    Rule(
        "see_also_block",
        "cut",
        "À VOIR AUSSI",
        _regex(r"^\s*(?:À|A|Á) (?:VOIR|voir) (?:AUSSI|aussi|également|EGALEMENT|ÉGALEMENT)\b\s*:?\s*$", 0),
    ),
    Rule(
        # Le Point prints "Lire aussi" on its own line, the linked headline on the next, then
        # the article goes on: drop the two lines, never cut (that lost the rest of the article).
        "read_also_block",
        "drop_next",
        "Lire aussi",
        _regex(r"^\s*(?:»\s*)?(?:(?:À|A) )?lire (?:aussi|également)\s*:?\s*$"),
    ),
    Rule(
        "read_also_link",
        "drop",
        "» LIRE AUSSI - «Gilets jaunes»: à Paris, les forces de l'ordre débordées par des casseurs",
        lambda line: _words(line) <= 30
        and re.match(
            r"^\s*(?:[»>•-]\s*)?(?:À )?(?:(?:lire|voir|relire) (?:aussi|également|notre (?:article|dossier))|consultez notre dossier)\s*[:>»-]",
            line,
            re.I,
        )
        is not None,
    ),
    Rule(
        # "Lire aussi Macron, les Français et les Gilets jaunes : La Fontaine avait tout vu"
        # (Le Point, no separator): a headline, so a capital next and no closing full stop.
        "read_also_headline",
        "drop",
        "Lire aussi Macron, les Français et les Gilets jaunes : La Fontaine avait tout vu",
        lambda line: _words(line) <= 30
        and re.match(r"^\s*(?:»\s*)?(?:À )?Lire (?:aussi|également)\s+[«\"“]?\s*[A-ZÀ-Ý0-9]", line) is not None
        and not line.rstrip().endswith("."),
    ),
    Rule(
        "live_link",
        "drop",
        "» Suivez notre direct sur la mobilisation des «gilets jaunes»",
        # Only with the » of a link: "Suivez notre direct" alone may be a sentence of a live page.
        _regex(r"^\s*»\s*(?:EN DIRECT\b|Suivez (?:notre|le|la) (?:direct|live|journée))"),
    ),
    Rule(
        "video_embed_title",
        "drop",
        '"Gilets jaunes" : Macron vous a-t-il convaincu ? - Regarder sur Figaro Live',
        lambda line: _words(line) <= 30 and re.search(r"\s[-–—]\s*Regarder sur [\w .'’-]{2,40}$", line.strip(), re.I) is not None,
    ),
    Rule("lone_close", "drop", "Close", _is_lone_word("Close", "Fermer", "Fermer la fenêtre")),
    Rule(
        "advertisement",
        "drop",
        "Publicité",
        _is_lone_word("Publicité", "Advertisement", "Annonce", "Contenu commandité", "Sponsorisé", "Contenus sponsorisés", "Contenu sponsorisé"),
    ),
    Rule("share_bar", "drop", "Partager sur Facebook", _is_share_bar),
    Rule(
        "subscribe_prompt",
        "drop",
        "Abonnez-vous à notre infolettre pour ne rien manquer",
        lambda line: _words(line) <= 25
        and re.match(
            r"^\s*(?:(?:Abonnez|Inscrivez)-vous (?:(?:gratuitement )?(?:à|a|au|aux) (?:notre|nos|la|les|l['’])\s*"
            r"(?:infolettres?|newsletters?|lettres?|alertes?|bulletins?|journal|offres?|abonnements?|édition)"
            r"|pour (?:ne rien manquer|recevoir|lire|accéder|continuer|soutenir)|dès maintenant|gratuitement|ici|en ligne)"
            r"|Recevez (?:notre|nos|gratuitement)|Suivez-nous|Téléchargez (?:notre|l['’]application)"
            r"|»?\s*Suivez (?:toute l['’]actualité|toutes les infos|l['’]actualité)\b.{0,80}\b(?:sur\s+(?:Facebook|Twitter|Instagram)|newsletter)"
            r"|Pour (?:lire|accéder à) la suite|Cet article est réservé aux abonnés)",
            line,
            re.I,
        )
        is not None,
    ),
    Rule(
        "cookie_banner",
        "drop",
        "En poursuivant votre navigation, vous acceptez l'utilisation de cookies.",
        # The phrasings of consent banners, not any sentence about cookies (a CNIL fine is news).
        lambda line: _words(line) <= 60
        and re.search(
            r"(?:en (?:poursuivant|continuant) (?:votre navigation|à naviguer|sur ce site)"
            r"|vous acceptez (?:l['’]utilisation|le dépôt|l['’]usage) (?:de|des) (?:cookies|traceurs)"
            r"|(?:nous|ce site) utilis(?:ons|e) des (?:cookies|traceurs)"
            r"|(?:accepter|refuser|paramétrer|gérer|personnaliser) (?:les |tous les |mes )?(?:cookies|traceurs)"
            r"|(?:politique|gestion|préférences) (?:de |des |en matière de )?(?:cookies|traceurs))",
            line,
            re.I,
        )
        is not None,
    ),
    Rule(
        # trafilatura keeps this first line of every actu.orange.fr page in the body.
        "byline_stamp",
        "drop",
        "Orange avec Media Services, publié le jeudi 02 juillet 2020 à 12h50",
        _is_byline_stamp,
    ),
    Rule("byline_author", "drop", "Par Aline Louangvannasy, professeure de philosophie.", lambda line: byline_author(line) is not None),
    Rule("copyright_line", "drop", "© D.R.", _is_copyright),
    Rule("wire_timestamp", "drop", "22/11/2018 16:40:12 -", _is_wire_timestamp),
    Rule("menu_line", "drop", "Accueil | Politique | Économie", _is_menu),
    Rule(
        "reading_time",
        "drop",
        "Temps de lecture : 3 min",
        _regex(r"^\s*(?:Temps de lecture|Lecture)\s*:?\s*(?:\d+|moins d['’]une?)\s*(?:min(?:ute)?s?|mn)\.?\s*$"),
    ),
]


@dataclass
class Stripped:
    """What furniture stripping kept, what it removed (with the rule), and what it learnt."""

    lines: list[str]
    removed: list[tuple[str, str]] = field(default_factory=list)  # (rule name, line)
    source: str | None = None


def _is_link_line(line: str) -> bool:
    # The headline a "Lire aussi" heading links to: short, and not a sentence of the article.
    return 0 < _words(line) <= 25 and not line.rstrip().endswith((".", ":", ";"))


def strip_furniture(lines: list[str], rules: list[Rule] | None = None) -> Stripped:
    """Remove page-furniture lines; the first archive notice also names the source."""
    rules = RULES if rules is None else rules
    result = Stripped(lines=[])
    lines = [line for line in lines if line.strip()]
    heading: Rule | None = None  # a "drop_next" rule that matched the previous line
    for index, line in enumerate(lines):
        text = line.strip()
        if heading is not None and _is_link_line(text):
            result.removed.append((heading.name, text))
            heading = None
            continue
        heading = None
        rule = next((r for r in rules if r.match(text)), None)
        if rule is None:
            result.lines.append(text)
            continue
        if rule.name == "archive_notice" and result.source is None:
            result.source = archive_source(text)
        result.removed.append((rule.name, text))
        if rule.action == "drop_next":
            heading = rule
        if rule.action == "cut":
            result.removed.extend((rule.name, rest.strip()) for rest in lines[index + 1:] if rest.strip())
            # A cut block can hide the closing archive notice; it still names a source.
            if result.source is None:
                result.source = next((s for s in map(archive_source, lines[index + 1:]) if s), None)
            break
    return result


def drop_repeated_lines(lines: list[str]) -> list[str]:
    """Drop exact repeats of a line (a caption or title printed twice by the page)."""
    seen: set[str] = set()
    kept = []
    for line in lines:
        key = " ".join(line.split()).casefold()
        # Short lines can legitimately repeat ("(...)", "Extrait"); only drop long repeats.
        if key in seen and len(key) > 20:
            continue
        seen.add(key)
        kept.append(line)
    return kept
