"""django-allauth hooks: sign-up only through an invitation."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.contrib import messages
from django.utils.translation import gettext as _

from portal.selectors import invitation_get_by_token
from portal.services import InvitationUnusable, invitation_accept

SESSION_KEY = "invitation_token"


def pending_invitation(request):
    """The open invitation whose link this visitor followed, if any."""
    if request is None:
        return None
    token = request.session.get(SESSION_KEY)
    if not token:
        return None
    invitation = invitation_get_by_token(token=token)
    if invitation is None or not invitation.is_open:
        return None
    return invitation


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return pending_invitation(request) is not None

    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        invitation = pending_invitation(self.request)
        if invitation is not None and email.lower() != invitation.email.lower():
            raise forms.ValidationError(_("Sign up with the address the invitation was sent to."))
        return email

    def save_user(self, request, user, form, commit=True):
        """Create the account and accept the invitation it was made for, together."""
        user = super().save_user(request, user, form, commit=commit)
        invitation = pending_invitation(request)
        if commit and invitation is not None:
            try:
                membership = invitation_accept(invitation=invitation, user=user)
            except InvitationUnusable as error:
                messages.error(request, str(error))
            else:
                request.session.pop(SESSION_KEY, None)
                messages.success(
                    request,
                    _("Welcome to %(tenant)s.") % {"tenant": membership.tenant.name},
                )
        return user
