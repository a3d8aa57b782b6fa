"""Indicators in the portal: their figures read in a constant number of queries, the
indicator page (chart, figures, target path, measurements, forms), and the services that
refuse bad input with nothing written."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agenda.indicator_maths import Forecast
from agenda.models import Indicator, Measurement, Target
from agenda.selectors.indicators import indicator_summaries
from agenda.services import indicators as services
from agenda.tests.factories import MeasurementFactory, TargetFactory
from agenda.tests.figures_data import action_in, betapunt, english, indicator_in
from portal.models import AuditEvent
from portal.roles import Role

D = Decimal
TODAY = datetime.date(2019, 6, 30)


def detail_url(indicator) -> str:
    return reverse("indicator_detail", args=[indicator.tenant.slug, indicator.pk])


def queries_of(callable_) -> int:
    with CaptureQueriesContext(connection) as captured:
        callable_()
    return len(captured)


# --- the figures ------------------------------------------------------------------------------


def test_summary_of_betapunt_noord(tenant_a):
    # given Bètapunt Noord's indicator, seen in mid-2019
    indicator = betapunt(tenant_a.tenant)

    # when its figures are read
    summary = indicator_summaries(tenant=tenant_a.tenant, indicators=[indicator], today=TODAY)[
        indicator.pk
    ]

    # then (see test_indicator_maths for the arithmetic) the latest value is 55 at the end of
    # 2018, on track (the path asked 53.48), 25/47 of the way from 30 to 77, expected to
    # reach 77 on 17 January 2021, after the target date
    assert (summary.latest_value, summary.latest_on) == (D(55), datetime.date(2018, 12, 31))
    assert summary.expected_value == D("53.48")
    assert summary.rag == "green"
    assert summary.next_target_value == D(77)
    assert summary.progress_percent == 53
    assert summary.forecast.status == Forecast.EXPECTED
    assert summary.forecast.on == datetime.date(2021, 1, 17)
    assert summary.forecast_is_late


def test_summaries_read_only_the_recent_measurements_unless_asked_for_the_series(tenant_a):
    # given an indicator measured every month for three years
    indicator = indicator_in(tenant_a.tenant, baseline_on=datetime.date(2020, 1, 1))
    for month in range(36):
        on = datetime.date(2021 + month // 12, month % 12 + 1, 1)
        MeasurementFactory(indicator=indicator, measured_on=on, value=D(month))

    # when the figures are read, and the series for a chart
    recent = indicator_summaries(tenant=tenant_a.tenant, indicators=[indicator])[indicator.pk]
    series = indicator_summaries(tenant=tenant_a.tenant, indicators=[indicator], series=True)[
        indicator.pk
    ]

    # then the figures take the last year (12 measurements), the chart all 36
    assert len(recent.measurements) == 12
    assert recent.measurements[0].on == datetime.date(2023, 1, 1)
    assert len(series.measurements) == 36
    assert recent.latest == series.latest


def test_summaries_take_two_queries_for_any_number_of_indicators(tenant_a):
    # given 3 and then 9 indicators with targets and measurements
    def make(count):
        made = []
        for _ in range(count):
            indicator = betapunt(tenant_a.tenant)
            MeasurementFactory(indicator=indicator, measured_on=datetime.date(2019, 3, 1))
            made.append(indicator)
        return made

    few, many = make(3), make(9)

    # when their figures are read
    def read(indicators):
        return lambda: indicator_summaries(tenant=tenant_a.tenant, indicators=indicators)

    # then the number of queries is the same: two
    assert queries_of(read(few)) == queries_of(read(many)) == 2


def test_summaries_skip_indicators_of_another_tenant(tenant_a, tenant_b):
    ours, theirs = betapunt(tenant_a.tenant), betapunt(tenant_b.tenant)
    summaries = indicator_summaries(tenant=tenant_a.tenant, indicators=[ours, theirs])
    assert set(summaries) == {ours.pk}


# --- the indicator page -----------------------------------------------------------------------


def test_indicator_page_shows_chart_figures_path_and_measurements(tenant_a, client_for):
    # given Bètapunt Noord's indicator, a measurement entered by the lead
    lead = tenant_a.member(Role.LEAD)
    indicator = betapunt(tenant_a.tenant)
    Measurement.objects.filter(indicator=indicator).update(entered_by=lead.user)

    # when the lead opens the indicator page
    response = english(client_for(lead)).get(detail_url(indicator))

    # then it shows the SVG chart with its description, the figures, the target path and
    # the measurements (the chart's data), with who entered them, and both forms
    assert response.status_code == 200
    page = response.content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="indicator-chart"' in page
    assert "<desc id=" in page and "Latest value 55" in page
    assert "On track (green)" in page
    assert "reached on 17 January 2021" in page
    assert "Target path" in page and "31 Dec 2020" in page
    assert "3 measurements, newest first" in page
    assert str(lead.user) in page
    assert 'name="measurement-value"' in page and 'name="target-due_on"' in page


def test_funder_sees_the_figures_but_not_who_entered_them(tenant_a, client_for):
    # given measurements entered by the lead
    lead = tenant_a.member(Role.LEAD)
    indicator = betapunt(tenant_a.tenant)
    Measurement.objects.filter(indicator=indicator).update(entered_by=lead.user)

    # when the funder opens the page
    response = english(client_for(tenant_a.member(Role.FUNDER))).get(detail_url(indicator))

    # then the figures are there, the person is not, and nothing can be added
    page = response.content.decode()
    assert response.status_code == 200
    assert "Latest value 55" in page
    assert "Entered by" not in page
    assert str(lead.user) not in page and lead.user.email not in page
    assert 'name="measurement-value"' not in page and 'name="target-due_on"' not in page


@pytest.mark.parametrize("role", [Role.ADMIN, Role.LEAD, Role.RELATIONS, Role.COMPANY])
def test_every_member_who_sees_the_agenda_may_open_the_page(role, tenant_a, client_for):
    indicator = betapunt(tenant_a.tenant)
    assert client_for(tenant_a.member(role)).get(detail_url(indicator)).status_code == 200


def test_indicator_page_query_count_does_not_grow_with_measurements(tenant_a, client_for):
    # given two indicators, one with 30 measurements and one with 90 (more than a page)
    def with_measurements(count):
        indicator = betapunt(tenant_a.tenant)
        for n in range(count):
            MeasurementFactory(
                indicator=indicator,
                measured_on=datetime.date(2015, 1, 1) + datetime.timedelta(days=7 * n),
                value=D(n),
            )
        return indicator

    few, many = with_measurements(30), with_measurements(90)
    client = client_for(tenant_a.member(Role.LEAD))
    client.get(detail_url(few))  # the session and the like, once

    # when both pages are opened
    counts = [queries_of(lambda i=i: client.get(detail_url(i))) for i in (few, many)]

    # then they take the same number of queries
    assert counts[0] == counts[1]


def test_indicator_list_shows_every_indicator_in_constant_queries(tenant_a, client_for):
    # given 2 and then 6 indicators
    client = english(client_for(tenant_a.member(Role.FUNDER)))
    url = reverse("indicator_list", args=[tenant_a.tenant.slug])
    for _ in range(2):
        betapunt(tenant_a.tenant)
    client.get(url)
    few = queries_of(lambda: client.get(url))
    for _ in range(4):
        betapunt(tenant_a.tenant)

    # when the list is opened
    many = queries_of(lambda: client.get(url))
    response = client.get(url)

    # then it lists all six with their status, in as many queries as for two
    assert few == many
    assert "6 indicators" in response.content.decode()
    assert response.content.decode().count("On track (green)") == 6


# --- adding measurements and targets ----------------------------------------------------------


def measurement_post(client, indicator, **values):
    data = {"measurement-measured_on": "2019-03-31", "measurement-value": "60"}
    data.update({f"measurement-{key}": value for key, value in values.items()})
    url = reverse("measurement_create", args=[indicator.tenant.slug, indicator.pk])
    return client.post(url, data)


def target_post(client, indicator, **values):
    data = {"target-due_on": "2024-12-31", "target-value": "100"}
    data.update({f"target-{key}": value for key, value in values.items()})
    url = reverse("target_create", args=[indicator.tenant.slug, indicator.pk])
    return client.post(url, data)


def test_lead_adds_a_measurement_and_the_figures_change(tenant_a, client_for):
    # given the Bètapunt indicator (latest 55, end of 2018)
    lead = tenant_a.member(Role.LEAD)
    indicator = betapunt(tenant_a.tenant)
    client = english(client_for(lead))

    # when the lead adds 60 for the end of March 2019
    response = measurement_post(client, indicator, source="DUO", note="Telling 1 oktober")

    # then it is saved, entered by the lead, audited, and the page shows it as the latest
    assert response.status_code == 302
    measurement = Measurement.objects.get(indicator=indicator, measured_on="2019-03-31")
    assert (measurement.value, measurement.entered_by, measurement.source) == (
        D(60),
        lead.user,
        "DUO",
    )
    event = AuditEvent.objects.get(action="measurement.create", target_id=str(measurement.pk))
    assert event.actor == lead.user and event.changes["value"] == [None, "60"]
    page = client.get(detail_url(indicator)).content.decode()
    assert "Latest value 60" in page


def test_a_measurement_in_dutch_notation_is_understood(tenant_a, client_for):
    client = client_for(tenant_a.member(Role.LEAD))
    client.cookies["portal_language"] = "nl"
    indicator = betapunt(tenant_a.tenant)

    response = measurement_post(client, indicator, value="56,5")

    assert response.status_code == 302
    assert Measurement.objects.filter(indicator=indicator, value=D("56.5")).exists()


def test_action_owner_may_add_measurements_to_the_actions_indicators(tenant_a, client_for):
    # given a school's relationship manager who owns (is kartrekker of) an action
    owner = tenant_a.member(Role.RELATIONS)
    action = action_in(tenant_a.tenant, owner=owner.user)
    own = betapunt(tenant_a.tenant, action=action)
    other = betapunt(tenant_a.tenant)
    client = english(client_for(owner))

    # when they add a measurement to their action's indicator and to another one
    allowed = measurement_post(client, own)
    refused = measurement_post(client, other)

    # then the first is saved and the second refused, without a trace
    assert allowed.status_code == 302
    assert refused.status_code == 403
    assert Measurement.objects.filter(measured_on="2019-03-31").count() == 1
    assert 'name="measurement-value"' in client.get(detail_url(own)).content.decode()


@pytest.mark.parametrize("role", [Role.COMPANY, Role.FUNDER, Role.RELATIONS])
def test_others_may_not_add_measurements_or_targets(role, tenant_a, client_for):
    indicator = betapunt(tenant_a.tenant)
    client = client_for(tenant_a.member(role))

    assert measurement_post(client, indicator).status_code == 403
    assert target_post(client, indicator).status_code == 403
    assert Measurement.objects.filter(indicator=indicator).count() == 3
    assert Target.objects.filter(indicator=indicator).count() == 2


def test_measurement_on_a_computed_indicator_is_refused(tenant_a, client_for):
    # given an indicator computed from the portal's own data
    indicator = indicator_in(tenant_a.tenant, metric="company_visits_logged")
    client = english(client_for(tenant_a.member(Role.LEAD)))

    # when the lead tries to type in a measurement
    response = measurement_post(client, indicator)

    # then it is refused with a message, and nothing is saved
    assert response.status_code == 400
    assert "computed from the portal&#x27;s own data" in response.content.decode()
    assert not Measurement.objects.filter(indicator=indicator).exists()
    with pytest.raises(ValidationError):
        services.measurement_create(
            tenant=tenant_a.tenant,
            actor=None,
            indicator=indicator,
            measured_on=datetime.date(2020, 1, 1),
            value=D(1),
        )


def test_measurement_before_the_baseline_or_in_the_future_is_a_field_error(tenant_a, client_for):
    indicator = betapunt(tenant_a.tenant)
    client = english(client_for(tenant_a.member(Role.LEAD)))
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    early = measurement_post(client, indicator, measured_on="2013-12-31")
    future = measurement_post(client, indicator, measured_on=tomorrow.isoformat())

    assert early.status_code == future.status_code == 400
    assert "cannot be dated before the baseline (2014-01-01)" in early.content.decode()
    assert "cannot be dated in the future" in future.content.decode()
    assert Measurement.objects.filter(indicator=indicator).count() == 3


def test_negative_values_refused_for_a_cumulative_indicator_only(tenant_a, client_for):
    # given a cumulative indicator and a point-in-time one (a balance can be negative)
    cumulative = betapunt(tenant_a.tenant)
    balance = indicator_in(
        tenant_a.tenant, kind=Indicator.Kind.POINT_IN_TIME, baseline_on=datetime.date(2014, 1, 1)
    )
    client = english(client_for(tenant_a.member(Role.LEAD)))

    # when a negative value is entered for both
    refused = measurement_post(client, cumulative, value="-3")
    allowed = measurement_post(client, balance, value="-3")

    # then the cumulative one says why, the other is saved
    assert refused.status_code == 400
    assert "counts up from zero" in refused.content.decode()
    assert allowed.status_code == 302
    assert Measurement.objects.filter(value=D(-3)).count() == 1


def test_measurement_for_an_indicator_of_another_tenant_is_not_found(
    tenant_a, tenant_b, client_for
):
    # given tenant B's indicator
    theirs = betapunt(tenant_b.tenant)
    client = client_for(tenant_a.member(Role.ADMIN))
    url = reverse("measurement_create", args=[tenant_a.tenant.slug, theirs.pk])

    # when A's admin posts a measurement for it under A's address
    response = client.post(url, {"measurement-measured_on": "2019-01-01", "measurement-value": "1"})

    # then it does not exist for them, and the service refuses it as well
    assert response.status_code == 404
    assert Measurement.objects.filter(indicator=theirs).count() == 3
    with pytest.raises(ValidationError):
        services.measurement_create(
            tenant=tenant_a.tenant,
            actor=None,
            indicator=theirs,
            measured_on=datetime.date(2019, 1, 1),
            value=D(1),
        )


def test_target_before_the_baseline_is_a_field_error(tenant_a, client_for):
    # given an indicator with its baseline on 1 January 2014
    indicator = betapunt(tenant_a.tenant)
    client = english(client_for(tenant_a.member(Role.LEAD)))

    # when a target for 2013, and one on the baseline's date, are added
    before = target_post(client, indicator, due_on="2013-06-30")
    same_day = target_post(client, indicator, due_on="2014-01-01")

    # then both are refused at the date field, and the path is unchanged
    for response in (before, same_day):
        assert response.status_code == 400
        assert "must be dated after the baseline (2014-01-01)" in response.content.decode()
        assert "utrecht-form-field--invalid" in response.content.decode()
    assert Target.objects.filter(indicator=indicator).count() == 2


def test_a_second_target_on_one_date_is_refused(tenant_a, client_for):
    indicator = betapunt(tenant_a.tenant)
    response = target_post(
        english(client_for(tenant_a.member(Role.LEAD))), indicator, due_on="2020-12-31"
    )
    assert response.status_code == 400
    assert "already a target on this date" in response.content.decode()
    assert Target.objects.get(indicator=indicator, due_on="2020-12-31").value == D(77)


def test_lead_adds_a_target_and_the_path_changes(tenant_a, client_for):
    indicator = betapunt(tenant_a.tenant)
    client = english(client_for(tenant_a.member(Role.LEAD)))

    response = target_post(client, indicator, due_on="2024-12-31", value="120")

    assert response.status_code == 302
    assert Target.objects.filter(indicator=indicator, due_on="2024-12-31", value=120).exists()
    assert AuditEvent.objects.filter(action="target.create").count() == 1
    summary = indicator_summaries(
        tenant=tenant_a.tenant, indicators=[indicator], today=datetime.date(2022, 1, 1)
    )[indicator.pk]
    assert summary.next_target_value == D(120)


def test_removing_a_measurement_and_a_target_is_audited(tenant_a, client_for):
    indicator = betapunt(tenant_a.tenant)
    measurement = indicator.measurements.first()
    target = indicator.targets.first()
    client = client_for(tenant_a.member(Role.LEAD))

    client.post(reverse("measurement_delete", args=[tenant_a.tenant.slug, measurement.pk]))
    client.post(reverse("target_delete", args=[tenant_a.tenant.slug, target.pk]))

    assert not Measurement.objects.filter(pk=measurement.pk).exists()
    assert not Target.objects.filter(pk=target.pk).exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"measurement.delete", "target.delete"} <= actions


# --- creating and changing indicators ------------------------------------------------------------


def indicator_data(**values) -> dict:
    data = {
        "name": "Leerlingen in techniekonderwijs",
        "unit": "leerlingen",
        "direction": "up",
        "kind": "point_in_time",
        "baseline_value": "1200",
        "baseline_on": "2024-01-01",
        "metric": "",
    }
    data.update(values)
    return data


def test_lead_creates_an_indicator_for_an_action(tenant_a, client_for):
    # given an action, and the "add an indicator" link of its page
    action = action_in(tenant_a.tenant)
    client = english(client_for(tenant_a.member(Role.LEAD)))
    url = reverse("indicator_create", args=[tenant_a.tenant.slug])
    form_page = client.get(url, {"action": action.pk}).content.decode()
    assert f'value="action:{action.pk}" selected' in form_page

    # when the form is sent
    response = client.post(url, indicator_data(attached_to=f"action:{action.pk}"))

    # then the indicator belongs to the action and the creation is audited
    indicator = Indicator.objects.get(name="Leerlingen in techniekonderwijs")
    assert response.status_code == 302
    assert (indicator.action, indicator.tenant) == (action, tenant_a.tenant)
    assert AuditEvent.objects.filter(action="indicator.create", target_id=str(indicator.pk))


def test_unknown_metric_is_a_field_error_in_the_form_and_the_service(tenant_a, client_for):
    # given a crafted form with a metric the registry does not know
    action = action_in(tenant_a.tenant)
    client = english(client_for(tenant_a.member(Role.LEAD)))
    url = reverse("indicator_create", args=[tenant_a.tenant.slug])

    # when it is sent
    response = client.post(
        url, indicator_data(attached_to=f"action:{action.pk}", metric="vacatures_gevuld")
    )

    # then the metric field says so and nothing is created; the service refuses it too
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Indicator.objects.exists()
    with pytest.raises(ValidationError) as raised:
        services.indicator_create(
            tenant=tenant_a.tenant,
            actor=None,
            action=action,
            name="x",
            direction="up",
            kind="cumulative",
            baseline_value=D(0),
            baseline_on=datetime.date(2024, 1, 1),
            metric="vacatures_gevuld",
        )
    assert "metric" in raised.value.message_dict


def test_a_computed_indicator_can_be_chosen_from_the_registry(tenant_a, client_for):
    action = action_in(tenant_a.tenant)
    client = english(client_for(tenant_a.member(Role.LEAD)))
    url = reverse("indicator_create", args=[tenant_a.tenant.slug])
    assert "Company visits logged" in client.get(url).content.decode()

    client.post(
        url, indicator_data(attached_to=f"action:{action.pk}", metric="company_visits_logged")
    )

    indicator = Indicator.objects.get()
    assert indicator.metric == "company_visits_logged"
    page = client.get(detail_url(indicator)).content.decode()
    assert "Computed from the portal" in page and 'name="measurement-value"' not in page


def test_an_indicator_cannot_be_attached_to_another_tenants_action(tenant_a, tenant_b, client_for):
    theirs = action_in(tenant_b.tenant)
    client = english(client_for(tenant_a.member(Role.LEAD)))
    response = client.post(
        reverse("indicator_create", args=[tenant_a.tenant.slug]),
        indicator_data(attached_to=f"action:{theirs.pk}"),
    )
    assert response.status_code == 400
    assert not Indicator.objects.exists()


def test_the_baseline_cannot_move_past_the_first_target(tenant_a, client_for):
    # given Bètapunt's indicator, its first target at the end of 2016
    indicator = betapunt(tenant_a.tenant)
    client = english(client_for(tenant_a.member(Role.LEAD)))

    # when the baseline is moved to 2017
    response = client.post(
        reverse("indicator_edit", args=[tenant_a.tenant.slug, indicator.pk]),
        indicator_data(name=indicator.name, kind="cumulative", baseline_on="2017-01-01"),
    )

    # then it is refused at the baseline date, and nothing changed
    assert response.status_code == 400
    assert "must come before the first target (2016-12-31)" in response.content.decode()
    indicator.refresh_from_db()
    assert indicator.baseline_on == datetime.date(2014, 1, 1)


def test_a_target_left_before_the_baseline_does_not_break_the_figures(tenant_a):
    # given a target that predates the baseline (written around the services)
    indicator = betapunt(tenant_a.tenant)
    TargetFactory(indicator=indicator, due_on=datetime.date(2013, 1, 1), value=D(1))

    summary = indicator_summaries(tenant=tenant_a.tenant, indicators=[indicator], today=TODAY)[
        indicator.pk
    ]

    # then it is left off the path
    assert [t.due_on.year for t in summary.targets] == [2016, 2020]
    assert summary.rag == "green"
