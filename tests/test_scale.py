"""``manage.py seed_scale``: the scale tenants, deterministic from the seed, loaded once."""

from __future__ import annotations

import hashlib
from io import StringIO

import pytest
from django.core.management import call_command

from portal.management.commands.seed_scale import GOAL_SIZES, size_defaults
from portal.models import AuditEvent, Invitation, Membership, Tenant
from portal.registry import app_modules
from portal.roles import Role
from portal.scale import LARGE_TENANT_SLUG, MARKER_ACTION, SCALE_PASSWORD, member_email
from portal.tests.factories import AuditEventFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def seed_scale(*extra: str, size: int = 3, small_tenants: int = 2, **sizes: int) -> str:
    """Run seed_scale with every size tiny (``size``) unless named; return its output."""
    arguments = ["--small-tenants", str(small_tenants), *extra]
    for name in size_defaults():
        arguments += ["--" + name.replace("_", "-"), str(sizes.get(name, size))]
    output = StringIO()
    call_command("seed_scale", *arguments, stdout=output)
    return output.getvalue()


def scale_digest() -> str:
    """A digest of what the scale tenants hold, without ids or times."""
    rows: list = []
    for tenant in Tenant.objects.filter(slug__startswith="schaal-").order_by("slug"):
        rows.append((tenant.slug, tenant.name, tenant.brand_colour))
        rows += (
            Membership.objects.for_tenant(tenant)
            .order_by("user__email")
            .values_list("user__email", "user__full_name", "role")
        )
        invitations = Invitation.objects.for_tenant(tenant).order_by("email")
        rows += [
            (email, role, accepted is None, revoked is None)
            for email, role, accepted, revoked in invitations.values_list(
                "email", "role", "accepted_at", "revoked_at"
            )
        ]
        rows += (
            AuditEvent.objects.for_tenant(tenant)
            .exclude(action=MARKER_ACTION)
            .order_by("id")
            .values_list("action", "target_type", "target_repr", "actor__email", "changes")
        )
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_a_large_tenant_and_small_ones_with_one_member_per_role():
    seed_scale(audit_events=40, members=4, invitations=3)

    slugs = set(Tenant.objects.values_list("slug", flat=True))
    assert slugs == {LARGE_TENANT_SLUG, "schaal-klein-01", "schaal-klein-02"}
    for slug in slugs:
        tenant = Tenant.objects.get(slug=slug)
        assert not tenant.require_mfa_for_admins
        memberships = Membership.objects.for_tenant(tenant).select_related("user")
        for role in Role:
            member = memberships.get(user__email=member_email(slug, role))
            assert member.role == role
        assert all(m.user.email.endswith(f"@{slug}.example.org") for m in memberships)
    large = Tenant.objects.get(slug=LARGE_TENANT_SLUG)
    admin = Membership.objects.for_tenant(large).get(user__email=member_email(large.slug, "admin"))
    assert admin.user.check_password(SCALE_PASSWORD)
    assert Membership.objects.for_tenant(large).count() == len(Role) + 4
    assert Invitation.objects.for_tenant(large).count() == 3
    events = AuditEvent.objects.exclude(action=MARKER_ACTION)
    assert events.filter(tenant=large).count() == 40
    assert events.filter(tenant__slug="schaal-klein-01").count() == 1


def test_the_same_seed_makes_the_same_data_and_another_seed_other_data():
    seed_scale("--seed", "7", audit_events=20, members=5, invitations=4)
    first = scale_digest()

    seed_scale("--seed", "7", "--force", audit_events=20, members=5, invitations=4)
    assert scale_digest() == first

    seed_scale("--seed", "8", audit_events=20, members=5, invitations=4)
    assert scale_digest() != first


def test_a_second_run_with_the_same_sizes_changes_nothing_and_other_sizes_reload():
    seed_scale(audit_events=10)
    tenant = Tenant.objects.get(slug=LARGE_TENANT_SLUG)
    events = AuditEvent.objects.for_tenant(tenant).count()

    output = seed_scale(audit_events=10)

    assert "already loaded" in output
    assert Tenant.objects.get(slug=LARGE_TENANT_SLUG).pk == tenant.pk
    assert AuditEvent.objects.for_tenant(tenant).count() == events

    output = seed_scale(audit_events=6)

    assert "other sizes" in output
    reloaded = Tenant.objects.get(slug=LARGE_TENANT_SLUG)
    assert reloaded.pk != tenant.pk
    assert AuditEvent.objects.for_tenant(reloaded).exclude(action=MARKER_ACTION).count() == 6


def test_a_load_that_did_not_finish_is_replaced():
    seed_scale()
    AuditEvent.objects.filter(action=MARKER_ACTION).delete()

    output = seed_scale()

    assert "did not finish" in output
    assert AuditEvent.objects.filter(action=MARKER_ACTION).count() == 1


def test_reloading_leaves_other_tenants_alone():
    other = MembershipFactory(tenant__slug="schaal-groot-niet", role=Role.ADMIN)
    event = AuditEventFactory(tenant=other.tenant, actor=other.user)
    seed_scale()

    seed_scale("--force")

    assert Membership.objects.for_tenant(other.tenant).get() == other
    event.refresh_from_db()
    assert event.actor == other.user


def test_every_size_the_goals_name_is_seeded_by_an_app():
    # given the sizes the performance goals name, and the scale modules of the apps
    seeded = {name for module in app_modules("scale") for name in getattr(module, "SIZES", {})}

    # then an app seeds each of them
    assert [name for name in GOAL_SIZES if name not in seeded] == []
