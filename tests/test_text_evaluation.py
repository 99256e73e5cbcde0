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
