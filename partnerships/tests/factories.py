"""factory_boy factories of the partnerships app."""

import datetime

import factory

from partnerships.models import (
    Agreement,
    CalendarFeed,
    Contact,
    ImportJob,
    ImportRow,
    Interaction,
    Organisation,
    PartnershipSettings,
    Sector,
)
from portal.tests.factories import TenantFactory, UserFactory


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"Sector {n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    tenant = factory.SubFactory(TenantFactory)
    kind = Organisation.Kind.COMPANY
    name = factory.Sequence(lambda n: f"Techniekbedrijf {n} BV")
    municipality = "Emmen"
    status = Organisation.Status.ACTIVE


class SchoolFactory(OrganisationFactory):
    kind = Organisation.Kind.SCHOOL
    name = factory.Sequence(lambda n: f"Regio College {n}")
    education_levels = factory.LazyFunction(lambda: ["mbo3", "mbo4"])


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    tenant = factory.SelfAttribute("organisation.tenant")
    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Faker("name", locale="nl_NL")
    function = "HR-adviseur"
    email = factory.Sequence(lambda n: f"contact{n}@bedrijf.example.org")


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interaction
        skip_postgeneration_save = True

    tenant = factory.SelfAttribute("logged_by.tenant")
    logged_by = factory.SubFactory(SchoolFactory)
    occurred_on = factory.LazyFunction(datetime.date.today)
    kind = Interaction.Kind.MEETING
    subject = factory.Sequence(lambda n: f"Overleg stageplaatsen {n}")
    notes = "Interne notitie van de school."
    visibility = Interaction.Visibility.PARTNERSHIP

    @factory.post_generation
    def organisations(self, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None:
            extracted = [OrganisationFactory(tenant=self.tenant)]
        self.organisations.set(extracted)


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    tenant = factory.SubFactory(TenantFactory)
    kind = Agreement.Kind.COVENANT
    title = factory.Sequence(lambda n: f"Convenant techniekonderwijs {n}")
    starts_on = datetime.date(2026, 1, 1)
    ends_on = datetime.date(2027, 12, 31)


class PartnershipSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnershipSettings

    tenant = factory.SubFactory(TenantFactory)


class CalendarFeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarFeed

    tenant = factory.SubFactory(TenantFactory)
    user = factory.SubFactory(UserFactory)
    token_hash = factory.Sequence(lambda n: f"{n:064d}")


class ImportJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImportJob

    tenant = factory.SubFactory(TenantFactory)
    created_by = factory.SubFactory(UserFactory)
    file_name = factory.Sequence(lambda n: f"relaties-{n}.csv")
    status = ImportJob.Status.PREVIEWED
    columns = factory.LazyFunction(lambda: [{"header": "naam", "field": "name"}])


class ImportRowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImportRow

    tenant = factory.SelfAttribute("job.tenant")
    job = factory.SubFactory(ImportJobFactory)
    number = factory.Sequence(lambda n: n + 2)
    values = factory.LazyAttribute(lambda row: {"name": f"Importbedrijf {row.number}"})
    cleaned = factory.LazyAttribute(
        lambda row: {
            "organisation": {
                "name": row.values["name"],
                "kind": "company",
                "kvk_number": "",
                "brin_code": "",
                "postal_code": "",
                "street_address": "",
                "municipality": "",
                "sbb_number": "",
                "website": "",
                "recognised_training_company": False,
                "sectors": [],
            },
            "contact": {},
        }
    )
