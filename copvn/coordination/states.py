"""The task's states and the moves between them (moved by copvn.core.states.move)."""

from .models import Task

S = Task.State
TRANSITIONS: dict[str, set[str]] = {
    S.OPEN: {S.IN_PROGRESS, S.DONE, S.CANCELLED},
    S.IN_PROGRESS: {S.OPEN, S.DONE, S.CANCELLED},
    S.DONE: {S.IN_PROGRESS},  # reopened: the work turned out not to be done
    S.CANCELLED: set(),
}
