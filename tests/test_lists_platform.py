"""Hash and URL lists in the platform: import, matching (negative lists win, PDQ within the threshold), the
memory-mapped PDQ index against brute force, additions without a rebuild, per-process caches, the pages."""

import io
import json

import numpy as np
import pytest
from django.db import transaction
from django.urls import reverse

from copvn.audit.models import AuditEvent
from copvn.detect.index import hex_to_words, words_to_hex
from copvn.lists import matching, seed, services, store
from copvn.lists.matching import IndexCache, match_media, match_url, reference_media_matches
from copvn.lists.models import HashList, ListEntry

rng = np.random.default_rng(20261201)


def random_pdq(n):
    return words_to_hex(rng.integers(0, np.iinfo(np.uint64).max, size=(n, 4), dtype=np.uint64, endpoint=True))


def flip(pdq, distance):
    """The hash with `distance` of its bits changed."""
    value = int(pdq, 16)
    for bit in rng.choice(256, distance, replace=False):
        value ^= 1 << int(bit)
    return f"{value:064x}"


def sha(n):
    return f"{n:064x}"


@pytest.fixture(autouse=True)
def _own_data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    matching.forget()
    yield
    matching.forget()


@pytest.fixture
def senior(make_user):
    return make_user("senior_analyst", username="chuyenvienchinh")


def make_list(kind="pdq", slug=None, **fields):
    return services.create_list(name=fields.pop("name", f"Danh sách {kind}"), slug=slug or f"thu-{kind}",
                                kind=kind, **fields)


def contents(hash_list):
    return {(value, json.dumps(meta, sort_keys=True)) for value, meta in hash_list.entries.values_list("value", "metadata")}


def found(matches):
    return {(m.list_slug, m.value, m.distance) for m in matches}


# -- import ---------------------------------------------------------------------------------------------------
def test_an_import_names_its_bad_lines_and_keeps_every_good_one(db, senior):
    good_a, good_b = random_pdq(2)
    hashes = make_list()
    text = ("signal_type,signal_value,metadata\n"
            f"pdq,{good_a},{{\"nguon\": \"NCMEC\"}}\n"
            "pdq,khong-phai-ma,\n"
            f"md5,{'b' * 32},\n"
            f"PDQ,{good_b.upper()},\n"
            f"pdq,{good_a},\n")
    result = services.import_entries(hashes, text.encode(), "ma.csv", actor=senior)
    assert (result.added, result.repeated, result.error_count) == (2, 1, 2)
    assert [line for line, _reason in result.errors] == [3, 4]
    assert "64 ký tự thập lục phân" in result.errors[0][1] and "“md5”" in result.errors[1][1]
    assert set(hashes.entries.values_list("value", flat=True)) == {good_a, good_b}
    assert hashes.entries.get(value=good_a).metadata == {"nguon": "NCMEC"}
    assert hashes.version == 2 and hashes.entry_count == 2
    event = AuditEvent.objects.get(action="lists.import")
    assert event.data["added"] == 2 and event.data["errors"] == 2 and event.reason == "ma.csv"


def test_headerless_csv_and_plain_lines_load_like_the_library_reads_them(db):
    a, b, c = random_pdq(3)
    hashes = make_list()
    result = services.import_entries(hashes, f"pdq,{a},ghi chú\n{b}\n\n{c[:-1]}\n".encode(), "ds.txt")
    assert result.added == 2 and result.errors == [(4, result.errors[0][1])]
    assert hashes.entries.get(value=a).metadata == {"note": "ghi chú"}


def test_a_file_that_is_not_utf8_is_refused_whole(db):
    hashes = make_list("sha256")
    result = services.import_entries(hashes, f"{sha(1)}\n".encode() + "ghi chú\n".encode("latin-1"), "x.txt")
    assert result.refused and result.added == 0 and "UTF-8" in result.errors[0][1]
    assert result.errors[0][0] == 2 and hashes.entries.count() == 0 and hashes.version == 1


