"""The learned category detectors: the packaged model matches the corpus it ships with, the lexicons keep every
finding they make (an analyst's phrase must still fire), the model's spans point into the text as given, and
the corpus is well formed and split by author."""

import collections

import pytest

from copvn.detect.text import category_training as T
from copvn.detect.text.categories import CODES, CategoryModel, combine
from copvn.detect.text.classify import TextClassifier


@pytest.fixture(scope="module")
def corpus():
    return T.read_corpus()


@pytest.fixture(scope="module")
def classifier():
    return TextClassifier()


def test_the_corpus_has_every_code_both_labels_many_authors_and_sources(corpus):
    for code in CODES:
        mine = [r for r in corpus if r["code"] == code]
        labels = collections.Counter(r["label"] for r in mine)
        assert labels[1] >= 150 and labels[0] >= 150, (code, labels)
        assert len({r["author"] for r in mine}) >= 15, code
        assert sum(1 for r in mine if r.get("source", "").startswith("http")) >= 40, code
        assert all(r["text"].strip() for r in mine)
    assert any(r.get("messages") for r in corpus)  # conversations, scored as one text


def test_the_split_is_by_author_and_fixed(corpus):
    by_author = collections.defaultdict(set)
    for r in corpus:
        by_author[r["author"]].add(r["split"])
    assert all(len(splits) == 1 for splits in by_author.values())
    assert T.split_of("persona:x") == T.split_of("persona:x")
    final = sum(1 for r in corpus if r["split"] == "final")
    assert 0.1 < final / len(corpus) < 0.45


def test_the_packaged_model_was_built_from_this_corpus():
    model = CategoryModel.load()
    assert model is not None, "no learned category model: run `copvn train-text --data DIR`"
    assert model.meta["version"].endswith(T.corpus_digest()), \
        "the corpus changed since the model was built: rebuild it with `copvn train-text --data DIR`"
    assert set(model.meta["thresholds"]) == set(CODES) and model.coef.shape[0] == len(CODES)


def test_the_model_learned_its_training_authors(corpus, classifier):
    """A model that does not fit its own training examples is broken or stale (not a measure of quality)."""
    train = [r for r in corpus if r["split"] == "train"]
    found = [{f["code"] for f in r["findings"]} for r in classifier.classify_many([r["text"] for r in train])]
    for code in CODES:
        positives = [i for i, r in enumerate(train) if r["code"] == code and r["label"] == 1]
        assert sum(code in found[i] for i in positives) / len(positives) >= 0.8, code


def test_every_lexicon_finding_survives_and_spans_point_into_the_text(classifier):
    texts = ["Em học lớp mấy rồi? Đừng nói với bố mẹ là anh nhắn tin cho em nhé",
             "Tuyển CTV kéo khách, nạp đầu x200%, hoàn trả mỗi ngày, ib ngay",
             "Bán pod chill, ship kín cổng trường, không hỏi tuổi", "Hôm nay trời đẹp quá, đi ăn kem không"]
    without = TextClassifier(category_path=T.CORPUS / "none.npz")
    for text, full, lexicon_only in zip(texts, classifier.classify_many(texts), without.classify_many(texts),
                                        strict=True):
        assert {f["code"] for f in lexicon_only["findings"]} <= {f["code"] for f in full["findings"]}
        for finding in full["findings"]:
            assert finding["spans"], finding
            assert all(0 <= start < end <= len(text) for start, end in finding["spans"])
    assert classifier.classify_many([texts[-1]])[0]["findings"] == []


def test_combine_keeps_the_lexicon_and_adds_the_model():
    lexicon = [{"code": "GROOM", "score": 0.6, "detector": "copvn.lexicon", "version": "1", "spans": [[0, 3]]}]
    learned = [{"code": "GROOM", "score": 0.9, "detector": "copvn.categories", "version": "1", "spans": [[5, 9]]},
               {"code": "FRAUD", "score": 0.7, "detector": "copvn.categories", "version": "1", "spans": [[1, 2]]}]
    out = {f["code"]: f for f in combine(lexicon, learned)}
    assert out["GROOM"]["score"] == 0.9 and out["GROOM"]["spans"] == [[0, 3], [5, 9]]
    assert out["GROOM"]["detector"] == "copvn.lexicon+copvn.categories" and "FRAUD" in out
    assert combine(lexicon, [])[0]["score"] == 0.6
