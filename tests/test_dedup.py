"""Near-duplicate wire stories grouped by MinHash/LSH."""

from __future__ import annotations

from newsarchive.index.annotation.dedup import DuplicateGroups, shingles, signature

STORY = (
    "La préfète du Cher a annoncé vendredi l'interdiction de tout rassemblement de gilets jaunes à Bourges samedi, "
    "où des milliers de manifestants sont attendus pour une nouvelle journée de mobilisation nationale. Les autorités "
    "craignent des violences comparables à celles des semaines précédentes à Paris et dans plusieurs grandes villes, "
    "et ont demandé aux commerçants du centre-ville de fermer leurs boutiques par précaution pendant toute la journée."
)
OTHER = (
    "Le gouvernement a présenté mercredi en conseil des ministres un projet de loi sur la réforme des retraites qui "
    "prévoit un système universel par points, la fin des régimes spéciaux et un âge pivot fixé à soixante-quatre ans. "
    "Les syndicats ont aussitôt appelé à une nouvelle journée de grève interprofessionnelle pour le jeudi suivant, "
    "estimant que le texte ne répond à aucune de leurs revendications sur la pénibilité et les carrières longues."
)


def test_shingles_ignore_case_accents_and_punctuation():
    assert shingles("Le Président a PARLÉ, hier soir.") == shingles("le president a parle hier soir")


def test_the_same_story_in_two_outlets_is_one_group():
    groups = DuplicateGroups()
    assert groups.assign("a", STORY) == "a"
    edited = STORY.replace("samedi", "ce samedi") + " (avec AFP)"
    assert groups.assign("b", edited) == "a"


def test_different_stories_are_different_groups():
    groups = DuplicateGroups()
    groups.assign("a", STORY)
    assert groups.assign("b", OTHER) == "b"


def test_short_texts_are_never_merged():
    groups = DuplicateGroups()
    assert signature("Une brève.") is None
    groups.assign("a", "Une brève de dix mots seulement ici.")
    assert groups.assign("b", "Une brève de dix mots seulement ici.") == "b"


def test_groups_are_saved_beside_the_index_and_reloaded(tmp_path):
    groups = DuplicateGroups(tmp_path)
    groups.assign("a", STORY)
    groups.save()
    again = DuplicateGroups(tmp_path)
    assert again.assign("b", STORY) == "a"


def test_reassigning_an_updated_article_moves_it(tmp_path):
    groups = DuplicateGroups()
    groups.assign("a", STORY)
    groups.assign("b", STORY)
    assert groups.assign("b", OTHER) == "b"
    assert groups.assign("c", STORY) == "a"


def test_signatures_do_not_depend_on_how_many_were_made_before():
    from datasketch import MinHash

    text = " ".join(f"mot{i} de la dépêche" for i in range(60))
    fresh = MinHash(num_perm=128, seed=1, scheme="affine32")
    fresh.update_batch(list(shingles(text)))
    signature("un autre texte " * 50)  # the shared permutations must not carry state over
    assert (signature(text).hashvalues == fresh.hashvalues).all()
