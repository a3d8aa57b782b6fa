"""The stage market's API: opportunities, applications, placements and the public listing.

Thin like the pages: each resource reads through the pages' selectors with the same
narrowing (a company its own records, a school its own) and writes through the services,
which check who may act for which side themselves.

Who sees what (as on the pages):

- opportunities: the programme office and leads all of them; others every one that is not
  a draft, and their own company's drafts. The supervisor and a moderator's reason only
  for the own company and the programme office.
- applications and placements carry student data: only the school and the company of
  each see them (the pages show them to no one else); other members get an empty list.
- the public listing: published opportunities only, the fields of the public page,
  anyone, cacheable; a tenant without a public page is a 404 for outsiders.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch
from django.http import Http404
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response

from internships.filters import PublicOpportunityFilter
from internships.models import Application, Opportunity, Placement
from internships.selectors.public import opportunity_display, opportunity_public_get
from internships.selectors.visibility import opportunities_visible_to
from internships.serializers import (
    ApplicationAcceptSerializer,
    ApplicationCreateSerializer,
    ApplicationSerializer,
    OpportunitySerializer,
    OpportunityUnpublishSerializer,
    OpportunityWriteSerializer,
    PlacementSerializer,
    PublicOpportunityDetailSerializer,
    PublicOpportunitySerializer,
)
from internships.services import applications as application_services
from internships.services import opportunities as opportunity_services
from internships.services import placements as placement_services
from internships.services.access import own_company, own_organisation, own_school
from partnerships.models import Organisation, Sector
from portal.api.views import PublicTenantViewSet, TenantViewSet

PUBLIC_MAX_AGE = 300  # seconds, as the public feed and JSON of the pages


# --- opportunities ---------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="List the stage market's opportunities you may see"),
    retrieve=extend_schema(summary="One opportunity"),
    create=extend_schema(
        summary="Create a draft opportunity of your own company",
        request=OpportunityWriteSerializer,
        responses={201: OpportunitySerializer},
    ),
    update=extend_schema(
        summary="Change an opportunity of your own company",
        request=OpportunityWriteSerializer,
        responses={200: OpportunitySerializer},
    ),
    partial_update=extend_schema(
        summary="Change some fields of an opportunity of your own company",
        request=OpportunityWriteSerializer,
        responses={200: OpportunitySerializer},
    ),
)
class OpportunityViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    TenantViewSet,
):
    """Opportunities (stage places, guest lessons, company visits, ...)."""

    tenant_permission = "stages.view"
    write_permission = "stages.offer"
    # The services check that the actor acts for the opportunity's company; the gate only
    # keeps other roles out, so another company's id is a 404 before it is a 403.
    action_permissions = {
        "update": "stages.view",
        "partial_update": "stages.view",
        "publish": "stages.view",
        "close": "stages.view",
        "unpublish": "stages.moderate",
    }
    lookup_field = "pk"
    lookup_url_kwarg = "opportunity_id"
    serializer_class = OpportunitySerializer
    filterset_fields = {
        "status": ["exact"],
        "kind": ["exact"],
        "company": ["exact"],
        "municipality": ["exact"],
        "published_at": ["gte", "lte"],
    }
    ordering_fields = ["published_at", "created_at", "updated_at", "title", "application_deadline"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        tenant, membership = self.tenant, self.membership
        return (
            opportunities_visible_to(tenant=tenant, membership=membership)
            .defer("search_vector")
            .prefetch_related(
                Prefetch("sectors", queryset=Sector.objects.for_tenant(tenant).only("pk"))
            )
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "membership": getattr(self, "membership", None)}

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return OpportunityWriteSerializer
        if self.action == "unpublish":
            return OpportunityUnpublishSerializer
        return OpportunitySerializer

    def _answer(self, opportunity: Opportunity, code: int = status.HTTP_200_OK) -> Response:
        opportunity = self.get_queryset().get(pk=opportunity.pk)
        return Response(
            OpportunitySerializer(opportunity, context=self.get_serializer_context()).data,
            status=code,
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        sectors = values.pop("sectors", [])
        opportunity = opportunity_services.opportunity_create(
            tenant=self.tenant,
            actor=request.user,
            company=own_company(self.membership),
            sectors=sectors,
            **values,
        )
        return self._answer(opportunity, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        opportunity = self.get_object()
        serializer = self.get_serializer(opportunity, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        sectors = values.pop("sectors", None)
        opportunity = opportunity_services.opportunity_update(
            tenant=self.tenant,
            actor=request.user,
            opportunity=opportunity,
            sectors=sectors,
            **values,
        )
        return self._answer(opportunity)

    @extend_schema(summary="Publish a draft", request=None, responses={200: OpportunitySerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request, *args, **kwargs):
        opportunity = opportunity_services.opportunity_publish(
            tenant=self.tenant, actor=request.user, opportunity=self.get_object()
        )
        return self._answer(opportunity)

    @extend_schema(
        summary="Close a published or filled opportunity",
        request=None,
        responses={200: OpportunitySerializer},
    )
    @action(detail=True, methods=["post"])
    def close(self, request, *args, **kwargs):
        opportunity = opportunity_services.opportunity_close(
            tenant=self.tenant, actor=request.user, opportunity=self.get_object()
        )
        return self._answer(opportunity)

    @extend_schema(
        summary="Take a published opportunity offline (programme office), with a reason",
        request=OpportunityUnpublishSerializer,
        responses={200: OpportunitySerializer},
    )
    @action(detail=True, methods=["post"])
    def unpublish(self, request, *args, **kwargs):
        opportunity = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        opportunity = opportunity_services.opportunity_unpublish(
            tenant=self.tenant,
            actor=request.user,
            opportunity=opportunity,
            reason=serializer.validated_data["reason"],
        )
        return self._answer(opportunity)


# --- applications ----------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Applications of your school, or to your company"),
    retrieve=extend_schema(summary="One application of your school or to your company"),
    create=extend_schema(
        summary="Apply for a student or a group (school members)",
        request=ApplicationCreateSerializer,
        responses={201: ApplicationSerializer},
    ),
)
class ApplicationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, TenantViewSet
):
    """Applications: a school sees its own, a company those to its opportunities."""

    tenant_permission = "stages.view"
    write_permission = "stages.apply"
    action_permissions = {
        "accept": "stages.view",
        "decline": "stages.view",
        "withdraw": "stages.view",
    }
    lookup_field = "pk"
    lookup_url_kwarg = "application_id"
    serializer_class = ApplicationSerializer
    filterset_fields = {
        "status": ["exact"],
        "opportunity": ["exact"],
        "school": ["exact"],
        "created_at": ["gte", "lte"],
    }
    ordering_fields = ["created_at", "decided_at", "status"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        applications = (
            Application.objects.for_tenant(self.tenant)
            .select_related("opportunity__company", "school", "placement")
            .annotate(message_count=Count("messages"))
        )
        membership = self.membership
        if own_organisation(membership, Organisation.Kind.SCHOOL) and membership.can(
            "stages.apply"
        ):
            return applications.filter(school_id=membership.organisation_id)
        if own_organisation(membership, Organisation.Kind.COMPANY) and membership.can(
            "stages.offer"
        ):
            return applications.filter(opportunity__company_id=membership.organisation_id)
        return applications.none()

    def get_serializer_class(self):
        if self.action == "create":
            return ApplicationCreateSerializer
        if self.action == "accept":
            return ApplicationAcceptSerializer
        return ApplicationSerializer

    def _answer(self, application: Application, code: int = status.HTTP_200_OK) -> Response:
        application = self.get_queryset().get(pk=application.pk)
        return Response(ApplicationSerializer(application).data, status=code)

    def create(self, request, *args, **kwargs):
        school = own_school(self.membership)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        application = application_services.application_submit(
            tenant=self.tenant, actor=request.user, school=school, **serializer.validated_data
        )
        return self._answer(application, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Accept (company): takes a place and plans a placement",
        request=ApplicationAcceptSerializer,
        responses={200: ApplicationSerializer},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, *args, **kwargs):
        application = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        application_services.application_accept(
            tenant=self.tenant,
            actor=request.user,
            application=application,
            **serializer.validated_data,
        )
        return self._answer(application)

    @extend_schema(
        summary="Decline (company)", request=None, responses={200: ApplicationSerializer}
    )
    @action(detail=True, methods=["post"])
    def decline(self, request, *args, **kwargs):
        application = application_services.application_decline(
            tenant=self.tenant, actor=request.user, application=self.get_object()
        )
        return self._answer(application)

    @extend_schema(
        summary="Withdraw (school)", request=None, responses={200: ApplicationSerializer}
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, *args, **kwargs):
        application = application_services.application_withdraw(
            tenant=self.tenant, actor=request.user, application=self.get_object()
        )
        return self._answer(application)


# --- placements ------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Placements of your school's students, or at your company"),
    retrieve=extend_schema(summary="One placement of your school or at your company"),
)
class PlacementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Placements: a school sees its students', a company those at the company."""

    tenant_permission = "stages.view"
    write_permission = "stages.view"  # the services check the side (school or company)
    lookup_field = "pk"
    lookup_url_kwarg = "placement_id"
    serializer_class = PlacementSerializer
    filterset_fields = {
        "status": ["exact"],
        "opportunity": ["exact"],
        "starts_on": ["gte", "lte"],
        "ends_on": ["gte", "lte"],
    }
    ordering_fields = ["starts_on", "ends_on", "created_at"]
    ordering = ["-starts_on", "-id"]

    def get_queryset(self):
        placements = Placement.objects.for_tenant(self.tenant).select_related(
            "application",
            "opportunity",
            "school",
            "company",
            "school_supervisor",
            "company_supervisor",
        )
        membership = self.membership
        if own_organisation(membership, Organisation.Kind.SCHOOL) and membership.can(
            "stages.apply"
        ):
            return placements.filter(school_id=membership.organisation_id)
        if own_organisation(membership, Organisation.Kind.COMPANY) and membership.can(
            "stages.offer"
        ):
            return placements.filter(company_id=membership.organisation_id)
        return placements.none()

    def _transition(self, service) -> Response:
        placement = service(
            tenant=self.tenant, actor=self.request.user, placement=self.get_object()
        )
        return Response(PlacementSerializer(self.get_queryset().get(pk=placement.pk)).data)

    @extend_schema(summary="Start a planned placement", request=None)
    @action(detail=True, methods=["post"])
    def start(self, request, *args, **kwargs):
        return self._transition(placement_services.placement_start)

    @extend_schema(summary="Complete an active placement", request=None)
    @action(detail=True, methods=["post"])
    def complete(self, request, *args, **kwargs):
        return self._transition(placement_services.placement_complete)

    @extend_schema(summary="Cancel a placement (its place is given back)", request=None)
    @action(detail=True, methods=["post"])
    def cancel(self, request, *args, **kwargs):
        return self._transition(placement_services.placement_cancel)


