from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from copvn.core.access import user_can

# (capability, url name, label): the navigation shows only what the user may open.
NAV = [
    ("home", "home", _("Trang chủ")),
    ("review.work", "review:queue", _("Hàng đợi xem xét")),
    ("cases.view", "cases:list", _("Vụ việc")),
    ("monitoring.view", "monitoring:list", _("Giám sát nguồn tin")),
    ("review.metrics", "review:metrics", _("Thời gian xử lý")),
    ("review.rules", "review:rules", _("Quy tắc phân luồng")),
    ("notices.view", "takedowns:list", _("Yêu cầu gỡ bỏ")),
    ("notices.respond", "takedowns:portal", _("Yêu cầu gửi đơn vị")),
    ("referrals.view", "referrals:list", _("Chuyển cơ quan chức năng")),
    ("referrals.respond", "referrals:inbox", _("Hồ sơ được chuyển tới")),
    ("notices.figures", "takedowns:figures", _("Số liệu gỡ bỏ")),
    ("notices.contacts", "takedowns:contacts", _("Địa chỉ nhận yêu cầu")),
    ("notices.settings", "takedowns:settings", _("Căn cứ pháp lý và thời hạn")),
    ("outbox.view", "takedowns:outbox", _("Hộp thư đi")),
    ("consent.check", "consent:check", _("Kiểm tra trước khi đăng")),
    ("consent.view", "consent:list", _("Đồng ý công bố thông tin trẻ em")),
    ("tasks.view", "coordination:list", _("Nhiệm vụ")),
    ("activities.view", "coordination:activities", _("Hoạt động đã thực hiện")),
    ("obstacles.view", "coordination:obstacles", _("Khó khăn, vướng mắc")),
    ("reports.submit", "reporting:mine", _("Báo cáo của đơn vị")),
    ("reports.view", "reporting:index", _("Báo cáo định kỳ")),
    ("dashboard.view", "reporting:dashboard", _("Số liệu tổng hợp")),
    ("intake.enter", "intake:staff_new", _("Nhập phản ánh")),
    ("intake.import", "intake:import", _("Nhập hàng loạt")),
    ("orgs.view", "orgs:list", _("Cơ quan, tổ chức")),
    ("taxonomy.view", "taxonomy:list", _("Danh mục nội dung có hại")),
    ("users.manage", "accounts:user_list", _("Người dùng")),
    ("lists.view", "lists:index", _("Danh sách đối chiếu")),
    ("audit.view", "audit:list", _("Nhật ký kiểm toán")),
    ("apikeys.manage", "apikeys:list", _("Khóa API đối tác")),
]


def navigation(request):
    from django.conf import settings

    languages = {"languages": settings.LANGUAGES}  # each named in itself, never translated ("English", not "Tiếng Anh")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": [], **languages}
    current = request.resolver_match.view_name if request.resolver_match else ""
    items = [
        {"url": reverse(name), "label": label, "active": _is_current(name, current)}
        for capability, name, label in NAV
        if user_can(user, capability)
    ]
    return {"nav": items, **languages}


def _is_current(name: str, current: str) -> bool:
    """The entry for this page, or for its section when the section has only one entry."""
    if name == current:
        return True
    section = name.partition(":")[0]
    shared = sum(1 for _c, other, _l in NAV if other.partition(":")[0] == section)
    return ":" in name and shared == 1 and current.partition(":")[0] == section
