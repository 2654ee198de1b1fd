"""`newsarchive saved`, `collection` and `batch`: keeping searches and articles, and running many searches at once."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from newsarchive.index.store.folder import default_index_dir

if TYPE_CHECKING:
    from newsarchive.search.archive import Archive

from .cli_utils import echo_json, fail, option_values, request_from_options, search_options, write_table

index_option = click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                            help="Index folder. Default: $NEWSARCHIVE_INDEX, else ./newsarchive-index.")


def _archive(index_dir: Path | None) -> Archive:
    from newsarchive.search.archive import Archive

    return Archive(index_dir if index_dir is not None else default_index_dir())


@click.group()
def saved() -> None:
    """Saved searches: `saved add NAME [options] QUERY`, `saved list`, `saved check NAME`, `saved rm NAME`."""


@saved.command("add")
@index_option
@click.argument("name")
@search_options(skip=("page", "limit", "facet_limit"))
def saved_add(index_dir: Path | None, name: str, **options: Any) -> None:
    """Save the search QUERY (with its options) as NAME; what is indexed from now on counts as new."""
    archive = _archive(index_dir)
    entry = archive.saved.add(name, request_from_options(options), archive.generation())
    click.echo(f"Saved {entry.name!r}: " + " ".join(f"{k}={v}" for k, v in entry.params))


@saved.command("list")
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print as JSON: name, params and new for each saved search.")
def saved_list(index_dir: Path | None, as_json: bool) -> None:
    """The saved searches, with the number of matches indexed since each was last checked."""
    archive = _archive(index_dir)
    rows: list[dict[str, Any]] = [{"name": s.name, "params": dict(s.params), "new": archive.new_since(s), "checked": s.checked}
                                  for s in archive.saved.all()]
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        click.echo(f"{row['name']}: {row['new']} new since {row['checked']}  (" + " ".join(f"{k}={v}" for k, v in row["params"].items()) + ")")


@saved.command("check")
@index_option
@click.argument("name")
def saved_check(index_dir: Path | None, name: str) -> None:
    """Mark NAME as seen: its new matches start again from zero."""
    archive = _archive(index_dir)
    if archive.saved.check(name, archive.generation()) is None:
        fail(f"no saved search named {name!r}", 2)
    click.echo(f"Checked {name!r}")


@saved.command("rm")
@index_option
@click.argument("name")
def saved_rm(index_dir: Path | None, name: str) -> None:
    """Delete the saved search NAME."""
    if not _archive(index_dir).saved.remove(name):
        fail(f"no saved search named {name!r}", 2)
    click.echo(f"Deleted {name!r}")


@click.group()
def collection() -> None:
    """Collections of articles: `collection add NAME ID [--note]`, `rm NAME [ID]`, `list`, `show NAME`."""


@collection.command("add")
@index_option
@click.argument("name")
@click.argument("article_id")
@click.option("--note", default="", help="A note kept with the article.")
def collection_add(index_dir: Path | None, name: str, article_id: str, note: str) -> None:
    """Keep the article ARTICLE_ID in the collection NAME (created if needed)."""
    archive = _archive(index_dir)
    if archive.article(article_id) is None:
        fail(f"no article with id {article_id!r}", 2)
    archive.collections.add(name, article_id, note)
    click.echo(f"Kept {article_id} in {name!r}")


@collection.command("rm")
@index_option
@click.argument("name")
@click.argument("article_id", required=False)
def collection_rm(index_dir: Path | None, name: str, article_id: str | None) -> None:
    """Remove ARTICLE_ID from NAME, or the whole collection without an id."""
    if not _archive(index_dir).collections.remove(name, article_id):
        fail(f"nothing to remove: {name!r}" + (f" holds no {article_id}" if article_id else " does not exist"), 2)
    click.echo(f"Removed {article_id or 'the collection'} from {name!r}" if article_id else f"Deleted {name!r}")


@collection.command("list")
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def collection_list(index_dir: Path | None, as_json: bool) -> None:
    """The collections and how many articles each holds."""
    collections = _archive(index_dir).collections
    rows = {name: len(collections.ids(name)) for name in collections.names()}
    if as_json:
        echo_json(rows)
    else:
        for name, n in rows.items():
            click.echo(f"{name}: {n} articles")


@collection.command("show")
@index_option
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def collection_show(index_dir: Path | None, name: str, as_json: bool) -> None:
    """The articles of NAME, with their notes."""
    archive = _archive(index_dir)
    kept = archive.collections.articles(name)
    if kept is None:
        fail(f"no collection named {name!r}", 2)
    rows = []
    for k in kept:
        article = archive.article(k.id)
        rows.append({"id": k.id, "note": k.note, "added": k.added, "title": article.title if article else None})
    if as_json:
        echo_json(rows)
    else:
        for row in rows:
            click.echo(f"{row['id']}  {row['title'] or '(no longer in the index)'}" + (f"  — {row['note']}" if row["note"] else ""))


@click.command()
@index_option
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@search_options(query=False, skip=("page", "limit", "facet_limit", "sort"))
@click.option("--column", default=None, help="In a CSV file, the column holding the queries (default: the first).")
@click.option("--json", "as_json", is_flag=True, help='Print {"results": [...]}, one object per input line (the same as POST /api/batch).')
@click.option("--format", "fmt", type=click.Choice(["csv", "excel", "xlsx"]), default=None, help="Write the results as a table.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None, help="With --format: write to this file.")
def batch(index_dir: Path | None, file: Path, column: str | None, as_json: bool, fmt: str | None, output: Path | None, **options: Any) -> None:
    """Run every line of FILE (a query or a name; .txt, or .csv) with the same filters: totals, stories, dates, companions."""
    from newsarchive.search.batch import read_lines, table
    from newsarchive.search.request import SearchRequest

    values = option_values(options)
    filters = SearchRequest.from_values(lambda key: values.get(key, []))
    text = file.read_text("utf-8-sig", errors="replace")
    results = _archive(index_dir).batch(read_lines(text, file.name, column), filters)
    if fmt:
        write_table(table(results), fmt, output)
    elif as_json:
        echo_json({"results": [r.to_json() for r in results]})
    else:
        for r in results:
            figures = r.error if r.error is not None else (f"{r.total} articles, {r.stories} stories, {r.first_date or '-'} .. "
                                                           f"{r.last_date or '-'}, with {r.top_person or '-'}, in {r.top_source or '-'}")
            click.echo(f"{r.line:>4}  {r.query}: {figures}")
