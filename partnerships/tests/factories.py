"""factory_boy factories of the partnerships app."""

import factory

from partnerships.models import Organisation
from portal.tests.factories import TenantFactory


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    tenant = factory.SubFactory(TenantFactory)
    kind = Organisation.Kind.COMPANY
    name = factory.Sequence(lambda n: f"Techniekbedrijf {n} BV")
    municipality = "Emmen"
