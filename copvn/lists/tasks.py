"""Background work for lists: merging the entries added since a PDQ index was built into a new index."""

from django_tasks import task

from . import matching
from .models import HashList


@task()
def build_pdq_index(list_id: int) -> dict:
    """Build the list's PDQ index if enough entries were added since the last build. Idempotent: a second
    run, or one after a match already built it, finds nothing due and changes nothing."""
    hash_list = HashList.objects.filter(pk=list_id, kind="pdq").first()
    if hash_list is None or not matching.rebuild_due(hash_list):
        return {"built": False}
    base = matching.build_index(hash_list)
    return {"built": True, "version": base.version, "size": len(base)}
