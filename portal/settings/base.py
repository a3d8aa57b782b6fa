"""Settings shared by every environment, read from the environment (12-factor).

With neither ``DATABASE_URL`` nor ``REDIS_URL`` set the portal runs on embedded
defaults (see ``portal.embedded``), so a fresh machine needs nothing but Python.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

from portal import embedded

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me")  # noqa: S105
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "portal.apps.PortalConfig",
    "partnerships",
    "internships",
    "agenda",
    "reporting",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "csp",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "portal.middleware.TenantMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "portal.context_processors.navigation",
            ],
        },
    },
]

# Database: DATABASE_URL, or the embedded PostgreSQL under var/.
DATABASES = {
    "default": env.db_url_config(env("DATABASE_URL", default=None) or embedded.database_url()),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis serves as Celery broker and shared cache; without it, a broker that needs
# no server (kombu's filesystem transport) and a file cache under var/.
REDIS_URL = env("REDIS_URL", default=None)
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    # A task whose worker died (acks_late: its message is still unacknowledged) comes back
    # within a minute: Redis hands it out again once it is older than the visibility
    # timeout, and the workers look for such messages every 5 seconds (the default is only
    # every 100). A task that simply runs longer than 45 s is handed out a second time too;
    # that is safe because the portal's long tasks are idempotent and lock their row (a
    # report run, an import job), so the second delivery finds the work busy or done. Retry
    # countdowns are kept below the timeout for the same reason.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 45,
        "unacked_restore_interval": 5,
        "unacked_restore_throttle": 1,
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portal",
        }
    }
else:
    CELERY_BROKER_URL = "filesystem://"
    # This broker deletes a message when a worker takes it, so it cannot redeliver the task
    # of a worker that died; report runs are re-sent by the periodic dispatch instead
    # (reporting.services.runs.report_runs_requeue_stale).
    CELERY_BROKER_TRANSPORT_OPTIONS = embedded.filesystem_broker_options()
    CELERY_RESULT_BACKEND = embedded.filesystem_result_backend()
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600
CELERY_TIMEZONE = "Europe/Amsterdam"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict = {
    # Agreements ending soon: one reminder each to the programme office and the creator.
    "partnerships-agreement-reminders": {
        "task": "partnerships.tasks.agreement_reminders_send",
        "schedule": crontab(hour=7, minute=0),
    },
    # The stage market: each task fans out one run per tenant.
    "internships-opportunities-close-expired": {
        "task": "internships.tasks.opportunities_close_expired",
        "schedule": crontab(hour=1, minute=10),
    },
    "internships-student-data-anonymise": {
        "task": "internships.tasks.student_data_anonymise",
        "schedule": crontab(hour=2, minute=40),
    },
    "internships-placements-start-due": {
        "task": "internships.tasks.placements_start_due",
        "schedule": crontab(hour=6, minute=30),
    },
    "internships-opportunity-expiry-reminders": {
        "task": "internships.tasks.opportunity_expiry_reminders_send",
        "schedule": crontab(hour=7, minute=15),
    },
    # The agenda: computed indicators record the last complete month.
    "agenda-computed-indicators": {
        "task": "agenda.tasks.computed_indicators_record",
        "schedule": crontab(hour=2, minute=30),
    },
    # Owners are reminded a week before a period ends without a submitted update.
    "agenda-progress-update-reminders": {
        "task": "agenda.update_tasks.progress_update_reminders_send",
        "schedule": crontab(hour=7, minute=15),
    },
    # Reports: due schedules become runs (one per definition and period, however often
    # this runs), and runs whose task was lost are sent to the workers again.
    "reporting-schedules-dispatch": {
        "task": "reporting.tasks.report_schedules_dispatch_task",
        "schedule": crontab(minute="*/5"),
    },
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: e-mail is the login; sign-up only through an invitation.
ACCOUNT_ADAPTER = "portal.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Partnerportaal] "
ACCOUNT_FORMS = {"signup": "portal.forms.InvitationSignupForm"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Partnerportaal"

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "portal_language"
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env("STATIC_ROOT", default=str(VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Report PDFs: outside MEDIA_ROOT, served only by a view that checks the reader.
REPORTS_ROOT = env("REPORTS_ROOT", default=str(VAR_DIR / "reports"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Partnerportaal <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content Security Policy: no inline scripts or styles; a per-request nonce
# carries the tenant's brand colour.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# The REST API under /api/v1/<tenant>/ (portal/api): personal tokens or the session, problem
# documents for errors, throttling per token on the shared cache.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "portal.api.authentication.PersonalTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "portal.api.pagination.PortalPagination",
    "DEFAULT_FILTER_BACKENDS": [
        "portal.api.filters.TenantFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["portal.api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "api_user": env("API_THROTTLE_USER", default="600/minute"),
        "api_anon": env("API_THROTTLE_ANON", default="120/minute"),
    },
    "EXCEPTION_HANDLER": "portal.api.problems.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "portal.api.schema.PortalAutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Partnership portal API",
    "DESCRIPTION": (
        "The partnership portal's REST API. Every path starts with the partnership "
        "(`/api/v1/<tenant_slug>/...`). Authenticate with a personal API token "
        "(`Authorization: Bearer <token>`, made under Profile > API tokens) or the browser "
        "session. Errors are `application/problem+json` documents (RFC 9457)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": r"/api/v1/[^/]+/",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.api.schema.strict_request_bodies",
    ],
    # Choice sets that share a field name ("kind", "status") get names of their own.
    "ENUM_NAME_OVERRIDES": {
        "EducationLevelEnum": "partnerships.models.EducationLevel",
        "OrganisationKindEnum": "partnerships.models.Organisation.Kind",
        "OrganisationStatusEnum": "partnerships.models.Organisation.Status",
        "InteractionKindEnum": "partnerships.models.Interaction.Kind",
        "AgreementKindEnum": "partnerships.models.Agreement.Kind",
        "AgreementStatusEnum": "partnerships.models.Agreement.Status",
        "OpportunityKindEnum": "internships.models.Opportunity.Kind",
        "OpportunityStatusEnum": "internships.models.Opportunity.Status",
        "ApplicationStatusEnum": "internships.models.Application.Status",
        "PlacementStatusEnum": "internships.models.Placement.Status",
        "ActionStatusEnum": "agenda.models.Action.Status",
        "ProgressUpdateStatusEnum": "agenda.models.ProgressUpdate.Status",
        "ReportRunStatusEnum": "reporting.models.ReportRun.Status",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"pgserver": {"level": "WARNING"}},
}
