"""The agenda's API: the structure (themes, action lines, actions, milestones), the figures
(indicators, measurements, budget lines), progress updates, and idempotent batches of
measurements.

The pages' rules hold: funders see figures but no people; agenda editors write the
structure; the owner of an action reports on it; a locked period stays as it was reported.
"""

from __future__ import annotations

import datetime
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from agenda.models import (
    Action,
    ActionLine,
    Measurement,
    MeasurementBatch,
    Milestone,
    ProgressUpdate,
    Theme,
)
from agenda.services import indicators as indicator_services
from agenda.tests.factories import (
    ActionFactory,
    ActionLineFactory,
    BudgetEntryFactory,
    BudgetLineFactory,
    IndicatorFactory,
    MeasurementFactory,
    MilestoneFactory,
    ProgressUpdateFactory,
    TargetFactory,
    ThemeFactory,
)
from partnerships.tests.factories import OrganisationFactory
from portal.roles import Role

pytestmark = pytest.mark.django_db

Q3_DAY = datetime.date(2026, 8, 14)  # in the 2026 Q3 period of ProgressUpdateFactory


def api(membership=None) -> APIClient:
    client = APIClient()
    client.cookies["portal_language"] = "en"
    if membership is not None:
        client.force_login(membership.user)
    return client


def url(world, path: str) -> str:
    return f"/api/v1/{world.tenant.slug}/{path}"


def ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


def fields_of(response) -> list[str | None]:
    return [error["field"] for error in response.json()["errors"]]


def list_queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return len(queries)


def action_in(world, **fields) -> Action:
    line = ActionLineFactory(tenant=world.tenant, theme__tenant=world.tenant)
    return ActionFactory(tenant=world.tenant, action_line=line, **fields)


def indicator_in(world, **fields):
    fields.setdefault("action", action_in(world))
    return IndicatorFactory(tenant=world.tenant, **fields)


# --- themes, action lines, actions ---------------------------------------------------------


def test_members_who_see_the_agenda_list_themes_funders_do_not(tenant_a):
    # given a theme
    theme = ThemeFactory(tenant=tenant_a.tenant)

    # when a relations member and a funder list the themes
    relations = api(tenant_a.member(Role.RELATIONS)).get(url(tenant_a, "themes/"))
    funder = api(tenant_a.member(Role.FUNDER)).get(url(tenant_a, "themes/"))

    # then the member sees it; the funder is refused, as on the board page
    assert ids(relations) == {theme.pk}
    assert funder.status_code == 403


def test_lead_creates_and_changes_a_theme_relations_may_not(tenant_a):
    # given a lead and a relations member
    lead, relations = api(tenant_a.member(Role.LEAD)), api(tenant_a.member(Role.RELATIONS))

    # when the lead creates a theme and renames it, and the relations member tries to create one
    created = lead.post(url(tenant_a, "themes/"), {"title": "Techniek"}, format="json")
    renamed = lead.patch(
        url(tenant_a, f"themes/{created.json()['id']}/"), {"title": "Techniek & ICT"}
    )
    refused = relations.post(url(tenant_a, "themes/"), {"title": "Zorg"}, format="json")

    # then the lead's went through the services; the relations member's did not
    assert created.status_code == 201, created.content
    assert renamed.status_code == 200, renamed.content
    assert refused.status_code == 403
    assert list(Theme.objects.values_list("title", flat=True)) == ["Techniek & ICT"]


def test_action_line_under_another_tenants_theme_is_a_400(tenant_a, tenant_b):
    # given a theme of tenant B
    foreign = ThemeFactory(tenant=tenant_b.tenant)

    # when A's lead adds an action line under it
    response = api(tenant_a.member(Role.LEAD)).post(
        url(tenant_a, "action-lines/"), {"theme": foreign.pk, "title": "Lijn"}, format="json"
    )

    # then the theme does not exist for A, nothing stored
    assert response.status_code == 400
    assert fields_of(response) == ["theme"]
    assert not ActionLine.objects.exists()


