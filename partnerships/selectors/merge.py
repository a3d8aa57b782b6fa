"""Reads for merging organisations: everything in the project that points at an
organisation, found through the model registry, and how much of it would move."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from partnerships.models import Organisation
from portal.models import Tenant

# Words for the relations people know; any other relation (another app's, added later)
# is named after its model and field.
RELATION_LABELS = {
    ("partnerships.contact", "organisation"): _("Contacts"),
    ("partnerships.interaction", "organisations"): _("Interactions with this organisation"),
    ("partnerships.interaction", "logged_by"): _("Interactions this organisation logged"),
    ("partnerships.agreement", "parties"): _("Agreements"),
    ("portal.membership", "organisation"): _("Members whose organisation it is"),
    ("portal.invitation", "organisation"): _("Invitations for this organisation"),
}
# Bookkeeping that moves along but is not worth a line on the confirmation page.
HIDDEN_RELATIONS = {("partnerships.importrow", "merge_into")}


@dataclass(frozen=True)
class OrganisationRelation:
    """A foreign key or many-to-many field of some model that points at Organisation."""

    model: type[models.Model]
    field: models.Field

    @property
    def key(self) -> str:
        return f"{self.model._meta.label_lower}.{self.field.name}"

    @property
    def many_to_many(self) -> bool:
        return self.field.many_to_many

    @property
    def label(self) -> str:
        known = RELATION_LABELS.get((self.model._meta.label_lower, self.field.name))
        if known is not None:
            return str(known)
        return f"{capfirst(self.model._meta.verbose_name_plural)} ({self.field.verbose_name})"

    @property
    def shown(self) -> bool:
        return (self.model._meta.label_lower, self.field.name) not in HIDDEN_RELATIONS

    def rows_of(self, tenant: Tenant, organisation: Organisation) -> models.QuerySet:
        """The rows that link ``organisation`` through this relation: the through table's
        rows for a many-to-many field, the model's own rows for a foreign key."""
        if self.many_to_many:
            through = self.field.remote_field.through
            return through._base_manager.filter(
                **{self.field.m2m_reverse_field_name(): organisation}
            )
        rows = self.model._base_manager.filter(**{self.field.name: organisation})
        if any(f.name == "tenant" for f in self.model._meta.concrete_fields):
            rows = rows.filter(tenant=tenant)
        return rows


def organisation_relations() -> list[OrganisationRelation]:
    """Every relation to Organisation in the project, apart from many-to-many tables'
    own keys (those are the many-to-many fields themselves)."""
    relations = []
    for relation in Organisation._meta.get_fields(include_hidden=True):
        if not (relation.is_relation and relation.auto_created and not relation.concrete):
            continue
        model = relation.related_model
        if relation.many_to_many:
            relations.append(OrganisationRelation(model=model, field=relation.field))
        elif not model._meta.auto_created:
            relations.append(OrganisationRelation(model=model, field=relation.field))
    return sorted(relations, key=lambda relation: relation.key)


@dataclass(frozen=True)
class MergeLine:
    label: str
    count: int


def organisation_merge_preview(
    *, tenant: Tenant, source: Organisation, target: Organisation
) -> list[MergeLine]:
    """What moves from ``source`` to ``target``: one line per kind of link, with a count."""
    lines = []
    for relation in organisation_relations():
        if not relation.shown:
            continue
        count = relation.rows_of(tenant, source).count()
        if count:
            lines.append(MergeLine(label=relation.label, count=count))
    return lines
