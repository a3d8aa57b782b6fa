"""Scale data for ``manage.py seed_scale`` and ``make bench``: the tenancy layer's part,
and the toolkit every app's ``scale.py`` uses.

``seed_scale`` finds each installed app's ``scale.py`` through the app registry (in
INSTALLED_APPS order, so this module runs first) and calls its ``seed(context)`` with a
:class:`ScaleContext`. A module declares the sizes it seeds in ``SIZES`` (name -> rows in
the large tenant; each becomes a ``--name`` option of the command) and may set ``VERSION``
(bump it when the data it makes changes shape, so an existing load is replaced).

There is one large tenant, ``schaal-groot``, at the sizes the performance goals name, and
``--small-tenants`` small ones beside it (``schaal-klein-01``, ...) holding a fraction of
each size, so every query must pick one tenant's rows out of a table shared with others.
Each tenant has one member per role, ``<role>@<slug>.example.org`` (``admin@schaal-groot
.example.org``), all with the password :data:`SCALE_PASSWORD`.

Rows go in with ``bulk_create`` or PostgreSQL's COPY (:func:`copy_rows`), not through the
services: a service call per row would take hours, and the audit trail is seeded as data.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from psycopg import sql

from portal.models import AuditEvent, Invitation, Membership, Tenant, User
from portal.roles import Role

SCALE_PASSWORD = "schaal-portaal-2026"  # noqa: S105 - test data, printed on purpose
# One hash for every scale user: PBKDF2 per user would take minutes; a fixed salt keeps the
# data identical between two loads.
PASSWORD_SALT = "schaalportaal"  # noqa: S105 - a salt, not a secret
LARGE_TENANT_SLUG = "schaal-groot"
SMALL_TENANT_SLUG = "schaal-klein-{:02d}"
SCALE_SLUG_PATTERN = r"^schaal-(groot|klein-[0-9]+)$"
SCALE_EMAIL_PATTERN = r"@schaal-(groot|klein-[0-9]+)\.example\.org$"
MARKER_ACTION = "scale.seed"

SIZES = {"members": 200, "invitations": 50, "audit_events": 50_000}
VERSION = 1

FIRST_NAMES = (
    "Anouk", "Bram", "Daan", "Emma", "Fenna", "Gijs", "Hanna", "Isa", "Jesse", "Julia", "Lars",
    "Lieke", "Luuk", "Maud", "Milan", "Noor", "Pieter", "Roos", "Sanne", "Sem", "Tess", "Thijs",
    "Vera", "Wouter", "Yara", "Zoë", "Fatima", "Mohammed", "Ayşe", "Kevin", "Anna", "Ruben",
)  # fmt: skip
SURNAMES = (
    "de Vries", "Jansen", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer",
    "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Dijk", "Dekker", "Brouwer",
    "de Wit", "Dijkstra", "Smits", "El Amrani", "Yılmaz", "Postma", "Hoekstra", "Kuipers",
    "Wiersma", "Bulut", "Nijenhuis", "Oosting", "Zwart",
)  # fmt: skip
# Extra members beyond the one per role: mostly school and company people.
EXTRA_MEMBER_ROLES = (
    (Role.RELATIONS, 50),
    (Role.COMPANY, 35),
    (Role.LEAD, 8),
    (Role.FUNDER, 5),
    (Role.ADMIN, 2),
)
AUDIT_ACTIONS = (
    ("organisation.create", "partnerships.organisation", "name"),
    ("organisation.update", "partnerships.organisation", "status"),
    ("interaction.log", "partnerships.interaction", "subject"),
    ("agreement.sign", "partnerships.agreement", "status"),
    ("opportunity.publish", "internships.opportunity", "status"),
    ("application.accept", "internships.application", "status"),
    ("measurement.record", "agenda.measurement", "value"),
    ("progress_update.publish", "agenda.progressupdate", "status"),
    ("membership.create", "portal.membership", "role"),
    ("invitation.create", "portal.invitation", "email"),
)


@dataclass
class ScaleContext:
    """What ``seed_scale`` hands each app's ``seed(context)``, and what modules made so far.

    ``tenants``, ``users`` and ``members`` are filled by this module (it runs first);
    later modules put what the ones after them need in ``made`` (for example
    ``made["organisations"][slug] = [ids]``).
    """

    sizes: dict[str, int]
    seed: int
    small_tenant_count: int
    small_fraction: float
    now: datetime
    log: Callable[[str], None] = print
    rng: random.Random = field(init=False)
    tenants: dict[str, Tenant] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    members: dict[str, dict[str, Membership]] = field(default_factory=dict)
    made: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)  # noqa: S311 - test data, not secrets

    @property
    def large_tenant(self) -> Tenant:
        return self.tenants[LARGE_TENANT_SLUG]

    @property
    def tenant_slugs(self) -> list[str]:
        """The large tenant first, then the small ones."""
        small = [SMALL_TENANT_SLUG.format(n) for n in range(1, self.small_tenant_count + 1)]
        return [LARGE_TENANT_SLUG, *small]

    def size(self, name: str, tenant: Tenant) -> int:
        """Rows of ``name`` for ``tenant``: the full size in the large tenant, a fraction
        (at least one) in a small one."""
        total = self.sizes[name]
        if tenant.slug == LARGE_TENANT_SLUG or total <= 0:
            return max(total, 0)
        return min(total, max(1, math.ceil(total * self.small_fraction)))

    def random(self, stream: str) -> random.Random:
        """A generator of its own per module (or per table), seeded from ``--seed``.

        A module that draws from its own stream makes the same rows whatever the
        modules before it drew, so adding one app's scale data changes no other's.
        """
        return random.Random(f"{self.seed}:{stream}")  # noqa: S311 - test data

    def moment(self, rng: random.Random, *, days: int = 730) -> datetime:
        """A time in the ``days`` before the load started."""
        return self.now - timedelta(seconds=rng.randrange(days * 86_400))


def member_email(slug: str, role: str) -> str:
    """The known login of a scale tenant's member in ``role``."""
    return f"{role}@{slug}.example.org"


