"""The annual report and the dashboard at scale: `--cases` cases (1,000,000), each with a report and a category,
and `--notices` sent notices (200,000), most of them verified removed, spread over a year; then the annual report
generated as DOCX, PDF and XLSX (target: under 30 s) and the dashboard page requested 50 times for a month and
for the year (target: p95 under 300 ms), beside the same figures' SQL alone.

    .venv/bin/python bench/report_scale.py [--cases 1000000] [--notices 200000] [--postgres URL]

A fresh data directory (SQLite) is used and removed at the end; with `--postgres URL` a fresh database is
created on that server and dropped at the end. Rows are written with bulk inserts in batches (the load is
timed apart and is not the figure).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BATCH = 20_000
CHANNELS = ["web", "hotline_111", "agency", "monitoring", "api", "email"]


def setup(postgres: str | None) -> tuple[str, str | None]:
    tmp = tempfile.mkdtemp(prefix="copvn-bench-report-")
    os.environ.update({"COPVN_DATA_DIR": tmp, "DJANGO_SETTINGS_MODULE": "copvn.settings", "COPVN_LOG_LEVEL": "WARNING",
                       "COPVN_NOTICE_ISSUER": "bench-lead"})
    os.environ.pop("DATABASE_URL", None)
    db_name = None
    if postgres:
        import psycopg

        db_name = f"copvn_bench_{secrets.token_hex(4)}"
        with psycopg.connect(postgres.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{db_name}"')
        os.environ["DATABASE_URL"] = postgres.rsplit("/", 1)[0] + "/" + db_name
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return tmp, db_name


def load(cases: int, notices: int, year: int) -> dict:
    from django.db import connection, transaction
    from django.utils import timezone

    from copvn.cases.models import Case
    from copvn.intake.models import Report
    from copvn.orgs.models import Organisation
    from copvn.takedowns.models import LegalBasis, Notice
    from copvn.taxonomy.models import Category

    rng = random.Random(5)
    committee = Organisation.objects.create(code="bench-ubnd", name="Ủy ban nhân dân tỉnh Khánh Hòa", short_name="UBND",
                                            kind="peoples_committee", valid_from=dt.date(2020, 1, 1))
    lead = Organisation.objects.create(code="bench-lead", name="Sở Khoa học và Công nghệ tỉnh Khánh Hòa",
                                       short_name="SKHCN", kind="department", parent=committee,
                                       valid_from=dt.date(2020, 1, 1))
    providers = [Organisation.objects.create(code=f"bench-p{i}", name=f"Nền tảng {i}", short_name=f"NT{i}",
                                             kind="platform", valid_from=dt.date(2020, 1, 1)) for i in range(8)]
    categories = list(Category.objects.filter(active=True).values_list("pk", flat=True))
    basis = LegalBasis.objects.first()
    start = dt.datetime(year - 1, 12, 15, tzinfo=dt.UTC)
    seconds = 365 * 86400
    through = Case.categories.through
    started = time.perf_counter()
    for first in range(0, cases, BATCH):
        n = min(BATCH, cases - first)
        moments = [start + dt.timedelta(seconds=rng.randrange(seconds)) for _ in range(n)]
        with transaction.atomic():
            made = Case.objects.bulk_create([Case(received_at=m, reference=f"VV-B-{first + i:07d}", state="closed")
                                             for i, m in enumerate(moments)], batch_size=5000)
            Report.objects.bulk_create([Report(case=c, channel=rng.choice(CHANNELS), received_at=c.received_at,
                                               reference=f"PA-B{first + i:07d}")
                                        for i, c in enumerate(made)], batch_size=5000)
            through.objects.bulk_create([through(case_id=c.pk, category_id=rng.choice(categories)) for c in made],
                                        batch_size=5000)
    for first in range(0, notices, BATCH):
        n = min(BATCH, notices - first)
        rows = []
        for i in range(n):
            sent = start + dt.timedelta(seconds=rng.randrange(seconds - 7 * 86400))
            removed = rng.random() < 0.8
            rows.append(Notice(reference=f"YC-B-{first + i:07d}", provider=rng.choice(providers), issuer=lead,
                               legal_basis=basis, state="verified_removed" if removed else "sent", sent_at=sent,
                               acknowledged_at=sent + dt.timedelta(hours=1),
                               removed_at=sent + dt.timedelta(hours=rng.expovariate(1 / 20)) if removed else None))
        with transaction.atomic():
            Notice.objects.bulk_create(rows, batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    del timezone
    return {"load_s": round(time.perf_counter() - started, 1)}


def timed(fn, repeat: int) -> dict:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"p50_ms": round(statistics.median(times), 1), "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
            "max_ms": round(times[-1], 1)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--notices", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--postgres", default=None)
    args = parser.parse_args()
    tmp, db_name = setup(args.postgres)
    try:
        run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if db_name:
            import psycopg

            with psycopg.connect(args.postgres.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
        shutil.rmtree(tmp, ignore_errors=True)


def run(args) -> None:
    from django.db import connection
    from django.test import Client

    from copvn.accounts.models import User
    from copvn.accounts.second_factor import SESSION_KEY
    from copvn.reporting import figures, services
    from copvn.reporting.models import ReportType
    from copvn.reporting.periods import parse

    year = 2026
    out = {"cases": args.cases, "notices": args.notices, "database": connection.vendor, **load(args.cases, args.notices, year)}
    annual = ReportType.objects.get(code="annual")
    period = parse("annual", str(year))
    started = time.perf_counter()
    data = figures.compute(period)
    out["annual_figures_s"] = round(time.perf_counter() - started, 2)
    out["annual_reports_counted"] = data["reports"]["total"]
    out["annual_notices_counted"] = data["notices"]["sent"]
    from django.utils import timezone

    real_today = timezone.localdate
    timezone.localdate = lambda *a, **k: dt.date(year + 1, 1, 10)  # the year has ended for the report
    try:
        started = time.perf_counter()
        files, errors, _data = services.generate(annual, str(year), ["docx", "pdf", "xlsx"])
        out["annual_report_s"] = round(time.perf_counter() - started, 2)
        out["annual_report_files"] = {k: len(v) for k, v in files.items()}
        out["annual_report_errors"] = errors
    finally:
        timezone.localdate = real_today
    lead = User.objects.create_user("bench-lead-officer", password="x", role="lead_officer")  # noqa: S106
    lead.totp_secret, lead.totp_confirmed_at = "A" * 32, timezone.now()
    lead.save()
    client = Client()
    client.force_login(lead)
    session = client.session
    session[SESSION_KEY] = True
    session.save()
    month = parse("monthly", f"{year}-06")
    for name, url in (("dashboard_month", f"/reports/dashboard/?type=monthly&period={month.key}"),
                      ("dashboard_year", f"/reports/dashboard/?type=annual&period={year}")):
        assert client.get(url, HTTP_HOST="127.0.0.1").status_code == 200
        out[name] = timed(lambda url=url: client.get(url, HTTP_HOST="127.0.0.1"), args.repeat)
    out["figures_month_sql"] = timed(lambda: figures.compute(month), args.repeat)
    print(json.dumps(out, ensure_ascii=False))
    print(f"annual report (docx+pdf+xlsx): {out['annual_report_s']} s; dashboard month p95 "
          f"{out['dashboard_month']['p95_ms']} ms, year p95 {out['dashboard_year']['p95_ms']} ms", file=sys.stderr)


if __name__ == "__main__":
    main()
