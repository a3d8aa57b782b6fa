"""Writes of applications: a school applies for a student (or a group), both sides write
messages, the company accepts or declines, the school withdraws.

Accepting takes a place with one ``UPDATE ... SET places_taken = places_taken + 1``; the
CHECK constraint ``opportunity_not_overfilled`` makes PostgreSQL refuse the update that
would overfill, also when two people accept the last place at the same moment.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from internships import notifications
from internships.models import Application, ApplicationMessage, Opportunity, Placement
from internships.services.access import require_member_of, side_of
from internships.services.placements import place_free, placement_cancel_locked
from internships.services.transitions import transition_target
from partnerships.models import Contact, EducationLevel, Organisation
from portal.models import Tenant, User
from portal.services import audit_record

OVERFILL_CONSTRAINT = "opportunity_not_overfilled"
MESSAGE_MAX_LENGTH = 5000
NOTE_MAX_LENGTH = 2000
GROUP_SIZE_MAX = 200


def _application_locked(tenant: Tenant, application: Application) -> Application:
    return (
        Application.objects.for_tenant(tenant)
        .select_for_update(of=("self",))
        .select_related("opportunity__company", "school")
        .get(pk=application.pk)
    )


def _refuse_when_anonymised(application: Application) -> None:
    if application.anonymised_at is not None:
        raise ValidationError(_("This application was anonymised and can no longer change."))


def _opportunity_open_for_applications(opportunity: Opportunity, today: datetime.date) -> None:
    if opportunity.status == Opportunity.Status.FILLED:
        raise ValidationError(_("All places of this opportunity are taken."), code="full")
    if opportunity.status != Opportunity.Status.PUBLISHED:
        raise ValidationError(
            _("This opportunity is not open for applications."), code="not_published"
        )
    if opportunity.application_deadline is not None and opportunity.application_deadline < today:
        raise ValidationError(_("The deadline for applications has passed."), code="deadline")
    if opportunity.ends_on is not None and opportunity.ends_on < today:
        raise ValidationError(_("This opportunity has ended."), code="ended")


def _student_errors(
    *, first_name: str, last_initial: str, level: str, group_size: int | None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if group_size is None or group_size < 1:
        errors["group_size"] = [_("A group has at least 1 student.")]
    elif group_size > GROUP_SIZE_MAX:
        errors["group_size"] = [
            _("A group has at most %(max)s students.") % {"max": GROUP_SIZE_MAX}
        ]
    elif group_size > 1:
        if first_name or last_initial:
            message = _("A group's interest names no student; leave the name empty.")
            errors["student_first_name"] = [message]
    else:
        if not first_name:
            errors["student_first_name"] = [_("Give the student's first name.")]
        if not last_initial:
            errors["student_last_initial"] = [_("Give the initial of the student's last name.")]
        if not level:
            errors["student_level"] = [_("Choose the student's level.")]
    if last_initial and not (len(last_initial) == 1 and last_initial.isalpha()):
        errors["student_last_initial"] = [
            _("Only the initial of the last name: one letter, not the whole name.")
        ]
    if level and level not in EducationLevel.values:
        errors["student_level"] = [_("Choose a valid level.")]
    return errors


@transaction.atomic
def application_submit(
    *,
    tenant: Tenant,
    actor: User,
    opportunity: Opportunity,
    school: Organisation,
    student_first_name: str = "",
    student_last_initial: str = "",
    student_level: str = "",
    student_programme: str = "",
    group_size: int | None = 1,
    note: str = "",
    today: datetime.date | None = None,
) -> Application:
    """A school member applies to a published opportunity whose deadline has not passed,
    for one student (first name, last initial, level, programme: nothing more is asked,
    by design) or for a group (``group_size`` > 1, no names)."""
    today = today or timezone.localdate()
    require_member_of(tenant=tenant, actor=actor, permission="stages.apply", organisation=school)
    if school.kind != Organisation.Kind.SCHOOL:
        raise ValidationError(_("Only a school can apply for a student."))
    opportunity = Opportunity.objects.for_tenant(tenant).get(pk=opportunity.pk)
    _opportunity_open_for_applications(opportunity, today)
    first_name = " ".join(student_first_name.split())
    last_initial = student_last_initial.strip().rstrip(".").upper()
    programme = " ".join(student_programme.split())
    note = note.strip()
    errors = _student_errors(
        first_name=first_name, last_initial=last_initial, level=student_level, group_size=group_size
    )
    if len(note) > NOTE_MAX_LENGTH:
        errors["note"] = [_("Keep the note under %(max)s characters.") % {"max": NOTE_MAX_LENGTH}]
    if errors:
        raise ValidationError(errors)
    application = Application(
        tenant=tenant,
        opportunity=opportunity,
        school=school,
        student_first_name=first_name,
        student_last_initial=last_initial,
        student_level=student_level,
        student_programme=programme,
        group_size=group_size,
        note=note,
        submitted_by=actor,
    )
    application.full_clean(exclude=["submitted_by", "decided_by"])
    application.save()
    audit_record(
        tenant=tenant,
        actor=actor,
        action="application.submit",
        target=application,
        # No student data in the audit trail: it outlives the retention period.
        changes={"opportunity": [None, opportunity.pk], "group_size": [None, group_size]},
    )
    notifications.application_submitted(tenant=tenant, application_id=application.pk)
    return application


def _start_conversation(*, tenant: Tenant, actor: User, application: Application) -> None:
    before = application.status
    application.status = transition_target(application, "start_conversation")
    application.save(update_fields=["status"])
    audit_record(
        tenant=tenant,
        actor=actor,
        action="application.start_conversation",
        target=application,
        changes={"status": [before, application.status]},
    )


@transaction.atomic
def application_message_send(
    *, tenant: Tenant, actor: User, application: Application, body: str
) -> ApplicationMessage:
    """A message from the school or the company in the application's thread. The company's
    first reply takes a submitted application into conversation."""
    application = _application_locked(tenant, application)
    side = side_of(
        tenant=tenant,
        actor=actor,
        school=application.school,
        company=application.opportunity.company,
    )
    _refuse_when_anonymised(application)
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write a message first.")})
    if len(body) > MESSAGE_MAX_LENGTH:
        raise ValidationError(
            {"body": _("Keep a message under %(max)s characters.") % {"max": MESSAGE_MAX_LENGTH}}
        )
    message = ApplicationMessage.objects.create(
        tenant=tenant,
        application=application,
        author=actor,
        author_organisation=application.school
        if side == "school"
        else application.opportunity.company,
        body=body,
    )
    audit_record(
        tenant=tenant,
        actor=actor,
        action="application.message",
        target=application,
        changes={"side": [None, side]},
    )
    if side == "company" and application.status == Application.Status.SUBMITTED:
        _start_conversation(tenant=tenant, actor=actor, application=application)
    return message


@transaction.atomic
def application_start_conversation(
    *, tenant: Tenant, actor: User, application: Application
) -> Application:
    """The company marks a submitted application as "in conversation" (an interview, a call)."""
    application = _application_locked(tenant, application)
    require_member_of(
        tenant=tenant,
        actor=actor,
        permission="stages.offer",
        organisation=application.opportunity.company,
    )
    _refuse_when_anonymised(application)
    _start_conversation(tenant=tenant, actor=actor, application=application)
    return application


def _place_take(*, tenant: Tenant, opportunity_id: int) -> None:
    """Take one place, or raise "all places are taken" when PostgreSQL's CHECK refuses.

    The savepoint keeps the caller's transaction usable after the refusal. Concurrent
    accepts queue on the row lock of this UPDATE; the second sees the first's committed
    count and breaks the constraint.
    """
    try:
        with transaction.atomic():
            Opportunity.objects.for_tenant(tenant).filter(pk=opportunity_id).update(
                places_taken=F("places_taken") + 1
            )
    except IntegrityError as error:
        diag = getattr(error.__cause__, "diag", None)
        if getattr(diag, "constraint_name", None) != OVERFILL_CONSTRAINT:
            raise
        raise ValidationError(_("All places of this opportunity are taken."), code="full") from None


def _placement_dates(
    opportunity: Opportunity,
    starts_on: datetime.date | None,
    ends_on: datetime.date | None,
) -> tuple[datetime.date, datetime.date]:
    starts_on = starts_on or opportunity.starts_on
    ends_on = ends_on or opportunity.ends_on
    errors = {}
    if starts_on is None:
        errors["starts_on"] = [_("Give the placement's start date.")]
    if ends_on is None:
        errors["ends_on"] = [_("Give the placement's end date.")]
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = [_("The end cannot be before the start.")]
    if errors:
        raise ValidationError(errors)
    return starts_on, ends_on


@transaction.atomic
def application_accept(
    *,
    tenant: Tenant,
    actor: User,
    application: Application,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    company_supervisor: Contact | None = None,
) -> Placement:
    """The company accepts: one place is taken and a planned placement is made, with the
    opportunity's dates unless others are chosen. The last place fills the opportunity."""
    application = _application_locked(tenant, application)
    opportunity = application.opportunity
    require_member_of(
        tenant=tenant, actor=actor, permission="stages.offer", organisation=opportunity.company
    )
    _refuse_when_anonymised(application)
    before = application.status
    target = transition_target(application, "accept")
    if opportunity.status == Opportunity.Status.FILLED:
        raise ValidationError(_("All places of this opportunity are taken."), code="full")
    if opportunity.status != Opportunity.Status.PUBLISHED:
        raise ValidationError(
            _("This opportunity is %(status)s; applications to it cannot be accepted.")
            % {"status": opportunity.get_status_display().lower()}
        )
    starts_on, ends_on = _placement_dates(opportunity, starts_on, ends_on)
    company_supervisor = company_supervisor or opportunity.supervisor
    if company_supervisor is not None and (
        company_supervisor.tenant_id != tenant.pk
        or company_supervisor.organisation_id != opportunity.company_id
    ):
        raise ValidationError(
            {"company_supervisor": _("Choose a contact person of your own company.")}
        )

    _place_take(tenant=tenant, opportunity_id=opportunity.pk)

    # This transaction holds the row lock now: what it reads is what it commits against.
    opportunity = Opportunity.objects.for_tenant(tenant).get(pk=opportunity.pk)
    if opportunity.status != Opportunity.Status.PUBLISHED:
        raise ValidationError(
            _("This opportunity is %(status)s; applications to it cannot be accepted.")
            % {"status": opportunity.get_status_display().lower()}
        )
    if opportunity.places_taken >= opportunity.places:
        opportunity.status = transition_target(opportunity, "fill")
        opportunity.save(update_fields=["status", "updated_at"])
        audit_record(
            tenant=tenant,
            actor=actor,
            action="opportunity.fill",
            target=opportunity,
            changes={"status": [Opportunity.Status.PUBLISHED.value, opportunity.status]},
        )
    application.status = target
    application.decided_by = actor
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "decided_by", "decided_at"])
    placement = Placement.objects.create(
        tenant=tenant,
        application=application,
        opportunity=opportunity,
        school=application.school,
        company=opportunity.company,
        starts_on=starts_on,
        ends_on=ends_on,
        school_supervisor=application.submitted_by,
        company_supervisor=company_supervisor,
    )
    audit_record(
        tenant=tenant,
        actor=actor,
        action="application.accept",
        target=application,
        changes={
            "status": [before, target],
            "places_taken": [opportunity.places_taken - 1, opportunity.places_taken],
        },
    )
    audit_record(
        tenant=tenant,
        actor=actor,
        action="placement.create",
        target=placement,
        changes={"starts_on": [None, str(starts_on)], "ends_on": [None, str(ends_on)]},
    )
    notifications.application_decided(tenant=tenant, application_id=application.pk)
    return placement


