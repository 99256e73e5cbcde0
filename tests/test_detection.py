"""Detection on every case: every detector over every text, image and URL of a case, stored once as findings."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from django.conf import settings
from django_tasks_db.models import DBTaskResult

from copvn.audit.models import AuditEvent
from copvn.cases import capture
from copvn.cases.models import Capture
from copvn.detect.text import classify as text_classify
from copvn.detect.text import lexicon
from copvn.intake.services import ReportInput, submit
from copvn.review import detection
from copvn.review.models import Finding
from copvn.review.tasks import detect_case_task

from .conftest import png_bytes
from .local_site import LocalSite
from .test_reviewer_protection import detailed_png

# A grooming message as a parent forwards it: teencode ("r", "vs", "bme", "nt") makes the normalised text
# longer than the text as written, so offsets that were not mapped back would miss the words.
GROOMING = 'Tin nhắn người lạ gửi con tôi:  "Em học lớp mấy r? Đừng nói vs bme là anh nt cho em nhé"'
CHILD_DETAILS = "Em Nguyễn Thị Lan, học sinh lớp 6A2 Trường THCS Nguyễn Du, bị người lạ nhắn tin làm quen."


def report(description="", uploads=(), urls=()):
    made, _created = submit(ReportInput(channel="hotline_111", description=description, uploads=list(uploads),
                                        urls=list(urls)))
    return made


# ------------------------------------------------------------------------------------------ the lists in use

class Lists:
    """The province's hash and URL lists (copvn.lists), filled through its services as an analyst would."""

    def add(self, slug, kind, value, category_code="", negative=False):
        from copvn.lists import services
        from copvn.lists.models import HashList

        hash_list = HashList.objects.filter(slug=slug).first() or services.create_list(
            name=f"Danh sách {slug}", slug=slug, kind=kind, category_code=category_code, negative=negative)
        services.add_entries(hash_list, [value])
        return hash_list.entries.get(value=value)


@pytest.fixture
def lists(db):
    from copvn.lists import matching

    matching.forget()  # list ids are reused from one test's rolled-back database to the next
    yield Lists()
    matching.forget()


def flipped(pdq: str, bits: int) -> str:
    return f"{int(pdq, 16) ^ ((1 << bits) - 1):064x}"


def quarantined() -> set[str]:
    root = Path(settings.DATA_DIR) / "quarantine"
    return {p.name for p in root.rglob("*") if p.is_file()} if root.exists() else set()


# ----------------------------------------------------------------------------------------------------- texts

@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_grooming_cues_in_a_description_are_found_with_spans_into_the_text_as_written(db, lists, form):
    made = report(unicodedata.normalize(form, GROOMING))
    detection.detect_case(made.case_id)
    found = Finding.objects.get(case=made.case, detector="lexicon", category_code="GROOM")
    description = made.description
    assert found.source == f"report:{made.pk}:description" and found.status == "ok" and found.score >= 0.5
    spans = found.evidence["spans"]
    assert [description[s["start"]:s["end"]] for s in spans] == [
        unicodedata.normalize(form, words) for words in ("Em học lớp mấy", "Đừng nói vs bme")]
    assert all(s["text"] == description[s["start"]:s["end"]] for s in spans)
    assert [(s["phrase"], s["cue"]) for s in spans] == [("em học lớp mấy", "school"), ("đừng nói với bố mẹ", "secrecy")]
    assert found.version == detection.lexicon_version() and found.version.startswith(lexicon.VERSION + "+data.")


def test_the_abuse_verdict_of_every_text_is_kept_with_the_model_version(db, lists):
    made = report(GROOMING)
    detection.detect_case(made.case_id)
    verdict = Finding.objects.get(case=made.case, detector="abuse")
    assert verdict.version == text_classify.default().abuse.meta["version"]
    probabilities = verdict.evidence["probabilities"]
    assert set(probabilities) == {"clean", "offensive", "hate"} and verdict.evidence["label"] == "clean"
    assert verdict.score == pytest.approx(probabilities["offensive"] + probabilities["hate"], abs=1e-4)
    assert verdict.category_code == ""


def test_running_detection_twice_stores_nothing_more(db, lists):
    made = report(GROOMING + "\n" + CHILD_DETAILS, uploads=[(detailed_png(seed=3), "a.png")])
    lists.add("bet-sites", "url", "https://example.vn/x", category_code="GAMB")
    first = detection.detect_case(made.case_id)
    rows = set(Finding.objects.values_list("key", flat=True))
    second = detection.detect_case(made.case_id)
    assert first["new"] == len(rows) > 0 and second["new"] == 0
    assert set(Finding.objects.values_list("key", flat=True)) == rows


def test_a_new_detector_version_adds_its_own_rows_and_keeps_the_old(db, lists, monkeypatch):
    made = report(GROOMING)
    detection.detect_case(made.case_id)
    old = {(f.detector, f.version) for f in Finding.objects.all()}
    monkeypatch.setattr(lexicon, "VERSION", "9.9")
    result = detection.detect_case(made.case_id)
    now = {(f.detector, f.version) for f in Finding.objects.all()}
    assert old < now and result["new"] == 1
    assert {v for d, v in now - old} == {detection.lexicon_version("9.9")} and {d for d, v in now - old} == {"lexicon"}