def test_lead_creates_an_action_with_partners_and_owner(tenant_a):
    # given an action line and a partner organisation of the tenant
    line = ActionLineFactory(tenant=tenant_a.tenant, theme__tenant=tenant_a.tenant)
    partner = OrganisationFactory(tenant=tenant_a.tenant)
    owner = tenant_a.member(Role.RELATIONS).user

    # when the lead creates an action
    response = api(tenant_a.member(Role.LEAD)).post(
        url(tenant_a, "actions/"),
        {
            "action_line": line.pk,
            "title": "Gastlessen techniek",
            "owner": owner.pk,
            "partners": [partner.pk],
        },
        format="json",
    )

    # then it exists with its owner and partner
    assert response.status_code == 201, response.content
    action = Action.objects.get(pk=response.json()["id"])
    assert action.owner == owner
    assert list(action.partners.all()) == [partner]
    assert response.json()["partners"] == [partner.pk]


def test_action_with_another_tenants_owner_or_partner_is_a_400(tenant_a, tenant_b):
    # given an action of A
    action = action_in(tenant_a, title="Oud")

    # when A's lead names B's organisation as a partner, and B's user as the owner
    client = api(tenant_a.member(Role.LEAD))
    partner = client.patch(
        url(tenant_a, f"actions/{action.pk}/"),
        {"partners": [tenant_b.company.pk], "title": "Nieuw"},
        format="json",
    )
    owner = client.patch(
        url(tenant_a, f"actions/{action.pk}/"),
        {"owner": tenant_b.member(Role.LEAD).user.pk, "title": "Nieuw"},
        format="json",
    )

    # then both are 400s, nothing changed
    assert (partner.status_code, owner.status_code) == (400, 400)
    assert fields_of(partner) == ["partners"]
    assert fields_of(owner) == ["owner"]
    action.refresh_from_db()
    assert action.title == "Oud"
    assert not action.partners.exists()


def test_other_tenants_action_in_the_path_is_not_found(tenant_a, tenant_b):
    # given an action of tenant B
    foreign = action_in(tenant_b, title="Van B")

    # when A's lead reads and changes it under A's slug
    client = api(tenant_a.member(Role.LEAD))
    read = client.get(url(tenant_a, f"actions/{foreign.pk}/"))
    changed = client.patch(url(tenant_a, f"actions/{foreign.pk}/"), {"title": "X"}, format="json")

    # then it is not found, and unchanged
    assert (read.status_code, changed.status_code) == (404, 404)
    foreign.refresh_from_db()
    assert foreign.title == "Van B"


# --- milestones ----------------------------------------------------------------------------


def test_the_actions_owner_adds_a_milestone_other_relations_members_may_not(tenant_a):
    # given an action owned by the relations member, and another action
    owner = tenant_a.member(Role.RELATIONS)
    own, others = action_in(tenant_a, owner=owner.user), action_in(tenant_a)
    body = {"title": "Eerste gastles", "due_on": "2026-12-15"}

    # when the owner adds a milestone to each
    client = api(owner)
    added = client.post(url(tenant_a, "milestones/"), {**body, "action": own.pk}, format="json")
    refused = client.post(
        url(tenant_a, "milestones/"), {**body, "action": others.pk}, format="json"
    )

    # then only the own action's is stored
    assert added.status_code == 201, added.content
    assert refused.status_code == 403
    assert list(Milestone.objects.values_list("action_id", flat=True)) == [own.pk]


def test_milestone_in_a_locked_period_is_refused(tenant_a):
    # given an action whose 2026 Q3 update is approved, and a milestone due in that quarter
    action = action_in(tenant_a)
    ProgressUpdateFactory(
        tenant=tenant_a.tenant,
        action=action,
        status=ProgressUpdate.Status.APPROVED,
        approved_at=timezone.now(),
    )
    milestone = MilestoneFactory(tenant=tenant_a.tenant, action=action, due_on=Q3_DAY)

    # when the lead marks it done in the locked quarter
    response = api(tenant_a.member(Role.LEAD)).patch(
        url(tenant_a, f"milestones/{milestone.pk}/"),
        {"done_on": Q3_DAY.isoformat(), "evidence": "Verslag"},
        format="json",
    )

    # then it is refused with the lock's message, unchanged
    assert response.status_code == 400
    assert "locked" in response.json()["errors"][0]["message"]
    milestone.refresh_from_db()
    assert milestone.done_on is None


# --- indicators and measurements -----------------------------------------------------------