def test_a_url_list_keeps_canonical_urls_and_names_bad_ones(db):
    urls = make_list("url")
    result = services.import_entries(urls, b"HTTPS://Example.com/a/?utm_source=x\nftp://x.org/\ndomain:\n"
                                           b"prefix:https://bad.example/ban/\ndomain:xau.example\n", "u.txt")
    assert result.added == 3 and [line for line, _r in result.errors] == [2, 3]
    assert "http và https" in result.errors[0][1]
    assert [m.value for m in match_url("https://example.com/a")] == ["https://example.com/a"]
    assert [m.value for m in match_url("https://bad.example/ban/anh/1")] == ["prefix:https://bad.example/ban/"]
    assert [m.value for m in match_url("http://m.xau.example/x")] == ["domain:xau.example"]
    assert match_url("https://bad.example/khac") == []


# -- matching -------------------------------------------------------------------------------------------------
def test_a_negative_list_wins_over_every_positive_match(db):
    pdq = random_pdq(1)[0]
    known = make_list("pdq", slug="da-biet", category_code="CSAM")
    services.add_entries(known, [pdq])
    innocent = make_list("sha256", slug="vo-hai", negative=True)
    services.add_entries(innocent, [sha(7)])
    flagged = match_media(sha256=sha(8), pdq=flip(pdq, 4))
    assert [(m.list_slug, m.negative, m.category_code, m.distance) for m in flagged] == [("da-biet", False, "CSAM", 4)]
    cleared = match_media(sha256=sha(7), pdq=flip(pdq, 4))
    assert [(m.list_slug, m.negative) for m in cleared] == [("vo-hai", True)]


def test_pdq_matches_within_the_threshold_and_not_beyond(db):
    pdq = random_pdq(1)[0]
    hashes = make_list(threshold=10)
    services.add_entries(hashes, [pdq])
    at_ten, at_eleven = flip(pdq, 10), flip(pdq, 11)
    assert found(match_media(pdq=at_ten)) == {("thu-pdq", pdq, 10)}
    assert match_media(pdq=at_eleven) == []
    services.update_list(hashes, threshold=11)
    assert found(match_media(pdq=at_eleven)) == {("thu-pdq", pdq, 11)}


def test_a_list_flags_only_a_category_that_exists(db):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        make_list(category_code="KHONGCO")
    assert make_list(category_code="CSAM").category_code == "CSAM"


def test_disabled_lists_do_not_match(db):
    hashes = make_list("md5")
    services.add_entries(hashes, ["A" * 32])
    assert len(match_media(md5="a" * 32)) == 1
    services.update_list(hashes, enabled=False)
    assert match_media(md5="a" * 32) == []
    negative = make_list("md5", slug="nham", negative=True, enabled=False)
    services.add_entries(negative, ["a" * 32])
    services.update_list(hashes, enabled=True)
    assert [m.list_slug for m in match_media(md5="a" * 32)] == ["thu-md5"], "a disabled negative list vetoes nothing"


def test_the_memory_mapped_index_gives_the_same_answers_as_brute_force(db, tmp_path):
    listed = random_pdq(3000)
    listed[10:14] = [listed[3]] * 4  # the same hash twice is kept once
    listed[20] = flip(listed[21], 3)
    first = make_list(threshold=31)
    services.import_entries(first, "\n".join(listed).encode(), "a.txt")
    second = make_list(slug="thu-pdq-2", threshold=16)
    services.import_entries(second, "\n".join(listed[:500]).encode(), "b.txt")
    base = matching.build_index(first)
    assert isinstance(base.index.hashes, np.memmap) and isinstance(base.entry_ids, np.memmap)
    queries = [flip(listed[int(rng.integers(len(listed)))], d) for d in range(41) for _ in range(3)]
    queries += [flip(listed[3], 2), flip(listed[21], 1), *random_pdq(40)]
    compared = 0
    for query in queries:
        assert found(match_media(pdq=query)) == found(reference_media_matches(pdq=query)), query
        compared += bool(match_media(pdq=query))
    assert compared > 60
    words, ids = hex_to_words(listed), np.arange(len(listed))
    base = store.write_base(tmp_path / "raw", 1, "t", words, ids)
    for threshold in (0, 8, 16, 31, 40, 63):
        for query in queries[::7]:
            q = hex_to_words([query])
            assert sorted(base.search(q, threshold)) == sorted(store.scan(words, ids, q, threshold))


