"""Input of the school pages: applying for a student or registering a group's interest.

Only the student's minimal data is asked: first name, the initial of the last name, level
and programme. No citizen service number and no date of birth, on purpose."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from internships.models import Application
from internships.services.applications import NOTE_MAX_LENGTH
from partnerships.models import EducationLevel


class ApplicationForm(forms.Form):
    STUDENT = "student"
    GROUP = "group"

    applies_for = forms.ChoiceField(
        label=_("Who is applying?"),
        choices=[(STUDENT, _("One student")), (GROUP, _("A group (registering interest)"))],
        widget=forms.RadioSelect,
        initial=STUDENT,
    )
    student_first_name = forms.CharField(
        label=_("Student's first name"),
        max_length=Application._meta.get_field("student_first_name").max_length,
        required=False,
        help_text=_("One student only."),
    )
    student_last_initial = forms.CharField(
        label=_("Initial of the last name"),
        max_length=2,
        required=False,
        help_text=_("One letter: no full last name."),
    )
    student_level = forms.ChoiceField(
        label=_("Level"),
        choices=[("", "—"), *EducationLevel.choices],
        required=False,
    )
    student_programme = forms.CharField(
        label=_("Programme"),
        max_length=Application._meta.get_field("student_programme").max_length,
        required=False,
        help_text=_("For example: Mechatronica, crebo 25391."),
    )
    group_size = forms.IntegerField(
        label=_("Group size"),
        required=False,
        help_text=_("A group only: how many students are interested."),
    )
    note = forms.CharField(
        label=_("Note for the company"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=NOTE_MAX_LENGTH,
        required=False,
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("applies_for") == self.GROUP:
            size = cleaned.get("group_size")
            if size is None or size < 2:
                self.add_error("group_size", _("A group has 2 students or more."))
        return cleaned

    def service_values(self) -> dict:
        values = dict(self.cleaned_data)
        if values.pop("applies_for") == self.STUDENT:
            values["group_size"] = 1
        return values
