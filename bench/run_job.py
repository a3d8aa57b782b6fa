"""Run one step of one benchmark job in this process: ``run_job.py NAME run|prepare WORKDIR``.

``bench/run.py`` starts this so a job's peak memory is its own process's. The last line
printed is ``BENCH_JSON {"seconds": ...}``: the time of the job's call alone, without the
start-up of Python and Django.
"""

from __future__ import annotations

import json
import sys
import time
from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # the project, not bench/, so no module here shadows another


def main(argv: list[str]) -> int:
    name, step, workdir = argv
    import django

    django.setup()
    from bench.jobs import JOBS
    from portal.models import Tenant

    job = next(job for job in JOBS if job.name == name)
    module_name, function_name = getattr(job, step).split(":")
    function = getattr(import_module(module_name), function_name)
    tenant = Tenant.objects.get(slug=job.tenant)
    started = time.perf_counter()
    function(tenant=tenant, workdir=Path(workdir))
    seconds = time.perf_counter() - started
    print("BENCH_JSON " + json.dumps({"seconds": seconds}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
