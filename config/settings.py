"""One settings file for every environment: everything that differs between them comes from variables.

The names of the variables are part of the fixed interface (docs/contract.md §Settings); docs/configuration.md
lists them.
"""

import base64
import hashlib
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_flag("DEBUG", default=False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY to a long random string (50+ characters), "
            "or DEBUG=1 for local development."
        )
    SECRET_KEY = "insecure-development-key-only-for-debug-never-in-production-0123456789"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
# Base of links in e-mails and of QR codes on paper sheets. Unset: the address `make run` serves, on its PORT
# (the Makefile exports PORT; 8000 when unset), so that links from `PORT=8765 make run` reach that server.
PORT = os.environ.get("PORT", "").strip() or "8000"
if not PORT.isdigit() or not 0 < int(PORT) < 65536:
    raise ImproperlyConfigured(f"PORT must be a port number (1-65535), not {PORT!r}.")
SITE_URL = (os.environ.get("SITE_URL") or f"http://127.0.0.1:{PORT}").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "personal_data",
    "outbox",
    "municipalities",
    "accounts",
    "legal_templates",
    "initiative",
    "signatures",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Early, so that every answer gets the headers, the ones made by the middleware below included.
    "csp.middleware.CSPMiddleware",
    "config.permissions_policy.PermissionsPolicyMiddleware",
    # A database that cannot be reached (a restart, a failover) is a 503 with Retry-After, not a traceback.
    "config.database_outage.DatabaseOutageMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Cache-Control: no-store on every answer that may hold personal data (docs/security.md "Who signed").
    "personal_data.no_store.NoStoreMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.idle_timeout.SessionIdleTimeoutMiddleware",  # after messages: it says why you were signed out
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that it sees the answer of every view: a sign-in refused by a lockout becomes the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    },
]

# The database: DATABASE_URL when given; otherwise the embedded server under var/ (zero-setup path).
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if not DATABASE_URL:
    from config.embedded_postgres import embedded_database_url

    DATABASE_URL = embedded_database_url(VAR_DIR / "postgres", database="inicjatywa")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0, conn_health_checks=True)}
if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
    raise ImproperlyConfigured(
        "DATABASE_URL must point at PostgreSQL (postgres://…); nothing else is supported."
    )
# psycopg 3's connection pool: one pool per process, reused across requests. A request waits up to `timeout`
# seconds for a connection, then is answered 503 (config/database_outage.py). With CONN_HEALTH_CHECKS the
# pool tries each connection as it hands it out (an empty query), so none that a restart of PostgreSQL broke
# while idle reaches a request. After a lost connection the pool reconnects after waits that double (1, 2,
# 4, 8, 16 s …) until `reconnect_timeout`, then starts over when a request waits: as long as `timeout`, the
# waits stay under 5 s, and requests are served again within seconds of the database's return
# (docs/security.md "Faults a deployment survives").
DATABASES["default"]["OPTIONS"] = {
    "pool": {
        "min_size": 1,
        "max_size": int(os.environ.get("DATABASE_POOL_SIZE", "8")),
        "timeout": 10,
        "reconnect_timeout": 10,
    }
}
if os.environ.get("TEST_DATABASE_NAME"):  # lets two test runs share one server without meeting
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Signing in: e-mail and password, then a TOTP code for clerks, operators and anyone who turned it on.
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "accounts:account"
LOGOUT_REDIRECT_URL = "home"
OTP_TOTP_ISSUER = "Inicjatywa"
# The code must follow the password within 5 minutes, or the person starts again.
SIGN_IN_CODE_MAX_AGE = 5 * 60
# Links in e-mails: confirming an address works for 3 days, a password reset for 1 day.
EMAIL_CONFIRMATION_MAX_AGE = 3 * 24 * 60 * 60
PASSWORD_RESET_TIMEOUT = 24 * 60 * 60
# POST /api/v1/auth/token/ per client address (DRF's rate syntax); RATE_LIMITS=off turns it off.
AUTH_THROTTLE_RATE = "10/min"
# Sign-ups per client address (a committee may sign up together from one office or café network), and
# password-reset requests per client address and per typed e-mail address (accounts/limits.py).
SIGN_UP_RATE = os.environ.get("SIGN_UP_RATE", "20/hour")
PASSWORD_RESET_RATE_PER_ADDRESS = os.environ.get("PASSWORD_RESET_RATE_PER_ADDRESS", "10/hour")
PASSWORD_RESET_RATE_PER_ACCOUNT = os.environ.get("PASSWORD_RESET_RATE_PER_ACCOUNT", "5/hour")

