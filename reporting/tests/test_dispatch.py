"""The periodic dispatch: a due schedule makes one run for the newest period whose waiting
days have passed, never two (one after the other or at the same moment), never one for an
older period; a wait longer than the period itself still reports every period once."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connections

from portal.models import AuditEvent
from portal.tests.factories import TenantFactory
from reporting.models import ReportRun
from reporting.periods import period_containing
from reporting.services import runs as services
from reporting.tests.factories import ReportRunFactory, ReportScheduleFactory

D = datetime.date


@pytest.mark.django_db
def test_a_schedule_is_due_ten_days_after_the_quarter_ends(django_capture_on_commit_callbacks):
    # given a quarterly schedule, made at the start of 2026, that runs 10 days after each
    # quarter (so Q4 2025, which ended before it was made, is not reported)
    schedule = ReportScheduleFactory(days_after_period_end=10, starts_on=D(2026, 1, 1))

    # when the dispatch runs on the 9th and on the 10th day after Q1 ends
    with django_capture_on_commit_callbacks() as callbacks:
        too_early = services.report_schedules_dispatch(today=D(2026, 4, 9))
        due = services.report_schedules_dispatch(today=D(2026, 4, 10))

    # then only the second makes a run, of Q1, queued once and recorded
    assert too_early == []
    assert [(run.period_start, run.period_end) for run in due] == [(D(2026, 1, 1), D(2026, 3, 31))]
    assert due[0].definition == schedule.definition
    assert due[0].requested_by is None
    assert len(callbacks) == 1
    assert AuditEvent.objects.filter(action="report_run.schedule").count() == 1
    schedule.refresh_from_db()
    assert schedule.last_dispatched_at is not None


@pytest.mark.django_db
def test_dispatching_twice_makes_one_run(django_capture_on_commit_callbacks):
    # given a due quarterly schedule
    ReportScheduleFactory(days_after_period_end=10)

    # when the dispatch runs twice (two beats, or a beat and a redelivery)
    with django_capture_on_commit_callbacks() as callbacks:
        first = services.report_schedules_dispatch(today=D(2026, 5, 1))
        second = services.report_schedules_dispatch(today=D(2026, 5, 2))

    # then there is one run, sent once
    assert len(first) == 1
    assert second == []
    assert ReportRun.objects.count() == 1
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_only_the_latest_finished_period_is_dispatched():
    # given a schedule created long after its first quarters ended
    ReportScheduleFactory(days_after_period_end=10)

    # when the dispatch runs in mid-August
    runs = services.report_schedules_dispatch(today=D(2026, 8, 15))

    # then only Q2 gets a run, not Q1 or earlier
    assert [(run.period_start, run.period_end) for run in runs] == [(D(2026, 4, 1), D(2026, 6, 30))]
    assert ReportRun.objects.count() == 1


@pytest.mark.django_db
def test_a_period_that_ended_before_starts_on_is_not_dispatched():
    # given a schedule that starts with periods ending on or after 1 July 2026
    ReportScheduleFactory(days_after_period_end=10, starts_on=D(2026, 7, 1))

    # when the dispatch runs after Q2 and after Q3
    after_q2 = services.report_schedules_dispatch(today=D(2026, 7, 20))
    after_q3 = services.report_schedules_dispatch(today=D(2026, 10, 20))

    # then Q2 (ended 30 June) is skipped and Q3 is reported
    assert after_q2 == []
    assert [run.period_start for run in after_q3] == [D(2026, 7, 1)]


@pytest.mark.django_db
def test_disabled_schedules_and_definitions_without_sections_are_skipped():
    ReportScheduleFactory(enabled=False)
    ReportScheduleFactory(definition__sections=[])
    assert services.report_schedules_dispatch(today=D(2026, 5, 1)) == []
    assert not ReportRun.objects.exists()


@pytest.mark.django_db
def test_a_run_made_on_request_is_not_made_again_by_the_schedule():
    # given a run of Q1 that an admin already asked for
    schedule = ReportScheduleFactory()
    ReportRunFactory(
        tenant=schedule.tenant,
        definition=schedule.definition,
        period_start=D(2026, 1, 1),
        period_end=D(2026, 3, 31),
    )

    # when the schedule becomes due for Q1
    runs = services.report_schedules_dispatch(today=D(2026, 4, 15))

    # then no second run is made
    assert runs == []
    assert ReportRun.objects.count() == 1


@pytest.mark.django_db
def test_month_half_year_and_year_schedules():
    month = ReportScheduleFactory(definition__period_kind="month", days_after_period_end=0)
    half = ReportScheduleFactory(definition__period_kind="half_year", days_after_period_end=5)
    year = ReportScheduleFactory(definition__period_kind="year", days_after_period_end=31)

    runs = {
        run.definition_id: run for run in services.report_schedules_dispatch(today=D(2027, 2, 1))
    }

    assert (runs[month.definition_id].period_start, runs[month.definition_id].period_end) == (
        D(2027, 1, 1),
        D(2027, 1, 31),
    )
    assert runs[half.definition_id].period_start == D(2026, 7, 1)
    assert runs[year.definition_id].period_end == D(2026, 12, 31)


@pytest.mark.django_db(transaction=True)
def test_two_dispatches_at_the_same_moment_make_one_run():
    # given a due schedule, committed, and two processes' worth of connections
    tenant = TenantFactory()
    ReportScheduleFactory(tenant=tenant, days_after_period_end=10)
    barrier = threading.Barrier(2)
    created: list[int] = []
    errors: list[BaseException] = []

    def dispatch() -> None:
        try:
            barrier.wait(timeout=10)
            created.extend(
                run.pk for run in services.report_schedules_dispatch(today=D(2026, 5, 1))
            )
        except BaseException as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)
        finally:
            connections.close_all()

    # when two dispatches run at once (two beats, on two connections)
    threads = [threading.Thread(target=dispatch) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # then neither failed, exactly one run exists, and only one of them made it
    assert errors == []
    assert ReportRun.objects.count() == 1
    assert created == [ReportRun.objects.get().pk]
    assert AuditEvent.objects.filter(action="report_run.schedule").count() == 1


@pytest.mark.django_db
def test_runs_waiting_too_long_are_sent_again():
    # given a run queued long ago (its task lost) and one queued just now
    old = ReportRunFactory()
    ReportRun.objects.filter(pk=old.pk).update(
        requested_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    )
    ReportRunFactory()
    done = ReportRunFactory(status=ReportRun.Status.FAILED)
    ReportRun.objects.filter(pk=done.pk).update(
        requested_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    )

    # when the periodic dispatch looks for them
    resent = services.report_runs_requeue_stale()

    # then only the old queued one is sent again
    assert resent == [old.pk]


def dispatch_every_day(first: datetime.date, last: datetime.date) -> list[tuple]:
    """Run the dispatch on each day from ``first`` to ``last``; (day, period) of each run made."""
    made = []
    day = first
    while day <= last:
        made.extend(
            (day, (run.period_start, run.period_end))
            for run in services.report_schedules_dispatch(today=day)
        )
        day += datetime.timedelta(days=1)
    return made


@pytest.mark.django_db
def test_a_month_with_45_days_to_wait_reports_every_month_once():
    # given a monthly schedule from January 2026 that waits 45 days after each month: longer
    # than a month, so a month is due only after the next one has ended
    ReportScheduleFactory(
        definition__period_kind="month", days_after_period_end=45, starts_on=D(2026, 1, 1)
    )

    # when the dispatch runs every day of 2026 and into 2027, past December's due day
    made = dispatch_every_day(D(2026, 1, 1), D(2027, 2, 14))

    # then each month of 2026 got its run exactly once, on its 45th day after the month
    months = [period for _day, period in made]
    assert months == [
        (D(2026, month, 1), period_containing("month", D(2026, month, 1)).end)
        for month in range(1, 13)
    ]
    assert all(day == end + datetime.timedelta(days=45) for day, (_start, end) in made)
    assert ReportRun.objects.count() == 12


@pytest.mark.django_db
def test_a_quarter_with_100_days_to_wait_reports_every_quarter_once():
    # given a quarterly schedule from January 2026 that waits 100 days after each quarter
    ReportScheduleFactory(days_after_period_end=100, starts_on=D(2026, 1, 1))

    # when the dispatch runs every day until Q4 2026 is due (10 April 2027)
    made = dispatch_every_day(D(2026, 1, 1), D(2027, 4, 10))

    # then each quarter of 2026 got its run exactly once, on its 100th day after the quarter
    assert made == [
        (D(2026, 7, 9), (D(2026, 1, 1), D(2026, 3, 31))),
        (D(2026, 10, 8), (D(2026, 4, 1), D(2026, 6, 30))),
        (D(2027, 1, 8), (D(2026, 7, 1), D(2026, 9, 30))),
        (D(2027, 4, 10), (D(2026, 10, 1), D(2026, 12, 31))),
    ]
    assert ReportRun.objects.count() == 4


@pytest.mark.django_db
def test_a_long_wait_reports_the_newest_due_period_not_the_latest_finished_one():
    # given a monthly schedule waiting 45 days
    schedule = ReportScheduleFactory(definition__period_kind="month", days_after_period_end=45)

    # when it is asked on 20 May 2026 (April ended 20 days ago, March 50 days ago)
    due = services.report_schedule_due_period(schedule, today=D(2026, 5, 20))

    # then March is due, not April
    assert (due.start, due.end) == (D(2026, 3, 1), D(2026, 3, 31))
