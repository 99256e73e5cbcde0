"""eval-text measures the classifier only on comments it did not learn from (ViTHSD and ViHOS reuse
UIT-ViHSD's comments)."""

import csv
import unicodedata

from copvn.detect.text.abuse import AbuseModel
from copvn.detect.text.evaluation import vithsd
from copvn.detect.text.normalise import Normaliser
from copvn.detect.text.training import comment_key, training_keys


def write_csv(path, header, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def test_a_comment_is_the_same_comment_whatever_its_case_punctuation_or_unicode_form():
    assert comment_key("Thằng này NGU quá!!!") == comment_key("thằng này ngu quá")
    assert comment_key(unicodedata.normalize("NFD", "hoà bình")) == comment_key("hoà bình")
    assert comment_key("hoà bình") != comment_key("hoa binh")


def test_dev_comments_seen_in_training_are_left_out_and_counted(tmp_path):
    write_csv(tmp_path / "vihsd" / "train.csv", ["free_text", "label_id"],
              [["Đồ ngu như chó", 1], ["Cảm ơn cô giáo", 0]])
    columns = ["", "content", "individual", "groups", "religion/creed", "race/ethnicity", "politics"]
    write_csv(tmp_path / "vithsd" / "dev.csv", columns,
              [[1, "đồ NGU như chó!", 2, 0, 0, 0, 0],      # a UIT-ViHSD train comment, re-annotated
               [2, "Chúc mọi người buổi tối vui vẻ", 1, 0, 0, 0, 0],
               [3, "Câm mồm đi thằng óc lợn", 3, 0, 0, 0, 0]])
    row = vithsd(AbuseModel.load(), Normaliser(), tmp_path / "vithsd" / "dev.csv", training_keys(tmp_path))
    assert row["n"] == 2 and row["left_out_seen_in_training"] == 1


def test_the_category_set_matches_its_source_and_every_code_has_its_examples():
    import importlib.util
    import json
    from collections import Counter
    from pathlib import Path

    here = Path(__file__).parent / "data"
    spec = importlib.util.spec_from_file_location("category_eval_source", here / "category_eval_source.py")
    source = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(source)
    rows = list(source.rows())
    assert (here / "category_eval.jsonl").read_text(encoding="utf-8") == "".join(
        json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    dev = [r for r in rows if r["split"] == "dev"]
    positives = Counter(c for r in dev for c in r["codes"])
    negatives = Counter(r["hard_negative_for"] for r in dev if r["hard_negative_for"])
    assert len(positives) == 11 and min(positives.values()) >= 40 and min(negatives.values()) >= 40


def test_the_lexicons_still_do_what_they_were_written_for():
    """A regression guard on the part the lexicons are written against (not a quality figure: see the rounds)."""
    from pathlib import Path

    from copvn.detect.text.evaluation import categories

    path = Path(__file__).parent / "data" / "category_eval.jsonl"
    for row in categories(path, Normaliser()):
        if row["part"] == "dev":
            assert row["precision"] >= 0.95 and row["recall"] >= 0.95, row


def test_the_span_tagger_marks_offensive_words_in_the_text_as_given():
    from copvn.detect.text.spans import OffensiveSpans

    text = "Mày đúng là đồ óc chó, nói mãi không hiểu"
    marked = OffensiveSpans().characters(text)
    assert set(range(text.index("óc chó"), text.index("óc chó") + len("óc chó"))) - {text.index(" chó")} <= marked
    assert not marked & set(range(text.index("nói"), len(text)))
    assert OffensiveSpans().characters("Cảm ơn bạn đã chia sẻ") == set() and OffensiveSpans().characters("") == set()


def test_a_span_tagger_learns_from_annotated_comments_and_saves(tmp_path):
    from copvn.detect.text.spans import OffensiveSpans, learn

    rows = []
    for name in ("Lan", "Hùng", "Mai", "Nam", "Hoa", "Tú"):
        text = f"{name} là đồ khốn nạn"
        start = text.index("khốn")
        rows += [(text, set(range(start, start + len("khốn nạn")))), (f"{name} là bạn tốt", set())]
    tagger = learn(rows, Normaliser())
    tagger.save(tmp_path / "spans.npz")
    loaded = OffensiveSpans(path=tmp_path / "spans.npz")
    text = "Thằng Bình là đồ khốn nạn"
    start = text.index("khốn")
    assert tagger.characters(text) == loaded.characters(text) == set(range(start, start + len("khốn nạn"))) - {start + len("khốn")}