def test_additions_are_found_without_a_rebuild_and_raise_the_version(db):
    old, new = random_pdq(2)
    hashes = make_list()
    services.add_entries(hashes, [old])
    base = matching.build_index(hashes)
    built = store.builds(matching.index_folder(hashes))
    assert found(match_media(pdq=old)) == {("thu-pdq", old, 0)}
    version = hashes.version
    services.add_entries(hashes, [new], note="ảnh mới")
    assert hashes.version == version + 1
    assert found(match_media(pdq=flip(new, 5))) == {("thu-pdq", new, 5)}
    assert store.builds(matching.index_folder(hashes)) == built and hashes.builds.count() == 1
    state = matching._process_cache.pdq(hashes)
    assert state.base.folder == base.folder and state.ids.tolist() == [hashes.entries.get(value=new).pk]


def test_a_removed_entry_stops_matching_at_once(db, senior):
    pdq = random_pdq(1)[0]
    hashes = make_list()
    services.add_entries(hashes, [pdq])
    matching.build_index(hashes)
    assert match_media(pdq=pdq)
    services.remove_entry(hashes.entries.get(), actor=senior, reason="thêm nhầm")
    assert match_media(pdq=pdq) == []
    assert AuditEvent.objects.get(action="lists.remove").data["value"] == pdq


def test_another_process_cache_reloads_when_the_list_changes(db):
    first, second, third = random_pdq(3)
    hashes = make_list()
    services.add_entries(hashes, [first])
    web, worker = IndexCache(), IndexCache()
    assert found(match_media(pdq=first, cache=web)) == found(match_media(pdq=first, cache=worker))
    mapped = worker.pdq(HashList.objects.get(pk=hashes.pk)).base
    services.add_entries(hashes, [second])
    assert found(match_media(pdq=second, cache=worker)) == {("thu-pdq", second, 0)}
    assert worker.pdq(HashList.objects.get(pk=hashes.pk)).base is mapped, "the mapping is kept, not reloaded"
    rebuilt = matching.build_index(HashList.objects.get(pk=hashes.pk))
    services.add_entries(hashes, [third])
    assert found(match_media(pdq=third, cache=web)) == {("thu-pdq", third, 0)}
    assert web.pdq(HashList.objects.get(pk=hashes.pk)).base.folder == rebuilt.folder != mapped.folder
    assert len(web.pdq(HashList.objects.get(pk=hashes.pk)).ids) == 1


def test_what_a_rolled_back_transaction_added_is_never_matched(db):
    kept, undone = random_pdq(2)
    hashes = make_list()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.add_entries(hashes, [undone])
        assert match_media(pdq=undone)
        matching.build_index(HashList.objects.get(pk=hashes.pk))
        raise RuntimeError
    services.add_entries(HashList.objects.get(pk=hashes.pk), [kept])  # the same version number again
    assert match_media(pdq=undone) == []
    assert found(match_media(pdq=kept)) == {("thu-pdq", kept, 0)}


def test_many_additions_ask_the_worker_to_rebuild_the_index(db, monkeypatch):
    from django_tasks_db.models import DBTaskResult

    from copvn.lists.tasks import build_pdq_index

    monkeypatch.setattr(matching, "PENDING_MIN", 5)
    hashes = make_list()
    services.add_entries(hashes, random_pdq(3))
    matching.build_index(hashes)
    services.add_entries(hashes, random_pdq(4))
    assert not DBTaskResult.objects.filter(task_path__endswith="build_pdq_index").exists()
    services.add_entries(hashes, random_pdq(2))
    services.add_entries(hashes, random_pdq(1))
    assert DBTaskResult.objects.filter(task_path__endswith="build_pdq_index").count() == 1, "asked once"
    assert build_pdq_index.call(hashes.pk)["size"] == 10
    assert build_pdq_index.call(hashes.pk) == {"built": False}, "a second run changes nothing"
    assert len(store.builds(matching.index_folder(hashes))) == 1, "the older index is removed"


