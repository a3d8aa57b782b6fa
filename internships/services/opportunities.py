"""Writes of opportunities: a company member creates, edits, publishes, duplicates and closes
its own company's opportunities; the programme office can unpublish one with a reason."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from internships import notifications
from internships.models import Opportunity
from internships.services.access import require_member_of, require_permission
from internships.services.transitions import transition_target
from partnerships.models import EducationLevel, Organisation, Sector
from portal.models import Tenant, User
from portal.services import audit_record, changes_between

# What a company member fills in. Status, places taken and the dates of publishing and
# closing are the workflow's, never the form's.
EDITABLE_FIELDS = (
    "kind",
    "title",
    "description",
    "education_levels",
    "crebo_codes",
    "starts_on",
    "ends_on",
    "is_ongoing",
    "hours_per_week",
    "places",
    "street_address",
    "municipality",
    "supervisor",
    "requirements",
    "allowance",
    "application_deadline",
    "public_contact_name",
    "public_contact_email",
    "public_contact_phone",
)
MBO_LEVELS = {
    EducationLevel.MBO1,
    EducationLevel.MBO2,
    EducationLevel.MBO3,
    EducationLevel.MBO4,
}
REASON_MAX_LENGTH = 2000


def _check_fields(values: dict) -> None:
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not an editable field of an opportunity: {', '.join(sorted(unknown))}")


def opportunity_validate(
    *,
    tenant: Tenant,
    opportunity: Opportunity,
    sectors: Iterable[Sector] = (),
    today: datetime.date | None = None,
    deadline_changed: bool = True,
) -> None:
    """All that is wrong with ``opportunity`` as field errors, in one ValidationError.

    A deadline in the past is refused when it is entered (or when publishing), not when
    an opportunity whose deadline has passed is edited for another reason.
    """
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    try:
        opportunity.full_clean(exclude=["sectors", "created_by"], validate_constraints=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            for message in messages:
                add(field, message)
    if opportunity.places is not None:
        if opportunity.places < 1:
            add("places", _("Offer at least one place."))
        elif opportunity.places < opportunity.places_taken:
            add(
                "places",
                _("%(taken)s places are already taken; offer at least that many.")
                % {"taken": opportunity.places_taken},
            )
    starts_on, ends_on = opportunity.starts_on, opportunity.ends_on
    if opportunity.is_ongoing:
        if ends_on is not None:
            add("ends_on", _("An ongoing opportunity has no end date; leave it empty."))
    else:
        if starts_on is None:
            add("starts_on", _("Give a start date, or mark the opportunity as ongoing."))
        if ends_on is None:
            add("ends_on", _("Give an end date, or mark the opportunity as ongoing."))
    if starts_on and ends_on and ends_on < starts_on:
        add("ends_on", _("The end cannot be before the start."))
    deadline = opportunity.application_deadline
    if deadline is not None:
        if deadline_changed and deadline < today:
            add("application_deadline", _("The deadline cannot be in the past."))
        if ends_on is not None and deadline > ends_on:
            add("application_deadline", _("The deadline cannot be after the end."))
    if opportunity.crebo_codes and not MBO_LEVELS & set(opportunity.education_levels):
        add("crebo_codes", _("Crebo codes are for MBO levels only; choose an MBO level too."))
    supervisor = opportunity.supervisor
    if supervisor is not None and (
        supervisor.tenant_id != tenant.pk or supervisor.organisation_id != opportunity.company_id
    ):
        add("supervisor", _("Choose a contact person of your own company."))
    if any(sector.tenant_id != tenant.pk for sector in sectors):
        add("sectors", _("Choose sectors of this partnership."))
    if errors:
        raise ValidationError(errors)


def _expiry_changes(opportunity: Opportunity, values: dict) -> bool:
    return any(
        field in values and values[field] != getattr(opportunity, field)
        for field in ("application_deadline", "ends_on")
    )


@transaction.atomic
def opportunity_create(
    *,
    tenant: Tenant,
    actor: User,
    company: Organisation,
    sectors: Iterable[Sector] = (),
    **values,
) -> Opportunity:
    """A new draft of ``company``, made by one of its members."""
    _check_fields(values)
    require_member_of(tenant=tenant, actor=actor, permission="stages.offer", organisation=company)
    sectors = list(sectors)
    opportunity = Opportunity(
        tenant=tenant,
        company=company,
        created_by=actor,
        status=Opportunity.Status.DRAFT,
        **values,
    )
    opportunity_validate(tenant=tenant, opportunity=opportunity, sectors=sectors)
    opportunity.save()
    opportunity.sectors.set(sectors)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="opportunity.create",
        target=opportunity,
        changes={"title": [None, opportunity.title], "places": [None, opportunity.places]},
    )
    return opportunity


def _locked(tenant: Tenant, opportunity: Opportunity) -> Opportunity:
    return (
        Opportunity.objects.for_tenant(tenant)
        .select_for_update(of=("self",))
        .select_related("company")
        .get(pk=opportunity.pk)
    )


@transaction.atomic
def opportunity_update(
    *,
    tenant: Tenant,
    actor: User,
    opportunity: Opportunity,
    sectors: Iterable[Sector] | None = None,
    **values,
) -> Opportunity:
    """Change a draft, published or filled opportunity of the actor's own company.

    Offering more places reopens a filled one; offering exactly the places taken fills a
    published one. A new end or deadline earns a new expiry reminder.
    """
    _check_fields(values)
    opportunity = _locked(tenant, opportunity)
    require_member_of(
        tenant=tenant, actor=actor, permission="stages.offer", organisation=opportunity.company
    )
    if opportunity.status == Opportunity.Status.CLOSED:
        raise ValidationError(
            _("This opportunity is closed and can no longer be changed. Duplicate it instead.")
        )
    changes = changes_between(opportunity, values)
    deadline_changed = (
        "application_deadline" in values
        and values["application_deadline"] != opportunity.application_deadline
    )
    reset_reminder = _expiry_changes(opportunity, values)
    for field, value in values.items():
        setattr(opportunity, field, value)
    sectors = list(sectors) if sectors is not None else None
    opportunity_validate(
        tenant=tenant,
        opportunity=opportunity,
        sectors=sectors or (),
        deadline_changed=deadline_changed,
    )
    if opportunity.status == Opportunity.Status.FILLED and (
        opportunity.places > opportunity.places_taken
    ):
        opportunity.status = transition_target(opportunity, "reopen")
        changes["status"] = [Opportunity.Status.FILLED.value, opportunity.status]
    elif opportunity.status == Opportunity.Status.PUBLISHED and (
        opportunity.places == opportunity.places_taken
    ):
        opportunity.status = transition_target(opportunity, "fill")
        changes["status"] = [Opportunity.Status.PUBLISHED.value, opportunity.status]
    if reset_reminder:
        opportunity.expiry_reminder_sent_at = None
    opportunity.save(
        update_fields=[*values, "status", "expiry_reminder_sent_at", "updated_at"],
    )
    if sectors is not None:
        before = sorted(sector.name for sector in opportunity.sectors.all())
        after = sorted(sector.name for sector in sectors)
        if before != after:
            opportunity.sectors.set(sectors)
            changes["sectors"] = [", ".join(before), ", ".join(after)]
    if changes:
        audit_record(
            tenant=tenant,
            actor=actor,
            action="opportunity.update",
            target=opportunity,
            changes=changes,
        )
    return opportunity


@transaction.atomic
def opportunity_publish(*, tenant: Tenant, actor: User, opportunity: Opportunity) -> Opportunity:
    """Draft -> published: schools find it from now on. It must be complete and current:
    its deadline and end not passed."""
    opportunity = _locked(tenant, opportunity)
    require_member_of(
        tenant=tenant, actor=actor, permission="stages.offer", organisation=opportunity.company
    )
    target = transition_target(opportunity, "publish")
    opportunity_validate(tenant=tenant, opportunity=opportunity, sectors=opportunity.sectors.all())
    if opportunity.ends_on is not None and opportunity.ends_on < timezone.localdate():
        raise ValidationError({"ends_on": _("This opportunity has already ended.")})
    opportunity.status = target
    if opportunity.places_taken >= opportunity.places:
        opportunity.status = transition_target(opportunity, "fill")
    opportunity.published_at = timezone.now()
    reason = opportunity.unpublished_reason
    opportunity.unpublished_reason = ""
    opportunity.save(update_fields=["status", "published_at", "unpublished_reason", "updated_at"])
    changes = {"status": [Opportunity.Status.DRAFT.value, opportunity.status]}
    if reason:
        changes["unpublished_reason"] = [reason, ""]
    audit_record(
        tenant=tenant,
        actor=actor,
        action="opportunity.publish",
        target=opportunity,
        changes=changes,
    )
    return opportunity


@transaction.atomic
def opportunity_duplicate(*, tenant: Tenant, actor: User, opportunity: Opportunity) -> Opportunity:
    """A new draft with everything the original offers, to post it again."""
    opportunity = (
        Opportunity.objects.for_tenant(tenant).select_related("company").get(pk=opportunity.pk)
    )
    require_member_of(
        tenant=tenant, actor=actor, permission="stages.offer", organisation=opportunity.company
    )
    values = {field: getattr(opportunity, field) for field in EDITABLE_FIELDS}
    values["education_levels"] = list(opportunity.education_levels)
    values["crebo_codes"] = list(opportunity.crebo_codes)
    title_field = Opportunity._meta.get_field("title")
    values["title"] = (_("%(title)s (copy)") % {"title": opportunity.title})[
        : title_field.max_length
    ]
    copy = Opportunity(
        tenant=tenant,
        company=opportunity.company,
        created_by=actor,
        status=Opportunity.Status.DRAFT,
        **values,
    )
    copy.save()
    copy.sectors.set(opportunity.sectors.all())
    audit_record(
        tenant=tenant,
        actor=actor,
        action="opportunity.duplicate",
        target=copy,
        changes={"duplicate_of": [None, opportunity.pk]},
    )
    return copy


@transaction.atomic
def opportunity_close(
    *, tenant: Tenant, actor: User | None, opportunity: Opportunity
) -> Opportunity:
    """Published or filled -> closed. ``actor`` None: the daily task closing an expired one."""
    opportunity = _locked(tenant, opportunity)
    if actor is not None:
        require_member_of(
            tenant=tenant,
            actor=actor,
            permission="stages.offer",
            organisation=opportunity.company,
        )
    before = opportunity.status
    opportunity.status = transition_target(opportunity, "close")
    opportunity.closed_at = timezone.now()
    opportunity.save(update_fields=["status", "closed_at", "updated_at"])
    audit_record(
        tenant=tenant,
        actor=actor,
        action="opportunity.close" if actor is not None else "opportunity.expire",
        target=opportunity,
        changes={"status": [before, opportunity.status]},
    )
    return opportunity


@transaction.atomic
def opportunity_unpublish(
    *, tenant: Tenant, actor: User, opportunity: Opportunity, reason: str
) -> Opportunity:
    """The programme office takes a published opportunity back to draft, with a reason the
    company sees on its page (and receives by e-mail)."""
    require_permission(tenant=tenant, actor=actor, permission="stages.moderate")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason; the company will see it.")})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": _("Keep the reason under %(max)s characters.") % {"max": REASON_MAX_LENGTH}}
        )
    opportunity = _locked(tenant, opportunity)
    opportunity.status = transition_target(opportunity, "unpublish")
    opportunity.unpublished_reason = reason
    opportunity.save(update_fields=["status", "unpublished_reason", "updated_at"])
    audit_record(
        tenant=tenant,
        actor=actor,
        action="opportunity.unpublish",
        target=opportunity,
        changes={
            "status": [Opportunity.Status.PUBLISHED.value, opportunity.status],
            "unpublished_reason": ["", reason],
        },
    )
    notifications.opportunity_unpublished(tenant=tenant, opportunity_id=opportunity.pk)
    return opportunity
