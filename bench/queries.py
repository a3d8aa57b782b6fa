"""What one request of a page asks the database: its queries, the slowest one's plan, and
the plans that show a filter or sort no tenant-led index serves.

The request runs in this process through Django's test client against the bench database;
every SELECT it made is run again under ``EXPLAIN (ANALYZE, FORMAT JSON)`` (twice, the
second timing counts, so a cold cache does not pick the slowest) inside a transaction that
is rolled back.
"""

from __future__ import annotations

import re
import statistics
import time
from dataclasses import asdict, dataclass, field

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

# Every filter and sort should be served by an index that leads with the tenant. On a table
# with more rows than this, a plan is flagged when it shows otherwise:
# - "seq scan": a sequential scan of the table;
# - "sort": a sort of more rows than this (a top-N sort of them included);
# - "index without tenant": a non-unique index whose first column is not ``tenant_id``, on a
#   table that has one.
LARGE_TABLE_ROWS = 10_000


@dataclass
class Flag:
    kind: str
    table: str
    rows: int
    sql: str
    detail: str = ""


@dataclass
class Profile:
    status: int
    query_count: int
    slowest_sql: str = ""
    slowest_ms: float = 0.0
    slowest_plan: str = ""
    alone_ms: float = 0.0
    flags: list[Flag] = field(default_factory=list)

    @property
    def seq_scans(self) -> list[Flag]:
        return [flag for flag in self.flags if flag.kind == "seq scan"]

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Catalogue:
    """What the flags need to know of the tables and indexes, from PostgreSQL's catalogue."""

    rows: dict[str, int]
    tenant_tables: set[str]
    indexes: dict[str, tuple[str, bool, str | None]]  # name -> (table, unique, first column)

    @classmethod
    def read(cls) -> Catalogue:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.relname, c.reltuples::bigint FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema()"
            )
            rows = dict(cursor.fetchall())
            cursor.execute(
                "SELECT c.relname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE a.attname = 'tenant_id' AND c.relkind = 'r' "
                "AND n.nspname = current_schema()"
            )
            tenant_tables = {name for (name,) in cursor.fetchall()}
            cursor.execute(
                "SELECT i.relname, t.relname, x.indisunique, a.attname FROM pg_index x "
                "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
                "JOIN pg_namespace n ON n.oid = t.relnamespace "
                "LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = x.indkey[0] "
                "WHERE n.nspname = current_schema()"
            )
            indexes = {index: (table, unique, first) for index, table, unique, first in cursor}
        return cls(rows=rows, tenant_tables=tenant_tables, indexes=indexes)

    def is_large(self, table: str | None) -> bool:
        return table is not None and self.rows.get(table, 0) > LARGE_TABLE_ROWS


def _first_table(node: dict) -> str | None:
    for inner in _plan_nodes(node):
        if inner.get("Relation Name"):
            return inner["Relation Name"]
    return None


def plan_flags(plan: dict, sql: str, catalogue: Catalogue) -> list[Flag]:
    """The flags of one statement's JSON plan (see LARGE_TABLE_ROWS)."""
    flags = []
    for node in _plan_nodes(plan):
        kind = node["Node Type"]
        table = node.get("Relation Name")
        if kind == "Seq Scan" and catalogue.is_large(table):
            flags.append(Flag("seq scan", table, catalogue.rows[table], sql))
        elif kind == "Sort" and node.get("Plans"):
            child = node["Plans"][0]
            sorted_rows = int(child.get("Actual Rows", 0) * child.get("Actual Loops", 1))
            if sorted_rows > LARGE_TABLE_ROWS:
                detail = ", ".join(node.get("Sort Key", []))
                flags.append(Flag("sort", _first_table(node) or "", sorted_rows, sql, detail))
        if "Index Name" in node:
            table, unique, first = catalogue.indexes.get(node["Index Name"], (None, True, None))
            if (
                catalogue.is_large(table)
                and table in catalogue.tenant_tables
                and not unique
                and first != "tenant_id"
            ):
                flags.append(
                    Flag(
                        "index without tenant",
                        table,
                        catalogue.rows[table],
                        sql,
                        node["Index Name"],
                    )
                )
    return flags


def _plan_nodes(node: dict):
    yield node
    for child in node.get("Plans", []):
        yield from _plan_nodes(child)


def _explain(sql: str) -> tuple[float, dict]:
    """Planning plus execution time in ms, and the JSON plan, of one statement."""
    with transaction.atomic(), connection.cursor() as cursor:
        for _attempt in range(2):
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}")
            (plan,) = cursor.fetchone()[0]
        transaction.set_rollback(True)
    return plan["Planning Time"] + plan["Execution Time"], plan["Plan"]


def _explain_text(sql: str) -> str:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        lines = [row[0] for row in cursor.fetchall()]
        transaction.set_rollback(True)
    return "\n".join(lines)


# ``QuerySet.iterator()`` (a form's choices, for one) reads through a server-side cursor.
DECLARE_CURSOR = re.compile(r"^\s*DECLARE\s.*?\sCURSOR\s.*?\bFOR\s+(?=SELECT|WITH)", re.I | re.S)


def read_statement(sql: str) -> str | None:
    """The SELECT of a statement (a cursor's included), or None for anything else."""
    sql = DECLARE_CURSOR.sub("", sql, count=1)
    first = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
    return sql if first in {"SELECT", "WITH"} else None


def profile_request(
    client: Client, path: str, *, headers: dict[str, str], repeat: int = 10
) -> Profile:
    """Request ``path`` once to warm up, once more counting and explaining its queries, and
    ``repeat`` times more, one after another, for ``alone_ms``: the median time of a request
    that waits for nothing but itself (wrk's latencies also hold the wait for a worker)."""
    client.get(path, headers=headers)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, headers=headers)
    statements = [query["sql"] for query in captured.captured_queries]
    profile = Profile(status=response.status_code, query_count=len(statements))
    timings = []
    for _request in range(repeat):
        started = time.perf_counter()
        client.get(path, headers=headers)
        timings.append((time.perf_counter() - started) * 1000)
    profile.alone_ms = statistics.median(timings) if timings else 0.0
    catalogue = Catalogue.read()
    for sql in filter(None, map(read_statement, statements)):
        milliseconds, plan = _explain(sql)
        if milliseconds > profile.slowest_ms or not profile.slowest_sql:
            profile.slowest_ms, profile.slowest_sql = milliseconds, sql
        for flag in plan_flags(plan, sql, catalogue):
            if flag not in profile.flags:
                profile.flags.append(flag)
    if profile.slowest_sql:
        profile.slowest_plan = _explain_text(profile.slowest_sql)
    return profile