# -- confirmed images -----------------------------------------------------------------------------------------
def test_confirm_media_puts_the_hashes_in_the_right_lists(db, senior):
    harmful_pdq, innocent_pdq = random_pdq(2)
    result = services.confirm_media(sha(1), harmful_pdq, True, actor=senior, note="VV-2026-000123")
    assert sorted(result.added) == [seed.CONFIRMED_PDQ, seed.CONFIRMED_SHA256] and not result.conflicts
    assert ListEntry.objects.get(hash_list__slug=seed.CONFIRMED_SHA256).value == sha(1)
    assert {m.list_slug for m in match_media(sha256=sha(1), pdq=flip(harmful_pdq, 3))} == {
        seed.CONFIRMED_PDQ, seed.CONFIRMED_SHA256}
    services.confirm_media(sha(2), innocent_pdq, False, actor=senior)
    assert ListEntry.objects.get(hash_list__slug=seed.FALSE_POSITIVE_PDQ).value == innocent_pdq
    assert [m.negative for m in match_media(sha256=sha(2))] == [True]
    again = services.confirm_media(sha(1), None, False, actor=senior)
    assert again.conflicts == [seed.CONFIRMED_SHA256]
    assert [m.list_slug for m in match_media(sha256=sha(1))] == [seed.FALSE_POSITIVE_SHA256]
    assert services.confirm_media(sha(2), None, False, actor=senior).already == [seed.FALSE_POSITIVE_SHA256]
    assert AuditEvent.objects.filter(action="lists.confirm_media").count() == 4
    blank = services.confirm_media(sha(3), random_pdq(1)[0], True, actor=senior, pdq_quality=20)
    assert blank.added == [seed.CONFIRMED_SHA256], "a low-quality PDQ is not listed"


def test_the_province_lists_are_seeded(db):
    lists = {hl.slug: hl for hl in HashList.objects.filter(slug__in=seed.PROVINCE_LISTS)}
    assert {slug: (hl.kind, hl.negative, hl.category_code) for slug, hl in lists.items()} == {
        seed.CONFIRMED_PDQ: ("pdq", False, ""), seed.CONFIRMED_SHA256: ("sha256", False, ""),
        seed.FALSE_POSITIVE_PDQ: ("pdq", True, ""), seed.FALSE_POSITIVE_SHA256: ("sha256", True, "")}


# -- export ---------------------------------------------------------------------------------------------------
def test_an_export_imports_back_to_the_same_list(db, client, senior, signed_in):
    hashes = make_list()
    text = "signal_type,signal_value,metadata\n" + "".join(
        f"pdq,{h},{json.dumps({'vu_viec': f'VV-{i}', 'ghi_chu': '=1+2'})}\n" for i, h in enumerate(random_pdq(5)))
    services.import_entries(hashes, text.encode(), "a.csv")
    signed_in(senior)
    exported = b"".join(client.get(reverse("lists:export", args=[hashes.slug])).streaming_content)
    copy = make_list(slug="ban-sao")
    assert services.import_entries(copy, exported, "thu-pdq.csv").added == 5
    assert contents(copy) == contents(hashes)
    lines = b"".join(client.get(reverse("lists:export", args=[hashes.slug]), {"format": "lines"}).streaming_content)
    other = make_list(slug="ban-sao-2")
    assert services.import_entries(other, lines, "thu-pdq.txt").added == 5
    assert AuditEvent.objects.filter(action="lists.export").count() == 2


