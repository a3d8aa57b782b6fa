"""Input of the report pages: a report definition with its schedule, and a request for a
report of a finished period."""

from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Case, Value, When
from django.utils.translation import gettext_lazy as _

from agenda.models import ActionLine, Theme
from portal.models import Membership, Tenant
from portal.roles import Role
from reporting.models import ReportDefinition
from reporting.periods import finished_periods
from reporting.services.definitions import MAX_DAYS_AFTER_PERIOD_END

# How many finished periods the request form offers.
REQUESTABLE_PERIODS = 8


class ActionLineChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: ActionLine) -> str:
        return f"{obj.theme.title} › {obj.title}"


class RecipientChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Membership) -> str:
        name = obj.user.full_name or obj.user.email
        person = f"{name} ({obj.user.email})" if obj.user.full_name else name
        return f"{person}, {obj.get_role_display().lower()}"


class RecipientEmailsField(forms.CharField):
    """E-mail addresses, one per line, doubles dropped; the service checks each address."""

    widget = forms.Textarea(attrs={"rows": 3})

    def to_python(self, value) -> list[str]:
        text = super().to_python(value) or ""
        emails: list[str] = []
        for line in text.splitlines():
            email = line.strip().strip(",;").strip().lower()
            if email and email not in emails:
                emails.append(email)
        return emails

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value


class ReportDefinitionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    audience = forms.ChoiceField(
        label=_("Audience"), choices=ReportDefinition.Audience.choices, widget=forms.RadioSelect
    )
    sections = forms.MultipleChoiceField(
        label=_("Sections"),
        choices=ReportDefinition.Section.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one section for the report.")},
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        queryset=Theme.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose no themes and no action lines to report on the whole agenda."),
    )
    action_lines = ActionLineChoiceField(
        label=_("Action lines"),
        queryset=ActionLine.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    period_kind = forms.ChoiceField(label=_("Period"), choices=ReportDefinition.PeriodKind.choices)
    language = forms.ChoiceField(label=_("Language of the report"), choices=settings.LANGUAGES)
    recipient_memberships = RecipientChoiceField(
        label=_("Recipients in the partnership"),
        queryset=Membership.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "They get an e-mail with a link when a report is ready; the link asks them to log in."
        ),
    )
    recipient_emails = RecipientEmailsField(
        label=_("Other recipients (e-mail)"),
        required=False,
        help_text=_(
            "One address on each line. They get a notice that the report is ready; only "
            "members can download it."
        ),
    )
    schedule_enabled = forms.BooleanField(
        label=_("Produce this report automatically after each period"), required=False
    )
    days_after_period_end = forms.IntegerField(
        label=_("Days after the period ends"),
        min_value=0,
        max_value=MAX_DAYS_AFTER_PERIOD_END,
        initial=10,
        help_text=_("Leaves time to enter the period's measurements and progress updates."),
    )

    def __init__(self, *args, tenant: Tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = Theme.objects.for_tenant(tenant).order_by(
            "position", "title"
        )
        self.fields["action_lines"].queryset = (
            ActionLine.objects.for_tenant(tenant)
            .select_related("theme")
            .order_by("theme__position", "theme__title", "position", "title")
        )
        # Funder members first: they are the usual recipients.
        self.fields["recipient_memberships"].queryset = (
            Membership.objects.for_tenant(tenant)
            .select_related("user")
            .annotate(funder_first=Case(When(role=Role.FUNDER, then=Value(0)), default=Value(1)))
            .order_by("funder_first", "role", "user__email")
        )

    @classmethod
    def initial_for(cls, definition: ReportDefinition) -> dict:
        schedule = getattr(definition, "schedule", None)
        return {
            "title": definition.title,
            "audience": definition.audience,
            "sections": list(definition.sections),
            "themes": list(definition.themes.all()),
            "action_lines": list(definition.action_lines.all()),
            "period_kind": definition.period_kind,
            "language": definition.language,
            "recipient_memberships": list(definition.recipient_memberships.all()),
            "recipient_emails": list(definition.recipient_emails),
            "schedule_enabled": schedule.enabled if schedule is not None else False,
            "days_after_period_end": schedule.days_after_period_end if schedule is not None else 10,
        }


class ReportRunRequestForm(forms.Form):
    """A finished period of the definition's kind. The choice lists the latest finished
    periods; an older one may be posted too. The form only reads the date: which periods may
    be requested is the service's rule (``report_run_request``), whose refusal the view shows
    at this field."""

    period_start = forms.CharField(label=_("Period"), widget=forms.Select)

    def __init__(self, *args, definition: ReportDefinition, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.definition = definition
        self.periods = finished_periods(
            definition.period_kind, today=today, count=REQUESTABLE_PERIODS
        )
        self.fields["period_start"].widget.choices = [
            (period.start.isoformat(), period.label()) for period in self.periods
        ]

    def clean_period_start(self) -> datetime.date:
        try:
            return datetime.date.fromisoformat(self.cleaned_data["period_start"])
        except ValueError:
            raise ValidationError(
                _("Choose one of the periods in the list."), code="invalid_period"
            ) from None
