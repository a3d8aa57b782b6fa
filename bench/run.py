"""``make bench``: the performance benchmark, in one run on one machine.

1. the database: DATABASE_URL, or the embedded PostgreSQL's own database ``portal_bench``;
2. ``migrate`` and ``seed_scale`` (skipped when the same sizes are loaded);
3. each page of ``bench/pages.py`` once in-process: query count, the slowest query's
   EXPLAIN, sequential scans of large tables;
4. gunicorn (2 workers, the production settings on loopback) and wrk at 8 connections
   for ``BENCH_DURATION`` seconds per page, the baseline ``/health/`` before each page and
   after the last; a page's ratio is its throughput over the mean of the two baselines
   around it;
5. the jobs of ``bench/jobs.py``, one process each: wall time and peak memory;
6. ``bench/results/<date>.json`` (``<date>.tmp`` for a non-standard run) and a Markdown
   table with the goals marked pass/FAIL.

Exits non-zero on errors (a page that does not answer 2xx, a job that fails, wrk or
gunicorn missing or dying), not on missed goals. Environment: BENCH_DURATION (s per page,
10), BENCH_WARMUP (s, 2), BENCH_SIZES (arguments for seed_scale, e.g. "--scale 0.01"),
BENCH_PAGES (comma-separated page names to run, default all), BENCH_PORT, BENCH_REFERENCE
(a results file to compare with; default the newest other one in bench/results/).
"""

from __future__ import annotations

import http.client
import json
import os
import platform
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # the project, not bench/, so no module here shadows another

from portal import embedded  # noqa: E402

PYTHON = sys.executable
BENCH_DIR = ROOT / "bench"
RESULTS_DIR = BENCH_DIR / "results"
LOG_DIR = ROOT / "var" / "bench"
WRK_SCRIPT = BENCH_DIR / "wrk_report.lua"
BENCH_DATABASE = "portal_bench"
SETTINGS = "portal.settings.bench"
CONNECTIONS = 8
THREADS = 2
GUNICORN_WORKERS = 2
P95_GOAL_MS = 150.0
RATIO_GOAL = 1 / 3
# Socket errors above this share of requests make a page fail (a few read errors can
# happen when gunicorn's sync workers close connections as wrk stops).
SOCKET_ERROR_SHARE = 0.01
# A request that takes longer is given up by wrk and counted, not timed.
WRK_TIMEOUT_S = 30


class BenchError(RuntimeError):
    """Something kept the benchmark from running; the message says what."""


@dataclass(frozen=True)
class Config:
    duration: int
    warmup: int
    sizes: list[str]
    pages: set[str] | None
    port: int | None
    reference: Path | None

    @classmethod
    def from_environment(cls) -> Config:
        names = os.environ.get("BENCH_PAGES", "").strip()
        reference = os.environ.get("BENCH_REFERENCE", "").strip()
        port = os.environ.get("BENCH_PORT", "").strip()
        return cls(
            duration=int(os.environ.get("BENCH_DURATION", "10")),
            warmup=int(os.environ.get("BENCH_WARMUP", "2")),
            sizes=shlex.split(os.environ.get("BENCH_SIZES", "")),
            pages={name.strip() for name in names.split(",")} if names else None,
            port=int(port) if port else None,
            reference=Path(reference) if reference else None,
        )


def say(message: str) -> None:
    print(message, flush=True)


def ensure_wrk() -> str:
    """wrk from Debian: installed with apt-get when missing and running as root."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say("Installing wrk with apt-get ...")
        apt = ["apt-get", "-qq", "-o", "Dpkg::Use-Pty=0"]
        subprocess.run([*apt, "update"], check=True)  # noqa: S603
        subprocess.run(  # noqa: S603
            [*apt, "install", "-y", "--no-install-recommends", "wrk"],
            check=True,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
        found = shutil.which("wrk")
        if found:
            return found
    raise BenchError(
        "wrk is not installed. Install it (Debian/Ubuntu: sudo apt-get install wrk) "
        "or run make bench as root so it can install it."
    )


def ensure_database(url: str) -> None:
    """Create the database ``url`` names when the server does not have it yet, so that
    ``DATABASE_URL=.../portal_bench make bench`` works on a fresh server."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    try:
        with psycopg.connect(maintenance, autocommit=True) as connection:
            found = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [name]
            ).fetchone()
            if found is None:
                connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as error:
        raise BenchError(f"cannot reach or create the database {name!r}: {error}") from error


