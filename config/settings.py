"""mentorprep settings: everything that varies between machines comes from the environment."""

import os
import sys
import tempfile
from pathlib import Path

from csp.constants import NONE, SELF
from environs import Env

BASE_DIR = Path(__file__).resolve().parent.parent


class _Env(Env):
    """environs, with an empty variable counted as unset (`EMAIL_HOST=` in an env file means
    "none", not "the empty string"), as this project always read them. A value that is set but
    bad (`DEBUG=maybe`, `CONN_MAX_AGE=soon`) fails at start-up, naming the variable.

    `_get_value` is the one lookup environs' own FileAwareEnv overrides too; the settings tests
    (tests/test_config.py) would notice if it changed."""

    def _get_value(self, env_key, default):
        value = super()._get_value(env_key, default)
        return default if value == "" else value


env = _Env()


TESTING = "pytest" in sys.modules or sys.argv[1:2] == ["test"]
DEBUG = env.bool("DEBUG", False)
# The development key is public: with it anyone could forge invitation and password-reset links
# offline. Outside development and tests the server refuses to start without a key of its own.
SECRET_KEY = env.str("SECRET_KEY", "")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it to a long random value in the environment, e.g. "
            "SECRET_KEY=$(python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DEBUG=1 on a development machine."
        )
    SECRET_KEY = "django-insecure-mentorprep-development-key-not-for-production"
# Comma-separated; spaces around the commas are allowed.
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS",
    ["127.0.0.1", "localhost", "[::1]"] if DEBUG or TESTING else [],
    subcast=str.strip,
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", [], subcast=str.strip)

INSTALLED_APPS = [
    "accounts",
    "meetings",
    "accounts.apps.OperatorsAdminConfig",  # the admin, for operators only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",  # the built-in widget templates, for FORM_RENDERER below
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "axes",  # login throttling
]

MIDDLEWARE = [
    # Outermost: a read that lost its database connection runs again, every layer included.
    "config.db_retry.RetryReadsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.SignInRequiredMiddleware",
    "accounts.middleware.UserTimezoneMiddleware",
    "accounts.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",  # last, so it sees the login response
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "builtins": ["template_partials.templatetags.partials"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Widgets render with the project's templates, so a widget may have a template of its own in
# templates/forms/ (the long lists, time zones and peers, write their options in one tag there).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {
    "default": env.dj_db_url(
        "DATABASE_URL",
        f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env.int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Several requests write at once (autosaves, read receipts): WAL lets readers go on while one
    # writes, IMMEDIATE takes the write lock when a transaction starts (no deadlock upgrading a
    # read lock), and a writer waits up to 20 s for the lock instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        transaction_mode="IMMEDIATE",
        timeout=20,
    )
    if TESTING:
        # A file, not the in-memory default: live-server tests then send parallel requests
        # through connections of their own, locking the database as in production. In shared
        # memory where there is some, so that the suite runs as fast as in memory.
        _shm = Path("/dev/shm")  # noqa: S108 (test data only, one file per test run)
        _test_dir = _shm if _shm.is_dir() else Path(tempfile.gettempdir())
        DATABASES["default"]["TEST"] = {
            "NAME": str(_test_dir / f"mentorprep-test-{os.getpid()}.sqlite3")
        }
# PostgreSQL's JIT compiles any query whose estimated cost is high, such as the cadence figures
# (index probes per meeting), and spends longer compiling than running them. Off by default for
# this app's connections; PG_JIT=1 turns it back on.
if DATABASES["default"]["ENGINE"].endswith("postgresql") and not env.bool("PG_JIT", False):
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = (_options.get("options", "") + " -c jit=off").strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Login throttling (django-axes): the first backend refuses a locked-out username+address pair.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Off in the test suite (tests log in with force_login/Client.login); its own tests turn it on.
AXES_ENABLED = env.bool("AXES_ENABLED", not TESTING)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_MINUTES = env.int("AXES_COOLOFF_MINUTES", 15)
AXES_COOLOFF_TIME = AXES_COOLOFF_MINUTES / 60  # hours
# Per username and address together: a stranger cannot lock a user out from elsewhere, and the
# same thing happens whether or not the username exists (no enumeration).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.throttling.locked_out"
AXES_VERBOSE = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Mail: the console in development; SMTP when EMAIL_HOST is set.
EMAIL_HOST = env.str("EMAIL_HOST", "")
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env.int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "mentorprep <noreply@mentorprep.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SITE_URL = env.str("SITE_URL", "http://127.0.0.1:8000")
# How long an invitation link stays valid; password-reset links last 3 days.
INVITE_EXPIRY_DAYS = env.int("INVITE_EXPIRY_DAYS", 7)
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", 3 * 24 * 3600)

# The brief's PDF is printed by headless Chromium (meetings/pdf.py).
CHROMIUM_PATH = env.str("CHROMIUM_PATH", "/usr/bin/chromium")

# Mail is a task stored in the database with the write that causes it; `manage.py db_worker`
# sends it (and retries a failed send), so a slow or failing mail server never slows a page or
# loses a mail. The test suite runs tasks at once unless a test chooses the database backend.
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if TESTING
        else "django_tasks_db.DatabaseBackend"
    }
}

