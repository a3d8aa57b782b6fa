"""Writes of agreements: create, change, the PDF, and the reminder before one ends."""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from partnerships.models import Agreement, Organisation
from partnerships.selectors.agreements import agreement_reminders_due
from portal.models import Membership, Tenant, User
from portal.roles import Role
from portal.services import audit_record, changes_between

logger = logging.getLogger(__name__)

MAX_DOCUMENT_SIZE = 10 * 1024 * 1024
PDF_MAGIC = b"%PDF-"


def validate_pdf(document: UploadedFile) -> None:
    """A PDF of at most 10 MB, judged by its bytes (which must start with ``%PDF-``), not by
    the name or the content type the browser sent, both of which the sender chooses."""
    if document.size > MAX_DOCUMENT_SIZE:
        raise ValidationError(
            _("The document is larger than 10 MB (it is %(size)s MB).")
            % {"size": f"{document.size / (1024 * 1024):.1f}"},
            code="too_large",
        )
    document.seek(0)
    head = document.read(len(PDF_MAGIC))
    document.seek(0)
    if head != PDF_MAGIC:
        raise ValidationError(_("The document is not a PDF file."), code="not_pdf")


def _check_values(
    *, tenant: Tenant, parties: list[Organisation], starts_on, ends_on, document
) -> None:
    if any(party.tenant_id != tenant.pk for party in parties):
        raise ValidationError({"parties": _("Choose organisations of this partnership.")})
    if not parties:
        raise ValidationError({"parties": _("Choose at least one party.")})
    if ends_on is not None and starts_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end cannot be before the start.")})
    if isinstance(document, UploadedFile):
        try:
            validate_pdf(document)
        except ValidationError as error:
            raise ValidationError({"document": error.messages}) from error


def _store_document(agreement: Agreement, document: UploadedFile) -> None:
    """Keep the PDF under a random name of our own: the uploaded name is the sender's
    choice, and the download is named after the agreement. Stored after every check, just
    before the row is saved, so a refused agreement leaves no file behind."""
    agreement.document.save(f"{uuid.uuid4().hex}.pdf", document, save=False)


@transaction.atomic
def agreement_create(
    *,
    tenant: Tenant,
    actor: User,
    kind: str,
    title: str,
    parties: Iterable[Organisation],
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    goals: str = "",
    status: str = Agreement.Status.ACTIVE,
    remind_days_before_end: int = 60,
    document: UploadedFile | None = None,
) -> Agreement:
    parties = list(parties)
    _check_values(
        tenant=tenant, parties=parties, starts_on=starts_on, ends_on=ends_on, document=document
    )
    agreement = Agreement(
        tenant=tenant,
        kind=kind,
        title=title,
        starts_on=starts_on,
        ends_on=ends_on,
        goals=goals,
        status=status,
        remind_days_before_end=remind_days_before_end,
        created_by=actor,
    )
    agreement.full_clean(exclude=["document"])
    if document:
        _store_document(agreement, document)
    agreement.save()
    agreement.parties.set(parties)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="agreement.create",
        target=agreement,
        changes={
            "title": [None, title],
            "kind": [None, kind],
            "parties": [None, ", ".join(sorted(party.name for party in parties))],
            "document": [None, bool(document)],
        },
    )
    return agreement


@transaction.atomic
def agreement_update(
    *,
    tenant: Tenant,
    actor: User,
    agreement: Agreement,
    parties: Iterable[Organisation] | None = None,
    document: UploadedFile | bool | None = None,
    **values,
) -> Agreement:
    """Change an agreement. ``document``: a new PDF replaces the old one, ``False`` removes
    it, ``None`` keeps it. A new end date or reminder period re-arms the reminder."""
    agreement = Agreement.objects.for_tenant(tenant).select_for_update().get(pk=agreement.pk)
    changes = changes_between(agreement, values)
    for field_name, value in values.items():
        setattr(agreement, field_name, value)
    parties = list(parties) if parties is not None else list(agreement.parties.all())
    _check_values(
        tenant=tenant,
        parties=parties,
        starts_on=agreement.starts_on,
        ends_on=agreement.ends_on,
        document=document,
    )
    if {"ends_on", "remind_days_before_end"} & set(changes):
        agreement.reminder_sent_at = None
    # created_by may have become empty (the person's account was deleted): not an error.
    agreement.full_clean(exclude=["document", "created_by"])
    old_document = agreement.document.name
    if isinstance(document, UploadedFile):
        _store_document(agreement, document)
        changes["document"] = [bool(old_document), True]
    elif document is False and old_document:
        agreement.document = ""
        changes["document"] = [True, False]
    if old_document and agreement.document.name != old_document:
        storage = agreement.document.storage
        transaction.on_commit(lambda: storage.delete(old_document))
    agreement.save()
    before = sorted(party.name for party in agreement.parties.all())
    after = sorted(party.name for party in parties)
    if before != after:
        changes["parties"] = [", ".join(before), ", ".join(after)]
        agreement.parties.set(parties)
    if changes:
        audit_record(
            tenant=tenant,
            actor=actor,
            action="agreement.update",
            target=agreement,
            changes=changes,
        )
    return agreement


