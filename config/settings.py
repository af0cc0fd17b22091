"""One settings module, read from the environment (django-environ).

With nothing set it runs as a development server on embedded defaults: SQLite and
Celery's filesystem broker under ``var/``. ``DJANGO_ENV=production`` switches on the
deployment checks and refuses to start without a secret key and allowed hosts.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))
# The published statistics ship with the project (Open Government Licence v3.0).
SHARED_DATA_DIR = Path(env.str("SHARED_DATA_DIR", default=str(BASE_DIR / "data")))

ENVIRONMENT = env.str("DJANGO_ENV", default="development")
PRODUCTION = ENVIRONMENT == "production"
DEBUG = env.bool("DJANGO_DEBUG", default=not PRODUCTION)

if PRODUCTION:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
    if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure"):
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set to a long random value in production.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must name the hosts this service answers for.")
    if DEBUG:
        raise ImproperlyConfigured("DJANGO_DEBUG must be off in production.")
else:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="django-insecure-development-only-key-not-for-production")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])

CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin.apps.SimpleAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rules.apps.AutodiscoverRulesConfig",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    "accounts",
    "regulation",
    "workforce",
    "accreditation",
    "training",
]

MIDDLEWARE = [
    "accounts.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "accounts.uploads.RefuseOversizedUploadsMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.SessionExpiryMiddleware",
    "accounts.middleware.RequireMultiFactorMiddleware",
    "accounts.replicas.PinToPrimaryAfterWriteMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.service",
            ],
        },
    },
]
FORM_RENDERER = "accounts.forms.GovUKFormRenderer"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# In production a connection is kept for a minute and checked before each request reuses it (a new connection cost
# more than the whole /verify page: 9.9 ms against 3.7 ms with one kept, issue #34). Elsewhere each request opens
# its own, which suits SQLite and the tests' live servers.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60 if PRODUCTION else 0)
# New objects between the garbage collector's young collections in a web process (config/server.py); Python's
# default is 700. At least 1: 0 would turn automatic collection off.
try:
    GC_GEN0_THRESHOLD = env.int("GC_GEN0_THRESHOLD", default=20000)
except ValueError:
    GC_GEN0_THRESHOLD = 0
if GC_GEN0_THRESHOLD < 1:
    raise ImproperlyConfigured("GC_GEN0_THRESHOLD must be a whole number of at least 1 (Python's default is 700).")
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the worker are two processes on one file: WAL lets them read while the other writes, and
    # taking the write lock when a transaction begins (not midway) makes a busy writer wait rather than fail.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
    # Tests use a file rather than memory, so a real worker process can open the test database too.
    DATABASES["default"].setdefault("TEST", {}).setdefault("NAME", str(VAR_DIR / "test-db.sqlite3"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A PostgreSQL hot standby for reads that may be a little stale (accounts/replicas.py, docs/operations.md). Unset,
# every query goes to the primary. A person who has just written reads from the primary for PIN seconds, which must
# outlast the most lag we accept, or they could miss their own write.
DATABASE_REPLICA_MAX_LAG_SECONDS = env.float("DATABASE_REPLICA_MAX_LAG_SECONDS", default=5.0)
DATABASE_REPLICA_PIN_SECONDS = env.int("DATABASE_REPLICA_PIN_SECONDS", default=15)
DATABASE_REPLICA_CHECK_SECONDS = env.float("DATABASE_REPLICA_CHECK_SECONDS", default=2.0)
if DATABASE_REPLICA_PIN_SECONDS <= DATABASE_REPLICA_MAX_LAG_SECONDS:
    raise ImproperlyConfigured("DATABASE_REPLICA_PIN_SECONDS must be longer than DATABASE_REPLICA_MAX_LAG_SECONDS.")
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    # A standby is read-only and follows the primary: tests use the primary's test database under this name.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
# PostgreSQL compiles a query to machine code (JIT) once the planner's cost estimate passes jit_above_cost, which
# a query over the whole register can reach while finding a few rows: the compiling then cost more than the query
# (the staff API's count of registered entries, 100,000 of them: 300 ms with it, 100 ms without, issue #34). The
# pages' queries are short, so the service's connections do without it.
for _database in DATABASES.values():
    if _database["ENGINE"] == "django.db.backends.postgresql":
        _options = _database.setdefault("OPTIONS", {})
        _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
DATABASE_ROUTERS = ["accounts.replicas.ReplicaRouter"]

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
if PRODUCTION and CACHES["default"]["BACKEND"].endswith("LocMemCache"):
    # Each process would count sign-in failures on its own, so throttles would multiply with the workers.
    raise ImproperlyConfigured("CACHE_URL must name a shared cache (Redis) in production.")

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Sessions end after a period of inactivity (sliding, moved on at most once a minute by
# accounts.middleware.SessionExpiryMiddleware rather than a database write on every request), and always at browser
# close.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=60 * 60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# django-allauth: email is the sign-in name; verification is mandatory.
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = False
# GOV.UK Notify style: the subject says what happened, without a bracketed prefix (the sender names the service).
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# Sentence-case labels, hints in words and no placeholders on every sign-in page (templates/account, templates/mfa).
ACCOUNT_FORMS = {
    name: f"accounts.auth_forms.{cls}"
    for name, cls in [
        ("login", "LoginForm"),
        ("signup", "SignupForm"),
        ("add_email", "AddEmailForm"),
        ("change_password", "ChangePasswordForm"),
        ("set_password", "SetPasswordForm"),
        ("reset_password", "ResetPasswordForm"),
        ("reset_password_from_key", "ResetPasswordKeyForm"),
        ("reauthenticate", "ReauthenticateForm"),
    ]
}
ACCOUNT_RATE_LIMITS = {
    # Counted per email and client IP together (see AccountAdapter), backing off: five wrong passwords in 15
    # minutes pause that pair for the rest of the window, twenty in a day for the rest of the day. Guesses from
    # elsewhere never lock the owner out; a password reset lifts the pause for the owner's own IP.
    "login_failed": env.str("LOGIN_FAILED_RATE", default="20/m/ip,5/15m/key,20/1d/key"),
}
# The client IP is the one the last TRUSTED_PROXY_COUNT proxies saw (X-Forwarded-For), never a header any client
# can set; 0 (no proxy) uses the connection's address. Sign-in throttles and the API's throttles both use it.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Social work accreditation"
MFA_RECOVERY_CODE_COUNT = 10
MFA_ADAPTER = "accounts.adapters.MFAAdapter"
MFA_FORMS = {
    name: f"accounts.auth_forms.{cls}"
    for name, cls in {
        "authenticate": "AuthenticateForm",
        "reauthenticate": "MFAReauthenticateForm",
        "activate_totp": "ActivateTOTPForm",
        "deactivate_totp": "DeactivateTOTPForm",
        "generate_recovery_codes": "GenerateRecoveryCodesForm",
    }.items()
}
# Roles whose holders must have an authenticator app before they can do anything else.
MFA_REQUIRED_ROLES = ["assessor", "regulator_staff"]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    # Job results and uploads are private: they are served only through views that check permissions.
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": MEDIA_ROOT}},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="no-reply@accreditation.example.gov.uk")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: the embedded default needs no server (a filesystem queue under var/); Redis in CI and production.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "celery" / "queue"
    _processed_dir = VAR_DIR / "celery" / "processed"
    # Any process may queue work (the web server, a management command), so the folders must exist up front.
    for _folder in (_queue_dir, _processed_dir):
        _folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_processed_dir),
        "store_processed": False,
        # Without this kombu writes its exchange tables to ./control in whatever folder the process started in.
        "control_folder": str(VAR_DIR / "celery" / "control"),
    }
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# WeasyPrint keeps about a third of a megabyte for each PDF it has made (issue #34: 155 MB to 501 MB over 1,000
# certificates): a worker child that has grown past this many kilobytes is replaced once its task ends.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=400_000)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=15 * 60)
CELERY_TASK_TIME_LIMIT = CELERY_TASK_SOFT_TIME_LIMIT + 60
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # An unacknowledged message (acks_late) goes back on the queue this long after delivery. Longer than the
    # longest job (the hard time limit), or a job still running would be handed to a second worker; a job whose
    # worker died is noticed sooner by its lease (JOB_LEASE_SECONDS) and the sweep below.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT + 5 * 60),
        "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
    }
# Publishing gives up quickly when the broker is down: the request carries on and the outbox keeps the work.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
# Connections a transfer export writes its files on at once (PostgreSQL), all reading one snapshot.
TRANSFER_EXPORT_CONNECTIONS = env.int("TRANSFER_EXPORT_CONNECTIONS", default=2)
# The most a transfer bundle may unpack to when it is loaded (England's register unpacks to well under 1 GB).
TRANSFER_MAX_UNPACKED_BYTES = env.int("TRANSFER_MAX_UNPACKED_BYTES", default=4 * 1024 * 1024 * 1024)
# Jobs hold a lease their worker renews every JOB_LEASE_SECONDS / 4; one not renewed for a whole lease is
# restarted (up to JOB_MAX_ATTEMPTS runs in all) or marked failed by the sweep, which runs every JOB_SWEEP_SECONDS.
JOB_LEASE_SECONDS = env.int("JOB_LEASE_SECONDS", default=120)
JOB_MAX_ATTEMPTS = env.int("JOB_MAX_ATTEMPTS", default=3)
JOB_SWEEP_SECONDS = env.int("JOB_SWEEP_SECONDS", default=60)
# A job handed to the broker but not started after this long is handed over again (its message may be lost with a
# broker restart); a spare copy is harmless, as a job runs only while nobody holds its lease.
JOB_REDISPATCH_SECONDS = env.int("JOB_REDISPATCH_SECONDS", default=5 * 60)
# How long a verifier may cache a credential status list (its ttl and Cache-Control); beat republishes this often.
CREDENTIAL_STATUS_TTL_SECONDS = env.int("CREDENTIAL_STATUS_TTL_SECONDS", default=60)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# Daily housekeeping. Each task is idempotent, so a missed or repeated run does no harm.
CELERY_BEAT_SCHEDULE: dict = {
    "jobs-and-outbox-sweep": {"task": "accounts.tasks.sweep", "schedule": timedelta(seconds=JOB_SWEEP_SECONDS)},
    "registration-renewal-reminders": {
        "task": "regulation.tasks.send_renewal_reminders",
        "schedule": timedelta(hours=24),
    },
    "registration-lapse-after-grace": {
        "task": "regulation.tasks.lapse_unrenewed_registrations",
        "schedule": timedelta(hours=6),
    },
    "fitness-to-practise-order-expiry": {
        "task": "regulation.tasks.apply_order_expiries",
        "schedule": timedelta(hours=6),
    },
    "accreditation-publish-status-lists": {
        "task": "accreditation.tasks.publish_status_lists",
        "schedule": timedelta(seconds=CREDENTIAL_STATUS_TTL_SECONDS),
    },
    "accreditation-mark-overdue-tests": {
        "task": "accreditation.tasks.mark_overdue_tests",
        "schedule": timedelta(minutes=1),
    },
    "course-monitoring-open": {
        "task": "regulation.courses.tasks.open_due_monitoring_returns",
        "schedule": timedelta(hours=24),
    },
    "course-monitoring-reminders": {
        "task": "regulation.courses.tasks.send_monitoring_reminders",
        "schedule": timedelta(hours=24),
    },
    "course-conditions-due": {
        "task": "regulation.courses.tasks.remind_conditions_due",
        "schedule": timedelta(hours=24),
    },
    "course-conditions-overdue": {
        "task": "regulation.courses.tasks.flag_overdue_conditions",
        "schedule": timedelta(hours=24),
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# The largest JSON body the API reads (a bulk register check of 1,000 numbers is about 20 KB).
API_JSON_MAX_BYTES = env.int("API_JSON_MAX_BYTES", default=1024 * 1024)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "accounts.api_parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # verify_page: the public certificate check by code, per client IP (the codes are 160-bit: a courtesy).
    "DEFAULT_THROTTLE_RATES": {"anon": "120/min", "user": "600/min", "verify_page": "60/min"},
    "NUM_PROXIES": ALLAUTH_TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Social work accreditation API",
    "DESCRIPTION": "The same functions as the web pages, for systems. Session auth for the browser, "
    "token auth (`Authorization: Token …`) for systems.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a "status" or "stage"; name each choice set after its model so the schema is clear.
    "ENUM_NAME_OVERRIDES": {
        "RegisterEntryStatusEnum": "regulation.models.EntryStatus",
        "ApplicationStatusEnum": "regulation.models.Application.Status",
        "OrderStatusEnum": "regulation.models.Order.Status",
        "CaseStageEnum": "regulation.models.FitnessToPractiseCase.Stage",
        "CaseStageChangeEnum": [
            ("triage", "triage"),
            ("investigation", "investigation"),
            ("case_examiners", "case_examiners"),
            ("hearing", "hearing"),
        ],
        "JobStatusEnum": "accounts.models.Job.Status",
        "CourseStatusEnum": "regulation.courses.models.Course.Status",
        "AccreditationLevelEnum": "accreditation.models.Level",
        "AccreditationItemKindEnum": "accreditation.models.Item.Kind",
        "AccreditationBankStatusEnum": "accreditation.models.BankStatus",
        "AccreditationCandidateStageEnum": "accreditation.models.Candidate.Stage",
        "AccreditationCandidateStatusEnum": "accreditation.models.Candidate.Status",
        "AccreditationEndorsementEnum": "accreditation.models.Candidate.Endorsement",
        "AccreditationAttemptStatusEnum": "accreditation.models.Attempt.Status",
        "AccreditationBookingStatusEnum": "accreditation.models.Booking.Status",
        "AccreditationObservationStatusEnum": "accreditation.models.Observation.Status",
        "AccreditationObservationOutcomeEnum": "accreditation.models.Observation.Outcome",
        "AccreditationScoresheetStatusEnum": "accreditation.models.Scoresheet.Status",
        "AccreditationMarkerEnum": "accreditation.models.Scoresheet.Marker",
        "AccreditationSessionKindEnum": "accreditation.models.AssessmentSession.Kind",
        "AccreditationSessionSlotEnum": "accreditation.models.AssessmentSession.Slot",
        "AccreditationRecommendationEnum": "accreditation.models.Recommendation",
    },
}

# Content Security Policy: our own origin only; inline scripts need the per-request nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=int(timedelta(days=365).total_seconds()))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # /healthz is probed over plain HTTP from inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz(/live)?$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint logs every layout step of every PDF at INFO; a cohort's certificates would drown the worker's log.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}},
}

# The register: renewal needs this much CPD in the registration year; lapse follows the grace period.
REGISTER_RENEWAL_MIN_CPD = env.int("REGISTER_RENEWAL_MIN_CPD", default=2)
REGISTER_RENEWAL_MIN_PEER_REFLECTIONS = env.int("REGISTER_RENEWAL_MIN_PEER_REFLECTIONS", default=1)
REGISTER_RENEWAL_GRACE_DAYS = env.int("REGISTER_RENEWAL_GRACE_DAYS", default=21)
REGISTER_DIRECT_WORK_HOURS_EXPECTED = env.int("REGISTER_DIRECT_WORK_HOURS_EXPECTED", default=100)

# Demo data (one user per role with a known password) is loaded only when this is on.
DEMO_MODE = env.bool("DEMO_MODE", default=DEBUG)
# The service's name, in every page title and email (allauth's too); its address is SITE_URL below.
SERVICE_NAME = env.str("SERVICE_NAME", default="Social work accreditation")
# Messages (accounts/notifications.py): a claim older than this is a worker that died and is sent again; a message
# handed to the broker this long ago and still not sent (lost, or the mail server down) is handed over again.
NOTIFICATION_CLAIM_SECONDS = env.int("NOTIFICATION_CLAIM_SECONDS", default=300)
NOTIFICATION_REDISPATCH_SECONDS = env.int("NOTIFICATION_REDISPATCH_SECONDS", default=900)

# Accreditation, practice observation (accreditation/services/observation.py): the scale's labels, the pass line
# as a percentage of the points available, how near it counts as borderline, the random moderation sample, and
# how long a past employer stays a conflict of interest for an assessor.
ACCREDITATION_SCORE_LABELS = env.list(
    "ACCREDITATION_SCORE_LABELS", default=["Not yet met", "Partly met", "Met", "Exceeded"]
)
ACCREDITATION_OBSERVATION_PASS_PERCENT = env.int("ACCREDITATION_OBSERVATION_PASS_PERCENT", default=70)
ACCREDITATION_OBSERVATION_BORDERLINE_POINTS = env.int("ACCREDITATION_OBSERVATION_BORDERLINE_POINTS", default=4)
ACCREDITATION_MODERATION_SAMPLE_PERCENT = env.int("ACCREDITATION_MODERATION_SAMPLE_PERCENT", default=10)
ACCREDITATION_CONFLICT_YEARS = env.int("ACCREDITATION_CONFLICT_YEARS", default=2)

# Early career (training/): who may enrol, pauses, moderation sample, grant, reminders.
TRAINING_QUALIFIED_WITHIN_YEARS = env.int("TRAINING_QUALIFIED_WITHIN_YEARS", default=2)
TRAINING_MAX_PAUSE_DAYS = env.int("TRAINING_MAX_PAUSE_DAYS", default=183)
TRAINING_EXTERNAL_MODERATION_PERCENT = env.int("TRAINING_EXTERNAL_MODERATION_PERCENT", default=10)
TRAINING_GRANT_PER_PARTICIPANT = env.int("TRAINING_GRANT_PER_PARTICIPANT", default=2000)
TRAINING_ASSESSOR_IS_LINE_MANAGER = env.str("TRAINING_ASSESSOR_IS_LINE_MANAGER", default="warn")  # or "refuse"
TRAINING_REMINDER_DAYS_BEFORE = env.int("TRAINING_REMINDER_DAYS_BEFORE", default=7)
# A review may be held from this many days before its due date to this many after; outside, only with a
# co-ordinator's recorded exception.
TRAINING_REVIEW_WINDOW_DAYS = tuple(env.list("TRAINING_REVIEW_WINDOW_DAYS", cast=int, default=[28, 56]))
CELERY_BEAT_SCHEDULE["early-career-reminders"] = {
    "task": "training.tasks.send_early_career_reminders",
    "schedule": timedelta(hours=24),
}
# Every service keeps the enrolments' stored schedule dates; once a day they are checked against the records anyway,
# for any write that went round the services (old code beside a migration, a shell).
CELERY_BEAT_SCHEDULE["early-career-schedules"] = {
    "task": "training.tasks.rederive_schedules",
    "schedule": timedelta(hours=24),
}
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(
    {
        "PassFailEnum": "training.models.Review.Recommendation",
        "InternalModerationDecisionEnum": [("confirmed", "confirmed"), ("returned", "returned")],
    }
)
# Uploads: bodies are capped as they stream in, before any form reads them. The cap sits above the largest
# per-file limit a page states (10 MB for register and course evidence; 5 MB for a workforce CSV), so each page's
# own check gives its clear message and the cap only stops bodies no page would accept.
MAX_UPLOAD_SIZE = env.int("MAX_UPLOAD_SIZE", default=12 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # non-file form fields: Django's default, kept explicit
FILE_UPLOAD_MAX_MEMORY_SIZE = 1_048_576  # larger files spill to a temporary file instead of memory
FILE_UPLOAD_HANDLERS = [
    "accounts.uploads.MaxSizeUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Accreditation decisions, certificates and signed credentials (accreditation/services/decision.py, credentials.py).
# SITE_URL is the public address printed on certificates (QR code) and used as the credentials' issuer id.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Levels whose decision the rules confirm as soon as every stage is passed (no regulator confirmation needed).
ACCREDITATION_CONFIRM_BY_RULES = env.list("ACCREDITATION_CONFIRM_BY_RULES", default=[])
CREDENTIAL_ISSUER_NAME = env.str("CREDENTIAL_ISSUER_NAME", default="Social Work England")
# Who signs certificates for the issuer (a post, printed on each certificate).
CERTIFICATE_SIGNATORY = env.str("CERTIFICATE_SIGNATORY", default="The Registrar")
# A certificate batch runs WeasyPrint in a child process for each this many certificates (issue #34): the child
# grows about 0.33 MB a certificate and its memory goes when it exits, so the worker stays flat whatever the
# cohort's size; each child costs about two seconds to start.
CERTIFICATE_BATCH_CHUNK = env.int("CERTIFICATE_BATCH_CHUNK", default=200)
# The regulator's Ed25519 signing key, PEM (PKCS#8). In development a key is made on first use and kept in
# var/ (never committed); in production signing refuses to run without one (it never makes its own).
CREDENTIAL_SIGNING_KEY = env.str("CREDENTIAL_SIGNING_KEY", default="", multiline=True)
CREDENTIAL_SIGNING_KEY_FILE = Path(
    env.str("CREDENTIAL_SIGNING_KEY_FILE", default=str(VAR_DIR / "credential-signing-key.pem"))
)
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(
    {
        "AccreditationStatusEnum": "accreditation.models.Accreditation.Status",
        "CredentialCheckStatusEnum": "accreditation.serializers.certification.CHECK_STATUSES",
    }
)

# Metrics (accounts/metrics.py, docs/operations.md "What to watch"): GET /metrics answers a request from a listed
# address (REMOTE_ADDR, addresses or networks, and not through the balancer) or one bearing METRICS_TOKEN; every
# other request is refused. Scrape each node directly. PROMETHEUS_MULTIPROC_DIR (read by prometheus_client itself)
# adds up the figures of a node's gunicorn processes.
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
# prometheus_client reads it from the environment itself (each process writes there); read here so /metrics knows to
# add the processes up. Set only for gunicorn with several processes.
PROMETHEUS_MULTIPROC_DIR = env.str("PROMETHEUS_MULTIPROC_DIR", default="")
