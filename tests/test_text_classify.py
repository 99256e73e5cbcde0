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


THREAD = [{"from": "A", "text": "Chào em, em học lớp mấy rồi?", "time": "2026-11-30T20:01:00+07:00"},
          {"from": "B", "text": "Em học lớp 7 ạ"},
          {"from": "A", "text": "Tối nay gọi video riêng với anh nhé"},
          {"from": "A", "text": "Đừng kể với ai nhé"}]


def test_a_conversation_is_scored_as_a_whole_with_spans_into_each_message():
    from pathlib import Path

    from copvn.detect.text.classify import TextClassifier, default

    def groom_score(result):
        return max((f["score"] for f in result["findings"] if f["code"] == "GROOM"), default=0.0)

    lexicons = TextClassifier(category_path=Path("/nonexistent"))  # the phrase lists alone show the combination
    alone = [groom_score(lexicons.classify(m["text"])) for m in THREAD]
    assert groom_score(lexicons.classify_thread([m["text"] for m in THREAD])) > max(alone) + 0.2
    classifier = default()
    whole = classifier.classify_thread([m["text"] for m in THREAD])
    groom = next(f for f in whole["findings"] if f["code"] == "GROOM")
    assert groom["score"] >= max(groom_score(classify(m["text"])) for m in THREAD)
    assert whole["messages"] == 4 and {span[0] for span in groom["spans"]} >= {0, 2, 3}
    for index, start, end in groom["spans"]:
        assert 0 <= start < end <= len(THREAD[index]["text"])
    assert any(THREAD[3]["text"][start:end].lower().startswith("đừng kể") for index, start, end in groom["spans"]
               if index == 3)


def test_the_cli_takes_conversations_and_refuses_bad_ones_in_place():
    lines = [json.dumps({"id": "t", "messages": THREAD}, ensure_ascii=False), json.dumps({"id": "bad", "messages": "x"}),
             json.dumps({"id": "many", "messages": [{"text": "chào"}] * 10_001}),
             json.dumps({"id": "empty", "messages": []}), json.dumps({"id": "emoji", "messages": [{"text": "😀😀"}]})]
    result = CliRunner().invoke(main, ["classify"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["t", "bad", "many", "empty", "emoji"]
    assert any(f["code"] == "GROOM" for f in out[0]["findings"]) and "error" in out[1] and "10,000" in out[2]["error"]
    assert out[3]["findings"] == [] and out[4]["abuse"]["label"] in LABELS


def test_the_api_classifies_a_text_or_a_conversation_for_analysts(client, make_user):
    import pyotp
    from django.utils import timezone

    from copvn.accounts import tokens

    def token(role, name):
        user = make_user(role, name)
        if not user.has_second_factor:
            user.totp_secret, user.totp_confirmed_at = pyotp.random_base32(), timezone.now()
            user.save()
        return {"HTTP_AUTHORIZATION": f"Bearer {tokens.create(user, 's')[1]}"}

    analyst = token("analyst", "pt")
    body = json.dumps({"messages": THREAD}, ensure_ascii=False)
    thread = client.post("/api/v1/text/classify", body, content_type="application/json", **analyst)
    assert thread.status_code == 200 and thread.json()["messages"] == 4
    assert all(len(span) == 3 for f in thread.json()["findings"] for span in f["spans"])
    one = client.post("/api/v1/text/classify", json.dumps({"text": "Em mấy tuổi, gửi ảnh cho anh"}),
                      content_type="application/json", **analyst)
    assert one.status_code == 200 and all(len(span) == 2 for f in one.json()["findings"] for span in f["spans"])
    both = client.post("/api/v1/text/classify", json.dumps({"text": "x", "messages": THREAD}, ensure_ascii=False),
                       content_type="application/json", **analyst)
    assert both.status_code == 422
    press = token("press_editor", "bt")
    assert client.post("/api/v1/text/classify", body, content_type="application/json", **press).status_code == 403
