"""Writes of indicators: the indicator itself, its target path, measurements typed in, and
the measurements a computed indicator records from the portal's own data.

Every function takes the tenant and the acting user, runs in one transaction, refuses bad
input with a ``ValidationError`` keyed by field (nothing is written then), and records an
audit event.

Negative values: refused for a *cumulative* indicator (its baseline, targets and
measurements are running totals of things counted, which cannot fall below zero), allowed
for point-in-time and per-period ones, which may be a balance or a change ("net change in
vacancies", "difference with the national average"). The unit is free text, so it cannot
tell a count from a balance; the kind can.
"""

from __future__ import annotations

import calendar
import datetime
import hashlib
import json
from collections.abc import Callable, Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from agenda.metrics import METRICS
from agenda.models import (
    Action,
    ActionLine,
    Indicator,
    Measurement,
    MeasurementBatch,
    Target,
    Theme,
)
from agenda.services.updates import period_lock_check
from portal.models import Tenant, User
from portal.services import audit_record, changes_between

INDICATOR_FIELDS = (
    "name",
    "unit",
    "definition",
    "direction",
    "kind",
    "baseline_value",
    "baseline_on",
    "metric",
)


def _in_tenant(model, tenant: Tenant, obj, *, field: str, message: str):
    """``obj`` re-read inside ``tenant``; another tenant's object is a field error."""
    if obj is None:
        return None
    found = model.objects.for_tenant(tenant).filter(pk=obj.pk).first()
    if found is None:
        raise ValidationError({field: message})
    return found


def _refuse_negative(indicator_kind: str, value: Decimal, field: str) -> None:
    if indicator_kind == Indicator.Kind.CUMULATIVE and value < 0:
        raise ValidationError(
            {field: _("A cumulative indicator counts up from zero: enter zero or more.")}
        )


def _check_metric(metric: str) -> None:
    if metric and metric not in METRICS:
        raise ValidationError(
            {
                "metric": _("“%(metric)s” is not a metric the portal can compute.")
                % {"metric": metric}
            }
        )


def _attachment(tenant: Tenant, *, theme, action_line, action) -> dict:
    attached = [obj for obj in (theme, action_line, action) if obj is not None]
    if len(attached) != 1:
        raise ValidationError(
            {"attached_to": _("Attach the indicator to exactly one theme, action line or action.")}
        )
    message = _("Choose a theme, action line or action of this partnership.")
    return {
        "theme": _in_tenant(Theme, tenant, theme, field="attached_to", message=message),
        "action_line": _in_tenant(
            ActionLine, tenant, action_line, field="attached_to", message=message
        ),
        "action": _in_tenant(Action, tenant, action, field="attached_to", message=message),
    }


def _check_indicator_values(
    tenant: Tenant, values: dict, *, indicator: Indicator | None = None
) -> None:
    _check_metric(values.get("metric", ""))
    _refuse_negative(values["kind"], values["baseline_value"], "baseline_value")
    if indicator is None:
        return
    targets = Target.objects.for_tenant(tenant).filter(indicator=indicator)
    measurements = Measurement.objects.for_tenant(tenant).filter(indicator=indicator)
    first_target = targets.order_by("due_on").first()
    if first_target is not None and values["baseline_on"] >= first_target.due_on:
        raise ValidationError(
            {
                "baseline_on": _("The baseline must come before the first target (%(date)s).")
                % {"date": first_target.due_on.isoformat()}
            }
        )
    first_measurement = measurements.order_by("measured_on").first()
    if first_measurement is not None and values["baseline_on"] > first_measurement.measured_on:
        raise ValidationError(
            {
                "baseline_on": _("The baseline cannot come after the first measurement (%(date)s).")
                % {"date": first_measurement.measured_on.isoformat()}
            }
        )
    if values["kind"] == Indicator.Kind.CUMULATIVE and (
        targets.filter(value__lt=0).exists() or measurements.filter(value__lt=0).exists()
    ):
        raise ValidationError(
            {"kind": _("This indicator has negative values, so it cannot be cumulative.")}
        )


@transaction.atomic
def indicator_create(
    *,
    tenant: Tenant,
    actor: User | None,
    name: str,
    direction: str,
    kind: str,
    baseline_value: Decimal,
    baseline_on: datetime.date,
    unit: str = "",
    definition: str = "",
    metric: str = "",
    theme: Theme | None = None,
    action_line: ActionLine | None = None,
    action: Action | None = None,
) -> Indicator:
    """Create an indicator attached to one theme, action line or action of ``tenant``."""
    values = {
        "name": name,
        "unit": unit,
        "definition": definition,
        "direction": direction,
        "kind": kind,
        "baseline_value": baseline_value,
        "baseline_on": baseline_on,
        "metric": metric,
    }
    _check_indicator_values(tenant, values)
    attachment = _attachment(tenant, theme=theme, action_line=action_line, action=action)
    indicator = Indicator(tenant=tenant, **values, **attachment)
    indicator.full_clean()
    indicator.save()
    audit_record(
        tenant=tenant,
        actor=actor,
        action="indicator.create",
        target=indicator,
        changes={field: [None, str(value)] for field, value in values.items() if value != ""},
    )
    return indicator


