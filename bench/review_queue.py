"""The review queue under load: claims per second with concurrent reviewers (SQLite and PostgreSQL), and the
server time of the queue page and of the staff API's claim with a large case history (PostgreSQL).

    .venv/bin/python bench/review_queue.py [--db sqlite,postgres] [--items 5000] [--reviewers 8]
        [--claim-seconds 60] [--open 100000] [--closed 1000000] [--requests 200] [--warmup 20]
        [--done-offset 0] [--measure-seconds 120] [--pages-db postgres] [--skip-claims] [--skip-pages] [--json]

Claims: `--reviewers` analysts, each in a process of its own with its own connection, call
`copvn.review.queue.claim(user)` and mark the item done (as a decision does) until the queue is empty or the
time runs out; every claimed id is compared across the processes (an id claimed twice is a broken lease).

Pages: `--open` open and `--closed` closed cases with their queue items (closed ones with a done item and a
decision), generated inside PostgreSQL; then GET /review/ (an analyst's session, second factor passed) and
POST /api/v1/queue/claim (a staff token) through django.test.Client, timed in-process, with the SQL queries
of every request. Each claimed item is released again so the queue never runs dry. When p95 misses the
target the slowest statements are shown with EXPLAIN ANALYZE. `--done-offset 1200` puts every done item above
every open one in priority, as in a history where the most urgent items were handled first.

Each run uses a fresh data directory and a fresh database, dropped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PG = os.environ.get("COPVN_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/copvn")
TARGET_MS = 150.0
# Share of items per queue (the CSAM queue needs clearance, which the benchmark analysts do not have).
QUEUE_SHARES = [("csam", 2), ("urgent", 5), ("contact", 18), ("general", 75)]


# ---------------------------------------------------------------------------------------------- orchestration

class Environment:
    """A fresh data directory and database, migrated."""

    def __init__(self, engine: str):
        self.engine, self.tmp = engine, tempfile.mkdtemp(prefix="copvn-bench-")
        self.env = {**os.environ, "COPVN_DATA_DIR": self.tmp, "PYTHONPATH": str(ROOT), "COPVN_LOG_LEVEL": "WARNING",
                    "DJANGO_SETTINGS_MODULE": "copvn.settings"}
        self.env.pop("DATABASE_URL", None)
        self.db_name = None
        if engine == "postgres":
            import psycopg

            self.db_name = f"copvn_bench_{secrets.token_hex(4)}"
            with psycopg.connect(PG.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{self.db_name}"')
            self.env["DATABASE_URL"] = PG.rsplit("/", 1)[0] + "/" + self.db_name
        subprocess.run([PY, "-m", "copvn.cli", "migrate"], env=self.env, cwd=ROOT, check=True, capture_output=True)

    def role(self, *args: str, **popen) -> subprocess.Popen:
        return subprocess.Popen([PY, __file__, "--role", *args], env=self.env, cwd=ROOT, text=True, **popen)

    def run_role(self, *args: str) -> dict:
        out = Path(self.tmp) / f"result-{secrets.token_hex(3)}.json"
        process = self.role(*args, "--out", str(out))
        try:
            if process.wait() != 0:
                raise RuntimeError(f"{args[0]} failed (exit {process.returncode})")
        finally:
            if process.poll() is None:  # interrupted: stop it before its database is dropped
                process.terminate()
                process.wait(timeout=30)
        return json.loads(out.read_text())

    def close(self):
        if self.db_name:
            import psycopg

            with psycopg.connect(PG.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
        shutil.rmtree(self.tmp, ignore_errors=True)


def percentile(values: list[float], q: int) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def claims(engine: str, items: int, reviewers: int, seconds: float) -> dict:
    env, workers = Environment(engine), []
    try:
        seeded = env.run_role("seed-claims", "--items", str(items), "--reviewers", str(reviewers))
        workers = [env.role("claimer", "--username", name, "--seconds", str(seconds),
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE) for name in seeded["usernames"]]
        for worker in workers:  # each has set Django up and opened its connection
            if worker.stdout.readline().strip() != "ready":
                raise RuntimeError("a claimer did not start")
        start_at = time.time() + 0.5
        for worker in workers:
            worker.stdin.write(f"{start_at}\n")
            worker.stdin.flush()
        results = []
        for worker in workers:
            line = worker.stdout.readline()
            worker.wait(timeout=seconds + 120)
            results.append(json.loads(line))
        left = env.run_role("count-open")["open"]
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
        env.close()
    ids = [pk for r in results for pk in r["ids"]]
    latencies = [x for r in results for x in r["latencies"]]
    # Per reviewer, its first and its last tenth of claims: does a claim get slower as done items pile up?
    first = [x for r in results for x in r["latencies"][:max(1, len(r["latencies"]) // 10)]]
    last = [x for r in results for x in r["latencies"][-max(1, len(r["latencies"]) // 10):]]
    wall = max(r["ended"] for r in results) - start_at
    return {"engine": engine, "reviewers": reviewers, "items": items, "claimed": len(ids),
            "distinct": len(set(ids)), "claimed_twice": len(ids) - len(set(ids)),
            "lost_on_done": sum(r["lost_on_done"] for r in results), "errors": sum(r["errors"] for r in results),
            "open_left": left, "wall_s": round(wall, 2), "claims_per_s": round(len(ids) / wall, 1),
            "p50_ms": round(percentile(latencies, 50) * 1000, 2), "p95_ms": round(percentile(latencies, 95) * 1000, 2),
            "p50_first_tenth_ms": round(percentile(first, 50) * 1000, 2),
            "p50_last_tenth_ms": round(percentile(last, 50) * 1000, 2),
            "per_reviewer": [len(r["ids"]) for r in results]}


def pages(engine: str, open_cases: int, closed_cases: int, requests: int, warmup: int, explain: int,
          always_explain: bool, done_offset: int) -> dict:
    env = Environment(engine)
    try:
        return env.run_role("pages", "--open", str(open_cases), "--closed", str(closed_cases),
                            "--requests", str(requests), "--warmup", str(warmup), "--explain", str(explain),
                            "--done-offset", str(done_offset),
                            *(["--always-explain"] if always_explain else []))
    finally:
        env.close()


def machine() -> str:
    cpus = os.cpu_count()
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = cpus
    model = ""
    try:
        model = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{usable} CPUs usable ({cpus} online){', ' + model if model else ''}"


def table(claim_rows: list[dict], page_rows: list[dict]) -> str:
    lines = [f"machine: {machine()}", ""]
    if claim_rows:
        lines.append("Claims: concurrent reviewers, each in its own process and connection")
        head = f"{'database':<10} {'reviewers':>9} {'open items':>10} {'claimed':>8} {'twice':>6} {'errors':>6} " \
               f"{'claims/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'p50 1st/last 10%':>17} {'wall s':>7}"
        lines += [head, "-" * len(head)]
        for r in claim_rows:
            lines.append(f"{r['engine']:<10} {r['reviewers']:>9} {r['items']:>10,} {r['claimed']:>8,} "
                         f"{r['claimed_twice']:>6} {r['errors']:>6} {r['claims_per_s']:>9} {r['p50_ms']:>8} "
                         f"{r['p95_ms']:>8} {str(r['p50_first_tenth_ms']) + ' / ' + str(r['p50_last_tenth_ms']):>17} "
                         f"{r['wall_s']:>7}")
        lines.append("")
    for p in page_rows:
        lines.append(f"Server time ({p['engine']}, {p['database']}): open cases {p['open_cases']:,}, closed cases "
                     f"{p['closed_cases']:,} (done items' priority offset {p['done_offset']}); rows: {', '.join(f'{k} {v:,}' for k, v in p['rows'].items())}; "
                     f"set-up {p['seed_s']} s")
        head = f"{'request':<28} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'SQL/req':>8} " \
               f"{'SQL ms p50':>10} {'target':>8}"
        lines += [head, "-" * len(head)]
        for name, m in p["measures"].items():
            verdict = ("ok" if m["p95_ms"] < TARGET_MS else "MISSED") + (" (cut)" if m["cut_short"] else "")
            lines.append(f"{name:<28} {m['n']:>5} {m['p50_ms']:>8} {m['p95_ms']:>8} {m['max_ms']:>8} "
                         f"{m['queries']:>8} {m['sql_ms_p50']:>10} {verdict:>8}")
        for name, m in p["measures"].items():
            lines += ["", f"{name}: the statements of one request"] + [f"  {q}" for q in m["one_request"]]
        lines.append("")
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------ inside Django

def setup_django():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "copvn.settings")
    django.setup()


def make_analysts(count: int, prefix: str = "bench-analyst") -> list:
    import datetime as dt

    import pyotp

    from copvn.accounts.models import User

    users = []
    for i in range(count):
        user = User(username=f"{prefix}-{i}", role="analyst", first_name="Chuyên viên", last_name=str(i),
                    totp_secret=pyotp.random_base32(), totp_confirmed_at=dt.datetime.now(dt.UTC))
        user.set_unusable_password()
        user.save()
        users.append(user)
    return users


def queue_ids() -> dict[str, int]:
    from copvn.review.models import Queue

    return dict(Queue.objects.values_list("code", "pk"))


def pick_queue(n: int) -> str:
    bucket, edge = n % 100, 0
    for code, share in QUEUE_SHARES:
        edge += share
        if bucket < edge:
            return code
    return "general"


def role_seed_claims(args) -> dict:
    """`--items` open cases with one open item each (ORM, batches of 10,000) and `--reviewers` analysts."""
    import datetime as dt
    import random

    from django.utils import timezone

    from copvn.cases.models import Case
    from copvn.review.models import QueueItem

    users = make_analysts(args.reviewers)
    queues, now, rng = queue_ids(), timezone.now(), random.Random(7)
    for start in range(0, args.items, 10_000):
        batch = range(start, min(args.items, start + 10_000))
        cases = Case.objects.bulk_create([
            Case(reference=f"VV-2026-{n + 1:07d}", state="assessing", received_at=now - dt.timedelta(minutes=n),
                 platform="facebook", summary=f"Vụ việc thử {n + 1}") for n in batch])
        # Only queues the analysts may claim from (the CSAM queue's share goes to the general queue).
        QueueItem.objects.bulk_create([
            QueueItem(case=case, queue_id=queues[pick_queue(n).replace("csam", "general")],
                      priority=rng.randint(50, 1500), priority_reasons=[[50, "category", {"code": "OTHER"}]],
                      routed_by="default", created_at=case.received_at) for n, case in zip(batch, cases, strict=True)])
    return {"usernames": [u.username for u in users]}


def role_count_open(args) -> dict:
    from copvn.review.models import QueueItem

    return {"open": QueueItem.objects.filter(state=QueueItem.State.OPEN).count()}


def role_claimer(args) -> None:
    """Claim and finish items until none is left or the time is up; one JSON line on stdout at the end."""
    from django.db import OperationalError, connection
    from django.utils import timezone

    from copvn.accounts.models import User
    from copvn.review import queue
    from copvn.review.models import QueueItem

    user = User.objects.get(username=args.username)
    connection.ensure_connection()
    print("ready", flush=True)
    start_at = float(sys.stdin.readline())
    time.sleep(max(0.0, start_at - time.time()))
    deadline = start_at + args.seconds
    ids, latencies, errors, lost = [], [], 0, 0
    while time.time() < deadline:
        started = time.perf_counter()
        try:
            item = queue.claim(user)
        except OperationalError:  # "database is locked" past the busy timeout on SQLite
            errors += 1
            continue
        latencies.append(time.perf_counter() - started)
        if item is None:
            break
        ids.append(item.pk)
        for _attempt in range(5):
            try:  # what a decision does to the item (services.decide → queue.refresh on a closed case)
                done = QueueItem.objects.filter(pk=item.pk, holder=user, state=QueueItem.State.OPEN).update(
                    state=QueueItem.State.DONE, done_at=timezone.now(), holder=None, lease_until=None)
                lost += 0 if done else 1
                break
            except OperationalError:
                errors += 1
    print(json.dumps({"ids": ids, "latencies": latencies, "errors": errors, "lost_on_done": lost,
                      "ended": time.time()}), flush=True)


def seed_history(open_cases: int, closed_cases: int, users: list, done_offset: int = 0) -> dict:
    """Cases, queue items and decisions generated inside PostgreSQL: closed cases are the older ones, each with
    a done item and one decision; open cases have an open item (1 % held by an analyst, with a reason).
    Priorities: 100-1123 points for every item, plus `done_offset` for done ones (the most urgent items are
    the ones handled first, so a real history has its done items at the top of the priority order)."""
    from django.db import connection

    queues = queue_ids()
    total = open_cases + closed_cases
    analyst_ids = [u.pk for u in users]
    by_bucket = [queues[pick_queue(n)] for n in range(100)]  # queue id by case id % 100
    timings = {}
    with connection.cursor() as cursor:
        def run(label, sql, params=None):
            started = time.perf_counter()
            cursor.execute(sql, params)
            timings[label] = round(time.perf_counter() - started, 1)
            print(f"  {label}: {timings[label]} s", file=sys.stderr, flush=True)

        run("cases", """
            INSERT INTO cases_case (reference, state, received_at, urgent, urgent_deadline, platform, summary, updated_at)
            SELECT 'VV-2026-' || lpad(g::text, 7, '0'),
                   CASE WHEN g <= %(closed)s THEN 'closed' ELSE 'assessing' END,
                   now() - (%(total)s - g) * interval '15 seconds',
                   g %% 50 = 0,
                   CASE WHEN g %% 50 = 0 THEN now() - (%(total)s - g) * interval '15 seconds' + interval '12 hours' END,
                   (ARRAY['facebook','tiktok','youtube','zalo','web'])[1 + g %% 5],
                   'Phản ánh thử số ' || g,
                   now() - (%(total)s - g) * interval '15 seconds'
            FROM generate_series(1, %(total)s) g""", {"closed": closed_cases, "total": total})
        # Priorities from the same spread for open and closed items (points are kept when an item is done).
        run("queue items", """
            INSERT INTO review_queueitem (state, priority, priority_reasons, routed_by, lease_until, hold_reason,
                                          created_at, first_claimed_at, done_at, assigned_to_id, case_id, holder_id,
                                          queue_id)
            SELECT s.state, s.points,
                   jsonb_build_array(jsonb_build_array(s.points - 20, 'category', jsonb_build_object('code', 'BULLY')),
                                     jsonb_build_array(20, 'age', jsonb_build_object('hours', 10))),
                   'default', NULL,
                   CASE WHEN s.state = 'held' THEN 'Chờ xác minh thêm' ELSE '' END,
                   s.received_at,
                   CASE WHEN s.state <> 'open' THEN s.received_at + interval '1 hour' END,
                   CASE WHEN s.state = 'done' THEN s.received_at + interval '2 hours' END,
                   NULL, s.id,
                   CASE WHEN s.state = 'held' THEN (%(analysts)s::bigint[])[1 + s.id %% %(n)s] END,
                   s.queue_id
            FROM (SELECT c.id, c.received_at,
                         CASE WHEN c.state = 'closed' THEN 'done' WHEN c.id %% 100 = 42 THEN 'held' ELSE 'open' END AS state,
                         100 + (hashtext(c.id::text) & 1023)
                             + CASE WHEN c.state = 'closed' THEN %(offset)s ELSE 0 END AS points,
                         (%(queues)s::bigint[])[1 + c.id %% 100] AS queue_id
                  FROM cases_case c) s""", {"analysts": analyst_ids, "n": len(analyst_ids), "queues": by_bucket,
                                                      "offset": done_offset})
        run("decisions", """
            INSERT INTO review_decision (number, categories, harmful, csam_class, age_band, severity, legal_basis,
                                         action, reason, decided_at, needs_approval, case_id, decided_by_id,
                                         supersedes_id)
            SELECT 1, '[]'::jsonb, false, '', '', 2, '', 'none', 'Không có dấu hiệu vi phạm',
                   c.received_at + interval '2 hours', false, c.id, (%(analysts)s::bigint[])[1 + c.id %% %(n)s], NULL
            FROM cases_case c WHERE c.state = 'closed'""", {"analysts": analyst_ids, "n": len(analyst_ids)})
        run("vacuum analyze", "VACUUM ANALYZE cases_case, review_queueitem, review_decision")
        cursor.execute("SELECT (SELECT count(*) FROM cases_case), (SELECT count(*) FROM review_queueitem),"
                       " (SELECT count(*) FROM review_queueitem WHERE state = 'open'),"
                       " (SELECT count(*) FROM review_decision)")
        cases, items, open_items, decisions = cursor.fetchone()
    return {"rows": {"cases": cases, "queue items": items, "open items": open_items, "decisions": decisions},
            "timings": timings}


def shape(sql: str) -> str:
    """A statement with its literals masked, to group the same query across requests."""
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    return re.sub(r"\b\d+(?:\.\d+)?\b", "?", sql)


def measure(label: str, call, count: int, warmup: int, after=None, budget_s: float = 120.0) -> tuple[dict, dict]:
    """Time `call` (one request) `count` times after `warmup` untimed ones; `after(result)` runs outside the
    timing and outside the captured queries (putting back what the request took). Stops early, with fewer
    requests measured, when warm-up and requests together pass `budget_s`."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    after = after or (lambda _result: None)
    ends = time.perf_counter() + budget_s
    for _ in range(warmup):
        after(call())
        if time.perf_counter() > ends:
            break
    times, counts, sql_ms, statements, one = [], [], [], {}, []
    for _ in range(count):
        if times and time.perf_counter() > ends:
            break
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            result = call()
            times.append((time.perf_counter() - started) * 1000)
        after(result)
        one = one or [f"{float(q['time']) * 1000:5.1f} ms  {q['sql'][:150]}" for q in captured.captured_queries]
        counts.append(len(captured.captured_queries))
        sql_ms.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
        for q in captured.captured_queries:
            ms = float(q["time"]) * 1000
            entry = statements.setdefault(shape(q["sql"]), {"sql": q["sql"], "ms": [], "label": label, "max": -1.0})
            if ms > entry["max"]:  # the slowest instance is the one explained
                entry["sql"], entry["max"] = q["sql"], ms
            entry["ms"].append(ms)
    for entry in statements.values():
        entry["requests"] = len(times)
    result = {"n": len(times), "cut_short": len(times) < count, "p50_ms": round(percentile(times, 50), 1), "p95_ms": round(percentile(times, 95), 1),
              "max_ms": round(max(times), 1), "queries": round(statistics.mean(counts), 1),
              "queries_min_max": [min(counts), max(counts)], "sql_ms_p50": round(percentile(sql_ms, 50), 1),
              "sql_ms_p95": round(percentile(sql_ms, 95), 1), "one_request": one}
    return result, statements


