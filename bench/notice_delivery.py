"""Notice email delivery: messages per second through `copvn.core.outbox.deliver()` (Django's SMTP backend,
a connection per message, the outbox rows updated around each send) to a local aiosmtpd server, with one and
with two delivery processes, next to plain `smtplib` sending the same MIME bytes.

    .venv/bin/python bench/notice_delivery.py [--messages 2000] [--skip-two] [--postgres URL]

Each message is a takedown notice email as `copvn.takedowns.channels.dispatch` writes it: a Vietnamese subject
and body, and the letter as a DOCX attachment (made once with `copvn.documents.build_docx`, kept with
`outbox.DOCUMENTS.store`). The PDF attachment that production asks the outbox to make with LibreOffice is
left out, so that the conversion is not timed. The rows are written with bulk_create (no task rows).

The SMTP server (aiosmtpd) runs in a process of its own and counts what it accepted. Measures, in order:

- `outbox.deliver(id)` in a loop, one process, `--messages` ids;
- the same with two processes, each with its own connection, delivering half of another `--messages` ids
  (on SQLite they share one database file: writes wait on its lock, and "database is locked" errors past
  the busy timeout are counted);
- peer: `smtplib.SMTP.sendmail` of the same MIME bytes (as Django builds them) on one connection;
- peer: the same with a new connection per message (what the outbox does), to tell connection cost apart.

Inside each delivery process the time in `outbox._send_email` (building the MIME and the SMTP exchange) is
timed apart from the rest of `deliver()` (its claim, the attachment read, the attempt row, the status update).

A fresh data directory (SQLite in it) is used and removed at the end; with `--postgres URL` a fresh database
is created on that server and dropped at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import secrets
import shutil
import signal
import smtplib
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SUBJECT = "[copvn] Yêu cầu gỡ bỏ nội dung vi phạm số {ref}"
BODY = ("Kính gửi: Công ty Lưu trữ Vòng lặp\n\n"
        "Sở Khoa học và Công nghệ tỉnh Khánh Hòa đề nghị Quý công ty gỡ bỏ hoặc ngăn chặn truy cập các nội dung "
        "xâm hại trẻ em tại các đường dẫn sau trong thời hạn 24 giờ kể từ khi nhận được yêu cầu này:\n"
        "{urls}\n\n"
        "Văn bản yêu cầu (số {ref}) được gửi kèm thư này. Quý công ty phản hồi, báo đã gỡ hoặc phản đối "
        "yêu cầu qua cổng thông tin hoặc trả lời thư này.\n\nTrân trọng.\n")


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


def percentile(values: list[float], q: int) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


class Environment:
    """A fresh data directory, and a fresh PostgreSQL database when a server URL is given."""

    def __init__(self, postgres: str | None):
        self.tmp = tempfile.mkdtemp(prefix="copvn-bench-mail-")
        self.env = {**os.environ, "COPVN_DATA_DIR": self.tmp, "PYTHONPATH": str(ROOT), "COPVN_LOG_LEVEL": "WARNING",
                    "DJANGO_SETTINGS_MODULE": "copvn.settings", "COPVN_SMTP_HOST": "127.0.0.1",
                    "COPVN_SMTP_STARTTLS": "0", "COPVN_SMTP_SSL": "0", "COPVN_MAIL_FROM": "copvn@skhcn.bench.test"}
        for name in ("DATABASE_URL", "COPVN_EMAIL_URL", "COPVN_SMTP_USER", "COPVN_SMTP_PASSWORD"):
            self.env.pop(name, None)
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


# ------------------------------------------------------------------------------------------------- server

def role_smtp(args) -> None:
    """aiosmtpd on a free loopback port; prints the port, then answers `count` and `quit` on stdin."""
    from aiosmtpd.controller import Controller

    class Count:
        messages, size, with_docx = 0, 0, 0

        async def handle_DATA(self, server, session, envelope):
            Count.messages += 1
            Count.size += len(envelope.original_content or b"")
            Count.with_docx += b".docx" in (envelope.original_content or b"")
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Count(), hostname="127.0.0.1", port=port)
    controller.start()
    print(port, flush=True)
    for line in sys.stdin:
        if line.strip() == "count":
            print(json.dumps({"messages": Count.messages, "bytes": Count.size, "with_docx": Count.with_docx}),
                  flush=True)
        elif line.strip() == "quit":
            break
    controller.stop()


class Smtp:
    def __init__(self, env: dict):
        self.process = subprocess.Popen([PY, __file__, "--role", "smtp"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True, cwd=ROOT, env=env)
        self.port = int(self.process.stdout.readline())

    def count(self) -> dict:
        self.process.stdin.write("count\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self):
        if self.process.poll() is None:
            try:
                self.process.stdin.write("quit\n")
                self.process.stdin.flush()
                self.process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()


# ------------------------------------------------------------------------------------------------ seeding

def letter() -> bytes:
    from copvn.documents import Contacts, Document, Paragraph, Signer, Table, build_docx

    rows = [(str(n), f"https://h{n:04d}.bench.test/bai-viet/{n * 7919}", "Dụ dỗ trẻ em qua mạng") for n in range(1, 6)]
    return build_docx(Document(
        governing_body="UBND TỈNH KHÁNH HÒA", issuer="SỞ KHOA HỌC VÀ CÔNG NGHỆ", place="Khánh Hòa",
        date=dt.date(2026, 3, 2), summary="V/v đề nghị gỡ bỏ nội dung xâm hại trẻ em trên môi trường mạng",
        symbol="SKHCN-CNTT", recipients=["Công ty Lưu trữ Vòng lặp"],
        preamble=["Căn cứ Luật Trẻ em ngày 05 tháng 4 năm 2016", "Căn cứ Nghị định số 147/2024/NĐ-CP"],
        body=[Paragraph("Sở Khoa học và Công nghệ đề nghị Quý công ty gỡ bỏ các nội dung tại các đường dẫn sau "
                        "trong thời hạn 24 giờ kể từ khi nhận được văn bản này."),
              Table(("STT", "Đường dẫn", "Nội dung"), rows, widths=(15, 105, 45)),
              Paragraph("Quý công ty phản hồi kết quả xử lý qua cổng thông tin hoặc thư điện tử."),
              Paragraph("Trường hợp không đồng ý, đề nghị nêu rõ lý do và căn cứ.")],
        signer=Signer("GIÁM ĐỐC", "Trần Văn Bình"), copies_to=["Như trên", "UBND tỉnh (b/c)"], archive="VT, CNTT",
        contacts=Contacts(address="04 Phan Chu Trinh, Nha Trang", phone="0258 3822 000", email="skhcn@bench.test")))


def seed(count: int, sha256: str, tag: str) -> list[int]:
    from copvn.core.models import OutboxMessage

    made = []
    for start in range(0, count, 1000):
        made += OutboxMessage.objects.bulk_create([
            OutboxMessage(
                channel="email", to=f"abuse@isp{n % 20}.bench.test", kind="notice.notice",
                subject=SUBJECT.format(ref=f"{tag}-{n + 1:05d}"),
                body=BODY.format(ref=f"{tag}-{n + 1:05d}",
                                 urls="\n".join(f"- https://h{n % 1000:04d}.bench.test/bai-viet/{n * 10 + k}"
                                                for k in range(3))),
                attachments=[{"name": f"YC-{tag}-{n + 1:05d}-notice.docx", "content_type": DOCX, "sha256": sha256}],
                idempotency_key=uuid.uuid4().hex, subject_type="takedowns.notice", subject_id=str(n + 1))
            for n in range(start, min(count, start + 1000))])
    return [m.pk for m in made]


def mime(ids: list[int]) -> tuple[list[tuple[str, list[str], bytes]], float]:
    """The bytes Django's SMTP backend sends for these messages (as `outbox._send_email` builds them), and the
    time taken to build them (EmailMessage, attachment and MIME encoding; the row and file reads left out)."""
    from django.conf import settings
    from django.core.mail import EmailMessage

    from copvn.core import outbox
    from copvn.core.models import OutboxMessage

    out, build_s = [], 0.0
    for message in OutboxMessage.objects.filter(pk__in=ids).order_by("pk"):
        files = outbox._attachments(message)
        started = time.perf_counter()
        email = EmailMessage(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [message.to],
                             headers={"Message-ID": outbox.message_id(message),
                                      "X-Copvn-Idempotency-Key": message.idempotency_key, "X-Copvn-Kind": message.kind})
        for name, content_type, data in files:
            email.attach(name, data, content_type)
        out.append((email.from_email, email.recipients(), email.message().as_bytes(linesep="\r\n")))
        build_s += time.perf_counter() - started
    return out, build_s * 1000 / max(len(out), 1)


# ------------------------------------------------------------------------------------------------ delivery

def role_deliver(args) -> None:
    """`outbox.deliver()` for each id of --ids (a JSON file); one JSON line on stdout at the end."""
    from django.db import OperationalError, connection

    from copvn.core import outbox

    ids = json.loads(Path(args.ids).read_text())
    send_s, original = [0.0], outbox._send_email

    def timed_send(message):
        started = time.perf_counter()
        try:
            return original(message)
        finally:
            send_s[0] += time.perf_counter() - started

    outbox._send_email = timed_send
    connection.ensure_connection()
    print("ready", flush=True)
    start_at = float(sys.stdin.readline())
    time.sleep(max(0.0, start_at - time.time()))
    latencies, statuses, errors = [], {}, 0
    for pk in ids:
        started = time.perf_counter()
        for _attempt in range(5):
            try:
                status = outbox.deliver(pk)
                break
            except OperationalError:  # "database is locked" past the busy timeout
                errors += 1
        else:
            status = "error"
        latencies.append(time.perf_counter() - started)
        statuses[status] = statuses.get(status, 0) + 1
    print(json.dumps({"latencies": latencies, "statuses": statuses, "errors": errors, "send_s": send_s[0],
                      "ended": time.time()}), flush=True)


def deliver(env: Environment, smtp: Smtp, ids: list[int], processes: int) -> dict:
    from copvn.core.models import OutboxMessage

    before = smtp.count()["messages"]
    shares = [ids[i::processes] for i in range(processes)]
    workers = []
    try:
        for n, share in enumerate(shares):
            path = Path(env.tmp) / f"ids-{processes}-{n}.json"
            path.write_text(json.dumps(share))
            workers.append(subprocess.Popen([PY, __file__, "--role", "deliver", "--ids", str(path)],
                                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT,
                                            env=env.env))
        for worker in workers:
            if worker.stdout.readline().strip() != "ready":
                raise RuntimeError("a delivery process did not start")
        start_at = time.time() + 0.3
        for worker in workers:
            worker.stdin.write(f"{start_at}\n")
            worker.stdin.flush()
        results = []
        for worker in workers:
            results.append(json.loads(worker.stdout.readline()))
            worker.wait(timeout=60)
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
    wall = max(r["ended"] for r in results) - start_at
    latencies = [x for r in results for x in r["latencies"]]
    statuses: dict[str, int] = {}
    for r in results:
        for key, value in r["statuses"].items():
            statuses[key] = statuses.get(key, 0) + value
    total = sum(latencies)
    send = sum(r["send_s"] for r in results)
    received = smtp.count()["messages"] - before
    sent_rows = OutboxMessage.objects.filter(pk__in=ids, status="sent").count()
    return {"what": f"outbox.deliver(), {processes} process{'es' if processes > 1 else ''}", "messages": len(ids),
            "received": received, "sent_rows": sent_rows, "statuses": statuses,
            "lock_errors": sum(r["errors"] for r in results), "wall_s": round(wall, 2),
            "per_s": round(len(ids) / wall, 1), "p50_ms": round(percentile(latencies, 50) * 1000, 2),
            "p95_ms": round(percentile(latencies, 95) * 1000, 2), "max_ms": round(max(latencies) * 1000, 1),
            "send_ms_per_message": round(send * 1000 / len(ids), 2),
            "rest_ms_per_message": round((total - send) * 1000 / len(ids), 2),
            "per_process": [len(r["latencies"]) for r in results]}


def peer(smtp: Smtp, messages: list[tuple[str, list[str], bytes]], one_connection: bool) -> dict:
    before = smtp.count()["messages"]
    latencies = []
    started = time.perf_counter()
    if one_connection:
        with smtplib.SMTP("127.0.0.1", smtp.port, timeout=20) as conn:
            for sender, recipients, data in messages:
                t = time.perf_counter()
                conn.sendmail(sender, recipients, data)
                latencies.append(time.perf_counter() - t)
    else:
        for sender, recipients, data in messages:
            t = time.perf_counter()
            with smtplib.SMTP("127.0.0.1", smtp.port, timeout=20) as conn:
                conn.sendmail(sender, recipients, data)
            latencies.append(time.perf_counter() - t)
    wall = time.perf_counter() - started
    received = smtp.count()["messages"] - before
    return {"what": "peer: smtplib, " + ("one connection" if one_connection else "a connection per message"),
            "messages": len(messages), "received": received, "wall_s": round(wall, 2),
            "per_s": round(len(messages) / wall, 1), "p50_ms": round(percentile(latencies, 50) * 1000, 2),
            "p95_ms": round(percentile(latencies, 95) * 1000, 2), "max_ms": round(max(latencies) * 1000, 1)}


def table(rows: list[dict], engine: str, docx_size: int, mime_size: int, build_ms: float, two_note: str) -> str:
    lines = [f"machine: {machine()}", f"database: {engine}",
             f"message: DOCX attachment {docx_size:,} bytes, MIME {mime_size:,} bytes, built in "
             f"{round(build_ms, 2)} ms (EmailMessage to bytes, outside every timed loop)", "",
             f"{'what':<42} {'messages':>8} {'received':>8} {'wall s':>7} {'msg/s':>7} {'p50 ms':>7} "
             f"{'p95 ms':>7} {'max ms':>7} {'SMTP ms':>8} {'rest ms':>8} {'lock err':>8}"]
    lines.append("-" * len(lines[-1]))
    for r in rows:
        lines.append(f"{r['what']:<42} {r['messages']:>8,} {r['received']:>8,} {r['wall_s']:>7} {r['per_s']:>7} "
                     f"{r['p50_ms']:>7} {r['p95_ms']:>7} {r['max_ms']:>7} {r.get('send_ms_per_message', ''):>8} "
                     f"{r.get('rest_ms_per_message', ''):>8} {r.get('lock_errors', ''):>8}")
    lines += ["", "SMTP ms: time in outbox._send_email per message (MIME and the SMTP exchange, on a new "
                  "connection); rest ms: the rest of deliver() per message (claim, attachment read, attempt row, "
                  "status update)."]
    if two_note:
        lines.append(two_note)
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--skip-two", action="store_true", help="leave out the two-process measure")
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL server to create the database on")
    parser.add_argument("--role", choices=["smtp", "deliver"], help=argparse.SUPPRESS)
    parser.add_argument("--ids", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.role == "smtp":
        return role_smtp(args)
    if args.role == "deliver":
        setup_django(dict(os.environ))
        return role_deliver(args)

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a timeout still drops the benchmark database
    env = Environment(args.postgres)
    smtp = None
    try:
        smtp = Smtp(env.env)
        env.env["COPVN_SMTP_PORT"] = str(smtp.port)
        setup_django(env.env)
        from django.core.management import call_command
        from django.db import connection, connections

        from copvn.core import outbox

        call_command("migrate", verbosity=0)
        engine = connection.vendor
        docx_bytes = letter()
        sha256 = outbox.DOCUMENTS.store(docx_bytes)
        one_ids = seed(args.messages, sha256, "A")
        two_ids = [] if args.skip_two else seed(args.messages, sha256, "B")
        peer_mime, build_ms = mime(one_ids)  # built before any delivery, from rows identical to what is delivered
        connections.close_all()
        rows = [deliver(env, smtp, one_ids, 1)]
        if two_ids:
            rows.append(deliver(env, smtp, two_ids, 2))
        connections.close_all()
        rows += [peer(smtp, peer_mime, True), peer(smtp, peer_mime, False)]
        received = smtp.count()
    finally:
        if smtp is not None:
            smtp.close()
        env.close()
    two_note = ""
    if two_ids:
        one, two = rows[0], rows[1]
        two_note = (f"two processes vs one: {round(two['per_s'] / one['per_s'], 2)}x the rate; "
                    f"{two['lock_errors']} 'database is locked' errors; p95 {one['p95_ms']} → {two['p95_ms']} ms "
                    f"({engine}, {os.cpu_count()} CPUs, the SMTP server in a third process).")
    print(table(rows, engine, len(docx_bytes), len(peer_mime[0][2]), build_ms, two_note))
    print(json.dumps({"bench": "notice-delivery", "machine": machine(), "engine": engine, "docx_bytes": len(docx_bytes),
                      "mime_bytes": len(peer_mime[0][2]), "mime_build_ms": round(build_ms, 3), "server_total": received, "rows": rows},
                     ensure_ascii=False))


if __name__ == "__main__":
    main()