# Lockouts after wrong passwords (django-axes, glued in accounts/lockout.py), on every way in: the sign-in
# page, POST /api/v1/auth/token/ and the admin. LOGIN_FAILURE_LIMIT wrong passwords for one account, or from
# one client address, lock that account or address for LOGIN_LOCKOUT_MINUTES; every further attempt during
# the lockout starts the period again, so a script that keeps trying never gets another guess. The owner of
# a locked account gets an e-mail; a password reset ends the lockout of the account.
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_LOCKOUT_MINUTES = int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15"))
AUTHENTICATION_BACKENDS = [
    # First: a locked account or address is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one locks: per account and per address
AXES_USERNAME_CALLABLE = "accounts.lockout.attempted_email"
AXES_CLIENT_IP_CALLABLE = "config.rate_limits.client_address"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_WHITELIST_CALLABLE = "accounts.lockout.limits_off"  # RATE_LIMITS=off: nobody is counted nor locked out
# A success does not wipe the failures: counters match by account or by address, so a success would let
# whoever shares the address (or the attacker, with an account of their own) wipe the count against another.
AXES_RESET_ON_SUCCESS = False
# Personal data stay out of the logs and of the attempt rows (docs/privacy.md): no log of successful
# sign-ins, no user agent nor addresses in log lines, typed addresses and codes masked in the stored form.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "email", "password", "otp", "code", "otp_token"]

# Sessions end after a time without a request: short for clerks and operators, who see many people's data.
SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "120"))
SESSION_IDLE_MINUTES_CLERKS = int(os.environ.get("SESSION_IDLE_MINUTES_CLERKS", "15"))
# API tokens (accounts/api_tokens.py) expire: a working day for clerks and operators, longer for others.
API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", "30"))
API_TOKEN_HOURS_CLERKS = int(os.environ.get("API_TOKEN_HOURS_CLERKS", "12"))