def test_a_detector_that_raises_leaves_an_error_finding_and_the_others_still_run(db, lists, monkeypatch):
    made = report(GROOMING)
    case_url = made.case.urls.create(canonical="https://example.vn/p", canonical_digest="d" * 64, first_url="x")
    Capture.objects.create(case_url=case_url, requested_url="https://example.vn/p", status="done",
                           text="Đừng kể với ai nhé, gửi ảnh cho anh xem", title="Nhóm kín")
    real = lexicon.LexiconDetector.__call__

    def fails_on_the_description(self, item):
        if "Tin nhắn người lạ" in item.original:
            raise RuntimeError("lexicon unreadable")
        return real(self, item)

    monkeypatch.setattr(lexicon.LexiconDetector, "__call__", fails_on_the_description)
    detection.detect_case(made.case_id)
    error = Finding.objects.get(status="error")
    assert (error.detector, error.source) == ("lexicon", f"report:{made.pk}:description")
    assert "RuntimeError: lexicon unreadable" in error.error and error.version == detection.lexicon_version()
    assert Finding.objects.filter(detector="lexicon", status="ok", source__startswith="capture:").exists()
    assert Finding.objects.filter(detector="abuse", status="ok").count() == 3, "description, capture text and title"
    monkeypatch.setattr(lexicon.LexiconDetector, "__call__", real)
    detection.detect_case(made.case_id)
    assert Finding.objects.filter(detector="lexicon", status="ok", source=error.source, category_code="GROOM").exists()
    assert Finding.objects.filter(status="error").count() == 1, "the earlier error stays as it was"


def test_a_childs_name_and_school_are_a_priv_finding_with_the_child_decision(db, lists):
    made = report(CHILD_DETAILS)
    detection.detect_case(made.case_id)
    found = Finding.objects.get(case=made.case, detector="pii")
    assert found.category_code == "PRIV" and found.score == 1.0 and found.evidence["child"] is True
    assert found.version == detection.pii_version()
    person = found.evidence["persons"][0]
    assert person["child"] is True and "school" in person["evidence"]
    by_type = {s["type"]: s for s in found.evidence["spans"]}
    assert by_type["name"]["text"] == "Em Nguyễn Thị Lan" and by_type["school"]["text"] == "Trường THCS Nguyễn Du"
    assert all(made.description[s["start"]:s["end"]] == s["text"] and s["child"] for s in by_type.values())


def test_an_adults_details_are_kept_without_the_priv_code(db, lists):
    made = report("Ông Trần Văn Bình, số điện thoại 0905 123 456, cho biết sự việc.")
    detection.detect_case(made.case_id)
    found = Finding.objects.get(case=made.case, detector="pii")
    assert found.category_code == "" and found.evidence["child"] is False


# ----------------------------------------------------------------------------------------------------- lists

def test_an_upload_in_a_csam_list_flags_the_case_purges_the_bytes_and_prepares_a_referral(
        db, lists, client, make_user, signed_in):
    made = report("Ảnh nhận được qua tin nhắn", uploads=[(detailed_png(seed=21), "anh.png")])
    upload = made.uploads.get()
    signed_in(make_user("analyst"))
    media_url = f"/cases/{made.case.reference}/media/{upload.pk}/"
    assert client.get(media_url).status_code == 200 and upload.sha256 in quarantined()
    listed = flipped(upload.pdq, 3)
    entry = lists.add("ncmec-2026-11", "pdq", listed, category_code="CSAM")
    result = detection.detect_case(made.case_id)
    assert result["csam"] is True
    match = Finding.objects.get(detector="hashlist")
    assert match.version == f"ncmec-2026-11@{entry.hash_list.version}" and match.category_code == "CSAM"
    assert match.score == pytest.approx(1 - 3 / 256, abs=1e-4)
    assert match.evidence == {"list": "ncmec-2026-11", "list_name": "Danh sách ncmec-2026-11", "entry": listed,
                              "entry_id": entry.pk, "kind": "pdq", "distance": 3, "negative": False,
                              "what": f"upload:{upload.pk}", "list_category": "CSAM", "vetoed_by": []}
    made.case.refresh_from_db()
    assert made.case.categories.filter(code="CSAM").exists() and made.case.urgent_deadline is not None
    upload.refresh_from_db()
    assert upload.bytes_kept is False and upload.sha256 not in quarantined()
    referral = AuditEvent.objects.get(action="referral.prepare")
    assert referral.object_id == str(made.case_id)
    assert referral.data["case"] == made.case.reference and referral.data["entry"] == listed
    assert AuditEvent.objects.filter(action="media.purge", object_id=str(made.case_id)).exists()
    assert client.get(media_url).status_code == 404
    assert detection.detect_case(made.case_id)["new"] == 0
    lists.add("ncmec-2026-11", "pdq", flipped(upload.pdq, 40), category_code="CSAM")  # a new list version
    assert detection.detect_case(made.case_id)["new"] == 1 and Finding.objects.filter(detector="hashlist").count() == 2
    assert AuditEvent.objects.filter(action="referral.prepare").count() == 1, "one referral per listed entry"