def test_funder_sees_indicators_with_their_figures(tenant_a):
    # given an indicator with a target and a measurement
    indicator = indicator_in(tenant_a, baseline_value=Decimal("10"))
    TargetFactory(
        tenant=tenant_a.tenant, indicator=indicator, due_on=datetime.date(2027, 12, 31), value=50
    )
    MeasurementFactory(
        tenant=tenant_a.tenant, indicator=indicator, measured_on=Q3_DAY, value=Decimal("30")
    )

    # when a funder lists the indicators
    response = api(tenant_a.member(Role.FUNDER)).get(url(tenant_a, "indicators/"))

    # then the figures are there: latest value, next target, a status
    assert response.status_code == 200, response.content
    figures = response.json()["results"][0]["figures"]
    assert figures["latest_value"] == "30"
    assert figures["latest_on"] == Q3_DAY.isoformat()
    assert figures["next_target_value"] == "50"
    assert figures["rag"] in {"green", "amber", "red"}


def test_funder_sees_measurements_but_not_who_entered_them(tenant_a):
    # given a measurement entered by the lead
    lead = tenant_a.member(Role.LEAD)
    MeasurementFactory(
        tenant=tenant_a.tenant, indicator=indicator_in(tenant_a), entered_by=lead.user
    )

    # when the funder and the lead list measurements
    funder = api(tenant_a.member(Role.FUNDER)).get(url(tenant_a, "measurements/"))
    member = api(lead).get(url(tenant_a, "measurements/"))

    # then only the member sees the person
    assert funder.json()["results"][0]["entered_by_name"] is None
    assert member.json()["results"][0]["entered_by_name"] == lead.user.get_full_name()


def test_lead_adds_a_measurement_funder_may_not(tenant_a):
    # given an indicator
    indicator = indicator_in(tenant_a)
    body = {"indicator": indicator.pk, "measured_on": "2026-10-01", "value": "12.5"}

    # when the lead and the funder add a measurement
    added = api(tenant_a.member(Role.LEAD)).post(url(tenant_a, "measurements/"), body)
    refused = api(tenant_a.member(Role.FUNDER)).post(url(tenant_a, "measurements/"), body)

    # then only the lead's is stored
    assert added.status_code == 201, added.content
    assert refused.status_code == 403
    assert list(Measurement.objects.values_list("value", flat=True)) == [Decimal("12.5")]


def test_measurement_in_a_locked_period_is_a_400_with_the_reason(tenant_a):
    # given an indicator of an action whose 2026 Q3 update was approved
    indicator = indicator_in(tenant_a)
    ProgressUpdateFactory(
        tenant=tenant_a.tenant,
        action=indicator.action,
        status=ProgressUpdate.Status.APPROVED,
        approved_at=timezone.now(),
    )

    # when the lead adds a measurement dated in that quarter
    response = api(tenant_a.member(Role.LEAD)).post(
        url(tenant_a, "measurements/"),
        {"indicator": indicator.pk, "measured_on": Q3_DAY.isoformat(), "value": "5"},
    )

    # then it is refused on the date, with a message that says why, and nothing stored
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    error = response.json()["errors"][0]
    assert error["field"] == "measured_on"
    assert "is locked" in error["message"]
    assert not Measurement.objects.exists()


def test_measurement_for_another_tenants_indicator_is_a_400(tenant_a, tenant_b):
    # given an indicator of tenant B
    foreign = indicator_in(tenant_b)

    # when A's lead measures it
    response = api(tenant_a.member(Role.LEAD)).post(
        url(tenant_a, "measurements/"),
        {"indicator": foreign.pk, "measured_on": "2026-10-01", "value": "5"},
    )

    # then it does not exist for A, nothing stored
    assert response.status_code == 400
    assert fields_of(response) == ["indicator"]
    assert not Measurement.objects.exists()


# --- batches of measurements ---------------------------------------------------------------


def batch(key: str, *rows: dict) -> dict:
    return {"idempotency_key": key, "measurements": list(rows)}


def row(indicator, day: str = "2026-10-01", value: str = "5") -> dict:
    return {"indicator": indicator.pk, "measured_on": day, "value": value}


