import json

import pytest
from click.testing import CliRunner

from copvn.cli import main
from copvn.detect.text.abuse import LABELS, MODEL_PATH, AbuseModel
from copvn.detect.text.classify import classify


def test_the_packaged_model_is_small_and_was_tuned_on_dev_only():
    assert MODEL_PATH.stat().st_size < 15 * 1024 * 1024
    meta = AbuseModel.load().meta
    assert "test" not in meta["tuned_on"].lower() and meta["dev"]["macro_f1"] > 0.6


def test_the_python_api_has_the_contracted_shape():
    result = classify("Em học lớp mấy? Đừng nói với bố mẹ nhé, gửi ảnh cho anh")
    assert result["abuse"]["label"] in LABELS
    assert set(result["abuse"]["scores"]) == set(LABELS) and abs(sum(result["abuse"]["scores"].values()) - 1) < 0.01
    groom = next(f for f in result["findings"] if f["code"] == "GROOM")
    assert set(groom) == {"code", "score", "detector", "version", "spans"}


def test_clear_abuse_and_clean_text_are_told_apart():
    assert classify("Cảm ơn cô giáo đã tận tình dạy dỗ các em")["abuse"]["label"] == "clean"
    assert classify("Đồ ngu như chó, câm mồm đi thằng óc lợn")["abuse"]["label"] != "clean"


def test_the_same_text_gives_the_same_answer():
    assert classify("mày ngu vl") == classify("mày ngu vl")


def run(lines: list[bytes]):
    result = CliRunner().invoke(main, ["classify", "-"], input=b"\n".join(lines) + b"\n")
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_the_cli_answers_every_line_in_order_and_errors_in_place():
    out = run([json.dumps({"id": 1, "text": "chào bạn"}).encode(), b"{not json", json.dumps({"id": "x"}).encode(),
               b"\xff\xfe\x00", json.dumps({"id": 4, "text": ""}).encode(), json.dumps([1, 2]).encode(),
               json.dumps({"id": 6, "text": "soi kèo cá độ, nhà cái uy tín"}).encode()])
    assert [o.get("id") for o in out] == [1, None, "x", None, 4, None, 6]
    assert "abuse" in out[0] and "invalid JSON" in out[1]["error"] and "text" in out[2]["error"]
    assert "UTF-8" in out[3]["error"] and out[4]["abuse"]["label"] in LABELS and "error" in out[5]
    assert [f["code"] for f in out[6]["findings"]] == ["GAMB"]


@pytest.mark.parametrize("text", ["", "😂😂😂", "\x00\x01", "a" * 1_000_000, "中文 русский", "   \n\t  "])
def test_odd_texts_get_a_result(text):
    assert classify(text)["abuse"]["label"] in LABELS


def test_a_model_built_for_another_feature_layout_is_refused_with_a_way_out(tmp_path):
    import numpy as np

    old = AbuseModel(np.ones(8, dtype=np.float32), np.ones((len(LABELS), 8), dtype=np.float32), np.zeros(len(LABELS)),
                     np.zeros(len(LABELS)), {"name": "copvn-abuse"})
    old.save(tmp_path / "old.npz")
    with pytest.raises(ValueError, match="copvn train-text"):
        AbuseModel.load(tmp_path / "old.npz")