def person_name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """Take ``count`` primary keys from the table's sequence, for rows that COPY will insert
    with their ids (so other rows can point at them without reading them back)."""
    if count <= 0:
        return []
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def copy_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert ``rows`` (tuples in the order of ``fields``) with PostgreSQL's COPY.

    ``fields`` are model field names (``tenant`` or ``tenant_id``); JSON fields take Python
    values. Nothing of Django's runs: give every non-null column, ``created_at`` included.
    Returns the number of rows.
    """
    model_fields = [model._meta.get_field(name) for name in fields]
    json_positions = [i for i, f in enumerate(model_fields) if isinstance(f, models.JSONField)]
    statement = sql.SQL("COPY {table} ({columns}) FROM STDIN").format(
        table=sql.Identifier(model._meta.db_table),
        columns=sql.SQL(", ").join(sql.Identifier(f.column) for f in model_fields),
    )
    count = 0
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            if json_positions:
                row = list(row)
                for i in json_positions:
                    row[i] = json.dumps(row[i])
            copy.write_row(row)
            count += 1
    return count


def tenant_owned_models() -> dict[type[models.Model], models.ForeignKey]:
    """Every concrete model with a foreign key to Tenant, and that key."""
    owned = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed or model is Tenant:
            continue
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, models.ForeignKey) and model_field.related_model is Tenant:
                owned[model] = model_field
                break
    return owned


def scale_tenants_delete() -> list[str]:
    """Delete the scale tenants, everything they own, and the scale users.

    Tenant-owned rows go with one DELETE per table (Django's cascade would load every
    row into memory first); rows without a tenant column that point at them (many-to-many
    tables) go first. Django's foreign keys are checked at commit, so the order of the
    tables does not matter. Returns the slugs deleted.
    """
    tenants = dict(Tenant.objects.filter(slug__regex=SCALE_SLUG_PATTERN).values_list("pk", "slug"))
    ids = list(tenants)
    owned = tenant_owned_models()
    with transaction.atomic(), connection.cursor() as cursor:
        if ids:
            for model in apps.get_models(include_auto_created=True):
                if model in owned or model is Tenant or not model._meta.managed:
                    continue
                for key in model._meta.concrete_fields:
                    target = getattr(key, "related_model", None)
                    if not isinstance(key, models.ForeignKey) or target not in owned:
                        continue
                    inner = sql.SQL("SELECT {pk} FROM {target} WHERE {tenant} = ANY(%s)").format(
                        pk=sql.Identifier(target._meta.pk.column),
                        target=sql.Identifier(target._meta.db_table),
                        tenant=sql.Identifier(owned[target].column),
                    )
                    if key.remote_field.on_delete is models.SET_NULL:
                        template = "UPDATE {table} SET {column} = NULL WHERE {column} IN ({inner})"
                    else:
                        template = "DELETE FROM {table} WHERE {column} IN ({inner})"
                    cursor.execute(
                        sql.SQL(template).format(
                            table=sql.Identifier(model._meta.db_table),
                            column=sql.Identifier(key.column),
                            inner=inner,
                        ),
                        [ids],
                    )
            for model, tenant_key in owned.items():
                cursor.execute(
                    sql.SQL("DELETE FROM {table} WHERE {tenant} = ANY(%s)").format(
                        table=sql.Identifier(model._meta.db_table),
                        tenant=sql.Identifier(tenant_key.column),
                    ),
                    [ids],
                )
        User.objects.filter(email__regex=SCALE_EMAIL_PATTERN).delete()
        Tenant.objects.filter(pk__in=ids).delete()
    return sorted(tenants.values())


def marker_read() -> dict | None:
    """What the last complete load was made with, or None (no load, or one that failed)."""
    event = (
        AuditEvent.objects.unscoped_all_tenants()
        .filter(tenant__slug=LARGE_TENANT_SLUG, action=MARKER_ACTION)
        .order_by("-id")
        .first()
    )
    if event is None:
        return None
    return {key: change[1] for key, change in event.changes.items()}


def marker_write(context: ScaleContext, marker: dict) -> None:
    """Record in the large tenant's audit trail what this load was made with."""
    tenant = context.large_tenant
    AuditEvent.objects.create(
        tenant=tenant,
        action=MARKER_ACTION,
        target_type=tenant._meta.label_lower,
        target_id=str(tenant.pk),
        target_repr=str(tenant),
        changes={key: [None, value] for key, value in marker.items()},
        created_at=context.now,
    )


