"""The CRM's API: organisations, contacts, the contact log and agreements.

Thin like the pages: reads through the pages' selectors and querysets (the same visibility:
another school's notes are never returned), writes through the services, and the same
object rules (``can_edit_organisation``, ``can_manage_contacts``, ``can_edit_interaction``,
``can_edit_agreement``). Agreement PDFs are uploaded and downloaded on the pages only: the
API speaks JSON, and a PDF upload needs the pages' size and content checks in a multipart
request; ``has_document`` tells whether an agreement has one.
"""

from __future__ import annotations

import datetime

import django_filters
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins

from partnerships.filters import MAX_SEARCH_LENGTH, OrganisationFilter
from partnerships.forms.interactions import chooses_logging_organisation
from partnerships.models import Agreement, Contact, Interaction, Organisation, Sector
from partnerships.selectors.agreements import agreement_list, can_edit_agreement
from partnerships.selectors.contacts import can_manage_contacts, hides_other_organisations
from partnerships.selectors.interactions import (
    interaction_list_visible,
    logging_organisation_choices,
)
from partnerships.selectors.organisations import organisation_list
from partnerships.selectors.settings import dormant_before
from partnerships.serializers import (
    AgreementSerializer,
    ContactSerializer,
    InteractionSerializer,
    OrganisationSerializer,
)
from partnerships.services import agreements as agreement_services
from partnerships.services import contacts as contact_services
from partnerships.services import interactions as interaction_services
from partnerships.services import organisations as organisation_services
from portal.api.views import ServiceWriteMixin, TenantViewSet


def _refuse_unchanged_fields(instance, values: dict, fields, message: str) -> None:
    """Fields a member may send (a PUT echoes the whole object) but not change."""
    errors = {
        field: [message]
        for field in fields
        if field in values and values[field] != getattr(instance, field)
    }
    if errors:
        raise DjangoValidationError(errors)


# --- organisations ----------------------------------------------------------------------------


class OrganisationApiFilter(OrganisationFilter):
    """The organisation list's search, filters and ``sort`` (the page's ``OrganisationFilter``),
    with free-text municipality and tag: the page offers the tenant's values as choices,
    the API matches them exactly."""

    municipality = django_filters.CharFilter(label=gettext_lazy("Municipality"), max_length=100)
    tag = django_filters.CharFilter(
        label=gettext_lazy("Tag"), method="filter_tag", max_length=MAX_SEARCH_LENGTH
    )

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, view=None):
        # Not OrganisationFilter.__init__: it builds the page's queryset and choice lists;
        # the API filters the viewset's queryset (already narrowed to what the member sees).
        self.tenant = view.tenant
        self.today = view.today
        self.dormant_before = view.dormant_before
        django_filters.FilterSet.__init__(
            self, data, queryset=queryset, request=request, prefix=prefix
        )
        self.filters["sector"].queryset = Sector.objects.for_tenant(self.tenant)


class OrganisationFilterBackend(DjangoFilterBackend):
    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        kwargs["view"] = view
        return kwargs


@extend_schema_view(
    list=extend_schema(
        summary="Organisations",
        description=(
            "The partnership's organisations with the organisation list's search (`q`), "
            "filters and `sort`. A company contact sees only their own company."
        ),
    ),
    retrieve=extend_schema(summary="One organisation"),
    create=extend_schema(summary="Add an organisation"),
    update=extend_schema(summary="Change an organisation"),
    partial_update=extend_schema(summary="Change some fields of an organisation"),
)
class OrganisationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    TenantViewSet,
):
    """Programme office and relationship managers keep every organisation; a company contact
    only their own company's profile, without kind, status and tags (the CRM's judgement)."""

    tenant_permission = "tenant.view"
    write_permission = "tenant.view"
    action_permissions = {"create": "crm.edit"}
    lookup_url_kwarg = "organisation_id"
    serializer_class = OrganisationSerializer
    filter_backends = [OrganisationFilterBackend]
    filterset_class = OrganisationApiFilter

    @cached_property
    def today(self):
        return timezone.localdate()

    @cached_property
    def dormant_before(self):
        return dormant_before(tenant=self.tenant, today=self.today)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema: no request, no database
            return Organisation.objects.none()
        membership = self.membership
        organisations = organisation_list(
            tenant=self.tenant, dormant_before=self.dormant_before
        ).order_by("name", "pk")
        if membership.can("crm.view"):
            return organisations
        if hides_other_organisations(membership):
            return organisations.filter(pk=membership.organisation_id)
        raise PermissionDenied

    def perform_create(self, serializer):
        organisation = organisation_services.organisation_create(
            tenant=self.tenant, actor=self.request.user, **serializer.validated_data
        )
        serializer.instance = self.refetch(organisation)

    def perform_update(self, serializer):
        organisation = serializer.instance
        if not organisation_services.can_edit_organisation(self.membership, organisation):
            raise PermissionDenied
        values = dict(serializer.validated_data)
        if not self.membership.can("crm.edit"):
            _refuse_unchanged_fields(
                organisation,
                values,
                ("kind", "status", "tags"),
                _("Only the programme office and relationship managers change this."),
            )
        organisation = organisation_services.organisation_update(
            tenant=self.tenant, actor=self.request.user, organisation=organisation, **values
        )
        serializer.instance = self.refetch(organisation)


