"""The test suite: real PostgreSQL and a real broker, e-mail into Django's outbox."""

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
