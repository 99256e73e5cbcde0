"""Running copvn as separate processes against a database of their own (SQLite file or a fresh PostgreSQL db)."""

import os
import secrets
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def own_database(tmp_path):
    """Environment for subprocesses: the same engine as the test run, a database no test shares."""
    env = {**os.environ, "COPVN_DATA_DIR": str(tmp_path / "data"), "PYTHONPATH": str(ROOT)}
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        env.pop("DATABASE_URL", None)
        yield env
        return
    import psycopg

    parts = urlsplit(url)
    name = f"copvn_proc_{secrets.token_hex(4)}"
    admin = dict(host=parts.hostname, port=parts.port or 5432, user=parts.username, password=parts.password,
                 dbname="postgres", autocommit=True)
    with psycopg.connect(**admin) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = parts._replace(path=f"/{name}").geturl()
    try:
        yield env
    finally:
        with psycopg.connect(**admin) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def copvn(*args, env, timeout=120, check=True):
    result = subprocess.run([sys.executable, "-m", "copvn.cli", *args], env=env, capture_output=True, text=True,
                            timeout=timeout, cwd=ROOT)
    if check and result.returncode != 0:
        raise AssertionError(f"copvn {' '.join(args)} failed: {result.stderr}")
    return result


def python(code, env, timeout=60):
    prelude = "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'copvn.settings'); django.setup()\n"
    result = subprocess.run([sys.executable, "-c", prelude + code], env=env, capture_output=True, text=True,
                            timeout=timeout, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def wait_for(predicate, timeout=60, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")
