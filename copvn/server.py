"""`copvn serve`: one process tree — the web server here, a background worker as a child process."""

from __future__ import annotations

import errno
import logging
import signal
import socket
import subprocess
import sys
import threading
import time

import click

log = logging.getLogger(__name__)


def ensure_port_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # As the server itself binds: connections closed a moment ago (TIME-WAIT) must not block a restart;
        # a process still listening on the port does.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise click.ClickException(
                    f"port {port} on {host} is already in use (is another copvn serve running?); "
                    f"stop it or choose another port with --port"
                ) from None
            raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror}") from None


def start_worker() -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "copvn.cli", "worker"])


class WorkerSupervisor(threading.Thread):
    """Keeps one worker child running: a worker that exits or is killed is started again, with a backoff
    (1 s, doubling to 60 s; back to 1 s once a worker has run for a minute), and each restart is logged."""

    MAX_BACKOFF = 60.0
    STABLE_SECONDS = 60.0

    def __init__(self):
        super().__init__(name="copvn-worker-supervisor", daemon=True)
        self.stopping = threading.Event()
        self.child: subprocess.Popen | None = None
        self.restarts = 0
        self.lock = threading.Lock()  # a child is never started after stop() has looked for it

    def run(self):
        backoff = 1.0
        while not self.stopping.is_set():
            started = time.monotonic()
            with self.lock:
                if self.stopping.is_set():
                    return
                self.child = start_worker()
            code = self.child.wait()
            if self.stopping.is_set():
                return
            backoff = 1.0 if time.monotonic() - started > self.STABLE_SECONDS else backoff
            self.restarts += 1
            log.warning("the worker (pid %s) exited with code %s; starting another in %.0f s (restart %d)",
                        self.child.pid, code, backoff, self.restarts)
            self.stopping.wait(backoff)
            backoff = min(backoff * 2, self.MAX_BACKOFF)

    def stop(self) -> None:
        with self.lock:
            self.stopping.set()
            child = self.child
        if child is not None:
            stop_child(child)
        self.join(timeout=5)


def run(host: str, port: int, threads: int, with_worker: bool) -> None:
    from waitress import create_server

    from copvn.wsgi import application

    supervisor = WorkerSupervisor() if with_worker else None
    if supervisor is not None:
        supervisor.start()
    server = create_server(application, host=host, port=port, threads=threads, ident="copvn")

    def stop(signum, frame):
        server.close()
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    click.echo(f"copvn is serving on http://{host}:{port}/ (Ctrl-C stops it)", err=True)
    try:
        server.run()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        if supervisor is not None:
            supervisor.stop()
        click.echo("copvn stopped.", err=True)


def stop_child(child: subprocess.Popen) -> None:
    if child.poll() is None:
        child.send_signal(signal.SIGTERM)
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
