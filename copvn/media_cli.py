"""`copvn hash`, `copvn match`, `copvn lists …`: thin commands over copvn.detect.media / index / lists."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click


def _emit(row: dict) -> None:
    sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")


def _hash_path(path: str) -> dict:
    from copvn.detect.media import MediaError, exact_hashes, hash_image

    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return {"path": path, "error": f"cannot read: {exc.strerror}"}
    try:
        return {"path": path, **hash_image(data).as_dict()}
    except MediaError as exc:
        md5, sha256 = exact_hashes(data)
        return {"path": path, "pdq": None, "quality": None, "md5": md5, "sha256": sha256, "error": str(exc)}


@click.command("hash")
@click.argument("files", nargs=-1, required=True, type=click.Path())
def hash_command(files):
    """PDQ (with quality), MD5 and SHA-256 of each file, one JSON line each; an unreadable image keeps its
    MD5 and SHA-256 and says why it has no PDQ."""
    for number, path in enumerate(files, start=1):
        _emit(_hash_path(path))
        if number % 1000 == 0:
            click.echo(f"hash: {number}/{len(files)}", err=True)


@click.command("match")
@click.option("--list", "list_files", multiple=True, required=True, type=click.Path(exists=True, dir_okay=False),
              help="A list file (hex lines or CSV); repeat for several.")
@click.option("--kind", type=click.Choice(["pdq", "md5", "sha256"]), default="pdq", show_default=True)
@click.option("--threshold", type=click.IntRange(0, 128), default=31, show_default=True)
@click.option("--negative", "negative_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="A list of known false positives: a file matching it matches nothing.")
@click.argument("files", nargs=-1, required=True, type=click.Path())
def match_command(list_files, kind, threshold, negative_files, files):
    """Match files against lists: one JSON line per match ({path, list, entry, distance, metadata}), and one
    per file that cannot be hashed or is too low in quality to be matched."""
    from copvn.detect.lists import load_file, matches

    lists = []
    for path, negative in [(p, False) for p in list_files] + [(p, True) for p in negative_files]:
        hash_list, report = load_file(Path(path), kind, threshold=threshold, negative=negative)
        for line, reason in report.problems:
            click.echo(f"{path}:{line}: {reason} (skipped)", err=True)
        lists.append(hash_list)
    for path in files:
        row = _hash_path(path)
        if row.get("error") and kind == "pdq":
            _emit({"path": path, "error": row["error"]})
            continue
        if kind == "pdq" and row["low_quality"]:
            _emit({"path": path, "error": f"PDQ quality {row['quality']} is below 50: not matched"})
            continue
        for found in matches(lists, {kind: row[kind]}):
            _emit({"path": path, **found})


@click.group("lists")
def lists_group():
    """Hash lists kept in the data directory (COPVN_DATA_DIR/lists)."""


def _lists_dir() -> Path:
    from copvn.config import data_dir

    return data_dir() / "lists"


@lists_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--name", required=True)
@click.option("--kind", type=click.Choice(["pdq", "md5", "sha256", "url"]), required=True)
@click.option("--source", default="")
@click.option("--threshold", type=click.IntRange(0, 128), default=31, show_default=True)
@click.option("--negative", is_flag=True, help="A list of known false positives.")
def lists_import(path, name, kind, source, threshold, negative):
    """Import (or add to) a list; bad lines are reported with their number and skipped."""
    from copvn.detect.lists import HashList, open_list, save

    folder = _lists_dir() / name
    hash_list = open_list(folder) if folder.exists() else HashList(name, kind, source=source or Path(path).name,
                                                                     threshold=threshold, negative=negative)
    if hash_list.kind != kind:
        raise click.ClickException(f"list {name!r} holds {hash_list.kind} values, not {kind}")
    report = hash_list.load_text(Path(path).read_text(encoding="utf-8-sig", errors="strict"))
    save(hash_list, folder)
    for line, reason in report.problems:
        click.echo(f"{path}:{line}: {reason} (skipped)", err=True)
    _emit({"list": name, "added": report.loaded, "skipped": len(report.problems), "entries": len(hash_list)})


@lists_group.command("export")
@click.argument("name")
@click.option("--format", "fmt", type=click.Choice(["csv", "lines"]), default="csv", show_default=True)
def lists_export(name, fmt):
    """Write a list to stdout: the signal_type,signal_value,metadata CSV, or one value per line."""
    from copvn.detect.lists import open_list

    folder = _lists_dir() / name
    if not folder.exists():
        raise click.ClickException(f"no list named {name!r}")
    hash_list = open_list(folder)
    sys.stdout.write(hash_list.export_csv() if fmt == "csv" else hash_list.export_lines())


@lists_group.command("stats")
def lists_stats():
    """One JSON line per list: name, kind, source, entries, threshold, enabled, negative."""
    from copvn.detect.lists import open_list

    root = _lists_dir()
    for folder in sorted(root.iterdir()) if root.exists() else []:
        if (folder / "list.json").exists():
            _emit(open_list(folder).stats())
