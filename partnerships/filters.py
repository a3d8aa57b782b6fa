"""The organisation list's search, filters and sort order, shared by the page and its export.

The filter form is a GET form, so every list is a shareable URL; the export takes the
same parameters and so exports exactly the list the person sees.
"""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnerships.models import EducationLevel, Organisation, Sector
from partnerships.querysets import OrganisationQuerySet
from partnerships.selectors.organisations import (
    organisation_list,
    organisation_municipalities,
    organisation_tags,
    relationship_status_choices,
)
from partnerships.selectors.settings import dormant_before, months_before
from portal.models import Tenant

MAX_NO_CONTACT_MONTHS = 600
MAX_SEARCH_LENGTH = 200

RELEVANCE = "relevance"
# The only orders a URL can ask for; each ends in a unique column so pages never overlap.
SORT_ORDERS = {
    "name": ("name", "pk"),
    "municipality": ("municipality", "name", "pk"),
    "-last_contact": (F("last_contact_on").desc(nulls_last=True), "name", "pk"),
    "last_contact": (F("last_contact_on").asc(nulls_first=True), "name", "pk"),
    "-created": ("-created_at", "-pk"),
    RELEVANCE: ("-search_rank", "name", "pk"),
}
SORT_CHOICES = [
    ("name", _("Name")),
    ("municipality", _("Municipality")),
    ("-last_contact", _("Most recent contact first")),
    ("last_contact", _("Longest without contact first")),
    ("-created", _("Recently added")),
]


class IntegerFilter(django_filters.Filter):
    field_class = forms.IntegerField


class OrganisationFilter(django_filters.FilterSet):
    """Search, filters and order of the organisation list of one tenant."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        max_length=MAX_SEARCH_LENGTH,
        widget=forms.SearchInput,
        help_text=_("Name or municipality; spelling mistakes and word forms are forgiven."),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Organisation.Kind.choices, empty_label=_("All kinds")
    )
    sector = django_filters.ModelChoiceFilter(
        label=_("Sector"),
        field_name="sectors",
        queryset=Sector.objects.none(),
        empty_label=_("All sectors"),
    )
    level = django_filters.ChoiceFilter(
        label=_("Education level"),
        choices=EducationLevel.choices,
        method="filter_level",
        empty_label=_("All levels"),
    )
    municipality = django_filters.ChoiceFilter(
        label=_("Municipality"), choices=[], empty_label=_("All municipalities")
    )
    status = django_filters.ChoiceFilter(
        label=_("Relationship status"),
        choices=relationship_status_choices,
        method="filter_status",
        empty_label=_("All statuses"),
    )
    no_contact_months = IntegerFilter(
        label=_("No contact for at least (months)"),
        method="filter_no_contact",
        min_value=1,
        max_value=MAX_NO_CONTACT_MONTHS,
        help_text=_("Includes organisations that were never contacted."),
    )
    tag = django_filters.ChoiceFilter(
        label=_("Tag"), choices=[], method="filter_tag", empty_label=_("All tags")
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=SORT_CHOICES,
        method="filter_nothing",
        empty_label=_("Best match first"),
        help_text=_("Without a search: by name."),
    )

    class Meta:
        model = Organisation
        fields: list[str] = []

    def __init__(
        self,
        data=None,
        *,
        tenant: Tenant,
        today: datetime.date | None = None,
        request=None,
    ):
        self.tenant = tenant
        self.today = today or timezone.localdate()
        self.dormant_before = dormant_before(tenant=tenant, today=self.today)
        super().__init__(
            data,
            queryset=organisation_list(tenant=tenant, dormant_before=self.dormant_before),
            request=request,
        )
        self.filters["sector"].queryset = Sector.objects.for_tenant(tenant)
        self.filters["municipality"].extra["choices"] = [
            (name, name) for name in organisation_municipalities(tenant=tenant)
        ]
        self.filters["tag"].extra["choices"] = [
            (tag, tag) for tag in organisation_tags(tenant=tenant)
        ]

    # --- filters ----------------------------------------------------------------------------

    def filter_search(self, queryset: OrganisationQuerySet, name: str, value: str):
        return queryset.search(value)

    def filter_level(self, queryset, name: str, value: str):
        return queryset.filter(education_levels__contains=[value])

    def filter_status(self, queryset: OrganisationQuerySet, name: str, value: str):
        return queryset.filter_relationship_status(value, dormant_before=self.dormant_before)

    def filter_no_contact(self, queryset, name: str, value: int):
        since = months_before(self.today, value)
        return queryset.filter(Q(last_contact_on__lt=since) | Q(last_contact_on__isnull=True))

    def filter_tag(self, queryset, name: str, value: str):
        return queryset.filter(tags__contains=[value])

    def filter_nothing(self, queryset, name: str, value: str):
        """The sort order is applied last, in ``filter_queryset``, after the search."""
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        return queryset.order_by(*SORT_ORDERS[self.sort_order])

    # --- for the page -------------------------------------------------------------------

    @property
    def searching(self) -> bool:
        return bool(self._cleaned("q"))

    @property
    def sort_order(self) -> str:
        """The chosen order; by default the best match first when searching, else by name."""
        chosen = self._cleaned("sort")
        if chosen in SORT_ORDERS:
            return chosen
        return RELEVANCE if self.searching else "name"

    def _cleaned(self, name: str):
        """A field's valid value, also when another field of the form is invalid."""
        if not self.is_bound:
            return None
        self.errors  # noqa: B018 -- validates the form, which fills cleaned_data
        return self.form.cleaned_data.get(name)