def test_a_negative_list_match_beats_the_positive_one(db, lists):
    made = report("Ảnh nhận được", uploads=[(detailed_png(seed=22), "anh.png")])
    upload = made.uploads.get()
    lists.add("ncmec-2026-11", "pdq", flipped(upload.pdq, 2), category_code="CSAM")
    lists.add("known-false-positives", "sha256", upload.sha256, category_code="CSAM", negative=True)
    result = detection.detect_case(made.case_id)
    assert result["csam"] is False
    negative = Finding.objects.get(detector="hashlist")
    assert negative.evidence["negative"] is True and negative.evidence["list"] == "known-false-positives"
    assert negative.category_code == "" and negative.evidence["list_category"] == "CSAM"
    assert not Finding.objects.filter(category_code="CSAM").exists()
    upload.refresh_from_db()
    assert upload.bytes_kept and upload.sha256 in quarantined()
    assert not made.case.categories.filter(code="CSAM").exists()
    assert not AuditEvent.objects.filter(action="referral.prepare").exists()


def test_a_positive_match_returned_beside_a_negative_one_is_stored_as_vetoed():
    from copvn.lists.matching import Match

    positive = Match(1, "ncmec", "NCMEC", "pdq", "ab" * 32, 7, 4, False, "CSAM", 3)
    negative = Match(2, "fp", "Nhận nhầm", "sha256", "cd" * 32, 9, 0, True, "", 5)
    drafts = detection.list_drafts("hashlist", detection.Media("upload:1", "cd" * 32, "ef" * 16), [positive, negative])
    assert [(d.version, d.category_code, d.evidence["vetoed_by"]) for d in drafts] == [
        ("ncmec@3", "", ["fp"]), ("fp@5", "", [])]
    assert not any(d.csam_match for d in drafts)


def test_a_low_quality_pdq_is_not_matched(db, lists):
    flat = png_bytes(colour=(250, 250, 250))
    made = report("Ảnh chụp màn hình", uploads=[(flat, "chup.png")])
    upload = made.uploads.get()
    lists.add("ncmec-2026-11", "pdq", upload.pdq, category_code="CSAM")
    assert detection.detect_case(made.case_id)["csam"] is False
    assert not Finding.objects.filter(detector="hashlist").exists()
    upload.refresh_from_db()
    assert upload.bytes_kept


def test_a_url_of_the_case_in_a_url_list_is_a_finding(db, lists):
    made = report(urls=["https://www.Example.vn/cuoc/?utm_source=x"])
    canonical = made.case.urls.get().canonical
    entry = lists.add("bet-sites", "url", canonical, category_code="GAMB")
    detection.detect_case(made.case_id)
    found = Finding.objects.get(detector="urllist")
    assert (found.version, found.category_code, found.score) == (f"bet-sites@{entry.hash_list.version}", "GAMB", 1.0)
    assert found.source == f"url:{made.case.urls.get().pk}" and found.evidence["entry"] == canonical


def test_lists_that_cannot_be_read_leave_error_findings_and_a_later_run_stores_the_matches(db, lists, monkeypatch):
    made = report("Ảnh", uploads=[(detailed_png(seed=23), "anh.png")])

    def unavailable():
        raise ImportError("copvn.lists.matching is not installed")

    monkeypatch.setattr(detection, "_matching", unavailable)
    detection.detect_case(made.case_id)
    error = Finding.objects.get(detector="hashlist")
    assert error.status == "error" and "ImportError" in error.error
    assert Finding.objects.filter(detector="abuse", status="ok").exists()
    monkeypatch.undo()
    lists.add("reuploads", "sha256", made.uploads.get().sha256, category_code="BULLY")
    detection.detect_case(made.case_id)
    assert Finding.objects.filter(detector="hashlist", status="ok", category_code="BULLY").exists()


# ----------------------------------------------------------------------------------------------------- tasks

def detection_tasks(case_id) -> int:
    return DBTaskResult.objects.filter(task_path__endswith="review.tasks.detect_case_task",
                                       args_kwargs__args=[case_id]).count()


@pytest.fixture(scope="module")
def site():
    with LocalSite() as running:
        yield running


def test_detection_is_enqueued_on_submit_and_again_when_a_capture_finishes(db, site, settings, lists):
    settings.FETCH_ALLOW_NETWORKS = ["127.0.0.1/32"]
    settings.CAPTURE_SCREENSHOTS = False
    made = report(urls=[site.url("/page")])
    assert detection_tasks(made.case_id) == 1
    capture.capture(made.case.urls.get().pk)
    assert detection_tasks(made.case_id) == 2
    detect_case_task.call(made.case_id)
    found = Finding.objects.get(detector="lexicon", category_code="GROOM", source__endswith=":text")
    text = Capture.objects.get().text
    assert "không cần hỏi bố mẹ" in [text[s["start"]:s["end"]] for s in found.evidence["spans"]]
    rows = Finding.objects.count()
    assert detect_case_task.call(made.case_id)["new"] == 0 and Finding.objects.count() == rows
