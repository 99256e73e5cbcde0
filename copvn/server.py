"""`copvn serve`: one process tree — the web server here, a background worker as a child process."""

from __future__ import annotations

import errno
import logging
import signal
import socket
import subprocess
import sys

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


def run(host: str, port: int, threads: int, with_worker: bool) -> None:
    from waitress import create_server

    from copvn.wsgi import application

    child = start_worker() if with_worker else None
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
        if child is not None:
            stop_child(child)
        click.echo("copvn stopped.", err=True)


def stop_child(child: subprocess.Popen) -> None:
    if child.poll() is None:
        child.send_signal(signal.SIGTERM)
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
