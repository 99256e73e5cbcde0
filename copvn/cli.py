"""`copvn`: the one command-line entry point for operators and scripts.

Commands print machine-readable output on stdout and diagnostics on stderr.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "copvn.settings")
    from copvn.config import ConfigError

    try:
        import django

        django.setup()
    except ConfigError as exc:
        raise click.ClickException(f"configuration: {exc}") from None


def warn_about_open_networks() -> None:
    """COPVN_FETCH_ALLOW_NETWORKS lets the fetcher reach private networks: for tests and labs, never by accident."""
    from django.conf import settings

    if settings.FETCH_ALLOW_NETWORKS:
        click.echo("!! COPVN_FETCH_ALLOW_NETWORKS is set: the fetcher (captures, removal checks, webhooks) may reach "
                   f"these non-public networks: {', '.join(settings.FETCH_ALLOW_NETWORKS)}. Unset it in production.",
                   err=True)


def check_database(*, installed: bool = True) -> None:
    """Fail early with a clear message when the database cannot be reached, or (`installed`) holds no copvn.

    Commands that only use an installation must not create an empty SQLite file wherever they happen to run:
    they name the data directory they looked in instead.
    """
    from django.conf import settings
    from django.db import connection
    from django.db.utils import OperationalError

    if (installed and connection.vendor == "sqlite" and not connection.is_in_memory_db()
            and not Path(connection.settings_dict["NAME"]).exists()):
        raise click.ClickException(_no_installation(settings.DATA_DIR))
    try:
        connection.ensure_connection()
    except OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise click.ClickException(f"cannot connect to the database: {first}") from None
    if installed and "audit_auditevent" not in connection.introspection.table_names():
        raise click.ClickException(_no_installation(settings.DATA_DIR))


def _no_installation(directory) -> str:
    return (f"no copvn database in the data directory {directory}: set COPVN_DATA_DIR to the installation's data "
            f"directory (or run the command from the installation's folder), or create one with `copvn migrate`")


def collect_static() -> None:
    """Behind a proxy (COPVN_STATIC_MANIFEST) static files are served from hashed copies: make them now."""
    from django.conf import settings
    from django.core.management import call_command

    if settings.STATIC_MANIFEST:
        call_command("collectstatic", interactive=False, verbosity=0)


def migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command

    check_database(installed=False)
    call_command("migrate", interactive=False, verbosity=verbosity)


@click.group()
@click.version_option(package_name="copvn")
def main():
    """copvn: protecting children online. See docs/cli.md."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int, help="Web request threads.")
@click.option("--worker/--no-worker", default=True, show_default=True, help="Also run a background worker.")
@click.option("--demo", is_flag=True, help="On an empty database, first fill in the demo province and users.")
def serve(host, port, threads, worker, demo):
    """Migrate, create the first administrator if none, start a worker and serve the web app."""
    from copvn import server

    server.ensure_port_free(host, port)
    setup_django()
    migrate()
    collect_static()
    from copvn.accounts.bootstrap import ensure_first_admin
    from copvn.accounts.models import User

    if demo and not User.objects.exists():
        print_demo_users()
    from django.conf import settings

    if settings.PRODUCTION:  # a server's output ends up in its logs: never print a password there
        if not User.objects.filter(role="admin").exists():
            click.echo("No administrator yet: create one on this machine with `copvn createadmin USERNAME`.", err=True)
    else:
        created = ensure_first_admin()
        if created:
            username, password = created
            click.echo(f"First administrator created: username {username!r}, password {password!r}", err=True)
            click.echo("You will choose your own password and set up the second factor (an authenticator app) at "
                       "first sign-in.", err=True)
    warn_about_open_networks()
    server.run(host, port, threads, with_worker=worker)


@main.command()
@click.option("--queues", default="*", show_default=True, help="Comma-separated queue names, * for all.")
@click.option("--interval", default=1.0, show_default=True, type=float, help="Seconds between polls when idle.")
@click.option("--batch", is_flag=True, help="Run what is queued, then exit.")
@click.option("--max-tasks", type=int, default=None, help="Exit after this many tasks.")
def worker(queues, interval, batch, max_tasks):
    """Run a background worker (several may run against one PostgreSQL database)."""
    setup_django()
    check_database()
    warn_about_open_networks()
    from copvn.jobs.worker import run

    run(queues=queues, interval=interval, batch=batch, max_tasks=max_tasks)


@main.command("check-article")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--agency", required=True, help="The press agency's organisation code (its consent records are used).")
@click.option("--date", "day", default=None, help="Planned publication date, YYYY-MM-DD (default today).")
@click.option("--title", default="", help="The article's title (matched against a consent's article or series).")
@click.option("--medium", default="online", show_default=True, type=click.Choice(["print", "online", "tv", "radio",
                                                                                  "social"]))