def explain(sql: str) -> str:
    """EXPLAIN ANALYZE of a captured SELECT, in a transaction rolled back (FOR UPDATE locks nothing for long)."""
    from django.db import connection, transaction

    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            transaction.set_rollback(True)
        return plan
    except Exception as error:  # noqa: BLE001 - a plan that cannot be shown is reported, not fatal
        return f"(no plan: {error})"


def role_pages(args) -> dict:
    from django.db import connection
    from django.test import Client

    from copvn.accounts import tokens
    from copvn.accounts.second_factor import SESSION_KEY
    from copvn.review import queue
    from copvn.review.models import QueueItem

    if connection.vendor != "postgresql":
        raise SystemExit("the server-time measure generates its rows inside PostgreSQL")
    started = time.perf_counter()
    users = make_analysts(8)
    seeded = seed_history(args.open, args.closed, users, args.done_offset)
    seed_s = round(time.perf_counter() - started, 1)
    analyst = users[0]

    client = Client(HTTP_HOST="localhost")  # as tests.conftest.sign_in_client: a session, second factor passed
    client.force_login(analyst)
    session = client.session
    session[SESSION_KEY] = True
    session.save()

    def page():
        response = client.get("/review/")
        assert response.status_code == 200, response.status_code

    api_user = users[1]
    _token, secret = tokens.create(api_user, "review benchmark")
    api = Client(HTTP_HOST="localhost")

    def api_claim():
        response = api.post("/api/v1/queue/claim", data="{}", content_type="application/json",
                            headers={"Authorization": f"Bearer {secret}"})
        assert response.status_code == 200, (response.status_code, response.content[:300])
        return response.json()["id"]

    def release(item_id):  # back to the queue, so that the next request claims afresh and the queue never runs dry
        assert queue.release(api_user, QueueItem.objects.get(pk=item_id))

    measures, statements = {}, {}
    for name, label, call, after in [("GET /review/ (analyst)", "GET /review/", page, None),
                                     ("POST /api/v1/queue/claim", "POST claim", api_claim, release)]:
        measures[name], found = measure(label, call, args.requests, args.warmup, after, args.measure_seconds)
        for key, entry in found.items():
            statements.setdefault(key, entry)

    slowest = sorted(statements.values(), key=lambda s: -statistics.mean(s["ms"]))[:args.explain]
    missed = any(m["p95_ms"] >= TARGET_MS for m in measures.values())
    slow = [{"request": s["label"], "mean_ms": round(statistics.mean(s["ms"]), 2),
             "p95_ms": round(percentile(s["ms"], 95), 2), "per_request": round(len(s["ms"]) / s["requests"], 2),
             "sql": s["sql"], "plan": explain(s["sql"]) if (missed or args.always_explain)
             and s["sql"].lstrip().upper().startswith("SELECT") else ""} for s in slowest]
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0].split(" on ")[0]
        cursor.execute("SHOW shared_buffers")
        buffers = cursor.fetchone()[0]
        cursor.execute("SHOW work_mem")
        work_mem = cursor.fetchone()[0]
    return {"engine": connection.vendor, "database": f"{version}, shared_buffers {buffers}, work_mem {work_mem}",
            "open_cases": args.open, "closed_cases": args.closed, "done_offset": args.done_offset, "rows": seeded["rows"], "seed_s": seed_s,
            "seed_steps_s": seeded["timings"], "measures": measures, "slowest": slow, "target_ms": TARGET_MS}


