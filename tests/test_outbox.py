"""Mail leaves through the outbox, to a real SMTP server on loopback; a server that is down loses nothing."""

import socket

import pytest
from aiosmtpd.controller import Controller

from copvn.core import outbox
from copvn.core.models import OutboxMessage


class Collect:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(autouse=True)
def real_smtp_backend(settings):
    """The test runner swaps in an in-memory backend; these tests talk to a real SMTP server."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False


@pytest.fixture
def smtp(settings):
    handler = Collect()
    port = closed_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    yield handler
    controller.stop()


def test_a_message_is_delivered_once_to_the_mail_server(db, smtp):
    message = outbox.enqueue("phantich@example.vn", "[copvn] Tài khoản bị tạm khóa", "Kính gửi anh Minh", "test")
    assert outbox.deliver(message.pk) == "sent"
    assert outbox.deliver(message.pk) == "sent", "running the task again sends nothing more"
    assert len(smtp.messages) == 1
    received = smtp.messages[0]
    assert received.rcpt_tos == ["phantich@example.vn"]
    assert "Kính gửi anh Minh".encode() in received.original_content or b"=?utf-8?" in received.original_content


def test_a_mail_server_that_is_down_keeps_the_message_for_a_retry(db, settings, smtp):
    from django_tasks_db.models import DBTaskResult

    up = settings.EMAIL_PORT
    settings.EMAIL_PORT = closed_port()
    message = outbox.enqueue("a@example.vn", "Chủ đề", "Nội dung", "test")
    assert outbox.deliver(message.pk) == "pending"
    message.refresh_from_db()
    assert message.attempts == 1 and "Connection" in message.last_error and message.claimed_until is None
    assert DBTaskResult.objects.filter(task_path__endswith="deliver_message").exists(), "a retry is scheduled"
    settings.EMAIL_PORT = up
    assert outbox.deliver(message.pk) == "sent" and len(smtp.messages) == 1


def test_after_the_last_attempt_a_message_is_marked_failed_not_dropped(db, settings):
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.OUTBOX_MAX_ATTEMPTS = "127.0.0.1", closed_port(), 2
    message = outbox.enqueue("a@example.vn", "Chủ đề", "Nội dung", "test")
    assert [outbox.deliver(message.pk) for _ in range(2)] == ["pending", "failed"]
    assert OutboxMessage.objects.get(pk=message.pk).status == "failed"


def test_without_a_mail_server_messages_are_held(db, settings):
    settings.EMAIL_HOST = ""
    message = outbox.enqueue("a@example.vn", "Chủ đề", "Nội dung", "test")
    assert outbox.deliver(message.pk) == "held"
    assert outbox.enqueue("", "x", "y", "test") is None, "no address, no message"
