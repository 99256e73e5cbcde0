import datetime as dt
import json

import pytest
from click.testing import CliRunner

from copvn.cli import main
from copvn.detect.pii import analyse

STORY = ("Em Nguyễn Thị Lan (12 tuổi, học sinh lớp 6A2 Trường THCS Nguyễn Du, phường Bắc Nha Trang) bị bạn "
         "đánh. Bố của em là anh Nguyễn Văn Hùng, số điện thoại 0905 123 456. Ông Trần Văn Bình, hiệu trưởng, "
         "cho biết nhà trường đã vào cuộc.")


def types(result):
    return [(f["type"], f["text"]) for f in result["findings"]]


def test_a_childs_details_are_found_tied_to_her_and_redacted():
    result = analyse(STORY)
    child, adult = result["persons"]
    assert child["child"] is True and "age:12" in child["evidence"]
    assert adult["child"] is False
    assert ("school", "Trường THCS Nguyễn Du") in types(result) and ("phone", "0905 123 456") in types(result)
    assert result["redacted"].startswith("Em N.T.L. (12 tuổi, ")
    assert "Nguyễn Du" not in result["redacted"] and "0905" not in result["redacted"]
    assert "Ông Trần Văn Bình, hiệu trưởng" in result["redacted"]  # an adult stays as written


@pytest.mark.parametrize("text, expected", [
    ("Bé Na mới lên 7 đã biết bơi.", ("age", "mới lên 7")),
    ("Cháu H. sinh năm 2013 đang học lớp 7.", ("birth_year", "sinh năm 2013")),
    ("Liên hệ qua email an.nguyen@example.vn hoặc CCCD 079201001234.", ("national_id", "079201001234")),
    ("Trang cá nhân facebook.com/be.na.2014 có nhiều ảnh.", ("social_handle", "facebook.com/be.na.2014")),
    ("Em bị bệnh tự kỷ, đang điều trị tại Bệnh viện Nhi.", ("health", "bị bệnh tự kỷ")),
    ("Họ đăng ảnh của em lên mạng.", ("image", "ảnh của em")),
    ("Học sinh N.V.A. lớp 9 bị bắt nạt.", ("name", "Học sinh N.V.A.")),
    ("Bạn ấy học lớp 9 năm nay.", ("class", "học lớp 9")),
])
def test_each_kind_of_private_information(text, expected):
    assert expected in types(analyse(text))


def test_initials_keep_the_title_and_the_rest_of_the_text():
    from copvn.detect.pii import initials

    assert initials("Nguyễn Thị Lan") == "N.T.L." and initials("em Lan") == "em L."
    assert initials("Học sinh N.V.A.") == "Học sinh N.V.A."
    result = analyse("Học sinh Trần Minh Khoa lớp 8 bị đánh.")
    assert result["redacted"] == "Học sinh T.M.K. [đã lược bỏ] bị đánh."


def test_a_birth_year_is_read_against_the_articles_date():
    text = "Nguyễn Minh Khôi, SN 2009, đạt giải nhất."
    assert analyse(text, dt.date(2024, 5, 1))["persons"][0]["child"] is True  # 15 then
    assert analyse(text, dt.date(2027, 5, 1))["persons"][0]["child"] is False  # 18 then


def test_streets_and_schools_named_after_people_are_not_people():
    result = analyse("Đường Nguyễn Huệ và Trường THCS Nguyễn Du được trang trí đẹp.")
    assert result["persons"] == [] and all(f["type"] != "name" for f in result["findings"])


def test_text_without_diacritics_still_yields_names_and_ages():
    result = analyse("Em Nguyen Thi Lan 12 tuoi hoc lop 6.")
    assert result["persons"][0]["child"] is True


@pytest.mark.parametrize("text", ["", "   ", "a" * 200_000, "😀" * 100, "<html><body></body></html>"])
def test_odd_input_gives_a_result(text):
    result = analyse(text)
    assert set(result) >= {"persons", "findings", "redacted"}


def test_html_is_reduced_to_its_article_first():
    html = ("<html><body><nav>Trang chủ</nav><article><h1>Tin</h1><p>" + STORY + "</p><p>" + "Nội dung khác. " * 30
            + "</p></article></body></html>")
    result = analyse(html)
    assert any(f["text"] == "Trường THCS Nguyễn Du" for f in result["findings"])
    assert result["text"][result["findings"][0]["start"]:result["findings"][0]["end"]] == result["findings"][0]["text"]