# -- pages ----------------------------------------------------------------------------------------------------
def test_a_senior_analyst_manages_lists_on_the_pages(db, client, senior, signed_in):
    signed_in(senior)
    page = client.get(reverse("lists:index")).content.decode()
    assert "Ảnh nhận nhầm (PDQ)" in page and seed.CONFIRMED_SHA256 in page
    assert client.get(reverse("lists:create")).status_code == 200
    response = client.post(reverse("lists:create"), {"name": "Danh sách NCMEC", "slug": "ncmec", "kind": "pdq",
                                                     "threshold": 31, "enabled": "on", "category_code": "CSAM"})
    assert response.status_code == 302 and response.url == reverse("lists:detail", args=["ncmec"])
    good = random_pdq(1)[0]
    upload = io.BytesIO(f"signal_type,signal_value\npdq,{good}\npdq,sai\n".encode())
    upload.name = "ncmec.csv"
    page = client.post(reverse("lists:import", args=["ncmec"]), {"file": upload}).content.decode()
    assert "Đã thêm 1 giá trị" in page and "<td>3</td>" in page and "64 ký tự thập lục phân" in page
    assert client.post(reverse("lists:add", args=["ncmec"]), {"value": random_pdq(1)[0]}).status_code == 302
    page = client.post(reverse("lists:add", args=["ncmec"]), {"value": "sai"}).content.decode()
    assert "64 ký tự thập lục phân" in page
    response = client.post(reverse("lists:settings", args=["ncmec"]), {"name": "NCMEC 2026", "threshold": 20,
                                                                      "category_code": "CSAM"})
    hash_list = HashList.objects.get(slug="ncmec")
    assert response.status_code == 302 and (hash_list.name, hash_list.threshold, hash_list.enabled) == (
        "NCMEC 2026", 20, False)
    page = client.get(reverse("lists:detail", args=["ncmec"]), {"q": good.upper()}).content.decode()
    assert good in page and "Giá trị này có trong danh sách." in page
    entry = hash_list.entries.get(value=good)
    assert client.post(reverse("lists:remove_entry", args=["ncmec", entry.pk])).status_code == 302
    assert HashList.objects.get(slug="ncmec").entry_count == 1


def test_an_analyst_sees_the_lists_but_cannot_change_them(db, client, make_user, signed_in):
    signed_in(make_user("analyst"))
    page = client.get(reverse("lists:detail", args=[seed.CONFIRMED_PDQ])).content.decode()
    assert "Ảnh đã xác nhận (PDQ)" in page and "Thêm một giá trị" not in page
    assert client.post(reverse("lists:add", args=[seed.CONFIRMED_PDQ]), {"value": sha(1)}).status_code == 403


@pytest.mark.parametrize("name, method, args", [
    ("lists:index", "get", []), ("lists:create", "get", []), ("lists:detail", "get", [seed.CONFIRMED_PDQ]),
    ("lists:export", "get", [seed.CONFIRMED_PDQ]), ("lists:settings", "post", [seed.CONFIRMED_PDQ]),
    ("lists:import", "post", [seed.CONFIRMED_PDQ]), ("lists:add", "post", [seed.CONFIRMED_PDQ]),
])
def test_a_press_editor_is_refused_every_list_page(db, client, make_user, signed_in, name, method, args):
    signed_in(make_user("press_editor"))
    assert getattr(client, method)(reverse(name, args=args)).status_code == 403


def test_a_list_page_labels_every_field_and_repeats_no_id(db, client, senior, signed_in):
    from lxml import html as lxml_html

    services.add_entries(services.province_list(seed.CONFIRMED_PDQ), random_pdq(2), note="thử")
    signed_in(senior)
    document = lxml_html.document_fromstring(
        client.get(reverse("lists:detail", args=[seed.CONFIRMED_PDQ])).content.decode())
    ids = [element.get("id") for element in document.iter() if element.get("id")]
    assert len(ids) == len(set(ids))
    labelled = {label.get("for") for label in document.iter("label")}
    fields = document.xpath("//input[not(@type='hidden')] | //select | //textarea")
    assert len(fields) > 8 and all(field.get("id") in labelled for field in fields)
