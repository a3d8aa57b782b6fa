"""A small tenant with known figures for the first quarter of 2026 (and the quarter before),
shared by the figures, rendering and run tests.

What the Q1 2026 report must show:

- indicator "Leerlingen bereikt": latest value 380 (a measurement of 999 after the quarter
  is left out), target 500;
- milestones: 2 reached, 1 missed (1 reached in Q4 2025);
- budget: planned 160,000.00 (40,000.00 co-financing: 25%), 7,500.00 spent in Q1 and
  2,500.00 in Q4 2025;
- stage places: 3 opportunities, 12 places offered; 6 places filled;
- contacts: 7 meetings, 2 phone calls ("<5") in Q1;
- 1 covenant started;
- the approved update's text "Zeventien gastlessen gegeven op vier scholen.", written by
  "Jan Jansen" (jan.jansen@example.org), whose name must appear nowhere.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from agenda.models import Action, BudgetEntry, FundingSource, ProgressUpdate
from agenda.tests.factories import (
    ActionFactory,
    ActionLineFactory,
    BudgetEntryFactory,
    BudgetLineFactory,
    FundingSourceFactory,
    IndicatorFactory,
    MeasurementFactory,
    MilestoneFactory,
    ProgressUpdateFactory,
    TargetFactory,
    ThemeFactory,
)
from internships.models import Opportunity
from internships.tests.factories import OpportunityFactory
from partnerships.models import Interaction, Organisation
from partnerships.tests.factories import AgreementFactory, InteractionFactory, OrganisationFactory
from portal.models import Tenant
from portal.tests.factories import UserFactory
from reporting.models import ReportDefinition
from reporting.periods import Period
from reporting.tests.factories import ReportDefinitionFactory

Q1 = Period(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
Q4 = Period(datetime.date(2025, 10, 1), datetime.date(2025, 12, 31))
AUTHOR_NAME = "Jan Jansen"
AUTHOR_EMAIL = "jan.jansen@example.org"
UPDATE_TEXT = "Zeventien gastlessen gegeven op vier scholen."
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@dataclass
class KnownDataset:
    tenant: Tenant
    definition: ReportDefinition
    period: Period


def _moment(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=AMSTERDAM)


def known_dataset(tenant: Tenant, **definition_fields) -> KnownDataset:
    theme = ThemeFactory(tenant=tenant, title="Techniek in de klas")
    line = ActionLineFactory(tenant=tenant, theme=theme, title="Gastlessen")
    running = ActionFactory(tenant=tenant, action_line=line, title="Gastlessen op basisscholen")
    ActionFactory(
        tenant=tenant,
        action_line=line,
        title="Docentstages",
        health=Action.Health.AT_RISK,
    )
    ActionFactory(
        tenant=tenant, action_line=line, title="Techniekweek", status=Action.Status.COMPLETED
    )

    indicator = IndicatorFactory(
        tenant=tenant,
        theme=theme,
        action=None,
        name="Leerlingen bereikt",
        unit="leerlingen",
        baseline_value=Decimal("100"),
        baseline_on=datetime.date(2025, 1, 1),
    )
    TargetFactory(indicator=indicator, due_on=datetime.date(2026, 12, 31), value=Decimal("500"))
    MeasurementFactory(indicator=indicator, measured_on=datetime.date(2025, 6, 30), value=250)
    MeasurementFactory(indicator=indicator, measured_on=datetime.date(2026, 3, 15), value=380)
    MeasurementFactory(indicator=indicator, measured_on=datetime.date(2026, 5, 1), value=999)

    for day in (datetime.date(2026, 2, 10), datetime.date(2026, 3, 20)):
        MilestoneFactory(action=running, title=f"Mijlpaal {day:%d-%m}", due_on=day, done_on=day)
    MilestoneFactory(action=running, title="Gemiste mijlpaal", due_on=datetime.date(2026, 3, 1))
    MilestoneFactory(
        action=running,
        title="Vorig kwartaal",
        due_on=datetime.date(2025, 11, 1),
        done_on=datetime.date(2025, 11, 1),
    )

    province = FundingSourceFactory(
        tenant=tenant, name="Provincie Drenthe", kind=FundingSource.Kind.PROVINCE
    )
    companies = FundingSourceFactory(
        tenant=tenant,
        name="Bijdrage bedrijven",
        kind=FundingSource.Kind.COMPANY_CASH,
        is_cofinancing=True,
    )
    line_province = BudgetLineFactory(
        action=running, funding_source=province, planned_amount=Decimal("120000.00")
    )
    BudgetLineFactory(action=running, funding_source=companies, planned_amount=Decimal("40000.00"))
    BudgetEntryFactory(
        budget_line=line_province,
        kind=BudgetEntry.Kind.SPENDING,
        amount=Decimal("7500.00"),
        booked_on=datetime.date(2026, 2, 1),
    )
    BudgetEntryFactory(
        budget_line=line_province,
        kind=BudgetEntry.Kind.SPENDING,
        amount=Decimal("2500.00"),
        booked_on=datetime.date(2025, 11, 15),
    )

    company = OrganisationFactory(tenant=tenant, kind=Organisation.Kind.COMPANY)
    for taken in (2, 2, 2):
        OpportunityFactory(
            tenant=tenant,
            company=company,
            kind=Opportunity.Kind.BPV,
            places=4,
            places_taken=taken,
            published_at=_moment(datetime.date(2026, 2, 1)),
        )

    school = OrganisationFactory(tenant=tenant, kind=Organisation.Kind.SCHOOL)
    for _n in range(7):
        InteractionFactory(
            tenant=tenant,
            logged_by=school,
            kind=Interaction.Kind.MEETING,
            occurred_on=datetime.date(2026, 2, 15),
            organisations=[company],
        )
    for _n in range(2):
        InteractionFactory(
            tenant=tenant,
            logged_by=school,
            kind=Interaction.Kind.PHONE,
            occurred_on=datetime.date(2026, 3, 2),
            organisations=[company],
        )
    AgreementFactory(tenant=tenant, starts_on=datetime.date(2026, 2, 1))

    author = UserFactory(full_name=AUTHOR_NAME, email=AUTHOR_EMAIL)
    ProgressUpdateFactory(
        action=running,
        period_start=Q1.start,
        period_end=Q1.end,
        done=UPDATE_TEXT,
        next_steps="Uitbreiden naar Emmen.",
        status=ProgressUpdate.Status.APPROVED,
        submitted_by=author,
        approved_by=author,
    )
    ProgressUpdateFactory(
        action=running,
        period_kind="month",
        period_start=datetime.date(2026, 3, 1),
        period_end=datetime.date(2026, 3, 31),
        done="Concepttekst die niet in het rapport hoort.",
        status=ProgressUpdate.Status.DRAFT,
    )

    definition = ReportDefinitionFactory(tenant=tenant, title="Voortgang Q1", **definition_fields)
    return KnownDataset(tenant=tenant, definition=definition, period=Q1)
