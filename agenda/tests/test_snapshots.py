"""Review snapshots: the agenda as JSON (built in constant queries), and the pure difference
between two snapshots, tested with hand-made ones."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from agenda.snapshots import Change, agenda_snapshot, snapshot_diff
from agenda.tests.factories import (
    ActionFactory,
    ActionLineFactory,
    IndicatorFactory,
    MeasurementFactory,
    TargetFactory,
    ThemeFactory,
)
from portal.roles import Role


def snapshot(*themes, indicators=()) -> dict:
    return {"version": 1, "themes": list(themes), "indicators": list(indicators)}


def theme(pk, title, *lines) -> dict:
    return {"id": pk, "title": title, "lines": list(lines)}


def line(pk, title, *actions) -> dict:
    return {"id": pk, "title": title, "actions": list(actions)}


def action(pk, title, **fields) -> dict:
    values = {
        "id": pk,
        "title": title,
        "status": "running",
        "health": "on_track",
        "priority": 2,
        "owner": "Jeroen Bakker",
        "owner_organisation": "TechYourFuture",
    }
    values.update(fields)
    return values


def indicator(pk, name, **fields) -> dict:
    values = {
        "id": pk,
        "name": name,
        "unit": "",
        "attached_to": "action:1",
        "attached_title": "Bètapunt",
        "baseline": {"date": "2014-01-01", "value": "10"},
        "targets": [{"date": "2016-12-31", "value": "30"}, {"date": "2020-12-31", "value": "77"}],
        "latest": {"date": "2019-12-31", "value": "60"},
    }
    values.update(fields)
    return values


BEFORE = snapshot(
    theme(
        1,
        "Talent",
        line(10, "Scholen", action(100, "Bètapunt"), action(101, "Gastlessen")),
        line(11, "Leven lang", action(102, "Omscholing")),
    ),
    indicators=[indicator(1000, "Schoolbesturen"), indicator(1001, "Communities")],
)


def test_identical_snapshots_differ_in_nothing():
    diff = snapshot_diff(BEFORE, json.loads(json.dumps(BEFORE)))

    assert diff.is_empty


def test_added_removed_and_changed_actions_are_found_by_id():
    after = snapshot(
        theme(
            1,
            "Talent",
            line(
                10,
                "Scholen",
                action(100, "Bètapunt Noord", health="at_risk", priority=1),
                action(103, "Techniekdag"),
            ),
            line(11, "Leven lang", action(102, "Omscholing", status="stopped")),
        ),
        indicators=[indicator(1000, "Schoolbesturen"), indicator(1001, "Communities")],
    )

    diff = snapshot_diff(BEFORE, after)

    assert diff.added == [Change(kind="action", id=103, title="Techniekdag")]
    assert diff.removed == [Change(kind="action", id=101, title="Gastlessen")]
    assert diff.changed == [
        Change(
            kind="action",
            id=100,
            title="Bètapunt Noord",
            fields={
                "title": ("Bètapunt", "Bètapunt Noord"),
                "health": ("on_track", "at_risk"),
                "priority": (2, 1),
            },
        ),
        Change(
            kind="action", id=102, title="Omscholing", fields={"status": ("running", "stopped")}
        ),
    ]


def test_an_action_moved_to_another_line_changes_its_line():
    after = snapshot(
        theme(
            1,
            "Talent",
            line(10, "Scholen", action(101, "Gastlessen")),
            line(11, "Leven lang", action(102, "Omscholing"), action(100, "Bètapunt")),
        ),
        indicators=BEFORE["indicators"],
    )

    diff = snapshot_diff(BEFORE, after)

    assert diff.changed == [
        Change(kind="action", id=100, title="Bètapunt", fields={"line": ("Scholen", "Leven lang")})
    ]


def test_changed_targets_latest_values_and_new_themes_and_lines():
    new_path = [{"date": "2016-12-31", "value": "30"}, {"date": "2020-12-31", "value": "90"}]
    after = snapshot(
        *BEFORE["themes"],
        theme(2, "Innovatie", line(12, "Labs")),
        indicators=[
            indicator(1000, "Schoolbesturen", targets=new_path),
            indicator(1001, "Communities", latest={"date": "2020-12-31", "value": "70"}),
        ],
    )

    diff = snapshot_diff(BEFORE, after)

    assert diff.added == [
        Change(kind="theme", id=2, title="Innovatie"),
        Change(kind="line", id=12, title="Labs"),
    ]
    changed = {change.id: change.fields for change in diff.changed}
    assert changed[1000] == {"targets": (BEFORE["indicators"][0]["targets"], new_path)}
    assert changed[1001]["latest"][1] == {"date": "2020-12-31", "value": "70"}
    assert diff.of_kind("indicator").added == []


def test_without_an_earlier_snapshot_everything_is_added():
    diff = snapshot_diff(None, BEFORE)

    assert {(c.kind, c.id) for c in diff.added} == {
        ("theme", 1),
        ("line", 10),
        ("line", 11),
        ("action", 100),
        ("action", 101),
        ("action", 102),
        ("indicator", 1000),
        ("indicator", 1001),
    }
    assert diff.removed == [] and diff.changed == []


def test_a_removed_theme_takes_its_lines_and_actions_along():
    after = snapshot(indicators=BEFORE["indicators"])

    diff = snapshot_diff(BEFORE, after)

    assert {(c.kind, c.id) for c in diff.removed} == {
        ("theme", 1),
        ("line", 10),
        ("line", 11),
        ("action", 100),
        ("action", 101),
        ("action", 102),
    }


# --- building a snapshot ----------------------------------------------------------------------


def build(world, size: int, offset: int = 0) -> None:
    tenant = world.tenant
    theme_ = ThemeFactory(tenant=tenant, title=f"Thema {offset}")
    for n in range(offset, offset + size):
        line_ = ActionLineFactory(tenant=tenant, theme=theme_, title=f"Lijn {n}")
        act = ActionFactory(
            tenant=tenant,
            action_line=line_,
            title=f"Actie {n}",
            owner=world.member(Role.LEAD).user,
            owner_organisation=world.school,
        )
        ind = IndicatorFactory(tenant=tenant, action=act, name=f"Indicator {n}")
        TargetFactory(tenant=tenant, indicator=ind)
        MeasurementFactory(tenant=tenant, indicator=ind, measured_on=datetime.date(2019, 1, 1))
        MeasurementFactory(
            tenant=tenant, indicator=ind, measured_on=datetime.date(2020, 1, 1), value=Decimal("71")
        )


def test_snapshot_holds_the_agenda_with_targets_and_latest_values(tenant_a, tenant_b):
    build(tenant_a, 1)
    build(tenant_b, 1)

    taken = agenda_snapshot(tenant=tenant_a.tenant)

    json.dumps(taken)  # plain JSON
    assert [t["title"] for t in taken["themes"]] == ["Thema 0"]
    entry = taken["themes"][0]["lines"][0]["actions"][0]
    assert entry["title"] == "Actie 0"
    assert entry["status"] == "running" and entry["priority"] == 2
    assert entry["owner"] == tenant_a.member(Role.LEAD).user.get_full_name()
    assert entry["owner_organisation"] == tenant_a.school.name
    (only,) = taken["indicators"]
    assert only["targets"] == [{"date": "2020-12-31", "value": "77"}]
    assert only["latest"] == {"date": "2020-01-01", "value": "71"}
    assert only["baseline"] == {"date": "2014-01-01", "value": "10"}
    assert only["attached_title"] == "Actie 0"


def test_snapshot_query_count_does_not_grow(tenant_a):
    build(tenant_a, 2)
    with CaptureQueriesContext(connection) as few:
        agenda_snapshot(tenant=tenant_a.tenant)
    build(tenant_a, 4, offset=2)
    with CaptureQueriesContext(connection) as many:
        agenda_snapshot(tenant=tenant_a.tenant)

    assert len(many) == len(few)
