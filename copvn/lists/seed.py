"""The province's own lists, seeded by migration 0002 and recreated by the services if they are missing.

Slugs are storage keys: the review workflow writes confirmed images to these lists by slug.
"""

from __future__ import annotations

CONFIRMED_PDQ = "anh-da-xac-nhan-pdq"
CONFIRMED_SHA256 = "anh-da-xac-nhan-sha256"
FALSE_POSITIVE_PDQ = "anh-nhan-nham-pdq"
FALSE_POSITIVE_SHA256 = "anh-nhan-nham-sha256"

# slug -> the list's fields. Categories come from the review decision, not from these lists.
PROVINCE_LISTS = {
    CONFIRMED_PDQ: {
        "name": "Ảnh đã xác nhận (PDQ)", "kind": "pdq", "negative": False,
        "description": "Mã PDQ của ảnh chuyên viên đã xác nhận là nội dung có hại; danh mục theo quyết định xem xét.",
    },
    CONFIRMED_SHA256: {
        "name": "Ảnh đã xác nhận (SHA-256)", "kind": "sha256", "negative": False,
        "description": "Mã SHA-256 của tệp ảnh chuyên viên đã xác nhận là nội dung có hại.",
    },
    FALSE_POSITIVE_PDQ: {
        "name": "Ảnh nhận nhầm (PDQ)", "kind": "pdq", "negative": True,
        "description": "Mã PDQ của ảnh đã khớp nhầm và được xác nhận là không có hại: khớp danh sách này thì "
                       "không gắn cờ, dù khớp danh sách khác.",
    },
    FALSE_POSITIVE_SHA256: {
        "name": "Ảnh nhận nhầm (SHA-256)", "kind": "sha256", "negative": True,
        "description": "Mã SHA-256 của tệp ảnh đã khớp nhầm và được xác nhận là không có hại.",
    },
}
SOURCE = "Tỉnh"


def seed(apps, schema_editor=None):
    HashList = apps.get_model("lists", "HashList")
    for slug, fields in PROVINCE_LISTS.items():
        HashList.objects.get_or_create(slug=slug, defaults={**fields, "source": SOURCE})
