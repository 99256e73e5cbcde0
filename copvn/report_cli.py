"""`copvn report generate`: the province's periodic report for a past period, as DOCX, PDF and XLSX."""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.group("report")
def report_group():
    """Periodic and ad-hoc reports (Decree 09/2019 periods, Decree 30/2020 layout)."""


@report_group.command("generate")
@click.option("--type", "type_code", required=True, help="A report type's code: monthly, six-monthly, annual, adhoc…")
@click.option("--period", required=True, help="2026-11 (monthly), 2026-H1 (six-monthly), 2026 (annual), "
                                              "2026-03-01..2026-03-31 (ad hoc).")
@click.option("--format", "formats", default="docx,pdf,xlsx", show_default=True, help="Comma-separated.")
@click.option("--out", required=True, type=click.Path(file_okay=False), help="The folder to write into.")
def generate_command(type_code, period, formats, out):
    """Writes bao-cao-TYPE-PERIOD.{docx,pdf,xlsx} and prints what was written as JSON; a PDF that cannot be
    made (LibreOffice missing or too slow) is named with its reason and the others are still written. Every file
    is written whole or not at all."""
    from copvn.cli import check_database, setup_django

    setup_django()
    check_database()
    from copvn.reporting import services
    from copvn.reporting.models import ReportType

    report_type = ReportType.objects.filter(code=type_code, active=True).first()
    if report_type is None:
        known = ", ".join(ReportType.objects.filter(active=True).values_list("code", flat=True))
        raise click.ClickException(f"no report type {type_code!r}; known: {known}")
    wanted = [f.strip() for f in formats.split(",") if f.strip()]
    try:
        files, errors, data = services.generate(report_type, period, wanted)
    except services.ReportRefused as exc:
        raise click.ClickException(str(exc)) from None
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for fmt, content in files.items():
        target = folder / f"bao-cao-{report_type.code}-{data['period']['key'].replace('..', '_')}.{fmt}"
        partial = target.with_name(target.name + ".part")
        partial.write_bytes(content)
        partial.replace(target)
        written[fmt] = str(target)
    click.echo(json.dumps({"written": written, "errors": errors, "period": data["period"]}, ensure_ascii=False))
    if errors:
        for fmt, reason in errors.items():
            click.echo(f"{fmt}: not made: {reason}", err=True)
