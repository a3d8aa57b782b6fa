"""Search, filters and sort order of the public stage listing, shared by the page, the Atom
feed and the JSON endpoint, so the same query string gives the same opportunities in all
three.

The parameters (all optional; the JSON endpoint documents them for school websites):

``q``                 words from the title, description or municipality, Dutch full text in
                      web search syntax: ``lassen "proces operator" -schoonmaak``
``level``             an education level code (``vmbo``, ``mbo3``, ``hbo``, ...)
``kind``              an opportunity kind code (``bpv``, ``orientation``, ``guest_lesson``, ...)
``sector``            a sector's id in this partnership
``municipality``      a municipality's name, exactly as listed
``available_from``    ``YYYY-MM-DD``: the opportunity runs on or after this day ...
``available_until``   ``YYYY-MM-DD``: ... and on or before this one. Together: its period
                      overlaps the window. Opportunities without an end date (ongoing) are
                      available from their start on; those without a start, any time.
``sort``              ``newest`` (published most recently) or ``soonest`` (available
                      soonest: the start, or today for one that already started); without
                      it, the best match first when searching, otherwise the newest.
"""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import DateField, F, Q, QuerySet, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from internships.models import Opportunity
from internships.selectors.public import (
    opportunity_public_list,
    opportunity_public_municipalities,
)
from partnerships.models import EducationLevel, Sector
from portal.models import Tenant

SEARCH_MAX_LENGTH = 200
NEWEST = "newest"
SOONEST = "soonest"
RELEVANCE = "relevance"
SORT_CHOICES = [(NEWEST, _("Newest first")), (SOONEST, _("Available soonest"))]


class DateInput(forms.DateInput):
    """A native date picker; its value is always ISO (``YYYY-MM-DD``), in every language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class PublicOpportunityFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("available_from"), cleaned.get("available_until")
        if start and end and end < start:
            self.add_error(
                "available_until",
                _("The end of the period is before its start. Choose a later date."),
            )
        return cleaned


class PublicOpportunityFilter(django_filters.FilterSet):
    """Search, filters and order of one tenant's published opportunities."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.SearchInput,
        max_length=SEARCH_MAX_LENGTH,
        help_text=_('Words from the title or description, e.g. mechatronica or "proces operator".'),
    )
    level = django_filters.ChoiceFilter(
        label=_("Education level"),
        choices=EducationLevel.choices,
        method="filter_level",
        empty_label=_("All levels"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Opportunity.Kind.choices, empty_label=_("All kinds")
    )
    sector = django_filters.ModelChoiceFilter(
        label=_("Sector"),
        field_name="sectors",
        queryset=Sector.objects.none(),
        empty_label=_("All sectors"),
    )
    # A name rather than a fixed choice: a shared link or a school website's embed keeps
    # working (with no results) when the last place in a municipality is gone.
    municipality = django_filters.CharFilter(label=_("Municipality"), widget=forms.Select)
    available_from = django_filters.DateFilter(
        label=_("Available from"), method="filter_later", widget=DateInput
    )
    available_until = django_filters.DateFilter(
        label=_("Available until"), method="filter_later", widget=DateInput
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=SORT_CHOICES,
        method="filter_later",
        empty_label=_("Best match first"),
        help_text=_("Without a search: newest first."),
    )

    class Meta:
        model = Opportunity
        fields: list[str] = []
        form = PublicOpportunityFilterForm

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
        super().__init__(data, queryset=opportunity_public_list(tenant=tenant), request=request)
        self.filters["sector"].queryset = Sector.objects.for_tenant(tenant)

    # --- filters ------------------------------------------------------------------------

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        query = SearchQuery(value, config="dutch", search_type="websearch")
        return queryset.filter(search_vector=query).annotate(
            search_rank=SearchRank(F("search_vector"), query)
        )

    def filter_level(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(education_levels__contains=[value])  # the GIN index

    def filter_later(self, queryset: QuerySet, name: str, value) -> QuerySet:
        """The period and the order take two fields or depend on the search: both are
        applied in ``filter_queryset``, after every field has been filtered on."""
        return queryset

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        start = self.form.cleaned_data.get("available_from")
        end = self.form.cleaned_data.get("available_until")
        if start:
            queryset = queryset.filter(
                Q(ends_on__isnull=True) | Q(is_ongoing=True) | Q(ends_on__gte=start)
            )
        if end:
            queryset = queryset.filter(Q(starts_on__isnull=True) | Q(starts_on__lte=end))
        return queryset.order_by(*self.ordering())

    # --- for the pages ------------------------------------------------------------------

    def ordering(self) -> tuple:
        sort = self.sort_order
        if sort == SOONEST:
            # Started already or no start: available today.
            available = Greatest("starts_on", Value(self.today, output_field=DateField()))
            return (available.asc(), "-published_at", "-pk")
        if sort == RELEVANCE:
            return ("-search_rank", "-published_at", "-pk")
        return ("-published_at", "-pk")  # the index opportunity_listing_idx

    @property
    def searching(self) -> bool:
        return bool((self._cleaned("q") or "").strip())

    @property
    def sort_order(self) -> str:
        chosen = self._cleaned("sort")
        if chosen in (NEWEST, SOONEST):
            return chosen
        return RELEVANCE if self.searching else NEWEST

    def municipality_choices(self) -> list[tuple[str, str]]:
        """For the page's select (one query): the municipalities with a published
        opportunity, plus the one asked for when none is left there."""
        names = opportunity_public_municipalities(tenant=self.tenant)
        asked = self._cleaned("municipality")
        if asked and asked not in names:
            names = sorted([*names, asked])
        return [("", _("All municipalities")), *((name, name) for name in names)]

    def prepare_form(self) -> None:
        """Load the choices only the HTML form shows (the feed and JSON don't need them)."""
        self.form.fields["municipality"].widget.choices = self.municipality_choices()

    @property
    def active_filter_count(self) -> int:
        names = ("q", "level", "kind", "sector", "municipality", "available_from")
        names += ("available_until",)
        return sum(1 for name in names if self._cleaned(name))

    def _cleaned(self, name: str):
        """A field's valid value, also when another field of the form is invalid."""
        if not self.is_bound:
            return None
        self.errors  # noqa: B018 -- validates the form, which fills cleaned_data
        return self.form.cleaned_data.get(name)
