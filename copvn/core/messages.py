"""The words people read for the detection library's error codes (copvn.detect.errors), in their language.

The library raises `code` + `params`; this table is the only place that turns them into a sentence, so a
form, an import, a failed capture and the API all say the same thing, in Vietnamese or in English.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "url.not_text": _("Không phải là văn bản."),
    "url.empty": _("Đường dẫn trống."),
    "url.too_long": _("Đường dẫn dài hơn %(limit)s ký tự."),
    "url.spaces": _("Đường dẫn có dấu cách hoặc ký tự điều khiển (mỗi dòng chỉ ghi một đường dẫn)."),
    "url.scheme": _("Giao thức “%(scheme)s” không được nhận: chỉ phản ánh đường dẫn http và https."),
    "url.malformed": _("Đường dẫn sai định dạng."),
    "url.port": _("Cổng không phải là số từ 0 đến 65535."),
    "url.no_host": _("Đường dẫn thiếu tên miền."),
    "url.credentials": _("Không nhận đường dẫn có kèm tên đăng nhập hoặc mật khẩu."),
    "url.host_malformed": _("Tên miền sai định dạng."),
    "url.host_invalid": _("“%(host)s” không phải là tên miền hợp lệ."),
    "url.not_public": _("%(host)s là địa chỉ nội bộ (loopback, mạng riêng hoặc link-local): không thể thu thập, "
                        "nên không nhận phản ánh."),
    "fetch.redirects": _("Chuyển hướng quá %(limit)s lần."),
    "fetch.scheme": _("Không tải đường dẫn có giao thức “%(scheme)s” (chỉ http và https)."),
    "fetch.no_host": _("Đường dẫn thiếu tên miền."),
    "fetch.not_public": _("%(host)s trỏ tới %(address)s, không phải địa chỉ công cộng: từ chối tải."),
    "fetch.dns": _("Không tìm thấy tên miền %(host)s."),
    "fetch.no_address": _("Tên miền %(host)s không có địa chỉ."),
    "fetch.timeout": _("%(host)s: hết thời gian chờ."),
    "fetch.refused": _("%(host)s từ chối kết nối."),
    "fetch.reset": _("%(host)s: kết nối bị ngắt giữa chừng."),
    "fetch.tls": _("%(host)s: kết nối bảo mật (TLS) không thành công."),
    "fetch.network": _("%(host)s: lỗi mạng."),
    "fetch.short_body": _("%(host)s: kết nối đóng sau %(size)s trên %(declared)s byte."),
    "source.not_feed": _("Không phải nguồn tin RSS hoặc Atom hợp lệ (%(detail)s)."),
    "source.not_sitemap": _("Không phải sơ đồ trang (sitemap) hợp lệ (%(detail)s)."),
    "source.sitemap_too_big": _("Sơ đồ trang liệt kê quá %(limit)s địa chỉ: không đọc."),
    "source.inflated": _("Tệp nén giải nén ra quá %(limit)s byte: không đọc."),
    "source.selector": _("Phần trang cần theo dõi (%(selector)s) không phải bộ chọn hợp lệ."),
    "source.no_part": _("Trang không có phần nào khớp %(selector)s."),
    "source.drop_format": _("Tệp không phải JSON Lines hoặc CSV (%(detail)s)."),
    "source.drop_columns": _("Tệp không phải JSON Lines, hoặc là CSV nhưng thiếu cột text hoặc url."),
    "source.too_big": _("Nội dung trả về lớn hơn %(limit)s byte: không đọc."),
    "source.status": _("Máy chủ trả lời mã HTTP %(status)s."),
    "source.drop_lines": _("Một số dòng không đọc được (không phải JSON, hoặc thiếu text và url): %(detail)s"),
    "scan.input": _("Không đọc được %(path)s: %(detail)s."),
    "scan.cluster": _("Không có bộ điều phối Dask nào trả lời tại %(address)s (%(detail)s)."),
    "scan.cluster_missing": _("Quét trên cụm máy cần cài dask[distributed]."),
    "scan.pool": _("Các tiến trình quét liên tục bị dừng (%(restarts)s lần khởi động lại); mới quét %(done)s trên "
                   "%(total)s phần."),
}


def describe(code: str, params: dict | None = None, fallback: str = "") -> str:
    """The sentence for an error code in the active language; `fallback` (or the code) when it is unknown."""
    template = MESSAGES.get(code)
    if template is None:
        return fallback or code
    text = str(template)
    try:
        return text % {key: ("" if value is None else value) for key, value in (params or {}).items()}
    except (KeyError, ValueError, TypeError):
        return fallback or code


def describe_error(exc) -> str:
    """The sentence for a CodedError from copvn.detect."""
    return describe(getattr(exc, "code", ""), getattr(exc, "params", {}), fallback=str(exc))
