import signal
import socket
import subprocess
import sys

from .processes import ROOT, copvn, own_database, python, wait_for


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_starts_everything_and_ctrl_c_stops_the_whole_tree(tmp_path):
    import urllib.request

    port = free_port()
    with own_database(tmp_path) as env:
        serve = subprocess.Popen([sys.executable, "-m", "copvn.cli", "serve", "--port", str(port)], env=env, cwd=ROOT,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            def healthy():
                try:
                    return urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).status == 200
                except OSError:
                    return False

            wait_for(healthy, timeout=90, what="copvn serve to answer")
            marker = tmp_path / "marker"
            python(f"from tests.worker_tasks import write_marker as t; t.enqueue({str(marker)!r})", env)
            wait_for(marker.exists, timeout=60, what="the worker started by serve to run a task")
            children = subprocess.run(["pgrep", "-P", str(serve.pid)], capture_output=True, text=True).stdout.split()
            assert children, "serve runs its worker as a child process"
            busy = copvn("serve", "--port", str(port), env=env, check=False)
            assert busy.returncode != 0 and f"port {port} on 127.0.0.1 is already in use" in busy.stderr
            serve.send_signal(signal.SIGINT)
            out, err = serve.communicate(timeout=60)
        finally:
            if serve.poll() is None:
                serve.kill()
        assert serve.returncode == 0, err
        assert "First administrator created: username 'quantri'" in err
        assert "copvn stopped." in err
    for pid in children:
        assert subprocess.run(["kill", "-0", pid], capture_output=True).returncode != 0, "the worker outlived serve"


def test_a_broken_database_url_is_named_clearly(tmp_path):
    with own_database(tmp_path) as env:
        env["DATABASE_URL"] = "mysql://root@localhost/copvn"
        result = copvn("migrate", env=env, check=False)
        assert result.returncode == 1 and "unsupported scheme 'mysql'" in result.stderr
        assert "Traceback" not in result.stderr
        env["DATABASE_URL"] = "postgres://copvn:secret@127.0.0.1:1/copvn"
        result = copvn("migrate", env=env, check=False)
        assert result.returncode == 1 and "cannot connect to the database" in result.stderr
        assert "secret" not in result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    with own_database(tmp_path) as env:
        env.update(COPVN_PRODUCTION="1", COPVN_ALLOWED_HOSTS="copvn.example.vn")
        env.pop("COPVN_SECRET_KEY", None)
        result = copvn("migrate", env=env, check=False)
        assert result.returncode == 1 and "COPVN_SECRET_KEY is required" in result.stderr


