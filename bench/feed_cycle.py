"""One check cycle over 1,000 watched feeds served by a local HTTP server, and a second cycle with nothing new,
whose conditional GETs the server answers 304; with the requests counted from the server's own log.

    .venv/bin/python bench/feed_cycle.py [--feeds 1000] [--items 10] [--threads 64] [--host-seconds 2]

Each feed is on a host of its own (f0001.bench.test …, mapped to 127.0.0.1 by `watch.resolver`), with
`--items` entries of real comments (UIT-ViHSD dev) and, in one feed in twenty, a grooming message, so the first
cycle runs the detectors on every new item and queues the alerts. The first cycle also reads each host's
robots.txt (a visit: the feed waits its host's pause after it); the second reads none (kept a day) and gets
304 for every feed. A fresh data directory (SQLite)
is used and removed at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = ".bench.test"
GROOMING = "Em năm nay bao nhiêu tuổi rồi, gửi ảnh cho anh xem trước nhé, đừng nói với bố mẹ, anh chuyển tiền cho em"


class Server:
    def __init__(self, feeds: dict[str, bytes]):
        self.log: Counter = Counter()
        log, bodies = self.log, feeds

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                host = self.headers.get("Host", "").split(":")[0]
                if self.path == "/robots.txt":
                    log["robots"] += 1
                    return self._send(200, b"User-agent: *\nAllow: /\n", "text/plain")
                body = bodies.get(host)
                if body is None:
                    log["404"] += 1
                    return self._send(404, b"", "text/plain")
                etag = f'"{hash(body) & 0xffffffff:x}"'
                if self.headers.get("If-None-Match") == etag:
                    log["304"] += 1
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                log["200"] += 1
                self._send(200, body, "application/rss+xml", etag)

            def _send(self, status, body, kind, etag=None):
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                if etag:
                    self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def feed(name: str, texts: list[str], harmful: bool) -> bytes:
    items = "".join(f"<item><guid>{name}-{i}</guid><title>Bài {i}</title><link>https://www.facebook.com/{name}/{i}</link>"
                    f"<description>{escape(t)}</description></item>" for i, t in enumerate(texts))
    if harmful:
        items += (f"<item><guid>{name}-g</guid><title>Tuyển mẫu nhí</title><link>https://www.facebook.com/{name}/g</link>"
                  f"<description>{escape(GROOMING)}</description></item>")
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{name}</title>{items}'
            "</channel></rss>").encode()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--items", type=int, default=10)
    parser.add_argument("--threads", type=int, default=64, help="hosts fetched at once (they mostly wait their turn)")
    parser.add_argument("--host-seconds", type=float, default=2.0, help="COPVN_MONITOR_HOST_SECONDS")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="copvn-bench-feeds-")
    os.environ.update({"COPVN_DATA_DIR": tmp, "DJANGO_SETTINGS_MODULE": "copvn.settings", "COPVN_LOG_LEVEL": "WARNING",
                       "COPVN_FETCH_ALLOW_NETWORKS": "127.0.0.0/8", "COPVN_MONITOR_HOST_SECONDS": str(args.host_seconds),
                       "COPVN_MONITOR_CHECKS_PER_RUN": str(args.feeds),
                       "COPVN_MONITOR_FETCH_THREADS": str(args.threads)})
    os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from copvn.accounts.models import User
    from copvn.detect import fetch
    from copvn.detect.text.training import read_vihsd
    from copvn.monitoring import watch
    from copvn.monitoring.models import SeenItem, Source
    from copvn.review.models import QueueItem

    texts, _labels = read_vihsd(args.data / "vihsd" / "dev.csv")
    rng = random.Random(3)
    names = [f"f{i:04d}{DOMAIN}" for i in range(args.feeds)]
    bodies = {n: feed(n.split(".")[0], rng.sample(texts, args.items), i % 20 == 0) for i, n in enumerate(names)}
    server = Server(bodies)

    def local(host, port):
        if host.endswith(DOMAIN):
            return ["127.0.0.1"]
        raise fetch.FetchFailed("fetch.dns", host=host)

    watch.resolver = local
    owner = User.objects.create(username="to-theo-doi", role="analyst")
    Source.objects.bulk_create([Source(name=n, kind="feed", url=f"http://{n}:{server.port}/rss", owner=owner,
                                       interval_minutes=60) for n in names])
    figures = {"feeds": args.feeds, "items_per_feed": args.items, "threads": args.threads,
               "host_seconds": args.host_seconds}
    for cycle in (1, 2):
        before = Counter(server.log)
        Source.objects.update(next_check_at=django.utils.timezone.now())
        started = time.perf_counter()
        totals = watch.check_due()
        seconds = time.perf_counter() - started
        seen = Counter(server.log) - before
        figures[f"cycle_{cycle}"] = {"seconds": round(seconds, 2), "feeds_per_s": round(totals["checked"] / seconds, 1),
                                     **totals, "server": dict(seen)}
    figures["items_seen"] = SeenItem.objects.count()
    figures["queue_items"] = QueueItem.objects.count()
    print(json.dumps(figures))
    for cycle in (1, 2):
        c = figures[f"cycle_{cycle}"]
        print(f"cycle {cycle}: {c['checked']} feeds in {c['seconds']} s ({c['feeds_per_s']}/s), new {c['new']}, "
              f"alerts {c['alerts']}, server {c['server']}", file=sys.stderr)
    server.server.shutdown()
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