# --- contacts ---------------------------------------------------------------------------------


class ContactFilter(django_filters.FilterSet):
    organisation = django_filters.NumberFilter(field_name="organisation_id", min_value=1)
    email = django_filters.CharFilter(field_name="email", lookup_expr="iexact", max_length=254)

    class Meta:
        model = Contact
        fields = ["organisation", "email", "is_active", "is_ambassador"]


@extend_schema_view(
    list=extend_schema(summary="Contacts (people at organisations)"),
    retrieve=extend_schema(summary="One contact"),
    create=extend_schema(summary="Add a contact to an organisation"),
    update=extend_schema(summary="Change a contact"),
    partial_update=extend_schema(summary="Change some fields of a contact"),
)
class ContactViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    TenantViewSet,
):
    """The CRM's people: every organisation's for the CRM roles, the own company's for a
    company contact. Export and erasure of a person's data stay on the pages."""

    tenant_permission = "tenant.view"
    write_permission = "tenant.view"
    lookup_url_kwarg = "contact_id"
    serializer_class = ContactSerializer
    filterset_class = ContactFilter
    ordering_fields = ["name", "created_at", "updated_at"]
    ordering = ["name", "pk"]

    def get_queryset(self):
        membership = self.membership
        contacts = Contact.objects.for_tenant(self.tenant)
        if membership.can("crm.view"):
            return contacts
        if hides_other_organisations(membership):
            return contacts.filter(organisation_id=membership.organisation_id)
        raise PermissionDenied

    def _check_organisation(self, organisation: Organisation) -> None:
        if can_manage_contacts(self.membership, organisation):
            return
        if hides_other_organisations(self.membership):
            # Another company does not exist for a company contact.
            raise DjangoValidationError(
                {"organisation": _("Choose an organisation of this partnership.")}
            )
        raise PermissionDenied

    def perform_create(self, serializer):
        values = dict(serializer.validated_data)
        self._check_organisation(values["organisation"])
        contact = contact_services.contact_create(
            tenant=self.tenant, actor=self.request.user, **values
        )
        serializer.instance = self.refetch(contact)

    def perform_update(self, serializer):
        contact = serializer.instance
        self._check_organisation(contact.organisation)
        values = dict(serializer.validated_data)
        if "organisation" in values and values["organisation"].pk == contact.organisation_id:
            values.pop("organisation")
        _refuse_unchanged_fields(
            contact, values, ("organisation",), _("A contact cannot move to another organisation.")
        )
        contact = contact_services.contact_update(
            tenant=self.tenant, actor=self.request.user, contact=contact, **values
        )
        serializer.instance = self.refetch(contact)


# --- interactions -----------------------------------------------------------------------------


class InteractionFilter(django_filters.FilterSet):
    organisation = django_filters.NumberFilter(field_name="organisations", min_value=1)
    logged_by = django_filters.NumberFilter(field_name="logged_by_id", min_value=1)
    occurred_after = django_filters.DateFilter(field_name="occurred_on", lookup_expr="gte")
    occurred_before = django_filters.DateFilter(field_name="occurred_on", lookup_expr="lte")
    follow_up_open = django_filters.BooleanFilter(method="filter_follow_up_open")

    class Meta:
        model = Interaction
        fields = ["organisation", "logged_by", "kind", "visibility"]

    def filter_follow_up_open(self, queryset, name, value):
        open_follow_ups = queryset.open_follow_ups()
        return open_follow_ups if value else queryset.exclude(pk__in=open_follow_ups.values("pk"))


