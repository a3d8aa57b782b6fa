"""``seed_demo`` gives every demo partnership its agenda: TechOost's five action lines with
the EUR 21.3 million budget, Landsdeel Noord's doe-voorstellen with their target paths,
updates (one locked) and two reviews; running it again changes nothing."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.test import Client
from django.urls import reverse

from agenda.demo import SMALL_AGENDAS, TECHOOST_LINES, TECHOOST_PPS, TECHOOST_TOTAL
from agenda.models import (
    Action,
    ActionLine,
    BudgetLine,
    Indicator,
    Measurement,
    ProgressUpdate,
    Review,
    ReviewDecision,
    Theme,
)
from agenda.snapshots import snapshot_diff
from portal.models import Tenant, User

pytestmark = pytest.mark.django_db


def seed_demo() -> None:
    call_command("seed_demo", "--quiet-logins", stdout=StringIO())


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Theme, ActionLine, Action, Indicator, Measurement, BudgetLine, Review)
    }


def test_every_demo_partnership_gets_its_agenda():
    # seed_demo takes a while: one run, checked on all sides
    seed_demo()

    _techoost_has_five_lines_and_the_budget()
    _landsdeel_noord_has_its_doe_voorstellen_paths_updates_and_reviews()
    for slug in SMALL_AGENDAS:
        tenant = Tenant.objects.get(slug=slug)
        assert Action.objects.for_tenant(tenant).count() >= 3, slug
        assert Indicator.objects.for_tenant(tenant).exists(), slug
    kartrekker = User.objects.get(email="kartrekker@example.org")
    assert Action.objects.filter(owner=kartrekker).count() >= 5
    _the_pages_show_it(kartrekker)

    # and a second run changes nothing
    before = counts()
    seed_demo()
    assert counts() == before


def _techoost_has_five_lines_and_the_budget():
    tenant = Tenant.objects.get(slug="techoost")
    lines = ActionLine.objects.for_tenant(tenant)
    assert sorted(lines.values_list("title", flat=True)) == sorted(TECHOOST_LINES)
    actions = Action.objects.for_tenant(tenant)
    owners = set(actions.values_list("owner_organisation__name", flat=True))
    assert owners == set(TECHOOST_PPS)
    budget = BudgetLine.objects.for_tenant(tenant)
    assert budget.aggregate(total=Sum("planned_amount"))["total"] == TECHOOST_TOTAL
    by_source = dict(
        budget.values_list("funding_source__name").annotate(total=Sum("planned_amount"))
    )
    assert by_source["Nationaal Groeifonds"] == Decimal("9000000")
    assert by_source["Provincie Overijssel"] == Decimal("200000")
    cofinancing = budget.filter(funding_source__is_cofinancing=True).aggregate(
        total=Sum("planned_amount")
    )["total"]
    assert cofinancing > Decimal("10000000")
    assert budget.filter(entries__isnull=False).exists()


def _landsdeel_noord_has_its_doe_voorstellen_paths_updates_and_reviews():
    tenant = Tenant.objects.get(slug="techniekpact-noord")
    assert Action.objects.for_tenant(tenant).count() == 6
    boards = Indicator.objects.for_tenant(tenant).get(name__contains="Bètapunt Noord")
    assert boards.baseline_value == 10 and boards.baseline_on.year == 2014
    assert [(t.due_on.year, t.value) for t in boards.targets.order_by("due_on")] == [
        (2016, 30),
        (2020, 77),
    ]
    assert boards.measurements.count() >= 5
    communities = Indicator.objects.for_tenant(tenant).get(name="W&T-communities")
    assert communities.baseline_value == 10
    assert communities.targets.filter(value=70).exists()
    statuses = set(ProgressUpdate.objects.for_tenant(tenant).values_list("status", flat=True))
    assert statuses == {"draft", "submitted", "approved"}
    first, second = Review.objects.for_tenant(tenant).order_by("held_on")
    assert ReviewDecision.objects.for_tenant(tenant).filter(review=second).count() == 3
    diff = snapshot_diff(first.snapshot, second.snapshot)
    assert [c.title for c in diff.added if c.kind == "action"] == ["Leven lang leren voor technici"]
    changed = {c.title: c.fields for c in diff.changed if c.kind == "action"}
    assert changed["Techniekpromotie en loopbaanoriëntatie vmbo"]["status"] == (
        "running",
        "stopped",
    )


def _the_pages_show_it(kartrekker):
    client = Client()
    client.force_login(kartrekker)
    client.cookies["portal_language"] = "en"
    board = client.get(reverse("agenda_board", args=["techoost"]))
    assert board.status_code == 200
    assert "Versterking van ketens en ecosystemen" in board.content.decode()
    noord = Tenant.objects.get(slug="techniekpact-noord")
    betapunt = Action.objects.for_tenant(noord).get(title="Bètapunt Noord")
    page = client.get(reverse("action_detail", args=[noord.slug, betapunt.pk]))
    assert page.status_code == 200
    assert "Schoolbesturen aangesloten bij Bètapunt Noord" in page.content.decode()
    review = Review.objects.for_tenant(noord).order_by("-held_on").first()
    assert client.get(reverse("review_detail", args=[noord.slug, review.pk])).status_code == 200
    assert client.get(reverse("my_actions", args=[noord.slug])).status_code == 200