def test_the_same_batch_sent_twice_is_stored_once(tenant_a):
    # given two indicators and a batch for them
    first, second = indicator_in(tenant_a), indicator_in(tenant_a)
    body = batch("sync-2026-10-01", row(first, value="5"), row(second, value="7.25"))
    client = api(tenant_a.member(Role.LEAD))

    # when it is sent twice (the second time spelling a value differently)
    created = client.post(url(tenant_a, "measurements/bulk/"), body)
    resent_body = batch("sync-2026-10-01", row(first, value="5.0"), row(second, value="7.25"))
    repeated = client.post(url(tenant_a, "measurements/bulk/"), resent_body)

    # then the first stored both rows, the second stored nothing and answered the same
    assert created.status_code == 201, created.content
    assert repeated.status_code == 200, repeated.content
    assert repeated.json() == created.json()
    assert Measurement.objects.count() == 2
    assert MeasurementBatch.objects.count() == 1
    assert [m["value"] for m in created.json()["measurements"]] == ["5.0000", "7.2500"]
    # ... and the stored answer names no one
    assert {m["entered_by_name"] for m in created.json()["measurements"]} == {None}


def test_a_batch_with_one_bad_row_stores_nothing(tenant_a):
    # given an indicator whose 2026 Q3 period is locked, and a good indicator
    locked, good = indicator_in(tenant_a), indicator_in(tenant_a)
    ProgressUpdateFactory(
        tenant=tenant_a.tenant,
        action=locked.action,
        status=ProgressUpdate.Status.APPROVED,
        approved_at=timezone.now(),
    )
    client = api(tenant_a.member(Role.LEAD))

    # when a batch has a good row, a row in the locked period and one in the future
    response = client.post(
        url(tenant_a, "measurements/bulk/"),
        batch(
            "batch-1",
            row(good),
            row(locked, day=Q3_DAY.isoformat()),
            row(good, day=(timezone.localdate() + datetime.timedelta(days=3)).isoformat()),
        ),
    )

    # then it is a 400 naming each bad row, and nothing (not even the key) was stored
    assert response.status_code == 400, response.content
    assert set(fields_of(response)) == {"measurements.1.measured_on", "measurements.2.measured_on"}
    assert not Measurement.objects.exists()
    assert not MeasurementBatch.objects.exists()
    # ... so the corrected batch can be sent under the same key
    fixed = client.post(url(tenant_a, "measurements/bulk/"), batch("batch-1", row(good)))
    assert fixed.status_code == 201
    assert Measurement.objects.count() == 1


def test_a_batch_with_a_malformed_row_stores_nothing(tenant_a):
    # given an indicator
    indicator = indicator_in(tenant_a)

    # when a batch has a row with a value that is not a number
    response = api(tenant_a.member(Role.LEAD)).post(
        url(tenant_a, "measurements/bulk/"),
        batch("batch-2", row(indicator), row(indicator, value="veel")),
    )

    # then the row is named and nothing is stored
    assert response.status_code == 400
    assert fields_of(response) == ["measurements.1.value"]
    assert not Measurement.objects.exists()


def test_a_reused_key_with_other_rows_is_refused(tenant_a):
    # given a batch stored under a key
    indicator = indicator_in(tenant_a)
    client = api(tenant_a.member(Role.LEAD))
    client.post(url(tenant_a, "measurements/bulk/"), batch("k-1", row(indicator, value="5")))

    # when other rows are sent under the same key
    response = client.post(
        url(tenant_a, "measurements/bulk/"), batch("k-1", row(indicator, value="6"))
    )

    # then it is a 409 problem, and nothing new was stored
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_reused"
    assert list(Measurement.objects.values_list("value", flat=True)) == [Decimal("5")]


def test_keys_are_per_tenant(tenant_a, tenant_b):
    # given a batch stored under a key in tenant A
    api(tenant_a.member(Role.LEAD)).post(
        url(tenant_a, "measurements/bulk/"), batch("shared-key", row(indicator_in(tenant_a)))
    )

    # when tenant B uses the same key for its own rows
    response = api(tenant_b.member(Role.LEAD)).post(
        url(tenant_b, "measurements/bulk/"), batch("shared-key", row(indicator_in(tenant_b)))
    )

    # then B's batch is stored: the key is B's own
    assert response.status_code == 201, response.content
    assert Measurement.objects.filter(tenant=tenant_b.tenant).count() == 1


