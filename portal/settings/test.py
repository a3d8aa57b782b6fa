"""The test suite: real PostgreSQL and a real broker, e-mail into Django's outbox."""

import os
import tempfile

from .base import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests get a queue of their own, so a worker of ``make run`` never steals their tasks.
CELERY_TASK_DEFAULT_QUEUE = "portal-test"
# Rate limits would make the suite's repeated logins flaky; one test re-enables them.
ACCOUNT_RATE_LIMITS = False
# Serve static files from the app folders, as runserver does, without collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# The suite makes many API requests with few users; the throttling test sets its own rates.
REST_FRAMEWORK = {  # noqa: F405
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"api_user": "100000/minute", "api_anon": "100000/minute"},
}

# Report PDFs of a test session go to a directory of their own. A worker started by a test
# as a separate process is given the same directory through the environment.
REPORTS_ROOT = os.environ.get("REPORTS_ROOT") or tempfile.mkdtemp(prefix="portal-test-reports-")
# Test-only hook: seconds a report render waits before WeasyPrint runs, so the worker test
# can kill a worker in the middle of a render. Never set outside the test settings.
REPORTING_RENDER_DELAY_SECONDS = float(os.environ.get("REPORTING_RENDER_DELAY_SECONDS") or 0)
if REDIS_URL:  # noqa: F405
    # A task of a killed worker comes back after 10 s instead of 45, so the worker test
    # that kills one stays short.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,  # noqa: F405
        "visibility_timeout": 10,
        "unacked_restore_interval": 1,
    }