# --- the public listing ----------------------------------------------------------------------


class PublicOpportunityFilterBackend(DjangoFilterBackend):
    """The public page's own filter (search, level, kind, sector, municipality, period,
    sort), bound to the tenant of the URL."""

    def get_filterset_class(self, view, queryset=None):
        return PublicOpportunityFilter

    def get_filterset_kwargs(self, request, queryset, view):
        return {"data": request.query_params, "tenant": view.tenant, "request": request}

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if not filterset.is_valid():
            raise DRFValidationError(filterset.errors)
        return filterset.qs


@extend_schema_view(
    list=extend_schema(
        summary="The tenant's published opportunities (public, no login)",
        description=(
            "The same opportunities and filters as the public stage listing page. Cacheable "
            "for 5 minutes; send If-None-Match with the ETag to get a 304 when nothing "
            "changed. A partnership without a public page answers 404."
        ),
        responses={
            200: PublicOpportunitySerializer(many=True),
            304: OpenApiResponse(description="Not modified since the ETag sent in If-None-Match"),
        },
        auth=[],
    ),
    retrieve=extend_schema(
        summary="One published opportunity (public, no login)",
        responses={
            200: PublicOpportunityDetailSerializer,
            304: OpenApiResponse(description="Not modified"),
        },
        auth=[],
    ),
)
class PublicOpportunityViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, PublicTenantViewSet
):
    """The public stage listing of a tenant: published opportunities, no personal data."""

    lookup_field = "pk"
    lookup_url_kwarg = "opportunity_id"
    serializer_class = PublicOpportunitySerializer
    filter_backends = [PublicOpportunityFilterBackend]
    filterset_class = PublicOpportunityFilter
    ordering_fields: list[str] = []  # the filter's ``sort`` orders, as on the page

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not (self.tenant.public_page or self.membership is not None):
            raise Http404

    def get_queryset(self):
        # The listing's rows come from the filter backend (``opportunity_public_list``).
        return Opportunity.objects.for_tenant(self.tenant).filter(
            status=Opportunity.Status.PUBLISHED
        )

    def get_serializer_class(self):
        if self.action == "retrieve":
            return PublicOpportunityDetailSerializer
        return PublicOpportunitySerializer

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        opportunity_display(page)
        serializer = self.get_serializer(page, many=True)
        return self.get_paginated_response(serializer.data)

    def get_object(self):
        try:
            opportunity = opportunity_public_get(
                tenant=self.tenant, opportunity_id=self.kwargs[self.lookup_url_kwarg]
            )
        except Opportunity.DoesNotExist:
            raise Http404 from None
        return opportunity

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            response.render()
            patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
            set_response_etag(response)
            return get_conditional_response(
                request, etag=response.headers["ETag"], response=response
            )
        return response
