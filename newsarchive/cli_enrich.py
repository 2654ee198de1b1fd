"""`newsarchive enrich`: extraction, entities, quotations and signatures on a Dask cluster, into enriched JSON lines."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click

from .cli_utils import EXIT_USAGE, Progress, end_run, fail


@click.command("enrich")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder of the enriched records (part-NNNNN.jsonl.gz); a re-run skips the partitions it already holds.")
@click.option("--scheduler", default=None, metavar="tcp://HOST:PORT",
              help="A running `dask scheduler`; its workers need this package and the same paths. Default: a local cluster.")
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Workers of the local cluster (default: one per core).")
@click.option("--no-entities", is_flag=True, help="Skip persons, organisations, countries and quotations (much faster).")
@click.option("--partition-size", type=click.IntRange(min=1), default=None,
              help="Records per partition (one task, one part file). Default: 500.")
@click.option("--aliases", "aliases_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="An alias file (an index's aliases.txt) to apply to the persons found, as indexing into that index would.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: when stderr is a terminal; else a line every 10 s).")
def enrich(inputs: tuple[Path, ...], out_dir: Path, scheduler: str | None, workers: int | None, no_entities: bool,
           partition_size: int | None, aliases_file: Path | None, as_json: bool, progress: bool | None) -> None:
    """Enrich INPUTS on a Dask cluster into complete articles, for `newsarchive index` or an OpenSearch export.

    \b
    Reads what `newsarchive index` reads (files or folders, recursively) and writes, per
    partition, OUT/part-NNNNN.jsonl.gz: each article with its persons, organisations,
    countries, agencies, quotations, near-duplicate signature and original bytes (or the
    reason it failed). Then:
      newsarchive index OUT                 # no extraction or entities again
      newsarchive export --format opensearch --from-enriched OUT ./bulk
    Failures are listed at the end and in OUT/failures.jsonl. Exit code 0 when nothing
    failed, 1 when some inputs failed, 2 on usage errors (an unreachable scheduler
    included), 3 when OUT or a partition cannot be written.
    """
    from newsarchive.index.distributed.enrich import PARTITION_SIZE, SchedulerError, connect, plan_job, run_job
    from newsarchive.index.entities.aliases import Aliases

    if scheduler and workers:
        fail("--workers sizes the local cluster: a scheduler's workers are the `dask worker` processes started for it", EXIT_USAGE)
    aliases_text = aliases_file.read_text("utf-8") if aliases_file else None
    if aliases_text:
        Aliases.parse(aliases_text, str(aliases_file))  # a broken file is reported now (exit 2), not by every worker
    job = plan_job(inputs, out_dir, with_entities=not no_entities, partition_size=partition_size or PARTITION_SIZE, aliases_text=aliases_text)
    if not job.partitions and job.failures:
        for failure in job.failures:
            click.echo(f"Error: {failure.origin}: {failure.reason}", err=True)
        sys.exit(EXIT_USAGE)
    cluster = contextlib.ExitStack()
    try:
        client = cluster.enter_context(connect(scheduler, workers))
    except SchedulerError as exc:  # the user's address, not the archive: a usage error
        fail(str(exc), EXIT_USAGE)
    with cluster, Progress(sum(p.records for p in job.todo), sys.stderr.isatty() if progress is None else progress, label="Enriching") as bar:
        report = run_job(job, client, progress=bar.update)
    end_run(report, as_json)
