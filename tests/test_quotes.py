"""Quotations and their speakers, on French sentences and on the seed."""

from __future__ import annotations

import pytest

from newsarchive.index.annotation.quotes import extract_quotes, resolve_speaker
from newsarchive.index.article import Person

LAVROV = Person("Sergueï Lavrov", ["Sergueï Lavrov", "M. Lavrov", "Lavrov"])
TILLERSON = Person("Rex Tillerson", ["Rex Tillerson", "Tillerson"])
MATTIS = Person("James Mattis", ["James Mattis", "Mattis"])
PERSONS = [LAVROV, TILLERSON, MATTIS]


def quotes(text: str, persons=PERSONS) -> list[tuple[str | None, str]]:
    return [(q.speaker, q.text) for q in extract_quotes(text, persons)]


def test_quote_then_past_tense_verb_and_name():
    text = "« Nous ne discutons pas des sanctions pour le moment », a ajouté M. Lavrov, qui a souvent critiqué ces mesures."
    assert quotes(text) == [("Sergueï Lavrov", "Nous ne discutons pas des sanctions pour le moment")]


def test_quote_then_inverted_pronoun_resolves_to_the_subject_of_the_previous_sentence():
    text = (
        "Le secrétaire d'État Rex Tillerson a rencontré son homologue Sergueï Lavrov à Bonn.\n\n"
        "« Nous attendons que la Russie respecte ses engagements », a-t-il déclaré."
    )
    assert quotes(text) == [("Rex Tillerson", "Nous attendons que la Russie respecte ses engagements")]


def test_quote_then_present_tense_verb_and_name():
    assert quotes("« Le dialogue reste ouvert avec Washington », déclare Sergueï Lavrov.") == [
        ("Sergueï Lavrov", "Le dialogue reste ouvert avec Washington")
    ]


def test_selon_before_the_quote():
    assert quotes("Selon M. Mattis, « la Russie devra d'abord s'en montrer digne ».") == [("James Mattis", "la Russie devra d'abord s'en montrer digne")]


def test_name_and_verb_before_the_quote():
    assert quotes("James Mattis a déclaré : « Nous ne collaborerons pas au niveau militaire ».") == [
        ("James Mattis", "Nous ne collaborerons pas au niveau militaire")
    ]


def test_set_off_paragraph_ending_with_a_dash_and_a_name():
    text = "Il est clair que nous ne pouvons pas régler tous les problèmes du monde. - Sergueï Lavrov"
    assert quotes(text) == [("Sergueï Lavrov", "Il est clair que nous ne pouvons pas régler tous les problèmes du monde.")]


def test_a_role_that_names_no_person_is_kept_without_speaker():
    text = "« La question avec la Russie est le respect du droit international », a commenté le chef du Pentagone."
    assert quotes(text) == [(None, "La question avec la Russie est le respect du droit international")]


@pytest.mark.parametrize(
    "text",
    [
        "Une rencontre « productive » selon les diplomates.",  # a word, not a statement
        "Le mouvement des « gilets jaunes » a manifesté samedi.",
        "« Nous partons demain pour Moscou et nous verrons bien », écrit le journal dans son éditorial",  # no person
    ],
)
def test_scare_quotes_and_unattributed_words_are_not_attributed_quotes(text):
    assert [s for s, _ in quotes(text) if s] == []


def test_an_unknown_name_is_not_invented_as_a_speaker():
    assert quotes("« Cette réforme est une erreur historique », a déclaré Jean Dupont.") == [(None, "Cette réforme est une erreur historique")]


def test_resolve_speaker_matches_surname_and_title_forms():
    assert resolve_speaker("M. Lavrov", PERSONS) == "Sergueï Lavrov"
    assert resolve_speaker("le secrétaire d'État Rex Tillerson", PERSONS) == "Rex Tillerson"
    assert resolve_speaker("le porte-parole", PERSONS) is None


def test_the_seed_has_its_three_set_off_quotes_with_their_speakers(seed_expected):
    from pathlib import Path

    from newsarchive.index.entities import EntityExtractor
    from newsarchive.index.extraction.extract import extract
    from newsarchive.index.inputs.readers import read

    from .conftest import SEED

    article = extract(next(iter(read(Path(SEED)))))
    EntityExtractor().annotate([article])
    found = extract_quotes(article.text, article.persons)
    for expected in seed_expected["quotes"]:
        speakers = [q.speaker for q in found if q.text.startswith(expected["starts"])]
        assert speakers == [expected["speaker"]], expected
    assert all(q.speaker in {p.name for p in article.persons} for q in found if q.speaker)
