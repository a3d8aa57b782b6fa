"""factory_boy factories of the tenancy layer."""

from datetime import timedelta

import factory
from django.utils import timezone

from portal.models import AuditEvent, Invitation, Membership, Tenant, User, hash_invitation_token
from portal.roles import Role

TEST_PASSWORD = "correct-horse-battery-staple"  # noqa: S105


class TenantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tenant

    name = factory.Sequence(lambda n: f"Samenwerkingsverband {n}")
    slug = factory.Sequence(lambda n: f"verband-{n}")
    require_mfa_for_admins = False


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"persoon{n}@example.org")
    full_name = factory.Faker("name", locale="nl_NL")

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or TEST_PASSWORD)
        if create:
            self.save(update_fields=["password"])
            from allauth.account.models import EmailAddress

            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    tenant = factory.SubFactory(TenantFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.LEAD


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    tenant = factory.SubFactory(TenantFactory)
    email = factory.Sequence(lambda n: f"uitgenodigd{n}@example.org")
    role = Role.RELATIONS
    token_hash = factory.LazyFunction(lambda: hash_invitation_token(Invitation.new_token()))
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))


class AuditEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditEvent

    tenant = factory.SubFactory(TenantFactory)
    action = "test.event"
    target_type = "portal.tenant"
