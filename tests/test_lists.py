import json

import pytest
from click.testing import CliRunner
from PIL import Image

from copvn.cli import main
from copvn.detect.lists import HashList, load_file, matches, open_list, save
from copvn.detect.media import hash_image

A, B = "a" * 64, "0" * 63 + "f"  # distance between A and B: 252 bits


def test_every_format_loads_and_bad_lines_are_named_and_skipped(tmp_path):
    text = ("signal_type,signal_value,metadata\n"
            f"pdq,{A},{{\"case\": \"VV-2026-000001\"}}\n"
            "pdq,not-hex,\n"
            f"md5,{'b' * 32},\n"
            f"pdq,{A[:-2]},\n"
            f"PDQ,{B.upper()},\n")
    hashes = HashList("known", "pdq")
    report = hashes.load_text(text)
    assert report.loaded == 2 and len(hashes) == 2
    assert [line for line, _ in report.problems] == [3, 4, 5]
    assert hashes.metadata[0] == {"case": "VV-2026-000001"} and hashes.values[1] == B
    plain = HashList("plain", "md5")
    assert plain.load_text(f"{'c' * 32}\n\n{'d' * 31}\n").problems == [(3, "not a md5 value: expected 32 hexadecimal characters")]


def test_export_reimports_to_the_same_list():
    hashes = HashList("known", "pdq")
    hashes.load_text(f"{A}\n{B}\n")
    again = HashList("again", "pdq")
    assert again.load_text(hashes.export_csv()).loaded == 2 and again.values == hashes.values


def test_adding_and_removing_works_without_a_rebuild():
    hashes = HashList("known", "pdq")
    hashes.load_text(f"{A}\n")
    hashes.add(B)
    assert [i for i, _ in hashes.match(B)] == [1]  # pending, found by the linear scan
    assert hashes.remove(A) == 1 and hashes.match(A) == []
    hashes.compact()
    assert [i for i, _ in hashes.match(B)] == [1]


def test_a_negative_list_vetoes_a_match_and_thresholds_are_per_list():
    near = A[:-1] + "b"  # one bit away
    known = HashList("known", "pdq", threshold=0)
    known.load_text(f"{A}\n")
    wide = HashList("wide", "pdq", threshold=31)
    wide.load_text(f"{A}\n")
    assert [m["list"] for m in matches([known, wide], {"pdq": near})] == ["wide"]
    false_positives = HashList("fp", "pdq", negative=True)
    false_positives.load_text(f"{near}\n")
    assert matches([known, wide, false_positives], {"pdq": near}) == []
    wide.enabled = False
    assert matches([known, wide], {"pdq": near}) == []


def test_url_lists_match_on_the_canonical_form():
    urls = HashList("urls", "url")
    urls.load_text("https://m.facebook.com/groups/1/posts/2?fbclid=x\nftp://nope\n")
    assert len(urls) == 1 and urls.match("https://www.facebook.com/groups/1/posts/2/") == [(0, 0)]


def picture(colour, path):
    image = Image.new("RGB", (128, 128), colour)
    for x in range(0, 128, 16):
        image.paste((255 - colour[0], 40, 90), (x, 0, x + 8, 128))
    image.save(path, format="PNG")
    return path


def test_the_cli_hashes_and_matches_files(tmp_path):
    listed = picture((10, 200, 30), tmp_path / "listed.png")
    other = picture((200, 10, 30), tmp_path / "other.png")
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 not really")
    list_file = tmp_path / "list.csv"
    list_file.write_text(f"signal_type,signal_value,metadata\npdq,{hash_image(listed.read_bytes()).pdq},"
                         f"{json.dumps({'source': 'NCMEC'})}\npdq,zz,\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["match", "--list", str(list_file), str(listed), str(other), str(broken)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["path"] for r in rows] == [str(listed), str(broken)]
    assert rows[0]["distance"] == 0 and rows[0]["metadata"] == {"source": "NCMEC"} and "error" in rows[1]
    assert "list.csv:3:" in result.stderr
    hashed = CliRunner().invoke(main, ["hash", str(listed), str(broken)])
    first, second = (json.loads(line) for line in hashed.stdout.splitlines())
    assert first["pdq"] and second["pdq"] is None and second["sha256"] and "error" in second


def test_lists_import_export_and_stats_through_the_cli(tmp_path, monkeypatch):
    monkeypatch.setenv("COPVN_DATA_DIR", str(tmp_path / "data"))
    source = tmp_path / "hashes.txt"
    source.write_text(f"{A}\nbad\n", encoding="utf-8")
    runner = CliRunner()
    imported = runner.invoke(main, ["lists", "import", str(source), "--name", "known", "--kind", "pdq"])
    assert json.loads(imported.stdout) == {"list": "known", "added": 1, "skipped": 1, "entries": 1}
    assert "hashes.txt:2:" in imported.stderr
    exported = runner.invoke(main, ["lists", "export", "known", "--format", "lines"])
    assert exported.stdout == f"{A}\n"
    stats = json.loads(runner.invoke(main, ["lists", "stats"]).stdout)
    assert stats["entries"] == 1 and stats["kind"] == "pdq"


def test_a_list_file_that_is_not_utf8_is_reported(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes(b"\xff\xfe" + A.encode("utf-16-le"))
    hashes, report = load_file(path, "pdq")
    assert len(hashes) == 0 and "not UTF-8" in report.problems[0][1]


def test_saved_lists_open_again(tmp_path):
    hashes = HashList("known", "sha256", threshold=0)
    hashes.load_text(f"{'e' * 64}\n")
    save(hashes, tmp_path / "known")
    assert open_list(tmp_path / "known").values == hashes.values


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown list kind"):
        HashList("x", "phash")




def test_url_lists_hold_exact_urls_path_prefixes_and_whole_domains():
    from copvn.detect.urllist import URLList

    urls = URLList()
    for line in ["https://www.facebook.com/groups/1/posts/2?fbclid=1", "prefix:https://example.vn/xau",
                 "domain:casino-bad.com", "prefix:https://ab.vn/"]:
        urls.add(line)
    assert [how for how, _ in urls.match("https://m.facebook.com/groups/1/posts/2")] == ["exact"]
    assert [how for how, _ in urls.match("http://example.vn/xau/bai-1?utm_source=x")] == ["prefix"]
    assert urls.match("https://example.vn/xaulam") == []  # a prefix ends at a path segment
    assert [how for how, _ in urls.match("https://vip.casino-bad.com/x")] == ["domain"]
    assert urls.match("https://notcasino-bad.com/") == []
    assert [how for how, _ in urls.match("https://ab.vn/x/y")] == ["prefix"]


def test_a_url_hash_list_uses_prefixes_and_domains_too():
    urls = HashList("blocked", "url")
    report = urls.load_text("domain:cado-bong-da.net\nprefix:https://tiktok.com/@kenh-xau\nfile:///etc/passwd\n")
    assert report.loaded == 2 and report.problems[0][0] == 3
    assert urls.match("https://m.cado-bong-da.net/keo") == [(0, 0)]
    assert urls.match("https://www.tiktok.com/@kenh-xau/video/1") == [(1, 0)]
