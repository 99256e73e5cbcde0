"""`copvn scan`: a bulk scan of JSON Lines files of posts, here, in local processes or on a Dask cluster."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import click


@click.command("scan")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="The JSON Lines file of results.")
@click.option("--workers", type=click.IntRange(1, 512), default=None,
              help="Local processes (default: the number of CPUs; 1 scans in this process).")
@click.option("--cluster", default="", metavar="tcp://HOST:8786",
              help="Scan on an existing Dask cluster (started with `dask scheduler` and `dask worker`).")
@click.option("--chunk", type=click.IntRange(1, 100_000), default=1000, show_default=True,
              help="Posts per task.")
@click.option("--import-alerts", is_flag=True, help="Send the posts that alert into the review queue (monitoring).")
@click.option("--no-lists", is_flag=True, help="Without the URL and hash lists (no database is read).")
@click.option("--quiet", is_flag=True, help="No progress on stderr.")
def scan_command(inputs, out, workers, cluster, chunk, import_alerts, no_lists, quiet):
    """Scan posts ({"id", "url", "text", "author", "time", "media"} per line; .gz read too) with the abuse
    classifier, the category detectors, the check for children's private information and the URL and hash lists.
    One result line per input line, in input order, carrying the input's id; a bad line gets an error naming
    its file and line. The results are written to OUT.part and renamed when the scan is complete."""
    from copvn.cli import check_database, setup_django
    from copvn.detect import bulk
    from copvn.detect.scan import Lists, Thresholds

    lists, thresholds, on_result, imported = Lists(), Thresholds(), None, {}
    if not no_lists or import_alerts:
        setup_django()
        check_database()
        from copvn.lists.snapshot import snapshot
        from copvn.monitoring.watch import thresholds as configured

        lists, thresholds = (Lists() if no_lists else snapshot()), configured()
    if import_alerts:
        on_result, imported = _importer()
    target = Path(out)
    partial = target.with_name(target.name + ".part")
    progress = bulk.Progress(list(inputs), enabled=not quiet)
    try:
        with open(partial, "w", encoding="utf-8") as stream:
            summary = bulk.run(list(inputs), stream, workers=workers or os.cpu_count() or 1, cluster=cluster,
                               lists=lists, thresholds=thresholds, chunk_lines=chunk, progress=progress,
                               on_result=on_result)
    except bulk.ScanError as exc:
        partial.unlink(missing_ok=True)
        raise click.ClickException(str(exc)) from None
    partial.replace(target)
    result = {**vars(summary), "out": str(target)}
    if import_alerts:
        result["imported"] = imported
        _audit(result)
    click.echo(json.dumps(result, ensure_ascii=False), err=True)


def _importer():
    from copvn.detect.scan import parse
    from copvn.detect.sources import Item
    from copvn.monitoring import alerts

    counts = {"alert": 0, "joined": 0, "known": 0, "below": 0, "error": 0}

    def on_result(chunk, lines):
        for (where, number, raw), line in zip(chunk, lines, strict=True):
            if line.endswith('"alert": []}') or '"error"' in line[:200] and line.startswith('{"id": null'):
                continue
            result = json.loads(line)
            if not result.get("alert"):
                continue
            post, _error = parse(raw)
            ident = str(post.get("id") or f"{where}:{number}")
            item = Item(key=ident, url=post.get("url") or "", text=post.get("text") or "",
                        author=str(post.get("author") or ""), published=str(post.get("time") or ""))
            key = "scan:" + hashlib.sha256(f"{ident}\x1f{item.url}".encode()).hexdigest()[:40]
            counts[alerts.handle(item, result, key).outcome] += 1

    return on_result, counts


def _audit(result: dict) -> None:
    from django.db import transaction

    from copvn.audit.services import record

    with transaction.atomic():
        record("scan.import_alerts", data={k: result[k] for k in ("lines", "alerts", "imported", "out", "where")})
