"""The PDQ index against its brute-force oracle: random hashes, near-duplicates at every distance 0–40,
duplicates in the list, thresholds up to 63, save and load."""

import numpy as np
import pytest

from copvn.detect.index import BruteForceIndex, PDQIndex, hex_to_words, words_to_hex

rng = np.random.default_rng(20261129)


def random_hashes(n):
    return rng.integers(0, np.iinfo(np.uint64).max, size=(n, 4), dtype=np.uint64, endpoint=True)


def flip(hash_words, distance):
    out = hash_words.copy()
    for bit in rng.choice(256, distance, replace=False):
        out[bit // 64] ^= np.uint64(1) << np.uint64(63 - bit % 64)
    return out


@pytest.fixture(scope="module")
def listed():
    hashes = random_hashes(20_000)
    hashes[100:110] = hashes[5]  # duplicates
    hashes[200] = flip(hashes[201], 3)  # two listed hashes close to each other
    return hashes


@pytest.fixture(scope="module")
def queries(listed):
    near = [flip(listed[rng.integers(len(listed))], d) for d in range(41) for _ in range(5)]
    near += [flip(listed[5], 2), flip(listed[201], 1)]
    return np.vstack([np.array(near), random_hashes(300)])


def as_set(result):
    return set(zip(*(column.tolist() for column in result), strict=True))


@pytest.mark.parametrize("threshold", [0, 1, 8, 15, 16, 24, 31, 32, 39, 40, 47, 63])
def test_the_index_finds_exactly_what_brute_force_finds(listed, queries, threshold):
    found = as_set(PDQIndex.build(listed).search(queries, threshold))
    expected = as_set(BruteForceIndex(listed).search(queries, threshold))
    assert found == expected
    if threshold >= 31:
        assert len(expected) > 150


def test_each_match_is_reported_once_with_its_distance(listed, queries):
    q, i, d = PDQIndex.build(listed).search(queries, 31)
    assert len(set(zip(q.tolist(), i.tolist(), strict=True))) == len(q)
    recomputed = [int(np.bitwise_count(listed[a] ^ queries[b]).sum()) for a, b in zip(i, q, strict=True)]
    assert recomputed == d.tolist()


def test_save_and_memory_mapped_load_give_the_same_answers(tmp_path, listed, queries):
    index = PDQIndex.build(listed)
    index.save(tmp_path / "idx")
    loaded = PDQIndex.load(tmp_path / "idx")
    assert isinstance(loaded.hashes, np.memmap)
    assert as_set(loaded.search(queries, 31)) == as_set(index.search(queries, 31))


def test_hex_round_trip_and_bad_hex():
    hexes = words_to_hex(random_hashes(3))
    assert words_to_hex(hex_to_words(hexes)) == hexes
    with pytest.raises(ValueError):
        hex_to_words(["abc"])


def test_empty_index_and_empty_queries():
    empty = PDQIndex.build(np.empty((0, 4), dtype=np.uint64))
    assert all(len(c) == 0 for c in empty.search(random_hashes(2), 31))
    assert all(len(c) == 0 for c in PDQIndex.build(random_hashes(10)).search(np.empty((0, 4), np.uint64), 31))


def test_queries_one_at_a_time_agree_with_brute_force(listed, queries):
    index, oracle = PDQIndex.build(listed), BruteForceIndex(listed)
    for q in queries[::7]:
        assert as_set(index.search(q[None, :], 31)) == as_set(oracle.search(q[None, :], 31))


def test_wide_ids_and_crowded_buckets_give_the_same_answers(listed, queries):
    wide = PDQIndex.build(listed, id_bytes=4)
    assert wide.ids.shape[2] == 4
    assert as_set(wide.search(queries, 31)) == as_set(BruteForceIndex(listed).search(queries, 31))
    crowded = np.vstack([np.repeat(listed[:1], 70_000, axis=0), listed[1:2000]])  # one bucket past 65,535 entries
    index = PDQIndex.build(crowded)
    probe = np.vstack([flip(listed[0], 3), flip(listed[7], 5), random_hashes(2)])
    assert as_set(index.search(probe, 31)) == as_set(BruteForceIndex(crowded).search(probe, 31))


def test_an_index_saved_in_another_layout_is_refused(tmp_path, listed):
    import json

    PDQIndex.build(listed[:100]).save(tmp_path / "idx")
    meta = json.loads((tmp_path / "idx" / "index.json").read_text())
    (tmp_path / "idx" / "index.json").write_text(json.dumps({**meta, "format": 3}))
    with pytest.raises(ValueError, match="rebuild"):
        PDQIndex.load(tmp_path / "idx")


def test_the_bucket_count_follows_the_list_size_and_any_count_answers_the_same(listed, queries):
    from copvn.detect.index import bucket_bits

    assert bucket_bits(10) == 10 and bucket_bits(100_000) == 15 and bucket_bits(10_000_000) == 21
    small = PDQIndex.build(listed[:100])
    assert small.heads.nbytes < 200_000  # a small list stays small
    expected = as_set(BruteForceIndex(listed).search(queries, 31))
    for high_bits in (10, 21):
        assert as_set(PDQIndex.build(listed, high_bits=high_bits).search(queries, 31)) == expected


def test_results_do_not_hold_on_to_the_search_buffers(listed, queries):
    q, i, d = PDQIndex.build(listed).search(queries[:1], 31)
    assert all(column.base is None for column in (q, i, d))
    many = PDQIndex.build(listed).search(np.repeat(listed[5:6], 40, axis=0), 31)  # past the first buffer: retried
    assert len(many[0]) == 40 * 11  # listed[5] and its 10 duplicates, for each of the 40 queries
