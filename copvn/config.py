"""Reading configuration from the environment, failing closed.

Every variable read here is documented in docs/configuration.md; a test checks the list.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit


class ConfigError(Exception):
    """A setting is missing or malformed; the message names it and says what is expected."""


TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ConfigError(f"{name}={raw!r}: expected one of 1/0, true/false, yes/no, on/off")


def env_int(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r}: expected a whole number") from None
    if value < minimum:
        raise ConfigError(f"{name}={raw!r}: must be at least {minimum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


CHECKOUT = Path(__file__).resolve().parent.parent


def default_data_dir() -> Path:
    """`./var` when it holds a database; else, for a copy installed from a checkout, the checkout's `var`
    (so that a command run from another folder finds the installation); else a new `./var`."""
    here = Path("var").resolve()
    if (here / "copvn.sqlite3").exists():
        return here
    if (CHECKOUT / "pyproject.toml").exists() and (CHECKOUT / "var" / "copvn.sqlite3").exists():
        return CHECKOUT / "var"
    return here


def env_levels(name: str, default: dict[str, int], minimum: int = 1) -> dict[str, int]:
    """`low:10,normal:60,high:600` → {"low": 10, …}; levels not given keep their default."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return dict(default)
    values = dict(default)
    for item in raw.split(","):
        level, _sep, number = item.strip().partition(":")
        if level not in default or not number.strip().isdigit() or int(number) < minimum:
            raise ConfigError(f"{name}={raw!r}: expected level:number pairs for {', '.join(default)} "
                              f"(numbers at least {minimum}), e.g. low:10,normal:60")
        values[level] = int(number)
    return values


def data_dir() -> Path:
    configured = env_str("COPVN_DATA_DIR")
    path = Path(configured).resolve() if configured else default_data_dir()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"COPVN_DATA_DIR={path}: cannot create the data directory ({exc.strerror})") from None
    return path


def secret_key(production: bool, directory: Path) -> str:
    """The key from COPVN_SECRET_KEY; else (embedded mode only) one kept in the data directory."""
    key = env_str("COPVN_SECRET_KEY")
    if key:
        if production and len(key) < 40:
            raise ConfigError("COPVN_SECRET_KEY: must be at least 40 characters in production")
        return key
    if production:
        raise ConfigError("COPVN_SECRET_KEY is required when COPVN_PRODUCTION is on")
    path = directory / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


def database(url: str, directory: Path) -> dict:
    """Django's DATABASES['default'] from a DATABASE_URL (empty: SQLite in the data directory)."""
    if not url:
        return sqlite_database(directory / "copvn.sqlite3")
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = unquote(parts.path.lstrip("/")) if parts.netloc == "" else ""
        if not path:
            raise ConfigError(f"DATABASE_URL={redact(url)}: a SQLite URL looks like sqlite:///path/to/file.sqlite3")
        return sqlite_database(Path("/" + path) if parts.path.startswith("//") else Path(path))
    if parts.scheme in {"postgres", "postgresql", "pgsql"}:
        return postgres_database(url, parts)
    raise ConfigError(
        f"DATABASE_URL={redact(url)}: unsupported scheme {parts.scheme!r}; use postgres://user:password@host:5432/name"
    )


def sqlite_database(path: Path) -> dict:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                            "PRAGMA recursive_triggers=ON;",  # REPLACE then fires DELETE triggers too
        },
    }


def postgres_database(url: str, parts) -> dict:
    name = unquote(parts.path.lstrip("/"))
    try:
        port = parts.port
    except ValueError:
        raise ConfigError(f"DATABASE_URL={redact(url)}: the port is not a number") from None
    if not name:
        raise ConfigError(f"DATABASE_URL={redact(url)}: the database name is missing (…/name at the end)")
    options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(port or ""),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": options,
    }


def redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@", 1)
    return url


def email_url(name: str) -> dict | None:
    """`smtp://user:password@host:587` (STARTTLS on 587), `smtps://…:465` (TLS), `smtp://host:25?tls=off`.

    Returns the Django EMAIL_* settings, or None when the variable is unset."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    parts = urlsplit(raw)
    if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
        raise ConfigError(f"{name}: expected smtp://[user:password@]host[:port] or smtps://…")
    query = {key: values[-1].lower() for key, values in parse_qs(parts.query).items()}
    ssl = parts.scheme == "smtps"
    port = parts.port or (465 if ssl else 587)
    starttls = not ssl and query.get("tls", "on" if port == 587 else "off") in TRUE_WORDS
    return {"EMAIL_HOST": parts.hostname, "EMAIL_PORT": port, "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""), "EMAIL_USE_TLS": starttls, "EMAIL_USE_SSL": ssl}
