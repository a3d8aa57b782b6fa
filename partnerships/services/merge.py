"""Merging two organisations that turn out to be one: everything moves to the one kept."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from partnerships.models import Interaction, Organisation
from partnerships.selectors.merge import organisation_relations
from portal.models import Tenant, User
from portal.services import audit_record

# Profile fields the kept organisation takes over from the merged one when its own are
# empty. Nothing it has is overwritten: the organisation chosen to keep is the one whose
# data the person trusts.
FILLED_FIELDS = (
    "kvk_number",
    "brin_code",
    "street_address",
    "postal_code",
    "municipality",
    "province",
    "website",
    "sbb_number",
    "size_class",
)
JOINED_LIST_FIELDS = ("education_levels", "tags")


@transaction.atomic
def organisation_merge(
    *, tenant: Tenant, actor: User, source: Organisation, target: Organisation
) -> Organisation:
    """Merge ``source`` into ``target`` and delete ``source``.

    Every link to the source moves to the target: contacts, interactions (as counterpart and
    as the logging organisation), agreements, memberships and invitations, and whatever
    other apps link to organisations (found through the model registry, so a new app's
    foreign key moves along without a change here). A many-to-many link the target
    already has is dropped rather than doubled. The target's empty profile fields are
    filled from the source, lists (sectors, levels, tags) are joined, its "last contact"
    is recomputed from the contact log, and one audit event records what moved.
    """
    if source.pk == target.pk:
        raise ValidationError(
            {"target": _("Choose another organisation: one cannot be merged into itself.")}
        )
    locked = (
        Organisation.objects.for_tenant(tenant)
        .select_for_update()
        .order_by("pk")
        .in_bulk([source.pk, target.pk])
    )
    if len(locked) != 2:
        raise Organisation.DoesNotExist("Both organisations must belong to the tenant.")
    source, target = locked[source.pk], locked[target.pk]
    source_sectors = list(source.sectors.all())
    source_name = source.name

    moved: dict[str, int] = {}
    try:
        with transaction.atomic():
            for relation in organisation_relations():
                count = _move(relation, tenant=tenant, source=source, target=target)
                if count:
                    moved[relation.key] = count
            source.delete()
    except IntegrityError as error:
        raise ValidationError(
            _(
                "These organisations cannot be merged automatically: both have a record "
                "that may exist only once per organisation."
            )
        ) from error

    filled = {}
    for field_name in FILLED_FIELDS:
        value = getattr(source, field_name)
        if value and not getattr(target, field_name):
            filled[field_name] = [None, value]
            setattr(target, field_name, value)
    for field_name in JOINED_LIST_FIELDS:
        joined = list(dict.fromkeys([*getattr(target, field_name), *getattr(source, field_name)]))
        if joined != getattr(target, field_name):
            filled[field_name] = [", ".join(getattr(target, field_name)), ", ".join(joined)]
            setattr(target, field_name, joined)
    if source.recognised_training_company and not target.recognised_training_company:
        filled["recognised_training_company"] = [False, True]
        target.recognised_training_company = True
    last_contact = (
        Interaction.objects.for_tenant(tenant)
        .filter(organisations=target, occurred_on__lte=timezone.localdate())
        .aggregate(last=Max("occurred_on"))["last"]
    )
    target.last_contact_on = last_contact
    target.save(update_fields=[*filled, "last_contact_on", "updated_at"])
    target.sectors.add(*source_sectors)

    audit_record(
        tenant=tenant,
        actor=actor,
        action="organisation.merge",
        target=target,
        changes={"merged": [source_name, target.name]}
        | {key: [None, count] for key, count in moved.items()}
        | filled,
    )
    return target


def _move(relation, *, tenant: Tenant, source: Organisation, target: Organisation) -> int:
    """Point one relation's links at the target; returns how many links there were."""
    rows = relation.rows_of(tenant, source)
    if relation.many_to_many:
        through = relation.field.remote_field.through
        to_organisation = relation.field.m2m_reverse_field_name()
        to_other = relation.field.m2m_field_name()
        count = rows.count()
        if count:
            already_linked = relation.rows_of(tenant, target).values(to_other)
            rows.filter(**{f"{to_other}__in": already_linked}).delete()
            through._base_manager.filter(**{to_organisation: source}).update(
                **{to_organisation: target}
            )
        return count
    return rows.update(**{relation.field.name: target})
