import pytest

from copvn.detect.text.lexicon import DETECTOR, LexiconDetector
from copvn.detect.text.normalise import Normaliser

normalise = Normaliser()
detect = LexiconDetector(normaliser=normalise)


def findings(text):
    return {f.code: f for f in detect(normalise(text))}


def test_grooming_needs_more_than_one_weak_cue():
    assert "GROOM" not in findings("Cô giáo hỏi em học lớp mấy để xếp lớp")
    found = findings("Em học lớp mấy? Đừng nói với bố mẹ là anh nhắn tin nhé")["GROOM"]
    assert found.score > 0.8 and found.detector == DETECTOR


@pytest.mark.parametrize("text", ["dung noi voi bo me nhe, gui anh cho a xem", "đừng nói vs bme nhé, gửi ảnh cho anh",
                                  "ĐỪNG NÓI VỚI BỐ MẸ nhé, gửi ảnh cho anh"])
def test_matching_ignores_missing_diacritics_case_and_teencode(text):
    assert "GROOM" in findings(text)


def test_diacritics_that_disagree_do_not_match():
    assert "DRUG" in findings("bán ma túy") and "DRUG" in findings("ban ma tuy")
    assert "DRUG" not in findings("bán mã tùy chọn")


def test_whole_words_only():
    assert "GAMB" not in findings("cá độc") and "GAMB" in findings("cá độ bóng đá, soi kèo")


def test_spans_point_into_the_original_text():
    text = "Tuyển gấp!! Viec nhe luong cao, đi làm nước ngoài"
    spans = findings(text)["FRAUD"].spans
    assert [text[a:b] for a, b in spans] == ["Viec nhe luong cao", "đi làm nước ngoài"]


def test_a_bad_lexicon_line_is_named(tmp_path):
    (tmp_path / "TEST.tsv").write_text("cụm từ\tnhiều\n", encoding="utf-8")
    with pytest.raises(ValueError, match="TEST.tsv:1"):
        LexiconDetector(tmp_path, normaliser=normalise)


def test_a_template_stands_for_every_phrase_it_spells():
    from copvn.detect.text.lexicon import expand

    assert expand("đừng (nói|kể) với [cả] (bố mẹ|ai)") == sorted(
        f"đừng {verb} với {extra}{who}" for verb in ("nói", "kể") for extra in ("", "cả ") for who in ("bố mẹ", "ai"))
    assert expand("(a|(b|c) d)") == ["a", "b d", "c d"]


RUNAWAY = " ".join(["(" + "|".join("abcdefghij") + ")"] * 4)  # 10,000 phrases


@pytest.mark.parametrize("template", ["(a|b", "a)", "a|b", "[a", RUNAWAY])
def test_a_broken_or_runaway_template_is_named_with_its_line(tmp_path, template):
    (tmp_path / "TEST.tsv").write_text(f"# first\n{template}\t0.5\n", encoding="utf-8")
    with pytest.raises(ValueError, match="TEST.tsv:2"):
        LexiconDetector(tmp_path, normaliser=normalise)


def lexicon(tmp_path, text):
    (tmp_path / "TEST.tsv").write_text("#! threshold=0.5\n" + text, encoding="utf-8")
    return LexiconDetector(tmp_path, normaliser=normalise)


def test_an_exception_silences_only_the_phrases_inside_it(tmp_path):
    detect_test = lexicon(tmp_path, "ma túy\t0.6\nphòng chống ma túy\texcept\n")
    assert not detect_test(normalise("Tháng hành động phòng chống ma túy"))
    assert detect_test(normalise("Phòng chống ma túy là khẩu hiệu, ai cần ma túy thì nhắn"))


def test_counter_evidence_lowers_the_score_but_never_makes_a_span(tmp_path):
    detect_test = lexicon(tmp_path, "cá độ\t0.75\n(công an|triệt phá)\t-0.6\nkhông biết\t-0.2\n")
    assert not detect_test(normalise("Công an triệt phá đường dây cá độ"))
    text = "Nhận cá độ, không biết thì hỏi"
    (found,) = detect_test(normalise(text))
    assert abs(found.score - 0.75 * 0.8) < 1e-9 and [text[a:b] for a, b in found.spans] == ["cá độ"]


def test_phrases_from_one_template_line_count_once(tmp_path):
    detect_test = lexicon(tmp_path, "(đăng|đăng lên) [mạng]\t0.4\n")
    assert not detect_test(normalise("Đăng lên mạng"))  # "đăng", "đăng lên", "đăng lên mạng" are one signal


def test_teencode_expanded_into_text_without_diacritics_still_matches():
    # "inbox" becomes "nhắn tin riêng" (with diacritics) inside a sentence typed without them
    assert "CSAM" in findings("Cho xin link clip hoc sinh voi, inbox de nhan link")


def test_a_code_can_supersede_a_broader_one(tmp_path):
    (tmp_path / "CSAM.tsv").write_text("#! threshold=0.5 supersedes=porn\nảnh nóng học sinh\t0.9\n", encoding="utf-8")
    (tmp_path / "PORN.tsv").write_text("ảnh nóng\t0.6\n", encoding="utf-8")
    detect_test = LexiconDetector(tmp_path, normaliser=normalise)
    assert [f.code for f in detect_test(normalise("Bán ảnh nóng học sinh"))] == ["CSAM"]
    assert [f.code for f in detect_test(normalise("Bán ảnh nóng người lớn"))] == ["PORN"]


@pytest.mark.parametrize("header", ["#! threshhold=0.5", "#! combo=much"])
def test_a_bad_setting_is_named_with_its_line(tmp_path, header):
    (tmp_path / "TEST.tsv").write_text(f"{header}\ncá độ\t0.7\n", encoding="utf-8")
    with pytest.raises(ValueError, match="TEST.tsv:1"):
        LexiconDetector(tmp_path, normaliser=normalise)