@transaction.atomic
def application_decline(*, tenant: Tenant, actor: User, application: Application) -> Application:
    application = _application_locked(tenant, application)
    require_member_of(
        tenant=tenant,
        actor=actor,
        permission="stages.offer",
        organisation=application.opportunity.company,
    )
    _refuse_when_anonymised(application)
    before = application.status
    application.status = transition_target(application, "decline")
    application.decided_by = actor
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(
        tenant=tenant,
        actor=actor,
        action="application.decline",
        target=application,
        changes={"status": [before, application.status]},
    )
    notifications.application_decided(tenant=tenant, application_id=application.pk)
    return application


@transaction.atomic
def application_withdraw(*, tenant: Tenant, actor: User, application: Application) -> Application:
    """The school withdraws. An accepted one gives its place back and its placement is
    cancelled; a completed placement cannot be withdrawn from."""
    application = _application_locked(tenant, application)
    require_member_of(
        tenant=tenant, actor=actor, permission="stages.apply", organisation=application.school
    )
    _refuse_when_anonymised(application)
    before = application.status
    target = transition_target(application, "withdraw")
    if before == Application.Status.ACCEPTED:
        placement = (
            Placement.objects.for_tenant(tenant)
            .select_for_update()
            .filter(application=application)
            .first()
        )
        if placement is not None and placement.status == Placement.Status.COMPLETED:
            raise ValidationError(
                _("This placement is completed; the application can no longer be withdrawn.")
            )
        if placement is not None and placement.status != Placement.Status.CANCELLED:
            placement_cancel_locked(tenant=tenant, actor=actor, placement=placement)
        elif placement is None:
            place_free(tenant=tenant, actor=actor, opportunity_id=application.opportunity_id)
    application.status = target
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "decided_at"])
    audit_record(
        tenant=tenant,
        actor=actor,
        action="application.withdraw",
        target=application,
        changes={"status": [before, application.status]},
    )
    return application
