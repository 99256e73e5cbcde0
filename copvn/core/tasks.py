"""Background tasks of the core: delivering the outbox."""

from django_tasks import task

from . import outbox


@task()
def deliver_message(message_id: int) -> str:
    return outbox.deliver(message_id)
