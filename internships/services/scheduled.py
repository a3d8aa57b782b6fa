"""The stage market's daily jobs, one tenant at a time: expiry reminders, closing expired
opportunities, starting placements on their start date, anonymising student data.

Each is idempotent: a second run the same day (a retried task, two beats) changes nothing.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Least
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from internships import notifications
from internships.models import Application, ApplicationMessage, Opportunity, Placement
from internships.selectors.settings import anonymise_before
from internships.services.opportunities import opportunity_close
from internships.services.placements import placement_start_locked
from portal.models import AuditEvent, Tenant
from portal.services import audit_record

EXPIRY_REMINDER_DAYS = 14


def opportunities_expiring(*, tenant: Tenant, today: datetime.date) -> QuerySet[Opportunity]:
    """Published opportunities whose deadline or end (whichever comes first) is within
    ``EXPIRY_REMINDER_DAYS`` days and whose company has not been reminded yet."""
    return (
        Opportunity.objects.for_tenant(tenant)
        .filter(status=Opportunity.Status.PUBLISHED, expiry_reminder_sent_at__isnull=True)
        # PostgreSQL's LEAST skips NULLs: the deadline, the end, or the earlier of both.
        .annotate(expires_on=Least("application_deadline", "ends_on"))
        .filter(
            expires_on__isnull=False,
            expires_on__gte=today,
            expires_on__lte=today + datetime.timedelta(days=EXPIRY_REMINDER_DAYS),
        )
    )


def opportunity_expiry_reminders_send(*, tenant: Tenant, today: datetime.date | None = None) -> int:
    """E-mail each expiring opportunity's company once; returns how many were reminded.

    Each opportunity is claimed with ``FOR UPDATE SKIP LOCKED`` and marked in its own
    transaction; the e-mail leaves when that commits.
    """
    today = today or timezone.localdate()
    sent = 0
    for opportunity_id in opportunities_expiring(tenant=tenant, today=today).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            opportunity = (
                opportunities_expiring(tenant=tenant, today=today)
                .select_for_update(skip_locked=True)
                .filter(pk=opportunity_id)
                .first()
            )
            if opportunity is None:
                continue
            opportunity.expiry_reminder_sent_at = timezone.now()
            opportunity.save(update_fields=["expiry_reminder_sent_at"])
            audit_record(
                tenant=tenant,
                actor=None,
                action="opportunity.expiry_reminder",
                target=opportunity,
                changes={"expires_on": [None, str(opportunity.expires_on)]},
            )
            notifications.opportunity_expiring(
                tenant=tenant, opportunity_id=opportunity.pk, expires_on=opportunity.expires_on
            )
            sent += 1
    return sent


def opportunities_close_expired(*, tenant: Tenant, today: datetime.date | None = None) -> int:
    """Close the published opportunities whose end date has passed; returns how many."""
    today = today or timezone.localdate()
    expired = Opportunity.objects.for_tenant(tenant).filter(
        status=Opportunity.Status.PUBLISHED, ends_on__lt=today
    )
    closed = 0
    for opportunity in expired.order_by("pk"):
        opportunity_close(tenant=tenant, actor=None, opportunity=opportunity)
        closed += 1
    return closed


def placements_start_due(*, tenant: Tenant, today: datetime.date | None = None) -> int:
    """Planned placements whose start date has come become active; both sides hear of it."""
    today = today or timezone.localdate()
    due = Placement.objects.for_tenant(tenant).filter(
        status=Placement.Status.PLANNED, starts_on__lte=today
    )
    started = 0
    for placement_id in due.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            placement = due.select_for_update(skip_locked=True).filter(pk=placement_id).first()
            if placement is None:
                continue
            placement_start_locked(tenant=tenant, actor=None, placement=placement)
            started += 1
    return started


def applications_to_anonymise(*, tenant: Tenant, before: datetime.date) -> QuerySet[Application]:
    """Applications still holding student data although the retention period is over:
    their placement ended before ``before``; or, without a placement, they were declined
    or withdrawn before it. Open applications wait for a decision."""
    before_start = timezone.make_aware(datetime.datetime.combine(before, datetime.time.min))
    return Application.objects.for_tenant(tenant).filter(
        Q(placement__ends_on__lt=before)
        | Q(
            placement__isnull=True,
            status__in=[Application.Status.DECLINED, Application.Status.WITHDRAWN],
            decided_at__lt=before_start,
        ),
        anonymised_at__isnull=True,
    )


@transaction.atomic
def student_data_anonymise(*, tenant: Tenant, today: datetime.date | None = None) -> int:
    """Clear the student's first name, initial, programme, the note, the messages and the
    evaluation texts; mark ``anonymised_at``. Level, group size, statuses, dates and
    ratings remain, so every figure stays the same. Returns how many applications.

    The audit trail's descriptions of these records name the student; they are replaced.
    """
    before = anonymise_before(tenant=tenant, today=today)
    ids = list(
        applications_to_anonymise(tenant=tenant, before=before)
        .select_for_update(skip_locked=True, of=("self",))
        .values_list("pk", flat=True)
    )
    if not ids:
        return 0
    now = timezone.now()
    applications = Application.objects.for_tenant(tenant).filter(pk__in=ids)
    applications.update(
        student_first_name="",
        student_last_initial="",
        student_programme="",
        note="",
        anonymised_at=now,
    )
    ApplicationMessage.objects.for_tenant(tenant).filter(application_id__in=ids).update(body="")
    placements = Placement.objects.for_tenant(tenant).filter(application_id__in=ids)
    placement_ids = [str(pk) for pk in placements.values_list("pk", flat=True)]
    placements.update(school_evaluation="", company_evaluation="")
    with translation.override(tenant.default_language):
        anonymous = _("Anonymised student")
    events = AuditEvent.objects.for_tenant(tenant)
    events.filter(
        target_type=Application._meta.label_lower, target_id__in=[str(pk) for pk in ids]
    ).update(target_repr=anonymous)
    events.filter(target_type=Placement._meta.label_lower, target_id__in=placement_ids).update(
        target_repr=anonymous
    )
    for application in applications.order_by("pk"):
        audit_record(
            tenant=tenant,
            actor=None,
            action="application.anonymise",
            target=application,
            changes={"retention_before": [None, str(before)]},
        )
    return len(ids)