@transaction.atomic
def indicator_update(
    *, tenant: Tenant, actor: User | None, indicator: Indicator, **values
) -> Indicator:
    """Change an indicator's fields (``INDICATOR_FIELDS``). The baseline must stay before
    the first target and not after the first measurement."""
    unknown = set(values) - set(INDICATOR_FIELDS)
    if unknown:
        raise TypeError(f"indicator_update() cannot change {', '.join(sorted(unknown))}")
    indicator = Indicator.objects.for_tenant(tenant).select_for_update().get(pk=indicator.pk)
    merged = {field: values.get(field, getattr(indicator, field)) for field in INDICATOR_FIELDS}
    _check_indicator_values(tenant, merged, indicator=indicator)
    changes = changes_between(indicator, values)
    for field, value in values.items():
        setattr(indicator, field, value)
    indicator.full_clean()
    indicator.save()
    if changes:
        audit_record(
            tenant=tenant, actor=actor, action="indicator.update", target=indicator, changes=changes
        )
    return indicator


def _indicator_of(tenant: Tenant, indicator: Indicator, *, lock: bool = False) -> Indicator:
    queryset = Indicator.objects.for_tenant(tenant)
    if lock:
        queryset = queryset.select_for_update()
    found = queryset.filter(pk=indicator.pk).first()
    if found is None:
        raise ValidationError(_("This indicator does not belong to this partnership."))
    return found


@transaction.atomic
def target_create(
    *,
    tenant: Tenant,
    actor: User | None,
    indicator: Indicator,
    due_on: datetime.date,
    value: Decimal,
) -> Target:
    """Add a point to the indicator's target path: after the baseline, one per date."""
    indicator = _indicator_of(tenant, indicator, lock=True)
    if due_on <= indicator.baseline_on:
        raise ValidationError(
            {
                "due_on": _(
                    "A target must be dated after the baseline (%(date)s): the path starts there."
                )
                % {"date": indicator.baseline_on.isoformat()}
            }
        )
    _refuse_negative(indicator.kind, value, "value")
    if Target.objects.for_tenant(tenant).filter(indicator=indicator, due_on=due_on).exists():
        raise ValidationError(
            {"due_on": _("There is already a target on this date. Remove it first.")}
        )
    target = Target.objects.create(tenant=tenant, indicator=indicator, due_on=due_on, value=value)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="target.create",
        target=target,
        changes={
            "indicator": [None, indicator.name],
            "due_on": [None, due_on.isoformat()],
            "value": [None, str(value)],
        },
    )
    return target


@transaction.atomic
def target_delete(*, tenant: Tenant, actor: User | None, target: Target) -> None:
    target = Target.objects.for_tenant(tenant).select_related("indicator").get(pk=target.pk)
    audit_record(
        tenant=tenant,
        actor=actor,
        action="target.delete",
        target=target,
        changes={
            "indicator": [target.indicator.name, None],
            "due_on": [target.due_on.isoformat(), None],
            "value": [str(target.value), None],
        },
    )
    target.delete()


@transaction.atomic
def measurement_create(
    *,
    tenant: Tenant,
    actor: User | None,
    indicator: Indicator,
    measured_on: datetime.date,
    value: Decimal,
    source: str = "",
    note: str = "",
    today: datetime.date | None = None,
) -> Measurement:
    """Record a measurement typed in by a person. A computed indicator takes none: its
    figures come from the portal's own data."""
    indicator = _indicator_of(tenant, indicator)
    if indicator.metric:
        raise ValidationError(
            _(
                "This indicator is computed from the portal's own data; its measurements "
                "cannot be entered by hand."
            )
        )
    today = today or timezone.localdate()
    if measured_on < indicator.baseline_on:
        raise ValidationError(
            {
                "measured_on": _("A measurement cannot be dated before the baseline (%(date)s).")
                % {"date": indicator.baseline_on.isoformat()}
            }
        )
    if measured_on > today:
        raise ValidationError({"measured_on": _("A measurement cannot be dated in the future.")})
    if indicator.action_id is not None:
        period_lock_check(
            tenant=tenant, action_id=indicator.action_id, days=[measured_on], field="measured_on"
        )
    _refuse_negative(indicator.kind, value, "value")
    measurement = Measurement.objects.create(
        tenant=tenant,
        indicator=indicator,
        measured_on=measured_on,
        value=value,
        source=source,
        note=note,
        entered_by=actor if actor is not None and actor.is_authenticated else None,
    )
    audit_record(
        tenant=tenant,
        actor=actor,
        action="measurement.create",
        target=measurement,
        changes={
            "indicator": [None, indicator.name],
            "measured_on": [None, measured_on.isoformat()],
            "value": [None, str(value)],
        },
    )
    return measurement


