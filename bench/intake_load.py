"""Intake under load: requests per second and p50/p99 latency of report submission, on SQLite and PostgreSQL,
with `copvn serve` as deployed (waitress, a real socket), and a "nothing lost" run in which the capture
worker is killed and restarted midway.

    .venv/bin/python bench/intake_load.py [--requests 3000] [--concurrency 8] [--db sqlite,postgres] [--lost 2000]

Each submission is acknowledged only after its transaction committed; the lost-run then checks that every
acknowledged reference is in the database exactly once and that every reported URL was captured.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PG = os.environ.get("COPVN_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/copvn")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def django(code: str, env: dict) -> str:
    prelude = "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE','copvn.settings'); django.setup()\n"
    out = subprocess.run([PY, "-c", prelude + code], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    return out.stdout.strip()


class Environment:
    """A fresh data directory and database; `copvn serve --no-worker` on a free port."""

    def __init__(self, engine: str):
        self.engine, self.tmp = engine, tempfile.mkdtemp(prefix="copvn-bench-")
        self.env = {**os.environ, "COPVN_DATA_DIR": self.tmp, "PYTHONPATH": str(ROOT),
                    "COPVN_FETCH_ALLOW_NETWORKS": "127.0.0.1/32", "COPVN_CAPTURE_SCREENSHOTS": "0",
                    "COPVN_WORKER_LEASE_SECONDS": "3", "COPVN_LOG_LEVEL": "WARNING"}
        self.env.pop("DATABASE_URL", None)
        self.db_name = None
        if engine == "postgres":
            import psycopg

            self.db_name = f"copvn_bench_{secrets.token_hex(4)}"
            with psycopg.connect(PG.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{self.db_name}"')
            self.env["DATABASE_URL"] = PG.rsplit("/", 1)[0] + "/" + self.db_name
        subprocess.run([PY, "-m", "copvn.cli", "migrate"], env=self.env, cwd=ROOT, check=True, capture_output=True)
        self.key = django("from copvn.orgs.models import Organisation as O; from copvn.intake.keys import issue\n"
                          "import datetime as d; o=O.objects.create(code='bench', name='Bench', short_name='B', kind='platform', valid_from=d.date(2020,1,1))\n"
                          "print(issue(o, 'bench', 'normal')[1])", self.env)
        self.port = free_port()
        self.web = subprocess.Popen([PY, "-m", "copvn.cli", "serve", "--no-worker", "--port", str(self.port),
                                     "--threads", "16"], env=self.env, cwd=ROOT, stdout=subprocess.DEVNULL,
                                    stderr=open(Path(self.tmp) / "serve.log", "w"))
        self._wait()

    def _wait(self):
        for _ in range(300):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("copvn serve did not start")

    def worker(self) -> subprocess.Popen:
        return subprocess.Popen([PY, "-m", "copvn.cli", "worker", "--interval", "0.1"], env=self.env, cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def close(self):
        self.web.send_signal(signal.SIGTERM)
        self.web.wait(timeout=30)
        if self.db_name:
            import psycopg

            with psycopg.connect(PG.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')


def load(env: Environment, total: int, concurrency: int, url_for, tag: str = "run") -> tuple[list[float], list[str], int]:
    latencies, references, failures, lock = [], [], [0], threading.Lock()
    local = threading.local()

    def one(i: int):
        if not hasattr(local, "conn"):
            local.conn = http.client.HTTPConnection("127.0.0.1", env.port, timeout=60)
        body = json.dumps({"urls": [url_for(i)], "description": f"Phản ánh thử tải số {i}", "client_key": f"{tag}-{i}"})
        started = time.perf_counter()
        try:
            local.conn.request("POST", "/api/v1/reports", body, {"Authorization": f"Bearer {env.key}",
                                                                 "Content-Type": "application/json"})
            response = local.conn.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException):
            local.conn = http.client.HTTPConnection("127.0.0.1", env.port, timeout=60)
            with lock:
                failures[0] += 1
            return
        elapsed = time.perf_counter() - started
        with lock:
            if response.status == 201:
                latencies.append(elapsed)
                references.append(json.loads(payload)["reference"])
            else:
                failures[0] += 1

    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, range(total)))
    return latencies, references, failures[0]


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


def throughput(engine: str, total: int, concurrency: int) -> dict:
    env = Environment(engine)
    try:
        load(env, 200, concurrency, lambda i: f"https://warmup.example.vn/{i}", tag="warmup")  # warm-up, not counted
        started = time.perf_counter()
        latencies, refs, failures = load(env, total, concurrency, lambda i: f"https://example.vn/bai/{i}")
        wall = time.perf_counter() - started
    finally:
        env.close()
    return {"engine": engine, "requests": total, "ok": len(refs), "failed": failures,
            "rps": round(len(refs) / wall, 1), "p50_ms": round(percentile(latencies, 50) * 1000, 1),
            "p99_ms": round(percentile(latencies, 99) * 1000, 1)}


class Page(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        body = f"<html><head><title>Trang {self.path}</title></head><body><p>Nội dung {self.path}</p></body></html>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def nothing_lost(engine: str, total: int, concurrency: int) -> dict:
    site = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    env = Environment(engine)
    try:
        worker = env.worker()
        killer = threading.Timer(3.0, lambda: worker.send_signal(signal.SIGKILL))
        killer.start()
        latencies, refs, failures = load(env, total, concurrency,
                                         lambda i: f"http://127.0.0.1:{site.server_address[1]}/p/{i}")
        worker.wait()
        restarted = [env.worker(), env.worker()]
        deadline = time.time() + 600
        while time.time() < deadline:
            left = int(django("from copvn.cases.models import CaseURL; print(CaseURL.objects.exclude(captures__status='done').count())", env.env))
            if left == 0:
                break
            time.sleep(2)
        counts = json.loads(django(
            "import json; from django.db.models import Count; from copvn.intake.models import Report\n"
            "from copvn.cases.models import CaseURL, Capture\n"
            "print(json.dumps({'reports': Report.objects.count(), 'distinct': Report.objects.values('reference').distinct().count(),"
            " 'urls': CaseURL.objects.count(), 'captured': CaseURL.objects.filter(captures__status='done').distinct().count(),"
            " 'captures': Capture.objects.count(), 'refs': list(Report.objects.values_list('reference', flat=True)),"
            " 'retried': sum(1 for ids in __import__('django_tasks_db.models', fromlist=['x']).DBTaskResult.objects.values_list('worker_ids', flat=True) if len(ids) > 1)}))", env.env))
        for process in restarted:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
    finally:
        env.close()
        site.shutdown()
    stored = set(counts.pop("refs"))
    return {"engine": engine, "acknowledged": len(refs), "failed_requests": failures,
            "acknowledged_missing": len(set(refs) - stored), "reports_in_db": counts["reports"],
            "duplicates": counts["reports"] - counts["distinct"], "urls": counts["urls"],
            "urls_captured": counts["captured"], "capture_rows": counts["captures"], "worker_killed_at_s": 3.0,
            "tasks_retried_after_the_kill": counts["retried"]}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--lost", type=int, default=2000, help="submissions in the nothing-lost run (0: skip)")
    args = parser.parse_args()
    for engine in args.db.split(","):
        print(json.dumps({"bench": "intake-throughput", **throughput(engine, args.requests, args.concurrency)}), flush=True)
    if args.lost:
        for engine in args.db.split(","):
            print(json.dumps({"bench": "intake-nothing-lost", **nothing_lost(engine, args.lost, args.concurrency)}), flush=True)


if __name__ == "__main__":
    main()
