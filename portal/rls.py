"""Layer 2 of tenancy: PostgreSQL Row-Level Security on every tenant-owned table.

Layer 1 (``for_tenant()`` in every query) is the rule; this layer catches the query that
forgets it. Each tenant-owned table gets ``ENABLE`` and ``FORCE ROW LEVEL SECURITY`` and one
policy keyed on the session setting ``app.tenant_id``:

- a tenant's id: only that tenant's rows are visible and writable;
- ``*``: all tenants (set for every new connection, so management commands, migrations
  and pages outside a tenant keep working; a tenant page narrows it);
- unset or anything else: nothing.

Memberships are also visible along ``app.user_id``, so the tenant switcher on a tenant
page still lists the user's other tenants.

PostgreSQL never applies RLS to superusers, so the policies bind only when the portal
connects as an ordinary role, as it should in production (see the README).
The policies are (re)applied after every ``migrate``, so a new tenant-owned table is
covered without writing a migration for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections
from psycopg import sql

from portal.querysets import TenantOwned

TENANT_SETTING = "app.tenant_id"
USER_SETTING = "app.user_id"
ALL_TENANTS = "*"
POLICY = "tenant_isolation"

_CURRENT_TENANT = (
    "CASE WHEN current_setting('app.tenant_id', true) ~ '^[0-9]+$' "
    "THEN current_setting('app.tenant_id', true)::bigint END"
)
_ALL = "current_setting('app.tenant_id', true) = '*'"
_CURRENT_USER = (
    "CASE WHEN current_setting('app.user_id', true) ~ '^[0-9]+$' "
    "THEN current_setting('app.user_id', true)::bigint END"
)


def tenant_owned_models() -> list[type[TenantOwned]]:
    return [
        model
        for model in apps.get_models()
        if issubclass(model, TenantOwned) and model._meta.managed and not model._meta.proxy
    ]


def policy_condition(model) -> str:
    condition = f"({_ALL} OR tenant_id = {_CURRENT_TENANT})"
    if model._meta.label_lower == "portal.membership":
        condition = f"({condition} OR user_id = {_CURRENT_USER})"
    return condition


def apply_row_level_security(*, using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Enable, force and (re)create the tenant policy on every tenant-owned table."""
    tables = []
    with connections[using].cursor() as cursor:
        for model in tenant_owned_models():
            table = sql.Identifier(model._meta.db_table)
            condition = sql.SQL(policy_condition(model))
            cursor.execute(sql.SQL("ALTER TABLE {} ENABLE ROW LEVEL SECURITY").format(table))
            cursor.execute(sql.SQL("ALTER TABLE {} FORCE ROW LEVEL SECURITY").format(table))
            cursor.execute(
                sql.SQL("DROP POLICY IF EXISTS {} ON {}").format(sql.Identifier(POLICY), table)
            )
            cursor.execute(
                sql.SQL("CREATE POLICY {} ON {} USING ({}) WITH CHECK ({})").format(
                    sql.Identifier(POLICY), table, condition, condition
                )
            )
            tables.append(model._meta.db_table)
    return tables


def apply_after_migrate(sender, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    """post_migrate receiver: runs once per ``migrate`` (for the portal app)."""
    if sender.name == "portal" and connections[using].vendor == "postgresql":
        apply_row_level_security(using=using)


def open_all_tenants(sender, connection, **kwargs) -> None:
    """connection_created receiver: a new connection sees all tenants until narrowed."""
    if connection.vendor == "postgresql":
        set_scope(connection, tenant_id=ALL_TENANTS, user_id="")


def set_scope(connection, *, tenant_id: int | str, user_id: int | str | None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config(%s, %s, false), set_config(%s, %s, false)",
            [TENANT_SETTING, str(tenant_id), USER_SETTING, str(user_id or "")],
        )


@contextmanager
def tenant_scope(
    tenant_id: int, *, user_id: int | None = None, using: str = DEFAULT_DB_ALIAS
) -> Iterator[None]:
    """Narrow this connection to one tenant (a request, a Celery task), then reopen it."""
    connection = connections[using]
    set_scope(connection, tenant_id=tenant_id, user_id=user_id)
    try:
        yield
    finally:
        if connection.connection is not None:
            set_scope(connection, tenant_id=ALL_TENANTS, user_id="")
