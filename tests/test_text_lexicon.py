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
