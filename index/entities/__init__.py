"""Persons, organisations and countries an article is about: the names other code uses.

The work is done in
- ner.py: spaCy's model (`load_nlp`, `ner_spans`, `EntityExtractor`) and
  `annotate_from_spans`, which indexing and bench/eval_entities.py both run;
- persons.py: which spans are persons (`person_mentions`) and which mentions are one
  person (`merge_persons`); person_names.py: a span's name (`clean_person`);
- organisations.py: organisations, from the rule table of org_rules.py (with org_draft.py,
  org_fixes.py, org_ministries.py, org_classes.py, org_context.py, org_words.py) to
  org_merges.py (one article) and org_archive.py (the archive; org_names.py: the names of
  listed bodies, an article's own publication);
- countries.py: countries; lexicon.py: the shared word lists.
Nothing here loads Whoosh.
"""

from __future__ import annotations

from .lexicon import MODEL, common_words, not_person_names
from .ner import EntityExtractor, annotate_from_spans, load_nlp, ner_spans
from .person_names import clean_person
from .persons import first_name_alone, merge_persons, person_mentions

__all__ = [
    "MODEL", "EntityExtractor", "annotate_from_spans", "clean_person", "common_words", "first_name_alone", "load_nlp", "merge_persons",
    "ner_spans", "not_person_names", "person_mentions",
]
