"""The words of the review screen: why an item comes first, what a finding is."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.translation import gettext as _

from copvn.core.durations import in_words

register = template.Library()


@register.filter
def priority_words(reasons) -> str:
    """'ưu tiên vì: …' from an item's [[points, code, params], …]."""
    words = []
    for points, code, params in reasons or []:
        if code == "clock":
            hours = params.get("hours", 0)
            words.append(_("quá hạn 12 giờ") if hours <= 0 else
                         _("còn %(h)s trong hạn 12 giờ") % {"h": in_words(dt.timedelta(hours=hours))})
        elif code == "category":
            words.append(_("danh mục %(code)s") % {"code": params.get("code")})
        elif code == "detector":
            words.append(_("bộ phát hiện chắc chắn %(p)s%%") % {"p": round(100 * params.get("score", 0))})
        elif code == "trust":
            words.append(_("đối tác tin cậy") if params.get("trust") == "high" else _("nguồn ít tin cậy"))
        elif code == "age":
            words.append(_("đã chờ %(h)s") % {"h": in_words(dt.timedelta(hours=params.get("hours", 0)))})
        else:
            continue
        if not points:
            words.pop()
            continue
        words[-1] = f"{words[-1]} (+{points})"
    return "; ".join(words)



@register.filter
def detector_name(code: str) -> str:
    names = {"abuse": _("Bộ phân loại ngôn từ xúc phạm"), "lexicon": _("Từ điển danh mục"),
             "categories": _("Mô hình nhận dạng theo danh mục"),
             "pii": _("Thông tin riêng tư của trẻ em"), "hashlist": _("Danh sách mã băm"),
             "urllist": _("Danh sách URL"), "neardup": _("Nội dung gần giống vụ việc đã đánh giá")}
    return names.get(code, code)


@register.filter
def source_words(source: str) -> str:
    """What a finding examined, in words: "report:12:description" → "mô tả của phản ánh"."""
    kind, _sep, rest = (source or "").partition(":")
    field = rest.partition(":")[2]
    if kind == "report":
        return _("mô tả của phản ánh")
    if kind == "capture":
        return _("tiêu đề trang thu thập") if field == "title" else _("văn bản trang thu thập")
    if kind == "upload":
        return _("ảnh người phản ánh gửi")
    if kind in ("artefact", "media"):
        return _("ảnh trên trang thu thập")
    if kind == "url":
        return _("đường dẫn")
    return source


@register.filter
def abuse_label(label: str) -> str:
    return {"clean": _("bình thường"), "offensive": _("xúc phạm"), "hate": _("thù ghét")}.get(str(label).lower(), label)
