"""Review snapshots: the whole agenda as JSON at one moment, and the difference between two.

A snapshot is plain JSON (stored on ``Review.snapshot``) so it keeps saying what the agenda
was after actions, owners and indicators have changed or gone::

    {"version": 1, "taken_at": "2026-06-01T10:00:00+00:00",
     "themes": [{"id": 1, "title": "...", "lines": [{"id": 2, "title": "...",
         "actions": [{"id": 3, "title": "...", "status": "running", "health": "at_risk",
                      "priority": 1, "owner": "Jeroen Bakker", "owner_organisation": "..."}]}]}],
     "indicators": [{"id": 4, "name": "...", "unit": "...", "attached_to": "action:3",
                     "attached_title": "...", "baseline": {"date": "2014-01-01", "value": "10"},
                     "targets": [{"date": "2016-12-31", "value": "30"}],
                     "latest": {"date": "2020-12-31", "value": "71"}}]}

Codes (status, health) are stored, not labels: the page shows them in the reader's language.
:func:`snapshot_diff` is pure, so it is tested with hand-made snapshots.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

SNAPSHOT_VERSION = 1
ACTION_FIELDS = ("title", "status", "health", "priority", "owner", "owner_organisation", "line")
INDICATOR_FIELDS = ("name", "unit", "attached_title", "baseline", "targets", "latest")
THEME_FIELDS = ("title",)
LINE_FIELDS = ("title", "theme")


def _number(value: Decimal | None) -> str | None:
    """A decimal as JSON text without trailing zeros (``30.0000`` -> ``30``)."""
    if value is None:
        return None
    normalised = value.normalize()
    if normalised == normalised.to_integral():
        normalised = normalised.quantize(Decimal(1))
    return format(normalised, "f")


def agenda_snapshot(*, tenant) -> dict[str, Any]:
    """The agenda of ``tenant`` as it stands: themes, lines, actions, indicators with their
    target paths and latest values. Six queries, whatever the size of the agenda."""
    from agenda.models import Action, ActionLine, Indicator, Measurement, Target, Theme

    themes = [
        {"id": theme.pk, "title": theme.title, "lines": []}
        for theme in Theme.objects.for_tenant(tenant).order_by("position", "title", "pk")
    ]
    theme_by_id = {theme["id"]: theme for theme in themes}
    lines: dict[int, dict] = {}
    for line in ActionLine.objects.for_tenant(tenant).order_by("position", "title", "pk"):
        entry = {"id": line.pk, "title": line.title, "actions": []}
        lines[line.pk] = entry
        theme_by_id[line.theme_id]["lines"].append(entry)
    actions = (
        Action.objects.for_tenant(tenant)
        .select_related("owner", "owner_organisation")
        .order_by("priority", "title", "pk")
    )
    action_titles = {}
    for action in actions:
        action_titles[action.pk] = action.title
        lines[action.action_line_id]["actions"].append(
            {
                "id": action.pk,
                "title": action.title,
                "status": action.status,
                "health": action.health,
                "priority": action.priority,
                "owner": action.owner.get_full_name() if action.owner else "",
                "owner_organisation": (
                    action.owner_organisation.name if action.owner_organisation else ""
                ),
            }
        )
    indicators = list(Indicator.objects.for_tenant(tenant).order_by("name", "pk"))
    targets: dict[int, list] = {}
    for target in Target.objects.for_tenant(tenant).order_by("due_on"):
        targets.setdefault(target.indicator_id, []).append(
            {"date": target.due_on.isoformat(), "value": _number(target.value)}
        )
    latest = {
        measurement.indicator_id: {
            "date": measurement.measured_on.isoformat(),
            "value": _number(measurement.value),
        }
        for measurement in Measurement.objects.for_tenant(tenant)
        .order_by("indicator_id", "-measured_on", "-id")
        .distinct("indicator_id")
    }
    line_titles = {pk: line["title"] for pk, line in lines.items()}
    indicator_entries = []
    for indicator in indicators:
        if indicator.action_id:
            attached = (f"action:{indicator.action_id}", action_titles.get(indicator.action_id))
        elif indicator.action_line_id:
            attached = (
                f"line:{indicator.action_line_id}",
                line_titles.get(indicator.action_line_id),
            )
        else:
            attached = (
                f"theme:{indicator.theme_id}",
                theme_by_id.get(indicator.theme_id, {}).get("title"),
            )
        indicator_entries.append(
            {
                "id": indicator.pk,
                "name": indicator.name,
                "unit": indicator.unit,
                "attached_to": attached[0],
                "attached_title": attached[1] or "",
                "baseline": {
                    "date": indicator.baseline_on.isoformat(),
                    "value": _number(indicator.baseline_value),
                },
                "targets": targets.get(indicator.pk, []),
                "latest": latest.get(indicator.pk),
            }
        )
    return {
        "version": SNAPSHOT_VERSION,
        "taken_at": timezone.now().isoformat(),
        "themes": themes,
        "indicators": indicator_entries,
    }


# --- the difference ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One thing that was added, removed or changed between two snapshots.

    ``fields`` maps a changed field to ``(old, new)``; empty for additions and removals.
    """

    kind: str  # "theme" | "line" | "action" | "indicator"
    id: int
    title: str
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)