def test_a_batch_with_another_tenants_indicator_is_a_400(tenant_a, tenant_b):
    response = api(tenant_a.member(Role.LEAD)).post(
        url(tenant_a, "measurements/bulk/"),
        batch("k-2", row(indicator_in(tenant_a)), row(indicator_in(tenant_b))),
    )
    assert response.status_code == 400
    assert fields_of(response) == ["measurements.1.indicator"]
    assert not Measurement.objects.exists()


def test_funder_cannot_send_a_batch(tenant_a):
    response = api(tenant_a.member(Role.FUNDER)).post(
        url(tenant_a, "measurements/bulk/"), batch("k-3", row(indicator_in(tenant_a)))
    )
    assert response.status_code == 403
    assert not Measurement.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_same_batch_sent_twice_at_the_same_moment_is_stored_once(tenant_a, monkeypatch):
    # given a batch, and both requests held after their checks until the other is there too
    indicator = indicator_in(tenant_a)
    body = batch("concurrent", row(indicator, value="5"), row(indicator, day="2026-10-02"))
    lead = tenant_a.member(Role.LEAD)
    barrier = threading.Barrier(2, timeout=20)
    fingerprint = indicator_services.measurement_batch_fingerprint

    def fingerprint_together(rows):
        barrier.wait()
        return fingerprint(rows)

    monkeypatch.setattr(indicator_services, "measurement_batch_fingerprint", fingerprint_together)
    # ... and the rows slow, so the first is still uncommitted when the second looks for the
    # key: only the unique (tenant, key) index can stop the second
    measurement_create = indicator_services.measurement_create

    def slow_measurement_create(**kwargs):
        time.sleep(0.3)
        return measurement_create(**kwargs)

    monkeypatch.setattr(indicator_services, "measurement_create", slow_measurement_create)
    responses = []

    def send() -> None:
        try:
            responses.append(api(lead).post(url(tenant_a, "measurements/bulk/"), body))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]

    # when both are sent at once
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # then one stored the batch, the other waited for it and answered with its result
    assert sorted(response.status_code for response in responses) == [200, 201]
    assert responses[0].json() == responses[1].json()
    assert Measurement.objects.count() == 2
    assert MeasurementBatch.objects.count() == 1


# --- budget lines and progress updates -----------------------------------------------------


def test_funder_sees_budget_lines_with_their_sums(tenant_a):
    # given a budget line with a commitment and a spending
    line = BudgetLineFactory(
        tenant=tenant_a.tenant, action=action_in(tenant_a), planned_amount=Decimal("1000.00")
    )
    BudgetEntryFactory(tenant=tenant_a.tenant, budget_line=line, amount=Decimal("100.00"))
    BudgetEntryFactory(
        tenant=tenant_a.tenant, budget_line=line, kind="commitment", amount=Decimal("250.00")
    )

    # when the funder lists the budget lines
    response = api(tenant_a.member(Role.FUNDER)).get(url(tenant_a, "budget-lines/"))

    # then the sums are there
    result = response.json()["results"][0]
    assert (result["planned_amount"], result["committed"], result["spent"]) == (
        "1000.00",
        "250.00",
        "100.00",
    )
    assert result["available"] == "650.00"


def test_progress_updates_are_for_members_who_see_the_agenda_not_funders(tenant_a):
    # given an update submitted by the action's owner
    owner = tenant_a.member(Role.RELATIONS)
    update = ProgressUpdateFactory(
        tenant=tenant_a.tenant,
        action=action_in(tenant_a, owner=owner.user),
        status=ProgressUpdate.Status.SUBMITTED,
        submitted_by=owner.user,
    )

    # when a company member and a funder ask for it
    member = api(tenant_a.member(Role.COMPANY)).get(url(tenant_a, f"progress-updates/{update.pk}/"))
    funder = api(tenant_a.member(Role.FUNDER)).get(url(tenant_a, "progress-updates/"))

    # then the member reads it (with who submitted it); the funder is refused
    assert member.json()["submitted_by_name"] == owner.user.get_full_name()
    assert funder.status_code == 403


