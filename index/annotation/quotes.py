"""Who said what: quotations in French news and the person who said them.

French news quotes people in a few fixed shapes, which these rules read:

- a quotation in « … » (or “…”, "…") followed by an attribution:
  « … », a affirmé James Mattis / a-t-il déclaré / déclare M. Lavrov / selon M. Lavrov;
- an attribution, then the quotation: James Mattis a déclaré : « … » / Selon M. Lavrov, « … »;
- a set-off paragraph ending with a dash and the speaker's name: … - Rex Tillerson.

A speaker is resolved to one of the article's persons (so to the person facet's name);
"il"/"elle" resolves to the person the previous sentences are about. A quotation whose
speaker cannot be resolved to a person is kept with no speaker: it is still searchable
as a quotation, but never attributed by guesswork.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..article import Person, Quote
from ..text import fold

# Verbs of saying, in the forms they take after "a"/"avait" (past participle) and in the
# present (inverted "explique-t-il" or plain "déclare Vladimir Poutine").
PARTICIPLES = (
    "affirmé|déclaré|dit|ajouté|commenté|estimé|expliqué|indiqué|souligné|assuré|précisé|lancé|poursuivi|répondu|"
    "insisté|rappelé|reconnu|averti|confié|martelé|prévenu|réagi|noté|jugé|dénoncé|admis|conclu|tweeté|écrit|déploré|"
    "regretté|ironisé|laissé tomber|fait valoir|fait savoir|observé|plaidé|protesté|répliqué|résumé|raconté|relevé|"
    "signalé|avancé|annoncé|confirmé|démenti|martelé|assené|asséné|tranché|clamé|scandé|affirmé à la presse|déclaré à la presse|"
    "mis en garde|fustigé|salué|critiqué|rétorqué|détaillé|argumenté|prévenu|promis|glissé|soutenu|reconnu"
)
PRESENT = (
    "affirme|déclare|dit|ajoute|commente|estime|explique|indique|souligne|assure|précise|lance|poursuit|répond|insiste|"
    "rappelle|reconnaît|reconnait|avertit|confie|martèle|prévient|réagit|note|juge|dénonce|admet|conclut|tweete|écrit|"
    "déplore|regrette|ironise|observe|plaide|proteste|réplique|résume|raconte|relève|signale|avance|annonce|confirme|"
    "dément|tranche|clame|fustige|salue|critique|rétorque|détaille|argumente|promet|glisse|soutient|analyse|résume"
)
# The words after a verb of saying, up to the end of the clause ("M." does not end it).
_REST = r"(?P<rest>(?:\b(?:M|MM|Mme|Mlle|Dr|Pr|Me|St)\.|[^.;:!?«])*)"
_ADVERBS = r"(?:(?:également|encore|aussi|ensuite|alors|notamment|plus tard|pour sa part|de son côté|par ailleurs|lui-même|elle-même|simplement)\s+)*"
_OPEN = "«“\""
_QUOTE = re.compile(r"«\s*(?P<a>[^«»]+?)\s*»|“(?P<b>[^“”]+?)”|\"(?P<c>[^\"]{2,}?)\"")

_AFTER_PAST = re.compile(
    rf"^\s*,?\s*(?:a|avait|aurait|ont|avaient)(?:-t-(?P<pron>il|elle|ils|elles))?\s+{_ADVERBS}(?:{PARTICIPLES})\b\s*{_REST}",
    re.I,
)
_AFTER_INVERTED = re.compile(rf"^\s*,?\s*(?:{PRESENT}|{PARTICIPLES.replace('é|', 'e|')})-t?-?(?P<pron>il|elle|ils|elles)\b", re.I)
_AFTER_PRESENT = re.compile(rf"^\s*,\s*(?:{PRESENT})\s+{_REST}", re.I)
_AFTER_SELON = re.compile(rf"^\s*,?\s*(?:selon|d['’]après|pour)\s+{_REST}", re.I)
_BEFORE = re.compile(
    rf"(?P<rest>(?:[A-ZÉÈÀ][\w'’.-]*\s+){{0,4}}[A-ZÉÈÀ][\w'’-]+)\s+(?:a|avait)\s+{_ADVERBS}(?:{PARTICIPLES})\s*(?::|,)?\s*$",
)
_BEFORE_SELON = re.compile(r"(?:^|[.!?]\s+|,\s*)(?:Selon|Pour|D['’]après)\s+(?P<rest>[^,«]{2,60}),\s*$")
_SET_OFF = re.compile(r"^(?P<quote>.{20,}?)\s+[-–—]\s+(?P<rest>[A-ZÉÈÀ][\w'’.-]*(?:\s+[A-ZÉÈÀ][\w'’-]*){0,3})\s*$")
_PRONOUNS = {"il", "elle", "ils", "elles"}
_DETERMINERS = {"le", "la", "l", "les", "un", "une", "son", "sa", "ses", "ce", "cette", "leur"}
_CLAUSE_BREAKS = {
    "avec", "au cours", "lors", "devant", "contre", "face", "durant", "pendant", "apres", "avant", "dans", "aupres",
    "qui", "dont", "lequel", "laquelle", "en presence", "aux cotes", "entoure", "entouree", "sur", "a propos", "concernant",
}

MIN_WORDS = 4  # « productive », « gilets jaunes »: scare quotes and terms, not statements


def extract_quotes(text: str, persons: Sequence[Person]) -> list[Quote]:
    """The attributed quotations of an article's text, in order."""
    state = _State()
    quotes: list[Quote] = []
    offset = 0
    for para in text.split("\n\n"):
        quotes.extend(_from_paragraph(para, text, offset, persons, state))
        offset += len(para) + 2
    seen = set()
    unique = []
    for q in quotes:
        key = fold(q.text)
        if key not in seen:
            seen.add(key)
            unique.append(q)
    return unique


