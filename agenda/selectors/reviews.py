"""Reads of reviews (herijkingen): the list, one review with its decisions, the agenda as it
stood then and what changed since the review before it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from agenda.models import Action, Review, ReviewDecision
from agenda.snapshots import SnapshotDiff, snapshot_diff
from portal.models import Tenant

FIELD_LABELS = {
    "title": lambda: _("title"),
    "name": lambda: _("name"),
    "status": lambda: _("status"),
    "health": lambda: _("health"),
    "priority": lambda: _("priority"),
    "owner": lambda: _("owner"),
    "owner_organisation": lambda: _("owner organisation"),
    "line": lambda: _("action line"),
    "theme": lambda: _("theme"),
    "unit": lambda: _("unit"),
    "attached_title": lambda: _("attached to"),
    "baseline": lambda: _("baseline"),
    "targets": lambda: _("target path"),
    "latest": lambda: _("latest value"),
}
KIND_LABELS = {
    "theme": lambda: _("Theme"),
    "line": lambda: _("Action line"),
    "action": lambda: _("Action"),
    "indicator": lambda: _("Indicator"),
}


def review_list(*, tenant: Tenant) -> QuerySet[Review]:
    return (
        Review.objects.for_tenant(tenant)
        .select_related("created_by")
        .annotate(decision_count=Count("decisions"))
        .order_by("-held_on", "-id")
    )


def review_get(*, tenant: Tenant, review_id: int) -> Review:
    return Review.objects.for_tenant(tenant).select_related("created_by").get(pk=review_id)


def review_previous(*, tenant: Tenant, review: Review) -> Review | None:
    """The review held just before ``review`` (by date, then by the order recorded)."""
    return (
        Review.objects.for_tenant(tenant)
        .filter(Q(held_on__lt=review.held_on) | Q(held_on=review.held_on, pk__lt=review.pk))
        .order_by("-held_on", "-pk")
        .first()
    )


def review_latest(*, tenant: Tenant) -> Review | None:
    return Review.objects.for_tenant(tenant).order_by("-held_on", "-pk").first()


def review_decisions(*, tenant: Tenant, review: Review) -> QuerySet[ReviewDecision]:
    return (
        ReviewDecision.objects.for_tenant(tenant)
        .filter(review=review)
        .select_related("action", "indicator")
        .order_by("pk")
    )


# --- presenting snapshots and differences -----------------------------------------------------


def _display_value(name: str, value: Any) -> str:
    """A snapshot value as a person reads it, in the active language."""
    if value in (None, "", []):
        return "—"
    if name == "status":
        return str(Action.Status(value).label) if value in Action.Status.values else str(value)
    if name == "health":
        return str(Action.Health(value).label) if value in Action.Health.values else str(value)
    if name == "priority":
        return str(Action.Priority(value).label) if value in Action.Priority.values else str(value)
    if name in ("baseline", "latest") and isinstance(value, dict):
        return f"{value.get('value')} ({value.get('date')})"
    if name == "targets" and isinstance(value, list):
        return " → ".join(f"{t.get('value')} ({t.get('date')})" for t in value)
    return str(value)


@dataclass
class ChangeRow:
    kind_label: str
    title: str
    fields: list[tuple[str, str, str]]  # (field label, old, new)


@dataclass
class DiffDisplay:
    added: list[ChangeRow]
    removed: list[ChangeRow]
    changed: list[ChangeRow]

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def diff_display(diff: SnapshotDiff) -> DiffDisplay:
    def rows(changes) -> list[ChangeRow]:
        return [
            ChangeRow(
                kind_label=KIND_LABELS[change.kind](),
                title=change.title,
                fields=[
                    (
                        FIELD_LABELS.get(name, lambda name=name: name)(),
                        _display_value(name, old),
                        _display_value(name, new),
                    )
                    for name, (old, new) in change.fields.items()
                ],
            )
            for change in changes
        ]

    return DiffDisplay(
        added=rows(diff.added), removed=rows(diff.removed), changed=rows(diff.changed)
    )


def snapshot_display(snapshot: dict[str, Any]) -> dict[str, Any]:
    """The snapshot with labels in the reader's language, for the template."""
    themes = []
    for theme in snapshot.get("themes", []):
        lines = []
        for line in theme.get("lines", []):
            actions = [
                {
                    **action,
                    "status_label": _display_value("status", action.get("status")),
                    "health_label": _display_value("health", action.get("health")),
                    "priority_label": _display_value("priority", action.get("priority")),
                }
                for action in line.get("actions", [])
            ]
            lines.append({**line, "actions": actions})
        themes.append({**theme, "lines": lines})
    indicators = [
        {
            **indicator,
            "baseline_display": _display_value("baseline", indicator.get("baseline")),
            "targets_display": _display_value("targets", indicator.get("targets")),
            "latest_display": _display_value("latest", indicator.get("latest")),
        }
        for indicator in snapshot.get("indicators", [])
    ]
    return {"themes": themes, "indicators": indicators, "taken_at": snapshot.get("taken_at")}


@dataclass
class ReviewPage:
    review: Review
    decisions: list[ReviewDecision]
    agenda: dict[str, Any]
    previous: Review | None
    changes: DiffDisplay | None


def review_page(*, tenant: Tenant, review_id: int) -> ReviewPage:
    """One review: its decisions, the agenda as it stood and the difference with the review
    before it (None for the first review)."""
    review = review_get(tenant=tenant, review_id=review_id)
    previous = review_previous(tenant=tenant, review=review)
    changes = None
    if previous is not None:
        changes = diff_display(snapshot_diff(previous.snapshot, review.snapshot))
    return ReviewPage(
        review=review,
        decisions=list(review_decisions(tenant=tenant, review=review)),
        agenda=snapshot_display(review.snapshot),
        previous=previous,
        changes=changes,
    )