def check_article(path, agency, day, title, medium):
    """The pre-publication check of an article (text, HTML or DOCX file): the same JSON as the newsroom API."""
    import datetime as dt

    setup_django()
    check_database()
    from copvn.consent import check
    from copvn.consent.files import read_article
    from copvn.orgs.models import Organisation

    organisation = Organisation.objects.filter(code=agency, kind="press").first()
    if organisation is None:
        raise click.ClickException(f"no press agency with the code {agency!r}")
    try:
        when = dt.date.fromisoformat(day) if day else dt.date.today()
    except ValueError:
        raise click.ClickException(f"--date {day!r}: expected YYYY-MM-DD") from None
    data = click.get_binary_stream("stdin").read() if path == "-" else Path(path).read_bytes()
    try:
        text = read_article(data, Path(path).name)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    result = check.run(organisation, text, publication_date=when, title=title, medium=medium)
    click.echo(json.dumps(result, ensure_ascii=False))


@main.command()
@click.option("--force", is_flag=True, help="Run every periodic job now, not only those whose interval passed.")
def tick(force):
    """Run the periodic jobs once (removal checks, legal clocks, the outbox sweep); workers do this on their own."""
    setup_django()
    check_database()
    from copvn.jobs.schedule import run_due

    click.echo(json.dumps(run_due(force=force), default=str, ensure_ascii=False))


@main.command()
@click.argument("username")
@click.option("--family", default="", help="Family and middle names (họ và tên đệm).")
@click.option("--given", default="", help="Given name (tên).")
def createadmin(username, family, given):
    """Create an administrator, asking for the password at the terminal (never printed or logged)."""
    setup_django()
    check_database()
    from django.core.exceptions import ValidationError

    from copvn.accounts.bootstrap import create_admin
    from copvn.accounts.models import User

    if User.objects.filter(username=username).exists():
        raise click.ClickException(f"a user named {username!r} exists already")
    password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_admin(username, password, family, given)
    except ValidationError as exc:
        raise click.ClickException(" ".join(exc.messages)) from None
    click.echo(json.dumps({"created": user.username, "role": "admin"}))


@main.command("migrate")
def migrate_command():
    """Apply database migrations."""
    setup_django()
    migrate(verbosity=1)


@main.command("load-orgs")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def load_orgs(path):
    """Load an organisation file (CSV or JSON): all or nothing."""
    setup_django()
    check_database()
    from copvn.orgs.loader import OrgFileError
    from copvn.orgs.services import load_file

    try:
        result = load_file(path)
    except OrgFileError as exc:
        for line, reason in exc.problems:
            click.echo(f"{path}:{line}: {reason}", err=True)
        raise click.ClickException(f"{len(exc.problems)} problem(s); nothing was changed") from None
    click.echo(json.dumps({"created": result.created, "updated": result.updated}))


@main.command("import-reports")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_reports_command(path):
    """Import reports from CSV or JSON Lines, row by row; bad rows are reported and skipped."""
    setup_django()
    check_database()
    from pathlib import Path

    from django.db import transaction

    from copvn.audit.services import record
    from copvn.intake.importer import import_reports

    result = import_reports(Path(path).read_bytes(), Path(path).name)
    with transaction.atomic():
        record("report.import", reason=Path(path).name,
               data={"created": len(result.created), "repeated": len(result.repeated), "errors": len(result.errors)})
    for line, reason in result.errors:
        click.echo(f"{path}:{line}: {reason}", err=True)
    click.echo(json.dumps({"created": len(result.created), "repeated": len(result.repeated),
                           "errors": len(result.errors), "references": result.created}))
    if result.errors:
        sys.exit(1)


@main.group()
def audit():
    """The tamper-evident audit log."""


@audit.command("verify")
@click.option("--expect-head", "expected", default="", metavar="HASH",
              help="A head hash noted earlier (kept outside the database): fail unless the chain still holds it.")
def audit_verify(expected):
    """Check the whole hash chain; name the first broken entry.

    The chain proves that no entry was changed or removed in the middle. Removing the newest entries leaves a
    shorter, valid chain: keep each day's head hash elsewhere and pass it as --expect-head to detect that.
    """
    setup_django()
    check_database()
    from copvn.audit.services import verify_chain

    report = verify_chain(expect_hash=expected.strip().lower())
    click.echo(json.dumps({"ok": report.ok, "checked": report.checked, "first_broken_seq": report.first_broken_seq,
                           "problem": report.problem, "head_hash": report.head_hash,
                           "expected_head_seq": report.expected_seq}))
    if not report.ok:
        where = f"at entry {report.first_broken_seq}" if report.first_broken_seq else "at its end"
        click.echo(f"audit chain broken {where}: {report.problem}", err=True)
        sys.exit(1)


@main.command()
@click.option("--force", is_flag=True, help="Fill in the demo even when the database already has users "
              "(the demo's users, organisations and reports are never added twice).")
