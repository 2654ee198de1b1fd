"""`newsarchive check`, `backup` and `optimize`: an archive you can trust for years (fixity, consistent copies, one segment)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from newsarchive.index.store.folder import default_index_dir, open_index

from .cli_utils import EXIT_OK, Progress, echo_json

if TYPE_CHECKING:
    from newsarchive.index.keeping.check import CheckReport

EXIT_DAMAGED = 4  # check (or the check of a backup's copy) found damage

index_option = click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                            help="Index folder. Default: $NEWSARCHIVE_INDEX, else ./newsarchive-index.")


def _print_check(report: CheckReport) -> None:
    click.echo(report.line)
    for note in report.notes:
        click.echo(f"  note: {note}")
    for problem in report.problems:
        click.echo(f"  {problem.line}")


@click.command()
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--originals", is_flag=True, help="Also check every stored original against its content address (slower).")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: when stderr is a terminal).")
def check(index_dir: Path | None, as_json: bool, originals: bool, progress: bool | None) -> None:
    """Verify that every stored file is still the file that was stored.

    \b
    Checks the generation that searches use, while the server serves and an indexer
    writes: each file against the generation's manifest (size and SHA-256), that every
    segment opens and every stored article decodes, that the counts add up, the user's
    files (aliases.txt, sources.txt, saved.json, collections.json, dedup.pkl), and with
    --originals every stored original against its address. Prints each problem with its
    file, what was expected and what was found. Exit code 0 when clean, 4 when damaged,
    3 when there is no index to check.
    """
    from newsarchive.index.keeping.check import Checker
    from newsarchive.search.keeping import USER_FILE_READERS

    folder = index_dir if index_dir is not None else default_index_dir()
    open_index(folder)  # no index: the usual message and exit code
    with Checker(folder, USER_FILE_READERS, originals=originals) as checker, \
            Progress(checker.total, sys.stderr.isatty() if progress is None else progress, label="Checking") as bar:
        report = checker.run(bar.update)
    if as_json:
        echo_json(report.to_json())
    else:
        _print_check(report)
    sys.exit(EXIT_OK if report.ok else EXIT_DAMAGED)


@click.command()
@index_option
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
@click.option("--bagit", "bag", is_flag=True, help="Write DEST as a BagIt bag (RFC 8493), the index in DEST/data.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def backup(index_dir: Path | None, dest: Path, bag: bool, as_json: bool) -> None:
    """Copy the index into DEST, consistently, while it serves and is written; then check the copy.

    \b
    Copies one committed generation (its table of contents, manifest and segments), the
    originals and the user's files. DEST is a working index (newsarchive serve --index
    DEST). A second backup to the same DEST copies only what changed and removes the
    files of generations DEST no longer holds. With --bagit, DEST is a BagIt bag whose
    manifests are regenerated at each backup. Exit code 0 when the copy checks clean,
    4 when it is damaged, 3 when the index or DEST cannot be read or written.
    """
    from newsarchive.index.keeping.backup import backup as run_backup
    from newsarchive.search.keeping import USER_FILE_READERS

    folder = index_dir if index_dir is not None else default_index_dir()
    open_index(folder)
    report = run_backup(folder, dest, USER_FILE_READERS, bag=bag)
    copy_check = report.check  # run_backup checks every copy it makes
    if as_json:
        echo_json(report.to_json())
    else:
        for line in report.lines:
            click.echo(line)
        if copy_check is not None:
            click.echo("Check of the copy:")
            _print_check(copy_check)
    sys.exit(EXIT_OK if copy_check is not None and copy_check.ok else EXIT_DAMAGED)


@click.command()
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def optimize(index_dir: Path | None, as_json: bool) -> None:
    """Merge every segment of the index into one, for an archive that is done growing.

    \b
    Takes the writer's lock (one writer at a time) and commits durably, like an indexing
    run; searches keep answering meanwhile. The merged segment holds no deleted
    articles and gets its arrays file, what a search maps at open instead of reading
    the index: an index written before those files gets them this way. Merging rewrites
    every posting: about as long as indexing the archive again without entities.
    """
    from newsarchive.index.store.writer import ArchiveWriter

    folder = index_dir if index_dir is not None else default_index_dir()
    open_index(folder)
    with ArchiveWriter(folder) as writer:
        before, after = writer.optimize()
    if as_json:
        echo_json({"index": str(folder), "segments_before": before, "segments_after": after})
    else:
        click.echo(f"{folder}: {before} segments merged into {after}")