def agreement_document_open(*, tenant: Tenant, actor: User, agreement: Agreement):
    """Open an agreement's PDF for a download, and record who downloaded it."""
    handle = agreement.document.open("rb")
    audit_record(tenant=tenant, actor=actor, action="agreement.document_download", target=agreement)
    return handle


# --- reminders --------------------------------------------------------------------------------


def _reminder_recipients(*, tenant: Tenant, agreement: Agreement) -> list[str]:
    """The programme office, and whoever entered the agreement if they are still a member
    who may see agreements."""
    members = Membership.objects.for_tenant(tenant).filter(user__is_active=True)
    admins = members.filter(role=Role.ADMIN)
    emails = list(admins.order_by("user__email").values_list("user__email", flat=True))
    if agreement.created_by_id is not None:
        creator = members.filter(user_id=agreement.created_by_id).select_related("user").first()
        if creator is not None and creator.can("crm.view") and creator.user.email not in emails:
            emails.append(creator.user.email)
    return emails


def _reminder_messages(*, tenant: Tenant, agreement: Agreement, recipients: list[str]):
    link = settings.SITE_URL.rstrip("/") + reverse(
        "agreement_detail", kwargs={"tenant_slug": tenant.slug, "agreement_id": agreement.pk}
    )
    with translation.override(tenant.default_language):
        ends_on = date_format(agreement.ends_on, "j F Y")
        subject = _("The agreement “%(title)s” ends on %(date)s") % {
            "title": agreement.title,
            "date": ends_on,
        }
        body = render_to_string(
            "partnerships/agreement_reminder_email.txt",
            {
                "tenant": tenant,
                "agreement": agreement,
                "parties": ", ".join(party.name for party in agreement.parties.all()),
                "ends_on": ends_on,
                "link": link,
            },
        )
    # One message per person: the programme office's addresses are not the creator's business.
    return [EmailMessage(subject, body, None, [email]) for email in recipients]


def agreement_reminders_send(*, tenant: Tenant, today: datetime.date | None = None) -> int:
    """E-mail the reminder of every agreement of ``tenant`` that is due; returns how many.

    Idempotent: each agreement is claimed with ``SELECT ... FOR UPDATE SKIP LOCKED`` in its
    own transaction and marked ``reminder_sent_at`` in it, so two runs at once, or a run
    repeated the same day, send each reminder once. The mail goes out before the mark is
    committed: if sending fails, the transaction rolls back and the next run tries again
    (a crash between sending and committing could send it twice; losing it would be worse).
    """
    today = today or timezone.localdate()
    sent = 0
    due_ids = list(agreement_reminders_due(tenant=tenant, today=today).values_list("pk", flat=True))
    for agreement_id in due_ids:
        try:
            with transaction.atomic():
                agreement = (
                    agreement_reminders_due(tenant=tenant, today=today)
                    .select_for_update(skip_locked=True, of=("self",))
                    .filter(pk=agreement_id)
                    .first()
                )
                if agreement is None:
                    continue
                recipients = _reminder_recipients(tenant=tenant, agreement=agreement)
                messages = _reminder_messages(
                    tenant=tenant, agreement=agreement, recipients=recipients
                )
                get_connection().send_messages(messages)
                agreement.reminder_sent_at = timezone.now()
                agreement.save(update_fields=["reminder_sent_at"])
                audit_record(
                    tenant=tenant,
                    actor=None,
                    action="agreement.reminder_sent",
                    target=agreement,
                    changes={"recipients": [None, len(recipients)]},
                )
        except Exception:
            logger.exception("Reminder of agreement %s could not be sent", agreement_id)
            continue
        sent += 1
    return sent
