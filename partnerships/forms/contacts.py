"""Input of a contact (a person at an organisation)."""

from __future__ import annotations

from django import forms

from partnerships.models import Contact

CONTACT_FIELDS = [
    "name",
    "function",
    "email",
    "phone",
    "preferred_language",
    "is_ambassador",
    "is_active",
    "lawful_basis",
]


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = CONTACT_FIELDS
        widgets = {
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "name": forms.TextInput(attrs={"autocomplete": "off"}),
        }