def demo(force):
    """Fill an empty database with a realistic province, a user for every role (passwords printed) and a few
    weeks of synthetic, non-graphic reports and cases, so that each role finds work."""
    setup_django()
    migrate()
    print_demo_users(force=force, err=False)


def print_demo_users(force: bool = False, err: bool = True) -> None:
    from copvn.accounts.demo import DemoRefused, fill

    try:
        users = fill(force=force)
    except DemoRefused as exc:
        raise click.ClickException(str(exc)) from None
    for row in users:
        click.echo(json.dumps(row, ensure_ascii=False), err=err)


@main.group()
def token():
    """Personal staff tokens for the staff API (docs/api.md): shown once, stored hashed."""


def _token_row(item) -> dict:
    return {"prefix": item.prefix, "user": item.user.username, "role": item.user.role, "name": item.name,
            "created_at": item.created_at.isoformat(),
            "last_used_at": item.last_used_at.isoformat() if item.last_used_at else None,
            "revoked_at": item.revoked_at.isoformat() if item.revoked_at else None}


@token.command("create")
@click.argument("username")
@click.option("--name", "label", required=True, help="What the token is for (a script, a machine).")
def token_create(username, label):
    """Issue a token for USERNAME and print it once (JSON); it acts with that user's role and clearances.

    Refused for a user who is inactive, locked, or has not set up the second factor.
    """
    setup_django()
    check_database()
    from copvn.accounts import tokens
    from copvn.accounts.models import User

    user = User.objects.filter(username=username).first()
    if user is None:
        raise click.ClickException(f"no user named {username!r}")
    try:
        item, secret = tokens.create(user, label)
    except tokens.TokenRefused as exc:
        raise click.ClickException(str(exc)) from None
    click.echo("The token is shown only this once: keep it where the program reads it.", err=True)
    click.echo(json.dumps({"token": secret, "prefix": item.prefix, "user": user.username}))


@token.command("revoke")
@click.argument("prefix")
def token_revoke(prefix):
    """Revoke the token that starts with PREFIX (as `copvn token list` shows it); effective at once."""
    setup_django()
    check_database()
    from copvn.accounts import tokens

    try:
        item = tokens.revoke(prefix)
    except tokens.TokenRefused as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(json.dumps(_token_row(item)))


@token.command("list")
@click.argument("username", required=False, default="")
def token_list(username):
    """Tokens (all, or USERNAME's) as JSON lines, without secrets."""
    setup_django()
    check_database()
    from copvn.accounts import tokens

    for item in tokens.listed(username):
        click.echo(json.dumps(_token_row(item)))


@main.group()
def apikey():
    """Partner API keys (docs/api.md)."""


@apikey.command("issue")
@click.argument("org_code")
@click.option("--name", "label", required=True, help="What the key is for (the partner's system).")
@click.option("--trust", type=click.Choice(["low", "normal", "high"]), default="normal", show_default=True,
              help="Trust level: sets the key's reports per minute; high is a trusted flagger.")
def apikey_issue(org_code, label, trust):
    """Issue a key for the organisation with registry code ORG_CODE and print it once (JSON)."""
    setup_django()
    check_database()
    from copvn.intake import keys
    from copvn.orgs.models import Organisation

    organisation = Organisation.objects.filter(code=org_code).first()
    if organisation is None:
        raise click.ClickException(f"no organisation with code {org_code!r} in the registry (see /orgs/)")
    if not Organisation.objects.current().filter(pk=organisation.pk).exists():
        successor = f"; its successor is {organisation.successor.code!r}" if organisation.successor else ""
        raise click.ClickException(f"organisation {org_code!r} is not in effect today{successor}")
    if not label.strip():
        raise click.ClickException("a key needs a name")
    key, secret = keys.issue(organisation, label.strip()[:100], trust)
    click.echo("The key is shown only this once: give it to the partner over a safe channel.", err=True)
    click.echo(json.dumps({"key": secret, "prefix": key.prefix, "organisation": organisation.code, "trust": trust}))


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def manage(args):
    """Run a Django management command (for operators: createcachetable, shell, dbshell…)."""
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["copvn manage", *args])


from copvn.media_cli import hash_command, lists_group, match_command  # noqa: E402
from copvn.pii_cli import eval_pii_command, pii_command  # noqa: E402
from copvn.report_cli import report_group  # noqa: E402
from copvn.scan_cli import scan_command  # noqa: E402
from copvn.text_cli import classify_command, eval_text_command, train_text_command  # noqa: E402

main.add_command(classify_command)
main.add_command(scan_command)
main.add_command(report_group)
main.add_command(train_text_command)
main.add_command(eval_text_command)
main.add_command(hash_command)
main.add_command(match_command)
main.add_command(lists_group)
main.add_command(pii_command)
main.add_command(eval_pii_command)

if __name__ == "__main__":
    main()