def test_owner_starts_and_submits_an_update(tenant_a):
    # given an action owned by the relations member
    owner = tenant_a.member(Role.RELATIONS)
    action = action_in(tenant_a, owner=owner.user)
    client = api(owner)

    # when the owner starts the update of 2026 Q4 and submits it
    started = client.post(
        url(tenant_a, "progress-updates/"),
        {"action": action.pk, "period": "2026-Q4", "health": "on_track", "done": "Twee lessen"},
    )
    submitted = client.post(url(tenant_a, f"progress-updates/{started.json()['id']}/submit/"))

    # then the update is submitted for its period
    assert started.status_code == 201, started.content
    assert started.json()["period"] == "2026-Q4"
    assert submitted.status_code == 200, submitted.content
    assert ProgressUpdate.objects.get().status == ProgressUpdate.Status.SUBMITTED


def test_update_for_a_period_not_begun_or_by_a_stranger_is_refused(tenant_a):
    # given an action the company member does not own
    action = action_in(tenant_a)

    # when the lead asks for a future quarter, and the company member for this one
    future = api(tenant_a.member(Role.LEAD)).post(
        url(tenant_a, "progress-updates/"),
        {"action": action.pk, "period": "2030-Q1", "health": "on_track"},
    )
    stranger = api(tenant_a.member(Role.COMPANY)).post(
        url(tenant_a, "progress-updates/"),
        {"action": action.pk, "period": "2026-Q4", "health": "on_track"},
    )

    # then both are refused, nothing stored
    assert future.status_code == 400
    assert fields_of(future) == ["period"]
    assert stranger.status_code == 403
    assert not ProgressUpdate.objects.exists()


# --- query counts of every list ------------------------------------------------------------


def _make_rows(world, n: int) -> None:
    """``n`` rows of every agenda resource, each with what its list shows."""
    lead = world.member(Role.LEAD)
    for _ in range(n):
        action = action_in(world, owner=lead.user)
        action.partners.add(OrganisationFactory(tenant=world.tenant))
        MilestoneFactory(tenant=world.tenant, action=action)
        indicator = IndicatorFactory(tenant=world.tenant, action=action)
        TargetFactory(tenant=world.tenant, indicator=indicator)
        MeasurementFactory(tenant=world.tenant, indicator=indicator, entered_by=lead.user)
        line = BudgetLineFactory(tenant=world.tenant, action=action)
        BudgetEntryFactory(tenant=world.tenant, budget_line=line)
        ProgressUpdateFactory(
            tenant=world.tenant,
            action=action,
            submitted_by=lead.user,
            approved_by=lead.user,
            status=ProgressUpdate.Status.APPROVED,
        )


@pytest.mark.parametrize(
    "path",
    [
        "themes/",
        "action-lines/",
        "actions/",
        "milestones/",
        "indicators/",
        "measurements/",
        "budget-lines/",
        "progress-updates/",
    ],
)
def test_list_queries_do_not_grow_with_rows(tenant_a, path):
    # given N rows of each resource
    client = api(tenant_a.member(Role.LEAD))
    _make_rows(tenant_a, 2)
    few = list_queries(client, url(tenant_a, path))

    # when there are three times as many
    _make_rows(tenant_a, 4)
    many = list_queries(client, url(tenant_a, path))

    # then the list costs the same number of queries
    assert many == few


# --- tokens and anonymous clients ----------------------------------------------------------


def test_a_read_write_token_sends_a_batch_a_read_only_token_may_not(tenant_a, api_client_for):
    # given an indicator, and a lead's read-only and read-write tokens
    indicator = indicator_in(tenant_a)
    lead = tenant_a.member(Role.LEAD)
    read_only = api_client_for(lead, read_only=True)
    read_write = api_client_for(lead, token=True)

    # when each sends a batch
    refused = read_only.post(url(tenant_a, "measurements/bulk/"), batch("t-1", row(indicator)))
    stored = read_write.post(url(tenant_a, "measurements/bulk/"), batch("t-2", row(indicator)))

    # then only the read-write token stored one; the read-only one still reads
    assert refused.status_code == 403
    assert stored.status_code == 201, stored.content
    assert Measurement.objects.count() == 1
    assert read_only.get(url(tenant_a, "measurements/")).status_code == 200


def test_anonymous_clients_must_authenticate_for_the_agenda(tenant_a):
    indicator = indicator_in(tenant_a)
    client = api()
    assert client.get(url(tenant_a, "indicators/")).status_code == 401
    response = client.post(url(tenant_a, "measurements/bulk/"), batch("a-1", row(indicator)))
    assert response.status_code == 401
    assert not Measurement.objects.exists()
