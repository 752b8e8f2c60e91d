"""Django settings shared by every environment (local, test, production).

Values that differ by environment live in ``local.py``, ``test.py`` and ``production.py``;
every value taken from the environment comes from :mod:`csphub.settings`, which
parses and checks it (these modules never read ``os.environ``).
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url

from csphub.settings import load_settings

CSPHUB = load_settings()
PACKAGE_DIR = Path(__file__).resolve().parent.parent.parent

DEBUG = False
ALLOWED_HOSTS = list(CSPHUB.allowed_hosts)  # a list: `csphub serve` adds its --host

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "simple_history",
    "ninja",
    "csphub.core",
    "csphub.accounts",
    "csphub.audit",
    "csphub.casework",
    "csphub.panels",
    "csphub.casereview",
    "csphub.people",
    "csphub.cctv",

    "csphub.governance",  # ---- Governance ----

    # ---- Encampments and PSPOs ----
    "csphub.encampments",
    "csphub.pspo",

    "csphub.dialin",  # ---- Daily Dial In ----
    "csphub.inbox",  # partner inbox and notifications (issue 12, item 3)
]

MIDDLEWARE = [
    # X-Forwarded-* believed only from CSPHUB_TRUSTED_PROXIES (before anything reads the scheme).
    "csphub.web.proxy.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Permissions-Policy, no-store for signed-in and API answers, a locked database as 503.
    "csphub.web.middleware.SecurityHeadersMiddleware",
    # The request's read audit entries written together once the view has answered.
    "csphub.web.middleware.ReadAuditMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Two-factor sign-in: request.user.is_verified(), then signed-in users who still owe a code
    # from their authenticator app are sent to give it (csphub.accounts.mfa).
    "django_otp.middleware.OTPMiddleware",
    "csphub.accounts.middleware.MfaRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Login throttling: must be last (django-axes).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "csphub.web.urls"
WSGI_APPLICATION = "csphub.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csphub.web.context.navigation",
            ],
        },
    },
]

DATABASES = {"default": dj_database_url.parse(CSPHUB.database_url, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite as a multi-user default: write-ahead logging (readers never wait for a writer), every
    # transaction takes the write lock at BEGIN (no deadlocked upgrade from a read), and a writer
    # waits up to 20 s for another; a lock still held after that answers 503 (web/middleware.py).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters bound by the server, and a statement run five times on a connection prepared
    # there: PostgreSQL then parses and plans each of a page's repeated reads once per
    # connection, not once per request. (A pooler in front must keep sessions: docs/deployment.md.)
    DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 5}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading a signed-in user with their membership and agency at once.
    "csphub.accounts.backends.MembershipBackend",
]

# Strong password hashing: Argon2 first, the others only to upgrade old hashes on login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    # Django's 20,000 common passwords, also with digits and symbols stripped ("Password123!").
    {"NAME": "csphub.accounts.passwords.CommonPasswordValidator"},
    # Not the username, the agency's name or the area's place names ("Riverford2024").
    {"NAME": "csphub.accounts.passwords.LocalWordsValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Place names of the partnership's area that passwords may not contain (CSPHUB_AREA_NAMES).
CSPHUB_AREA_NAMES = CSPHUB.area_names
# A password-reset link (csphub user reset-password) works once, for a day.
PASSWORD_RESET_TIMEOUT = 24 * 60 * 60

# Login throttling (django-axes), counted over the last hour: 5 failures lock a username from
# one address; 10 lock the username from every address (guessing one password from many
# machines); 20 lock the address for every username (trying one password on many usernames).
# A lockout counts attempts on any username alike, so it says nothing about which exist.
# `csphub user unlock` lifts one early.
AXES_HANDLER = "csphub.accounts.throttling.LimitPerParameterHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], ["username"], ["ip_address"]]
CSPHUB_LOGIN_FAILURE_LIMITS = {("username", "ip_address"): 5, ("username",): 10, ("ip_address",): 20}
AXES_FAILURE_LIMIT = 5  # the first limit; LimitPerParameterHandler scales the others to it
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_RESET_ON_SUCCESS = False  # a successful sign-in must not wipe an address's failures

# Two-factor sign-in with an authenticator app (TOTP, django-otp): required for every user of an
# agency with mfa_required (the default) unless CSPHUB_MFA=off (refused in production).
CSPHUB_MFA_REQUIRED = CSPHUB.mfa_required
OTP_TOTP_ISSUER = "CSP Hub"
# API tokens expire after this many days unless made with another (csphub token create --days).
CSPHUB_TOKEN_DAYS = CSPHUB.token_days

# Sessions expire after 8 hours, or when the browser closes.
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Security headers on every response.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content security policy (Django 6 built-in): only our own static files; inline scripts
# only with the per-request nonce (GOV.UK Frontend's init snippet uses it).
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS: list[Path] = [PACKAGE_DIR / "static"]
WHITENOISE_USE_FINDERS = True  # serve straight from the package: no collectstatic step
# No collectstatic step: WhiteNoise serves straight from the package (WHITENOISE_USE_FINDERS).
STATIC_ROOT = None
MEDIA_ROOT = CSPHUB.data_dir / "media"
MEDIA_URL = "/media/"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

FORM_RENDERER = "csphub.core.forms.GovukFormRenderer"

# ---- Casework configuration (the partnership's choices, where the law lets it choose) ----
# Parsed and checked in csphub.settings (docs/settings.md lists the variables and defaults).
# Roles cleared to see sensitive vulnerability flags (mental health, substance misuse, ...).
CSPHUB_SENSITIVE_ROLES = CSPHUB.sensitive_roles
# Closed cases are anonymised this many years after closing (`csphub retention apply`).
CSPHUB_RETENTION_YEARS = CSPHUB.retention_years
# Repeat victim / subject / location: this many incidents within this many days.
CSPHUB_REPEAT = {"threshold": CSPHUB.repeat_threshold, "window_days": CSPHUB.repeat_window_days}
# Fixed penalty amounts etc. (see casework/rules.py ToolsAndPowersConfig); GBP, at most 100.
CSPHUB_TOOLS_AND_POWERS = {
    "cpn_fixed_penalty_amount": CSPHUB.cpn_fixed_penalty,
    "pspo_fixed_penalty_amount": CSPHUB.pspo_fixed_penalty,
    "fixed_penalty_payment_days": CSPHUB.penalty_payment_days,
    "fixed_penalty_early_payment_days": CSPHUB.penalty_early_payment_days,
}

# ASB Case Review: the partnership's published threshold and service standards (working days).
CSPHUB_CASE_REVIEW_THRESHOLD = {
    "complaints_required": CSPHUB.case_review_complaints,
    "window_months": CSPHUB.case_review_window_months,
    "report_within_months": 1,
    **({"hate_complaints_required": CSPHUB.case_review_hate_complaints}
       if CSPHUB.case_review_hate_complaints is not None else {}),
}
CSPHUB_CASE_REVIEW_TIMETABLE = {
    "acknowledge_working_days": CSPHUB.case_review_acknowledge_days,
    "decide_working_days": CSPHUB.case_review_decide_days,
    "review_working_days": CSPHUB.case_review_review_days,
}
# Bank holidays for working-day deadlines: ENG (England) or WLS (Wales).
CSPHUB_NATION = CSPHUB.nation
# The council's encampment timetable (csphub.encampments.rules.Procedure's fields): the steps
# CSPHUB_ENCAMPMENT_PROCEDURE changes from the defaults.
_ENCAMPMENT_FIELDS = {"welfare_check": "welfare_check_working_days", "s77": "s77_direction_working_days",
                      "s78": "s78_complaint_working_days", "removal": "removal_working_days"}
CSPHUB_ENCAMPMENT_PROCEDURE = {_ENCAMPMENT_FIELDS[step]: days for step, days in CSPHUB.encampment_procedure}

# ---- Email: the inbox's notifications (say only that something is waiting; docs/inbox.md) ----
# Printed to the console unless CSPHUB_EMAIL_HOST names an SMTP server. Django 6.1 configures
# this as MAILERS (its EMAIL_* settings are deprecated there); Django 6.0 reads EMAIL_*.
import django  # noqa: E402

if CSPHUB.email_host:
    _SMTP = {"host": CSPHUB.email_host, "port": CSPHUB.email_port, "username": CSPHUB.email_user,
             "password": CSPHUB.email_password, "use_ssl": CSPHUB.email_port == 465,
             "use_tls": CSPHUB.email_port != 465, "timeout": 30}
    _MAILER = {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": _SMTP}
else:
    _SMTP = {}
    _MAILER = {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
if django.VERSION >= (6, 1):
    MAILERS = {"default": _MAILER}
else:  # pragma: no cover - Django 6.0
    EMAIL_BACKEND = _MAILER["BACKEND"]
    EMAIL_HOST, EMAIL_PORT = _SMTP.get("host", "localhost"), _SMTP.get("port", 25)
    EMAIL_HOST_USER, EMAIL_HOST_PASSWORD = _SMTP.get("username", ""), _SMTP.get("password", "")
    EMAIL_USE_SSL, EMAIL_USE_TLS, EMAIL_TIMEOUT = _SMTP.get("use_ssl", False), _SMTP.get("use_tls", False), 30
DEFAULT_FROM_EMAIL = CSPHUB.email_from
CSPHUB_SITE_URL = CSPHUB.site_url

# ---- Deployment behind a reverse proxy (docs/deployment.md) --------------------------------
CSPHUB_TRUSTED_PROXIES = CSPHUB.trusted_proxies
# Safe only because TrustedProxyMiddleware drops the header from anyone but those proxies.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
USE_X_FORWARDED_HOST = bool(CSPHUB.trusted_proxies)
# Uploaded files and their folders: readable by the service account only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# ---- Uploads: size refused while streaming, virus scanning (docs/casework.md, "Attachments") --
CSPHUB_UPLOAD_MAX_BYTES = CSPHUB.upload_max_mb * 1024 * 1024
# The size guard comes first: it stops reading a request once a file passes the limit, before
# Django's own handlers keep anything past it (csphub.core.uploads.SizeLimitUploadHandler).
FILE_UPLOAD_HANDLERS = [
    "csphub.core.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Non-file form fields: Django's default, stated so it is not mistaken for the file limit.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# ClamAV's clamd (CSPHUB_CLAMD_SOCKET or CSPHUB_CLAMD_ADDRESS); None: files are marked "not scanned".
CSPHUB_CLAMD = ({"socket": CSPHUB.clamd_socket} if CSPHUB.clamd_socket
                else {"address": CSPHUB.clamd_address} if CSPHUB.clamd_address else None)
# The scanner hook: a function returning a csphub.core.scanner.Scanner, or None for no scanner.
CSPHUB_UPLOAD_SCANNER = "csphub.core.scanner.clamd_from_settings"

# ---- Logging: a failed request leaves its traceback on standard error ----------------------
# Django's own default sends an unhandled error (a 500) to the console only when DEBUG is on and
# otherwise mails ADMINS, which CSP Hub does not set: in production a 500 left no trace at all.
# `csphub serve` and the process manager above it keep standard error (docs/deployment.md).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s pid=%(process)d: %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {"django.request": {"handlers": ["stderr"], "level": "ERROR", "propagate": False}},
}
