"""A notice leaves through the outbox to real servers on loopback: an SMTP server (the letter as DOCX and as a
PDF made at delivery) and a provider's webhook (signed, with an idempotency key). Servers that are down,
refuse, bounce or never answer lose nothing: the message stays pending, every try is logged, and it is sent
once the server is back; a worker that died mid-send repeats it under the same Message-ID."""

import datetime as dt
import email
import hashlib
import hmac
import io
import json
import socket
import subprocess
import threading
import unicodedata
import zipfile
from email import policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from copvn.core import outbox
from copvn.core.models import OutboxAttempt, OutboxMessage
from copvn.takedowns import services
from copvn.takedowns.models import Notice, ProviderContact

from . import takedown_world
from .conftest import sign_in_client
from .takedown_world import decided_case

site, world = takedown_world.site, takedown_world.world  # fixtures

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
SECRET = "whsec_thu-nghiem-bi-mat"


class Collect:
    def __init__(self, answer="250 OK"):
        self.messages, self.answer = [], answer

    async def handle_DATA(self, server, session, envelope):
        if self.answer.startswith("250"):
            self.messages.append(envelope)
        return self.answer


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_smtp(handler, port):
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    return controller


@pytest.fixture(autouse=True)
def real_smtp_backend(settings):
    """The test runner swaps in an in-memory backend; these tests talk to a real SMTP server."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5


@pytest.fixture
def smtp(settings):
    handler = Collect()
    port = closed_port()
    controller = start_smtp(handler, port)
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    yield handler
    controller.stop()


def _approve(world):
    decided_case(world, "/post/1")
    notice = services.approve(Notice.objects.get(), world.legal)
    notice.refresh_from_db()
    return notice


def _email_of(notice):
    return OutboxMessage.objects.get(channel="email", kind="notice.notice", subject_id=str(notice.pk))


def _parsed(envelope):
    return email.message_from_bytes(envelope.original_content, policy=policy.default)


def _attachments(parsed):
    return {part.get_filename(): part.get_payload(decode=True) for part in parsed.iter_attachments()}


def _pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True,
                          timeout=60).stdout.decode()
    return " ".join(unicodedata.normalize("NFC", text).split())


def _docx_text(docx: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        return archive.read("word/document.xml").decode()


# — email ————————————————————————————————————————————————————————————————————————————————————————————————


def test_the_notice_email_carries_the_letter_as_docx_and_pdf(world, smtp, tmp_path):
    notice = _approve(world)
    message = _email_of(notice)
    assert outbox.deliver(message.pk) == "sent"
    assert len(smtp.messages) == 1
    received = smtp.messages[0]
    assert received.rcpt_tos == ["abuse@vong-lap.example"]
    parsed = _parsed(received)
    assert notice.reference in parsed["Subject"]
    assert message.idempotency_key in parsed["Message-ID"]
    assert parsed["X-Copvn-Idempotency-Key"] == message.idempotency_key
    assert world.url("/post/1") in parsed.get_body(("plain",)).get_content()
    files = _attachments(parsed)
    docx, pdf = files[f"{notice.reference}-notice.docx"], files[f"{notice.reference}-notice.pdf"]
    assert docx.startswith(b"PK") and zipfile.is_zipfile(io.BytesIO(docx))
    assert pdf.startswith(b"%PDF"), "the PDF is made from the DOCX at delivery"
    text = _pdf_text(pdf, tmp_path)
    assert notice.reference in text
    assert MOTTO in text
    assert world.url("/post/1") in text
    stored = OutboxMessage.objects.get(pk=message.pk)
    assert stored.status == "sent" and stored.sent_at is not None and stored.last_error == ""
    assert all(a.get("sha256") for a in stored.attachments), "the PDF made is kept with the message"
    assert list(stored.tries.values_list("ok", flat=True)) == [True]


def test_a_provider_that_reads_english_gets_the_letter_in_english(world, smtp):
    ProviderContact.objects.filter(organisation=world.isp).update(language="en")
    notice = _approve(world)
    assert notice.language == "en"
    message = _email_of(notice)
    assert message.subject.startswith(f"[{notice.reference}] Request to remove content harmful to children")
    assert message.body.startswith(f"Dear {world.isp.name},")
    assert "Attached is letter" in message.body and "Kính gửi" not in message.body
    assert outbox.deliver(message.pk) == "sent"
    parsed = _parsed(smtp.messages[0])
    assert parsed["Subject"] == message.subject
    assert parsed.get_body(("plain",)).get_content().startswith(f"Dear {world.isp.name},")
    docx = _attachments(parsed)[f"{notice.reference}-notice.docx"]
    letter = _docx_text(docx)
    assert "requests" in letter and "Request to block and remove" in letter
    assert "đề nghị" not in letter.lower()


def test_a_mail_server_that_is_down_keeps_the_notice_until_it_comes_up(world, settings, client):
    from django_tasks_db.models import DBTaskResult

    port = closed_port()
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    notice = _approve(world)
    message = _email_of(notice)
    before = timezone.now()
    assert outbox.deliver(message.pk) == "pending"
    message.refresh_from_db()
    assert message.status == "pending" and message.attempts == 1 and message.claimed_until is None
    assert "Connection" in message.last_error and "refused" in message.last_error
    assert message.next_attempt_at is not None and message.next_attempt_at > before
    attempt = OutboxAttempt.objects.get(message=message)
    assert attempt.ok is False and attempt.status_code is None and "refused" in attempt.error
    assert DBTaskResult.objects.filter(task_path__endswith="deliver_message", run_after__gt=before).exists(), \
        "a retry is scheduled for later"

    sign_in_client(client, world.legal)
    page = client.get("/notices/outbox/?status=pending")
    assert page.status_code == 200
    html = page.content.decode()
    assert "abuse@vong-lap.example" in html and "Yêu cầu gỡ bỏ" in html and "refused" in html

    handler = Collect()
    controller = start_smtp(handler, port)
    try:
        assert outbox.deliver(message.pk) == "sent"
        assert outbox.deliver(message.pk) == "sent", "a second run sends nothing more"
    finally:
        controller.stop()
    assert len(handler.messages) == 1
    assert list(OutboxAttempt.objects.filter(message=message).order_by("at", "pk").values_list("ok", flat=True)) == \
        [False, True]
    page = client.get("/notices/outbox/?status=pending")
    assert "abuse@vong-lap.example" not in page.content.decode()


def test_a_worker_killed_mid_send_resends_under_the_same_message_id(world, smtp):
    notice = _approve(world)
    message = _email_of(notice)
    assert outbox.deliver(message.pk) == "sent"
    # The server took it, but the worker died before marking it sent: the row is still pending.
    OutboxMessage.objects.filter(pk=message.pk).update(status="pending", sent_at=None, claimed_until=None)
    assert outbox.deliver(message.pk) == "sent"
    assert len(smtp.messages) == 2
    ids = {_parsed(m)["Message-ID"] for m in smtp.messages}
    assert len(ids) == 1 and message.idempotency_key in ids.pop(), "the receiver can tell it is the same message"
    assert outbox.deliver(message.pk) == "sent"
    assert len(smtp.messages) == 2, "an already sent message is not sent again"


def test_a_message_claimed_by_another_worker_is_left_alone(world, smtp):
    notice = _approve(world)
    message = _email_of(notice)
    OutboxMessage.objects.filter(pk=message.pk).update(claimed_until=timezone.now() + dt.timedelta(minutes=1))
    assert outbox.deliver(message.pk) == "pending"
    assert smtp.messages == [] and not OutboxAttempt.objects.exists()


def test_a_bounced_email_is_retried_then_failed(world, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    handler = Collect("550 5.1.1 Mailbox unavailable")
    port = closed_port()
    controller = start_smtp(handler, port)
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    try:
        notice = _approve(world)
        message = _email_of(notice)
        assert outbox.deliver(message.pk) == "pending"
        message.refresh_from_db()
        assert "550" in message.last_error and message.next_attempt_at is not None
        assert outbox.deliver(message.pk) == "failed"
    finally:
        controller.stop()
    message.refresh_from_db()
    assert message.status == "failed" and "550" in message.last_error and message.next_attempt_at is None
    assert list(message.tries.values_list("ok", flat=True)) == [False, False]
    assert handler.messages == []


# — webhooks —————————————————————————————————————————————————————————————————————————————————————————————


class Hook(BaseHTTPRequestHandler):
    status = 200
    received: list = []

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        Hook.received.append((self.path, dict(self.headers), body))
        answer = b'{"ok": true}'
        self.send_response(Hook.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


@pytest.fixture
def hook():
    Hook.status, Hook.received = 200, []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/copvn/hook"
    server.shutdown()
    server.server_close()


def _webhook_world(world, url):
    ProviderContact.objects.filter(organisation=world.isp).update(webhook_url=url, webhook_secret=SECRET)
    notice = _approve(world)
    assert notice.state == "sent"
    return notice, OutboxMessage.objects.get(channel="webhook", subject_id=str(notice.pk))


def test_the_webhook_is_signed_and_carries_its_idempotency_key(world, hook):
    notice, message = _webhook_world(world, hook)
    assert set(notice.dispatches.get().channels) >= {"email", "webhook", "portal"}
    assert outbox.deliver(message.pk) == "sent"
    assert len(Hook.received) == 1
    path, headers, body = Hook.received[0]
    assert path == "/copvn/hook"
    assert headers["Idempotency-Key"] == message.idempotency_key == f"notice-{notice.pk}-dispatch-" \
        f"{notice.dispatches.get().pk}-webhook"
    assert headers["X-Copvn-Event"] == "notice.notice"
    timestamp = headers["X-Copvn-Timestamp"]
    assert abs(int(timestamp) - int(timezone.now().timestamp())) < 60
    parts = dict(item.split("=", 1) for item in headers["X-Copvn-Signature"].split(","))
    assert parts["t"] == timestamp
    expected = hmac.new(SECRET.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(parts["v1"], expected)
    wrong = hmac.new(b"another-secret", f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    assert not hmac.compare_digest(parts["v1"], wrong)
    payload = json.loads(body)
    assert payload["event"] == "notice.notice" and payload["dispatch"] == notice.dispatches.get().pk
    assert notice.reference in json.dumps(payload, ensure_ascii=False)
    assert world.url("/post/1") in json.dumps(payload, ensure_ascii=False)
    attempt = OutboxAttempt.objects.get(message=message)
    assert attempt.ok and attempt.status_code == 200


def test_a_webhook_answering_500_is_kept_and_retried(world, hook):
    from django_tasks_db.models import DBTaskResult

    Hook.status = 500
    notice, message = _webhook_world(world, hook)
    before = timezone.now()
    assert outbox.deliver(message.pk) == "pending"
    message.refresh_from_db()
    assert "500" in message.last_error and message.next_attempt_at > before
    attempt = OutboxAttempt.objects.get(message=message)
    assert attempt.ok is False and attempt.status_code == 500
    retry = DBTaskResult.objects.filter(task_path__endswith="deliver_message", run_after__gt=before)
    assert [r.args_kwargs["args"] for r in retry] == [[message.pk]]
    Hook.status = 200
    assert outbox.deliver(message.pk) == "sent"
    assert len(Hook.received) == 2
    assert Hook.received[0][1]["Idempotency-Key"] == Hook.received[1][1]["Idempotency-Key"]


def test_a_webhook_that_never_answers_times_out_and_is_kept(world, settings):
    settings.WEBHOOK_TIMEOUT_SECONDS = 1
    # A socket that listens but never accepts: the connection opens, the answer never comes.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/hook"
        notice, message = _webhook_world(world, url)
        started = timezone.now()
        assert outbox.deliver(message.pk) == "pending"
        took = (timezone.now() - started).total_seconds()
    assert took < 5, "the webhook's time limit applies"
    message.refresh_from_db()
    assert "time limit" in message.last_error
    attempt = OutboxAttempt.objects.get(message=message)
    assert attempt.ok is False and attempt.status_code is None and "time limit" in attempt.error


def test_a_webhook_on_a_private_address_is_refused_and_never_reached(world, settings, monkeypatch):
    settings.FETCH_ALLOW_NETWORKS = ["127.0.0.0/8"]
    dialled = []
    real = socket.create_connection

    def watch(address, *args, **kwargs):
        dialled.append(address)
        return real(address, *args, **kwargs)

    notice, message = _webhook_world(world, "http://10.1.2.3/hook")
    monkeypatch.setattr(socket, "create_connection", watch)
    assert outbox.deliver(message.pk) == "pending"
    message.refresh_from_db()
    assert "not a public address" in message.last_error and "10.1.2.3" in message.last_error
    assert not [a for a in dialled if a[0] == "10.1.2.3"], "no connection is attempted"
    assert OutboxAttempt.objects.get(message=message).ok is False


# — the sweep ——————————————————————————————————————————————————————————————————————————————————————————


def test_the_sweep_re_enqueues_a_pending_message_whose_task_was_lost(world):
    from django_tasks_db.models import DBTaskResult

    notice = _approve(world)
    lost = _email_of(notice)
    long_ago = timezone.now() - dt.timedelta(minutes=10)
    OutboxMessage.objects.filter(pk=lost.pk).update(created_at=long_ago, next_attempt_at=long_ago)
    outbox.enqueue("moi@example.vn", "Mới", "Vừa tạo", "test")  # created just now: its task may still run
    done = outbox.enqueue("xong@example.vn", "Xong", "Đã gửi", "test")
    OutboxMessage.objects.filter(pk=done.pk).update(status="sent", created_at=long_ago, next_attempt_at=None)
    DBTaskResult.objects.all().delete()
    assert outbox.sweep() == 1
    rows = DBTaskResult.objects.filter(task_path__endswith="deliver_message")
    assert [r.args_kwargs["args"] for r in rows] == [[lost.pk]]
