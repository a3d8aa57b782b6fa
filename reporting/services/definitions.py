"""Writes of report definitions and their schedules.

A definition says what a report holds (sections), over which part of the agenda (no themes
and no action lines: the whole agenda), per which period, in which language, and who gets
it: members of the partnership (typically its funder members) and other e-mail addresses.
Every rule is checked here, not only in the form, so the API and the demo cannot store a
definition the pages would refuse.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agenda.models import ActionLine, Theme
from portal.models import Membership, Tenant, User
from portal.services import audit_record
from reporting.models import ReportDefinition, ReportSchedule
from reporting.selectors import report_audience_readable_by

MAX_DAYS_AFTER_PERIOD_END = 365


def _clean_sections(sections: Iterable[str]) -> list[str]:
    chosen = set(sections)
    unknown = chosen - set(ReportDefinition.Section.values)
    if unknown:
        raise ValidationError({"sections": _("Choose valid sections.")})
    if not chosen:
        raise ValidationError({"sections": _("Choose at least one section for the report.")})
    # The order of the report, whatever order they were chosen in.
    return [value for value in ReportDefinition.Section.values if value in chosen]


def _clean_emails(emails: Iterable[str]) -> list[str]:
    """Tidied (trimmed, lower case, doubles dropped) and checked: every wrong address is
    named in one message."""
    cleaned: list[str] = []
    wrong: list[str] = []
    for raw in emails:
        email = raw.strip().lower()
        if not email or email in cleaned:
            continue
        try:
            validate_email(email)
        except ValidationError:
            wrong.append(raw.strip())
        else:
            cleaned.append(email)
    if wrong:
        raise ValidationError(
            {
                "recipient_emails": _("Not a valid e-mail address: %(emails)s.")
                % {"emails": ", ".join(wrong)}
            }
        )
    return cleaned


def _own(objects: Iterable, *, tenant: Tenant, field: str, message: str) -> list:
    objects = list(objects)
    if any(obj.tenant_id != tenant.pk for obj in objects):
        raise ValidationError({field: message})
    return objects


def _clean_fields(*, tenant: Tenant, definition: ReportDefinition | None, fields: dict) -> dict:
    """Validate the definition's own fields and its relations; returns them cleaned."""
    cleaned = dict(fields)
    title = (fields["title"] or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the report a title.")})
    if len(title) > 200:
        raise ValidationError({"title": _("A title has at most 200 characters.")})
    same_title = ReportDefinition.objects.for_tenant(tenant).filter(title__iexact=title)
    if definition is not None:
        same_title = same_title.exclude(pk=definition.pk)
    if same_title.exists():
        raise ValidationError(
            {
                "title": _("This partnership already has a report called “%(title)s”.")
                % {"title": title}
            }
        )
    cleaned["title"] = title
    if fields["audience"] not in ReportDefinition.Audience.values:
        raise ValidationError({"audience": _("Choose a valid audience.")})
    if fields["period_kind"] not in ReportDefinition.PeriodKind.values:
        raise ValidationError({"period_kind": _("Choose a valid period.")})
    if fields["language"] not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose a valid language.")})
    cleaned["sections"] = _clean_sections(fields["sections"])
    cleaned["themes"] = _own(
        fields["themes"],
        tenant=tenant,
        field="themes",
        message=_("Choose themes of this partnership."),
    )
    cleaned["action_lines"] = _own(
        fields["action_lines"],
        tenant=tenant,
        field="action_lines",
        message=_("Choose action lines of this partnership."),
    )
    cleaned["recipient_memberships"] = _own(
        fields["recipient_memberships"],
        tenant=tenant,
        field="recipient_memberships",
        message=_("Recipients must be members of this partnership."),
    )
    unable = [
        membership
        for membership in cleaned["recipient_memberships"]
        if not report_audience_readable_by(membership, fields["audience"])
    ]
    if unable:
        raise ValidationError(
            {
                "recipient_memberships": _(
                    "An internal report is for the programme office: %(names)s cannot open "
                    "it. Remove them from the recipients or choose another audience."
                )
                % {"names": ", ".join(m.user.full_name or m.user.email for m in unable)}
            }
        )
    cleaned["recipient_emails"] = _clean_emails(fields["recipient_emails"])
    return cleaned


def _check_schedule(days_after_period_end: int) -> None:
    if not 0 <= days_after_period_end <= MAX_DAYS_AFTER_PERIOD_END:
        raise ValidationError(
            {
                "days_after_period_end": _("Choose a number of days between 0 and %(max)s.")
                % {"max": MAX_DAYS_AFTER_PERIOD_END}
            }
        )


def _relations_snapshot(definition: ReportDefinition) -> dict[str, list]:
    return {
        "themes": sorted(definition.themes.values_list("pk", flat=True)),
        "action_lines": sorted(definition.action_lines.values_list("pk", flat=True)),
        "recipient_memberships": sorted(
            definition.recipient_memberships.values_list("pk", flat=True)
        ),
    }


def _set_relations(definition: ReportDefinition, cleaned: dict) -> None:
    definition.themes.set(cleaned["themes"])
    definition.action_lines.set(cleaned["action_lines"])
    definition.recipient_memberships.set(cleaned["recipient_memberships"])


@transaction.atomic
def report_definition_create(
    *,
    tenant: Tenant,
    actor: User | None,
    title: str,
    audience: str,
    sections: Iterable[str],
    period_kind: str,
    language: str = "nl",
    themes: Iterable[Theme] = (),
    action_lines: Iterable[ActionLine] = (),
    recipient_memberships: Iterable[Membership] = (),
    recipient_emails: Iterable[str] = (),
    schedule_enabled: bool = True,
    days_after_period_end: int = 10,
) -> ReportDefinition:
    """Define a report, with its schedule (produced ``days_after_period_end`` days after each
    period from now on; earlier periods are requested by hand)."""
    cleaned = _clean_fields(
        tenant=tenant,
        definition=None,
        fields={
            "title": title,
            "audience": audience,
            "sections": sections,
            "period_kind": period_kind,
            "language": language,
            "themes": themes,
            "action_lines": action_lines,
            "recipient_memberships": recipient_memberships,
            "recipient_emails": recipient_emails,
        },
    )
    _check_schedule(days_after_period_end)
    definition = ReportDefinition.objects.create(
        tenant=tenant,
        title=cleaned["title"],
        audience=audience,
        sections=cleaned["sections"],
        period_kind=period_kind,
        language=language,
        recipient_emails=cleaned["recipient_emails"],
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    _set_relations(definition, cleaned)
    ReportSchedule.objects.create(
        tenant=tenant,
        definition=definition,
        enabled=schedule_enabled,
        days_after_period_end=days_after_period_end,
        starts_on=timezone.localdate(),
    )
    audit_record(
        tenant=tenant,
        actor=actor,
        action="report_definition.create",
        target=definition,
        changes={
            "title": [None, definition.title],
            "sections": [None, definition.sections],
            "period_kind": [None, period_kind],
        },
    )
    return definition


@transaction.atomic
def report_definition_update(
    *,
    tenant: Tenant,
    actor: User | None,
    definition: ReportDefinition,
    title: str,
    audience: str,
    sections: Iterable[str],
    period_kind: str,
    language: str,
    themes: Iterable[Theme] = (),
    action_lines: Iterable[ActionLine] = (),
    recipient_memberships: Iterable[Membership] = (),
    recipient_emails: Iterable[str] = (),
    schedule_enabled: bool | None = None,
    days_after_period_end: int | None = None,
) -> ReportDefinition:
    """Change a definition (and, when given, its schedule). Runs already made keep the PDF
    and figures they were made with; a changed period kind applies to new runs only."""
    if definition.tenant_id != tenant.pk:
        raise ReportDefinition.DoesNotExist
    definition = (
        ReportDefinition.objects.for_tenant(tenant).select_for_update().get(pk=definition.pk)
    )
    cleaned = _clean_fields(
        tenant=tenant,
        definition=definition,
        fields={
            "title": title,
            "audience": audience,
            "sections": sections,
            "period_kind": period_kind,
            "language": language,
            "themes": themes,
            "action_lines": action_lines,
            "recipient_memberships": recipient_memberships,
            "recipient_emails": recipient_emails,
        },
    )
    own_fields = {
        "title": cleaned["title"],
        "audience": audience,
        "sections": cleaned["sections"],
        "period_kind": period_kind,
        "language": language,
        "recipient_emails": cleaned["recipient_emails"],
    }
    changes = {
        field: [getattr(definition, field), value]
        for field, value in own_fields.items()
        if getattr(definition, field) != value
    }
    before = _relations_snapshot(definition)
    for field, value in own_fields.items():
        setattr(definition, field, value)
    definition.save()
    _set_relations(definition, cleaned)
    after = _relations_snapshot(definition)
    changes.update(
        {field: [before[field], after[field]] for field in before if before[field] != after[field]}
    )
    if changes:
        audit_record(
            tenant=tenant,
            actor=actor,
            action="report_definition.update",
            target=definition,
            changes=changes,
        )
    if schedule_enabled is not None or days_after_period_end is not None:
        schedule = ReportSchedule.objects.for_tenant(tenant).filter(definition=definition).first()
        report_schedule_update(
            tenant=tenant,
            actor=actor,
            definition=definition,
            enabled=schedule_enabled
            if schedule_enabled is not None
            else (schedule is not None and schedule.enabled),
            days_after_period_end=days_after_period_end
            if days_after_period_end is not None
            else (schedule.days_after_period_end if schedule is not None else 10),
        )
    return definition


@transaction.atomic
def report_schedule_update(
    *,
    tenant: Tenant,
    actor: User | None,
    definition: ReportDefinition,
    enabled: bool,
    days_after_period_end: int,
) -> ReportSchedule:
    """Switch a definition's schedule on or off and set when it runs. A schedule switched
    (back) on starts from the period running now: missed periods are not made up for."""
    if definition.tenant_id != tenant.pk:
        raise ReportDefinition.DoesNotExist
    _check_schedule(days_after_period_end)
    schedule = (
        ReportSchedule.objects.for_tenant(tenant)
        .select_for_update()
        .filter(definition=definition)
        .first()
    )
    if schedule is None:
        schedule = ReportSchedule(tenant=tenant, definition=definition, enabled=False)
        schedule.days_after_period_end = days_after_period_end
    changes = {}
    if schedule.pk is None or schedule.enabled != enabled:
        changes["enabled"] = [schedule.enabled if schedule.pk else None, enabled]
    if schedule.pk is None or schedule.days_after_period_end != days_after_period_end:
        changes["days_after_period_end"] = [
            schedule.days_after_period_end if schedule.pk else None,
            days_after_period_end,
        ]
    if enabled and (schedule.pk is None or not schedule.enabled):
        schedule.starts_on = timezone.localdate()
    schedule.enabled = enabled
    schedule.days_after_period_end = days_after_period_end
    schedule.save()
    if changes:
        audit_record(
            tenant=tenant,
            actor=actor,
            action="report_schedule.update",
            target=schedule,
            changes=changes,
        )
    return schedule
