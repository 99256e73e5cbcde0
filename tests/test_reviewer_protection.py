"""Reviewer protection happens on the server: before a deliberate, audited reveal, staff get a blurred copy."""

import io
import random

import pytest
from PIL import Image, ImageStat

from copvn.audit.models import AuditEvent
from copvn.core.blobs import QUARANTINE
from copvn.intake.services import ReportInput, submit


def detailed_png(width=640, height=480, seed=7) -> bytes:
    """Coloured noise: every pixel differs from its neighbours, so any real blur shows in the numbers."""
    rng = random.Random(seed)
    image = Image.frombytes("RGB", (width, height), bytes(rng.randrange(256) for _ in range(width * height * 3)))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def neighbour_difference(image: Image.Image) -> float:
    """Mean absolute difference between horizontally adjacent pixels (high for detail, ~0 when blurred)."""
    grey = image.convert("L")
    shifted = grey.crop((1, 0, grey.width, grey.height))
    base = grey.crop((0, 0, grey.width - 1, grey.height))
    from PIL import ImageChops

    return ImageStat.Stat(ImageChops.difference(base, shifted)).mean[0]


@pytest.fixture
def case_with_detail(db):
    report, _ = submit(ReportInput(channel="hotline_111", description="Ảnh chụp tin nhắn dụ dỗ",
                                   uploads=[(detailed_png(), "tin-nhan.png")]))
    return report.case, report.uploads.get()


def test_the_image_a_staff_page_receives_is_a_blurred_greyscale_copy_never_the_original(
        client, make_user, signed_in, case_with_detail):
    case, upload = case_with_detail
    signed_in(make_user("analyst"))
    page = client.get(f"/cases/{case.reference}/").content.decode()
    assert f"/cases/{case.reference}/media/{upload.pk}/" in page
    response = client.get(f"/cases/{case.reference}/media/{upload.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "no-store, private"
    original_bytes = QUARANTINE.read(upload.sha256)
    assert response.content != original_bytes
    received = Image.open(io.BytesIO(response.content))
    assert received.mode == "L", "greyscale"
    assert max(received.size) <= 320 < max(Image.open(io.BytesIO(original_bytes)).size), "downscaled"
    original_detail = neighbour_difference(Image.open(io.BytesIO(original_bytes)))
    assert original_detail > 50
    assert neighbour_difference(received) < 2, "blurred: no pixel-level detail survives"
    assert AuditEvent.objects.filter(action="media.view_blurred", object_id=str(upload.pk)).exists()
    assert not AuditEvent.objects.filter(action="media.reveal").exists()


def test_the_original_comes_only_from_a_post_that_is_audited_first(client, make_user, signed_in, case_with_detail):
    case, upload = case_with_detail
    analyst = make_user("analyst")
    signed_in(analyst)
    url = f"/cases/{case.reference}/media/{upload.pk}/reveal/"
    assert client.get(url).status_code == 405
    response = client.post(url, {"reason": "Xác minh nội dung tin nhắn"})
    assert response.status_code == 200 and response.content == QUARANTINE.read(upload.sha256)
    assert response["Content-Type"] == "image/png" and response["Cache-Control"] == "no-store, private"
    event = AuditEvent.objects.get(action="media.reveal", object_id=str(upload.pk))
    assert event.actor == analyst and event.reason == "Xác minh nội dung tin nhắn"
    assert event.data["sha256"] == upload.sha256


def test_a_setting_can_require_a_reason_for_every_reveal(client, make_user, signed_in, case_with_detail, settings):
    settings.REVEAL_REASON_REQUIRED = True
    case, upload = case_with_detail
    signed_in(make_user("analyst"))
    url = f"/cases/{case.reference}/media/{upload.pk}/reveal/"
    refused = client.post(url, {"reason": "  "})
    assert refused.status_code == 400 and "lý do" in refused.content.decode()
    assert not AuditEvent.objects.filter(action="media.reveal").exists()
    assert 'name="reason"' in client.get(f"/cases/{case.reference}/").content.decode()
    assert client.post(url, {"reason": "Đối chiếu"}).status_code == 200


def test_roles_without_the_reveal_capability_get_neither_copy_nor_original(client, make_user, signed_in,
                                                                           case_with_detail):
    case, upload = case_with_detail
    signed_in(make_user("legal_officer"))
    assert client.get(f"/cases/{case.reference}/media/{upload.pk}/").status_code == 403
    assert client.post(f"/cases/{case.reference}/media/{upload.pk}/reveal/").status_code == 403
    assert f"/media/{upload.pk}/" not in client.get(f"/cases/{case.reference}/").content.decode()


def test_media_of_a_case_flagged_csam_is_served_to_no_one_in_any_form(client, make_user, signed_in, db):
    report, _ = submit(ReportInput(channel="web", harm_words="sexual_abuse", uploads=[(detailed_png(), "x.png")]))
    upload = report.uploads.get()
    signed_in(make_user("senior_analyst"))
    base = f"/cases/{report.case.reference}/media/{upload.pk}/"
    assert client.get(base).status_code == 404
    assert client.post(base + "reveal/", {"reason": "x"}).status_code == 404
    assert not AuditEvent.objects.filter(action__startswith="media.").exists()
