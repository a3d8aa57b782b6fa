"""factory_boy factories of the internships app."""

import datetime

import factory
from django.utils import timezone

from internships.models import (
    Application,
    ApplicationMessage,
    InternshipSettings,
    Opportunity,
    Placement,
)
from partnerships.tests.factories import OrganisationFactory, SchoolFactory
from portal.tests.factories import TenantFactory


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opportunity

    @classmethod
    def create(cls, **kwargs):
        """``OpportunityFactory(tenant=t)`` makes its company in ``t`` too, as the generic
        tests (isolation, Schemathesis) call every factory; ``company=...`` sets the tenant."""
        if "tenant" in kwargs and "company" not in kwargs:
            kwargs.setdefault("company__tenant", kwargs["tenant"])
        return super().create(**kwargs)

    tenant = factory.SelfAttribute("company.tenant")
    company = factory.SubFactory(OrganisationFactory)
    kind = Opportunity.Kind.BPV
    title = factory.Sequence(lambda n: f"BPV-plaats monteur mechatronica {n}")
    description = "Meewerken in de werkplaats aan onderhoud van productielijnen."
    education_levels = factory.LazyFunction(lambda: ["mbo3", "mbo4"])
    municipality = "Emmen"
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=150))
    places = 2
    status = Opportunity.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    tenant = factory.SelfAttribute("opportunity.tenant")
    opportunity = factory.SubFactory(OpportunityFactory)
    school = factory.SubFactory(SchoolFactory, tenant=factory.SelfAttribute("..tenant"))
    student_first_name = "Sem"
    student_last_initial = "B"
    student_level = "mbo3"
    student_programme = "Mechatronica"


class ApplicationMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicationMessage

    tenant = factory.SelfAttribute("application.tenant")
    application = factory.SubFactory(ApplicationFactory)
    author_organisation = factory.SelfAttribute("application.school")
    body = "Kan de student op maandag beginnen?"


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Placement

    tenant = factory.SelfAttribute("application.tenant")
    application = factory.SubFactory(ApplicationFactory, status=Application.Status.ACCEPTED)
    opportunity = factory.SelfAttribute("application.opportunity")
    school = factory.SelfAttribute("application.school")
    company = factory.SelfAttribute("application.opportunity.company")
    starts_on = factory.LazyFunction(timezone.localdate)
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=120))


class InternshipSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InternshipSettings

    tenant = factory.SubFactory(TenantFactory)