@dataclass
class _State:
    """The last attribution read, for "a-t-il ajouté" right after someone was quoted."""

    end: int = -10_000
    speaker: str | None = None


# A pronoun this close after an attributed quotation refers to the same speaker.
PRONOUN_REACH = 350


def _from_paragraph(para: str, text: str, offset: int, persons: Sequence[Person], state: _State) -> list[Quote]:
    set_off = _SET_OFF.match(para.strip())
    if set_off and not any(ch in set_off.group("quote")[:1] for ch in _OPEN):
        speaker = resolve_speaker(set_off.group("rest"), persons, text[:offset])
        if speaker and len(set_off.group("quote").split()) >= MIN_WORDS:
            state.end, state.speaker = offset + len(para), speaker
            return [Quote(_clean(set_off.group("quote")), speaker)]
    found = []
    for match in _QUOTE.finditer(para):
        quote = match.group("a") or match.group("b") or match.group("c") or ""
        if len(quote.split()) < MIN_WORDS:
            continue
        start = offset + match.start()
        attributed, speaker = _attribution(para[match.end():], para[:match.start()], persons, text[:start], state, start)
        if attributed:
            found.append(Quote(_clean(quote), speaker))
            state.end, state.speaker = offset + match.end(), speaker
    return found


def _attribution(after: str, before: str, persons: Sequence[Person], preceding: str, state: _State, start: int) -> tuple[bool, str | None]:
    """(is this an attributed quotation?, the resolved speaker or None)."""
    for pattern in (_AFTER_PAST, _AFTER_INVERTED, _AFTER_PRESENT, _AFTER_SELON):
        match = pattern.match(after)
        if match:
            pronoun = match.groupdict().get("pron")
            if pronoun:
                if start - state.end < PRONOUN_REACH:
                    # "…», a-t-il ajouté": the one just quoted, unless someone else became
                    # the subject in between ("…», assure Murielle. Priscillia Ludosky a défilé…").
                    between = _QUOTE.sub(" ", preceding[max(state.end, 0):])
                    return True, _antecedent(between, persons) or state.speaker
                return True, _antecedent(preceding, persons)
            return True, resolve_speaker(match.group("rest"), persons, preceding)
    for pattern in (_BEFORE, _BEFORE_SELON):
        match = pattern.search(before)
        if match:
            return True, resolve_speaker(match.group("rest"), persons, preceding)
    return False, None


def resolve_speaker(words: str, persons: Sequence[Person], preceding: str = "") -> str | None:
    """The article person named by `words` ("M. Lavrov" -> "Sergueï Lavrov"), else None."""
    words = words.strip(" ,;:")
    if not words:
        return None
    if fold(words.split()[0]) in _PRONOUNS:
        return _antecedent(preceding, persons)
    # "le président français, taxé de naïveté par X" / "le chef de l'État, citant X": a
    # role, then a clause; X is not the speaker. ("le maire, Michel Proust" keeps its name.)
    if fold(words.split()[0]) in _DETERMINERS:
        words = re.split(r",\s*(?=[a-zà-ÿ])", words, maxsplit=1)[0]
    folded_words = fold(words).split()
    # "le chef de l'État au cours d'une conférence avec son homologue X": a role, then
    # a complement; the person named in the complement is not the speaker.
    if folded_words and folded_words[0] in _DETERMINERS:
        for i, w in enumerate(folded_words):
            if w in _CLAUSE_BREAKS or " ".join(folded_words[i:i + 2]) in _CLAUSE_BREAKS:
                folded_words = folded_words[:i]
                break
    phrase = f" {' '.join(folded_words)} "
    best = None
    for person in persons:
        name_words = fold(person.name).split()
        if not name_words:
            continue
        surname = name_words[-1]
        keys = {fold(person.name), *(fold(m) for m in person.mentions)} - {""}
        # The phrase names the person: their surname as a word, or one of their mentions.
        if surname in folded_words or any(f" {k} " in phrase for k in keys):
            # Prefer the person named earliest in the phrase: "M. Lavrov à Rex Tillerson".
            position = folded_words.index(surname) if surname in folded_words else len(folded_words)
            if best is None or position < best[0]:
                best = (position, person.name)
    return best[1] if best else None


def _antecedent(preceding: str, persons: Sequence[Person]) -> str | None:
    """The person "il"/"elle" refers to: the first one named in the last sentences that name one."""
    if not persons:
        return None
    # Scraped texts often lose the space after a full stop ("promesses.Pour Jérôme …").
    sentences = re.split(r"(?<=[.!?»])\s*(?=[A-ZÉÈÀÂÎ«\"“])", preceding)
    for sentence in reversed(sentences[-4:]):
        folded = f" {fold(sentence)} "
        hits = []
        for person in persons:
            name_words = fold(person.name).split()
            if not name_words:
                continue
            pos = folded.find(f" {name_words[-1]} ")
            if pos >= 0:
                hits.append((pos, person.name))
        if hits:
            return min(hits)[1]  # the subject of a French sentence usually comes first
    return None


def _clean(quote: str) -> str:
    return " ".join(quote.split()).strip(" ,")