@transaction.atomic
def measurement_delete(*, tenant: Tenant, actor: User | None, measurement: Measurement) -> None:
    measurement = (
        Measurement.objects.for_tenant(tenant).select_related("indicator").get(pk=measurement.pk)
    )
    if measurement.indicator.action_id is not None and not measurement.is_computed:
        period_lock_check(
            tenant=tenant, action_id=measurement.indicator.action_id, days=[measurement.measured_on]
        )
    audit_record(
        tenant=tenant,
        actor=actor,
        action="measurement.delete",
        target=measurement,
        changes={
            "indicator": [measurement.indicator.name, None],
            "measured_on": [measurement.measured_on.isoformat(), None],
            "value": [str(measurement.value), None],
        },
    )
    measurement.delete()


# --- batches of measurements (the API's bulk creation) ---------------------------------------

BATCH_KEY_MAX_LENGTH = 200
BATCH_MAX_ROWS = 500
BATCH_KEY_CONSTRAINT = "measurement_batch_key_once"
MEASUREMENT_ROW_FIELDS = ("indicator", "measured_on", "value", "source", "note")


class IdempotencyKeyReused(Exception):
    """The idempotency key was used before for a batch with other rows."""

    def __init__(self, batch: MeasurementBatch):
        super().__init__(batch.key)
        self.batch = batch


def measurement_batch_fingerprint(rows: Sequence[dict]) -> str:
    """A digest of the rows as they mean, not as they were spelled: ``5``, ``5.0`` and
    ``"5.00"`` are one value, so a client that re-sends the batch finds it again."""
    canonical = [
        [
            row["indicator"].pk,
            row["measured_on"].isoformat(),
            format(Decimal(row["value"]).normalize(), "f"),
            row.get("source", ""),
            row.get("note", ""),
        ]
        for row in rows
    ]
    return hashlib.sha256(json.dumps(canonical).encode()).hexdigest()


def _row_errors(index: int, error: ValidationError) -> dict[str, list[str]]:
    prefix = f"measurements.{index}"
    if hasattr(error, "error_dict"):
        return {
            f"{prefix}.{field}" if field != "__all__" else prefix: list(messages)
            for field, messages in error.message_dict.items()
        }
    return {prefix: list(error.messages)}


def _replay(batch: MeasurementBatch, fingerprint: str) -> tuple[MeasurementBatch, bool]:
    if batch.fingerprint != fingerprint:
        raise IdempotencyKeyReused(batch)
    return batch, False


