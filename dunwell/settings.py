"""Django settings, read from environment variables (see README "Configuration")."""

from __future__ import annotations

from pathlib import Path

import dj_database_url

from dunwell.correspondence.imap_urls import ImapUrlError, parse_imap_urls
from dunwell.env import EnvError, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("DUNWELL_DATA_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DUNWELL_DEBUG", False)
_DEV_KEY = "dunwell-insecure-development-key-change-me"  # noqa: S105 - only for DEBUG/demo
SECRET_KEY = env_str("DUNWELL_SECRET_KEY", _DEV_KEY if DEBUG else "")
if not SECRET_KEY:
    raise EnvError("DUNWELL_SECRET_KEY must be set when DUNWELL_DEBUG is off")
if not DEBUG and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5):
    raise EnvError(
        "DUNWELL_SECRET_KEY must be at least 50 random characters when DUNWELL_DEBUG is off "
        '(e.g. python -c "import secrets; print(secrets.token_urlsafe(50))")'
    )
ALLOWED_HOSTS = env_list("DUNWELL_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("DUNWELL_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",  # serves the API docs (Swagger) from its own static files, no CDN
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "dunwell.background_tasks.BackgroundTasksConfig",  # django_tasks_db, its name translated
    "dunwell",
    "dunwell.accounts",
    "dunwell.outbox",
    "dunwell.ledger",
    "dunwell.ladder",
    "dunwell.work",
    "dunwell.legal",
    "dunwell.interest",
    "dunwell.insight",
    "dunwell.pipeline",
    "dunwell.credit",
    "dunwell.restapi",
    "dunwell.webhooks",
    "dunwell.onec",
    "dunwell.mail",
    "dunwell.correspondence",
    "dunwell.telephony",
    "dunwell.letters",
    "dunwell.search",
    "dunwell.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "dunwell.accounts.middleware.UserLanguageMiddleware",
    "dunwell.middleware.RefuseNulBytesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "dunwell.accounts.middleware.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "dunwell.urls"
WSGI_APPLICATION = "dunwell.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "dunwell" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dunwell.menu.main_menu",
            ],
        },
    },
]

_SQLITE_URL = f"sqlite:///{DATA_DIR / 'dunwell.sqlite3'}"
_db_url = env_str("DATABASE_URL", "") or _SQLITE_URL  # empty means the default
try:
    _db = dj_database_url.parse(_db_url, conn_max_age=env_int("DUNWELL_DB_CONN_MAX_AGE", 60))