def _tenants(context: ScaleContext, rng: random.Random) -> list[Tenant]:
    tenants = []
    for slug in context.tenant_slugs:
        large = slug == LARGE_TENANT_SLUG
        name = "Schaalverband Groot" if large else f"Schaalverband Klein {slug[-2:]}"
        tenants.append(
            Tenant(
                slug=slug,
                name=name,
                description=(
                    f"{name}: proefgegevens voor de prestatiemeting (make bench). "
                    "Scholen, bedrijven en overheden werken hier samen aan technisch talent."
                ),
                brand_colour=f"#{rng.randrange(0x1000000):06x}",
                require_mfa_for_admins=False,
            )
        )
    return Tenant.objects.bulk_create(tenants)


def _members(context: ScaleContext, rng: random.Random, tenants: list[Tenant]) -> None:
    from allauth.account.models import EmailAddress

    password = make_password(SCALE_PASSWORD, salt=PASSWORD_SALT)
    roles, weights = zip(*EXTRA_MEMBER_ROLES, strict=True)
    planned: list[tuple[Tenant, str, User]] = []
    for tenant in tenants:
        people = [(role.value, member_email(tenant.slug, role)) for role in Role]
        extra = context.size("members", tenant)
        chosen = rng.choices(roles, weights=weights, k=extra)
        people += [
            (role.value, f"lid{n:04d}@{tenant.slug}.example.org")
            for n, role in enumerate(chosen, start=1)
        ]
        for role, email in people:
            user = User(
                email=email,
                full_name=person_name(rng),
                password=password,
                date_joined=context.moment(rng),
            )
            planned.append((tenant, role, user))
    User.objects.bulk_create([user for _tenant, _role, user in planned])
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, verified=True, primary=True)
        for _tenant, _role, user in planned
    )
    memberships = Membership.objects.bulk_create(
        Membership(tenant=tenant, user=user, role=role) for tenant, role, user in planned
    )
    for (tenant, role, user), membership in zip(planned, memberships, strict=True):
        context.users[user.email] = user
        if user.email == member_email(tenant.slug, role):
            context.members.setdefault(tenant.slug, {})[role] = membership


