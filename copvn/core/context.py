from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from copvn.core.access import user_can

# (capability, url name, label): the navigation shows only what the user may open.
NAV = [
    ("home", "home", _("Trang chủ")),
    ("orgs.view", "orgs:list", _("Cơ quan, tổ chức")),
    ("taxonomy.view", "taxonomy:list", _("Danh mục nội dung có hại")),
    ("users.manage", "accounts:user_list", _("Người dùng")),
    ("audit.view", "audit:list", _("Nhật ký kiểm toán")),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    current = request.resolver_match.view_name if request.resolver_match else ""
    items = [
        {"url": reverse(name), "label": label, "active": current.split(":")[0] == name.split(":")[0]}
        for capability, name, label in NAV
        if user_can(user, capability)
    ]
    return {"nav": items}