ROLES = {"seed-claims": role_seed_claims, "count-open": role_count_open, "claimer": role_claimer,
         "pages": role_pages}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="sqlite,postgres", help="databases for the claims measure")
    parser.add_argument("--pages-db", default="postgres", help="database for the server-time measure")
    parser.add_argument("--items", type=int, default=5000, help="open items for the claims measure")
    parser.add_argument("--reviewers", type=int, default=8)
    parser.add_argument("--claim-seconds", type=float, default=60.0, help="time limit of the claims measure")
    parser.add_argument("--open", type=int, default=100_000, help="open cases for the server-time measure")
    parser.add_argument("--closed", type=int, default=1_000_000, help="closed cases for the server-time measure")
    parser.add_argument("--done-offset", type=int, default=0,
                        help="extra priority points for done items (e.g. 1200: every done item above every open one)")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--measure-seconds", type=float, default=120.0,
                        help="time budget of each server-time measure, warm-up included (fewer requests past it)")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--explain", type=int, default=4, help="slowest statements to show")
    parser.add_argument("--always-explain", action="store_true", help="show their plans even when the target is met")
    parser.add_argument("--skip-claims", action="store_true")
    parser.add_argument("--skip-pages", action="store_true")
    parser.add_argument("--json", action="store_true", help="print the full results as JSON lines too")
    parser.add_argument("--role", choices=sorted(ROLES), help=argparse.SUPPRESS)
    parser.add_argument("--username", help=argparse.SUPPRESS)
    parser.add_argument("--seconds", type=float, default=30.0, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.role:
        setup_django()
        result = ROLES[args.role](args)
        if args.out:
            Path(args.out).write_text(json.dumps(result, default=str))
        return

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a timeout still drops the benchmark database
    claim_rows, page_rows = [], []
    if not args.skip_claims:
        for engine in args.db.split(","):
            row = claims(engine, args.items, args.reviewers, args.claim_seconds)
            claim_rows.append(row)
            if args.json:
                print(json.dumps({"bench": "review-claims", **row}), flush=True)
    if not args.skip_pages:
        for engine in args.pages_db.split(","):
            row = pages(engine, args.open, args.closed, args.requests, args.warmup, args.explain,
                        args.always_explain, args.done_offset)
            page_rows.append(row)
            if args.json:
                print(json.dumps({"bench": "review-server-time", **row}, default=str), flush=True)
    print(table(claim_rows, page_rows))
    for p in page_rows:
        for s in p["slowest"]:
            print(f"-- {s['request']}: {s['mean_ms']} ms mean, {s['p95_ms']} ms p95, {s['per_request']} per request")
            print(s["sql"])
            if s["plan"]:
                print(s["plan"])
            print()


if __name__ == "__main__":
    main()
