"""Profile > API tokens: the user's personal API tokens, making one (its secret is shown
once, on the page that answers the form) and revoking one."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from portal.forms import apply_service_errors
from portal.models import PersonalToken, Tenant
from portal.selectors import membership_list_for_user
from portal.tokens import (
    personal_token_create,
    personal_token_get_for_user,
    personal_token_list_for_user,
    personal_token_revoke,
)

EXPIRY_CHOICES = [
    ("30", gettext_lazy("In 30 days")),
    ("90", gettext_lazy("In 90 days")),
    ("365", gettext_lazy("In a year")),
    ("never", gettext_lazy("Never")),
]


class PersonalTokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What the token is for, e.g. “school website”."),
    )
    tenant = forms.ModelChoiceField(
        label=gettext_lazy("Partnership"),
        queryset=Tenant.objects.none(),
        empty_label=None,
        help_text=gettext_lazy("A token works for one partnership, with your role there."),
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("Access"),
        choices=PersonalToken.Scope.choices,
        initial=PersonalToken.Scope.READ,
    )
    expires = forms.ChoiceField(label=gettext_lazy("Expires"), choices=EXPIRY_CHOICES, initial="90")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        tenant_ids = membership_list_for_user(user=user).values("tenant_id")
        self.fields["tenant"].queryset = Tenant.objects.filter(pk__in=tenant_ids).order_by("name")

    def expires_at(self) -> datetime.datetime | None:
        choice = self.cleaned_data["expires"]
        if choice == "never":
            return None
        return timezone.now() + datetime.timedelta(days=int(choice))


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def token_list(request):
    """The user's tokens and the form for a new one. After a successful POST the page shows
    the new secret, once: it is not stored, so a reload cannot show it again."""
    form = PersonalTokenForm(request.POST or None, user=request.user)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = personal_token_create(
                tenant=form.cleaned_data["tenant"],
                actor=request.user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                expires_at=form.expires_at(),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            created = {"token": token, "secret": secret}
            form = PersonalTokenForm(user=request.user)
    context = {
        "tokens": personal_token_list_for_user(user=request.user),
        "form": form,
        "created": created,
        "now": timezone.now(),
    }
    status = 400 if form.errors else (201 if created else 200)
    return render(request, "portal/api_tokens.html", context, status=status)


@login_required
@require_POST
def token_revoke(request, personaltoken_id: int):
    token = personal_token_get_for_user(user=request.user, token_id=personaltoken_id)
    if token is None:
        raise Http404
    personal_token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("api_token_list")
