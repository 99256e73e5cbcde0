"""Bytes of media in a case of child sexual abuse material are never kept: hashes only, checked on the disk."""

from pathlib import Path

from django.conf import settings

from copvn.audit.models import AuditEvent
from copvn.cases.services import purge_media
from copvn.intake.models import Upload
from copvn.intake.services import ReportInput, submit

from .conftest import png_bytes
from .test_reviewer_protection import detailed_png


def stored_files() -> list[Path]:
    root = Path(settings.DATA_DIR) / "quarantine"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_staff_entry_in_the_csam_category_writes_no_bytes_to_disk(client, make_user, signed_in):
    before = set(stored_files())
    officer = make_user("intake_officer")
    signed_in(officer)
    image = detailed_png(seed=11)
    from io import BytesIO

    upload = BytesIO(image)
    upload.name = "anh.png"
    response = client.post("/intake/new/", {"channel_choice": "hotline_111", "description": "Trao đổi ảnh trẻ em",
                                            "categories": ["CSAM"], "harm_words": "other", "screenshots": [upload]})
    assert response.status_code == 302
    kept = Upload.objects.get()
    assert set(stored_files()) == before, "nothing new in quarantine"
    assert not any(image == p.read_bytes() for p in stored_files())
    assert kept.bytes_kept is False and len(kept.sha256) == 64 and len(kept.md5) == 32 and len(kept.pdq) == 64
    page = client.get(response.url).content.decode()
    assert kept.sha256 in page and f"/media/{kept.pk}/" not in page


def test_a_case_that_becomes_csam_later_purges_its_stored_media_and_audits_it(db):
    first, _ = submit(ReportInput(channel="web", urls=["https://ke-xau.example.vn/p/1"],
                                  uploads=[(png_bytes(colour=(5, 6, 7)), "a.png")]))
    kept = first.uploads.get()
    assert kept.bytes_kept and any(p.name == kept.sha256 for p in stored_files())
    second, _ = submit(ReportInput(channel="hotline_111", urls=["https://ke-xau.example.vn/p/1"],
                                   category_codes=["CSAM"], uploads=[(png_bytes(colour=(8, 9, 10)), "b.png")]))
    assert second.case == first.case
    assert not any(p.name in {kept.sha256, second.uploads.get().sha256} for p in stored_files())
    assert set(Upload.objects.values_list("bytes_kept", flat=True)) == {False}
    purge = AuditEvent.objects.get(action="media.purge")
    assert purge.object_id == str(first.case.pk) and purge.data["sha256"] == [kept.sha256]


def test_purging_twice_changes_nothing(db):
    report, _ = submit(ReportInput(channel="web", description="x", uploads=[(png_bytes(colour=(1, 1, 9)), "c.png")]))
    assert purge_media(report.case, reason="thử") == [report.uploads.get().sha256]
    assert purge_media(report.case, reason="thử") == []
    assert AuditEvent.objects.filter(action="media.purge").count() == 1
