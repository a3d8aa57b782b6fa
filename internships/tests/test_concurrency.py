"""The last place, accepted twice at the same moment: PostgreSQL lets exactly one through.

Two threads, each with its own database connection and its own transaction, accept a
different application for the last place. A barrier holds both right before the
``UPDATE ... SET places_taken = places_taken + 1``, after every check in Python has
passed for both, so only the CHECK constraint ``opportunity_not_overfilled`` can decide.
"""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import translation

from internships.models import Application, Opportunity, Placement
from internships.services import applications as application_services
from internships.tests.stage_world import company_member, published, submit

pytestmark = pytest.mark.django_db(transaction=True)

BARRIER_TIMEOUT = 20


def test_two_accepts_of_the_last_place_at_the_same_moment_let_exactly_one_through(
    tenant_a, monkeypatch
):
    # given an opportunity with one place left and two applications to it
    opportunity = published(tenant_a, places=2, places_taken=1)
    first = submit(tenant_a, opportunity, student_first_name="Sem")
    second = submit(tenant_a, opportunity, student_first_name="Noor")
    actor = company_member(tenant_a).user

    # ... and both accepts held right before their UPDATE until the other one is there too
    barrier = threading.Barrier(2, timeout=BARRIER_TIMEOUT)
    take_place = application_services._place_take
    reached_update: list[int] = []

    def take_place_together(**kwargs):
        reached_update.append(threading.get_ident())
        barrier.wait()
        return take_place(**kwargs)

    monkeypatch.setattr(application_services, "_place_take", take_place_together)
    outcomes: dict[str, object] = {}

    def accept(name: str, application: Application) -> None:
        try:
            with translation.override("en"), transaction.atomic():
                outcomes[name] = application_services.application_accept(
                    tenant=tenant_a.tenant, actor=actor, application=application
                )
        except Exception as error:  # noqa: BLE001 - the outcome is what the test checks
            outcomes[name] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=accept, args=("first", first)),
        threading.Thread(target=accept, args=("second", second)),
    ]

    # when both accept at once
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # then both got as far as the UPDATE, exactly one succeeded, the other was told why
    assert len(reached_update) == 2
    placements = [value for value in outcomes.values() if isinstance(value, Placement)]
    errors = [value for value in outcomes.values() if isinstance(value, ValidationError)]
    assert len(placements) == 1, outcomes
    assert len(errors) == 1, outcomes
    assert errors[0].messages == ["All places of this opportunity are taken."]
    # ... and the database agrees: full, filled, one placement, one accepted application
    opportunity.refresh_from_db()
    assert opportunity.places_taken == opportunity.places == 2
    assert opportunity.status == Opportunity.Status.FILLED
    assert Placement.objects.filter(opportunity=opportunity).count() == 1
    statuses = sorted(
        Application.objects.filter(opportunity=opportunity).values_list("status", flat=True)
    )
    assert statuses == [Application.Status.ACCEPTED, Application.Status.SUBMITTED]


def test_the_constraint_itself_refuses_overfilling(tenant_a):
    # given a full opportunity
    opportunity = published(tenant_a, places=1, places_taken=1)

    # when a raw UPDATE pushes beyond its places
    with pytest.raises(IntegrityError) as raised, transaction.atomic():
        Opportunity.objects.filter(pk=opportunity.pk).update(places_taken=F("places_taken") + 1)

    # then PostgreSQL refuses it by the named constraint, and the count is unchanged
    assert raised.value.__cause__.diag.constraint_name == "opportunity_not_overfilled"
    opportunity.refresh_from_db()
    assert opportunity.places_taken == 1
