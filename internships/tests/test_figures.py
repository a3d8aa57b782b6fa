"""The stage market's figures, checked against numbers worked out by hand for Q1 2026.

The world (tenant A, times in Amsterdam):

opp kind          levels      municipality sectors      places taken published (local) status
O1  bpv           mbo3, mbo4  Emmen        HTSM         4      2     2026-01-10 09:00  published
O2  bpv           mbo4        Coevorden    HTSM, Chemie 2      2     2026-02-01 10:00  filled
O3  guest_lesson  -           -            -            1      1     2026-01-01 00:30  closed
O8  orientation   vmbo        Emmen        -            3      0     2026-03-15 12:00  published
O4  bpv           mbo4        Emmen        -            5      0     2026-02-01 12:00  draft
O5  bpv           mbo2        Emmen        -            3      3     2025-12-31 23:00  filled
O6  bpv           mbo2        Emmen        -            7      0     2026-04-01 00:10  published

O4 was unpublished (not offered), O5 published before Q1, O6 after it.
Q1 offered: O1, O2, O3, O8 -> 4 opportunities, 4+2+1+3 = 10 places, 2+2+1+0 = 5 filled, rate 0.5.
Days to fill (filled in Q1, by the last accept): O2 02-01 10:00 -> 02-11 10:00 = 10;
O3 01-01 00:30 -> 01-03 12:30 = 2.5; O5 12-31 23:00 -> 01-20 23:00 = 20. Median 10, mean 32.5/3.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from internships.models import Application, Opportunity, Placement
from internships.selectors import figures
from internships.tests.factories import ApplicationFactory, OpportunityFactory, PlacementFactory
from partnerships.tests.factories import OrganisationFactory, SchoolFactory, SectorFactory

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
Q1 = {"period_start": datetime.date(2026, 1, 1), "period_end": datetime.date(2026, 3, 31)}
S = Opportunity.Status


def at(*parts: int) -> datetime.datetime:
    return datetime.datetime(*parts, tzinfo=AMSTERDAM)


def opportunity(tenant, *, sectors=(), accepted=(), **values) -> Opportunity:
    company = OrganisationFactory(tenant=tenant)
    created = OpportunityFactory(tenant=tenant, company=company, **values)
    created.sectors.set(sectors)
    school = SchoolFactory(tenant=tenant)
    for decided_at in accepted:
        ApplicationFactory(
            tenant=tenant,
            opportunity=created,
            school=school,
            status=Application.Status.ACCEPTED,
            decided_at=decided_at,
        )
    return created


@pytest.fixture
def world(tenant_a, tenant_b):
    tenant = tenant_a.tenant
    htsm = SectorFactory(tenant=tenant, name="HTSM")
    chemie = SectorFactory(tenant=tenant, name="Chemie")
    opportunity(
        tenant,
        kind="bpv",
        education_levels=["mbo3", "mbo4"],
        municipality="Emmen",
        sectors=[htsm],
        places=4,
        places_taken=2,
        published_at=at(2026, 1, 10, 9),
        accepted=[at(2026, 1, 20, 9), at(2026, 1, 25, 9)],
    )
    opportunity(
        tenant,
        kind="bpv",
        education_levels=["mbo4"],
        municipality="Coevorden",
        sectors=[htsm, chemie],
        places=2,
        places_taken=2,
        status=S.FILLED,
        published_at=at(2026, 2, 1, 10),
        accepted=[at(2026, 2, 5, 10), at(2026, 2, 11, 10)],
    )
    opportunity(
        tenant,
        kind="guest_lesson",
        education_levels=[],
        municipality="",
        places=1,
        places_taken=1,
        status=S.CLOSED,
        published_at=at(2026, 1, 1, 0, 30),
        accepted=[at(2026, 1, 3, 12, 30)],
    )
    opportunity(
        tenant,
        kind="orientation",
        education_levels=["vmbo"],
        municipality="Emmen",
        places=3,
        places_taken=0,
        published_at=at(2026, 3, 15, 12),
    )
    opportunity(
        tenant,
        education_levels=["mbo4"],
        places=5,
        status=S.DRAFT,
        published_at=at(2026, 2, 1, 12),
    )
    opportunity(
        tenant,
        education_levels=["mbo2"],
        places=3,
        places_taken=3,
        status=S.FILLED,
        published_at=at(2025, 12, 31, 23),
        accepted=[at(2026, 1, 2, 9), at(2026, 1, 10, 9), at(2026, 1, 20, 23)],
    )
    opportunity(
        tenant,
        education_levels=["mbo2"],
        places=7,
        published_at=at(2026, 4, 1, 0, 10),
    )
    # another tenant's opportunity in the same period
    opportunity(
        tenant_b.tenant,
        places=9,
        places_taken=9,
        published_at=at(2026, 2, 2, 9),
        accepted=[at(2026, 2, 3, 9)],
    )
    return tenant


def rows(group_by: str, tenant) -> list[tuple]:
    with translation.override("en"):
        found = figures.places_by(tenant=tenant, group_by=group_by, **Q1)
    return [
        (row.key, row.label, row.opportunities, row.places_offered, row.places_filled)
        for row in found
    ]


def test_totals_and_fill_rate(world):
    totals = figures.places_totals(tenant=world, **Q1)

    assert (totals.opportunities, totals.places_offered, totals.places_filled) == (4, 10, 5)
    assert totals.fill_rate == 0.5


def test_per_level_counts_an_opportunity_in_each_of_its_levels(world):
    assert rows("level", world) == [
        ("vmbo", "VMBO", 1, 3, 0),
        ("mbo3", "MBO level 3", 1, 4, 2),
        ("mbo4", "MBO level 4", 2, 6, 4),
        (None, "No level given", 1, 1, 1),
    ]


def test_per_kind(world):
    assert rows("kind", world) == [
        ("orientation", "Orientation day (snuffelstage)", 1, 3, 0),
        ("bpv", "BPV stage (MBO BOL)", 2, 6, 4),
        ("guest_lesson", "Guest lesson", 1, 1, 1),
    ]


def test_per_sector(world):
    found = rows("sector", world)

    assert [row[1:] for row in found] == [
        ("Chemie", 1, 2, 2),
        ("HTSM", 2, 6, 4),
        ("No sector given", 2, 4, 1),
    ]
    assert found[-1][0] is None


def test_per_municipality(world):
    assert rows("municipality", world) == [
        ("Coevorden", "Coevorden", 1, 2, 2),
        ("Emmen", "Emmen", 2, 7, 2),
        (None, "No municipality given", 1, 1, 1),
    ]


def test_per_month_and_quarter_in_local_time(world):
    # O3 was published at 00:30 on 1 January in Amsterdam, still 2025 in UTC: January.
    assert rows("month", world) == [
        ("2026-01", "January 2026", 2, 5, 3),
        ("2026-02", "February 2026", 1, 2, 2),
        ("2026-03", "March 2026", 1, 3, 0),
    ]
    assert rows("quarter", world) == [("2026-Q1", "Q1 2026", 4, 10, 5)]
    assert rows("year", world) == [("2026", "2026", 4, 10, 5)]


def test_empty_periods_are_listed_with_zeros(world):
    found = figures.places_by(
        tenant=world,
        period_start=datetime.date(2026, 3, 1),
        period_end=datetime.date(2026, 5, 31),
        group_by="month",
    )

    assert [(row.key, row.places_offered) for row in found] == [
        ("2026-03", 3),
        ("2026-04", 7),
        ("2026-05", 0),
    ]
    assert found[-1].fill_rate is None


def test_days_to_fill_from_publication_to_the_last_accept(world):
    measured = figures.days_to_fill(tenant=world, **Q1)

    assert measured.opportunities == 3
    assert measured.median_days == pytest.approx(10)
    assert measured.mean_days == pytest.approx(32.5 / 3)


def test_days_to_fill_without_filled_opportunities(tenant_a):
    measured = figures.days_to_fill(tenant=tenant_a.tenant, **Q1)

    assert (measured.opportunities, measured.median_days, measured.mean_days) == (0, None, None)


def placement(tenant, **values) -> Placement:
    application = ApplicationFactory(
        tenant=tenant,
        opportunity=OpportunityFactory(tenant=tenant, company=OrganisationFactory(tenant=tenant)),
        school=SchoolFactory(tenant=tenant),
        status=Application.Status.ACCEPTED,
    )
    return PlacementFactory(tenant=tenant, application=application, **values)


def test_placements_completed_and_evaluation_averages(tenant_a, tenant_b):
    tenant = tenant_a.tenant
    completed = Placement.Status.COMPLETED
    placement(
        tenant,
        status=completed,
        starts_on=datetime.date(2026, 1, 5),
        ends_on=datetime.date(2026, 3, 20),
        school_rating=4,
        company_rating=5,
    )
    placement(
        tenant,
        status=completed,
        starts_on=datetime.date(2025, 11, 1),
        ends_on=datetime.date(2026, 2, 28),
        school_rating=2,
    )
    placement(  # completes after Q1: started in it, not completed in it
        tenant,
        status=completed,
        starts_on=datetime.date(2026, 2, 1),
        ends_on=datetime.date(2026, 4, 10),
        school_rating=1,
        company_rating=1,
    )
    placement(
        tenant,
        status=Placement.Status.ACTIVE,
        starts_on=datetime.date(2026, 2, 15),
        ends_on=datetime.date(2026, 6, 30),
    )
    placement(
        tenant,
        status=Placement.Status.CANCELLED,
        starts_on=datetime.date(2026, 3, 1),
        ends_on=datetime.date(2026, 5, 1),
    )
    placement(
        tenant_b.tenant,
        status=completed,
        starts_on=datetime.date(2026, 1, 5),
        ends_on=datetime.date(2026, 3, 1),
        school_rating=5,
        company_rating=5,
    )

    found = figures.placement_figures(tenant=tenant, **Q1)

    assert (found.started, found.completed, found.cancelled) == (3, 2, 1)
    assert (found.school_rating_mean, found.school_ratings) == (pytest.approx(3.0), 2)
    assert (found.company_rating_mean, found.company_ratings) == (pytest.approx(5.0), 1)


def test_unknown_grouping_and_reversed_period_are_refused(tenant_a):
    with pytest.raises(ValueError, match="group_by"):
        figures.places_by(tenant=tenant_a.tenant, group_by="company", **Q1)
    with pytest.raises(ValueError, match="before"):
        figures.places_totals(
            tenant=tenant_a.tenant,
            period_start=datetime.date(2026, 3, 1),
            period_end=datetime.date(2026, 1, 1),
        )


def _query_counts(tenant) -> dict[str, int]:
    counts = {}
    calls = {
        **{
            f"places_by {group}": lambda group=group: figures.places_by(
                tenant=tenant, group_by=group, **Q1
            )
            for group in figures.GROUPINGS
        },
        "stage_figures": lambda: figures.stage_figures(tenant=tenant, **Q1),
    }
    for name, call in calls.items():
        with CaptureQueriesContext(connection) as captured:
            call()
        counts[name] = len(captured)
    return counts


def test_queries_do_not_grow_with_rows(world):
    few = _query_counts(world)
    htsm = SectorFactory(tenant=world, name="Extra")
    for n in range(8):
        opportunity(
            world,
            education_levels=["mbo2", "hbo"],
            municipality=f"Gemeente {n}",
            sectors=[htsm],
            places=2,
            places_taken=2,
            published_at=at(2026, 1 + n % 3, 2, 9),
            accepted=[at(2026, 3, 1, 9)],
        )
        placement(
            world,
            status=Placement.Status.COMPLETED,
            starts_on=datetime.date(2026, 1, 5),
            ends_on=datetime.date(2026, 3, 1),
            school_rating=3,
        )

    more = _query_counts(world)

    assert more == few
    assert set(few.values()) == {1, 3}  # one query per function; three for stage_figures
    assert few["stage_figures"] == 3
