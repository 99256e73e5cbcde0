"""Words for the codes a notice page would otherwise show (states, history actions, categories), and whether
the user may open a page it links to."""

from __future__ import annotations

from django import template

from copvn.audit.labels import action_label
from copvn.core.access import user_can
from copvn.taxonomy.models import Category

from ..states import State

register = template.Library()
register.filter("action_words", action_label)  # "notice.send" → "Gửi yêu cầu gỡ bỏ" (the audit viewer's labels)
register.filter("may", user_can)  # {% if user|may:"cases.view" %}: link only to pages the user may open


@register.filter
def state_words(code: str) -> str:
    """A notice state as people read it: "sent" → "Đã gửi"; an empty or unknown code stays as it is."""
    return State(code).label if code in State.values else code


@register.filter
def category_name(code: str) -> str:
    """The Vietnamese name of a category code: "FRAUD" → "Lừa đảo, mua bán người"."""
    return Category.objects.filter(code=code).values_list("name_vi", flat=True).first() or ""