@contextmanager
def bench_database():
    """Yield (DATABASE_URL, a description without credentials)."""
    configured = os.environ.get("DATABASE_URL")
    if configured:
        parts = urlsplit(configured)
        ensure_database(configured)
        yield configured, f"DATABASE_URL ({parts.hostname or 'socket'}{parts.path})"
        return
    try:
        was_running = embedded.is_running()
        url = embedded.database_url(BENCH_DATABASE)
    except embedded.EmbeddedUnavailable as error:
        raise BenchError(str(error)) from error
    try:
        yield url, f"embedded PostgreSQL ({BENCH_DATABASE})"
    finally:
        if not was_running:
            embedded.stop_database()


def manage(*args: str, env: dict[str, str]) -> float:
    started = time.monotonic()
    result = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env)  # noqa: S603
    if result.returncode != 0:
        raise BenchError(f"manage.py {' '.join(args)} failed (exit {result.returncode})")
    return time.monotonic() - started


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(env: dict[str, str], port: int):
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log = LOG_DIR / "gunicorn.log"
    command = [
        PYTHON,
        "-m",
        "gunicorn",
        "portal.wsgi:application",
        "--workers",
        str(GUNICORN_WORKERS),
        "--bind",
        f"127.0.0.1:{port}",
        "--worker-tmp-dir",
        "/dev/shm",  # noqa: S108 - gunicorn's heartbeat files, as its docs advise
        "--error-logfile",
        str(log),
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603
    try:
        deadline = time.monotonic() + 60
        while status_of(port, "/health/", {})[0] != 200:
            if process.poll() is not None or time.monotonic() > deadline:
                tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
                raise BenchError(f"gunicorn did not start; the end of {log}:\n{tail}")
            time.sleep(0.3)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def status_of(port: int, path: str, headers: dict[str, str]) -> tuple[int, str]:
    """One request, redirects not followed: (status, Location)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("Location", "")
    except OSError:
        return 0, ""
    finally:
        connection.close()


def run_wrk(wrk: str, url: str, headers: dict[str, str], seconds: int) -> dict:
    command = [
        wrk,
        f"-c{CONNECTIONS}",
        f"-t{THREADS}",
        f"-d{seconds}s",
        "--timeout",
        f"{WRK_TIMEOUT_S}s",
        "-s",
        str(WRK_SCRIPT),
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    result = subprocess.run(  # noqa: S603
        [*command, url], capture_output=True, text=True, check=False
    )
    for line in result.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            return json.loads(line.removeprefix("BENCH_JSON "))
    raise BenchError(f"wrk gave no result for {url}:\n{result.stdout}\n{result.stderr}")


def drive(wrk: str, config: Config, port: int, path: str, headers: dict[str, str]) -> dict:
    """wrk against one page: warm-up, then the measured run. Failures are in the result."""
    status, location = status_of(port, path, headers)
    if not 200 <= status < 300:
        where = f" to {location}" if location else ""
        return {"status": "failed", "error": f"answered {status}{where} before the load"}
    url = f"http://127.0.0.1:{port}{path}"
    if config.warmup > 0:
        run_wrk(wrk, url, headers, config.warmup)
        wait_until_idle(port)
    load = run_wrk(wrk, url, headers, config.duration)
    wait_until_idle(port)
    errors = load["errors"]
    socket_errors = errors["connect"] + errors["read"] + errors["write"]
    problems = []
    if load["non_2xx"]:
        problems.append(f"{load['non_2xx']} responses were not 2xx")
    if socket_errors > SOCKET_ERROR_SHARE * max(load["requests"], 1):
        problems.append(f"{socket_errors} socket errors")
    load["status"] = "failed" if problems else "ok"
    if problems:
        load["error"] = "; ".join(problems)
    elif not load["requests"]:
        # Slower than the run is long: a missed goal, not a broken page.
        load["status"] = "too slow"
        load["note"] = f"no request completed in {config.duration} s"
    return load


def wait_until_idle(port: int, seconds: float = 300) -> None:
    """Wait until the server answers the health check: requests wrk left queued when it
    stopped are served first, and must not slow the next measurement."""
    deadline = time.monotonic() + seconds
    while status_of(port, "/health/", {})[0] != 200:
        if time.monotonic() > deadline:
            raise BenchError(f"the server did not answer /health/ within {seconds:.0f} s")
        time.sleep(0.2)


def session_headers(membership) -> tuple[dict[str, str], object]:
    """Cookie headers of a signed-in session made directly in the session store (no login
    form, no rate limit), plus a CSRF cookie as a browser has after its first page."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.crypto import get_random_string

    cookies = {settings.CSRF_COOKIE_NAME: get_random_string(32)}
    store = None
    if membership is not None:
        user = membership.user
        store = import_module(settings.SESSION_ENGINE).SessionStore()
        store[SESSION_KEY] = user._meta.pk.value_to_string(user)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.save()
        cookies[settings.SESSION_COOKIE_NAME] = store.session_key
    cookie = "; ".join(f"{name}={value}" for name, value in cookies.items())
    return {"Cookie": cookie}, store


def machine(wrk: str) -> dict:
    import django
    import gunicorn as gunicorn_package
    from django.db import connection

    def first(path: str, key: str) -> str:
        try:
            for line in Path(path).read_text().splitlines():
                if line.startswith(key):
                    return line.split(":", 1)[1].strip()
        except OSError:
            pass
        return ""

    memory_kb = first("/proc/meminfo", "MemTotal").split()[0:1]
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgresql = cursor.fetchone()[0]
    wrk_version = subprocess.run(  # noqa: S603
        [wrk, "-v"], capture_output=True, text=True, check=False
    ).stdout.splitlines()
    return {
        "cpu": first("/proc/cpuinfo", "model name") or platform.processor(),
        "cpus": os.cpu_count(),
        "memory_mb": int(memory_kb[0]) // 1024 if memory_kb else None,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": gunicorn_package.__version__,
        "postgresql": postgresql,
        "wrk": wrk_version[0] if wrk_version else "",
    }


def git_state() -> dict:
    def git(*args: str) -> str:
        result = subprocess.run(  # noqa: S603
            ["git", *args],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        return result.stdout.strip()

    return {"commit": git("rev-parse", "HEAD"), "dirty": bool(git("status", "--porcelain"))}


def vacuum() -> None:
    """VACUUM (ANALYZE) the bench database, so each run starts from the same state: a job
    that rolls its work back (the import does) leaves dead rows that slow the next one."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


def run_jobs(env: dict[str, str]) -> tuple[list[dict], bool]:
    from bench.jobs import JOBS, measure

    results, failed = [], False
    for job in JOBS:
        entry = {
            "name": job.name,
            "description": job.description,
            "goal_seconds": job.goal_seconds,
            "goal_mb": job.goal_mb,
        }
        if job.run is None:
            entry.update(status="not implemented", note=job.missing)
            results.append(entry)
            say(f"  {job.name}: {job.missing}")
            continue
        vacuum()
        with tempfile.TemporaryDirectory(prefix="bench-job-") as workdir:
            child = [PYTHON, str(BENCH_DIR / "run_job.py"), job.name]
            if job.prepare:
                prepared = measure([*child, "prepare", workdir], env=env, cwd=str(ROOT))
                if prepared.returncode != 0:
                    entry.update(status="failed", error=prepared.stderr[-2000:])
                    results.append(entry)
                    failed = True
                    continue
            measured = measure([*child, "run", workdir], env=env, cwd=str(ROOT))
        if measured.returncode != 0:
            entry.update(status="failed", error=measured.stderr[-2000:])
            failed = True
        else:
            report = next(
                json.loads(line.removeprefix("BENCH_JSON "))
                for line in reversed(measured.stdout.splitlines())
                if line.startswith("BENCH_JSON ")
            )
            entry.update(
                status="ok",
                seconds=round(report["seconds"], 2),
                process_seconds=round(measured.seconds, 2),
                peak_mb=round(measured.peak_mb, 1),
            )
            say(f"  {job.name}: {entry['seconds']} s, {entry['peak_mb']} MB")
        results.append(entry)
    return results, failed


def goal_marks(page: dict) -> tuple[str, str]:
    if page.get("status") == "too slow":
        return "FAIL", "FAIL"
    if page.get("status") != "ok":
        return "ERROR", "ERROR"
    slow = page["p95_ms"] >= P95_GOAL_MS or page["errors"]["timeout"] > 0
    p95 = "FAIL" if slow else "pass"
    ratio = "pass" if page["ratio"] >= RATIO_GOAL else "FAIL"
    return p95, ratio


def job_mark(job: dict) -> str:
    if job["status"] == "not implemented":
        return "not implemented"
    if job["status"] != "ok":
        return "ERROR"
    fine = (job["goal_seconds"] is None or job["seconds"] < job["goal_seconds"]) and (
        job["goal_mb"] is None or job["peak_mb"] < job["goal_mb"]
    )
    return "pass" if fine else "FAIL"


def markdown(report: dict) -> str:
    def number(value, digits: int = 1) -> str:
        return "—" if value is None else f"{value:.{digits}f}"

    lines = [
        f"Pages at {report['settings']['connections']} connections, "
        f"{report['settings']['duration_s']} s each "
        f"(goals: p95 < {P95_GOAL_MS:.0f} ms, throughput >= 1/3 of the baseline)",
        "",
        "| page | role | p50 ms | p95 ms | req/s | ratio | ms alone | queries | plan flags "
        "| p95 goal | ratio goal |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |",
    ]
    baseline = report["baseline"]
    lines.append(
        f"| {baseline['name']} | anonymous | {number(baseline.get('p50_ms'))} | "
        f"{number(baseline.get('p95_ms'))} | {number(baseline.get('rps'), 0)} | 1.00 | "
        f"{number(baseline.get('alone_ms'))} | {baseline.get('query_count', '—')} | | | |"
    )
    for page in report["pages"]:
        p95_mark, ratio_mark = goal_marks(page)
        flags = ", ".join(sorted({f"{flag['kind']} {flag['table']}" for flag in page["flags"]}))
        p50, p95 = number(page.get("p50_ms")), number(page.get("p95_ms"))
        if page["status"] == "too slow":
            p50 = p95 = f"> {report['settings']['duration_s'] * 1000}"
        lines.append(
            f"| {page['name']} | {page['role'] or 'anonymous'} | {p50} | "
            f"{p95} | {number(page.get('rps'), 0)} | "
            f"{number(page.get('ratio'), 2)} | {number(page.get('alone_ms'))} | "
            f"{page.get('query_count', '—')} | "
            f"{flags or 'none'} | {p95_mark} | {ratio_mark} |"
        )
    lines += [
        "",
        "| job | seconds | peak MB | goal | result |",
        "| --- | ---: | ---: | --- | --- |",
    ]
    for job in report["jobs"]:
        goal = ", ".join(
            part
            for part in (
                f"< {job['goal_seconds']:g} s" if job["goal_seconds"] is not None else "",
                f"< {job['goal_mb']:g} MB" if job["goal_mb"] is not None else "",
            )
            if part
        )
        lines.append(
            f"| {job['name']} | {number(job.get('seconds'))} | {number(job.get('peak_mb'), 0)} | "
            f"{goal} | {job_mark(job)} |"
        )
    return "\n".join(lines)


def comparison(report: dict, reference_path: Path | None) -> str:
    if reference_path is None or not reference_path.exists():
        return ""
    reference = json.loads(reference_path.read_text())
    before = {page["name"]: page for page in reference.get("pages", [])}
    lines = [
        f"Compared with {reference_path.relative_to(ROOT)} "
        f"(commit {reference.get('git', {}).get('commit', '?')[:10]}):",
        "",
        "| page | p95 ms then | p95 ms now | ratio then | ratio now |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for page in report["pages"]:
        old = before.get(page["name"], {})
        lines.append(
            f"| {page['name']} | {old.get('p95_ms', '—')} | {page.get('p95_ms', '—')} | "
            f"{old.get('ratio', '—')} | {page.get('ratio', '—')} |"
        )
    return "\n".join(lines)


def newest_reference(exclude: Path) -> Path | None:
    candidates = sorted(path for path in RESULTS_DIR.glob("*.json") if path != exclude)
    return candidates[-1] if candidates else None


def main() -> int:
    config = Config.from_environment()
    started_at = datetime.now(UTC).astimezone()
    load_at_start = os.getloadavg()
    wrk = ensure_wrk()
    with bench_database() as (database_url, database_label):
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": SETTINGS,
            "PYTHONUNBUFFERED": "1",
        }
        os.environ.update(DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE=SETTINGS)
        say(f"==== database: {database_label}")
        manage("migrate", "--noinput", "-v", "0", env=env)
        manage("collectstatic", "--noinput", "-v", "0", env=env)
        say(f"==== seed_scale {' '.join(config.sizes)}")
        seed_seconds = manage("seed_scale", *config.sizes, env=env)

        import django

        django.setup()
        from django.db import connections
        from django.test import Client

        from bench.pages import BASELINE, PAGES
        from bench.queries import profile_request
        from portal.scale import marker_read

        pages = [page for page in PAGES if config.pages is None or page.name in config.pages]
        if config.pages is not None and len(pages) != len(config.pages):
            known = ", ".join(page.name for page in PAGES)
            raise BenchError(f"BENCH_PAGES names a page that does not exist; pages: {known}")
        vacuum()
        say("==== queries of one request per page (in-process)")
        planned, sessions = [], []
        for page in [BASELINE, *pages]:
            path, membership = page.resolve()
            headers, store = session_headers(membership)
            sessions.append(store)
            headers = {**page.headers, **headers}
            client = Client(raise_request_exception=False, HTTP_HOST="127.0.0.1")
            profile = profile_request(client, path, headers=headers)
            say(
                f"  {page.name}: {path} -> {profile.status}, {profile.query_count} queries, "
                f"{profile.alone_ms:.1f} ms alone"
            )
            planned.append((page, path, headers, profile))
        marker = marker_read()
        machine_info = machine(wrk)
        connections.close_all()

        port = config.port or free_port()
        say(f"==== load: gunicorn ({GUNICORN_WORKERS} workers) on 127.0.0.1:{port}, wrk")
        measured: dict[str, dict] = {}
        baselines: list[dict] = []
        with gunicorn(env, port):
            # The baseline runs before every page and after the last one; a page's ratio is
            # taken against the two runs around it, so a machine that gets busier or quieter
            # during the run moves both sides of the ratio alike.
            baseline_path, baseline_headers = planned[0][1], planned[0][2]
            for item in [*planned[1:], None]:
                run = drive(wrk, config, port, baseline_path, baseline_headers)
                if run["status"] != "ok":
                    raise BenchError(f"the baseline /health/ failed: {run['error']}")
                baselines.append(run)
                say(f"  baseline: {run['rps']:.0f} req/s")
                if item is None:
                    break
                page, path, headers, _profile = item
                measured[page.name] = drive(wrk, config, port, path, headers)
                result = measured[page.name]
                if result["status"] == "ok":
                    say(f"  {page.name}: p95 {result['p95_ms']:.1f} ms, {result['rps']:.0f} req/s")
                else:
                    reason = result.get("error") or result.get("note")
                    say(f"  {page.name}: {result['status']}: {reason}")

        say("==== jobs")
        jobs, jobs_failed = run_jobs(env)
        for store in sessions:
            if store is not None:
                store.delete()

    def mean(runs: list[dict], key: str) -> float:
        return sum(run[key] for run in runs) / len(runs)

    baseline = {
        "name": BASELINE.name,
        "url": BASELINE.url,
        "status": "ok",
        "rps": round(mean(baselines, "rps"), 1),
        "p50_ms": round(mean(baselines, "p50_ms"), 2),
        "p95_ms": round(mean(baselines, "p95_ms"), 2),
        "query_count": planned[0][3].query_count,
        "alone_ms": round(planned[0][3].alone_ms, 2),
        "runs": baselines,
    }
    page_results = []
    for index, (page, path, _headers, profile) in enumerate(planned[1:]):
        load = measured[page.name]
        around = mean(baselines[index : index + 2], "rps")
        entry = {
            "name": page.name,
            "url": page.url,
            "path": path,
            "role": page.role,
            "status": load["status"],
            "query_count": profile.query_count,
            "alone_ms": round(profile.alone_ms, 2),
            "slowest_query": {
                "sql": profile.slowest_sql,
                "ms": round(profile.slowest_ms, 3),
                "plan": profile.slowest_plan,
            },
            "seq_scans": [asdict(flag) for flag in profile.seq_scans],
            "flags": [asdict(flag) for flag in profile.flags],
        }
        if profile.status != 200:
            entry.update(status="failed", error=f"answered {profile.status} in-process")
        if load["status"] == "ok":
            entry.update(
                p50_ms=load["p50_ms"],
                p95_ms=load["p95_ms"],
                p99_ms=load["p99_ms"],
                rps=load["rps"],
                ratio=round(load["rps"] / around, 3),
                baseline_rps=round(around, 1),
                requests=load["requests"],
                non_2xx=load["non_2xx"],
                errors=load["errors"],
            )
        elif load["status"] == "too slow" and entry["status"] != "failed":
            entry.update(rps=0.0, ratio=0.0, baseline_rps=round(around, 1), note=load["note"])
        else:
            entry["error"] = entry.get("error") or load["error"]
        page_results.append(entry)

    # A run that is not the standard one (smaller data, fewer pages, shorter runs) goes to a
    # file git ignores, so a quick run never replaces the day's comparable result.
    standard = not config.sizes and config.pages is None and config.duration == 10
    suffix = "json" if standard else "tmp"
    output = RESULTS_DIR / f"{started_at.date().isoformat()}.{suffix}"
    reference = config.reference or newest_reference(exclude=output)
    report = {
        "date": started_at.date().isoformat(),
        "started_at": started_at.isoformat(timespec="seconds"),
        "git": git_state(),
        "machine": machine_info,
        "settings": {
            "database": database_label,
            "duration_s": config.duration,
            "warmup_s": config.warmup,
            "connections": CONNECTIONS,
            "wrk_threads": THREADS,
            "gunicorn_workers": GUNICORN_WORKERS,
            "django_settings": SETTINGS,
            "seed_scale_arguments": config.sizes,
            "scale_data": marker,
            "seed_scale_seconds": round(seed_seconds, 1),
        },
        "goals": {"p95_ms_below": P95_GOAL_MS, "ratio_at_least": round(RATIO_GOAL, 4)},
        "baseline": baseline,
        "pages": page_results,
        "jobs": jobs,
    }
    # Anything else running competes with gunicorn, PostgreSQL and wrk for the cores.
    machine_info["load_average_at_start"] = [round(load, 2) for load in load_at_start]
    machine_info["load_average_at_end"] = [round(load, 2) for load in os.getloadavg()]
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")

    say("\n==== EXPLAIN of the slowest query of each page")
    for page in page_results:
        slowest = page["slowest_query"]
        say(f"\n--- {page['name']} ({page['path']}): {slowest['ms']:.2f} ms\n{slowest['sql']}")
        say(slowest["plan"])
    warnings = [(page["name"], flag) for page in page_results for flag in page["flags"]]
    for name, flag in warnings:
        detail = f" ({flag['detail']})" if flag["detail"] else ""
        say(
            f"\nWARNING: {name}: {flag['kind']} on {flag['table']}{detail}, "
            f"{flag['rows']} rows, in:\n{flag['sql']}"
        )
    say(f"\n==== results: {output.relative_to(ROOT)}\n")
    say(markdown(report))
    if load_at_start[0] >= 1:
        say(
            f"\nNote: the machine was busy before the run began (load average "
            f"{load_at_start[0]:.1f} on {os.cpu_count()} cores); figures are lower than on a "
            "quiet machine."
        )
    compared = comparison(report, reference)
    if compared:
        say("\n" + compared)
    failures = [page for page in page_results if page["status"] == "failed"]
    for page in failures:
        say(f"\nERROR: {page['name']} ({page['path']}): {page['error']}")
    for job in jobs:
        if job["status"] == "failed":
            say(f"\nERROR: job {job['name']}:\n{job['error']}")
    if failures or jobs_failed:
        return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as error:
        sys.exit(f"error: {error}")
