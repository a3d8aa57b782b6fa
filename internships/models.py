"""Stage places and other opportunities, applications to them, placements and evaluations."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnerships.models import Contact, EducationLevel, Organisation, Sector
from portal.querysets import TenantOwned

RATING = [MinValueValidator(1), MaxValueValidator(5)]


class Opportunity(TenantOwned):
    """A stage place, or another way a company opens its doors to schools."""

    class Kind(models.TextChoices):
        ORIENTATION = "orientation", _("Orientation day (snuffelstage)")
        SHADOWING = "shadowing", _("Shadowing day (meeloopdag)")
        SHORT_STAGE = "short_stage", _("Short stage")
        BPV = "bpv", _("BPV stage (MBO BOL)")
        BBL = "bbl", _("Work-based learning place (BBL)")
        GRADUATION = "graduation", _("Graduation internship (HBO/WO)")
        PROJECT = "project", _("Project or assignment")
        GUEST_LESSON = "guest_lesson", _("Guest lesson")
        COMPANY_VISIT = "company_visit", _("Company visit")
        TEACHING_ON_LOCATION = "teaching_on_location", _("Teaching on location")
        SHARED_FACILITY = "shared_facility", _("Shared facility")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        FILLED = "filled", _("Filled")
        CLOSED = "closed", _("Closed")

    company = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="opportunities",
        verbose_name=_("company"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    education_levels = ArrayField(
        models.CharField(max_length=10, choices=EducationLevel.choices),
        verbose_name=_("education levels"),
        default=list,
        blank=True,
    )
    sectors = models.ManyToManyField(
        Sector, verbose_name=_("sectors"), blank=True, related_name="opportunities"
    )
    crebo_codes = ArrayField(
        models.CharField(
            max_length=5, validators=[RegexValidator(r"^\d{5}$", _("A crebo code has 5 digits."))]
        ),
        verbose_name=_("crebo codes"),
        default=list,
        blank=True,
        help_text=_("MBO only: the qualifications this place suits."),
    )
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("end"), null=True, blank=True)
    is_ongoing = models.BooleanField(_("ongoing"), default=False)
    hours_per_week = models.PositiveSmallIntegerField(
        _("hours per week"), null=True, blank=True, validators=[MaxValueValidator(60)]
    )
    places = models.PositiveSmallIntegerField(
        _("number of places"), default=1, validators=[MinValueValidator(1)]
    )
    places_taken = models.PositiveSmallIntegerField(
        _("places taken"),
        default=0,
        editable=False,
        help_text=_("Accepted applications; PostgreSQL keeps it at or below the places."),
    )
    street_address = models.CharField(_("address"), max_length=200, blank=True)
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)
    supervisor = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("supervisor"),
    )
    requirements = models.TextField(_("requirements"), blank=True)
    allowance = models.CharField(_("allowance"), max_length=100, blank=True)
    application_deadline = models.DateField(_("apply before"), null=True, blank=True)
    public_contact_name = models.CharField(_("public contact name"), max_length=150, blank=True)
    public_contact_email = models.EmailField(_("public contact e-mail"), blank=True)
    public_contact_phone = models.CharField(_("public contact phone"), max_length=30, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    unpublished_reason = models.TextField(_("reason for unpublishing"), blank=True)
    expiry_reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    search_vector = models.GeneratedField(
        expression=SearchVector("title", "description", "municipality", config="dutch"),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(places__gte=1), name="opportunity_places_positive"),
            models.CheckConstraint(
                condition=Q(places_taken__lte=F("places")),
                name="opportunity_not_overfilled",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="opportunity_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(
                fields=["tenant", "status", "-published_at"], name="opportunity_listing_idx"
            ),
            models.Index(
                fields=["tenant", "status", "municipality"], name="opportunity_municipality_idx"
            ),
            models.Index(fields=["tenant", "status", "kind"], name="opportunity_kind_idx"),
            models.Index(fields=["tenant", "company", "status"], name="opportunity_company_idx"),
            models.Index(fields=["tenant", "status", "ends_on"], name="opportunity_ends_idx"),
            GinIndex(fields=["search_vector"], name="opportunity_search_idx"),
            GinIndex(fields=["education_levels"], name="opportunity_levels_idx"),
            GinIndex(fields=["crebo_codes"], name="opportunity_crebo_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def places_left(self) -> int:
        return max(self.places - self.places_taken, 0)


class Application(TenantOwned):
    """A school applies on behalf of a student, or registers a group's interest.

    Only the minimal student data the company needs: first name, initial of the last name,
    level and programme. Anonymised a tenant-set time after the placement ends.
    """

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        IN_CONVERSATION = "in_conversation", _("In conversation")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    opportunity = models.ForeignKey(
        Opportunity,
        on_delete=models.CASCADE,
        related_name="applications",
        verbose_name=_("opportunity"),
    )
    school = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="stage_applications",
        verbose_name=_("school"),
    )
    student_first_name = models.CharField(_("student's first name"), max_length=60, blank=True)
    student_last_initial = models.CharField(_("initial of the last name"), max_length=1, blank=True)
    student_level = models.CharField(
        _("level"), max_length=10, choices=EducationLevel.choices, blank=True
    )
    student_programme = models.CharField(_("programme"), max_length=120, blank=True)
    group_size = models.PositiveSmallIntegerField(
        _("group size"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("More than 1 registers a group's interest instead of one student."),
    )
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)
    created_at = models.DateTimeField(_("submitted"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["tenant", "opportunity", "status"], name="application_opportunity_idx"
            ),
            models.Index(fields=["tenant", "school", "-created_at"], name="application_school_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.student_display} → {self.opportunity}"

    @property
    def student_display(self) -> str:
        if self.anonymised_at:
            return str(_("Anonymised student"))
        if self.group_size > 1:
            return str(_("Group of %(size)s") % {"size": self.group_size})
        return f"{self.student_first_name} {self.student_last_initial}.".strip()


class ApplicationMessage(TenantOwned):
    """A message between the school and the company about an application."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    author_organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+"
    )
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("sent"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["tenant", "application", "created_at"], name="message_thread_idx")
        ]


class Placement(TenantOwned):
    """A student at a company, made from an accepted application, evaluated by both sides."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="placement"
    )
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="placements"
    )
    school = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    company = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    school_supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("school supervisor"),
    )
    company_supervisor = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("company supervisor"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    school_rating = models.PositiveSmallIntegerField(
        _("school's rating"), null=True, blank=True, validators=RATING
    )
    school_evaluation = models.TextField(_("school's evaluation"), blank=True)
    company_rating = models.PositiveSmallIntegerField(
        _("company's rating"), null=True, blank=True, validators=RATING
    )
    company_evaluation = models.TextField(_("company's evaluation"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="placement_ends_after_start"
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "school", "status"], name="placement_school_idx"),
            models.Index(fields=["tenant", "company", "status"], name="placement_company_idx"),
            models.Index(fields=["tenant", "status", "ends_on"], name="placement_ends_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.application.student_display} @ {self.company}"


class InternshipSettings(TenantOwned):
    """Per-tenant settings of the stage market."""

    anonymise_after_months = models.PositiveSmallIntegerField(
        _("anonymise student data after (months after the placement ends)"), default=12
    )

    class Meta:
        verbose_name = _("stage settings")
        verbose_name_plural = _("stage settings")
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="internship_settings_one_per_tenant"),
        ]
