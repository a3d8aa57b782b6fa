"""Writes of the budget: funding sources, budget lines (the money planned for an action from
a source in a year) and the commitment and spending entries against them.

Each function takes the tenant and the acting user, runs in one transaction, refuses bad
input with a ``ValidationError`` keyed by field (nothing is written then) and records an
audit event. Amounts are never negative: money returned is entered by lowering the plan
or removing the entry, not as a negative amount that would hide in the sums.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from agenda.models import Action, BudgetEntry, BudgetLine, FundingSource
from portal.models import Tenant, User
from portal.services import audit_record, changes_between


def _refuse_negative(amount: Decimal, field: str) -> None:
    if amount is None or amount < 0:
        raise ValidationError({field: _("Enter an amount of zero or more.")})


def _in_tenant(model, tenant: Tenant, obj, *, field: str, message: str):
    found = model.objects.for_tenant(tenant).filter(pk=getattr(obj, "pk", None)).first()
    if found is None:
        raise ValidationError({field: message})
    return found


# --- funding sources ------------------------------------------------------------------------


def _check_source_name(tenant: Tenant, name: str, *, exclude_pk: int | None = None) -> None:
    same = FundingSource.objects.for_tenant(tenant).filter(name__iexact=name.strip())
    if exclude_pk is not None:
        same = same.exclude(pk=exclude_pk)
    if same.exists():
        raise ValidationError({"name": _("There is already a funding source with this name.")})


@transaction.atomic
def funding_source_create(
    *, tenant: Tenant, actor: User | None, name: str, kind: str, is_cofinancing: bool = False
) -> FundingSource:
    name = name.strip()
    _check_source_name(tenant, name)
    source = FundingSource(tenant=tenant, name=name, kind=kind, is_cofinancing=is_cofinancing)
    source.full_clean()
    source.save()
    audit_record(
        tenant=tenant,
        actor=actor,
        action="funding_source.create",
        target=source,
        changes={
            "name": [None, name],
            "kind": [None, kind],
            "is_cofinancing": [None, is_cofinancing],
        },
    )
    return source


@transaction.atomic
def funding_source_update(
    *, tenant: Tenant, actor: User | None, funding_source: FundingSource, **values
) -> FundingSource:
    allowed = {"name", "kind", "is_cofinancing"}
    if set(values) - allowed:
        raise TypeError(f"funding_source_update() cannot change {set(values) - allowed}")
    source = FundingSource.objects.for_tenant(tenant).select_for_update().get(pk=funding_source.pk)
    if "name" in values:
        values["name"] = values["name"].strip()
        _check_source_name(tenant, values["name"], exclude_pk=source.pk)
    changes = changes_between(source, values)
    for name, value in values.items():
        setattr(source, name, value)
    source.full_clean()
    source.save()
    if changes:
        audit_record(
            tenant=tenant,
            actor=actor,
            action="funding_source.update",
            target=source,
            changes=changes,
        )
    return source


# --- budget lines -----------------------------------------------------------------------------


@transaction.atomic
def budget_line_create(
    *,
    tenant: Tenant,
    actor: User | None,
    action: Action,
    funding_source: FundingSource,
    year: int,
    planned_amount: Decimal,
) -> BudgetLine:
    """Plan ``planned_amount`` for ``action`` from ``funding_source`` in ``year``: one line
    per action, source and year."""
    action = _in_tenant(
        Action, tenant, action, field="action", message=_("Choose an action of this partnership.")
    )
    funding_source = _in_tenant(
        FundingSource,
        tenant,
        funding_source,
        field="funding_source",
        message=_("Choose a funding source of this partnership."),
    )
    _refuse_negative(planned_amount, "planned_amount")
    if (
        BudgetLine.objects.for_tenant(tenant)
        .filter(action=action, funding_source=funding_source, year=year)
        .exists()
    ):
        raise ValidationError(
            {
                "year": _(
                    "This action already has a budget line from this funding source for "
                    "%(year)s. Change its amount instead."
                )
                % {"year": year}
            }
        )
    line = BudgetLine(
        tenant=tenant,
        action=action,
        funding_source=funding_source,
        year=year,
        planned_amount=planned_amount,
    )
    line.full_clean()
    line.save()
    audit_record(
        tenant=tenant,
        actor=actor,
        action="budget_line.create",
        target=line,
        changes={
            "action": [None, action.title],
            "funding_source": [None, funding_source.name],
            "year": [None, year],
            "planned_amount": [None, str(planned_amount)],
        },
    )
    return line


@transaction.atomic
def budget_line_update(
    *, tenant: Tenant, actor: User | None, budget_line: BudgetLine, planned_amount: Decimal
) -> BudgetLine:
    """Change the planned amount of a line (a budget revision)."""
    line = BudgetLine.objects.for_tenant(tenant).select_for_update().get(pk=budget_line.pk)
    _refuse_negative(planned_amount, "planned_amount")
    changes = changes_between(line, {"planned_amount": planned_amount})
    line.planned_amount = planned_amount
    line.full_clean()
    line.save(update_fields=["planned_amount"])
    if changes:
        audit_record(
            tenant=tenant, actor=actor, action="budget_line.update", target=line, changes=changes
        )
    return line


# --- entries ------------------------------------------------------------------------------------


@transaction.atomic
def budget_entry_create(
    *,
    tenant: Tenant,
    actor: User | None,
    budget_line: BudgetLine,
    kind: str,
    amount: Decimal,
    booked_on: datetime.date,
    description: str,
    in_kind: bool = False,
) -> BudgetEntry:
    """Enter a commitment (money promised, not yet paid) or spending (paid, in cash or in
    kind) against a budget line."""
    line = _in_tenant(
        BudgetLine,
        tenant,
        budget_line,
        field="budget_line",
        message=_("Choose a budget line of this partnership."),
    )
    _refuse_negative(amount, "amount")
    if kind not in BudgetEntry.Kind.values:
        raise ValidationError({"kind": _("Choose commitment or spending.")})
    entry = BudgetEntry(
        tenant=tenant,
        budget_line=line,
        kind=kind,
        amount=amount,
        booked_on=booked_on,
        description=description.strip(),
        in_kind=in_kind,
        entered_by=actor if actor is not None and actor.is_authenticated else None,
    )
    entry.full_clean()
    entry.save()
    audit_record(
        tenant=tenant,
        actor=actor,
        action="budget_entry.create",
        target=entry,
        changes={
            "budget_line": [None, line.pk],
            "kind": [None, kind],
            "amount": [None, str(amount)],
            "booked_on": [None, booked_on.isoformat()],
            "in_kind": [None, in_kind],
        },
    )
    return entry


@transaction.atomic
def budget_entry_delete(*, tenant: Tenant, actor: User | None, budget_entry: BudgetEntry) -> None:
    """Remove an entry (a commitment once paid, or a mistake); audited with its amount."""
    entry = BudgetEntry.objects.for_tenant(tenant).get(pk=budget_entry.pk)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="budget_entry.delete",
        target=entry,
        changes={
            "budget_line": [entry.budget_line_id, None],
            "kind": [entry.kind, None],
            "amount": [str(entry.amount), None],
            "booked_on": [entry.booked_on.isoformat(), None],
        },
    )
    entry.delete()