# People read Polish first; English is the second language. All deadlines are Europe/Warsaw dates.
LANGUAGE_CODE = "pl"
LANGUAGES = [("pl", _("Polish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Warsaw"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": VAR_DIR / "media"},
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
if os.environ.get("EMAIL_FILE_PATH"):
    EMAIL_FILE_PATH = os.environ["EMAIL_FILE_PATH"]
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "inicjatywa@localhost")
# The mail server the SMTP backend sends through (Django's own names and defaults: localhost:25, no login).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_flag("EMAIL_USE_TLS", default=False)  # STARTTLS, usually port 587
EMAIL_USE_SSL = env_flag("EMAIL_USE_SSL", default=False)  # TLS from the first byte, usually port 465
# Seconds to wait on the mail server before an attempt counts as failed (and is retried later): without a
# limit, a server that accepts the connection and then hangs would hold a worker, and its batch, for ever.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
# Days sent e-mails stay in the outbox (outbox/services.py), for operators to see what went, before they are
# deleted with their addresses and links. Unsent ones stay until they go.
OUTBOX_KEEP_SENT_DAYS = int(os.environ.get("OUTBOX_KEEP_SENT_DAYS", "7"))

# The cache holds rate-limit counters and mail cool-downs, so it must be one for every process and machine:
# Redis when CACHE_URL names one, else a table of the database (made by `migrate`, accounts/cache_table.py).
# A full table drops entries (a dropped counter is a limit forgotten), and every write counts the rows (a
# write takes about 9 ms on an empty table, 31 ms with 100,000 rows): 50,000 bounds both. Many clients: Redis.
CACHE_URL = os.environ.get("CACHE_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    if CACHE_URL
    else {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "django_cache",
        "OPTIONS": {"MAX_ENTRIES": 50_000},
    }
}
# Proxies in front of the app that append the client's address to X-Forwarded-For (0: none; the address is
# the connection's). Rate limits and lockouts count per client address (config/rate_limits.py): a header
# from a proxy that is not there would let any client name a new address on each request.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# Celery: a Redis broker when CELERY_BROKER_URL is set; otherwise tasks run in the web process.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"  # never Celery's default, a RabbitMQ on localhost that may answer
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Each command to the broker gives up after 2 s (a healthy Redis answers in milliseconds). Without it a
# publish to a Redis that accepts connections and never answers (hung, or lost behind a firewall that drops
# the connection silently) waits forever, and so does the request that publishes after its commit
# (docs/security.md "Faults a deployment survives").
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_timeout": 2, "socket_connect_timeout": 2}
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BEAT_SCHEDULE = {
    # Every e-mail due in the outbox: what a lost nudge left behind, and the retries after a failure.
    "send-emails": {"task": "outbox.tasks.send_emails_task", "schedule": 60},
    # Sent e-mails are deleted after OUTBOX_KEEP_SENT_DAYS.
    "purge-sent-emails": {
        "task": "outbox.tasks.purge_sent_emails_task",
        "schedule": crontab(hour=4, minute=0),
    },
    # Collection windows end at midnight, Warsaw time: a run every 15 minutes closes them promptly.
    "expire-initiatives": {"task": "initiative.filing.tasks.expire_initiatives_task", "schedule": 15 * 60},
    # Packets that failed or were lost with their worker are ordered again.
    "reorder-packets": {"task": "initiative.filing.tasks.reorder_packets_task", "schedule": 60 * 60},
    # Reminders of the 3-month deadline go out once a day, on the morning's run; each is sent once.
    "remind-deadlines": {
        "task": "initiative.filing.tasks.remind_deadlines_task",
        "schedule": crontab(hour=7, minute=0),
    },
    # Deletion after the retention periods: daily, at night; each initiative's deletion is idempotent.
    "delete-personal-data": {
        "task": "initiative.filing.tasks.delete_personal_data_task",
        "schedule": crontab(hour=3, minute=30),
    },
}

# Secrets for later capabilities, read here so that every variable has one home.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS")
if not FIELD_ENCRYPTION_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS is not set. Personal data are stored encrypted: set one or more keys "
            "(32 random bytes each, URL-safe base64, comma-separated, newest first)."
        )
    # Development only: a key derived from the development secret, stable so that var/ data stays readable.
    FIELD_ENCRYPTION_KEYS = [
        base64.urlsafe_b64encode(hashlib.sha256(b"field-encryption:" + SECRET_KEY.encode()).digest()).decode()
    ]
# Days supporters' personal data are kept after the council's outcome (or the initiative's withdrawal,
# rejection or expiry, or the supporter's own withdrawal); then they are deleted, leaving counts and keyed
# hashes (docs/law.md §Personal data). The privacy notice shown to supporters quotes this figure
# (docs/privacy.md).
PERSONAL_DATA_RETENTION_DAYS = int(os.environ.get("PERSONAL_DATA_RETENTION_DAYS", "90"))
# Days the platform keeps a packet's file after the initiative ends, unless the council sets its own
# (Unit.packet_retention_days); the checksums stay.
PACKET_RETENTION_DAYS = int(os.environ.get("PACKET_RETENTION_DAYS", "365"))
# The platform's sealing key for packets (PKCS#12). Unset in debug: a development seal is made under VAR_DIR.
SEAL_P12_FILE = os.environ.get("SEAL_P12_FILE", "")
SEAL_P12_PASSWORD = os.environ.get("SEAL_P12_PASSWORD", "")
# Roots trusted when checking a packet's seal (PEM bundle); unset: the root of the platform's own seal chain.
SEAL_TRUST_ROOTS = os.environ.get("SEAL_TRUST_ROOTS", "")
TSA_URL = os.environ.get("TSA_URL", "")
SIGNATURE_TRUST_ROOTS = os.environ.get("SIGNATURE_TRUST_ROOTS", "")
# Revocation data of a supporter's certificate are fetched only from public addresses
# (documents/pades/fetching.py); networks listed here (CIDR, comma-separated) are allowed as well, for a
# CA whose responder the operator reaches inside their own network. None by default.
REVOCATION_FETCH_ALLOWED_NETWORKS = env_list("REVOCATION_FETCH_ALLOWED_NETWORKS")
# Request bodies (docs/security.md "Parsing uploads: budgets"): a form or JSON body held in memory is at
# most 2.5 MiB (Django's default, stated; DRF reads JSON through request.body, so the API's JSON too, and
# config/api_parsers.py bounds its values and depth); an uploaded file over 2.5 MiB goes to a temporary file
# while it arrives, and each upload view caps the file's size itself. A form carries one file.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FILES = 1
RATE_LIMITS = os.environ.get("RATE_LIMITS", "on").strip().lower() != "off"
# Scans of paper sheets one initiative may keep (signatures/paper/services.py): the highest threshold, 1,000
# signatures, fills 100 sheets of 10 rows, so 500 leaves room for half-filled sheets and invalid rows; 1 GiB
# is 2 MiB a scan on average, and every byte goes into the packet filed with the council.
PAPER_SCANS_MAX_COUNT = int(os.environ.get("PAPER_SCANS_MAX_COUNT", "500"))
PAPER_SCANS_MAX_BYTES = int(os.environ.get("PAPER_SCANS_MAX_BYTES", str(1024 * 1024 * 1024)))
# Committee invitation e-mails in any 24 hours, per initiative and per inviting person (initiative/
# invitations.py): a committee needs 5 to 15 members under most councils' rules, and these bound what one
# person can make the platform mail to strangers. RATE_LIMITS=off lifts them, as every rate limit.
COMMITTEE_INVITATIONS_PER_INITIATIVE_PER_DAY = int(
    os.environ.get("COMMITTEE_INVITATIONS_PER_INITIATIVE_PER_DAY", "30")
)
COMMITTEE_INVITATIONS_PER_PERSON_PER_DAY = int(
    os.environ.get("COMMITTEE_INVITATIONS_PER_PERSON_PER_DAY", "30")
)
# E-mail declarations one address may confirm (and not withdraw) for one initiative (signatures/mailbox.py):
# a household shares a mailbox, so a few, where one mailbox could otherwise confirm any number of invented
# people. Not a rate limit: RATE_LIMITS=off leaves it on.
EMAIL_DECLARATIONS_PER_ADDRESS = int(os.environ.get("EMAIL_DECLARATIONS_PER_ADDRESS", "4"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    # JSON bodies bounded in size, values and depth before they are parsed (DRF's own parser is not).
    "DEFAULT_PARSER_CLASSES": [
        "config.api_parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "PAGE_SIZE": 20,
    # DRF's own address rule, for any throttle not built on config.rate_limits.RateLimit.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    # drf-spectacular's schema with the error answers every view can give, described once.
    "DEFAULT_SCHEMA_CLASS": "config.api_schema.ApiSchema",
    "EXCEPTION_HANDLER": "config.api_errors.api_exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Obywatelska inicjatywa uchwałodawcza — API",
    "DESCRIPTION": "Councils, thresholds and local rules; initiatives, signatures and filing.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Logs go to standard error; personal data never reach them (see docs/privacy.md).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"embedded_postgres": {"level": "WARNING"}},
}

# Production hardening: `manage.py check --deploy` is clean with DEBUG=0 and the secrets set.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = 0 if DEBUG else 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Content-Security-Policy (django-csp), in debug too: the pages load scripts, styles, images and fonts from
# this origin only, and nothing inline, so that text a person typed can never run as a script or restyle
# a page. The API's documentation pages add what their bundles need (config/api_docs.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Permissions-Policy (config/permissions_policy.py): no page uses these features, so no page, nor anything a
# page embeds, may ask the browser for them.
PERMISSIONS_POLICY = dict.fromkeys(
    [
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    ],
    (),
)