def measurement_batch_record(
    *,
    tenant: Tenant,
    actor: User | None,
    key: str,
    rows: Sequence[dict],
    result_of: Callable[[list[Measurement]], dict],
    today: datetime.date | None = None,
) -> tuple[MeasurementBatch, bool]:
    """Record ``rows`` (each: ``indicator``, ``measured_on``, ``value``, optional ``source``
    and ``note``) as measurements, all or none, once per ``key`` in the tenant.

    Returns the batch and whether it was recorded now (False: the key's earlier batch, whose
    stored ``result`` is the answer). Every row goes through :func:`measurement_create`, so
    its rules (the baseline, no future dates, locked periods, computed indicators) hold;
    one bad row is a ``ValidationError`` naming each bad row (``measurements.2.value``)
    and nothing is stored, the key neither. The same key with other rows raises
    :class:`IdempotencyKeyReused`. ``result_of`` makes the stored result from the new
    measurements inside the same transaction.

    Two requests with one key at the same moment: the unique (tenant, key) index makes the
    second wait for the first; it then finds the first's batch and answers with it.
    """
    key = key.strip()
    if not key:
        raise ValidationError({"idempotency_key": _("Give an idempotency key.")})
    if len(key) > BATCH_KEY_MAX_LENGTH:
        raise ValidationError(
            {
                "idempotency_key": _("Keep the idempotency key under %(max)s characters.")
                % {"max": BATCH_KEY_MAX_LENGTH}
            }
        )
    if not rows:
        raise ValidationError({"measurements": _("Send at least one measurement.")})
    if len(rows) > BATCH_MAX_ROWS:
        raise ValidationError(
            {
                "measurements": _("Send at most %(max)s measurements in one batch.")
                % {"max": BATCH_MAX_ROWS}
            }
        )
    fingerprint = measurement_batch_fingerprint(rows)
    earlier = MeasurementBatch.objects.for_tenant(tenant).filter(key=key).first()
    if earlier is not None:
        return _replay(earlier, fingerprint)
    try:
        with transaction.atomic():
            batch = MeasurementBatch.objects.create(
                tenant=tenant,
                key=key,
                fingerprint=fingerprint,
                created_by=actor if actor is not None and actor.is_authenticated else None,
            )
            measurements: list[Measurement] = []
            errors: dict[str, list[str]] = {}
            for index, row in enumerate(rows):
                values = {field: row[field] for field in MEASUREMENT_ROW_FIELDS if field in row}
                try:
                    with transaction.atomic():
                        measurements.append(
                            measurement_create(tenant=tenant, actor=actor, today=today, **values)
                        )
                except ValidationError as error:
                    errors.update(_row_errors(index, error))
            if errors:
                raise ValidationError(errors)
            batch.result = result_of(measurements)
            batch.save(update_fields=["result"])
            audit_record(
                tenant=tenant,
                actor=actor,
                action="measurement_batch.create",
                target=batch,
                changes={"key": [None, key], "measurements": [None, len(measurements)]},
            )
    except IntegrityError as error:
        diag = getattr(error.__cause__, "diag", None)
        if getattr(diag, "constraint_name", None) != BATCH_KEY_CONSTRAINT:
            raise
        return _replay(MeasurementBatch.objects.for_tenant(tenant).get(key=key), fingerprint)
    return batch, True


# --- computed indicators ------------------------------------------------------------------


def last_complete_month_end(today: datetime.date) -> datetime.date:
    """The last day of the month before ``today``'s."""
    return today.replace(day=1) - datetime.timedelta(days=1)


def computed_period(
    indicator: Indicator, period_end: datetime.date
) -> tuple[datetime.date, Decimal]:
    """The first day the metric counts from for a measurement dated ``period_end``, and
    the value to add to the metric's figure.

    - cumulative: everything since the baseline, on top of the baseline value (the running
      total = what there was at the baseline + what happened since);
    - point in time and per period: the calendar month that ends on ``period_end``
      (a stock metric ignores the start and gives its level on ``period_end``).
    """
    if indicator.kind == Indicator.Kind.CUMULATIVE:
        return indicator.baseline_on + datetime.timedelta(days=1), indicator.baseline_value
    return period_end.replace(day=1), Decimal(0)


def is_month_end(day: datetime.date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


def computed_measurements_record(
    *, tenant: Tenant, period_end: datetime.date, actor: User | None = None
) -> list[Measurement]:
    """Record one measurement per computed indicator of ``tenant`` for the period that ends
    on ``period_end`` (a month end). Idempotent: an indicator that already has its computed
    measurement of that date is skipped (the unique constraint
    ``measurement_computed_once_per_date`` settles a race between two runs). An indicator
    whose baseline is after ``period_end``, or whose metric the registry no longer knows,
    is skipped too. Each indicator is recorded in its own transaction, so one failing
    metric does not hold back the others."""
    if not is_month_end(period_end):
        raise ValueError("computed measurements are recorded for month ends")
    recorded = []
    indicators = (
        Indicator.objects.for_tenant(tenant)
        .exclude(metric="")
        .filter(baseline_on__lte=period_end)
        .exclude(
            Exists(
                Measurement.objects.for_tenant(tenant).filter(
                    indicator=OuterRef("pk"), is_computed=True, measured_on=period_end
                )
            )
        )
        .order_by("pk")
    )
    for indicator in indicators:
        metric = METRICS.get(indicator.metric)
        if metric is None:
            continue
        start, offset = computed_period(indicator, period_end)
        value = offset + (
            metric.fn(tenant, start, period_end) if start <= period_end else Decimal(0)
        )
        try:
            with transaction.atomic():
                measurement = Measurement.objects.create(
                    tenant=tenant,
                    indicator=indicator,
                    measured_on=period_end,
                    value=value,
                    source=indicator.metric,
                    is_computed=True,
                )
                audit_record(
                    tenant=tenant,
                    actor=actor,
                    action="measurement.record_computed",
                    target=measurement,
                    changes={
                        "indicator": [None, indicator.name],
                        "metric": [None, indicator.metric],
                        "measured_on": [None, period_end.isoformat()],
                        "value": [None, str(value)],
                    },
                )
        except IntegrityError:
            continue  # another run recorded it first
        recorded.append(measurement)
    return recorded
