"""`copvn scan`: one result per input line, the same output in this process, a process pool and a Dask cluster,
and every input exactly once when a worker is killed in the middle."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from copvn.detect import bulk
from copvn.detect.scan import Lists, ListSnapshot, Thresholds, parse, scan_chunk

BIN = Path(sys.executable).parent
GROOMING = "Em năm nay bao nhiêu tuổi rồi, gửi ảnh cho anh xem nhé, đừng nói với bố mẹ, anh chuyển tiền cho"
CHILD = "Cháu Nguyễn Văn An, 9 tuổi, học lớp 4 trường Tiểu học Lê Lợi, trú tại thôn 2 xã Ninh Hòa"
PLAIN = "Hôm nay trời đẹp, cả nhà đi chợ Đầm mua ít trái cây rồi về nấu cơm trưa"


def posts(n: int, tmp_path: Path, name: str = "posts.jsonl") -> Path:
    path = tmp_path / name
    texts = [GROOMING, CHILD, PLAIN, PLAIN + " 😀", "mua ban do an vat o Nha Trang"]
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            f.write(json.dumps({"id": f"p{i}", "url": f"https://facebook.com/posts/{i}", "text": texts[i % 5]},
                               ensure_ascii=False) + "\n")
    return path


def ids(text: str) -> list:
    return [json.loads(line)["id"] for line in text.splitlines()]


def test_every_line_gets_one_result_and_bad_lines_an_error_naming_where():
    lines = [("f.jsonl", 1, json.dumps({"id": 1, "text": GROOMING}).encode()),
             ("f.jsonl", 2, b"not json"),
             ("f.jsonl", 3, b"\xff\xfe broken"),
             ("f.jsonl", 4, b"[1, 2]"),
             ("f.jsonl", 5, json.dumps({"id": 5, "text": 7}).encode()),
             ("f.jsonl", 6, json.dumps({"id": 6}).encode()),
             ("f.jsonl", 7, json.dumps({"id": 7, "text": "😀😀😀"}).encode()),
             ("f.jsonl", 8, json.dumps({"id": 8, "text": "x " * 500_000}).encode()),
             ("f.jsonl", 9, json.dumps({"text": CHILD}).encode())]
    out = [json.loads(line) for line in scan_chunk(lines, Lists(), Thresholds())]
    assert len(out) == len(lines)
    assert out[0]["id"] == 1 and "GROOM" in out[0]["alert"]
    assert {o["line"] for o in out if "error" in o} == {2, 3, 4, 5, 6}
    assert out[2]["error"] == "the line is not valid UTF-8" and out[2]["file"] == "f.jsonl"
    assert out[6]["id"] == 7 and out[6]["alert"] == []
    assert out[7]["id"] == 8  # 1 MB of text: a result, not a crash
    assert out[8]["id"] is None and out[8]["line"] == 9 and "PRIV" in out[8]["alert"]  # no id: where it was


def test_lists_snapshot_matches_the_post_url_and_media_and_a_negative_list_vetoes():
    lists = Lists([ListSnapshot("bad", "url", "PORN", False, 1, ["domain:xxx.example"]),
                   ListSnapshot("ok", "url", "", True, 1, ["https://xxx.example/safe"]),
                   ListSnapshot("h", "sha256", "CSAM", False, 1, ["ab" * 32])])
    rows = [("f", 1, json.dumps({"id": "a", "url": "https://m.xxx.example/v/1", "text": PLAIN}).encode()),
            ("f", 2, json.dumps({"id": "b", "url": "https://xxx.example/safe", "text": PLAIN}).encode()),
            ("f", 3, json.dumps({"id": "c", "text": PLAIN, "media": ["sha256:" + "AB" * 32]}).encode())]
    a, b, c = (json.loads(line) for line in scan_chunk(rows, lists, Thresholds()))
    assert a["alert"] == ["PORN"] and a["findings"][-1]["entry"] == "domain:xxx.example"
    assert b["alert"] == [] and any(f["negative"] for f in b["findings"])
    assert c["alert"] == ["CSAM"]


def test_thresholds_are_configurable():
    rows = [("f", 1, json.dumps({"id": 1, "text": GROOMING}).encode())]
    strict = json.loads(scan_chunk(rows, Lists(), Thresholds(lexicon=1.01, model=1.01))[0])
    assert "GROOM" not in strict["alert"]


def test_parse_refuses_a_line_too_long():
    post, error = parse(b"{" + b" " * (5 * 1024 * 1024) + b"}")
    assert post is None and "longer" in error


def test_pool_gives_the_same_output_as_one_process(tmp_path):
    path = posts(1200, tmp_path)
    one, two = io.StringIO(), io.StringIO()
    bulk.run([str(path)], one, workers=1, chunk_lines=100)
    summary = bulk.run([str(path)], two, workers=2, chunk_lines=100)
    assert one.getvalue() == two.getvalue()
    assert ids(one.getvalue()) == [f"p{i}" for i in range(1200)]
    assert summary.lines == 1200 and summary.alerts == 480  # the grooming and the child's details, 2 in 5


_MARK = Path(os.environ.get("TMPDIR", "/tmp")) / f"copvn-scan-die-{os.getpid()}"


def _dies_once(chunk, lists, thresholds):
    if chunk[0][1] == 301 and not _MARK.exists():
        _MARK.write_text("died")
        os._exit(9)  # the process is gone, as if killed
    return scan_chunk(chunk, lists, thresholds)


def test_a_pool_process_killed_midway_loses_and_repeats_nothing(tmp_path, monkeypatch):
    _MARK.unlink(missing_ok=True)
    path = posts(1000, tmp_path)
    monkeypatch.setattr(bulk, "scan_chunk", _dies_once)
    out = io.StringIO()
    try:
        summary = bulk.run([str(path)], out, workers=2, chunk_lines=100)
    finally:
        died = _MARK.exists()
        _MARK.unlink(missing_ok=True)
    assert died and summary.restarts >= 1
    assert ids(out.getvalue()) == [f"p{i}" for i in range(1000)]


def test_missing_input_and_cluster_that_does_not_answer_say_so(tmp_path):
    with pytest.raises(bulk.ScanError) as missing:
        bulk.run([str(tmp_path / "nothing.jsonl")], io.StringIO())
    assert missing.value.code == "scan.input"
    path = posts(3, tmp_path)
    port = _free_port()
    started = time.monotonic()
    with pytest.raises(bulk.ScanError) as refused:
        bulk.run([str(path)], io.StringIO(), cluster=f"tcp://127.0.0.1:{port}")
    assert refused.value.code == "scan.cluster" and time.monotonic() - started < 30


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_dask_worker_killed_midway_the_scan_still_has_every_input_once(tmp_path):
    from distributed import Client, LocalCluster

    path = posts(3000, tmp_path)
    expected = io.StringIO()
    bulk.run([str(path)], expected, workers=1, chunk_lines=50)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      host="127.0.0.1") as cluster, Client(cluster) as client:
        pids = list(client.run(os.getpid).values())
        killed = threading.Event()

        def kill_one(chunk, lines):
            if not killed.is_set() and chunk[0][1] > 400:
                killed.set()
                os.kill(pids[0], signal.SIGKILL)

        out = io.StringIO()
        bulk.run([str(path)], out, cluster=cluster.scheduler_address, chunk_lines=50, on_result=kill_one, window=6)
    assert killed.is_set()
    assert out.getvalue() == expected.getvalue()  # every input once, in order, with the same findings


def test_a_cluster_started_with_dasks_own_commands_gives_the_pool_output(tmp_path):
    path = posts(600, tmp_path)
    port = _free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    scheduler = subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                  "--no-dashboard"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    worker = subprocess.Popen([str(BIN / "dask"), "worker", f"tcp://127.0.0.1:{port}", "--nworkers", "2",
                               "--nthreads", "1", "--no-dashboard", "--host", "127.0.0.1"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        from distributed import Client

        deadline = time.monotonic() + 60
        while True:
            try:
                with Client(f"tcp://127.0.0.1:{port}", timeout=5) as client:
                    client.wait_for_workers(2, timeout=60)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        copvn = shutil.which("copvn", path=str(BIN)) or str(BIN / "copvn")
        on_cluster = subprocess.run([copvn, "scan", str(path), "--out", str(tmp_path / "cluster.jsonl"), "--cluster",
                                     f"tcp://127.0.0.1:{port}", "--no-lists", "--chunk", "50"],
                                    capture_output=True, text=True, timeout=300, env=env)
        assert on_cluster.returncode == 0, on_cluster.stderr
        on_pool = subprocess.run([copvn, "scan", str(path), "--out", str(tmp_path / "pool.jsonl"), "--workers", "2",
                                  "--no-lists", "--chunk", "50", "--quiet"],
                                 capture_output=True, text=True, timeout=300, env=env)
        assert on_pool.returncode == 0, on_pool.stderr
    finally:
        for process in (worker, scheduler):
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
    cluster_out = (tmp_path / "cluster.jsonl").read_text(encoding="utf-8")
    assert cluster_out == (tmp_path / "pool.jsonl").read_text(encoding="utf-8")
    assert len(cluster_out.splitlines()) == 600
    summary = json.loads(on_cluster.stderr.strip().splitlines()[-1])
    assert summary["where"].startswith("dask tcp://") and summary["lines"] == 600
    assert "posts" in on_cluster.stderr  # the progress line
    assert not (tmp_path / "cluster.jsonl.part").exists()