@extend_schema_view(
    list=extend_schema(
        summary="The contact log",
        description=(
            "The entries the member may see: the programme office and leads all of them, a "
            "relationship manager their own organisation's and those shared with the "
            "partnership. Another organisation's notes are an empty string."
        ),
    ),
    retrieve=extend_schema(summary="One contact moment"),
    create=extend_schema(summary="Log a contact moment"),
    update=extend_schema(summary="Change a contact moment of your own organisation"),
    partial_update=extend_schema(summary="Change some fields of a contact moment"),
)
class InteractionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    TenantViewSet,
):
    tenant_permission = "crm.view"
    write_permission = "crm.log"
    lookup_url_kwarg = "interaction_id"
    serializer_class = InteractionSerializer
    filterset_class = InteractionFilter
    ordering_fields = ["occurred_on", "created_at"]
    ordering = ["-occurred_on", "-pk"]

    def get_queryset(self):
        return interaction_list_visible(tenant=self.tenant, membership=self.membership)

    def perform_create(self, serializer):
        membership = self.membership
        values = dict(serializer.validated_data)
        chosen = values.pop("logged_by", None)
        if chooses_logging_organisation(membership):
            allowed = logging_organisation_choices(tenant=self.tenant)
            if chosen is None or not allowed.filter(pk=chosen.pk).exists():
                raise DjangoValidationError(
                    {"logged_by": _("Choose the school or network whose contact log this is.")}
                )
            logged_by = chosen
        else:
            logged_by = membership.organisation
            if logged_by is None:
                raise PermissionDenied(_("Your membership is not tied to an organisation."))
            if chosen is not None and chosen.pk != logged_by.pk:
                raise DjangoValidationError(
                    {"logged_by": _("You log contact moments for your own organisation.")}
                )
        interaction = interaction_services.interaction_log(
            tenant=self.tenant, actor=self.request.user, logged_by=logged_by, **values
        )
        serializer.instance = self.refetch(interaction)

    def perform_update(self, serializer):
        interaction = serializer.instance
        if not interaction_services.can_edit_interaction(self.membership, interaction):
            raise PermissionDenied
        values = dict(serializer.validated_data)
        chosen = values.pop("logged_by", None)
        if chosen is not None and chosen.pk != interaction.logged_by_id:
            raise DjangoValidationError(
                {"logged_by": _("The organisation that logged an entry does not change.")}
            )
        organisations = values.pop("organisations", None)
        if organisations is None:
            organisations = list(interaction.organisations.all())
        contacts = values.pop("contacts", None)
        if contacts is None:
            contacts = list(interaction.contacts.all())
        interaction = interaction_services.interaction_update(
            tenant=self.tenant,
            actor=self.request.user,
            interaction=interaction,
            organisations=organisations,
            contacts=contacts,
            **values,
        )
        serializer.instance = self.refetch(interaction)


# --- agreements -------------------------------------------------------------------------------


class AgreementFilter(django_filters.FilterSet):
    party = django_filters.NumberFilter(field_name="parties", min_value=1)
    ending_within_days = django_filters.NumberFilter(
        method="filter_ending_within", min_value=0, max_value=3650
    )

    class Meta:
        model = Agreement
        fields = ["status", "kind", "party"]

    def filter_ending_within(self, queryset, name, value):
        today = timezone.localdate()
        return queryset.filter(
            ends_on__gte=today, ends_on__lte=today + datetime.timedelta(days=int(value))
        )


@extend_schema_view(
    list=extend_schema(summary="Agreements (covenants, partnership contracts)"),
    retrieve=extend_schema(summary="One agreement"),
    create=extend_schema(summary="Add an agreement (its PDF is added on the page)"),
    update=extend_schema(summary="Change an agreement"),
    partial_update=extend_schema(summary="Change some fields of an agreement"),
)
class AgreementViewSet(
    ServiceWriteMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    TenantViewSet,
):
    tenant_permission = "crm.view"
    write_permission = "crm.edit"
    lookup_url_kwarg = "agreement_id"
    serializer_class = AgreementSerializer
    filterset_class = AgreementFilter
    ordering_fields = ["starts_on", "ends_on", "title", "created_at"]
    create_service = staticmethod(agreement_services.agreement_create)
    update_service = staticmethod(agreement_services.agreement_update)
    update_object_kwarg = "agreement"  # the service takes partial updates: no update_fields

    def get_queryset(self):
        return agreement_list(tenant=self.tenant)

    def perform_update(self, serializer):
        if not can_edit_agreement(self.membership, serializer.instance):
            raise PermissionDenied
        super().perform_update(serializer)
