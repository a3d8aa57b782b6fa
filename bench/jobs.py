"""The background jobs ``make bench`` times: wall time and peak memory, one process each.

A job names a function as ``"module:function"``; ``make bench`` calls it in a fresh
process (``bench/run_job.py``) as ``function(tenant=<Tenant>, workdir=<Path>)`` against the
scale data, and measures the call's wall time and the process's peak resident memory. An
optional ``prepare`` function runs first in a process of its own, unmeasured, and may leave
its input in ``workdir`` (the 10,000-row file an import reads, for example).

A job whose feature does not exist yet has no ``run`` and says why in ``missing``; it is
reported as "not implemented". To add one, give it ``run`` (and ``prepare`` if needed).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from dataclasses import dataclass

from portal.scale import LARGE_TENANT_SLUG


@dataclass(frozen=True)
class Job:
    name: str
    description: str
    run: str | None = None
    prepare: str | None = None
    goal_seconds: float | None = None
    goal_mb: float | None = None
    tenant: str = LARGE_TENANT_SLUG
    missing: str = ""


JOBS = [
    Job(
        "quarterly report",
        "The quarterly progress report (PDF) of the large tenant.",
        run="reporting.bench:quarterly_report_run",
        goal_seconds=10,
        goal_mb=500,
    ),
    Job(
        "import 10,000 rows",
        "A CSV of 10,000 organisations with their contact person uploaded, checked and "
        "imported into the large tenant (a tenth of them merge into existing ones).",
        prepare="bench.crm_import:import_file_write",
        run="bench.crm_import:import_run",
        goal_seconds=60,
    ),
]


@dataclass(frozen=True)
class Measurement:
    returncode: int
    seconds: float
    peak_mb: float
    stdout: str
    stderr: str


def measure(argv: list[str], *, env: dict[str, str], cwd: str) -> Measurement:
    """Run ``argv`` to its end; its wall time and the peak resident memory of that process.

    ``wait4`` gives the rusage of this one child (``RUSAGE_CHILDREN`` would mix in every
    earlier child, gunicorn's included). Linux reports ``ru_maxrss`` in KiB.
    """
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.monotonic()
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            argv, cwd=cwd, env=env, stdout=out, stderr=err, text=True
        )
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.monotonic() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Measurement(
            returncode=process.returncode,
            seconds=seconds,
            peak_mb=usage.ru_maxrss / 1024,
            stdout=out.read(),
            stderr=err.read(),
        )
