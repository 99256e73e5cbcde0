"""The one settings module. Everything comes from the environment (see docs/configuration.md)."""

from pathlib import Path

from copvn import config

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = config.data_dir()

PRODUCTION = config.env_bool("COPVN_PRODUCTION", False)
DEBUG = config.env_bool("COPVN_DEBUG", False)
if PRODUCTION and DEBUG:
    raise config.ConfigError("COPVN_DEBUG cannot be on when COPVN_PRODUCTION is on")

SECRET_KEY = config.secret_key(PRODUCTION, DATA_DIR)
ALLOWED_HOSTS = config.env_list("COPVN_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise config.ConfigError("COPVN_ALLOWED_HOSTS is required when COPVN_PRODUCTION is on")
CSRF_TRUSTED_ORIGINS = config.env_list("COPVN_CSRF_TRUSTED_ORIGINS", [])

DATABASES = {"default": config.database(config.env_str("DATABASE_URL"), DATA_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "copvn.core",
    "copvn.audit",
    "copvn.orgs",
    "copvn.accounts",
    "copvn.taxonomy",
    "copvn.jobs",
    "copvn.cases",
    "copvn.intake",
    "copvn.review",
    "copvn.lists",
    "copvn.takedowns",
    "copvn.referrals",
    "copvn.consent",
    "copvn.coordination",
    "copvn.monitoring",
    "copvn.reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "copvn.core.headers.SecurityHeadersMiddleware",
    "copvn.core.filters.NulRefusedMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "copvn.core.language.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "copvn.accounts.middleware.SecondFactorMiddleware",
    "copvn.core.access.AccessMiddleware",
]

ROOT_URLCONF = "copvn.urls"
WSGI_APPLICATION = "copvn.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "copvn.core.context.navigation",
            ],
        },
    }
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Vietnamese first, English available; Vietnam's time zone.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600  # the choice is remembered for a year
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# Static files live in the apps (`copvn/core/static`) and are found by Django's finders in every mode.
# Embedded: WhiteNoise serves them straight from the finders. Behind a proxy (COPVN_STATIC_MANIFEST, on in
# production): `copvn collectstatic` copies them into the data directory under hashed, cache-busting names
# that WhiteNoise serves with a one-year cache lifetime; `copvn serve` runs that step itself.
STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATIC_MANIFEST = config.env_bool("COPVN_STATIC_MANIFEST", PRODUCTION)
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
WHITENOISE_AUTOREFRESH = False
WHITENOISE_MIMETYPES = {".csv": "text/csv; charset=utf-8"}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage" if STATIC_MANIFEST
                    else "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Sessions and cookies: secure by default in production; short staff sessions.
