"""`newsarchive words`: the characteristic words of a search (search/words.py), as on the search page and GET /api/words."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from newsarchive.index.store.folder import default_index_dir
from newsarchive.search.words import DEFAULT_WORDS, MAX_WORDS

from .cli_utils import echo_json, request_from_options, search_options

MARKS = {"person": "  (person's name)", "organisation": "  (organisation's name)"}


@click.command()
@click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Index folder. Default: $NEWSARCHIVE_INDEX, else ./newsarchive-index.")
@search_options(skip=("page", "limit", "facet_limit", "sort"))
@click.option("--limit", "words_limit", type=click.IntRange(1, MAX_WORDS), default=DEFAULT_WORDS, show_default=True,
              help="Words listed.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON (the same as GET /api/words).")
def words(index_dir: Path | None, words_limit: int, as_json: bool, **options: Any) -> None:
    """The characteristic words of the articles matching QUERY: the words whose articles are most
    over-represented in the result set against the whole archive (Dunning's G² on article counts).

    \b
    Stop words, figures, the query's own words and words in fewer than 3 of the
    articles are left out; words of the result set's frequent names are marked.
    """
    from newsarchive.search.archive import Archive

    request = request_from_options(options)
    found = Archive(index_dir if index_dir is not None else default_index_dir()).words(request, words_limit)
    if as_json:
        echo_json(found.to_json())
        return
    click.echo(f"{found.total} articles of {found.archive_total}; words in more of them than in the archive:")
    if not found.words:
        click.echo("  (none)")
    width = max((len(w.word) for w in found.words), default=0)
    for w in found.words:
        click.echo(f"  {w.word:<{width}}  {w.count:>7} of {found.total}  {w.archive_count:>7} in the archive  G² {w.score:9.1f}"
                   + MARKS.get(w.entity or "", ""))
