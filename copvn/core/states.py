"""State machines of cases, notices and referrals: transitions declared once per model, moved only by a
conditional update (`UPDATE … WHERE state = old`), so two actors never both win and an illegal move raises."""

from __future__ import annotations


class IllegalTransition(Exception):
    pass


def move(obj, transitions: dict[str, set[str]], target: str, **fields) -> bool:
    """Move `obj` (a model instance with a `state` field) to `target`, writing `fields` with it; False when
    another actor moved it first."""
    if target not in transitions.get(obj.state, set()):
        raise IllegalTransition(f"{obj.state} → {target} is not allowed")
    won = type(obj).objects.filter(pk=obj.pk, state=obj.state).update(state=target, **fields)
    if won:
        obj.state = target
        for name, value in fields.items():
            setattr(obj, name, value)
    return bool(won)
