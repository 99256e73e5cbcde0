"""What the audit log's codes mean, in words people read.

Action codes and object types are storage keys (they are hashed into the chain and auditors filter by them),
so they never change; the viewer shows these labels first and the code beside them. A code without a label
is shown as itself. A new `record("…")` call needs its label here: tests/test_audit_labels.py checks it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "review.claim": _("Nhận vụ việc để xem xét"),
    "review.skip": _("Trả vụ việc về hàng đợi"),
    "review.hold": _("Tạm giữ vụ việc"),
    "review.unhold": _("Bỏ tạm giữ vụ việc"),
    "review.assign": _("Giao vụ việc"),
    "review.wellness": _("Đổi thiết lập bảo vệ người xem xét"),
    "decision.create": _("Ra quyết định"),
    "decision.approve": _("Phê duyệt quyết định"),
    "decision.return": _("Trả lại quyết định"),
    "decision.export": _("Xuất sổ quyết định"),
    "review.rule": _("Lưu quy tắc phân luồng"),
    # Notices (copvn.takedowns.services.log_event refuses a code that has no label here).
    "notice.draft": _("Lập dự thảo yêu cầu gỡ bỏ"),
    "notice.approve": _("Phê duyệt yêu cầu gỡ bỏ"),
    "notice.send": _("Gửi yêu cầu gỡ bỏ"),
    "notice.send_failed": _("Không gửi được yêu cầu gỡ bỏ"),
    "notice.hold": _("Giữ yêu cầu gỡ bỏ để phối hợp với công an"),
    "notice.cancel": _("Hủy yêu cầu gỡ bỏ"),
    "notice.close": _("Đóng yêu cầu gỡ bỏ"),
    "notice.url_moved": _("Tách địa chỉ đã đổi nhà cung cấp khỏi yêu cầu"),
    "notice.acknowledge": _("Nhà cung cấp xác nhận tiếp nhận yêu cầu"),
    "notice.removed": _("Nhà cung cấp báo đã gỡ"),
    "notice.dispute": _("Nhà cung cấp phản đối yêu cầu"),
    "notice.dispute_upheld": _("Chấp nhận phản đối của nhà cung cấp"),
    "notice.dispute_rejected": _("Không chấp nhận phản đối của nhà cung cấp"),
    "notice.verified_removed": _("Kiểm chứng: nội dung đã được gỡ"),
    "notice.verified_unavailable": _("Kiểm chứng: nội dung không truy cập được"),
    "notice.still_live": _("Kiểm chứng: nội dung vẫn còn"),
    "notice.breach": _("Ghi nhận yêu cầu quá hạn"),
    "notice.reminder": _("Gửi nhắc nhở yêu cầu gỡ bỏ"),
    "notice.second": _("Gửi yêu cầu gỡ bỏ lần hai"),
    "notice.escalate": _("Báo cáo cơ quan cấp trên về yêu cầu gỡ bỏ"),
    "notice.escalation_failed": _("Không báo cáo được cơ quan cấp trên"),
    "notice.provider_changed": _("Phát hiện nội dung đổi nhà cung cấp (tạm dừng thời hạn)"),
    "notice.addressee_confirmed": _("Xác nhận nơi nhận mới"),
    "notice.reupload": _("Nội dung đã yêu cầu gỡ xuất hiện lại trong vụ việc mới"),
    "notice.no_basis": _("Không có căn cứ pháp lý phù hợp để lập yêu cầu"),
    "notice.no_provider": _("Không xác định được nhà cung cấp của địa chỉ"),
    "notice.read": _("Xem yêu cầu gỡ bỏ (nhà cung cấp)"),
    "notice.letter_read": _("Tải văn bản yêu cầu gỡ bỏ"),
    "notice.figures_export": _("Xuất số liệu gỡ bỏ"),
    "notice.contact": _("Sửa địa chỉ nhận yêu cầu của nhà cung cấp"),
    "notice.settings": _("Sửa căn cứ pháp lý, thời hạn và các bước xử lý quá hạn"),
    "outbox.retry": _("Gửi lại thư trong hộp thư đi"),
    "referral.send": _("Chuyển hồ sơ tới cơ quan chức năng"),
    "referral.no_destination": _("Không có cơ quan nhận hồ sơ mặc định"),
    "referral.read": _("Xem phiếu chuyển hồ sơ"),
    "referral.package_read": _("Tải phiếu chuyển hồ sơ"),
    "referral.acknowledge": _("Cơ quan nhận xác nhận tiếp nhận hồ sơ"),
    "referral.outcome": _("Cơ quan nhận ghi kết quả xử lý"),
    "consent.register": _("Đăng ký đồng ý công bố thông tin trẻ em"),
    "consent.sign": _("Thêm chữ ký vào đồng ý công bố"),
    "consent.withdraw": _("Rút lại đồng ý công bố thông tin trẻ em"),
    "consent.check": _("Kiểm tra bài viết trước khi đăng"),
    "consent.read": _("Xem hồ sơ đồng ý công bố"),
    "consent.evidence_add": _("Lưu bản quét giấy đồng ý đã ký"),
    "consent.evidence_open": _("Mở bản quét giấy đồng ý đã ký"),
    "consent.form": _("Tải mẫu giấy đồng ý công bố"),
    "consent.check_read": _("Xem kết quả kiểm tra bài viết đã lưu"),
    "task.create": _("Tạo nhiệm vụ"),
    "task.update": _("Cập nhật nhiệm vụ"),
    "task.read": _("Xem nhiệm vụ"),
    "coordination.attach": _("Lưu tệp minh chứng"),
    "coordination.attachment_open": _("Tải tệp minh chứng"),
    "activity.create": _("Ghi nhận hoạt động"),
    "obstacle.raise": _("Gửi vướng mắc"),
    "obstacle.answer": _("Trả lời vướng mắc"),
    "submission.save": _("Lưu báo cáo của đơn vị"),
    "submission.submit": _("Nộp báo cáo của đơn vị"),
    "submission.accept": _("Tiếp nhận báo cáo của đơn vị"),
    "submission.return": _("Trả lại báo cáo của đơn vị"),
    "submission.read": _("Xem báo cáo của đơn vị"),
    "submission.request": _("Yêu cầu báo cáo đột xuất"),
    "report.generate": _("Tạo báo cáo định kỳ"),
    "reporting.programme_create": _("Thêm chương trình"),
    "reporting.target_create": _("Thêm chỉ tiêu"),
    "dashboard.view": _("Xem số liệu tổng hợp"),
    "monitoring.source_create": _("Thêm nguồn theo dõi"),
    "monitoring.source_update": _("Sửa nguồn theo dõi"),
    "monitoring.source_read": _("Xem nguồn theo dõi"),
    "monitoring.check": _("Kiểm tra nguồn theo dõi"),
    "monitoring.drop": _("Nộp tệp bài đăng để quét"),
    "scan.import_alerts": _("Đưa cảnh báo của lượt quét hàng loạt vào hàng đợi"),
    "apikey.issue": _("Cấp khóa API"),
    "apikey.revoke": _("Thu hồi khóa API"),
    "token.create": _("Cấp mã truy cập API cá nhân"),
    "token.revoke": _("Thu hồi mã truy cập API cá nhân"),
    "audit.chain_broken": _("Phát hiện chuỗi nhật ký bị phá vỡ"),
    "audit.export": _("Xuất nhật ký kiểm toán"),
    "audit.verify": _("Kiểm tra tính toàn vẹn nhật ký"),
    "auth.login": _("Đăng nhập"),
    "auth.login_failed": _("Đăng nhập không thành công"),
    "auth.logout": _("Đăng xuất"),
    "auth.second_factor": _("Qua bước xác thực hai lớp"),
    "auth.locked": _("Khóa tài khoản do nhập sai mã xác thực"),
    "auth.password_changed": _("Đổi mật khẩu"),
    "auth.second_factor_enrolled": _("Bật xác thực hai lớp"),
    "capture.done": _("Thu thập nội dung thành công"),
    "capture.failed": _("Thu thập nội dung bị lỗi"),
    "capture.refused": _("Từ chối thu thập nội dung"),
    "case.view": _("Xem vụ việc"),
    "evidence.export": _("Tải chứng cứ"),
    "media.reveal": _("Hiện ảnh gốc"),
    "media.view_blurred": _("Xem ảnh đã làm mờ"),
    "media.purge": _("Hủy ảnh đã lưu, chỉ giữ mã băm"),
    "lists.create": _("Tạo danh sách đối chiếu"),
    "lists.update": _("Sửa thiết lập danh sách đối chiếu"),
    "lists.import": _("Nhập giá trị vào danh sách đối chiếu từ tệp"),
    "lists.add": _("Thêm giá trị vào danh sách đối chiếu"),
    "lists.remove": _("Xóa giá trị khỏi danh sách đối chiếu"),
    "lists.export": _("Tải danh sách đối chiếu"),
    "lists.confirm_media": _("Ghi mã băm ảnh đã xác nhận vào danh sách đối chiếu"),
    "orgs.create": _("Thêm cơ quan, tổ chức"),
    "orgs.load": _("Nạp danh sách cơ quan, tổ chức từ tệp"),
    "orgs.update": _("Sửa cơ quan, tổ chức"),
    "referral.prepare": _("Chuẩn bị hồ sơ chuyển cơ quan công an"),
    "report.import": _("Nhập phản ánh hàng loạt"),
    "report.submit": _("Ghi nhận phản ánh"),
    "taxonomy.create": _("Thêm danh mục"),
    "taxonomy.update": _("Sửa danh mục"),
    "users.create": _("Thêm người dùng"),
    "users.reset_password": _("Cấp lại mật khẩu"),
    "users.unlock": _("Mở khóa tài khoản"),
    "users.reset_second_factor": _("Hủy xác thực hai lớp"),
    "users.update": _("Sửa người dùng"),
}

# `app_label.model_name` of every model an entry can be about.
OBJECT_TYPES = {
    "review.routingrule": _("Quy tắc phân luồng"),
    "accounts.user": _("Người dùng"),
    "cases.artefact": _("Chứng cứ"),
    "cases.capture": _("Lần thu thập"),
    "cases.case": _("Vụ việc"),
    "intake.apikey": _("Khóa API"),
    "intake.report": _("Phản ánh"),
    "intake.upload": _("Ảnh tải lên"),
    "lists.hashlist": _("Danh sách đối chiếu"),
    "orgs.organisation": _("Cơ quan, tổ chức"),
    "taxonomy.category": _("Danh mục"),
}

# Django's default text for a model without __str__ ("Capture object (4)"), found in entries written before
# every audited model had one.
_DEFAULT_REPR = " object ("


def action_label(code: str) -> str:
    return str(ACTIONS.get(code, code))


def object_noun(object_type: str) -> str:
    return str(OBJECT_TYPES.get(object_type, object_type))


def object_label(object_type: str, object_id: str, object_repr: str) -> str:
    """"Phản ánh PA-9M2RH-VGD87"; "Lần thu thập #4" where the stored text says nothing."""
    if not object_type:
        return ""
    if not object_repr or _DEFAULT_REPR in object_repr:
        object_repr = f"#{object_id}" if object_id else ""
    return f"{object_noun(object_type)} {object_repr}".strip()


def action_choices(codes: Iterable[str]) -> list[tuple[str, str]]:
    """(code, label) for the action filter, in code order so that related acts stay together."""
    return [(code, action_label(code)) for code in sorted(set(codes))]