def _invitations(context: ScaleContext, rng: random.Random, tenants: list[Tenant]) -> None:
    invitations = []
    for tenant in tenants:
        admin = context.members[tenant.slug][Role.ADMIN].user
        for n in range(1, context.size("invitations", tenant) + 1):
            created = context.moment(rng, days=30)
            outcome = rng.choices(("open", "accepted", "revoked"), weights=(6, 3, 1))[0]
            invitations.append(
                Invitation(
                    tenant=tenant,
                    email=f"genodigde{n:04d}@{tenant.slug}.example.org",
                    role=rng.choice(Role.values),
                    token_hash=hashlib.sha256(
                        f"{context.seed}:{tenant.slug}:{n}".encode()
                    ).hexdigest(),
                    invited_by=admin,
                    expires_at=created + timedelta(days=14),
                    accepted_at=created + timedelta(days=1) if outcome == "accepted" else None,
                    revoked_at=created + timedelta(days=2) if outcome == "revoked" else None,
                )
            )
    Invitation.objects.bulk_create(invitations)


def _audit_rows(context: ScaleContext, rng: random.Random, tenant: Tenant):
    actors = [
        user.pk
        for email, user in context.users.items()
        if email.endswith(f"@{tenant.slug}.example.org")
    ]
    count = context.size("audit_events", tenant)
    # Oldest first, so ids grow with time as they do in a real trail.
    times = sorted(context.moment(rng) for _ in range(count))
    for created_at in times:
        action, target_type, changed = rng.choice(AUDIT_ACTIONS)
        target_id = rng.randrange(1, 1_000_000)
        label = person_name(rng) if target_type.startswith("portal") else f"Object {target_id}"
        yield (
            tenant.pk,
            rng.choice(actors) if rng.random() > 0.05 else None,
            action,
            target_type,
            str(target_id),
            label,
            {changed: [None, label]},
            created_at,
        )


def seed(context: ScaleContext) -> None:
    """The tenants, one member per role in each plus ``members`` more, open and used
    invitations, and ``audit_events`` rows of audit trail per tenant."""
    rng = context.random("portal")
    tenants = _tenants(context, rng)
    context.tenants.update((tenant.slug, tenant) for tenant in tenants)
    _members(context, rng, tenants)
    _invitations(context, rng, tenants)
    fields = (
        "tenant",
        "actor",
        "action",
        "target_type",
        "target_id",
        "target_repr",
        "changes",
        "created_at",
    )
    events = sum(
        copy_rows(AuditEvent, fields, _audit_rows(context, rng, tenant)) for tenant in tenants
    )
    context.log(
        f"  {len(tenants)} tenants, {len(context.users)} users, {events} audit events "
        f"({context.size('audit_events', context.large_tenant)} in {LARGE_TENANT_SLUG})"
    )