except ValueError as exc:
    raise EnvError(f"DATABASE_URL={_db_url!r}: {exc}") from None
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run during the daily run; IMMEDIATE transactions take the write lock
    # up front so two writers queue instead of failing with "database is locked" mid-way.
    _db["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    _db["CONN_MAX_AGE"] = 0
    # A covering index's INCLUDE columns (ledger's document_open_by_debtor) exist on
    # PostgreSQL only; SQLite builds the index on its key columns, which is what it can use.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
elif _db["ENGINE"] not in {"django.db.backends.postgresql"}:
    raise EnvError(f"DATABASE_URL={_db_url!r}: only sqlite:// and postgres:// are supported")
elif not env_bool("DUNWELL_DB_PREPARED", True):
    # No server-side prepared statements, for a transaction-pooling proxy that cannot keep
    # them (PgBouncer before 1.21): the credit check's statements follow (dunwell/rawrows.py).
    _db["OPTIONS"] = {**_db.get("OPTIONS", {}), "prepare_threshold": None}
DATABASES = {"default": _db}
# A hot standby the reports read from (dunwell/dbrouting.py, docs/scaling.md). In tests it
# mirrors the test database (Django's TEST MIRROR) unless a test points it at a real standby.
_replica_url = env_str("DUNWELL_REPLICA_URL", "")
if _replica_url:
    if _db["ENGINE"] != "django.db.backends.postgresql":
        raise EnvError("DUNWELL_REPLICA_URL needs DATABASE_URL on PostgreSQL")
    try:
        _replica = dj_database_url.parse(_replica_url, conn_max_age=_db["CONN_MAX_AGE"])
    except ValueError as exc:
        raise EnvError(f"DUNWELL_REPLICA_URL={_replica_url!r}: {exc}") from None
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"] = _replica
DATABASE_ROUTERS = ["dunwell.dbrouting.ReportRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# ModelBackend with a faster read of each request's user (dunwell/accounts/backends.py); the
# plain ModelBackend after it keeps sessions signed in before working.
AUTHENTICATION_BACKENDS = [
    "dunwell.accounts.backends.UserBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Login throttling (DESIGN §3): failed attempts per username+IP within the window.
LOGIN_MAX_FAILURES = env_int("DUNWELL_LOGIN_MAX_FAILURES", 5, minimum=1)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("DUNWELL_LOGIN_FAILURE_WINDOW", 900, minimum=1)
# Years an imported date may fall in (docs/import-formats.md), "YYYY-YYYY".
DUNWELL_DATE_RANGE = env_str("DUNWELL_DATE_RANGE", "1900-2100")
# Import files: the largest accepted (checked before reading) and how long they are kept.
IMPORT_MAX_BYTES = env_int("DUNWELL_IMPORT_MAX_MB", 100, minimum=1) * 1024 * 1024
IMPORT_RETENTION_DAYS = env_int("DUNWELL_IMPORT_RETENTION_DAYS", 30, minimum=1)
# Webhooks to loopback and private addresses (docs/integrations.md): refused in production so
# that a subscription cannot probe the internal network; allowed by `make run` and the tests.
WEBHOOKS_ALLOW_PRIVATE = env_bool("DUNWELL_WEBHOOKS_ALLOW_PRIVATE", DEBUG)
# The 1C servers Dunwell may reach on a private network (docs/integrations.md, 1C): names or
# addresses, comma-separated, exactly as in the connection's address. Other private addresses
# stay refused for 1C too, redirects included (dunwell/netguard.py).
DUNWELL_ONEC_PRIVATE_HOSTS = env_list("DUNWELL_ONEC_PRIVATE_HOSTS", [])
# Incoming mail (docs/mail.md): the IMAP mailboxes the worker reads, separated by spaces;
# empty: incoming mail is off. Checked here so that a bad address stops the start.
DUNWELL_IMAP_URL = env_str("DUNWELL_IMAP_URL", "")
try:
    parse_imap_urls(DUNWELL_IMAP_URL)
except ImapUrlError as exc:
    raise EnvError(f"DUNWELL_IMAP_URL: {exc}") from None
# Business events and their webhook delivery log are kept this long (once sent or given up).
EVENTS_RETENTION_DAYS = env_int("DUNWELL_EVENTS_RETENTION_DAYS", 30, minimum=1)

# Outgoing mail (docs/mail.md): the SMTP server, smtp://user:pass@host:587?tls=1 (STARTTLS) or
# smtps://… (implicit TLS); empty: mail is off and messages wait in the outbox.
DUNWELL_EMAIL_URL = env_str("DUNWELL_EMAIL_URL", "").strip()
try:
    from dunwell.mail.smtp_url import parse_smtp_url

    parse_smtp_url(DUNWELL_EMAIL_URL)
except ValueError as exc:
    raise EnvError(f"DUNWELL_EMAIL_URL: {exc}") from None
DUNWELL_MAIL_DOMAIN = env_str("DUNWELL_MAIL_DOMAIN", "").strip()
# Sender of last resort when neither the company nor the collector has an address.
DEFAULT_FROM_EMAIL = env_str("DUNWELL_DEFAULT_FROM_EMAIL", "dunwell@localhost")
# The envelope sender (where bounces go), e.g. the mailbox DUNWELL_IMAP_URL reads; empty: From.
DUNWELL_MAIL_RETURN_PATH = env_str("DUNWELL_MAIL_RETURN_PATH", "").strip()
# SMTP connections at once, and messages per second to one recipient domain.
DUNWELL_MAIL_CONCURRENCY = env_int("DUNWELL_MAIL_CONCURRENCY", 4, minimum=1)
DUNWELL_MAIL_DOMAIN_RATE = env_int("DUNWELL_MAIL_DOMAIN_RATE", 300, minimum=1)
# Attempts before a temporarily failing message is given up (1, 5, 30 min, 2 h, 6 h …).
DUNWELL_MAIL_MAX_ATTEMPTS = env_int("DUNWELL_MAIL_MAX_ATTEMPTS", 6, minimum=1)
# A small process that finishes or abandons the message in flight when a sender is killed
# (dunwell/mail/keeper.py); off: a kill in a window of microseconds can lose one message.
DUNWELL_MAIL_KEEPER = env_bool("DUNWELL_MAIL_KEEPER", True)

# The company's telephone exchange (docs/telephony.md): "asterisk", "zadarma", "mango",
# "twilio", or empty (calls are dialled by hand and logged on the call card).
DUNWELL_PBX = env_str("DUNWELL_PBX", "").strip().lower()
# A click-to-call that no event of the exchange has taken over after this many seconds is ended
# by the worker as not connected (docs/telephony.md, "One record per click-to-call").
DUNWELL_PBX_UNADOPTED_SECONDS = env_int("DUNWELL_PBX_UNADOPTED_SECONDS", 120, minimum=30)
# Call recordings fetched from the PBX are deleted by the worker this many days after the call.
DUNWELL_RECORDING_RETENTION_DAYS = env_int("DUNWELL_RECORDING_RETENTION_DAYS", 365, minimum=1)
# Recordings in an S3-compatible bucket instead of the data directory (docs/telephony.md,
# "Recordings"): s3://bucket[/prefix]?endpoint=https://host:9000&region=name; the keys (empty:
# boto3's own AWS_* variables or instance role).
DUNWELL_RECORDINGS_S3_URL = env_str("DUNWELL_RECORDINGS_S3_URL", "").strip()
DUNWELL_RECORDINGS_S3_ACCESS_KEY = env_str("DUNWELL_RECORDINGS_S3_ACCESS_KEY", "").strip()
DUNWELL_RECORDINGS_S3_SECRET_KEY = env_str("DUNWELL_RECORDINGS_S3_SECRET_KEY", "").strip()
if DUNWELL_RECORDINGS_S3_URL:
    from dunwell.telephony.storage import parse_s3_url

    try:
        parse_s3_url(DUNWELL_RECORDINGS_S3_URL)
    except ValueError as exc:
        raise EnvError(f"DUNWELL_RECORDINGS_S3_URL: {exc}") from None
if DUNWELL_PBX not in {"", "asterisk", "zadarma", "mango", "twilio"}:
    raise EnvError("DUNWELL_PBX: one of asterisk, zadarma, mango, twilio, or empty")
# Cloud PBX webhooks (docs/telephony.md "Cloud PBX webhooks and routing"): the providers' keys
# and secrets that sign their webhooks. A provider without its secret answers 404. An
# administrator may store these (and the Twilio SID, the AMI address, the routing token)
# encrypted instead; a stored value wins (telephony.secrets.provider_secret).
DUNWELL_ZADARMA_KEY = env_str("DUNWELL_ZADARMA_KEY", "").strip()
DUNWELL_ZADARMA_SECRET = env_str("DUNWELL_ZADARMA_SECRET", "").strip()
DUNWELL_MANGO_KEY = env_str("DUNWELL_MANGO_KEY", "").strip()
DUNWELL_MANGO_SALT = env_str("DUNWELL_MANGO_SALT", "").strip()
DUNWELL_TWILIO_AUTH_TOKEN = env_str("DUNWELL_TWILIO_AUTH_TOKEN", "").strip()
# Routing of incoming calls: the queue that takes what no collector or team queue does, and the
# shared token of the dialplan's routing request (empty: the endpoint answers 404).
DUNWELL_PBX_DEFAULT_QUEUE = env_str("DUNWELL_PBX_DEFAULT_QUEUE", "").strip()
DUNWELL_PBX_ROUTING_TOKEN = env_str("DUNWELL_PBX_ROUTING_TOKEN", "").strip()
if DUNWELL_PBX_ROUTING_TOKEN and len(DUNWELL_PBX_ROUTING_TOKEN) < 20:
    raise EnvError("DUNWELL_PBX_ROUTING_TOKEN: at least 20 random characters")
# Asterisk (docs/telephony.md, "Asterisk and click-to-call"): the manager interface, e.g.
# ami://dunwell:secret@127.0.0.1:5038; the trunk channels' name prefixes (comma-separated, e.g.
# "PJSIP/trunk-"; empty: a call entering in the from-external/from-trunk context is inbound);
# click-to-call's Originate: the collector's channel and the dialplan context of the number.
DUNWELL_AMI_URL = env_str("DUNWELL_AMI_URL", "").strip()
if DUNWELL_AMI_URL:
    from dunwell.telephony.ami import parse_ami_url

    try:
        parse_ami_url(DUNWELL_AMI_URL)
    except ValueError as exc:
        raise EnvError(f"DUNWELL_AMI_URL: {exc}") from None
DUNWELL_AMI_TRUNK_PREFIXES = tuple(
    p.strip() for p in env_str("DUNWELL_AMI_TRUNK_PREFIXES", "").split(",") if p.strip()
)
DUNWELL_AMI_CHANNEL = env_str("DUNWELL_AMI_CHANNEL", "PJSIP/{extension}").strip()
DUNWELL_AMI_CONTEXT = env_str("DUNWELL_AMI_CONTEXT", "from-internal").strip()
# Cloud click-to-call: the providers' API addresses (tests point them elsewhere) and Twilio's
# account, its caller number, the agent's address and the TwiML that dials the contact.
DUNWELL_ZADARMA_API_URL = env_str("DUNWELL_ZADARMA_API_URL", "https://api.zadarma.com").strip()
DUNWELL_MANGO_API_URL = env_str("DUNWELL_MANGO_API_URL", "https://app.mango-office.ru/vpbx").strip()
DUNWELL_TWILIO_API_URL = env_str("DUNWELL_TWILIO_API_URL", "https://api.twilio.com").strip()
DUNWELL_TWILIO_SID = env_str("DUNWELL_TWILIO_SID", "").strip()
DUNWELL_TWILIO_FROM = env_str("DUNWELL_TWILIO_FROM", "").strip()
DUNWELL_TWILIO_AGENT = env_str("DUNWELL_TWILIO_AGENT", "client:{extension}").strip()
DUNWELL_TWILIO_DIAL_URL = env_str("DUNWELL_TWILIO_DIAL_URL", "").strip()

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "dunwell_cache",
    }
}

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("ru", "Русский"),
    ("uk", "Українська"),
    ("ro", "Română"),
]
LOCALE_PATHS = [BASE_DIR / "dunwell" / "locale"]
FORMAT_MODULE_PATH = ["dunwell.formats"]
TIME_ZONE = env_str("DUNWELL_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("DUNWELL_MEDIA_ROOT", str(DATA_DIR / "media")))
WHITENOISE_USE_FINDERS = True

TASKS = {
    "default": {
        "BACKEND": env_str("DUNWELL_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Deployment defaults (docs/security.md): outside debug the site is HTTPS only. `make run`
# (DUNWELL_DEBUG=1) keeps plain http on 127.0.0.1.
SESSION_ENGINE = "dunwell.accounts.sessions"  # Django's database sessions, read faster
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("DUNWELL_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("DUNWELL_SSL_REDIRECT", not DEBUG)
if env_bool("DUNWELL_BEHIND_TLS_PROXY", False):
    # The proxy terminates TLS and says so in X-Forwarded-Proto (set it there, strip it
    # from clients).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("DUNWELL_HSTS_SECONDS", 0 if DEBUG else 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DUNWELL_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DUNWELL_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DUNWELL_LOG_LEVEL", "INFO")},
    # WeasyPrint logs every rendered page at INFO.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}},
}

# WhiteNoise serves from STATIC_ROOT (after collectstatic) and from the finders in DEBUG; the
# folder must exist or it warns on every start.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