def test_the_cli_contract():
    lines = [json.dumps({"id": 1, "text": STORY, "date": "2026-01-05"}), "{oops", json.dumps({"id": 3}),
             json.dumps({"id": 4, "text": "x", "date": "05/01/2026"})]
    result = CliRunner().invoke(main, ["pii", "-"], input="\n".join(lines) + "\n")
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o.get("id") for o in out] == [1, None, 3, 4]
    assert set(out[0]) == {"id", "persons", "findings", "redacted"}
    assert set(out[0]["persons"][0]) == {"child", "minor", "evidence", "mentions"}
    assert set(out[0]["findings"][0]) == {"type", "start", "end", "text", "person"}
    assert all("error" in o for o in out[1:])


def test_eval_pii_reports_every_annotated_type_and_the_child_decision():
    result = CliRunner().invoke(main, ["eval-pii"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert {line["split"] for line in lines} == {"dev", "held-out", "all"}
    rows = {line["type"]: line for line in lines if line["split"] == "all"}
    assert {"name", "age", "school", "class", "address", "phone", "child", "child_name", "child_age",
            "child_address"} <= set(rows)
    assert all(0 <= r["precision"] <= 1 and 0 <= r["recall"] <= 1 for r in rows.values())


def test_decomposed_unicode_keeps_exact_offsets():
    import unicodedata

    text = unicodedata.normalize("NFD", "Em Nguyễn Thị Lan, 12 tuổi, ở xã Diên Phú bị đánh.")
    result = analyse(text)
    for f in result["findings"]:
        assert text[f["start"]:f["end"]] == f["text"]
    assert {"name", "age", "address"} <= {f["type"] for f in result["findings"]}
    assert result["persons"][0]["child"] is True


@pytest.mark.parametrize("text, place", [
    ("Cháu Khoa trú xã Cam Hải Tây, huyện Cam Lâm bị điện giật.", "xã Cam Hải Tây, huyện Cam Lâm"),  # before 2025
    ("Em Hân ở xã Cam Lâm, tỉnh Khánh Hòa được học bổng.", "xã Cam Lâm, tỉnh Khánh Hòa"),  # after 2025
    ("Em Ngan 12 tuoi o xa Tan Dinh bi danh.", "xa Tan Dinh"),  # no diacritics
    ("Sinh viên Luân quê Quảng Ngãi nhặt được ví.", "Quảng Ngãi"),  # a home town without a unit word
    ("Bé Na nhà ở hẻm 45 Phạm Văn Đồng.", "hẻm 45 Phạm Văn Đồng"),
])
def test_addresses_before_and_after_the_2025_reorganisation(text, place):
    assert ("address", place) in types(analyse(text))


@pytest.mark.parametrize("text, not_a_place", [
    ("Chủ tịch UBND tỉnh Trần Hòa Nam trao quà.", "tỉnh Trần Hòa Nam"),  # a person, not a province
    ("Công an phường Bắc Nha Trang mời anh Dũng lên làm việc.", "phường Bắc Nha Trang"),  # an organ
    ("Ai thấy bé ở khu vực chợ Xóm Mới báo giúp.", "Xóm Mới"),  # part of a market's name
    ("Phó Chủ tịch Lê Văn Hải phát biểu.", "Phó Chủ tịch Lê Văn Hải"),  # "phó" is not "phố"
])
def test_units_are_checked_against_the_gazetteer_and_the_words_as_written(text, not_a_place):
    assert ("address", not_a_place) not in types(analyse(text))


def test_later_mentions_by_given_name_join_the_child_and_are_redacted():
    result = analyse("Em Phan Thị Thu Hà (13 tuổi) bị đánh. Hà hiện đã nghỉ học một tuần.")
    assert ("name", "Hà") in types(result) and len(result["persons"]) == 1
    assert result["redacted"] == "Em P.T.T.H. (13 tuổi) bị đánh. H. hiện đã nghỉ học một tuần."


@pytest.mark.parametrize("text, name", [
    ("nhà bé na ở thôn 2 xã suối hiệp á, bé 5 tuổi", "bé na"),
    ("ai biết bạn nguyễn thị thảo lớp 7a3 ko", "nguyễn thị thảo"),
    ("Cháu Y Duy Niê (8 tuổi) được nhận nuôi.", "Cháu Y Duy Niê"),
    ("Em tên là Hà Thị Mai Anh, 13 tuổi.", "Hà Thị Mai Anh"),
])
def test_names_written_in_lower_case_or_from_minority_languages(text, name):
    assert ("name", name) in types(analyse(text))


@pytest.mark.parametrize("text", ["Bài đăng nói thằng bé học lớp 5A.", "Bà nội cháu kể lại mọi chuyện.",
                                  "Thầy Hiệu trưởng phát biểu."])
def test_ordinary_words_after_a_title_are_not_names(text):
    assert not [f for f in analyse(text)["findings"] if f["type"] == "name"]


def test_a_childs_age_near_an_adult_does_not_make_the_adult_a_child():
    result = analyse("Chị Hoa đăng ảnh con gái 5 tuổi lên mạng. Ông Tốt, 70 tuổi, sống một mình.")
    assert all(p["child"] is False for p in result["persons"])
    age = next(f for f in result["findings"] if f["text"] == "5 tuổi")
    assert age["person"] is None


def test_the_evaluation_set_matches_its_source():
    import importlib.util
    from pathlib import Path

    here = Path(__file__).parent / "data"
    spec = importlib.util.spec_from_file_location("pii_eval_source", here / "pii_eval_source.py")
    source = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(source)
    rows = source.rows()
    assert (here / "pii_eval.jsonl").read_text(encoding="utf-8") == source.render(rows)
    assert len(rows) >= 150 and {r["split"] for r in rows} == {"dev", "held-out"}
    for row in rows:
        assert all(row["text"][start:end] == span for _, span, start, end, _ in row["expect"])


def _news_set():
    import importlib.util
    from pathlib import Path

    here = Path(__file__).parent / "data"
    spec = importlib.util.spec_from_file_location("pii_news_build", here / "pii_news" / "build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    return here, build


def test_the_real_news_set_matches_its_source_and_is_split_by_article():
    here, build = _news_set()
    rows = build.rows()
    assert (here / "pii_news.jsonl").read_text(encoding="utf-8") == build.render(rows)
    assert len(rows) >= 300 and all(row["url"].startswith("http") for row in rows)
    for row in rows:
        assert all(row["text"][start:end] == span for _, span, start, end, _ in row["expect"])
    by_article = {}
    for row in rows:
        by_article.setdefault(row["url"], set()).add(row["split"])
    assert all(len(splits) == 1 for splits in by_article.values())  # never one article on both sides


def test_names_ages_and_residences_in_real_news_text():
    """Floors just under the figures measured on the held-out articles when this set was made (names P 0.946
    R 0.919, ages P 1.0 R 0.965, residences P 0.831 R 0.90): a change that loses ground fails here."""
    from copvn.detect.pii.evaluation import evaluate

    here, _build = _news_set()
    rows = [json.loads(line) for line in (here / "pii_news.jsonl").read_text(encoding="utf-8").splitlines()]
    got = {(r["split"], r["type"]): r for r in evaluate(rows)}
    floors = {"name": (0.93, 0.90), "age": (0.97, 0.95), "address": (0.80, 0.85)}
    for kind, (precision, recall) in floors.items():
        figure = got[("held-out", kind)]
        assert figure["precision"] >= precision and figure["recall"] >= recall, figure


def test_the_gazetteer_holds_both_administrative_structures():
    from copvn.detect.pii import gazetteer, key

    units = gazetteer()
    assert "district" in units[key("Cam Lâm")] and "ward" in units[key("Bắc Nha Trang")]
    assert key("Khánh Hoà") == key("Khánh Hòa") and "province" in units[key("Khánh Hòa")]


def test_names_ending_in_an_initial_and_abbreviated_units_as_news_writes_them():
    result = analyse("Em Nguyễn Văn A. (14 tuổi, ngụ P.Vĩnh Hải, TP.Nha Trang) bị đánh. Nạn nhân là Trần Thị B. Sau đó")
    assert ("name", "Em Nguyễn Văn A.") in types(result) and ("name", "Trần Thị B.") in types(result)
    assert ("address", "P.Vĩnh Hải, TP.Nha Trang") in types(result)
    assert result["redacted"].startswith("Em N.V.A. (14 tuổi, ngụ [đã lược bỏ]) bị đánh.")
