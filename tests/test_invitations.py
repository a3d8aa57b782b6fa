"""Invitations end to end: the e-mail, the link, sign-up through allauth, and every way a
link can no longer be used. Sign-up is closed to anyone without an invitation."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.validators import EmailValidator
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from portal import services
from portal.models import AuditEvent, Invitation, Membership, User, hash_invitation_token
from portal.roles import Role
from portal.tests.factories import TEST_PASSWORD, InvitationFactory, UserFactory

NEW_PASSWORD = "Stagebank-Emmen-2025!"
UNUSABLE_TITLE = "This invitation can no longer be used"
LINK_PATTERN = re.compile(r"https?://\S+/invitations/(?P<token>[A-Za-z0-9_\-]+)/")


def in_dutch(message: str) -> str:
    """``message`` as a Dutch visitor reads it (whether or not it is translated yet)."""
    with translation.override("nl"):
        return gettext(message)


def shows(response, message: str) -> bool:
    return escape(in_dutch(message)) in response.content.decode()


def logged_in_user_id(client: Client) -> int | None:
    value = client.session.get(SESSION_KEY)
    return int(value) if value is not None else None


def invite_through_members_page(client: Client, tenant, captured, **fields):
    """Post the invite form as the admin, running on-commit work (the e-mail) as a commit would."""
    with captured(execute=True):
        return client.post(reverse("member_list", args=[tenant.slug]), fields)


def invitation_with_token(**fields) -> tuple[Invitation, str]:
    token = Invitation.new_token()
    return InvitationFactory(token_hash=hash_invitation_token(token), **fields), token


def sign_up(client: Client, email: str):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )


# --- the whole way, from the admin's form to the new member's dashboard -----------------------


def test_invited_person_signs_up_and_becomes_a_member(
    tenant_a, client_for, django_capture_on_commit_callbacks
):
    # given an admin who invites a relationship manager of the tenant's school
    admin = client_for(tenant_a.member(Role.ADMIN))
    response = invite_through_members_page(
        admin,
        tenant_a.tenant,
        django_capture_on_commit_callbacks,
        email="Nieuwe.Collega@School.example.org",
        role=Role.RELATIONS,
        organisation=tenant_a.school.name,
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nieuwe.collega@school.example.org"]
    token = LINK_PATTERN.search(message.body)["token"]
    mail.outbox.clear()

    # when the invited person follows the link and signs up with that address
    visitor = Client()
    landing = visitor.get(reverse("invitation_accept", args=[token]))
    signup_page = visitor.get(landing.context["signup_url"])
    signed_up = sign_up(visitor, "nieuwe.collega@school.example.org")

    # then they are a member in the invited role and organisation, logged in and verified
    assert landing.status_code == 200
    assert signup_page.status_code == 200
    assert signed_up.status_code == 302
    user = User.objects.get(email="nieuwe.collega@school.example.org")
    membership = Membership.objects.for_tenant(tenant_a.tenant).get(user=user)
    assert membership.role == Role.RELATIONS
    assert membership.organisation == tenant_a.school
    invitation = Invitation.objects.for_tenant(tenant_a.tenant).get(email=user.email)
    assert invitation.accepted_at is not None
    assert invitation.accepted_by == user
    assert logged_in_user_id(visitor) == user.pk
    assert EmailAddress.objects.filter(user=user, email=user.email, verified=True).exists()
    assert mail.outbox == []
    assert visitor.get(reverse("tenant_dashboard", args=[tenant_a.tenant.slug])).status_code == 200


def test_used_link_can_no_longer_be_used(tenant_a):
    # given an invitation that was followed and accepted through sign-up
    invitation, token = invitation_with_token(tenant=tenant_a.tenant, email="een@example.org")
    first = Client()
    first.get(reverse("invitation_accept", args=[token]))
    sign_up(first, "een@example.org")
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None

    # when the link is followed a second time
    response = Client().get(reverse("invitation_accept", args=[token]))

    # then a clear page says it can no longer be used
    assert response.status_code == 410
    assert shows(response, UNUSABLE_TITLE)
    assert shows(response, "It has already been accepted. Log in to continue.")
    assert Membership.objects.for_tenant(tenant_a.tenant).filter(user__email="een@example.org")


@pytest.mark.parametrize(
    ("state", "explanation"),
    [
        ({"expires_at": timezone.now() - timedelta(minutes=1)}, "It has expired."),
        ({"revoked_at": timezone.now()}, "It was withdrawn by the programme office."),
    ],
    ids=["expired", "revoked"],
)
def test_expired_or_revoked_link_can_no_longer_be_used(state, explanation, tenant_a):
    # given an invitation that expired or was withdrawn
    _invitation, token = invitation_with_token(
        tenant=tenant_a.tenant, email="laat@example.org", **state
    )
    visitor = Client()

    # when its link is followed, and the visitor then tries to sign up anyway
    response = visitor.get(reverse("invitation_accept", args=[token]))
    signup = sign_up(visitor, "laat@example.org")

    # then the page says why it cannot be used, and sign-up stays closed
    assert response.status_code == 410
    assert shows(response, UNUSABLE_TITLE)
    assert shows(response, explanation)
    assert "account/signup_closed.html" in [template.name for template in signup.templates]
    assert not User.objects.filter(email="laat@example.org").exists()


def test_link_withdrawn_after_it_was_followed_closes_signup(tenant_a):
    # given a visitor who followed an open invitation link
    invitation, token = invitation_with_token(tenant=tenant_a.tenant, email="bijna@example.org")
    visitor = Client()
    assert visitor.get(reverse("invitation_accept", args=[token])).status_code == 200

    # when the invitation is withdrawn before they sign up
    services.invitation_revoke(
        tenant=tenant_a.tenant, actor=tenant_a.member(Role.ADMIN).user, invitation=invitation
    )
    response = sign_up(visitor, "bijna@example.org")

    # then sign-up is closed to them, and no account or membership is made
    assert "account/signup_closed.html" in [template.name for template in response.templates]
    assert not User.objects.filter(email="bijna@example.org").exists()


def test_unknown_token_is_not_found(db):
    # given a token that no invitation has
    # when it is followed
    response = Client().get(reverse("invitation_accept", args=["not-a-real-token"]))

    # then it is a 404
    assert response.status_code == 404


def test_revoking_through_the_members_page_kills_the_link(tenant_a, client_for):
    # given an open invitation
    invitation, token = invitation_with_token(tenant=tenant_a.tenant, email="weg@example.org")
    admin = client_for(tenant_a.member(Role.ADMIN))

    # when the admin withdraws it
    admin.post(reverse("invitation_revoke", args=[tenant_a.tenant.slug, invitation.pk]))

    # then its link no longer works
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert Client().get(reverse("invitation_accept", args=[token])).status_code == 410


# --- sign-up only through an invitation -------------------------------------------------------


def test_signup_without_invitation_is_closed(db):
    # given a visitor without an invitation
    visitor = Client()

    # when they open the sign-up page and post to it
    page = visitor.get(reverse("account_signup"))
    posted = sign_up(visitor, "zomaar@example.org")

    # then allauth shows its "sign-up closed" page and no account is made
    for response in (page, posted):
        assert response.status_code == 200
        assert "account/signup_closed.html" in [template.name for template in response.templates]
    assert not User.objects.filter(email="zomaar@example.org").exists()


def test_signup_with_another_address_than_invited_is_refused(tenant_a):
    # given a visitor who followed an invitation for one address
    _invitation, token = invitation_with_token(tenant=tenant_a.tenant, email="juist@example.org")
    visitor = Client()
    visitor.get(reverse("invitation_accept", args=[token]))

    # when they sign up with another address
    response = sign_up(visitor, "anders@example.org")

    # then the form says to use the invited address, and no account or membership is made
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        in_dutch("Sign up with the address the invitation was sent to.")
    ]
    assert not User.objects.filter(email="anders@example.org").exists()
    assert not Membership.objects.for_tenant(tenant_a.tenant).filter(
        user__email__in=["juist@example.org", "anders@example.org"]
    )


# --- inviting ---------------------------------------------------------------------------------


def test_inviting_a_member_again_is_refused(
    tenant_a, client_for, django_capture_on_commit_callbacks
):
    # given a tenant member
    member = tenant_a.member(Role.FUNDER)
    admin = client_for(tenant_a.member(Role.ADMIN))
    invitations_before = Invitation.objects.for_tenant(tenant_a.tenant).count()

    # when the admin invites their address (in other capitals)
    response = invite_through_members_page(
        admin,
        tenant_a.tenant,
        django_capture_on_commit_callbacks,
        email=member.user.email.upper(),
        role=Role.LEAD,
    )

    # then the form says they are a member already; no invitation, no mail
    assert response.status_code == 400
    expected = in_dutch("%(email)s is already a member of this partnership.") % {
        "email": member.user.email
    }
    assert response.context["form"].errors["email"] == [expected]
    assert escape(expected) in response.content.decode()
    assert Invitation.objects.for_tenant(tenant_a.tenant).count() == invitations_before
    assert mail.outbox == []


def test_invite_form_speaks_dutch_by_default(
    tenant_a, client_for, django_capture_on_commit_callbacks
):
    # given an admin whose browser asks for English, without having chosen a language
    admin = client_for(tenant_a.member(Role.ADMIN))
    admin.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    # when they post an invitation without a valid address
    response = invite_through_members_page(
        admin,
        tenant_a.tenant,
        django_capture_on_commit_callbacks,
        email="geen-adres",
        role=Role.LEAD,
    )

    # then the field error is shown, in Dutch (Django's own catalog translates this message)
    with translation.override("en"):
        english = str(EmailValidator.message)
    with translation.override("nl"):
        dutch = str(EmailValidator.message)
    assert dutch != english
    assert response.status_code == 400
    assert response.context["form"].errors["email"] == [dutch]
    assert escape(dutch) in response.content.decode()
    assert escape(english) not in response.content.decode()
    assert mail.outbox == []


def test_inviting_again_withdraws_the_earlier_link(tenant_a):
    # given an open invitation
    admin = tenant_a.member(Role.ADMIN).user
    first, first_token = services.invitation_create(
        tenant=tenant_a.tenant, actor=admin, email="twee@example.org", role=Role.LEAD
    )

    # when the same address is invited again
    _second, second_token = services.invitation_create(
        tenant=tenant_a.tenant, actor=admin, email="twee@example.org", role=Role.FUNDER
    )

    # then only the newest link works
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert Client().get(reverse("invitation_accept", args=[first_token])).status_code == 410
    assert Client().get(reverse("invitation_accept", args=[second_token])).status_code == 200


# --- someone who already has an account -------------------------------------------------------


def test_existing_user_logs_in_and_accepts(tenant_a, tenant_b):
    # given someone with an account (a member elsewhere) who is invited to tenant A
    existing = tenant_b.member(Role.FUNDER).user
    _invitation, token = invitation_with_token(
        tenant=tenant_a.tenant, email=existing.email, role=Role.FUNDER
    )
    link = reverse("invitation_accept", args=[token])
    visitor = Client()

    # when they follow the link, log in, and accept
    landing = visitor.get(link)
    login = visitor.post(
        landing.context["login_url"], {"login": existing.email, "password": TEST_PASSWORD}
    )
    confirm = visitor.get(link)
    accepted = visitor.post(link)

    # then they were asked to log in (not to sign up), and are now a member of A too
    assert landing.status_code == 200
    assert landing.context.get("signup_url") is None
    assert login.status_code == 302
    assert login.url == link
    assert confirm.status_code == 200
    assert accepted.status_code == 302
    assert accepted.url == reverse("tenant_dashboard", args=[tenant_a.tenant.slug])
    membership = Membership.objects.for_tenant(tenant_a.tenant).get(user=existing)
    assert membership.role == Role.FUNDER
    assert Membership.objects.for_tenant(tenant_b.tenant).filter(user=existing).exists()
    assert AuditEvent.objects.for_tenant(tenant_a.tenant).filter(
        action="membership.create", target_id=str(membership.pk)
    )


def test_logged_in_as_someone_else_cannot_accept(tenant_a, tenant_b, client_for):
    # given an invitation for one address, and a visitor logged in with another
    _invitation, token = invitation_with_token(tenant=tenant_a.tenant, email="echt@example.org")
    UserFactory(email="echt@example.org")
    visitor = client_for(tenant_b.member(Role.LEAD))
    link = reverse("invitation_accept", args=[token])

    # when they try to accept
    response = visitor.post(link, follow=True)

    # then they are told whose invitation it is, and no membership is made
    told = in_dutch("This invitation is for %(email)s. Log in with that address to accept it.")
    assert response.status_code == 200
    assert escape(told % {"email": "echt@example.org"}) in response.content.decode()
    assert response.context["wrong_user"] is True
    assert not Membership.objects.for_tenant(tenant_a.tenant).filter(
        user__email__in=["echt@example.org", tenant_b.member(Role.LEAD).user.email]
    )


def test_inviting_for_an_organisation_that_does_not_exist_is_a_field_error(tenant_a, client_for):
    # given the programme office on the members page
    client = client_for(tenant_a.member("admin"))
    client.cookies["portal_language"] = "en"

    # when it invites someone for an organisation name the partnership does not have
    response = client.post(
        reverse("member_list", args=[tenant_a.tenant.slug]),
        {"email": "nieuw@example.org", "role": "relations", "organisation": "Onbekend BV"},
    )

    # then the field says so and nobody is invited
    assert response.status_code == 400
    assert "There is no organisation called “Onbekend BV”" in response.content.decode()
    assert (
        not Invitation.objects.for_tenant(tenant_a.tenant)
        .filter(email="nieuw@example.org")
        .exists()
    )
