"""Page furniture rules: the lines of an archived page that are not the article.

Each rule is small, named, and carries the line that motivated it (tests run every
rule on its own example). A rule either drops one line or cuts the line and
everything after it (the "À VOIR AUSSI" block at the foot of a HuffPost page).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

_MONTHS_EN = "JANUARY|FEBRUARY|MARCH|APRIL|MAY|JUNE|JULY|AUGUST|SEPTEMBER|OCTOBER|NOVEMBER|DECEMBER"
_AGENCIES = (
    r"Getty Images|AFP|Agence France-Presse|Reuters|Associated Press|AP Photo|AP|"
    r"La Presse canadienne|The Canadian Press|Presse canadienne|Belga|Keystone|EPA|Shutterstock|iStock"
)
_SENTENCE_END = ('.', '!', '?', '»', '"', '…', ':', ';')


@dataclass(frozen=True)
class Rule:
    """One furniture rule: `match` says whether a line is furniture."""

    name: str
    action: str  # "drop" the line, or "cut" it and everything after it
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
    Rule(
        "see_also_block",
        "cut",
        "À VOIR AUSSI",
        _regex(r"^\s*(?:À|A|Á) (?:VOIR|voir) (?:AUSSI|aussi|également|EGALEMENT|ÉGALEMENT)\b\s*:?\s*$", 0),
    ),
    Rule(
        "read_also_block",
        "cut",
        "À lire aussi :",
        _regex(r"^\s*(?:»\s*)?(?:À|A) lire (?:aussi|également)\s*:?\s*$"),
    ),
    Rule(
        "read_also_link",
        "drop",
        "Lire aussi : Le gouvernement dévoile son plan de relance",
        lambda line: _words(line) <= 30
        and re.match(r"^\s*(?:[»>•-]\s*)?(?:À )?(?:lire|voir|relire) (?:aussi|également|notre (?:article|dossier))\s*[:>»-]", line, re.I)
        is not None,
    ),
    Rule("lone_close", "drop", "Close", _is_lone_word("Close", "Fermer", "Fermer la fenêtre")),
    Rule("advertisement", "drop", "Publicité", _is_lone_word("Publicité", "Advertisement", "Annonce", "Contenu commandité", "Sponsorisé")),
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
]


@dataclass
class Stripped:
    """What furniture stripping kept, what it removed (with the rule), and what it learnt."""

    lines: list[str]
    removed: list[tuple[str, str]] = field(default_factory=list)  # (rule name, line)
    source: str | None = None


def strip_furniture(lines: list[str], rules: list[Rule] | None = None) -> Stripped:
    """Remove page-furniture lines; the first archive notice also names the source."""
    rules = RULES if rules is None else rules
    result = Stripped(lines=[])
    for index, line in enumerate(lines):
        text = line.strip()
        if not text:
            continue
        rule = next((r for r in rules if r.match(text)), None)
        if rule is None:
            result.lines.append(text)
            continue
        if rule.name == "archive_notice" and result.source is None:
            result.source = archive_source(text)
        result.removed.append((rule.name, text))
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
