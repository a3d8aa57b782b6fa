"""``make run``: migrate, load the demo, and serve the portal with a Celery worker and beat.

Everything runs in the foreground; Ctrl-C (or SIGTERM) stops the web server,
the worker, beat and, when this started it, the embedded PostgreSQL.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.embedded_services import embedded_database  # noqa: E402

PYTHON = sys.executable
CELERY = str(Path(PYTHON).with_name("celery"))


def manage(*args: str, env: dict) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def main() -> int:
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "8000")
    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)

    with embedded_database() as database_url:
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
            "PYTHONUNBUFFERED": "1",
        }
        manage("migrate", "--noinput", env=env)
        manage("seed_demo", env=env)
        # The filesystem broker has no fanout, so the worker skips mingle, gossip and heartbeat.
        worker_flags = ["--without-mingle", "--without-gossip", "--without-heartbeat"]
        commands = {
            "web": [PYTHON, "manage.py", "runserver", f"{host}:{port}", "--noreload"],
            "worker": [CELERY, "-A", "portal", "worker", "-l", "info", "-c", "2", *worker_flags],
            "beat": [
                CELERY,
                "-A",
                "portal",
                "beat",
                "-l",
                "info",
                "-s",
                str(ROOT / "var" / "celerybeat-schedule"),
            ],
        }
        processes = {
            name: subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603
            for name, command in commands.items()
        }
        print(f"\nThe portal runs at http://{host}:{port}/ (Ctrl-C stops everything)\n", flush=True)
        exit_code = 0
        while not stopping:
            ended = [name for name, process in processes.items() if process.poll() is not None]
            if ended:
                print(f"{', '.join(ended)} stopped; stopping the rest.", file=sys.stderr)
                exit_code = 1
                break
            time.sleep(0.5)
        for process in processes.values():
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + 15
        for process in processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
        print("Stopped.", flush=True)
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
