"""Removal verification under load: checks per second of `copvn.takedowns.verification.run_due()` with 100,000
open sent notices, the per-host politeness it keeps, the scheduler's own cost per check, and the cost of its
claim with that many due rows; next to a plain loop over the same URLs with `copvn.detect.liveness.check`
and no database.

    .venv/bin/python bench/notice_verification.py [--notices 100000] [--hosts 1000] [--gone 0.25]
        [--seconds 60] [--checks 0] [--workers 1] [--interval 2] [--per-run 500] [--peer-checks 3000]
        [--postgres postgres://user@127.0.0.1:5432/postgres]

Every notice is open (sent 90 minutes ago, due tomorrow) with one URL, http://hNNNN.bench.test:PORT/…, on
one of `--hosts` host names, all of them due now (a random time in the last hour, so that hosts are mixed in
due order). The names resolve, through the `verification.resolver` hook, to 127.0.0.1, where a
ThreadingHTTPServer in a process of its own answers 200 with a small page, or 404 for a `--gone` share of
the paths, and logs every request's arrival with its Host header.

`--workers` processes (each its own connection, 8 fetch threads per run as in production) call `run_due()`
back to back until `--seconds` have passed or `--checks` checks were made in all. In each of them
`_claim`, `_probe` (the fetch, on the threads) and `record_outcome` are wrapped with timers and the SQL
statements of each phase are counted. From the server's log: the shortest time between two requests to the
same host name, and how many pairs came closer than COPVN_NOTICE_HOST_INTERVAL_SECONDS (`--interval`).

Peers, in the same run and against the same server: `liveness.check` on `--peer-checks` of the URLs the
workers checked, one after the other and on 8 threads, with no database and no politeness.

A fresh data directory (SQLite in it) is used and removed at the end; with `--postgres URL` a fresh database
is created on that server and dropped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
DOMAIN = ".bench.test"
LIVE_PAGE = ("<!doctype html><html><head><meta charset='utf-8'><title>Nhóm kín {path}</title></head><body>"
             "<h1>Bài viết</h1><p>Nội dung đã được phản ánh, vẫn còn trên trang.</p>" + "<p>Bình luận.</p>" * 30
             + "</body></html>")
GONE_PAGE = "<!doctype html><html><head><title>Not found</title></head><body>404</body></html>"


# ------------------------------------------------------------------------------------------- environment

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
    load = f", load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    return f"{usable} CPUs usable ({cpus} online){', ' + model if model else ''}{load}"


class Environment:
    """A fresh data directory, and a fresh PostgreSQL database when a server URL is given."""

    def __init__(self, postgres: str | None, interval: float, per_run: int):
        self.tmp = tempfile.mkdtemp(prefix="copvn-bench-verify-")
        self.env = {**os.environ, "COPVN_DATA_DIR": self.tmp, "PYTHONPATH": str(ROOT), "COPVN_LOG_LEVEL": "WARNING",
                    "DJANGO_SETTINGS_MODULE": "copvn.settings", "COPVN_FETCH_ALLOW_NETWORKS": "127.0.0.0/8",
                    "COPVN_NOTICE_HOST_INTERVAL_SECONDS": str(interval),
                    "COPVN_NOTICE_CHECKS_PER_RUN": str(per_run)}
        self.env.pop("DATABASE_URL", None)
        self.server_url, self.db_name = postgres, None
        if postgres:
            import psycopg

            self.db_name = f"copvn_bench_{secrets.token_hex(4)}"
            with psycopg.connect(self._admin_url(), autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{self.db_name}"')
            self.env["DATABASE_URL"] = postgres.rsplit("/", 1)[0] + "/" + self.db_name

    def _admin_url(self) -> str:
        return self.server_url.rsplit("/", 1)[0] + "/postgres"

    def close(self):
        if self.db_name:
            from django.db import connections

            connections.close_all()
            import psycopg

            with psycopg.connect(self._admin_url(), autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
        shutil.rmtree(self.tmp, ignore_errors=True)


def setup_django(env: dict) -> None:
    os.environ.update({k: v for k, v in env.items() if k.startswith(("COPVN_", "DJANGO_", "DATABASE_URL"))})
    if "DATABASE_URL" not in env:
        os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def local_resolver(host: str, port: int) -> list[str]:
    """Every benchmark host name is on loopback; anything else is refused as unresolvable."""
    from copvn.detect import fetch

    if host.endswith(DOMAIN):
        return ["127.0.0.1"]
    raise fetch.FetchFailed("fetch.dns", host=host)


# ------------------------------------------------------------------------------------------------ server

class Site(BaseHTTPRequestHandler):
    """200 with a page for /p/…, 404 for /gone/…; every request's arrival is logged with its Host header."""

    log: list = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        arrived = time.monotonic()
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0].lower()
        gone = self.path.startswith("/gone/")
        body = (GONE_PAGE if gone else LIVE_PAGE.format(path=self.path)).encode()
        Site.log.append((arrived, host, 404 if gone else 200))
        self.send_response(404 if gone else 200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Server(ThreadingHTTPServer):
    request_queue_size = 256  # 8 fetch threads and the peer's 8 never wait on a full backlog
    daemon_threads = True


def role_server(args) -> None:
    """Print the port, then answer `log` (the log since the last one, as JSON) and `quit` on stdin."""
    server = Server(("127.0.0.1", 0), Site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.server_address[1], flush=True)
    for line in sys.stdin:
        if line.strip() == "log":
            entries, Site.log = Site.log, []
            print(json.dumps(entries), flush=True)
        elif line.strip() == "quit":
            break
    server.shutdown()


# ------------------------------------------------------------------------------------------------- seeding

def seed(notices: int, hosts: int, gone: float, port: int) -> dict:
    """Organisations, the ISP's contact, and `notices` sent notices with one due URL each (bulk_create)."""
    import datetime as dt

    from django.db import connection
    from django.utils import timezone

    from copvn.cases.models import Case
    from copvn.orgs.models import Organisation
    from copvn.takedowns.models import LegalBasis, Notice, NoticeURL, ProviderContact
    from copvn.takedowns.states import State

    started = time.perf_counter()
    rng = random.Random(11)
    since = dt.date(2021, 1, 1)
    issuer = Organisation.objects.create(code="bench-skhcn", name="Sở Khoa học và Công nghệ (thử)", short_name="SKHCN",
                                         kind="department", valid_from=since, email="skhcn@bench.test")
    isp = Organisation.objects.create(code="bench-isp", name="Công ty Lưu trữ Vòng lặp", short_name="VL", kind="isp",
                                      valid_from=since)
    ProviderContact.objects.create(organisation=isp, email="abuse@isp.bench.test", networks="127.0.0.0/8")
    basis = LegalBasis.objects.filter(active=True).first()
    now = timezone.now()
    sent_at = now - dt.timedelta(minutes=90)
    names = [f"h{n + 1:04d}{DOMAIN}" for n in range(hosts)]
    batch_size, gone_count = 5000, 0
    for start in range(0, notices, batch_size):
        span = range(start, min(notices, start + batch_size))
        cases = Case.objects.bulk_create([
            Case(reference=f"VB-2026-{n + 1:07d}", state="coordinating", received_at=sent_at - dt.timedelta(hours=2),
                 platform="web", summary=f"Vụ việc thử {n + 1}") for n in span])
        made = Notice.objects.bulk_create([
            Notice(reference=f"YC-B-{n + 1:07d}", provider=isp, issuer=issuer, legal_basis=basis, state=State.SENT,
                   created_at=sent_at, approved_at=sent_at, sent_at=sent_at,
                   due_at=sent_at + dt.timedelta(hours=basis.hours)) for n in span])
        rows = []
        for n, case, notice in zip(span, cases, made, strict=True):
            host = names[rng.randrange(hosts)]
            is_gone = rng.random() < gone
            gone_count += is_gone
            url = f"http://{host}:{port}/{'gone' if is_gone else 'p'}/{n + 1}"
            rows.append(NoticeURL(notice=notice, case=case, url=url, canonical=url, host=host,
                                  addresses=["127.0.0.1"],
                                  next_check_at=now - dt.timedelta(seconds=rng.uniform(1, 3600))))
        NoticeURL.objects.bulk_create(rows)
    if connection.vendor == "postgresql":  # the statistics autovacuum would have gathered after such a load
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE takedowns_noticeurl, takedowns_notice, cases_case")
    return {"notices": notices, "hosts": hosts, "gone": gone_count, "seed_s": round(time.perf_counter() - started, 1)}


def claim_select(limit: int, repeats: int = 7) -> dict:
    """The SELECT that opens `_claim`: due rows in due order, `limit * 4` of them, timed apart, with its plan."""
    from django.db import connection, reset_queries
    from django.utils import timezone

    from copvn.takedowns.models import NoticeURL

    def query():
        return (NoticeURL.objects.filter(next_check_at__lte=timezone.now(), dropped=False).order_by("next_check_at")
                .only("pk", "host", "url", "next_check_at")[: limit * 4])

    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        rows = list(query())
        times.append((time.perf_counter() - started) * 1000)
    reset_queries()
    due = NoticeURL.objects.filter(next_check_at__lte=timezone.now(), dropped=False).count()
    return {"rows": len(rows), "due": due, "p50_ms": round(statistics.median(times), 2), "max_ms": round(max(times), 2),
            "plan": query().explain(), "engine": connection.vendor}


# -------------------------------------------------------------------------------------------------- worker

def role_worker(args) -> None:
    """run_due() back to back with its phases timed; one JSON line on stdout at the end."""
    from django.db import OperationalError, connection

    from copvn.takedowns import verification

    verification.resolver = local_resolver
    phase = {"name": "other"}
    queries: Counter = Counter()
    lock = threading.Lock()
    per_run, record_s, probe_s, results, checked_ids = [], [0.0], [0.0], Counter(), []
    original_claim, original_probe, original_record = (verification._claim, verification._probe,
                                                       verification.record_outcome)

    def counting(execute, sql, params, many, context):
        queries[phase["name"]] += 1
        return execute(sql, params, many, context)

    def timed_claim(now, limit):
        phase["name"] = "claim"
        started = time.perf_counter()
        try:
            return original_claim(now, limit)
        finally:
            per_run[-1]["claim_s"] = time.perf_counter() - started
            phase["name"] = "other"

    def timed_probe(url):
        started = time.perf_counter()
        try:
            return original_probe(url)
        finally:
            with lock:
                probe_s[0] += time.perf_counter() - started

    def timed_record(outcome, registry=None):
        phase["name"] = "record"
        started = time.perf_counter()
        try:
            return original_record(outcome, registry)
        finally:
            record_s[0] += time.perf_counter() - started
            results[outcome.live.result] += 1
            checked_ids.append(outcome.url_id)
            phase["name"] = "other"

    verification._claim, verification._probe, verification.record_outcome = timed_claim, timed_probe, timed_record
    connection.ensure_connection()
    print("ready", flush=True)
    start_at = float(sys.stdin.readline())
    time.sleep(max(0.0, start_at - time.time()))
    deadline, errors, idle_s = start_at + args.seconds, 0, 0.0
    with connection.execute_wrapper(counting):
        while time.time() < deadline and (not args.checks or len(checked_ids) < args.checks):
            per_run.append({"claim_s": 0.0})
            started = time.perf_counter()
            try:
                counts = verification.run_due()
            except OperationalError:  # "database is locked" past the busy timeout, with several workers on SQLite
                errors += 1
                per_run.pop()
                continue
            per_run[-1].update(wall_s=time.perf_counter() - started, **counts)
            if not counts["checked"]:
                time.sleep(0.05)
                idle_s += 0.05
    print(json.dumps({"runs": per_run, "record_s": record_s[0], "probe_s": probe_s[0], "results": results,
                      "ids": checked_ids, "queries": queries, "errors": errors, "idle_s": idle_s,
                      "ended": time.time()}), flush=True)


# ---------------------------------------------------------------------------------------------------- peer

def peer(urls: list[str], threads: int) -> dict:
    from copvn.detect import liveness
    from copvn.takedowns import verification

    verification.resolver = local_resolver
    policy = verification.policy()
    started = time.perf_counter()
    if threads == 1:
        found = [liveness.check(url, policy).result for url in urls]
    else:
        with ThreadPoolExecutor(threads) as pool:
            found = list(pool.map(lambda url: liveness.check(url, policy).result, urls))
    wall = time.perf_counter() - started
    return {"checks": len(found), "wall_s": round(wall, 2), "checks_per_s": round(len(found) / wall, 1),
            "ms_per_check": round(wall * 1000 / len(found), 2), "results": dict(Counter(found))}


# ----------------------------------------------------------------------------------------------- analysis

def politeness(log: list, interval: float) -> dict:
    by_host = defaultdict(list)
    for arrived, host, _status in log:
        by_host[host].append(arrived)
    gaps = []
    for times in by_host.values():
        times.sort()
        gaps += [b - a for a, b in zip(times, times[1:], strict=False)]
    return {"requests": len(log), "hosts_seen": len(by_host),
            "hosts_hit_twice_or_more": sum(1 for t in by_host.values() if len(t) > 1),
            "max_requests_one_host": max((len(t) for t in by_host.values()), default=0),
            "min_interval_s": round(min(gaps), 3) if gaps else None,
            "p01_interval_s": round(statistics.quantiles(gaps, n=100)[0], 3) if len(gaps) > 1 else None,
            "pairs": len(gaps), "violations": sum(1 for g in gaps if g < interval),
            "violations_under_half": sum(1 for g in gaps if g < interval / 2),
            "violations_under_0_1s": sum(1 for g in gaps if g < 0.1)}


def summarise(workers: list[dict], start_at: float) -> dict:
    runs = [r for w in workers for r in w["runs"]]
    checks = sum(len(w["ids"]) for w in workers)
    wall = max(w["ended"] for w in workers) - start_at
    claim_s = sum(r["claim_s"] for r in runs)
    record_s = sum(w["record_s"] for w in workers)
    run_s = sum(r.get("wall_s", 0) for r in runs)
    pool_s = run_s - claim_s - record_s  # the fetch phase: the threads' wall, waiting for the slowest
    probe_s = sum(w["probe_s"] for w in workers)
    queries = Counter()
    for w in workers:
        queries.update(w["queries"])
    claims_ms = [r["claim_s"] * 1000 for r in runs]
    per = max(checks, 1)
    ids = [pk for w in workers for pk in w["ids"]]
    return {
        "workers": len(workers), "wall_s": round(wall, 2), "checks": checks, "runs": len(runs),
        "checks_per_s": round(checks / wall, 1), "checks_per_s_per_worker": round(checks / wall / len(workers), 1),
        "checked_twice": len(ids) - len(set(ids)), "errors": sum(w["errors"] for w in workers),
        "idle_s": round(sum(w["idle_s"] for w in workers), 2),
        "results": dict(sum((Counter(w["results"]) for w in workers), Counter())),
        "checked_per_run_p50": statistics.median([r.get("checked", 0) for r in runs]) if runs else 0,
        "deferred_per_run_p50": statistics.median([r.get("deferred", 0) for r in runs]) if runs else 0,
        "claim_ms_per_run_p50": round(statistics.median(claims_ms), 1) if runs else None,
        "claim_ms_per_run_max": round(max(claims_ms), 1) if runs else None,
        "claim_ms_first_run": round(claims_ms[0], 1) if runs else None,
        "claim_ms_per_check": round(claim_s * 1000 / per, 3), "record_ms_per_check": round(record_s * 1000 / per, 3),
        "fetch_phase_ms_per_check": round(pool_s * 1000 / per, 3),
        "fetch_thread_ms_per_check": round(probe_s * 1000 / per, 3),
        "scheduler_share": round((claim_s + record_s) / run_s, 3) if run_s else None,
        "sql_per_claim_run": round(queries["claim"] / max(len(runs), 1), 1),
        "sql_per_record": round(queries["record"] / per, 1),
    }, ids


def table(seeded: dict, select: dict, run: dict, polite: dict, peers: dict, args) -> str:
    lines = [f"machine: {machine()}", f"database: {select['engine']}",
             f"seeded: {seeded['notices']:,} open sent notices, one URL each, over {seeded['hosts']:,} hosts "
             f"({seeded['gone']:,} answer 404), all due; {seeded['seed_s']} s",
             f"settings: {args.per_run} checks per run, host interval {args.interval} s, 8 fetch threads per run",
             "", f"{'what':<46} {'checks':>7} {'wall s':>7} {'checks/s':>9} {'ms/check':>9}",
             "-" * 82]
    lines.append(f"{'run_due(), ' + str(run['workers']) + ' worker process(es)':<46} {run['checks']:>7,} "
                 f"{run['wall_s']:>7} {run['checks_per_s']:>9} {round(1000 / max(run['checks_per_s'], 1e-9), 2):>9}")
    for name, p in peers.items():
        lines.append(f"{name:<46} {p['checks']:>7,} {p['wall_s']:>7} {p['checks_per_s']:>9} {p['ms_per_check']:>9}")
    lines += ["", f"per worker process: {run['checks_per_s_per_worker']} checks/s; results {run['results']}; "
                  f"checked twice {run['checked_twice']}; errors {run['errors']}; idle {run['idle_s']} s",
              "", "Where a run_due() check's time goes (per check, main thread unless noted)",
              f"  claim (_claim)                 {run['claim_ms_per_check']:>8} ms   "
              f"({run['sql_per_claim_run']} SQL statements per run)",
              f"  fetch phase (pool wall)        {run['fetch_phase_ms_per_check']:>8} ms   "
              f"(sum of thread time {run['fetch_thread_ms_per_check']} ms)",
              f"  record (record_outcome)        {run['record_ms_per_check']:>8} ms   "
              f"({run['sql_per_record']} SQL statements per check)",
              f"  scheduler share of run time    {round(100 * (run['scheduler_share'] or 0), 1):>8} %",
              "", f"Claim phase with {select['due']:,} due rows: per run p50 {run['claim_ms_per_run_p50']} ms, "
                  f"max {run['claim_ms_per_run_max']} ms, first run {run['claim_ms_first_run']} ms; "
                  f"{run['checked_per_run_p50']} claimed and {run['deferred_per_run_p50']} deferred per run (p50)",
              f"  its SELECT alone ({select['rows']:,} rows): p50 {select['p50_ms']} ms, max {select['max_ms']} ms",
              f"  plan: {' | '.join(select['plan'].splitlines())}",
              "", f"Politeness (server log, Host header, interval {args.interval} s): {polite['requests']:,} requests "
                  f"to {polite['hosts_seen']:,} hosts, {polite['hosts_hit_twice_or_more']:,} hit more than once "
                  f"(at most {polite['max_requests_one_host']})",
              f"  shortest interval {polite['min_interval_s']} s (1st percentile {polite['p01_interval_s']} s); "
              f"pairs closer than {args.interval} s: {polite['violations']:,} of {polite['pairs']:,} "
              f"({polite['violations_under_half']:,} under {args.interval / 2} s, "
              f"{polite['violations_under_0_1s']:,} under 0.1 s)"]
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------------- main

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notices", type=int, default=100_000)
    parser.add_argument("--hosts", type=int, default=1000)
    parser.add_argument("--gone", type=float, default=0.25, help="share of URLs that answer 404")
    parser.add_argument("--seconds", type=float, default=60.0, help="wall-time budget of the run_due() measure")
    parser.add_argument("--checks", type=int, default=0, help="stop after this many checks in all (0: time only)")
    parser.add_argument("--workers", type=int, default=1, help="run_due() processes side by side")
    parser.add_argument("--interval", type=float, default=2.0, help="COPVN_NOTICE_HOST_INTERVAL_SECONDS")
    parser.add_argument("--per-run", type=int, default=500, help="COPVN_NOTICE_CHECKS_PER_RUN")
    parser.add_argument("--peer-checks", type=int, default=3000)
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL server to create the database on")
    parser.add_argument("--role", choices=["server", "worker"], help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.role == "server":
        return role_server(args)
    if args.role == "worker":
        setup_django(dict(os.environ))
        return role_worker(args)

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a timeout still drops the benchmark database
    env = Environment(args.postgres, args.interval, args.per_run)
    server = subprocess.Popen([PY, __file__, "--role", "server"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True, cwd=ROOT, env=env.env)
    workers = []
    try:
        port = int(server.stdout.readline())
        setup_django(env.env)
        from django.core.management import call_command
        from django.db import connections

        call_command("migrate", verbosity=0)
        print(f"seeding {args.notices:,} notices …", file=sys.stderr, flush=True)
        seeded = seed(args.notices, args.hosts, args.gone, port)
        select = claim_select(args.per_run)
        connections.close_all()

        per_worker = -(-args.checks // args.workers) if args.checks else 0
        print(f"run_due() for {args.seconds} s on {args.workers} worker(s) …", file=sys.stderr, flush=True)
        workers = [subprocess.Popen([PY, __file__, "--role", "worker", "--seconds", str(args.seconds),
                                     "--checks", str(per_worker)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    text=True, cwd=ROOT, env=env.env) for _ in range(args.workers)]
        for worker in workers:
            if worker.stdout.readline().strip() != "ready":
                raise RuntimeError("a worker did not start")
        start_at = time.time() + 0.5
        for worker in workers:
            worker.stdin.write(f"{start_at}\n")
            worker.stdin.flush()
        results = []
        for worker in workers:
            results.append(json.loads(worker.stdout.readline()))
            worker.wait(timeout=120)
        server.stdin.write("log\n")
        server.stdin.flush()
        log = json.loads(server.stdout.readline())
        run, ids = summarise(results, start_at)
        polite = politeness(log, args.interval)

        from copvn.takedowns.models import NoticeURL

        by_id = dict(NoticeURL.objects.filter(pk__in=ids[: args.peer_checks]).values_list("pk", "url"))
        urls = [by_id[pk] for pk in ids[: args.peer_checks]]
        connections.close_all()
        print(f"peers on {len(urls):,} of the same URLs …", file=sys.stderr, flush=True)
        peers = {"peer: liveness.check loop, no DB, 1 thread": peer(urls, 1),
                 "peer: liveness.check, no DB, 8 threads": peer(urls, 8)}
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
        if server.poll() is None:
            try:
                server.stdin.write("quit\n")
                server.stdin.flush()
                server.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                server.kill()
                server.wait()
        env.close()
    print(table(seeded, select, run, polite, peers, args))
    print(json.dumps({"bench": "notice-verification", "machine": machine(), "engine": select["engine"], "seed": seeded,
                      "settings": {"per_run": args.per_run, "interval_s": args.interval, "threads": 8,
                                   "workers": args.workers, "seconds": args.seconds},
                      "claim_select": {k: v for k, v in select.items() if k != "plan"},
                      "run_due": run, "politeness": polite,
                      "peers": {k.split(": ", 1)[1]: v for k, v in peers.items()}}, ensure_ascii=False))


if __name__ == "__main__":
    main()
