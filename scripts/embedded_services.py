"""Run a command with the embedded defaults in place of unset DATABASE_URL / REDIS_URL.

    python scripts/embedded_services.py -- <command> [args...]

With DATABASE_URL unset it starts the embedded PostgreSQL (the ``pgserver``
package, data under var/postgres), exports its URL to the command, and stops
the server afterwards if this script started it. With REDIS_URL unset the
settings choose the filesystem broker under var/broker by themselves.
"""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

# The environment as given: importing the portal package sets a default
# DJANGO_SETTINGS_MODULE (for Celery), which must not leak into the command.
GIVEN_ENVIRONMENT = dict(os.environ)
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal import embedded  # noqa: E402


@contextmanager
def embedded_database():
    """Yield a DATABASE_URL: the configured one, or the embedded server's."""
    configured = os.environ.get("DATABASE_URL")
    if configured:
        yield configured
        return
    try:
        was_running = embedded.is_running()
        url = embedded.database_url()
    except embedded.EmbeddedUnavailable as error:
        sys.exit(f"error: {error}")
    try:
        yield url
    finally:
        if not was_running:
            embedded.stop_database()


def main(argv: list[str]) -> int:
    if "--" in argv:
        argv = argv[argv.index("--") + 1 :]
    if not argv:
        sys.exit(__doc__)
    with embedded_database() as url:
        environment = {**GIVEN_ENVIRONMENT, "DATABASE_URL": url}
        return subprocess.call(argv, env=environment, cwd=ROOT)  # noqa: S603


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
