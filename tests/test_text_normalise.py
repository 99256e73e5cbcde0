import unicodedata

import pytest

from copvn.detect.text.normalise import Normaliser, strip_diacritics

normalise = Normaliser()


@pytest.mark.parametrize("raw, expected", [
    ("Hoà bình", "hòa bình"),                       # tone on the first vowel of an open oa syllable
    ("Thuý Kiều khoẻ", "thúy kiều khỏe"),           # uy and oe too
    ("quý hoàn", "quý hoàn"),                       # qu- and closed syllables are left alone
    ("đẹpppppp quáaaaa", "đẹp quá"),                # repeated letters
    ("xoong nồi", "xoong nồi"),                     # a real double vowel stays
    ("m n.g.u vl", "m ngu vl"),                     # dotted letters joined, not with the word before
    ("n g u", "ngu"), ("đ-m-m", "đmm"),             # spaced and dashed letters
    ("ng0 l0n d1t ch3t", "ngo lon dit chet"),       # digits used as letters
    ("50k 12h 3g f5", "50k 12h 3g f5"),             # amounts and units untouched
    ("ko bít j đc", "không biết gì được"),          # teencode
    ("ny của mk", "người yêu của mình"),
    ("Mày NGU 😂😂", "mày ngu 😂😂"),                # case folded, emoji kept
])
def test_each_normalisation_step(raw, expected):
    assert normalise(raw).text == expected


def test_decomposed_input_is_composed_and_both_tone_styles_meet():
    decomposed = unicodedata.normalize("NFD", "Hoà")
    assert normalise(decomposed).text == normalise("Hòa").text == normalise("hoà").text == "hòa"


def test_the_plain_form_has_no_diacritics_and_the_same_length():
    item = normalise("Mày ngu vãi, đồ điên")
    assert item.plain == "may ngu vai, do dien" and len(item.plain) == len(item.text)
    assert strip_diacritics("đường hoà") == "duong hoa"
    assert normalise("may ngu vl").plain == normalise("mày ngu vl").plain


@pytest.mark.parametrize("raw, word, source", [
    ("ko bít j", "biết", "bít"), ("Đẹpppp quá", "đẹp", "Đẹpppp"), ("m n.g.u vl", "ngu", "n.g.u"),
    ("abc ko xyz", "xyz", "xyz"), (unicodedata.normalize("NFD", "hoà bình ngu"), "ngu", "ngu"),
])
def test_spans_map_back_to_the_input_as_given(raw, word, source):
    item = normalise(raw)
    start = item.text.index(word)
    a, b = item.source_span(start, start + len(word))
    assert raw[a:b] == source


@pytest.mark.parametrize("raw", ["", " ", "😂" * 1000, "\x00\x01\x02", "a" * 1_000_000, "中文 русский العربية",
                                 "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace")])
def test_odd_input_never_breaks_it(raw):
    item = normalise(raw)
    assert len(item.text) == len(item.plain)
    if item.text:
        a, b = item.source_span(0, len(item.text))
        assert 0 <= a <= b <= len(raw)