def test_a_command_run_where_there_is_no_installation_says_so_and_creates_no_database(tmp_path):
    with own_database(tmp_path) as env:
        if "DATABASE_URL" in env:
            return  # PostgreSQL: the database is named by DATABASE_URL, not found by folder
        elsewhere = tmp_path / "somewhere-else"
        elsewhere.mkdir()
        env["COPVN_DATA_DIR"] = str(elsewhere / "var")
        result = subprocess.run([sys.executable, "-m", "copvn.cli", "audit", "verify"], env=env, cwd=elsewhere,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert f"no copvn database in the data directory {elsewhere / 'var'}" in result.stderr
        assert not (elsewhere / "var" / "copvn.sqlite3").exists()
        copvn("migrate", env=env)
        assert copvn("audit", "verify", env=env).returncode == 0


def test_behind_a_proxy_static_files_have_hashed_names_and_a_long_cache_lifetime(tmp_path):
    import re
    import urllib.request

    port = free_port()
    with own_database(tmp_path) as env:
        env["COPVN_STATIC_MANIFEST"] = "1"
        serve = subprocess.Popen([sys.executable, "-m", "copvn.cli", "serve", "--no-worker", "--port", str(port)],
                                 env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            def page():
                try:
                    return urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=2).read().decode()
                except OSError:
                    return ""

            wait_for(lambda: page() != "", timeout=90, what="copvn serve to answer")
            href = re.search(r'href="(/static/copvn/copvn\.[0-9a-f]{12}\.css)"', page())
            assert href, "the stylesheet is linked under its hashed name"
            answer = urllib.request.urlopen(f"http://127.0.0.1:{port}{href.group(1)}", timeout=5)
            assert answer.status == 200 and answer.headers["Content-Type"].startswith("text/css")
            assert "max-age=315360000" in answer.headers["Cache-Control"] and b".panel" in answer.read()
        finally:
            serve.send_signal(signal.SIGINT)
            serve.communicate(timeout=60)


def test_serve_starts_again_right_after_it_stopped(tmp_path):
    import urllib.request

    port = free_port()

    def healthy():  # without a worker /healthz answers 503: any answer means the server is up
        try:
            return urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=2).status == 200
        except OSError:
            return False

    with own_database(tmp_path) as env:
        for attempt in range(2):
            serve = subprocess.Popen([sys.executable, "-m", "copvn.cli", "serve", "--no-worker", "--port", str(port)],
                                     env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            try:
                wait_for(lambda s=serve: healthy() or s.poll() is not None, timeout=90, what="copvn serve to answer")
                assert serve.poll() is None, f"start {attempt + 1} failed: {serve.stderr.read()}"
                for _ in range(5):  # connections the server closes leave its side in TIME-WAIT
                    assert healthy()
            finally:
                serve.send_signal(signal.SIGINT)
                serve.communicate(timeout=60)


def test_serve_restarts_a_killed_worker_and_health_says_when_work_stops(tmp_path):
    import json
    import urllib.error
    import urllib.request

    port = free_port()

    def health():
        try:
            answer = urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
        except urllib.error.HTTPError as refused:
            answer = refused
        except OSError:
            return None, {}
        return answer.status, json.loads(answer.read())

    def workers(serve):
        return subprocess.run(["pgrep", "-P", str(serve.pid)], capture_output=True, text=True).stdout.split()

    with own_database(tmp_path) as env:
        env["COPVN_HEALTH_WORKER_SECONDS"] = "3"
        serve = subprocess.Popen([sys.executable, "-m", "copvn.cli", "serve", "--port", str(port)], env=env, cwd=ROOT,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            wait_for(lambda: health()[0] == 200, timeout=90, what="a healthy copvn serve")
            first = workers(serve)
            assert len(first) == 1
            subprocess.run(["kill", "-9", first[0]], check=True)
            wait_for(lambda: health()[0] == 503, timeout=30, what="health to report the dead worker")
            status, body = health()
            assert "worker" in body["problems"] and body["worker_heartbeat_age_seconds"] > 3
            wait_for(lambda: len(workers(serve)) == 1 and workers(serve) != first, timeout=30,
                     what="a new worker")
            wait_for(lambda: health()[0] == 200, timeout=60, what="health to recover with the new worker")
        finally:
            serve.send_signal(signal.SIGINT)
            _out, err = serve.communicate(timeout=60)
        assert "exited with code -9; starting another" in err


def _serve_without_worker(env, port):
    return subprocess.Popen([sys.executable, "-m", "copvn.cli", "serve", "--no-worker", "--port", str(port)], env=env,
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _twenty_at_once(port, bodies):
    """POST the public form 20 times at once, from one browser session (one CSRF cookie)."""
    import http.cookiejar
    import re
    import threading
    import urllib.parse
    import urllib.request

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(f"http://127.0.0.1:{port}/report/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    start, statuses = threading.Barrier(len(bodies)), []

    def post(body):
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "harm_words": "other", **body}).encode()
        start.wait()
        try:
            statuses.append(opener.open(f"http://127.0.0.1:{port}/report/", data=data, timeout=60).status)
        except urllib.error.HTTPError as answer:
            statuses.append(answer.code)

    threads = [threading.Thread(target=post, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(statuses)


def test_twenty_simultaneous_posts_give_one_report_and_a_limit_of_ten_lets_ten_through(tmp_path):
    port = free_port()
    with own_database(tmp_path) as env:
        env["COPVN_PUBLIC_REPORTS_PER_HOUR"] = "10"
        copvn("migrate", env=env)
        serve = _serve_without_worker(env, port)
        try:
            wait_for(lambda: _answers(f"http://127.0.0.1:{port}/report/"), timeout=90, what="copvn serve")
            same = _twenty_at_once(port, [{"description": "Cùng một phản ánh gửi hai mươi lần"}] * 20)
            assert same.count(201) == 1 and set(same) <= {200, 201}, same
            count = "from copvn.intake.models import Report; print(Report.objects.count())"
            assert python(count, env) == "1"
            distinct = _twenty_at_once(port, [{"description": f"Phản ánh số {n}"} for n in range(20)])
            assert distinct.count(201) == 9 and distinct.count(429) == 11, distinct  # one of ten was used above
            assert python(count, env) == "10"
        finally:
            serve.send_signal(signal.SIGINT)
            serve.communicate(timeout=60)


def _answers(url):
    import urllib.request

    try:
        return urllib.request.urlopen(url, timeout=2).status == 200  # noqa: S310 (a loopback http URL)
    except OSError:
        return False


def test_in_production_serve_prints_no_password_and_points_to_createadmin(tmp_path):
    port = free_port()
    with own_database(tmp_path) as env:
        env.update(COPVN_PRODUCTION="1", COPVN_SECRET_KEY="k" * 50, COPVN_ALLOWED_HOSTS="127.0.0.1")
        serve = _serve_without_worker(env, port)
        try:
            wait_for(lambda: _answers(f"http://127.0.0.1:{port}/login/"), timeout=90, what="copvn serve")
        finally:
            serve.send_signal(signal.SIGINT)
            _out, err = serve.communicate(timeout=60)
        assert "copvn createadmin" in err and "password" not in err.lower()
        assert python("from copvn.accounts.models import User; print(User.objects.count())", env) == "0"
