"""Report definitions and schedules: what the services accept, what they refuse, and that a
refused definition leaves nothing behind."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from agenda.tests.factories import ActionLineFactory, ThemeFactory
from portal.models import AuditEvent
from portal.roles import Role
from reporting.models import ReportDefinition, ReportSchedule
from reporting.services.definitions import (
    report_definition_create,
    report_definition_update,
    report_schedule_update,
)
from reporting.tests.factories import ReportScheduleFactory

pytestmark = pytest.mark.django_db

Section = ReportDefinition.Section


def fields(**overrides) -> dict:
    values = {
        "title": "Kwartaalrapportage",
        "audience": ReportDefinition.Audience.FUNDER,
        "sections": [Section.INDICATORS, Section.SUMMARY],
        "period_kind": ReportDefinition.PeriodKind.QUARTER,
        "language": "nl",
    }
    values.update(overrides)
    return values


def test_a_definition_is_created_with_its_scope_recipients_schedule_and_audit(tenant_a):
    # given a theme, an action line and the funder member of tenant A
    tenant = tenant_a.tenant
    admin = tenant_a.member(Role.ADMIN).user
    funder = tenant_a.member(Role.FUNDER)
    theme = ThemeFactory(tenant=tenant)
    line = ActionLineFactory(tenant=tenant)

    # when the admin defines a report for them
    definition = report_definition_create(
        tenant=tenant,
        actor=admin,
        **fields(
            title="  Kwartaalrapportage Groeifonds ",
            themes=[theme],
            action_lines=[line],
            recipient_memberships=[funder],
            recipient_emails=["Fonds@Example.org", "", "fonds@example.org", "b@example.org"],
            days_after_period_end=14,
        ),
    )

    # then it holds exactly that, sections in report order, e-mail addresses tidied
    definition.refresh_from_db()
    assert definition.title == "Kwartaalrapportage Groeifonds"
    assert definition.sections == [Section.SUMMARY, Section.INDICATORS]
    assert list(definition.themes.all()) == [theme]
    assert list(definition.action_lines.all()) == [line]
    assert list(definition.recipient_memberships.all()) == [funder]
    assert definition.recipient_emails == ["fonds@example.org", "b@example.org"]
    assert definition.created_by == admin
    schedule = definition.schedule
    assert (schedule.enabled, schedule.days_after_period_end) == (True, 14)
    assert schedule.starts_on == timezone.localdate()
    assert AuditEvent.objects.filter(
        tenant=tenant, action="report_definition.create", target_id=str(definition.pk)
    ).exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"sections": []}, "sections"),
        ({"sections": ["summary", "gossip"]}, "sections"),
        ({"title": "   "}, "title"),
        ({"audience": "press"}, "audience"),
        ({"period_kind": "week"}, "period_kind"),
        ({"language": "de"}, "language"),
        ({"recipient_emails": ["fonds@example.org", "not an address"]}, "recipient_emails"),
        ({"days_after_period_end": 400}, "days_after_period_end"),
        ({"days_after_period_end": -1}, "days_after_period_end"),
    ],
)
def test_bad_input_is_refused_per_field_and_nothing_is_saved(tenant_a, overrides, field):
    # given tenant A without reports
    tenant = tenant_a.tenant

    # when a definition with one bad field is created
    with pytest.raises(ValidationError) as refused:
        report_definition_create(
            tenant=tenant, actor=tenant_a.member(Role.ADMIN).user, **fields(**overrides)
        )

    # then that field carries the message and nothing was written
    assert field in refused.value.message_dict
    assert not ReportDefinition.objects.exists()
    assert not ReportSchedule.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="report_").exists()


def test_other_tenants_members_themes_and_lines_are_refused(tenant_a, tenant_b):
    # given tenant B's funder member, theme and action line
    tenant = tenant_a.tenant
    others = {
        "recipient_memberships": [tenant_b.member(Role.FUNDER)],
        "themes": [ThemeFactory(tenant=tenant_b.tenant)],
        "action_lines": [ActionLineFactory(tenant=tenant_b.tenant)],
    }

    for field, value in others.items():
        # when one of them is put in a definition of tenant A
        with pytest.raises(ValidationError) as refused:
            report_definition_create(tenant=tenant, actor=None, **fields(**{field: value}))

        # then it is refused at that field
        assert field in refused.value.message_dict
    assert not ReportDefinition.objects.exists()


def test_a_title_is_unique_within_a_tenant_only(tenant_a, tenant_b):
    # given a report "Kwartaalrapportage" in tenant A
    report_definition_create(tenant=tenant_a.tenant, actor=None, **fields())

    # when the same title is used again in A (other case) and in B
    with pytest.raises(ValidationError) as refused:
        report_definition_create(
            tenant=tenant_a.tenant, actor=None, **fields(title="KWARTAALRAPPORTAGE")
        )
    in_b = report_definition_create(tenant=tenant_b.tenant, actor=None, **fields())

    # then A refuses it and B accepts it
    assert "title" in refused.value.message_dict
    assert in_b.tenant == tenant_b.tenant


def test_an_internal_report_goes_to_those_who_may_open_it(tenant_a):
    # given a report for funders with the funder member as a recipient
    tenant = tenant_a.tenant
    funder = tenant_a.member(Role.FUNDER)
    definition = report_definition_create(
        tenant=tenant, actor=None, **fields(recipient_memberships=[funder])
    )

    # when it is made internal with the funder still a recipient, and an internal report is
    # defined for the admin and the lead
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        report_definition_update(
            tenant=tenant,
            actor=None,
            definition=definition,
            **fields(audience="internal", recipient_memberships=[funder]),
        )
    internal = report_definition_create(
        tenant=tenant,
        actor=None,
        **fields(
            title="Intern",
            audience="internal",
            recipient_memberships=[tenant_a.member(Role.ADMIN), tenant_a.member(Role.LEAD)],
        ),
    )

    # then the funder is refused as a recipient by name, and the definition is unchanged;
    # the office's internal report is made
    message = refused.value.message_dict["recipient_memberships"][0]
    assert "cannot open it" in message
    assert (funder.user.full_name or funder.user.email) in message
    definition.refresh_from_db()
    assert definition.audience == ReportDefinition.Audience.FUNDER
    assert internal.recipient_memberships.count() == 2


def test_update_changes_fields_and_relations_and_records_what_changed(tenant_a):
    # given a definition with a recipient
    tenant = tenant_a.tenant
    funder = tenant_a.member(Role.FUNDER)
    lead = tenant_a.member(Role.LEAD)
    definition = report_definition_create(
        tenant=tenant, actor=None, **fields(recipient_memberships=[funder])
    )

    # when the lead changes its period, language and recipients and switches the schedule off
    report_definition_update(
        tenant=tenant,
        actor=lead.user,
        definition=definition,
        **fields(
            period_kind=ReportDefinition.PeriodKind.HALF_YEAR,
            language="en",
            recipient_memberships=[lead],
            schedule_enabled=False,
            days_after_period_end=5,
        ),
    )

    # then the definition and its schedule changed, and the audit trail says how
    definition.refresh_from_db()
    assert (definition.period_kind, definition.language) == ("half_year", "en")
    assert list(definition.recipient_memberships.all()) == [lead]
    assert (definition.schedule.enabled, definition.schedule.days_after_period_end) == (False, 5)
    event = AuditEvent.objects.get(action="report_definition.update")
    assert event.changes["period_kind"] == ["quarter", "half_year"]
    assert event.changes["recipient_memberships"] == [[funder.pk], [lead.pk]]
    assert AuditEvent.objects.filter(action="report_schedule.update").exists()


def test_an_update_without_sections_is_refused_and_changes_nothing(tenant_a):
    # given a definition with two sections
    definition = report_definition_create(tenant=tenant_a.tenant, actor=None, **fields())

    # when all sections are taken off (and the title changed)
    with pytest.raises(ValidationError) as refused:
        report_definition_update(
            tenant=tenant_a.tenant,
            actor=None,
            definition=definition,
            **fields(title="Anders", sections=[]),
        )

    # then it is refused and the definition is as it was
    assert "sections" in refused.value.message_dict
    definition.refresh_from_db()
    assert definition.title == "Kwartaalrapportage"
    assert definition.sections == [Section.SUMMARY, Section.INDICATORS]


def test_a_schedule_switched_back_on_starts_from_today(tenant_a):
    # given a disabled schedule that started long ago
    schedule = ReportScheduleFactory(tenant=tenant_a.tenant, enabled=False)
    schedule.starts_on = timezone.localdate().replace(year=2020)
    schedule.save()

    # when it is switched on again
    report_schedule_update(
        tenant=tenant_a.tenant,
        actor=None,
        definition=schedule.definition,
        enabled=True,
        days_after_period_end=3,
    )

    # then missed periods are not made up for
    schedule.refresh_from_db()
    assert schedule.enabled
    assert schedule.starts_on == timezone.localdate()
    assert schedule.days_after_period_end == 3


def test_another_tenants_definition_cannot_be_updated(tenant_a, tenant_b):
    # given a definition of tenant B
    definition = report_definition_create(tenant=tenant_b.tenant, actor=None, **fields())

    # when tenant A's services are asked to change it
    with pytest.raises(ReportDefinition.DoesNotExist):
        report_definition_update(
            tenant=tenant_a.tenant, actor=None, definition=definition, **fields(title="Weg")
        )
    with pytest.raises(ReportDefinition.DoesNotExist):
        report_schedule_update(
            tenant=tenant_a.tenant,
            actor=None,
            definition=definition,
            enabled=False,
            days_after_period_end=1,
        )

    # then it is unchanged
    definition.refresh_from_db()
    assert definition.title == "Kwartaalrapportage"
    assert definition.schedule.enabled