# /health/ answers 503 when the oldest due task (mail) has waited longer than this for a
# `manage.py db_worker` (config/health.py).
HEALTH_TASK_MAX_AGE_MINUTES = env.int("HEALTH_TASK_MAX_AGE_MINUTES", 10)

# Security headers. Production (DEBUG off) gets HTTPS-only cookies and HSTS.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", not DEBUG and not TESTING)
# A load balancer probes each instance over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", not DEBUG and not TESTING)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", 0 if DEBUG or TESTING else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
# Login throttling keys on (username, client address); django-axes reads the address through
# django-ipware. Directly on the internet that is the connection's own address: a client's
# X-Forwarded-For is never believed. Behind one TLS-terminating proxy that sets
# X-Forwarded-For to the address it saw, it is that header's single entry (a header the client
# forged arrives with two entries and falls back to the proxy's address, locking out no one else).
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
if env.bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    AXES_IPWARE_PROXY_COUNT = 0
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# No inline scripts or styles anywhere: htmx is configured through a <meta> tag.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

DATA_UPLOAD_MAX_MEMORY_SIZE = 512 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 400

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", "WARNING")},
}

# --- Webhooks (meetings/webhooks/) ---
# Endpoints must be https on public addresses; WEBHOOKS_ALLOW_PRIVATE also allows plain http and
# private or loopback addresses (development and tests only: it lets the server call its own
# network). Each attempt waits at most WEBHOOKS_TIMEOUT_SECONDS to connect and to read.
WEBHOOKS_ALLOW_PRIVATE = env.bool("WEBHOOKS_ALLOW_PRIVATE", False)
WEBHOOKS_TIMEOUT_SECONDS = env.float("WEBHOOKS_TIMEOUT_SECONDS", 5.0)
# --- The JSON API (meetings/api/) -------------------------------------------------------------------------
# Requests per token in each window of API_RATE_WINDOW seconds; beyond, 429 with Retry-After.
# Counted in the default cache: per process with the default local-memory cache, shared by every
# process when CACHES points at a shared cache (e.g. Redis or the database cache).
API_RATE_LIMIT = env.int("API_RATE_LIMIT", 120)
API_RATE_WINDOW = env.int("API_RATE_WINDOW", 60)
# --- Sign-in with the university or Google (django-allauth) -------------------------------------
# Providers come from the environment only (config/sso.py); none configured: password login only,
# as before. No sign-up: accounts/sso.py links a provider's sign-in to an invited account only.
from config.sso import providers_from_env  # noqa: E402

INSTALLED_APPS += [
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.openid_connect",
]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
    "allauth.account.middleware.AccountMiddleware",
)
SOCIALACCOUNT_PROVIDERS, _sso_problems = providers_from_env(lambda name: env.str(name, ""))
if _sso_problems:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(" ".join(_sso_problems))
SOCIALACCOUNT_ADAPTER = "accounts.sso.SocialAccountAdapter"
ACCOUNT_ADAPTER = "accounts.sso.AccountAdapter"
ACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # accounts/sso.py decides, more strictly
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_LOGIN_ON_GET = False  # the buttons POST: no sign-in started by a mere link
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = env.int("SSO_REQUESTS_TIMEOUT", 10)
# --- Slack direct messages (accounts/slack.py) ---------------------------------------------------
# One workspace's bot token; without it nothing about Slack appears anywhere. SLACK_API_URL
# replaces Slack's Web API address (the tests' local fake).
SLACK_BOT_TOKEN = env.str("SLACK_BOT_TOKEN", "")
SLACK_API_URL = env.str("SLACK_API_URL", "https://slack.com/api/")
