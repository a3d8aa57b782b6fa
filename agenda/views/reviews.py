"""Pages of reviews (herijkingen): the list, recording one with its decisions, and a review's
page with the agenda as it stood and the difference with the review before it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from agenda.forms.reviews import DecisionForm, DecisionFormSet, ReviewForm
from agenda.selectors.reviews import (
    diff_display,
    review_get,
    review_latest,
    review_page,
)
from agenda.selectors.reviews import (
    review_list as reviews_of,
)
from agenda.services.reviews import DecisionInput
from agenda.services.reviews import review_create as record_review
from agenda.services.reviews import review_decision_add as add_decision
from agenda.snapshots import agenda_snapshot, snapshot_diff
from agenda.views.board import get_or_404
from portal.access import tenant_member_required
from portal.forms import apply_service_errors


def _decision_input(data: dict) -> DecisionInput:
    return DecisionInput(
        kind=data["kind"],
        description=data["description"],
        action=data.get("action"),
        indicator=data.get("indicator"),
    )


@tenant_member_required("agenda.view")
@require_GET
def review_list(request, tenant_slug: str):
    context = {
        "reviews": reviews_of(tenant=request.tenant),
        "can_review": request.membership.can("agenda.review"),
    }
    return render(request, "agenda/review_list.html", context)


@tenant_member_required("agenda.review")
@require_http_methods(["GET", "POST"])
def review_create(request, tenant_slug: str):
    """Record a review: its date, summary and decisions; the agenda as it stands now is kept
    with it. The page shows what changed since the latest review, to help name decisions."""
    tenant = request.tenant
    form = ReviewForm(request.POST or None)
    decisions = DecisionFormSet(request.POST or None, tenant=tenant, prefix="decisions")
    if request.method == "POST" and form.is_valid() and decisions.is_valid():
        chosen = [
            _decision_input(row.cleaned_data)
            for row in decisions
            if row.has_changed() and not row.is_blank
        ]
        try:
            review = record_review(
                tenant=tenant, actor=request.user, decisions=chosen, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The review “%(title)s” was recorded with a snapshot of the agenda.")
                % {"title": review.title},
            )
            return redirect("review_detail", tenant_slug=tenant.slug, review_id=review.pk)
    latest = review_latest(tenant=tenant)
    since_latest = None
    if latest is not None:
        since_latest = diff_display(snapshot_diff(latest.snapshot, agenda_snapshot(tenant=tenant)))
    context = {
        "form": form,
        "decisions": decisions,
        "latest": latest,
        "since_latest": since_latest,
    }
    status = 400 if form.errors or any(decisions.errors) or decisions.non_form_errors() else 200
    return render(request, "agenda/review_form.html", context, status=status)


@tenant_member_required("agenda.view")
@require_GET
def review_detail(request, tenant_slug: str, review_id: int):
    page = get_or_404(review_page, tenant=request.tenant, review_id=review_id)
    context = {
        "page": page,
        "review": page.review,
        "can_review": request.membership.can("agenda.review"),
    }
    return render(request, "agenda/review_detail.html", context)


@tenant_member_required("agenda.review")
@require_http_methods(["GET", "POST"])
def review_decision_add(request, tenant_slug: str, review_id: int):
    """Add a decision to a recorded review; its snapshot stays as it was taken."""
    tenant = request.tenant
    review = get_or_404(review_get, tenant=tenant, review_id=review_id)
    form = DecisionForm(request.POST or None, tenant=tenant, prefix="decision")
    if request.method == "POST" and form.is_valid():
        if form.is_blank:
            form.add_error("description", _("Describe the decision."))
        else:
            try:
                add_decision(
                    tenant=tenant,
                    actor=request.user,
                    review=review,
                    decision=_decision_input(form.cleaned_data),
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The decision was added to the review."))
                return redirect("review_detail", tenant_slug=tenant.slug, review_id=review.pk)
    status = 400 if form.errors else 200
    return render(
        request, "agenda/review_decision_form.html", {"form": form, "review": review}, status=status
    )
