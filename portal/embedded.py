"""Embedded defaults: a PostgreSQL and a Celery broker that need nothing but Python.

Used only when ``DATABASE_URL`` / ``REDIS_URL`` are unset (``make run`` and
``make test`` on a fresh machine). The database is the ``pgserver`` package's
PostgreSQL with its data under ``var/postgres``; the broker is kombu's
filesystem transport under ``var/broker``. Production sets both variables.
"""

import sys
import warnings
from pathlib import Path

VAR_DIR = Path(__file__).resolve().parent.parent / "var"
DATABASE_NAME = "portal"


class EmbeddedUnavailable(RuntimeError):
    """The embedded PostgreSQL cannot run here; DATABASE_URL must be set."""


def _server():
    try:
        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset (as under CI); pgserver copes.
            warnings.simplefilter("ignore")
            import pgserver
    except ImportError as error:
        raise EmbeddedUnavailable(
            f"The embedded PostgreSQL (pgserver) has no build for Python "
            f"{sys.version_info.major}.{sys.version_info.minor}; it supports Python 3.11 and "
            f"3.12. Set DATABASE_URL to a PostgreSQL server, for example "
            f"DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal"
        ) from error
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pgserver.get_server(VAR_DIR / "postgres", cleanup_mode=None)


def is_running() -> bool:
    """Whether an embedded PostgreSQL is already serving var/postgres."""
    try:
        from pgserver.utils import PostmasterInfo
    except ImportError:
        return False
    info = PostmasterInfo.read_from_pgdata(VAR_DIR / "postgres")
    return info is not None and info.is_running()


def database_url(name: str = DATABASE_NAME) -> str:
    """Start the embedded PostgreSQL if needed, create database ``name`` in it if missing,
    and return a URL for django-environ. ``make bench`` asks for a database of its own.

    django-environ does not decode a %2F-encoded socket path, so the socket
    directory goes in the ``host`` query parameter.
    """
    import psycopg
    from psycopg import sql

    server = _server()
    socket_dir = server.get_postmaster_info().socket_dir
    with psycopg.connect(
        host=str(socket_dir), user="postgres", dbname="postgres", autocommit=True
    ) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return f"postgres://postgres@/{name}?host={socket_dir}"


def stop_database() -> None:
    """Stop the embedded PostgreSQL (``make run`` calls this on Ctrl-C)."""
    from pgserver import pg_ctl

    server = _server()
    # pgserver's own clean-up counts the processes that opened the server and leaves it
    # running while any other is registered; ``make run`` means to stop it, so ask pg_ctl.
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user)


def filesystem_broker_options() -> dict:
    """Transport options for kombu's filesystem broker under ``var/broker``."""
    queue_dir = VAR_DIR / "broker" / "queue"
    processed_dir = VAR_DIR / "broker" / "processed"
    control_dir = VAR_DIR / "broker" / "control"
    for directory in (queue_dir, processed_dir, control_dir):
        directory.mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(queue_dir),
        "data_folder_out": str(queue_dir),
        "processed_folder": str(processed_dir),
        "store_processed": False,
        "control_folder": str(control_dir),
    }


def filesystem_result_backend() -> str:
    results_dir = VAR_DIR / "celery-results"
    results_dir.mkdir(parents=True, exist_ok=True)
    return f"file://{results_dir}"