SESSION_COOKIE_AGE = config.env_int("COPVN_SESSION_SECONDS", 8 * 3600, minimum=300)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_COOKIES = config.env_bool("COPVN_SECURE_COOKIES", PRODUCTION)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_SECURE = SECURE_COOKIES
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# HTTPS only, remembered by browsers (sent on HTTPS responses; behind a proxy with COPVN_BEHIND_PROXY).
SECURE_HSTS_SECONDS = config.env_int("COPVN_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
# Behind a reverse proxy: trust its X-Forwarded-Proto/-Host/-For (see docs/operations.md).
BEHIND_PROXY = config.env_bool("COPVN_BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True

# Sign-in throttling: failures allowed per account and per address within the window.
# Wrong passwords for one account from one address, and for one account from anywhere (a slower backstop,
# counted over COPVN_LOGIN_BACKSTOP_SECONDS), so that nobody can lock staff out from a single address.
LOGIN_FAILURES_PER_ACCOUNT = config.env_int("COPVN_LOGIN_FAILURES_PER_ACCOUNT", 5, minimum=1)
LOGIN_FAILURES_PER_ACCOUNT_ANYWHERE = config.env_int("COPVN_LOGIN_FAILURES_PER_ACCOUNT_ANYWHERE", 50, minimum=1)
LOGIN_BACKSTOP_SECONDS = config.env_int("COPVN_LOGIN_BACKSTOP_SECONDS", 3600, minimum=1)
# Wrong second-factor codes in a row (any sign-in, any address) before the account is locked for an admin to lift.
SECOND_FACTOR_MAX_FAILURES = config.env_int("COPVN_SECOND_FACTOR_MAX_FAILURES", 10, minimum=1)
LOGIN_FAILURES_PER_ADDRESS = config.env_int("COPVN_LOGIN_FAILURES_PER_ADDRESS", 20, minimum=1)
LOGIN_WINDOW_SECONDS = config.env_int("COPVN_LOGIN_WINDOW_SECONDS", 900, minimum=1)

# Background workers: a running task whose worker has not beaten its heart for this long is retried.
WORKER_LEASE_SECONDS = config.env_int("COPVN_WORKER_LEASE_SECONDS", 60, minimum=2)
WORKER_MAX_ATTEMPTS = config.env_int("COPVN_WORKER_MAX_ATTEMPTS", 5, minimum=1)
# /healthz answers 503 when no worker has beaten its heart for this long, or a task has waited this long.
HEALTH_WORKER_SECONDS = config.env_int("COPVN_HEALTH_WORKER_SECONDS", 2 * WORKER_LEASE_SECONDS, minimum=1)
HEALTH_QUEUE_SECONDS = config.env_int("COPVN_HEALTH_QUEUE_SECONDS", 900, minimum=1)

# Intake: uploads, urgency, the public form's limit per sender address.
MAX_UPLOAD_BYTES = config.env_int("COPVN_MAX_UPLOAD_BYTES", 10 * 1024 * 1024, minimum=1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 6 * MAX_UPLOAD_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES
# Review: how long a claimed queue item stays leased to its analyst without a renewal (the open page renews
# it); which categories and actions need a second pair of eyes; the daily soft limit of media per reviewer.
REVIEW_LEASE_SECONDS = config.env_int("COPVN_REVIEW_LEASE_SECONDS", 600, minimum=30)
FOUR_EYES_CATEGORIES = config.env_list("COPVN_FOUR_EYES_CATEGORIES", ["CSAM", "GROOM"])
FOUR_EYES_ACTIONS = config.env_list("COPVN_FOUR_EYES_ACTIONS", ["takedown", "both"])
EXPOSURE_DAILY_LIMIT = config.env_int("COPVN_EXPOSURE_DAILY_LIMIT", 40, minimum=1)
# Reviewer protection: revealing an original image can require a written reason (kept in the audit log).
REVEAL_REASON_REQUIRED = config.env_bool("COPVN_REVEAL_REASON_REQUIRED", False)
URGENT_HOURS = config.env_int("COPVN_URGENT_HOURS", 12, minimum=1)
PUBLIC_REPORTS_PER_HOUR = config.env_int("COPVN_PUBLIC_REPORTS_PER_HOUR", 10, minimum=1)
# Partner API: reports per minute per key, by the key's trust level.
API_REPORTS_PER_MINUTE = config.env_levels("COPVN_API_REPORTS_PER_MINUTE", {"low": 10, "normal": 60, "high": 600})

# Capture of reported URLs through the locked-down fetcher (copvn.detect.fetch).
CAPTURE_MAX_BYTES = config.env_int("COPVN_CAPTURE_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
CAPTURE_TIMEOUT_SECONDS = config.env_int("COPVN_CAPTURE_TIMEOUT_SECONDS", 20, minimum=1)
CAPTURE_SCREENSHOTS = config.env_bool("COPVN_CAPTURE_SCREENSHOTS", True)
FETCH_ALLOW_NETWORKS = config.env_list("COPVN_FETCH_ALLOW_NETWORKS", [])

# Outgoing mail goes through the outbox (copvn/core/outbox.py) to this SMTP server; none: messages are held.
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = config.env_str("COPVN_SMTP_HOST")
EMAIL_PORT = config.env_int("COPVN_SMTP_PORT", 587, minimum=1)
EMAIL_HOST_USER = config.env_str("COPVN_SMTP_USER")
EMAIL_HOST_PASSWORD = config.env_str("COPVN_SMTP_PASSWORD")
EMAIL_USE_TLS = config.env_bool("COPVN_SMTP_STARTTLS", EMAIL_PORT == 587)
EMAIL_USE_SSL = config.env_bool("COPVN_SMTP_SSL", EMAIL_PORT == 465)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise config.ConfigError("COPVN_SMTP_STARTTLS and COPVN_SMTP_SSL cannot both be on")
# COPVN_EMAIL_URL (smtp://user:password@host:587, smtps://…) takes precedence over the COPVN_SMTP_* variables.
globals().update(config.email_url("COPVN_EMAIL_URL") or {})
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = config.env_str("COPVN_MAIL_FROM", "copvn@localhost")
OUTBOX_MAX_ATTEMPTS = config.env_int("COPVN_OUTBOX_MAX_ATTEMPTS", 8, minimum=1)
WEBHOOK_TIMEOUT_SECONDS = config.env_int("COPVN_WEBHOOK_TIMEOUT_SECONDS", 10, minimum=1)
# Official documents (copvn.documents): DOCX, and PDF made from it by LibreOffice headless.
DOCUMENT_PDF_TIMEOUT_SECONDS = config.env_int("COPVN_DOCUMENT_PDF_TIMEOUT_SECONDS", 60, minimum=5)
SOFFICE = config.env_str("COPVN_SOFFICE", "soffice")

# Notice-and-takedown (copvn.takedowns). Legal bases, their clocks and the escalation ladder are data (the
# notice settings page); these are the timings around them.
NOTICE_GROUP_MINUTES = config.env_int("COPVN_NOTICE_GROUP_MINUTES", 60, minimum=0)
NOTICE_REMINDER_POINTS = [float(p) for p in config.env_list("COPVN_NOTICE_REMINDER_POINTS", ["0.5", "0.9"])]
NOTICE_VERIFY_SCHEDULE = config.env_list("COPVN_NOTICE_VERIFY_SCHEDULE", ["1h", "6h", "24h", "48h", "7d", "30d"])
NOTICE_MISSES_FOR_REMOVAL = config.env_int("COPVN_NOTICE_MISSES_FOR_REMOVAL", 3, minimum=1)
NOTICE_MISS_RECHECK_MINUTES = config.env_int("COPVN_NOTICE_MISS_RECHECK_MINUTES", 3, minimum=0)
NOTICE_HOST_INTERVAL_SECONDS = float(config.env_str("COPVN_NOTICE_HOST_INTERVAL_SECONDS", "2") or 2)
NOTICE_CHECKS_PER_RUN = config.env_int("COPVN_NOTICE_CHECKS_PER_RUN", 500, minimum=1)
# For child sexual abuse material the police referral goes first; the notice waits this long after it.
CSAM_NOTICE_HOLD_HOURS = config.env_int("COPVN_CSAM_NOTICE_HOLD_HOURS", 24, minimum=0)
# Referrals: categories referred to the police cyber unit (the rest to hotline 111) and the default bodies.
REFERRAL_POLICE_CATEGORIES = config.env_list("COPVN_REFERRAL_POLICE_CATEGORIES", ["CSAM", "GROOM", "VIOL", "DRUG"])
REFERRAL_POLICE_ORG = config.env_str("COPVN_REFERRAL_POLICE_ORG", "pa05-kh")
REFERRAL_HOTLINE_ORG = config.env_str("COPVN_REFERRAL_HOTLINE_ORG", "tong-dai-111")
# Who sends requests when the sender's own organisation is not set (the lead department's code).
NOTICE_ISSUER = config.env_str("COPVN_NOTICE_ISSUER", "skhcn-kh")
# Monitoring (copvn.monitoring): watched sources are fetched politely — at most one request to a host every
# COPVN_MONITOR_HOST_SECONDS (or its robots.txt Crawl-delay, if longer) — with capped size and time; an item
# becomes a queue item when a lexicon finding reaches COPVN_MONITOR_ALERT_LEXICON or a learned model's
# COPVN_MONITOR_ALERT_MODEL (or a child's private information, or a list match).
MONITOR_MAX_BYTES = config.env_int("COPVN_MONITOR_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)
MONITOR_TIMEOUT_SECONDS = config.env_int("COPVN_MONITOR_TIMEOUT_SECONDS", 15, minimum=1)
MONITOR_HOST_SECONDS = float(config.env_str("COPVN_MONITOR_HOST_SECONDS", "5") or 5)
MONITOR_ROUND_SECONDS = config.env_int("COPVN_MONITOR_ROUND_SECONDS", 120, minimum=1)
MONITOR_CHECKS_PER_RUN = config.env_int("COPVN_MONITOR_CHECKS_PER_RUN", 200, minimum=1)
MONITOR_FETCH_THREADS = config.env_int("COPVN_MONITOR_FETCH_THREADS", 8, minimum=1)
MONITOR_PAGES_PER_CHECK = config.env_int("COPVN_MONITOR_PAGES_PER_CHECK", 20, minimum=1)
MONITOR_MIN_INTERVAL_MINUTES = config.env_int("COPVN_MONITOR_MIN_INTERVAL_MINUTES", 5, minimum=1)
MONITOR_ALERT_LEXICON = float(config.env_str("COPVN_MONITOR_ALERT_LEXICON", "0.5") or 0.5)
MONITOR_ALERT_MODEL = float(config.env_str("COPVN_MONITOR_ALERT_MODEL", "0.8") or 0.8)
# The public transparency page (/transparency/) shows a count below this as "< k" (small-cell suppression).
TRANSPARENCY_MIN_CELL = config.env_int("COPVN_TRANSPARENCY_MIN_CELL", 5, minimum=1)
# Periodic work in the worker (verification checks, clocks, outbox sweep): how often the scheduler looks.
SCHEDULER_SECONDS = config.env_int("COPVN_SCHEDULER_SECONDS", 30, minimum=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": config.env_str("COPVN_LOG_LEVEL", "INFO").upper()},
}
