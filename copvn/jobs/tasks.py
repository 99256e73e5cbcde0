"""Housekeeping tasks run by the worker."""

from django_tasks import task

from copvn.audit.services import record, verify_chain
from copvn.core import ratelimit


@task()
def verify_audit_chain() -> dict:
    """Check the whole audit chain; a break is itself recorded so that it cannot go unnoticed."""
    report = verify_chain()
    if not report.ok:
        record("audit.chain_broken", reason=report.problem, data={"first_broken_seq": report.first_broken_seq})
    return {"checked": report.checked, "first_broken_seq": report.first_broken_seq}


@task()
def prune_rate_limits() -> int:
    return ratelimit.prune()
