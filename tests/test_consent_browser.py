"""The press editor registers consents for two children (aged 6 and 9) and checks an article naming both,
in Debian's headless Chromium: the six-year-old is covered by the parent's consent; the nine-year-old lacks
her own until it is added; a withdrawal shows as withdrawn."""

from __future__ import annotations

import pytest

from .test_consent import ARTICLE
from .test_takedowns_browser import Person, chromium  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser


def _register(editor: Person, name: str, born: str, parent: str):
    page = editor.page
    assert editor.goto("/consent/new/") == 200
    page.get_by_label("Họ tên trẻ em").fill(name)
    page.locator("#id_date_of_birth").fill(born)
    page.get_by_label("Trường (không bắt buộc)").fill("Trường Tiểu học Vĩnh Hải")
    page.get_by_label("Họ tên, tuổi, đặc điểm nhận dạng").check()
    page.get_by_label("Trường, lớp, kết quả học tập, quan hệ bạn bè").check()
    page.get_by_label("Báo điện tử").check()
    page.get_by_label("Hiệu lực từ").fill("2026-11-01")
    page.get_by_label("Họ tên người ký").fill(parent)
    page.locator("#id_signed_on").fill("2026-11-20")
    page.get_by_role("button", name="Đăng ký").click()
    assert "Đã đăng ký đồng ý" in editor.messages()
    editor.assert_well()
    return page.url


def _check(editor: Person) -> str:
    page = editor.page
    assert editor.goto("/consent/check/") == 200
    page.get_by_label("Tiêu đề bài viết").fill("Những họa sĩ nhí")
    page.get_by_label("Nội dung bài viết").fill(ARTICLE)
    page.get_by_label("Ngày dự kiến đăng").fill("2026-12-10")
    page.get_by_role("button", name="Kiểm tra", exact=True).click()
    editor.assert_well()
    return page.locator("table").inner_text()


def test_an_editor_registers_two_children_and_checks_the_article(chromium, live_server, flushable_audit, make_org,  # noqa: F811
                                                                    make_user):
    agency = make_org("bao-kh", kind="press", name="Báo Khánh Hòa", short_name="BKH")
    editor = Person(chromium, live_server, make_user("press_editor", "bientap", organisation=agency))
    _register(editor, "Nguyễn Thị Lan", "2020-03-02", "Phạm Thị Hoa")
    khoa = _register(editor, "Trần Minh Khoa", "2017-05-09", "Lê Văn Tâm")
    table = _check(editor)
    assert "Em Nguyễn Thị Lan\tĐã có đủ đồng ý" in table
    assert "em Trần Minh Khoa\tThiếu đồng ý của chính trẻ (từ đủ 7 tuổi)" in table
    assert "N.T.L." in editor.page.locator("main").inner_text(), "the redaction is offered"

    editor.page.goto(khoa)
    editor.page.get_by_role("button", name="Thêm chữ ký").click()  # the form is filled with the child's own
    assert "Đã thêm chữ ký" in editor.messages()
    assert "em Trần Minh Khoa\tĐã có đủ đồng ý" in _check(editor)

    editor.page.goto(khoa)
    editor.page.get_by_label("Người rút lại").select_option("child")
    editor.page.get_by_role("button", name="Ghi nhận rút lại").click()
    assert "Đã ghi nhận việc rút lại" in editor.messages()
    assert "em Trần Minh Khoa\tĐồng ý đã bị rút lại" in _check(editor)
    editor.assert_well()
