"""The notice's state machine, declared once. Every transition goes through `Notice.move_to`.

copvn's own view of a notice (these states) is kept apart from what the provider says (`provider_status`)
and from what the checks found (`NoticeURL.verified`), as abuse desks do: a provider that reports removal
moves the notice to "removal reported", and only the fetcher's checks move it to "verified removed".
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from copvn.core.states import IllegalTransition  # noqa: F401 (raised by Notice.move_to)


class State(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    APPROVED = "approved", _("Đã phê duyệt")
    SENT = "sent", _("Đã gửi")
    ACKNOWLEDGED = "acknowledged", _("Đã xác nhận tiếp nhận")
    REMOVAL_REPORTED = "removal_reported", _("Nhà cung cấp báo đã gỡ")
    DISPUTED = "disputed", _("Nhà cung cấp phản đối")
    VERIFIED_REMOVED = "verified_removed", _("Đã kiểm chứng: đã gỡ")
    VERIFIED_UNAVAILABLE = "verified_unavailable", _("Đã kiểm chứng: không truy cập được (chặn vùng, yêu cầu đăng nhập)")
    STILL_LIVE = "still_live", _("Vẫn còn trên mạng")
    ESCALATED = "escalated", _("Đã báo cáo cơ quan cấp trên")
    CLOSED = "closed", _("Đã đóng")
    CANCELLED = "cancelled", _("Đã hủy")


S = State
# Provider answers are accepted in every open state after sending; checks can settle any open sent state.
_OPEN_AFTER_SENDING = {S.SENT, S.ACKNOWLEDGED, S.REMOVAL_REPORTED, S.DISPUTED, S.STILL_LIVE, S.ESCALATED}
_VERIFIED = {S.VERIFIED_REMOVED, S.VERIFIED_UNAVAILABLE, S.STILL_LIVE}

TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.APPROVED, S.CANCELLED},
    S.APPROVED: {S.SENT, S.DRAFT, S.CANCELLED},  # back to draft: the provider changed before sending
    S.SENT: {S.ACKNOWLEDGED, S.REMOVAL_REPORTED, S.DISPUTED, S.ESCALATED} | _VERIFIED,
    S.ACKNOWLEDGED: {S.REMOVAL_REPORTED, S.DISPUTED, S.ESCALATED} | _VERIFIED,
    S.REMOVAL_REPORTED: _VERIFIED | {S.DISPUTED, S.ESCALATED},  # escalated: the ladder, when no check settled it
    S.DISPUTED: _VERIFIED | {S.ESCALATED, S.CLOSED},
    S.STILL_LIVE: {S.SENT, S.ACKNOWLEDGED, S.REMOVAL_REPORTED, S.DISPUTED, S.ESCALATED,
                   S.VERIFIED_REMOVED, S.VERIFIED_UNAVAILABLE},  # SENT: the second notice
    S.ESCALATED: {S.REMOVAL_REPORTED, S.DISPUTED, S.VERIFIED_REMOVED, S.VERIFIED_UNAVAILABLE, S.CLOSED},
    S.VERIFIED_REMOVED: {S.CLOSED, S.STILL_LIVE},  # still live again: a re-upload at the same address
    S.VERIFIED_UNAVAILABLE: {S.CLOSED, S.STILL_LIVE, S.VERIFIED_REMOVED},
    S.CLOSED: {S.STILL_LIVE},
    S.CANCELLED: set(),
}
OPEN_AFTER_SENDING = frozenset(_OPEN_AFTER_SENDING)
ANSWERABLE = frozenset({S.SENT, S.ACKNOWLEDGED, S.STILL_LIVE, S.ESCALATED, S.REMOVAL_REPORTED})
CLOCK_RUNNING = frozenset({S.SENT, S.ACKNOWLEDGED, S.DISPUTED, S.STILL_LIVE, S.ESCALATED, S.REMOVAL_REPORTED})
FINISHED = frozenset({S.VERIFIED_REMOVED, S.VERIFIED_UNAVAILABLE, S.CLOSED, S.CANCELLED})