@dataclass
class SnapshotDiff:
    added: list[Change] = field(default_factory=list)
    removed: list[Change] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def of_kind(self, kind: str) -> SnapshotDiff:
        return SnapshotDiff(
            added=[c for c in self.added if c.kind == kind],
            removed=[c for c in self.removed if c.kind == kind],
            changed=[c for c in self.changed if c.kind == kind],
        )


def snapshot_flatten(snapshot: dict[str, Any]) -> dict[str, dict[int, dict[str, Any]]]:
    """``{kind: {id: fields}}`` of a snapshot: themes, lines (with their theme's title),
    actions (with their line's title) and indicators."""
    flat: dict[str, dict[int, dict[str, Any]]] = {
        "theme": {},
        "line": {},
        "action": {},
        "indicator": {},
    }
    for theme in snapshot.get("themes", []):
        flat["theme"][theme["id"]] = {"title": theme["title"]}
        for line in theme.get("lines", []):
            flat["line"][line["id"]] = {"title": line["title"], "theme": theme["title"]}
            for action in line.get("actions", []):
                flat["action"][action["id"]] = {**action, "line": line["title"]}
    for indicator in snapshot.get("indicators", []):
        flat["indicator"][indicator["id"]] = dict(indicator)
    return flat


_FIELDS = {
    "theme": THEME_FIELDS,
    "line": LINE_FIELDS,
    "action": ACTION_FIELDS,
    "indicator": INDICATOR_FIELDS,
}


def _title(kind: str, values: dict[str, Any]) -> str:
    return values.get("name" if kind == "indicator" else "title", "")


def snapshot_diff(old: dict[str, Any] | None, new: dict[str, Any]) -> SnapshotDiff:
    """What changed from ``old`` to ``new``: the themes, lines, actions and indicators added,
    removed, and changed (field by field). Matched by id, so a renamed action is a change,
    not a removal and an addition. ``old`` None: everything in ``new`` was added."""
    before = snapshot_flatten(old or {})
    after = snapshot_flatten(new)
    diff = SnapshotDiff()
    for kind, fields in _FIELDS.items():
        old_rows, new_rows = before[kind], after[kind]
        for pk, values in new_rows.items():
            if pk not in old_rows:
                diff.added.append(Change(kind=kind, id=pk, title=_title(kind, values)))
                continue
            changed = {
                name: (old_rows[pk].get(name), values.get(name))
                for name in fields
                if old_rows[pk].get(name) != values.get(name)
            }
            if changed:
                diff.changed.append(
                    Change(kind=kind, id=pk, title=_title(kind, values), fields=changed)
                )
        for pk, values in old_rows.items():
            if pk not in new_rows:
                diff.removed.append(Change(kind=kind, id=pk, title=_title(kind, values)))
    return diff
